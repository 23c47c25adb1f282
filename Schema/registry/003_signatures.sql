-- Device keys and signed receipts.

-- The Ed25519 public key (base64) of the device a token was issued to; its changes must be signed
-- with the matching private key. NULL until registered at issue or enrolled on first sync.
ALTER TABLE token ADD COLUMN public_key TEXT;

-- The signature each received change carried, kept with the change for audit.
ALTER TABLE received_change ADD COLUMN signature TEXT;

-- The registry's own signing key, made on first start; it signs receipts and return bundles.
CREATE TABLE registry_key (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    private_key TEXT NOT NULL
);
