REM imcloud schema version 4 to 5: push. ofImApp gets callbackUrl and callbackSecret (offline-message callbacks, none set); ofImPushBinding (device tokens), ofImPushQueue (callbacks waiting to be sent) and ofImPushStats (callbacks delivered, dead and dropped per app).

ALTER TABLE ofImApp ADD callbackUrl VARCHAR2(512);
ALTER TABLE ofImApp ADD callbackSecret VARCHAR2(64);

REM ofImPushBinding: device tokens of app users for push (Easemob's push binding), at most 10 devices per user, a device token bound to one user of an app at a time; notifierName: the push certificate's name, null when none was given
CREATE TABLE ofImPushBinding (
  appKey           VARCHAR2(65) NOT NULL,
  username         VARCHAR2(64) NOT NULL,
  deviceId         VARCHAR2(128) NOT NULL,
  deviceToken      VARCHAR2(512) NOT NULL,
  notifierName     VARCHAR2(128),
  created          NUMBER(19) NOT NULL,
  modified         NUMBER(19) NOT NULL,
  CONSTRAINT ofImPushBinding_pk PRIMARY KEY (appKey, username, deviceId)
);
CREATE INDEX ofImPushBinding_token_idx ON ofImPushBinding (appKey, deviceToken);

REM ofImPushQueue: offline-message callbacks waiting to be sent, one row per message stored offline for a user with a bound device (msgId is the archived message); state 0 pending, 1 dead (gave up after the most attempts; kept 7 days), 2 delivered (kept a day, so that a message stored offline again is not called back twice), nextAttempt: when due, for a dead or delivered row when it got there; a node claims a due row with a conditional UPDATE of leaseOwner and leaseUntil, so two nodes never send it at once
CREATE TABLE ofImPushQueue (
  msgId            NUMBER(19) NOT NULL,
  appKey           VARCHAR2(65) NOT NULL,
  username         VARCHAR2(64) NOT NULL,
  state            NUMBER(10) NOT NULL,
  attempts         NUMBER(10) NOT NULL,
  nextAttempt      NUMBER(19) NOT NULL,
  leaseOwner       VARCHAR2(36),
  leaseUntil       NUMBER(19) NOT NULL,
  created          NUMBER(19) NOT NULL,
  lastError        VARCHAR2(255),
  CONSTRAINT ofImPushQueue_pk PRIMARY KEY (msgId)
);
CREATE INDEX ofImPushQueue_due_idx ON ofImPushQueue (state, nextAttempt);
CREATE INDEX ofImPushQueue_app_idx ON ofImPushQueue (appKey, state);
CREATE INDEX ofImPushQueue_user_idx ON ofImPushQueue (appKey, username);

REM ofImPushStats: per app, callbacks delivered, given up (dead) and refused because the app's queue was full (dropped), counted since the app was created
CREATE TABLE ofImPushStats (
  appKey           VARCHAR2(65) NOT NULL,
  delivered        NUMBER(19) NOT NULL,
  dead             NUMBER(19) NOT NULL,
  dropped          NUMBER(19) NOT NULL,
  CONSTRAINT ofImPushStats_pk PRIMARY KEY (appKey)
);

UPDATE ofVersion SET version = 5 WHERE name = 'imcloud';
