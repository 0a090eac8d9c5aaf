// imcloud schema version 1 to 2: unread counters folded from the archive (ofImUnreadFold). Version 1 counted every message in ofImConversation as it was archived, so all of the archive is folded.

// ofImUnreadFold: how far the counters of ofImConversation are folded from the archive. Row node -1 holds foldedUpTo: every message with an archive id up to it is counted in ofImConversation, the readers add the later ones. Every other row is one cluster node's archive writer, which locks its row in each batch; a fold locks all rows
CREATE TABLE ofImUnreadFold (
  node             INTEGER NOT NULL,
  foldedUpTo       BIGINT NOT NULL,
  modified         BIGINT NOT NULL,
  CONSTRAINT ofImUnreadFold_pk PRIMARY KEY (node)
);
INSERT INTO ofImUnreadFold (node, foldedUpTo, modified) SELECT -1, COALESCE(MAX(msgId), 0), 0 FROM ofImMessage;

UPDATE ofVersion SET version = 2 WHERE name = 'imcloud';
