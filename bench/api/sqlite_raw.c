/*
 * bench/api/sqlite_raw.c — the storage limit of the API benchmark (scripts/run-bench-api): the
 * rows one episode workflow writes through Coop's API, written straight into SQLite with the
 * same durability, as fast as one connection can, counting commits per second.
 *
 * "The same rows": they are copied from a model database, the one the workflow benchmark has
 * just filled through `coop serve`. The last episode that reached "included" is taken with
 * everything the workflow wrote for it, read back from the audit trail: the patient row and its
 * audit record (1 commit), the episode row and its audit record (1 commit), then for each
 * transition (orientation answers, propose, consent, start_assessment, assessment answers,
 * record_decision) the new state and data document of the episode and its audit record with the
 * full before/after JSON (1 commit each). This program replays that list of commits in a loop on
 * a fresh demo database (made by `coop init --demo`, so the same schema, indexes, foreign keys
 * and referenced rows), each commit in its own BEGIN IMMEDIATE … COMMIT like Coop's store, with
 * Coop's PRAGMAs (WAL, foreign_keys = ON, synchronous = FULL) and the same UPDATE statement
 * (version-checked). What it leaves out is the application: HTTP, sessions, JSON decoding, the
 * engine, the pathway rules, the audit chain's SHA-256 and its read of the previous record (the
 * hash columns are filled with the model's values).
 *
 * Usage: api_sqlite_raw --db FRESH_DEMO_DB --model WORKFLOW_DB [--seconds S]
 * Prints key=value lines (commits_per_workflow, rows_per_workflow, bytes_per_workflow,
 * workflows, commits, seconds, commits_per_second) for scripts/run-bench-api.
 */
#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RAW_MAX_UPDATES 32
#define RAW_PATIENT_COLS 12
#define RAW_AUDIT_COLS 8 /* at, account_id, action, entity, before, after, prev_hash, hash */

/* One audit record as written by the workflow (entity_id is the new row's id at replay). */
struct raw_audit {
	sqlite3_value *v[RAW_AUDIT_COLS];
};

/* One transition of the episode: the UPDATE's new values and its audit record. */
struct raw_update {
	sqlite3_value *state, *data;
	bool sets_delegue, sets_hash; /* start_assessment, record_decision */
	struct raw_audit audit;
};

struct raw_model {
	sqlite3_value *patient[RAW_PATIENT_COLS];
	struct raw_audit patient_audit;
	int64_t structure_id, adoption_id, created_by, created_at, delegue_id;
	sqlite3_value *protocol_hash;
	sqlite3_value *state0, *data0; /* the episode as created */
	struct raw_audit episode_audit;
	struct raw_update updates[RAW_MAX_UPDATES];
	size_t n_updates;
	size_t bytes; /* text and blob bytes written per workflow */
};

static double raw_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int raw_fail(sqlite3 *db, const char *what)
{
	fprintf(stderr, "api_sqlite_raw: %s: %s\n", what, db ? sqlite3_errmsg(db) : "?");
	return 1;
}

static size_t raw_value_bytes(sqlite3_value *v)
{
	int t = v ? sqlite3_value_type(v) : SQLITE_NULL;
	return t == SQLITE_TEXT || t == SQLITE_BLOB ? (size_t)sqlite3_value_bytes(v) : 0;
}

/* Copies column i of the current row (NULL on no memory: checked by the caller). */
static sqlite3_value *raw_dup(sqlite3_stmt *s, int i, bool *ok)
{
	sqlite3_value *v = sqlite3_value_dup(sqlite3_column_value(s, i));
	if (!v)
		*ok = false;
	return v;
}

static void raw_audit_free(struct raw_audit *a)
{
	for (int i = 0; i < RAW_AUDIT_COLS; i++)
		sqlite3_value_free(a->v[i]);
}

static void raw_model_free(struct raw_model *m)
{
	for (int i = 0; i < RAW_PATIENT_COLS; i++)
		sqlite3_value_free(m->patient[i]);
	raw_audit_free(&m->patient_audit);
	sqlite3_value_free(m->protocol_hash);
	sqlite3_value_free(m->state0);
	sqlite3_value_free(m->data0);
	raw_audit_free(&m->episode_audit);
	for (size_t i = 0; i < m->n_updates; i++) {
		sqlite3_value_free(m->updates[i].state);
		sqlite3_value_free(m->updates[i].data);
		raw_audit_free(&m->updates[i].audit);
	}
}

static const char raw_audit_columns[] =
	"at, account_id, action, entity, before_json, after_json, prev_hash, hash";

/* Reads one audit record (the columns of raw_audit_columns from column `first` on). */
static bool raw_audit_read(sqlite3_stmt *s, int first, struct raw_audit *a)
{
	bool ok = true;
	for (int i = 0; i < RAW_AUDIT_COLS; i++)
		a->v[i] = raw_dup(s, first + i, &ok);
	return ok;
}

static size_t raw_audit_bytes(const struct raw_audit *a)
{
	size_t n = 0;
	for (int i = 0; i < RAW_AUDIT_COLS; i++)
		n += raw_value_bytes(a->v[i]);
	return n;
}

/* Loads from the model database the last included episode and all that its workflow wrote. */
static int raw_model_load(const char *path, struct raw_model *m)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *s = NULL;
	int rc = 1;
	int64_t episode = 0, patient = 0, version = 0;
	char sql[512];
	bool ok = true, first = true;
	int step;
	memset(m, 0, sizeof(*m));
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		raw_fail(db, "open model");
		goto out;
	}
	sqlite3_busy_timeout(db, 5000);

	/* the episode */
	if (sqlite3_prepare_v2(db,
			       "SELECT id, patient_id, structure_id, adoption_id, created_by, "
			       "created_at, delegue_id, protocol_hash, version FROM episodes "
			       "WHERE state = 'included' ORDER BY id DESC LIMIT 1",
			       -1, &s, NULL) != SQLITE_OK) {
		raw_fail(db, "model episode");
		goto out;
	}
	if (sqlite3_step(s) != SQLITE_ROW) {
		fprintf(stderr, "api_sqlite_raw: the model holds no included episode\n");
		goto out;
	}
	episode = sqlite3_column_int64(s, 0);
	patient = sqlite3_column_int64(s, 1);
	m->structure_id = sqlite3_column_int64(s, 2);
	m->adoption_id = sqlite3_column_int64(s, 3);
	m->created_by = sqlite3_column_int64(s, 4);
	m->created_at = sqlite3_column_int64(s, 5);
	m->delegue_id = sqlite3_column_int64(s, 6);
	m->protocol_hash = raw_dup(s, 7, &ok);
	version = sqlite3_column_int64(s, 8);
	sqlite3_finalize(s);
	s = NULL;
	if (!ok)
		goto nomem;

	/* the patient and its creation record */
	if (sqlite3_prepare_v2(
		    db,
		    "SELECT structure_id, birth_name, first_names, used_name, birth_date, "
		    "sex, birthplace_code, nir, gp_name, gp_rpps, gp_mssante, "
		    "gp_professional_id FROM patients WHERE id = ?1",
		    -1, &s, NULL) != SQLITE_OK) {
		raw_fail(db, "model patient");
		goto out;
	}
	sqlite3_bind_int64(s, 1, patient);
	if (sqlite3_step(s) != SQLITE_ROW) {
		fprintf(stderr, "api_sqlite_raw: model patient %lld missing\n", (long long)patient);
		goto out;
	}
	for (int i = 0; i < RAW_PATIENT_COLS; i++)
		m->patient[i] = raw_dup(s, i, &ok);
	sqlite3_finalize(s);
	s = NULL;
	if (!ok)
		goto nomem;
	snprintf(sql, sizeof(sql),
		 "SELECT %s FROM audit WHERE entity = 'patient' AND action = 'create' "
		 "AND entity_id = ?1",
		 raw_audit_columns);
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) {
		raw_fail(db, "model patient audit");
		goto out;
	}
	sqlite3_bind_int64(s, 1, patient);
	if (sqlite3_step(s) != SQLITE_ROW) {
		fprintf(stderr, "api_sqlite_raw: no audit record of the model patient\n");
		goto out;
	}
	ok = raw_audit_read(s, 0, &m->patient_audit);
	sqlite3_finalize(s);
	s = NULL;
	if (!ok)
		goto nomem;

	/* the episode's writes, in order: creation, then one record per transition */
	snprintf(sql, sizeof(sql),
		 "SELECT %s, json_extract(after_json, '$.state'), "
		 "json_extract(after_json, '$.data'), json_extract(before_json, '$.data') "
		 "FROM audit WHERE entity = 'episode' AND entity_id = ?1 "
		 "AND action NOT IN ('read', 'list') ORDER BY id",
		 raw_audit_columns);
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) {
		raw_fail(db, "model episode audit");
		goto out;
	}
	sqlite3_bind_int64(s, 1, episode);
	while ((step = sqlite3_step(s)) == SQLITE_ROW) {
		const char *action = (const char *)sqlite3_column_text(s, 2);
		if (first) {
			ok = raw_audit_read(s, 0, &m->episode_audit);
			m->state0 = raw_dup(s, RAW_AUDIT_COLS, &ok);
			first = false;
		} else {
			if (m->n_updates == RAW_MAX_UPDATES) {
				fprintf(stderr, "api_sqlite_raw: too many transitions\n");
				goto out;
			}
			struct raw_update *u = &m->updates[m->n_updates++];
			ok = raw_audit_read(s, 0, &u->audit);
			u->state = raw_dup(s, RAW_AUDIT_COLS, &ok);
			u->data = raw_dup(s, RAW_AUDIT_COLS + 1, &ok);
			u->sets_delegue = action && strcmp(action, "start_assessment") == 0;
			u->sets_hash = action && strcmp(action, "record_decision") == 0;
			if (m->n_updates == 1)
				m->data0 = raw_dup(s, RAW_AUDIT_COLS + 2, &ok);
		}
		if (!ok)
			goto nomem;
	}
	if (step != SQLITE_DONE) {
		raw_fail(db, "model episode audit");
		goto out;
	}
	if (first || m->n_updates == 0 || (int64_t)m->n_updates != version - 1) {
		fprintf(stderr,
			"api_sqlite_raw: the audit trail of model episode %lld does not hold its "
			"%lld writes\n",
			(long long)episode, (long long)version);
		goto out;
	}

	m->bytes = raw_audit_bytes(&m->patient_audit) + raw_audit_bytes(&m->episode_audit) +
		   raw_value_bytes(m->state0) + raw_value_bytes(m->data0);
	for (int i = 0; i < RAW_PATIENT_COLS; i++)
		m->bytes += raw_value_bytes(m->patient[i]);
	for (size_t i = 0; i < m->n_updates; i++)
		m->bytes += raw_audit_bytes(&m->updates[i].audit) +
			    raw_value_bytes(m->updates[i].state) +
			    raw_value_bytes(m->updates[i].data) +
			    (m->updates[i].sets_hash ? raw_value_bytes(m->protocol_hash) : 0);
	rc = 0;
	goto out;
nomem:
	fprintf(stderr, "api_sqlite_raw: out of memory\n");
out:
	sqlite3_finalize(s);
	sqlite3_close(db);
	return rc;
}

/* ------------------------------------------------------------------ replay */

enum { R_BEGIN, R_COMMIT, R_PATIENT, R_EPISODE, R_UPDATE, R_AUDIT, R_COUNT };

static const char *const raw_sql[R_COUNT] = {
	[R_BEGIN] = "BEGIN IMMEDIATE",
	[R_COMMIT] = "COMMIT",
	[R_PATIENT] = ("INSERT INTO patients (structure_id, birth_name, first_names, used_name, "
		       "birth_date, sex, birthplace_code, nir, gp_name, gp_rpps, gp_mssante, "
		       "gp_professional_id) "
		       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"),
	[R_EPISODE] = ("INSERT INTO episodes (structure_id, patient_id, adoption_id, "
		       "protocol_hash, state, data, created_by, delegue_id, created_at, "
		       "updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)"),
	[R_UPDATE] = ("UPDATE episodes SET state = ?3, data = ?4, protocol_hash = ?5, "
		      "delegue_id = ?6, updated_at = ?7, version = version + 1 "
		      "WHERE id = ?1 AND structure_id = ?8 AND version = ?2"),
	[R_AUDIT] = ("INSERT INTO audit (at, account_id, action, entity, entity_id, before_json, "
		     "after_json, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"),
};

struct raw_db {
	sqlite3 *conn;
	sqlite3_stmt *s[R_COUNT];
};

/* Steps a bound statement to its end and resets it; false on error (message printed). */
static bool raw_exec(struct raw_db *d, int which)
{
	sqlite3_stmt *s = d->s[which];
	int rc = sqlite3_step(s);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (rc != SQLITE_DONE) {
		fprintf(stderr, "api_sqlite_raw: %s: %s\n", raw_sql[which],
			sqlite3_errmsg(d->conn));
		return false;
	}
	return true;
}

static bool raw_audit_insert(struct raw_db *d, const struct raw_audit *a, int64_t entity_id)
{
	sqlite3_stmt *s = d->s[R_AUDIT];
	/* columns 1-4 then 6-9: entity_id (5) is the replayed row's */
	for (int i = 0; i < RAW_AUDIT_COLS; i++)
		sqlite3_bind_value(s, i < 4 ? i + 1 : i + 2, a->v[i]);
	sqlite3_bind_int64(s, 5, entity_id);
	return raw_exec(d, R_AUDIT);
}

/* Replays one workflow: 2 + n_updates commits. */
static bool raw_workflow(struct raw_db *d, const struct raw_model *m)
{
	/* 1. the patient */
	if (!raw_exec(d, R_BEGIN))
		return false;
	for (int i = 0; i < RAW_PATIENT_COLS; i++)
		sqlite3_bind_value(d->s[R_PATIENT], i + 1, m->patient[i]);
	if (!raw_exec(d, R_PATIENT))
		return false;
	int64_t patient = sqlite3_last_insert_rowid(d->conn);
	if (!raw_audit_insert(d, &m->patient_audit, patient) || !raw_exec(d, R_COMMIT))
		return false;

	/* 2. the episode */
	sqlite3_stmt *s = d->s[R_EPISODE];
	if (!raw_exec(d, R_BEGIN))
		return false;
	sqlite3_bind_int64(s, 1, m->structure_id);
	sqlite3_bind_int64(s, 2, patient);
	sqlite3_bind_int64(s, 3, m->adoption_id);
	sqlite3_bind_null(s, 4);
	sqlite3_bind_value(s, 5, m->state0);
	sqlite3_bind_value(s, 6, m->data0);
	sqlite3_bind_int64(s, 7, m->created_by);
	sqlite3_bind_null(s, 8);
	sqlite3_bind_int64(s, 9, m->created_at);
	if (!raw_exec(d, R_EPISODE))
		return false;
	int64_t episode = sqlite3_last_insert_rowid(d->conn);
	if (!raw_audit_insert(d, &m->episode_audit, episode) || !raw_exec(d, R_COMMIT))
		return false;

	/* 3. each transition */
	bool delegue = false, hash = false;
	s = d->s[R_UPDATE];
	for (size_t i = 0; i < m->n_updates; i++) {
		const struct raw_update *u = &m->updates[i];
		delegue |= u->sets_delegue;
		hash |= u->sets_hash;
		if (!raw_exec(d, R_BEGIN))
			return false;
		sqlite3_bind_int64(s, 1, episode);
		sqlite3_bind_int64(s, 2, (int64_t)i + 1);
		sqlite3_bind_value(s, 3, u->state);
		sqlite3_bind_value(s, 4, u->data);
		if (hash)
			sqlite3_bind_value(s, 5, m->protocol_hash);
		else
			sqlite3_bind_null(s, 5);
		if (delegue && m->delegue_id)
			sqlite3_bind_int64(s, 6, m->delegue_id);
		else
			sqlite3_bind_null(s, 6);
		sqlite3_bind_int64(s, 7, m->created_at);
		sqlite3_bind_int64(s, 8, m->structure_id);
		if (!raw_exec(d, R_UPDATE))
			return false;
		if (sqlite3_changes(d->conn) != 1) {
			fprintf(stderr,
				"api_sqlite_raw: the version-checked update changed no row\n");
			return false;
		}
		if (!raw_audit_insert(d, &u->audit, episode) || !raw_exec(d, R_COMMIT))
			return false;
	}
	return true;
}

static int raw_open(const char *path, struct raw_db *d)
{
	static const char *const pragmas[] = {"PRAGMA journal_mode = WAL",
					      "PRAGMA foreign_keys = ON",
					      "PRAGMA synchronous = FULL"};
	memset(d, 0, sizeof(*d));
	/* no SQLITE_OPEN_CREATE: a fresh demo database made by `coop init --demo` is expected */
	if (sqlite3_open_v2(path, &d->conn, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) !=
	    SQLITE_OK)
		return raw_fail(d->conn, "open");
	sqlite3_busy_timeout(d->conn, 5000);
	for (size_t i = 0; i < sizeof(pragmas) / sizeof(pragmas[0]); i++) {
		if (sqlite3_exec(d->conn, pragmas[i], NULL, NULL, NULL) != SQLITE_OK)
			return raw_fail(d->conn, pragmas[i]);
	}
	for (int i = 0; i < R_COUNT; i++) {
		if (sqlite3_prepare_v3(d->conn, raw_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &d->s[i],
				       NULL) != SQLITE_OK)
			return raw_fail(d->conn, raw_sql[i]);
	}
	return 0;
}

static void raw_close(struct raw_db *d)
{
	for (int i = 0; i < R_COUNT; i++)
		sqlite3_finalize(d->s[i]);
	sqlite3_close(d->conn);
}

int main(int argc, char **argv)
{
	const char *path = NULL, *model_path = NULL;
	double seconds = 10;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--db") == 0 && i + 1 < argc) {
			path = argv[++i];
		} else if (strcmp(argv[i], "--model") == 0 && i + 1 < argc) {
			model_path = argv[++i];
		} else if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc) {
			char *end;
			seconds = strtod(argv[++i], &end);
			if (*end || !(seconds > 0 && seconds <= 3600)) {
				fputs("api_sqlite_raw: --seconds expects 0 < S <= 3600\n", stderr);
				return 2;
			}
		} else {
			path = NULL;
			break;
		}
	}
	if (!path || !model_path) {
		fputs("usage: api_sqlite_raw --db FRESH_DEMO_DB --model WORKFLOW_DB [--seconds S]\n",
		      stderr);
		return 2;
	}
	struct raw_model m;
	if (raw_model_load(model_path, &m) != 0) {
		raw_model_free(&m);
		return 1;
	}
	struct raw_db d;
	int rc = raw_open(path, &d);
	long long workflows = 0;
	double start = raw_now(), elapsed = 0;
	while (rc == 0 && elapsed < seconds) {
		if (!raw_workflow(&d, &m)) {
			sqlite3_exec(d.conn, "ROLLBACK", NULL, NULL, NULL);
			rc = 1;
			break;
		}
		workflows++;
		elapsed = raw_now() - start;
	}
	raw_close(&d);
	if (rc == 0) {
		long long per = 2 + (long long)m.n_updates;
		printf("commits_per_workflow=%lld\n", per);
		printf("rows_per_workflow=%lld\n", 2 * per);
		printf("bytes_per_workflow=%zu\n", m.bytes);
		printf("workflows=%lld\n", workflows);
		printf("commits=%lld\n", workflows * per);
		printf("seconds=%.3f\n", elapsed);
		printf("commits_per_second=%.1f\n", (double)(workflows * per) / elapsed);
	}
	raw_model_free(&m);
	return rc;
}
