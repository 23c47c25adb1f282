-- Push batches signed as a whole.

-- A node signs each push batch once, over the content hashes of its changes, instead of signing
-- every change (docs/performance.md). The batch is kept for audit: a change recorded with a
-- batch_id is proven by its content hash's place in content_hashes and the batch's signature,
-- made with the key registered to token_id's device.
CREATE TABLE signed_batch (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    token_id       TEXT NOT NULL,
    content_hashes TEXT NOT NULL,  -- one SHA-256 (hex) per change, in order, joined by newlines
    signature      TEXT NOT NULL,  -- Ed25519 (base64) over Signatures.signedBytes(ofBatch:)
    received_at    TEXT NOT NULL
);

ALTER TABLE received_change ADD COLUMN batch_id INTEGER REFERENCES signed_batch(id);
