REM imcloud schema version 2 to 3: tokensRevokedUpTo on ofImUser (a password change or reset revokes the user's earlier tokens).

ALTER TABLE ofImUser ADD tokensRevokedUpTo NUMBER(19) DEFAULT 0 NOT NULL;

UPDATE ofVersion SET version = 3 WHERE name = 'imcloud';
