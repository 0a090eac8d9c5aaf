-- imcloud schema version 1 to 2: unread counters folded from the archive (ofImUnreadFold). Version 1 counted every message in ofImConversation as it was archived, so all of the archive is folded.

-- ofImUnreadFold: how far the counters of ofImConversation are folded from the archive. Row -1: upTo = foldedUpTo, every message with an archive id up to it is counted in ofImConversation, readers add the later ones. Row -2: upTo = claimedUpTo, the end of the range the fold in progress counts; a batch that commits a message at or below it counts it itself. Rows 0 and up: one per cluster node's archive writer, locked by each of its batches (a fold claims under all of them)
CREATE TABLE ofImUnreadFold (
  node             INTEGER NOT NULL,
  upTo             BIGINT NOT NULL,
  modified         BIGINT NOT NULL,
  CONSTRAINT ofImUnreadFold_pk PRIMARY KEY (node)
);
INSERT INTO ofImUnreadFold (node, upTo, modified) SELECT -1, COALESCE(MAX(msgId), 0), 0 FROM ofImMessage;
INSERT INTO ofImUnreadFold (node, upTo, modified) SELECT -2, COALESCE(MAX(msgId), 0), 0 FROM ofImMessage;

UPDATE ofVersion SET version = 2 WHERE name = 'imcloud';
