-- 0012: languages and the office's time zone (docs/operations.md, "Language and time zone").
--
-- Every mail is written in one language, the recipient's, with its times in the office's time
-- zone. The office has a default language (new accounts and guests start with it) and an IANA
-- time zone, checked by the server with Intl before it is stored. A user keeps the language
-- their browser last chose (setup, accepting an invitation, the language switch); an
-- invitation keeps the language the inviting member picked, until the invitee chooses; a guest
-- recipient of a share keeps the language the sender picked for them. Drop uploaders have no
-- row of their own: their page sends its language with each request that mails them.
ALTER TABLE office ADD COLUMN language TEXT NOT NULL DEFAULT 'nl' CHECK (language IN ('nl', 'en'));
ALTER TABLE office ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'Europe/Amsterdam'
  CHECK (length(time_zone) BETWEEN 1 AND 64);

ALTER TABLE users ADD COLUMN lang TEXT NOT NULL DEFAULT 'nl' CHECK (lang IN ('nl', 'en'));
ALTER TABLE invitations ADD COLUMN lang TEXT NOT NULL DEFAULT 'nl' CHECK (lang IN ('nl', 'en'));
ALTER TABLE share_recipients ADD COLUMN lang TEXT NOT NULL DEFAULT 'nl' CHECK (lang IN ('nl', 'en'));
