REM imcloud schema version 2 to 3: tokensRevokedUpTo on ofImUser (a password change or reset revokes the user's earlier tokens); ofImNode (leased cluster node ids).

ALTER TABLE ofImUser ADD tokensRevokedUpTo NUMBER(19) DEFAULT 0 NOT NULL;

REM ofImNode: cluster node ids leased by the nodes running the plugin (archive ids carry the node id, so no two live nodes may share one). A node claims the lowest id without a row or with a heartbeat older than the stale time, renews heartbeat periodically, and deletes its row when the plugin stops
CREATE TABLE ofImNode (
  nodeId           NUMBER(10) NOT NULL,
  owner            VARCHAR2(64) NOT NULL,
  heartbeat        NUMBER(19) NOT NULL,
  CONSTRAINT ofImNode_pk PRIMARY KEY (nodeId)
);

REM ofImMessage_cid_idx dropped: a displayed marker's client id is looked up among the conversation's newest messages, and every archived message paid for the index
DROP INDEX ofImMessage_cid_idx;

UPDATE ofVersion SET version = 3 WHERE name = 'imcloud';
