REM imcloud schema version 5 to 6: chat groups. ofImGroup (groups, each an app's room, with its message sequence), ofImGroupMember (owner, admins and members with their read marks) and ofImGroupMessage (the group archive, once per group).

REM ofImGroup: chat groups, one row per group of an app; the group is the persistent, members-only room {org}#{app}_{groupId} of the multi-user chat service; memberCount counts its ofImGroupMember rows (owner included) against maxUsers; lastSeq is the group's message sequence (the number of group messages archived, each took the next number), lastMsgId and lastTs the newest of them (0: none)
CREATE TABLE ofImGroup (
  appKey           VARCHAR2(65) NOT NULL,
  groupId          NUMBER(19) NOT NULL,
  groupName        VARCHAR2(128) NOT NULL,
  description      VARCHAR2(512),
  publicGroup      NUMBER(10) NOT NULL,
  maxUsers         NUMBER(10) NOT NULL,
  owner            VARCHAR2(64) NOT NULL,
  memberCount      NUMBER(10) NOT NULL,
  lastSeq          NUMBER(19) NOT NULL,
  lastMsgId        NUMBER(19) NOT NULL,
  lastTs           NUMBER(19) NOT NULL,
  created          NUMBER(19) NOT NULL,
  modified         NUMBER(19) NOT NULL,
  CONSTRAINT ofImGroup_pk PRIMARY KEY (appKey, groupId)
);

REM ofImGroupMember: the owner (memberRole 0), admins (1) and members (2) of a group; readSeq is the member's read mark in the group's sequence, ownAfterRead counts the member's own messages numbered above it, so that unread = lastSeq - readSeq - ownAfterRead without a row per member and message
CREATE TABLE ofImGroupMember (
  appKey           VARCHAR2(65) NOT NULL,
  groupId          NUMBER(19) NOT NULL,
  username         VARCHAR2(64) NOT NULL,
  memberRole       NUMBER(10) NOT NULL,
  joined           NUMBER(19) NOT NULL,
  readSeq          NUMBER(19) NOT NULL,
  ownAfterRead     NUMBER(10) NOT NULL,
  CONSTRAINT ofImGroupMember_pk PRIMARY KEY (appKey, groupId, username)
);
CREATE INDEX ofImGroupMember_user_idx ON ofImGroupMember (appKey, username, groupId);

REM ofImGroupMessage: archive of group messages, one row per message (not per member); seq is its number in the group's sequence; msgId is time-ordered (MessageIds) like ofImMessage's
CREATE TABLE ofImGroupMessage (
  msgId            NUMBER(19) NOT NULL,
  appKey           VARCHAR2(65) NOT NULL,
  groupId          NUMBER(19) NOT NULL,
  seq              NUMBER(19) NOT NULL,
  sender           VARCHAR2(64) NOT NULL,
  sentAt           NUMBER(19) NOT NULL,
  msgType          VARCHAR2(16) NOT NULL,
  body             CLOB NOT NULL,
  ext              CLOB,
  stanza           CLOB,
  clientMsgId      VARCHAR2(128),
  CONSTRAINT ofImGroupMessage_pk PRIMARY KEY (msgId)
);
CREATE INDEX ofImGroupMessage_group_idx ON ofImGroupMessage (appKey, groupId, msgId);
CREATE INDEX ofImGroupMessage_seq_idx ON ofImGroupMessage (appKey, groupId, seq);

UPDATE ofVersion SET version = 6 WHERE name = 'imcloud';
