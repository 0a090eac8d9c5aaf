# imcloud schema version 6 to 7: running on an Openfire cluster. ofImLateState (delivery states that reached the database before their message).

# ofImLateState: delivery states (1 offline, 2 delivered) that reached the database before their message (another cluster node had not committed it yet), one row per message with the furthest state reported; the batch that inserts the message applies and deletes it, and every node applies the rest (and drops those whose message never came after a day) every fold interval
CREATE TABLE ofImLateState (
  msgId            BIGINT NOT NULL,
  appKey           VARCHAR(65) NOT NULL,
  state            INTEGER NOT NULL,
  createdAt        BIGINT NOT NULL,
  CONSTRAINT ofImLateState_pk PRIMARY KEY (msgId, appKey)
);

UPDATE ofVersion SET version = 7 WHERE name = 'imcloud';
