/*
 * db.h — the storage interface: every read and write of Coop's data goes through these db_*
 * functions, whatever the backend. The SQLite backend (db_sqlite.c) is the embedded default; a
 * PostgreSQL backend can implement the same declarations (the SQL of each backend lives in its
 * own file as named statements; nothing here exposes SQL or a backend type).
 *
 * Threading: a `struct db` is one connection; use one per thread (the server opens one per
 * worker thread). Writes that belong together run between db_begin() and db_commit(); db_begin
 * takes the write lock at once (no deadlock between two upgrading readers).
 *
 * Strings returned by reads are copied into the caller's arena; records are plain structs.
 * Every function returns enum coop_err: ERR_NOT_FOUND for a missing row, ERR_CONFLICT for a
 * stale version or a uniqueness clash, ERR_IO when the database fails (message kept for
 * db_last_error(), never containing data values).
 */
#ifndef COOP_STORE_DB_H
#define COOP_STORE_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "core/date.h"
#include "core/episode_list.h"
#include "base/error.h"

struct db;

/* How a database is opened. */
struct db_options {
	bool create;          /* create the file if missing */
	bool migrate;         /* apply pending migrations */
	int busy_timeout_ms;  /* wait for the write lock up to this long (default 5000) */
	bool synchronous_normal; /* false (default): synchronous=FULL, nothing acknowledged is lost */
	int cache_kib;        /* this connection's page cache, KiB (0: DB_CACHE_KIB_DEFAULT) */
};

/* The page cache of a connection by default: the server holds one connection per thread (up to
 * 64), so that their caches together stay a small part of the process whatever the database
 * size; the kernel's file cache serves the rest. */
#define DB_CACHE_KIB_DEFAULT 256

/* Opens (and with opts->migrate, migrates) the database at path. On failure *out is NULL and msg
 * (French) says why. */
enum coop_err db_open(const char *path, const struct db_options *opts, struct db **out, char *msg,
		      size_t msg_size);

/* Closes a connection; NULL-safe. */
void db_close(struct db *db);

/* The schema version in the file, and the one this build knows. */
int db_schema_version(struct db *db);
int db_schema_latest(void);

/* Transactions (not nested). db_begin takes the write lock immediately. */
enum coop_err db_begin(struct db *db);
enum coop_err db_commit(struct db *db);
void db_rollback(struct db *db);

/* The backend's last error text (English, for logs; never includes bound values). */
const char *db_last_error(struct db *db);

/* Bounds the time of what this connection reads from now on, on the calling thread: a statement
 * still running once the thread has computed timeout_ms milliseconds since this call (its CPU
 * time), or once DB_DEADLINE_WALL_FACTOR times that has passed on the clock, is interrupted,
 * and the function that ran it returns ERR_TIMEOUT (nothing read is kept; the connection stays
 * usable). CPU time first: the server runs reads at a low priority, so a read that waits for
 * the CPUs while writes run is not the costly query the bound is for; the clock bound still
 * ends any read in the end. 0 removes the bound. Writes are never interrupted: neither a statement that changes the database nor
 * anything between db_begin() and db_commit() / db_rollback() (a transaction that holds the
 * write lock finishes what it started; it may carry other requests' audit records). The server
 * sets it for each request (api_begin()). */
void db_set_deadline(struct db *db, int64_t timeout_ms);
#define DB_DEADLINE_WALL_FACTOR 10

/* The bytes this connection's page cache holds now (at most about db_options.cache_kib KiB). */
size_t db_cache_used(struct db *db);

/* ------------------------------------------------------------------ team and structure */

struct db_structure {
	int64_t id;
	const char *type;    /* structure_type code: MSP, CDS, CPTS, ES, ESMS, ESP */
	const char *name;
	const char *address;
	const char *finess;  /* normalised, or NULL */
	const char *siret;   /* normalised, or NULL */
	bool aci_signatory;
};

struct db_professional {
	int64_t id;
	int64_t structure_id;
	const char *last_name;
	const char *first_names;
	const char *profession; /* profession code */
	const char *rpps;       /* or NULL */
	const char *adeli;      /* or NULL */
	const char *mssante;    /* or NULL */
	const char *phone;      /* or NULL */
	const char *sex;        /* "female", "male", or NULL (not said) */
};

/* Role bits of an account. */
enum db_role {
	DB_ROLE_COORDINATOR = 1 << 0,
	DB_ROLE_SECRETARY = 1 << 1,
	DB_ROLE_DELEGUE = 1 << 2,
	DB_ROLE_DELEGANT = 1 << 3,
};

struct db_account {
	int64_t id;
	int64_t structure_id;
	int64_t professional_id; /* 0 when the account is not a health professional (secretary) */
	const char *login;
	const char *display_name;
	const char *password_hash; /* libsodium Argon2id string; NULL until its owner chose it */
	unsigned roles;            /* enum db_role bits; may be 0 for a professional's account */
	int failed_logins;         /* consecutive failed sign-ins */
	int64_t locked_until;      /* unix seconds (real time): no attempt before; 0 = none */
	/* a one-time activation code (new account or reset): only its SHA-256 is stored, set on
	 * insert and by db_account_set_activation(); never read back */
	const char *activation_hash;
	int64_t activation_expires_at; /* unix seconds; 0 = no code pending */
	bool disabled;
	bool has_ends_on;
	coop_date ends_on;             /* last day the account works (included) */
};

/* The protocol a structure adopted, and whether it may run. */
struct db_adoption {
	int64_t id;
	int64_t structure_id;
	const char *protocol_id;
	const char *status;           /* "active" or "suspended" */
	const char *suspended_reason; /* or NULL */
	coop_date adopted_on;
	/* the délégant's signature of the template prescriptions, for one protocol content */
	int64_t signed_by;            /* professional id, 0 = not signed */
	const char *signed_hash;      /* the protocol file's hash that was signed, or NULL */
	int64_t signed_at;            /* unix seconds */
	/* what the signer completed on open template lines (JSON array), or NULL; signed_hash
	 * covers it (rx_template_hash) */
	const char *signed_completions;
};

struct db_adhesion {
	int64_t id;
	int64_t professional_id;
	int64_t adoption_id;
	const char *role;             /* "delegant" or "delegue" */
	coop_date effective_from;
	bool has_effective_to;
	coop_date effective_to;
	int64_t training_validated_by; /* délégant professional id, 0 = not validated */
	bool has_training_date;
	coop_date training_date;
	double training_hours;
	const char *insurer;          /* or NULL */
	bool has_insurance_date;
	coop_date insurance_date;
	bool has_engagement_date;
	coop_date engagement_date;
};

struct db_availability {
	int64_t id;
	int64_t professional_id;
	int weekday;       /* 0 = Monday .. 6 = Sunday */
	int start_minute;  /* minutes after midnight, start included */
	int end_minute;    /* end excluded */
	const char *how;   /* how to reach them, e.g. a phone number */
};

enum coop_err db_structure_insert(struct db *db, const struct db_structure *s, int64_t *id);
enum coop_err db_structure_get(struct db *db, int64_t id, struct arena *a, struct db_structure *out);
/* Replaces a structure's fields (type, name, address, FINESS, SIRET, ACI). */
enum coop_err db_structure_update(struct db *db, const struct db_structure *s);

enum coop_err db_professional_insert(struct db *db, const struct db_professional *p, int64_t *id);
enum coop_err db_professional_get(struct db *db, int64_t id, struct arena *a,
				  struct db_professional *out);
/* The professionals of a structure, by name. */
enum coop_err db_professional_list(struct db *db, int64_t structure_id, struct arena *a,
				   struct db_professional **out, size_t *n);

/* Inserts an account with its roles (and its password hash or activation code hash);
 * ERR_CONFLICT when the login exists or the professional is not one of the structure's. */
enum coop_err db_account_insert(struct db *db, const struct db_account *acc, int64_t *id);
/* The account whose pending activation code has that hash; ERR_NOT_FOUND when none. */
enum coop_err db_account_by_activation(struct db *db, const char *code_hash, struct arena *a,
				       struct db_account *out);
/* Sets the password chosen by the owner, kills the activation code, clears the failures. */
enum coop_err db_account_activate(struct db *db, int64_t id, const char *password_hash);
/* A new activation code (hash, expiry): the password is erased at once. */
enum coop_err db_account_set_activation(struct db *db, int64_t id, const char *code_hash,
					int64_t expires_at);
/* Replaces the password (the owner's change). */
enum coop_err db_account_set_password(struct db *db, int64_t id, const char *password_hash);
enum coop_err db_account_set_disabled(struct db *db, int64_t id, bool disabled);
/* Sets (has_ends_on) or clears the account's end date. */
enum coop_err db_account_set_ends_on(struct db *db, int64_t id, bool has_ends_on,
				     coop_date ends_on);
/* Whether that professional already has an account in that structure (home or membership). */
enum coop_err db_account_professional_taken(struct db *db, int64_t structure_id,
					    int64_t professional_id, bool *taken);
enum coop_err db_account_by_login(struct db *db, const char *login, struct arena *a,
				  struct db_account *out);
enum coop_err db_account_get(struct db *db, int64_t id, struct arena *a, struct db_account *out);
/* A page of the accounts of a structure, by login: at most limit, those whose login comes
 * after after_login (NULL or "": from the first); *more says whether another page follows
 * (the next one starts after the last login of this one). */
enum coop_err db_account_list(struct db *db, int64_t structure_id, const char *after_login,
			      size_t limit, struct arena *a, struct db_account **out, size_t *n,
			      bool *more);
/* Records a failed login (and a lock until `locked_until` when not 0) or a success (resets). */
enum coop_err db_account_login_result(struct db *db, int64_t id, bool success,
				      int64_t locked_until);

/* A structure where an account works besides its home one (the account's own row), with the
 * roles held and the professional it is there. */
struct db_membership {
	int64_t id;
	int64_t account_id;
	int64_t structure_id;
	int64_t professional_id; /* 0 when not a health professional there */
	unsigned roles;          /* enum db_role bits */
};

/* One structure of an account, as the session lists them: the home one or a membership. */
struct db_account_structure {
	int64_t structure_id;
	const char *name;
	const char *type;        /* structure_type code */
	unsigned roles;          /* the roles held there */
	int64_t professional_id; /* 0 when not a health professional there */
	bool home;               /* the account's own structure */
};

/* At most this many structures per account (home included) are listed. */
#define DB_ACCOUNT_STRUCTURES_MAX 64

/* Inserts a membership. ERR_CONFLICT when the account already belongs to that structure (its
 * home or a membership), when the account, structure or professional does not exist, when the
 * professional is not one of that structure's, or when roles is outside 0..15 (0 only with a
 * professional). */
enum coop_err db_membership_insert(struct db *db, const struct db_membership *m, int64_t *id);
/* The membership of account_id in structure_id; ERR_NOT_FOUND when there is none (the home
 * structure is not a membership). */
enum coop_err db_membership_get(struct db *db, int64_t account_id, int64_t structure_id,
				struct arena *a, struct db_membership *out);
/* The structures of an account: the home one first, then its memberships by name; at most
 * DB_ACCOUNT_STRUCTURES_MAX. *out is an arena array of *n entries (none when the account does
 * not exist); ERR_NOMEM when the arena is full. */
enum coop_err db_account_structures(struct db *db, int64_t account_id, struct arena *a,
				    struct db_account_structure **out, size_t *n);

enum coop_err db_adoption_insert(struct db *db, const struct db_adoption *ad, int64_t *id);
enum coop_err db_adoption_get(struct db *db, int64_t id, struct arena *a, struct db_adoption *out);
/* The adoption of protocol_id by a structure; ERR_NOT_FOUND when not adopted. */
enum coop_err db_adoption_find(struct db *db, int64_t structure_id, const char *protocol_id,
			       struct arena *a, struct db_adoption *out);
/* Records the signature: signed_hash is the signed template's hash, completions (may be NULL)
 * the JSON array of what the signer completed. */
enum coop_err db_adoption_sign(struct db *db, int64_t id, int64_t professional_id,
			       const char *signed_hash, const char *completions, int64_t at);
enum coop_err db_adoption_set_status(struct db *db, int64_t id, const char *status,
				     const char *reason);

enum coop_err db_adhesion_insert(struct db *db, const struct db_adhesion *ad, int64_t *id);
enum coop_err db_adhesion_get(struct db *db, int64_t id, struct arena *a, struct db_adhesion *out);
/* Every adhesion of a structure's adoptions, by adoption then professional. */
enum coop_err db_adhesion_list_structure(struct db *db, int64_t structure_id, struct arena *a,
					 struct db_adhesion **out, size_t *n);
/* Replaces an adhesion's end date, insurance and engagement (the coordinator's declarations). */
enum coop_err db_adhesion_update_declarations(struct db *db, const struct db_adhesion *ad);
/* Records the validation of a délégué's training by a délégant. */
enum coop_err db_adhesion_validate_training(struct db *db, int64_t id, int64_t delegant_id,
					    coop_date date, double hours);
/* The adhesions of a professional to an adoption (all roles, all periods), oldest first. */
enum coop_err db_adhesion_list(struct db *db, int64_t professional_id, int64_t adoption_id,
			       struct arena *a, struct db_adhesion **out, size_t *n);

enum coop_err db_availability_insert(struct db *db, const struct db_availability *av, int64_t *id);
/* One professional's slots, by weekday and start. */
enum coop_err db_availability_list(struct db *db, int64_t professional_id, struct arena *a,
				   struct db_availability **out, size_t *n);
/* Removes one of the professional's slots; ERR_NOT_FOUND when it is not theirs. */
enum coop_err db_availability_delete(struct db *db, int64_t professional_id, int64_t id);
/* The availability slots of the délégants adhering to an adoption on `on`. */
enum coop_err db_availability_for_adoption(struct db *db, int64_t adoption_id, coop_date on,
					   struct arena *a, struct db_availability **out,
					   size_t *n);

/* ------------------------------------------------------------------ patients, episodes */

/* A patient: the INS identity traits, the NIR when known, the médecin traitant. */
struct db_patient {
	int64_t id;
	int64_t structure_id;
	const char *birth_name;
	const char *first_names;     /* birth first names, space-separated, the first one first */
	const char *used_name;       /* or NULL */
	coop_date birth_date;
	const char *sex;             /* "female", "male", "other", "unknown" */
	const char *birthplace_code; /* INSEE/COG code, or NULL */
	const char *nir;             /* normalised, or NULL */
	const char *gp_name;         /* or NULL */
	const char *gp_rpps;         /* or NULL */
	const char *gp_mssante;      /* or NULL */
	int64_t gp_professional_id;  /* the GP when in the team, else 0 */
	int64_t version;             /* bumped by each update */
	int64_t merged_into;         /* 0, or the record this duplicate was merged into */
};

/* An episode of care under a protocol. Its pathway details (orientation answers, consent,
 * assessment answers, decision, prescription, revoyure, second contact...) are one JSON
 * document, `data`, owned by the API layer; the columns are what lists filter on. */
struct db_episode {
	int64_t id;
	int64_t structure_id;
	int64_t patient_id;
	int64_t adoption_id;
	const char *protocol_hash; /* of the protocol file that ran, once assessed; or NULL */
	const char *state;         /* pathway state code */
	int64_t version;           /* bumped by each update: optimistic concurrency */
	const char *data;          /* JSON object */
	int64_t created_by;        /* account */
	int64_t delegue_id;        /* professional, 0 until the assessment starts */
	int64_t created_at, updated_at;
	/* what the lists read (core/episode_list.h: episode_list_facts_of() over the document),
	 * written with the document by insert and update so that they never drift from it; not
	 * read back by db_episode_get() */
	struct episode_list_facts list;
};

enum coop_err db_patient_insert(struct db *db, const struct db_patient *p, int64_t *id);
/* The patient `id` of `structure_id` (another structure's patient is ERR_NOT_FOUND). */
enum coop_err db_patient_get(struct db *db, int64_t structure_id, int64_t id, struct arena *a,
			     struct db_patient *out);
/* Replaces the patient's fields when its version is still p->version (then bumped);
 * ERR_CONFLICT when someone else updated it first, or when it was merged into another record.
 * Insert and update keep the folded names (ident_fold) the searches use in step. */
enum coop_err db_patient_update(struct db *db, const struct db_patient *p);
/* Where a patient stands in a search's order: the folded name that matched the search (birth
 * name, or used name when only that one matched), the first names, the id. */
struct db_patient_key {
	const char *name;
	const char *first_names;
	int64_t id;
};

/* A page of the patients of a structure not merged away whose folded birth name or folded
 * used name starts with `name_prefix` (itself folded by the caller: ident_fold), born on
 * birth_date when has_birth_date: at most `limit`, by the key above (a patient whose two names
 * match comes once, under its birth name), those after `after` (NULL: from the first; its name
 * must start with the prefix). next->name is NULL on the last page, else next is the key of
 * this page's last patient (where the next page starts; strings in the arena). Reads only the
 * page's rows (and one more), through the indexes, never every patient. */
enum coop_err db_patient_search(struct db *db, int64_t structure_id, const char *name_prefix,
				bool has_birth_date, coop_date birth_date,
				const struct db_patient_key *after, size_t limit, struct arena *a,
				struct db_patient **out, size_t *n, struct db_patient_key *next);
/* The possible duplicates of a record: the structure's patients other than except_id (0: none)
 * and not merged away whose folded birth name equals that of birth_name (as typed or stored)
 * and born on birth_date, or whose NIR is nir (when not NULL); at most limit, oldest first.
 * The caller decides with ident_match() which ones really match. */
enum coop_err db_patient_candidates(struct db *db, int64_t structure_id, int64_t except_id,
				    const char *birth_name, coop_date birth_date,
				    const char *nir, size_t limit, struct arena *a,
				    struct db_patient **out, size_t *n);
/* Merges the duplicate record into kept_id, inside the caller's transaction: marks it merged
 * (when its version is still duplicate_version; bumped) and moves its episodes to kept_id
 * (their versions bumped), giving their ids (arena array) in *episodes. ERR_CONFLICT when the
 * duplicate changed, was already merged, is kept_id itself or is not the structure's. */
enum coop_err db_patient_merge(struct db *db, int64_t structure_id, int64_t duplicate_id,
			       int64_t duplicate_version, int64_t kept_id, struct arena *a,
			       int64_t **episodes, size_t *n_episodes);

enum coop_err db_episode_insert(struct db *db, const struct db_episode *e, int64_t *id);
enum coop_err db_episode_get(struct db *db, int64_t structure_id, int64_t id, struct arena *a,
			     struct db_episode *out);
/* Writes state, data, protocol_hash, delegue_id and updated_at when the stored version is still
 * e->version (then bumped); ERR_CONFLICT otherwise. */
enum coop_err db_episode_update(struct db *db, const struct db_episode *e);
/* The ranges the episode lists are made of (core/episode_list.h), each one keyset range of one
 * index, in the order of its list; a row is its key (k: the ordering column, and id):
 *   RECENT          structure_id, updated_at >= since; k = updated_at, descending
 *   BY_STATE        structure_id, state; k = updated_at, descending
 *   ADOPTION        adoption_id; k = updated_at, descending
 *   ADOPTION_STATE  adoption_id, state; k = updated_at, descending
 *   RUN             professional_id runs it, adoption_id, [state]; k = updated_at, descending
 *   QUEUE_WAITING   adoption_id, consented; k = arrived_at, ascending
 *   QUEUE_RUN       professional_id runs it, adoption_id, assessing to follow_up; k =
 *                   arrived_at, ascending
 *   REFERRALS       adoption_id, delegant_called_id = called, referral_rank = rank,
 *                   referral_day >= since; k = referral_day, descending
 *   REFERRALS_OLD   adoption_id, delegant_called_id = called, revoyure pending, referral_day <
 *                   since; k = referral_day, descending
 *   REVOYURES       adoption_id, revoyure_until >= since (today), decision_day <= since; k =
 *                   revoyure_until, ascending */
enum db_episode_range_kind {
	DB_EPISODES_RECENT,
	DB_EPISODES_BY_STATE,
	DB_EPISODES_ADOPTION,
	DB_EPISODES_ADOPTION_STATE,
	DB_EPISODES_RUN,
	DB_EPISODES_QUEUE_WAITING,
	DB_EPISODES_QUEUE_RUN,
	DB_EPISODES_REFERRALS,
	DB_EPISODES_REFERRALS_OLD,
	DB_EPISODES_REVOYURES,
};

struct db_episode_range {
	enum db_episode_range_kind kind;
	int64_t structure_id;    /* every range stays inside the caller's structure */
	int64_t adoption_id;
	int64_t professional_id; /* RUN, QUEUE_RUN */
	const char *state;       /* BY_STATE, ADOPTION_STATE; RUN: NULL = any */
	int64_t called;          /* REFERRALS*: the délégant called, 0 = none */
	int64_t rank;            /* REFERRALS */
	int64_t since;           /* RECENT, REFERRALS*, REVOYURES (see above) */
	bool has_after;          /* start after (after_k, after_id) in the range's order */
	int64_t after_k, after_id;
	size_t limit;
};

/* At most r->limit keys of the range, in its order (k is the ordering column). */
enum coop_err db_episode_range(struct db *db, const struct db_episode_range *r, struct arena *a,
			       struct episode_list_key **out, size_t *n);
/* Episodes whose list facts are not filled yet (rows older than migration 8), any structure,
 * by id; at most limit. */
enum coop_err db_episode_unfilled(struct db *db, size_t limit, struct arena *a,
				  struct db_episode **out, size_t *n);
/* Writes the list facts of episode id (the document unchanged). */
enum coop_err db_episode_set_list_facts(struct db *db, int64_t id,
					const struct episode_list_facts *f);
/* One patient's episodes under one adoption, newest first; at most limit. */
enum coop_err db_episode_list_for(struct db *db, int64_t structure_id, int64_t patient_id,
				  int64_t adoption_id, size_t limit, struct arena *a,
				  struct db_episode **out, size_t *n);

/* ------------------------------------------------------------------ sessions */

struct db_session {
	const char *token_hash; /* hex SHA-256 of the cookie token: the token itself is never stored */
	int64_t account_id;
	const char *csrf_token;
	int64_t created_at, expires_at, last_seen; /* unix seconds */
	int64_t structure_id; /* the structure chosen; 0 = the account's home structure */
};

enum coop_err db_session_insert(struct db *db, const struct db_session *s);
/* ERR_NOT_FOUND also when the account is disabled or has no password (reset). */
enum coop_err db_session_get(struct db *db, const char *token_hash, struct arena *a,
			     struct db_session *out);
enum coop_err db_session_touch(struct db *db, const char *token_hash, int64_t last_seen,
			       int64_t expires_at);
enum coop_err db_session_delete(struct db *db, const char *token_hash);
/* Ends the sessions of an account, except the one of except_token_hash (NULL: all). */
enum coop_err db_session_delete_account(struct db *db, int64_t account_id,
				       const char *except_token_hash);
/* Sets the structure the session works in (0 = the account's home structure); ERR_NOT_FOUND
 * when there is no such session. The caller checks the account belongs to that structure. */
enum coop_err db_session_set_structure(struct db *db, const char *token_hash,
				       int64_t structure_id);
/* Deletes the sessions expired at `now`. */
enum coop_err db_session_purge(struct db *db, int64_t now);

/* ------------------------------------------------------------------ audit */

/* One audit record: who did what to which record, in which structure, with the JSON before and
 * after. The chain hash covers every field and the previous record's hash (see audit_hash in
 * audit.h; records of hash_version 1 leave the structure out). */
struct db_audit {
	int64_t id;
	int64_t at;              /* unix seconds */
	int64_t account_id;      /* 0 = Coop itself (init, migrations) */
	int64_t structure_id;    /* the structure the author worked in; 0 = Coop itself */
	const char *action;      /* "create", "update", "read", "login", ... */
	const char *entity;      /* "patient", "episode", ... */
	int64_t entity_id;
	const char *before_json; /* or NULL; of a change: only what changed (jsondiff.h) */
	const char *after_json;  /* or NULL; of a change: only what changed (jsondiff.h) */
	const char *prev_hash;   /* hex; stored empty from migration 9 on (audit.h) */
	const char *hash;        /* hex; stored as 32 bytes from migration 9 on (audit.h) */
	int hash_version;
};

/* Appends a record written in structure_id (0: Coop itself) after the last one, computing its
 * chain hash (current AUDIT_HASH_VERSION); call inside the transaction of the write it records,
 * so that both land or neither does. */
enum coop_err db_audit_append_in(struct db *db, int64_t structure_id, int64_t at,
				 int64_t account_id, const char *action, const char *entity,
				 int64_t entity_id, const char *before_json, const char *after_json);
/* The same for records of Coop itself (structure 0), e.g. those of `coop init`. */
enum coop_err db_audit_append(struct db *db, int64_t at, int64_t account_id, const char *action,
			      const char *entity, int64_t entity_id, const char *before_json,
			      const char *after_json);

/* A read's audit record (a trace), written durably by db_audit_trace(). The caller fills the
 * first fields; the rest belong to the store while the call runs. */
struct db_trace {
	int64_t at, account_id, structure_id, entity_id;
	const char *action, *entity;
	const char *after_json; /* or NULL */
	/* the store's */
	struct db_trace *next;
	enum coop_err result;
	bool taken; /* in a transaction being committed */
	bool done;
};

/* Appends t and returns once it is committed (COOP_OK) or refused (the error; nothing of t is
 * then written). Traces ride with the writes: while any transaction of this process holds or
 * waits for the write lock, t waits to be written inside the next one to commit (db_commit()
 * adds every waiting trace, behind a savepoint, so that a trace that fails never fails the
 * write it rides with); when none is left, the caller commits every waiting trace itself.
 * Reads thus cost the disk no commit of their own while writes flow, and at most one commit
 * for all of them otherwise. Call outside any transaction; blocks. */
enum coop_err db_audit_trace(struct db *db, struct db_trace *t);

/* Counts, since the process started, of traces written inside another transaction's commit
 * (rode) and in a commit of their own (alone): what the tests and the bench look at. */
struct db_trace_counts {
	uint64_t rode, alone;
};
void db_trace_counts(struct db_trace_counts *out);
/* Traces waiting for a commit that has not taken them yet; transactions of this process that
 * hold or wait for the write lock (tests, diagnostics). */
unsigned db_traces_waiting(void);
unsigned db_write_queue_length(void);

/* What a structure's audit log is filtered on: every field is optional. */
struct db_audit_filter {
	const char *action; /* exact match, or NULL for any */
	const char *entity; /* exact match, or NULL for any */
	int64_t account_id; /* 0 = any author */
	bool has_from;      /* at >= from_at (unix seconds) */
	int64_t from_at;
	bool has_to; /* at < to_at (unix seconds, excluded) */
	int64_t to_at;
	/* paging: only the records before (after_at, after_id) in the log's order, newest first
	 * by (at, id) — the last entry of the page before */
	bool has_after;
	int64_t after_at;
	int64_t after_id;
};

/* One line of the audit log as the structure's coordinator sees it: who, when, what, on which
 * record — never the before/after JSON (it holds patient data). */
struct db_audit_entry {
	int64_t id;
	int64_t at; /* unix seconds */
	int64_t account_id;
	const char *by; /* the account's display name */
	const char *action;
	const char *entity;
	int64_t entity_id;
};

/* The audit records written in structure_id (records of Coop itself, account 0, and records
 * written in another structure, even by an account that also works here, are never listed)
 * that pass the filter, newest first by (at, id) — `at` is the writer's clock and may go back
 * (a clock set back), so the log is ordered by time, the id breaking ties —, at most limit.
 * Each filter reads only the rows it returns through its index (the action, else the author,
 * else the kind of record leads when several are given; the others are checked on its rows). *out is an arena array of *n entries (NULL when none); ERR_NOMEM when the arena is
 * full, ERR_IO when the database fails. */
enum coop_err db_audit_list(struct db *db, int64_t structure_id, const struct db_audit_filter *f,
			    size_t limit, struct arena *a, struct db_audit_entry **out, size_t *n);

/* Walks the whole chain. Returns COOP_OK when every record's hash is right and links to the
 * previous one; ERR_CONFLICT with *bad_id the first record that does not hold (tampered,
 * removed or reordered); *count the records checked. head (optional, AUDIT_HASH_HEX = 65 bytes)
 * receives the last good link's hash: kept outside the database, it also reveals a removal of
 * the last records, which the chain alone cannot. */
enum coop_err db_audit_verify(struct db *db, int64_t *count, int64_t *bad_id, char *head,
			      size_t head_size);

/* ------------------------------------------------------------------ adhesions of a caller */

/* An adhesion with its professional's profession code (what the core's facts need). */
struct db_professional_adhesion {
	struct db_adhesion adhesion;
	const char *profession;
};

/* The adhesions (every role and period) of professional_id to the adoptions of structure_id,
 * by adoption then id, at most limit; none when that professional is not one of the
 * structure's. *out is an arena array of *n entries (NULL when none); ERR_NOMEM when the arena
 * is full, ERR_IO when the database fails. */
enum coop_err db_adhesions_of_professional(struct db *db, int64_t professional_id,
					   int64_t structure_id, size_t limit, struct arena *a,
					   struct db_professional_adhesion **out, size_t *n);
/* Where a walk of the chain starts, and who sees each good link. */
struct db_audit_walk {
	int64_t after_id;  /* start after this record (0: from the first) ... */
	const char *after_hash; /* ... whose hash is this (trusted, e.g. a signed checkpoint's) */
	void (*visit)(void *ctx, int64_t id, const char *hash); /* each good link, or NULL */
	void *ctx;
};

/* db_audit_verify from w's starting point (NULL: the whole chain): *count the records checked
 * after it, head the last good link's hash. */
enum coop_err db_audit_verify_from(struct db *db, const struct db_audit_walk *w, int64_t *count,
				   int64_t *bad_id, char *head, size_t head_size);

/* The hash stored with record id (as stored: not checked; 65 bytes, lowercase hex); ERR_NOT_FOUND
 * when there is no such record. */
enum coop_err db_audit_hash_of(struct db *db, int64_t id, char out[65]);

/* ------------------------------------------------------------------ protocol files */

/* Keeps the text of a protocol file by the SHA-256 of its bytes (lowercase hex), first seen at
 * now; nothing changes when that hash is already kept. */
enum coop_err db_protocol_file_put(struct db *db, const char *hash, const char *protocol_id,
				   const char *text, int64_t now);
/* The kept file of that hash (arena copies); ERR_NOT_FOUND when none. */
enum coop_err db_protocol_file_get(struct db *db, const char *hash, struct arena *a,
				   const char **protocol_id, const char **text);
/* The structure of episode `id`, whichever it is (for `coop episode replay`, run by the
 * server's administrator); ERR_NOT_FOUND when there is no such episode. */
enum coop_err db_episode_structure(struct db *db, int64_t id, int64_t *structure_id);

#endif
