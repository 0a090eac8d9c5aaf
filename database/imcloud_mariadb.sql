# imcloud schema, version 9, for mariadb. Openfire runs it once when the plugin is installed.

INSERT INTO ofVersion (name, version) VALUES ('imcloud', 9);

# ofImApp: apps (tenants): one row per app key org#app; the client secret only as a salted hash; fileQuotaBytes and fileQuotaCount bound the app's attachments (0: no bound), fileRetentionDays removes older attachments (0: keep), mediaOnlyUploads (1) takes only audio and images; callbackUrl: where offline-message callbacks of the app are posted (null: none), callbackSecret: the key they are signed with (HMAC-SHA256), kept in clear since the server signs with it, set and cleared with callbackUrl
CREATE TABLE ofImApp (
  org              VARCHAR(32) NOT NULL,
  app              VARCHAR(32) NOT NULL,
  appUuid          VARCHAR(36) NOT NULL,
  clientId         VARCHAR(64) NOT NULL,
  secretHash       VARCHAR(255) NOT NULL,
  secretVersion    INT NOT NULL,
  openRegistration INT NOT NULL,
  maxUsers         INT NOT NULL,
  retentionDays    INT NOT NULL,
  fileQuotaBytes   BIGINT NOT NULL DEFAULT 10737418240,
  fileQuotaCount   INT NOT NULL DEFAULT 100000,
  fileRetentionDays INT NOT NULL DEFAULT 0,
  mediaOnlyUploads INT NOT NULL DEFAULT 0,
  callbackUrl      VARCHAR(512),
  callbackSecret   VARCHAR(64),
  created          BIGINT NOT NULL,
  modified         BIGINT NOT NULL,
  CONSTRAINT ofImApp_pk PRIMARY KEY (org, app)
);
CREATE UNIQUE INDEX ofImApp_clientId_idx ON ofImApp (clientId);

# ofImKey: server-wide secrets shared by every cluster node (token signing key)
CREATE TABLE ofImKey (
  keyName          VARCHAR(32) NOT NULL,
  keyValue         VARCHAR(255) NOT NULL,
  created          BIGINT NOT NULL,
  CONSTRAINT ofImKey_pk PRIMARY KEY (keyName)
);

# ofImUser: app users; Openfire's ofUser keeps the password (node org#app_username); tokensRevokedUpTo: epoch milliseconds of the last password change or reset (0: none), the user's tokens issued up to it are revoked
CREATE TABLE ofImUser (
  appKey           VARCHAR(65) NOT NULL,
  username         VARCHAR(64) NOT NULL,
  userUuid         VARCHAR(36) NOT NULL,
  nickname         VARCHAR(100),
  created          BIGINT NOT NULL,
  modified         BIGINT NOT NULL,
  activated        INT NOT NULL,
  tokensRevokedUpTo BIGINT DEFAULT 0 NOT NULL,
  CONSTRAINT ofImUser_pk PRIMARY KEY (appKey, username)
);

# ofImMessage: archive of 1:1 messages; userA/userB is the conversation (the two usernames, sorted); msgId is time-ordered (MessageIds)
CREATE TABLE ofImMessage (
  msgId            BIGINT NOT NULL,
  appKey           VARCHAR(65) NOT NULL,
  sender           VARCHAR(64) NOT NULL,
  receiver         VARCHAR(64) NOT NULL,
  userA            VARCHAR(64) NOT NULL,
  userB            VARCHAR(64) NOT NULL,
  sentAt           BIGINT NOT NULL,
  msgType          VARCHAR(16) NOT NULL,
  body             MEDIUMTEXT NOT NULL,
  ext              MEDIUMTEXT,
  stanza           MEDIUMTEXT,
  clientMsgId      VARCHAR(128),
  state            INT NOT NULL,
  CONSTRAINT ofImMessage_pk PRIMARY KEY (msgId)
);
CREATE INDEX ofImMessage_conv_idx ON ofImMessage (appKey, userA, userB, msgId);
CREATE INDEX ofImMessage_rcv_idx ON ofImMessage (appKey, receiver, msgId);
CREATE INDEX ofImMessage_snd_idx ON ofImMessage (appKey, sender, msgId);
CREATE INDEX ofImMessage_off_idx ON ofImMessage (appKey, receiver, state);

# ofImConversation: one row per conversation, i.e. per (app, userA, userB) as in ofImMessage: each side's unread counter (unreadA: messages from B to A above readUpToA, the highest archive id A read) and the last message. No index on an updated column: a counter update then writes no index entry
CREATE TABLE ofImConversation (
  appKey           VARCHAR(65) NOT NULL,
  userA            VARCHAR(64) NOT NULL,
  userB            VARCHAR(64) NOT NULL,
  unreadA          INT NOT NULL,
  unreadB          INT NOT NULL,
  readUpToA        BIGINT NOT NULL,
  readUpToB        BIGINT NOT NULL,
  lastMsgId        BIGINT NOT NULL,
  lastTs           BIGINT NOT NULL,
  CONSTRAINT ofImConversation_pk PRIMARY KEY (appKey, userA, userB)
);
CREATE INDEX ofImConversation_userB_idx ON ofImConversation (appKey, userB, userA);

# ofImUnreadFold: how far the counters of ofImConversation are folded from the archive. Row -1: upTo = foldedUpTo, every message with an archive id up to it is counted in ofImConversation, readers add the later ones. Row -2: upTo = claimedUpTo, the end of the range the fold in progress counts; a batch that commits a message at or below it counts it itself. Rows 0 and up: one per cluster node's archive writer, locked by each of its batches (a fold claims under all of them)
CREATE TABLE ofImUnreadFold (
  node             INTEGER NOT NULL,
  upTo             BIGINT NOT NULL,
  modified         BIGINT NOT NULL,
  CONSTRAINT ofImUnreadFold_pk PRIMARY KEY (node)
);
INSERT INTO ofImUnreadFold (node, upTo, modified) VALUES (-1, 0, 0);
INSERT INTO ofImUnreadFold (node, upTo, modified) VALUES (-2, 0, 0);

# ofImNode: cluster node ids leased by the nodes running the plugin (archive ids carry the node id, so no two live nodes may share one). A node claims the lowest id without a row or with a heartbeat older than the stale time, renews heartbeat periodically, and deletes its row when the plugin stops
CREATE TABLE ofImNode (
  nodeId           INTEGER NOT NULL,
  owner            VARCHAR(64) NOT NULL,
  heartbeat        BIGINT NOT NULL,
  CONSTRAINT ofImNode_pk PRIMARY KEY (nodeId)
);

# ofImFile: attachments (chat files, XEP-0363 uploads), one row per stored file under the attachments directory; fileUuid names the file on disk; owner: the uploading user, null for the app's back-end; secretHash: SHA-256 (hex) of the share-secret a restricted file needs, null for an open one; durationMs for audio, width and height for images, else 0; lastUsed: when a message last used the file (its upload time until one does), from which the app's file retention counts
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
  lastUsed         BIGINT NOT NULL,
  CONSTRAINT ofImFile_pk PRIMARY KEY (fileUuid)
);
CREATE INDEX ofImFile_app_idx ON ofImFile (appKey, created);
CREATE INDEX ofImFile_owner_idx ON ofImFile (appKey, owner);
CREATE INDEX ofImFile_used_idx ON ofImFile (appKey, lastUsed);

# ofImFileUsage: each app's stored attachments (bytes and files), changed in the transaction that adds or removes an ofImFile row; an upload reserves its share with one conditional UPDATE against the app's quota, so nodes of a cluster cannot overrun it together
CREATE TABLE ofImFileUsage (
  appKey           VARCHAR(65) NOT NULL,
  bytesUsed        BIGINT NOT NULL,
  filesUsed        INT NOT NULL,
  CONSTRAINT ofImFileUsage_pk PRIMARY KEY (appKey)
);

# ofImGroup: chat groups, one row per group of an app; the group is the persistent, members-only room {org}#{app}_{groupId} of the multi-user chat service; memberCount counts its ofImGroupMember rows (owner included) against maxUsers; lastSeq is the group's message sequence (the number of group messages archived, each took the next number), lastMsgId and lastTs the newest of them (0: none)
CREATE TABLE ofImGroup (
  appKey           VARCHAR(65) NOT NULL,
  groupId          BIGINT NOT NULL,
  groupName        VARCHAR(128) NOT NULL,
  description      VARCHAR(512),
  publicGroup      INT NOT NULL,
  maxUsers         INT NOT NULL,
  owner            VARCHAR(64) NOT NULL,
  memberCount      INT NOT NULL,
  lastSeq          BIGINT NOT NULL,
  lastMsgId        BIGINT NOT NULL,
  lastTs           BIGINT NOT NULL,
  created          BIGINT NOT NULL,
  modified         BIGINT NOT NULL,
  CONSTRAINT ofImGroup_pk PRIMARY KEY (appKey, groupId)
);

# ofImGroupMember: the owner (memberRole 0), admins (1) and members (2) of a group; readSeq is the member's read mark in the group's sequence, ownAfterRead counts the member's own messages numbered above it, so that unread = lastSeq - readSeq - ownAfterRead without a row per member and message
CREATE TABLE ofImGroupMember (
  appKey           VARCHAR(65) NOT NULL,
  groupId          BIGINT NOT NULL,
  username         VARCHAR(64) NOT NULL,
  memberRole       INT NOT NULL,
  joined           BIGINT NOT NULL,
  readSeq          BIGINT NOT NULL,
  ownAfterRead     INT NOT NULL,
  CONSTRAINT ofImGroupMember_pk PRIMARY KEY (appKey, groupId, username)
);
CREATE INDEX ofImGroupMember_user_idx ON ofImGroupMember (appKey, username, groupId);

# ofImGroupMessage: archive of group messages, one row per message (not per member); seq is its number in the group's sequence; msgId is time-ordered (MessageIds) like ofImMessage's
CREATE TABLE ofImGroupMessage (
  msgId            BIGINT NOT NULL,
  appKey           VARCHAR(65) NOT NULL,
  groupId          BIGINT NOT NULL,
  seq              BIGINT NOT NULL,
  sender           VARCHAR(64) NOT NULL,
  sentAt           BIGINT NOT NULL,
  msgType          VARCHAR(16) NOT NULL,
  body             MEDIUMTEXT NOT NULL,
  ext              MEDIUMTEXT,
  stanza           MEDIUMTEXT,
  clientMsgId      VARCHAR(128),
  CONSTRAINT ofImGroupMessage_pk PRIMARY KEY (msgId)
);
CREATE INDEX ofImGroupMessage_group_idx ON ofImGroupMessage (appKey, groupId, msgId);
CREATE INDEX ofImGroupMessage_seq_idx ON ofImGroupMessage (appKey, groupId, seq);
# ofImPushBinding: device tokens of app users for push (Easemob's push binding), at most 10 devices per user, a device token bound to one user of an app at a time; notifierName: the push certificate's name, null when none was given
CREATE TABLE ofImPushBinding (
  appKey           VARCHAR(65) NOT NULL,
  username         VARCHAR(64) NOT NULL,
  deviceId         VARCHAR(128) NOT NULL,
  deviceToken      VARCHAR(512) NOT NULL,
  notifierName     VARCHAR(128),
  created          BIGINT NOT NULL,
  modified         BIGINT NOT NULL,
  CONSTRAINT ofImPushBinding_pk PRIMARY KEY (appKey, username, deviceId)
);
CREATE INDEX ofImPushBinding_token_idx ON ofImPushBinding (appKey, deviceToken);

# ofImPushQueue: offline-message callbacks waiting to be sent, one row per message stored offline for a user with a bound device (msgId is the archived message); state 0 pending, 1 dead (gave up after the most attempts; kept 7 days), 2 delivered (kept a day, so that a message stored offline again is not called back twice), nextAttempt: when due, for a dead or delivered row when it got there; a node claims a due row with a conditional UPDATE of leaseOwner and leaseUntil, so two nodes never send it at once
CREATE TABLE ofImPushQueue (
  msgId            BIGINT NOT NULL,
  appKey           VARCHAR(65) NOT NULL,
  username         VARCHAR(64) NOT NULL,
  state            INT NOT NULL,
  attempts         INT NOT NULL,
  nextAttempt      BIGINT NOT NULL,
  leaseOwner       VARCHAR(36),
  leaseUntil       BIGINT NOT NULL,
  created          BIGINT NOT NULL,
  lastError        VARCHAR(255),
  CONSTRAINT ofImPushQueue_pk PRIMARY KEY (msgId)
);
CREATE INDEX ofImPushQueue_due_idx ON ofImPushQueue (state, nextAttempt);
CREATE INDEX ofImPushQueue_app_idx ON ofImPushQueue (appKey, state);
CREATE INDEX ofImPushQueue_user_idx ON ofImPushQueue (appKey, username);

# ofImPushStats: per app, callbacks delivered, given up (dead) and refused because the app's queue was full (dropped), counted since the app was created
CREATE TABLE ofImPushStats (
  appKey           VARCHAR(65) NOT NULL,
  delivered        BIGINT NOT NULL,
  dead             BIGINT NOT NULL,
  dropped          BIGINT NOT NULL,
  CONSTRAINT ofImPushStats_pk PRIMARY KEY (appKey)
);

# ofImLateState: delivery states (1 offline, 2 delivered) that reached the database before their message (another cluster node had not committed it yet), one row per message with the furthest state reported; the batch that inserts the message applies and deletes it, and every node applies the rest (and drops those whose message never came after a day) every fold interval
CREATE TABLE ofImLateState (
  msgId            BIGINT NOT NULL,
  appKey           VARCHAR(65) NOT NULL,
  state            INTEGER NOT NULL,
  createdAt        BIGINT NOT NULL,
  CONSTRAINT ofImLateState_pk PRIMARY KEY (msgId, appKey)
);

# ofImRateLimit: the REST API's rate limits (registrations, sends, password grants, failed administrator logins), shared by the cluster nodes: one row per bucket (limitKey: what is limited, e.g. an app, a remote address or a username; the SHA-256 of a longer key), tat the time (epoch microseconds) at which the bucket is full again; no row is a full bucket, and rows of full buckets are deleted now and then
CREATE TABLE ofImRateLimit (
  limitKey         VARCHAR(160) NOT NULL,
  tat              BIGINT NOT NULL,
  CONSTRAINT ofImRateLimit_pk PRIMARY KEY (limitKey)
);
