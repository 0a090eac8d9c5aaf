# imcloud schema version 3 to 4: attachments. file options on ofImApp: fileQuotaBytes and fileQuotaCount bound the app's attachments (0: no bound), fileRetentionDays removes older attachments (0: keep), mediaOnlyUploads (1) takes only audio and images; ofImFile (stored files) and ofImFileUsage (each app's usage against its quota).

ALTER TABLE ofImApp ADD COLUMN fileQuotaBytes BIGINT NOT NULL DEFAULT 10737418240;
ALTER TABLE ofImApp ADD COLUMN fileQuotaCount INT NOT NULL DEFAULT 100000;
ALTER TABLE ofImApp ADD COLUMN fileRetentionDays INT NOT NULL DEFAULT 0;
ALTER TABLE ofImApp ADD COLUMN mediaOnlyUploads INT NOT NULL DEFAULT 0;

# ofImFile: attachments (chat files, XEP-0363 uploads), one row per stored file under the attachments directory; fileUuid names the file on disk; owner: the uploading user, null for the app's back-end; secretHash: SHA-256 (hex) of the share-secret a restricted file needs, null for an open one; durationMs for audio, width and height for images, else 0
CREATE TABLE ofImFile (
  fileUuid         VARCHAR(36) NOT NULL,
  appKey           VARCHAR(65) NOT NULL,
  owner            VARCHAR(64),
  kind             VARCHAR(8) NOT NULL,
  contentType      VARCHAR(100) NOT NULL,
  fileSize         BIGINT NOT NULL,
  displayName      VARCHAR(255),
  secretHash       VARCHAR(64),
  durationMs       BIGINT NOT NULL,
  width            INT NOT NULL,
  height           INT NOT NULL,
  created          BIGINT NOT NULL,
  CONSTRAINT ofImFile_pk PRIMARY KEY (fileUuid)
);
CREATE INDEX ofImFile_app_idx ON ofImFile (appKey, created);
CREATE INDEX ofImFile_owner_idx ON ofImFile (appKey, owner);

# ofImFileUsage: each app's stored attachments (bytes and files), changed in the transaction that adds or removes an ofImFile row; an upload reserves its share with one conditional UPDATE against the app's quota, so nodes of a cluster cannot overrun it together
CREATE TABLE ofImFileUsage (
  appKey           VARCHAR(65) NOT NULL,
  bytesUsed        BIGINT NOT NULL,
  filesUsed        INT NOT NULL,
  CONSTRAINT ofImFileUsage_pk PRIMARY KEY (appKey)
);

UPDATE ofVersion SET version = 4 WHERE name = 'imcloud';
