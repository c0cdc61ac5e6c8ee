-- 0011: the pin index (docs/protocol.md §14, §20), and the certificate a drop record was made under.
--
-- Each pin is MAC'd by its owner, so the server cannot forge one, but it could delete a pin
-- (first-seen trust would then start over silently) or serve an older one. The owner's browser
-- now also keeps one MAC'd index of all its pins with a counter that grows with every change;
-- the server stores it here as it is, one per user, and replaces it only when the writer names
-- the counter it replaces (compare-and-swap), so two tabs or devices never lose a pin between
-- them. `counter` is the one in the envelope, listed so the swap needs no parsing; the browser
-- trusts only the envelope's own.
--
-- Users who pinned before this migration have no index: their browser builds one from the pins
-- that verify the first time it checks a key.
CREATE TABLE pin_index (
  user_id BLOB NOT NULL PRIMARY KEY CHECK (length(user_id) = 16) REFERENCES users (id) ON DELETE CASCADE,
  counter INTEGER NOT NULL CHECK (counter >= 1),
  envelope BLOB NOT NULL CHECK (length(envelope) BETWEEN 99 AND 700100),
  updated_at INTEGER NOT NULL CHECK (updated_at >= 0)
) STRICT;

-- Drop records after a key reset (docs/protocol.md §13, §25). A record is signed by its
-- creator's identity key; after an admin reset the creator has new keys, so the record no longer
-- verifies with the certified key and readers could not tell that from a forgery. Each drop now
-- keeps the certificate its creator held when the record was stored; a reader that finds the
-- record valid under that older certificate (signed by the same office key) says the drop was
-- made before the reset, instead of blaming the server. Drops that already have a record get the
-- creator's current certificate: right for creators whose keys were not reset since; for the
-- others nothing changes (their records still read as changed on the server).
ALTER TABLE drops ADD COLUMN record_certificate BLOB NULL
  CHECK (record_certificate IS NULL OR length(record_certificate) BETWEEN 72 AND 4096);
UPDATE drops SET record_certificate = (SELECT u.certificate FROM users u WHERE u.id = drops.owner_id)
  WHERE signed_record IS NOT NULL;
