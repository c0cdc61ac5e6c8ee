-- 0009: signed drop records (docs/protocol.md §13, "Drop record").
--
-- A drop's secrets, its label and a client's drop link reach their readers through anonymous
-- sealed boxes, which the server itself could make. The member who makes a drop now also signs
-- a record (drop id, creator, drop public key, commitments to D and to the label, and the client
-- of a personal drop) with their identity key; the server stores it here as it is and serves it
-- with the owner's certificate. Readers check it before they open or encrypt anything.
--
-- Drops made before this migration have no record (NULL): their owners and the office see them
-- as unverified, and a client's portal refuses to upload to a personal drop without one. The
-- record is kept after the sweep (it holds no secret: a signature over ids, a public key and
-- commitments; the label commitment is keyed with the drop's secret key).
ALTER TABLE drops ADD COLUMN signed_record BLOB NULL
  CHECK (signed_record IS NULL OR length(signed_record) BETWEEN 72 AND 4096);
