-- 0018: client onboarding without a phone call (docs/threat-model.md, "Client onboarding";
-- docs/protocol.md §13a).
--
-- A client invitation the advisor delivers themselves (copy the link) carries an invitation
-- secret I in the link's fragment. The server keeps the office's signed statement that holds I
-- sealed to the office key (never I itself), and, once the client activated, the client's key
-- proof: a MAC over their new public keys with a key derived from I. An approving member's
-- browser checks that proof and certifies the client without a fingerprint call. A mailed
-- invitation has neither (the server saw its link, so a proof would prove nothing).
ALTER TABLE invitations ADD COLUMN client_statement BLOB NULL
  CHECK (client_statement IS NULL OR (kind = 'invitation' AND role = 'client' AND length(client_statement) BETWEEN 72 AND 1024));
ALTER TABLE invitations ADD COLUMN key_proof BLOB NULL
  CHECK (key_proof IS NULL OR (client_statement IS NOT NULL AND length(key_proof) = 32));

-- How the office checked a client's keys when it certified them: 'proof' (the invitation
-- secret's key proof, checked in the approving browser), 'call' (the fingerprint compared by
-- phone or in person), 'unverified' (certified without either: the client's own browser checks
-- the certificate at every sign-in). Clients approved before this migration compared fingerprints.
ALTER TABLE users ADD COLUMN key_check TEXT NULL
  CHECK (key_check IS NULL OR (role = 'client' AND key_check IN ('proof', 'call', 'unverified')));
UPDATE users SET key_check = 'call' WHERE role = 'client' AND approval = 'approved';

-- An office that wants every client's fingerprint compared by phone, whatever the invitation.
ALTER TABLE office ADD COLUMN require_client_call INTEGER NOT NULL DEFAULT 0 CHECK (require_client_call IN (0, 1));
