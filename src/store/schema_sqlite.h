/*
 * schema_sqlite.h — the SQLite backend's numbered migrations (see schema_sqlite.c).
 */
#ifndef COOP_STORE_SCHEMA_SQLITE_H
#define COOP_STORE_SCHEMA_SQLITE_H

/* Number of migrations: the latest schema version. */
int schema_sqlite_count(void);

/* The SQL of migration k (1-based), or NULL when k is out of range. */
const char *schema_sqlite_migration(int k);

#endif
