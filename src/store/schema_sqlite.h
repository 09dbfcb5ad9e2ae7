/*
 * schema_sqlite.h — the SQLite backend's numbered migrations (see schema_sqlite.c).
 */
#ifndef COOP_STORE_SCHEMA_SQLITE_H
#define COOP_STORE_SCHEMA_SQLITE_H

/* Number of migrations: the latest schema version. */
int schema_sqlite_count(void);

/* The SQL of migration k (1-based), or NULL when k is out of range. */
const char *schema_sqlite_migration(int k);

/* The SQL of the named statement `name` of db_sqlite.c ("patient_search"...), or NULL: for the
 * tests and notes that show a query's plan (EXPLAIN QUERY PLAN). Defined in db_sqlite.c. */
const char *db_sqlite_statement_sql(const char *name);

#endif
