// imcloud schema version 5 to 6: chat groups. ofImGroup (groups, each an app's room, with its message sequence), ofImGroupMember (owner, admins and members with their read marks) and ofImGroupMessage (the group archive, once per group).

// ofImGroup: chat groups, one row per group of an app; the group is the persistent, members-only room {org}#{app}_{groupId} of the multi-user chat service; memberCount counts its ofImGroupMember rows (owner included) against maxUsers; lastSeq is the group's message sequence (the number of group messages archived, each took the next number), lastMsgId and lastTs the newest of them (0: none)
CREATE TABLE ofImGroup (
  appKey           VARCHAR(65) NOT NULL,
  groupId          BIGINT NOT NULL,
  groupName        VARCHAR(128) NOT NULL,
  description      VARCHAR(512),
  publicGroup      INTEGER NOT NULL,
  maxUsers         INTEGER NOT NULL,
  owner            VARCHAR(64) NOT NULL,
  memberCount      INTEGER NOT NULL,
  lastSeq          BIGINT NOT NULL,
  lastMsgId        BIGINT NOT NULL,
  lastTs           BIGINT NOT NULL,
  created          BIGINT NOT NULL,
  modified         BIGINT NOT NULL,
  CONSTRAINT ofImGroup_pk PRIMARY KEY (appKey, groupId)
);

// ofImGroupMember: the owner (memberRole 0), admins (1) and members (2) of a group; readSeq is the member's read mark in the group's sequence, ownAfterRead counts the member's own messages numbered above it, so that unread = lastSeq - readSeq - ownAfterRead without a row per member and message
CREATE TABLE ofImGroupMember (
  appKey           VARCHAR(65) NOT NULL,
  groupId          BIGINT NOT NULL,
  username         VARCHAR(64) NOT NULL,
  memberRole       INTEGER NOT NULL,
  joined           BIGINT NOT NULL,
  readSeq          BIGINT NOT NULL,
  ownAfterRead     INTEGER NOT NULL,
  CONSTRAINT ofImGroupMember_pk PRIMARY KEY (appKey, groupId, username)
);
CREATE INDEX ofImGroupMember_user_idx ON ofImGroupMember (appKey, username, groupId);

// ofImGroupMessage: archive of group messages, one row per message (not per member); seq is its number in the group's sequence; msgId is time-ordered (MessageIds) like ofImMessage's
CREATE TABLE ofImGroupMessage (
  msgId            BIGINT NOT NULL,
  appKey           VARCHAR(65) NOT NULL,
  groupId          BIGINT NOT NULL,
  seq              BIGINT NOT NULL,
  sender           VARCHAR(64) NOT NULL,
  sentAt           BIGINT NOT NULL,
  msgType          VARCHAR(16) NOT NULL,
  body             LONGVARCHAR NOT NULL,
  ext              LONGVARCHAR,
  stanza           LONGVARCHAR,
  clientMsgId      VARCHAR(128),
  CONSTRAINT ofImGroupMessage_pk PRIMARY KEY (msgId)
);
CREATE INDEX ofImGroupMessage_group_idx ON ofImGroupMessage (appKey, groupId, msgId);
CREATE INDEX ofImGroupMessage_seq_idx ON ofImGroupMessage (appKey, groupId, seq);

UPDATE ofVersion SET version = 6 WHERE name = 'imcloud';
