-- 0013: contacts, the office's address book (docs/operations.md, "Contacts").
--
-- People the office exchanges files with who have no account: a name, an address (lower case,
-- one contact per address in the office), the language of their mails and pages, and an
-- optional organisation label ("Bakkerij Smit") to find and, later, address them as a group.
-- Any approved member may read and change the book; clients and guests never see it.
--
-- A contact may have a standing access code (docs/protocol.md §9): made in a member's browser,
-- handed over once by phone or letter, and sealed there to the office encryption key with a MAC
-- only office-key holders can make. The server stores the sealed bytes, who sealed them and
-- when; it cannot read the code. The three columns are set and cleared together.
--
-- audit_ref is the contact's pseudonym in the audit log (names and addresses never go there).
CREATE TABLE contacts (
  id BLOB NOT NULL PRIMARY KEY CHECK (length(id) = 16),
  email TEXT NOT NULL UNIQUE CHECK (length(email) BETWEEN 3 AND 254 AND email = lower(email)),
  name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  lang TEXT NOT NULL DEFAULT 'nl' CHECK (lang IN ('nl', 'en')),
  organisation TEXT NULL CHECK (organisation IS NULL OR length(organisation) BETWEEN 1 AND 100),
  sealed_code BLOB NULL CHECK (sealed_code IS NULL OR length(sealed_code) = 213),
  code_sealed_by BLOB NULL CHECK (code_sealed_by IS NULL OR length(code_sealed_by) = 16),
  code_sealed_at INTEGER NULL CHECK (code_sealed_at IS NULL OR code_sealed_at >= 0),
  audit_ref BLOB NOT NULL UNIQUE CHECK (length(audit_ref) = 16),
  created_by BLOB NOT NULL CHECK (length(created_by) = 16),
  created_at INTEGER NOT NULL CHECK (created_at >= 0),
  updated_at INTEGER NOT NULL CHECK (updated_at >= 0),
  CHECK ((sealed_code IS NULL) = (code_sealed_by IS NULL) AND (sealed_code IS NULL) = (code_sealed_at IS NULL))
) STRICT, WITHOUT ROWID;

CREATE INDEX contacts_by_organisation ON contacts (organisation) WHERE organisation IS NOT NULL;
