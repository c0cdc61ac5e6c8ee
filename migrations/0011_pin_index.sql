-- 0011: the pin index (docs/protocol.md §14, §20).
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
