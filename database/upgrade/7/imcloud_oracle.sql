REM imcloud schema version 6 to 7: running on an Openfire cluster. ofImLateState (delivery states that reached the database before their message), ofImRateLimit (rate limits shared by the nodes); ofImFile.lastUsed (when a message last used the file, from which the app's file retention counts).

REM ofImLateState: delivery states (1 offline, 2 delivered) that reached the database before their message (another cluster node had not committed it yet), one row per message with the furthest state reported; the batch that inserts the message applies and deletes it, and every node applies the rest (and drops those whose message never came after a day) every fold interval
CREATE TABLE ofImLateState (
  msgId            NUMBER(19) NOT NULL,
  appKey           VARCHAR2(65) NOT NULL,
  state            NUMBER(10) NOT NULL,
  createdAt        NUMBER(19) NOT NULL,
  CONSTRAINT ofImLateState_pk PRIMARY KEY (msgId, appKey)
);

REM ofImRateLimit: the REST API's rate limits (registrations, sends, password grants, failed administrator logins), shared by the cluster nodes: one row per bucket (limitKey: what is limited, e.g. an app, a remote address or a username; the SHA-256 of a longer key), tat the time (epoch microseconds) at which the bucket is full again; no row is a full bucket, and rows of full buckets are deleted now and then
CREATE TABLE ofImRateLimit (
  limitKey         VARCHAR2(160) NOT NULL,
  tat              NUMBER(19) NOT NULL,
  CONSTRAINT ofImRateLimit_pk PRIMARY KEY (limitKey)
);

REM ofImFile.lastUsed: when a message last used the file (its upload time until one does)
ALTER TABLE ofImFile ADD lastUsed NUMBER(19) DEFAULT 0 NOT NULL;
UPDATE ofImFile SET lastUsed = created;
CREATE INDEX ofImFile_used_idx ON ofImFile (appKey, lastUsed);

UPDATE ofVersion SET version = 7 WHERE name = 'imcloud';
