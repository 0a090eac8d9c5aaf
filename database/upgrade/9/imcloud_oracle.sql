REM imcloud schema version 8 to 9: on Oracle, the columns that hold what users and clients write (group names, file names, client message ids, device tokens, ...) count characters, as the server's limits do, instead of bytes.

ALTER TABLE ofImApp MODIFY (callbackUrl VARCHAR2(512 CHAR));
ALTER TABLE ofImMessage MODIFY (clientMsgId VARCHAR2(128 CHAR));
ALTER TABLE ofImFile MODIFY (contentType VARCHAR2(100 CHAR));
ALTER TABLE ofImFile MODIFY (displayName VARCHAR2(255 CHAR));
ALTER TABLE ofImGroup MODIFY (groupName VARCHAR2(128 CHAR));
ALTER TABLE ofImGroup MODIFY (description VARCHAR2(512 CHAR));
ALTER TABLE ofImGroupMessage MODIFY (clientMsgId VARCHAR2(128 CHAR));
ALTER TABLE ofImPushBinding MODIFY (deviceId VARCHAR2(128 CHAR));
ALTER TABLE ofImPushBinding MODIFY (deviceToken VARCHAR2(512 CHAR));
ALTER TABLE ofImPushBinding MODIFY (notifierName VARCHAR2(128 CHAR));
ALTER TABLE ofImPushQueue MODIFY (lastError VARCHAR2(255 CHAR));

UPDATE ofVersion SET version = 9 WHERE name = 'imcloud';
