/**
 * Without a strict `sql_mode`, MySQL and MariaDB cut a value that does not fit a column's new type
 * (an `alterColumn` to a shorter VARCHAR, a narrower number, a string to a number) and only warn:
 * the ALTER succeeds, commits at once (DDL is not transactional there), and the data is gone.
 * retort's sessions (connection.ts) add `STRICT_TRANS_TABLES`, the default of MySQL 5.7+ and
 * MariaDB 10.2.4+, on such a server, so that the statement fails instead, naming the column, and
 * nothing is lost. An offline script starts with it whatever the server (index.ts): a mode that is
 * strict already stays as it is (`sql_mode` is a set: a flag named twice is one). Kept apart from
 * connection.ts, which loads the driver.
 */

/** The session setting: the session's own modes, plus `STRICT_TRANS_TABLES`. */
export const STRICT_SQL = "SET SESSION sql_mode = CONCAT_WS(',', NULLIF(@@session.sql_mode, ''), 'STRICT_TRANS_TABLES')";
