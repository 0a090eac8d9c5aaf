# imcloud schema version 7 to 8: the embedded database keeps the archive (1:1 and group messages) and the conversation counters in CACHED tables; nothing changes on this database; only the version.

UPDATE ofVersion SET version = 8 WHERE name = 'imcloud';
