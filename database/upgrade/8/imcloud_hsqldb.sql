// imcloud schema version 7 to 8: the embedded database keeps the archive (1:1 and group messages) and the conversation counters in CACHED tables, on disk with a bounded cache: as MEMORY tables they lived whole in Openfire's heap, and every checkpoint (each 20 MB of log) wrote them out again in full.

SET TABLE ofImMessage TYPE CACHED;
SET TABLE ofImConversation TYPE CACHED;
SET TABLE ofImGroupMessage TYPE CACHED;

UPDATE ofVersion SET version = 8 WHERE name = 'imcloud';
