# imcloud schema version 6 to 7: ofImFile.lastUsed, when a message last used the file (its upload time until one does), from which the app's file retention counts.

ALTER TABLE ofImFile ADD COLUMN lastUsed BIGINT DEFAULT 0 NOT NULL;
UPDATE ofImFile SET lastUsed = created;
CREATE INDEX ofImFile_used_idx ON ofImFile (appKey, lastUsed);

UPDATE ofVersion SET version = 7 WHERE name = 'imcloud';
