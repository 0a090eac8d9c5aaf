/* imcloud schema version 8 to 9: on Oracle, the columns that hold what users and clients write (group names, file names, client message ids, device tokens, ...) count characters, as the server's limits do, instead of bytes; nothing changes on this database; only the version. */

UPDATE ofVersion SET version = 9 WHERE name = 'imcloud';
