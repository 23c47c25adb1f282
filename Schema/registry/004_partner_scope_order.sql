-- A partner's pull pages its joint pledges by sequence number straight from pledge_partner.

-- Each partner row carries its pledge's updated_seq, so the joint-pledge half of a delegation's
-- scope is one index range (delegation, updated_seq) instead of a lookup of every pledge naming
-- the delegation on every pull, a no-op pull included (docs/performance.md).
ALTER TABLE pledge_partner ADD COLUMN updated_seq INTEGER NOT NULL DEFAULT 0;
UPDATE pledge_partner SET updated_seq = (SELECT updated_seq FROM pledge WHERE pledge.id = pledge_partner.pledge_id);
CREATE INDEX pledge_partner_updated ON pledge_partner(delegation, updated_seq);
-- Finding a pledge's partner rows (to follow its sequence, or replace its partners) by pledge id.
CREATE INDEX pledge_partner_pledge ON pledge_partner(pledge_id);

-- The copy follows the pledge whatever writes it: a pledge that moves moves in every partner's scope.
CREATE TRIGGER pledge_partner_follows_pledge AFTER UPDATE OF updated_seq ON pledge
BEGIN
    UPDATE pledge_partner SET updated_seq = NEW.updated_seq WHERE pledge_id = NEW.id;
END;
