/*
 * db_sqlite.c — the SQLite backend of the db_* interface (db.h).
 *
 * Every query is a named statement of the table below, prepared once per connection on first
 * use and reset after each use; values are always bound, never spliced into SQL. The connection
 * runs in WAL mode with foreign keys on and synchronous=FULL unless asked otherwise: an
 * acknowledged commit survives a crash or a power cut. Dates are stored as ISO text, instants
 * as unix seconds. A database created here is readable and writable by its owner only (0600),
 * and so are its -wal and -shm files.
 */
#include "store/db.h"

#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ident.h"
#include "base/utf8.h"
#include "store/audit.h"
#include "store/docblob.h"
#include "store/schema_sqlite.h"

/* The named statements of this backend. */
enum stmt_id {
	S_STRUCTURE_INSERT,
	S_STRUCTURE_GET,
	S_STRUCTURE_UPDATE,
	S_PROFESSIONAL_INSERT,
	S_PROFESSIONAL_GET,
	S_PROFESSIONAL_LIST,
	S_ACCOUNT_INSERT,
	S_ACCOUNT_BY_ACTIVATION,
	S_ACCOUNT_ACTIVATE,
	S_ACCOUNT_SET_ACTIVATION,
	S_ACCOUNT_SET_PASSWORD,
	S_ACCOUNT_SET_DISABLED,
	S_ACCOUNT_SET_ENDS_ON,
	S_ACCOUNT_PROFESSIONAL_TAKEN,
	S_ACCOUNT_BY_LOGIN,
	S_ACCOUNT_GET,
	S_ACCOUNT_LIST,
	S_ACCOUNT_LOGIN_OK,
	S_ACCOUNT_LOGIN_FAILED,
	S_MEMBERSHIP_INSERT,
	S_MEMBERSHIP_GET,
	S_ACCOUNT_STRUCTURES,
	S_ADOPTION_INSERT,
	S_ADOPTION_GET,
	S_ADOPTION_FIND,
	S_ADOPTION_SIGN,
	S_ADOPTION_SET_STATUS,
	S_ADHESION_INSERT,
	S_ADHESION_LIST,
	S_ADHESION_GET,
	S_ADHESION_LIST_STRUCTURE,
	S_ADHESION_VALIDATE_TRAINING,
	S_ADHESION_UPDATE_DECLARATIONS,
	S_AVAILABILITY_INSERT,
	S_AVAILABILITY_FOR_ADOPTION,
	S_AVAILABILITY_LIST,
	S_AVAILABILITY_DELETE,
	S_PATIENT_INSERT,
	S_PATIENT_GET,
	S_PATIENT_UPDATE,
	S_PATIENT_SEARCH,
	S_PATIENT_SEARCH_BORN,
	S_PATIENT_CANDIDATES,
	S_PATIENT_MERGE,
	S_PATIENT_EPISODE_IDS,
	S_PATIENT_EPISODES_MOVE,
	S_EPISODE_INSERT,
	S_EPISODE_GET,
	S_EPISODE_UPDATE,
	S_EPISODE_LIST_FOR,
	S_EPISODE_RECENT,
	S_EPISODE_BY_STATE,
	S_EPISODE_ADOPTION,
	S_EPISODE_ADOPTION_STATE,
	S_EPISODE_RUN,
	S_EPISODE_QUEUE_WAITING,
	S_EPISODE_QUEUE_RUN,
	S_EPISODE_REFERRALS,
	S_EPISODE_REFERRALS_OLD,
	S_EPISODE_REVOYURES,
	S_EPISODE_UNFILLED,
	S_EPISODE_SET_LIST_FACTS,
	S_SESSION_INSERT,
	S_SESSION_GET,
	S_SESSION_TOUCH,
	S_SESSION_DELETE,
	S_SESSION_PURGE,
	S_SESSION_SET_STRUCTURE,
	S_SESSION_DELETE_ACCOUNT,
	S_AUDIT_LAST,
	S_AUDIT_HASH_OF,
	S_AUDIT_INSERT,
	S_AUDIT_ALL,
	S_AUDIT_LIST,
	S_AUDIT_LIST_ACTION,
	S_AUDIT_LIST_ENTITY,
	S_AUDIT_LIST_ACCOUNT,
	S_PROTOCOL_FILE_PUT,
	S_PROTOCOL_FILE_GET,
	S_EPISODE_STRUCTURE,
	S_BEGIN,
	S_COMMIT,
	S_ROLLBACK,
	S_TRACES_SAVEPOINT,
	S_TRACES_RELEASE,
	S_TRACES_UNDO,
	S_ADHESIONS_OF_PROFESSIONAL,
	S_COUNT
};

#define PATIENT_COLUMNS                                                                        \
	"id, structure_id, birth_name, first_names, used_name, birth_date, sex, birthplace_code, " \
	"nir, gp_name, gp_rpps, gp_mssante, gp_professional_id, version, merged_into"
/* an account as read_account_row() reads it */
#define ACCOUNT_COLUMNS                                                                      \
	"id, structure_id, professional_id, login, display_name, password_hash, roles, "     \
	"failed_logins, locked_until, activation_expires_at, disabled, ends_on"
#define ADHESION_COLUMNS                                                                     \
	"id, professional_id, adoption_id, role, effective_from, effective_to, "               \
	"training_validated_by, training_date, training_hours, insurer, insurance_date, "      \
	"engagement_date"
/* The list facts (core/episode_list.h) as insert and update write them: ?20 to ?26. */
#define LIST_FACT_COLUMNS                                                                   \
	"list_facts, arrived_at, referral_rank, referral_day, delegant_called_id, "          \
	"revoyure_pending, decision_day, revoyure_until"
#define LIST_FACT_SET                                                                       \
	"list_facts = 1, arrived_at = ?20, referral_rank = ?21, referral_day = ?22, "        \
	"delegant_called_id = ?23, revoyure_pending = ?24, decision_day = ?25, "             \
	"revoyure_until = ?26 "
#define EPISODE_COLUMNS                                                                     \
	"id, structure_id, patient_id, adoption_id, protocol_hash, state, version, data, "   \
	"created_by, delegue_id, created_at, updated_at"

static const struct {
	const char *name;
	const char *sql;
} statements[S_COUNT] = {
	[S_STRUCTURE_INSERT] = {"structure_insert",
				"INSERT INTO structures (type, name, address, finess, siret, "
				"aci_signatory) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"},
	[S_STRUCTURE_GET] = {"structure_get",
			     "SELECT id, type, name, address, finess, siret, aci_signatory "
			     "FROM structures WHERE id = ?1"},
	[S_STRUCTURE_UPDATE] = {"structure_update",
				"UPDATE structures SET type = ?2, name = ?3, address = ?4, finess = ?5, "
				"siret = ?6, aci_signatory = ?7 WHERE id = ?1"},
	[S_PROFESSIONAL_INSERT] = {"professional_insert",
				   "INSERT INTO professionals (structure_id, last_name, "
				   "first_names, profession, rpps, adeli, mssante, phone, sex) "
				   "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"},
	[S_PROFESSIONAL_GET] = {"professional_get",
				"SELECT id, structure_id, last_name, first_names, profession, rpps, "
				"adeli, mssante, phone, sex FROM professionals WHERE id = ?1"},
	[S_PROFESSIONAL_LIST] = {"professional_list",
				 "SELECT id, structure_id, last_name, first_names, profession, rpps, "
				 "adeli, mssante, phone, sex FROM professionals WHERE structure_id = ?1 "
				 "ORDER BY last_name, first_names, id"},
	[S_ADHESION_GET] = {"adhesion_get",
			    "SELECT " ADHESION_COLUMNS " FROM adhesions WHERE id = ?1"},
	[S_ADHESION_LIST_STRUCTURE] = {"adhesion_list_structure",
				       "SELECT " ADHESION_COLUMNS " FROM adhesions WHERE adoption_id "
				       "IN (SELECT id FROM adoptions WHERE structure_id = ?1) "
				       "ORDER BY adoption_id, professional_id, id"},
	[S_ADHESION_VALIDATE_TRAINING] = {"adhesion_validate_training",
					  "UPDATE adhesions SET training_validated_by = ?2, "
					  "training_date = ?3, training_hours = ?4 WHERE id = ?1"},
	[S_ADHESION_UPDATE_DECLARATIONS] = {"adhesion_update_declarations",
					    "UPDATE adhesions SET effective_to = ?2, insurer = ?3, "
					    "insurance_date = ?4, engagement_date = ?5 WHERE id = ?1"},
	[S_AVAILABILITY_LIST] = {"availability_list",
				 "SELECT id, professional_id, weekday, start_minute, end_minute, how "
				 "FROM availability WHERE professional_id = ?1 "
				 "ORDER BY weekday, start_minute, id"},
	[S_AVAILABILITY_DELETE] = {"availability_delete",
				   "DELETE FROM availability WHERE id = ?2 AND professional_id = ?1"},
	/* the professional, when set, must be one of the account's structure: no row otherwise */
	[S_ACCOUNT_INSERT] = {"account_insert",
			      "INSERT INTO accounts (structure_id, professional_id, login, "
			      "display_name, password_hash, roles, activation_hash, "
			      "activation_expires_at) SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8 "
			      "WHERE ?2 IS NULL OR EXISTS (SELECT 1 FROM professionals "
			      "WHERE id = ?2 AND structure_id = ?1)"},
	[S_ACCOUNT_BY_ACTIVATION] = {"account_by_activation",
				     "SELECT " ACCOUNT_COLUMNS " FROM accounts "
				     "WHERE activation_hash = ?1"},
	/* the code dies with its use; the delays of failed sign-ins start again */
	[S_ACCOUNT_ACTIVATE] = {"account_activate",
				"UPDATE accounts SET password_hash = ?2, activation_hash = NULL, "
				"activation_expires_at = 0, failed_logins = 0, locked_until = 0 "
				"WHERE id = ?1"},
	/* a new code: the old password stops working at once */
	[S_ACCOUNT_SET_ACTIVATION] = {"account_set_activation",
				      "UPDATE accounts SET password_hash = NULL, activation_hash = ?2, "
				      "activation_expires_at = ?3 WHERE id = ?1"},
	[S_ACCOUNT_SET_PASSWORD] = {"account_set_password",
				    "UPDATE accounts SET password_hash = ?2 WHERE id = ?1"},
	[S_ACCOUNT_SET_DISABLED] = {"account_set_disabled",
				    "UPDATE accounts SET disabled = ?2 WHERE id = ?1"},
	[S_ACCOUNT_SET_ENDS_ON] = {"account_set_ends_on",
				   "UPDATE accounts SET ends_on = ?2 WHERE id = ?1"},
	/* an account of that professional in that structure: a home one or a membership */
	[S_ACCOUNT_PROFESSIONAL_TAKEN] = {"account_professional_taken",
					  "SELECT EXISTS (SELECT 1 FROM accounts WHERE "
					  "structure_id = ?1 AND professional_id = ?2) OR EXISTS "
					  "(SELECT 1 FROM memberships WHERE structure_id = ?1 AND "
					  "professional_id = ?2)"},
	[S_ACCOUNT_BY_LOGIN] = {"account_by_login",
				"SELECT " ACCOUNT_COLUMNS " FROM accounts WHERE login = ?1"},
	[S_ACCOUNT_GET] = {"account_get",
			   "SELECT " ACCOUNT_COLUMNS " FROM accounts WHERE id = ?1"},
	/* a page after a login ('' for the first): index accounts_by_structure */
	[S_ACCOUNT_LIST] = {"account_list",
			    "SELECT " ACCOUNT_COLUMNS " FROM accounts WHERE structure_id = ?1 "
			    "AND login > ?2 ORDER BY login LIMIT ?3"},
	[S_ACCOUNT_LOGIN_OK] = {"account_login_ok",
				"UPDATE accounts SET failed_logins = 0, locked_until = 0 "
				"WHERE id = ?1"},
	[S_ACCOUNT_LOGIN_FAILED] = {"account_login_failed",
				    "UPDATE accounts SET failed_logins = failed_logins + 1, "
				    "locked_until = ?2 WHERE id = ?1"},
	/* a membership never repeats the home structure, and its professional is one of that
	 * structure: no row is inserted otherwise */
	[S_MEMBERSHIP_INSERT] = {"membership_insert",
				 "INSERT INTO memberships (account_id, structure_id, professional_id, "
				 "roles) SELECT ?1, ?2, ?3, ?4 WHERE NOT EXISTS (SELECT 1 FROM accounts "
				 "WHERE id = ?1 AND structure_id = ?2) AND (?3 IS NULL OR EXISTS "
				 "(SELECT 1 FROM professionals WHERE id = ?3 AND structure_id = ?2))"},
	[S_MEMBERSHIP_GET] = {"membership_get",
			      "SELECT id, account_id, structure_id, professional_id, roles "
			      "FROM memberships WHERE account_id = ?1 AND structure_id = ?2"},
	[S_ACCOUNT_STRUCTURES] = {"account_structures",
				  "SELECT s.id AS structure_id, s.name AS name, s.type AS type, "
				  "ac.roles AS roles, ac.professional_id AS professional_id, 1 AS home "
				  "FROM accounts ac JOIN structures s ON s.id = ac.structure_id "
				  "WHERE ac.id = ?1 "
				  "UNION ALL "
				  "SELECT s.id, s.name, s.type, m.roles, m.professional_id, 0 "
				  "FROM memberships m JOIN structures s ON s.id = m.structure_id "
				  "WHERE m.account_id = ?1 "
				  "ORDER BY home DESC, name, structure_id LIMIT ?2"},
	[S_ADOPTION_INSERT] = {"adoption_insert",
			       "INSERT INTO adoptions (structure_id, protocol_id, status, "
			       "suspended_reason, adopted_on) VALUES (?1, ?2, ?3, ?4, ?5)"},
	[S_ADOPTION_GET] = {"adoption_get",
			    "SELECT id, structure_id, protocol_id, status, suspended_reason, "
			    "adopted_on, signed_by, signed_hash, signed_at, signed_completions "
			    "FROM adoptions WHERE id = ?1"},
	[S_ADOPTION_FIND] = {"adoption_find",
			     "SELECT id, structure_id, protocol_id, status, suspended_reason, "
			     "adopted_on, signed_by, signed_hash, signed_at, signed_completions "
			     "FROM adoptions WHERE structure_id = ?1 AND protocol_id = ?2"},
	[S_ADOPTION_SIGN] = {"adoption_sign",
			     "UPDATE adoptions SET signed_by = ?2, signed_hash = ?3, signed_at = ?4, "
			     "signed_completions = ?5 WHERE id = ?1"},
	[S_ADOPTION_SET_STATUS] = {"adoption_set_status",
				   "UPDATE adoptions SET status = ?2, suspended_reason = ?3 "
				   "WHERE id = ?1"},
	[S_ADHESION_INSERT] = {"adhesion_insert",
			       "INSERT INTO adhesions (professional_id, adoption_id, role, "
			       "effective_from, effective_to, training_validated_by, training_date, "
			       "training_hours, insurer, insurance_date, engagement_date) "
			       "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"},
	[S_ADHESION_LIST] = {"adhesion_list",
			     "SELECT id, professional_id, adoption_id, role, effective_from, "
			     "effective_to, training_validated_by, training_date, training_hours, "
			     "insurer, insurance_date, engagement_date FROM adhesions "
			     "WHERE professional_id = ?1 AND adoption_id = ?2 ORDER BY id"},
	[S_AVAILABILITY_INSERT] = {"availability_insert",
				   "INSERT INTO availability (professional_id, weekday, "
				   "start_minute, end_minute, how) VALUES (?1, ?2, ?3, ?4, ?5)"},
	[S_AVAILABILITY_FOR_ADOPTION] = {
		"availability_for_adoption",
		"SELECT av.id, av.professional_id, av.weekday, av.start_minute, av.end_minute, "
		"av.how FROM availability av WHERE av.professional_id IN ("
		"  SELECT ad.professional_id FROM adhesions ad WHERE ad.adoption_id = ?1"
		"  AND ad.role = 'delegant' AND ad.effective_from <= ?2"
		"  AND (ad.effective_to IS NULL OR ad.effective_to > ?2))"
		" ORDER BY av.weekday, av.start_minute, av.id"},
	[S_PATIENT_INSERT] = {"patient_insert",
			      "INSERT INTO patients (structure_id, birth_name, first_names, used_name, "
			      "birth_date, sex, birthplace_code, nir, gp_name, gp_rpps, gp_mssante, "
			      "gp_professional_id, birth_name_folded, used_name_folded) "
			      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, "
			      "coop_fold(?2), coop_fold(?4))"},
	[S_PATIENT_GET] = {"patient_get",
			   "SELECT " PATIENT_COLUMNS " FROM patients "
			   "WHERE structure_id = ?1 AND id = ?2"},
	[S_PATIENT_UPDATE] = {"patient_update",
			      "UPDATE patients SET birth_name = ?3, first_names = ?4, used_name = ?5, "
			      "birth_date = ?6, sex = ?7, birthplace_code = ?8, nir = ?9, "
			      "gp_name = ?10, gp_rpps = ?11, gp_mssante = ?12, "
			      "gp_professional_id = ?13, birth_name_folded = coop_fold(?3), "
			      "used_name_folded = coop_fold(?5), version = version + 1 "
			      "WHERE id = ?1 AND structure_id = ?14 AND version = ?2 "
			      "AND merged_into IS NULL"},
	/* A search page: the patients whose folded birth name starts with the term, merged in
	 * order with those whose folded used name does (and whose birth name does not: each
	 * patient once), each half read in (name, first names, id) order from its partial index
	 * (migration 10) from the key after which the page starts, the merge stopping at the
	 * LIMIT (EXPLAIN QUERY PLAN: MERGE (UNION ALL) of two index SEARCHes, no temp b-tree).
	 * Folded names hold capitals, digits and spaces only, all below '~': the names with the
	 * prefix ?2 end before ?2 || '~'. ?4, ?5, ?6: the key after which the page starts (the
	 * prefix, '', 0 for the first page); ?7: the birth date (the _BORN statement). The
	 * sort name is the last column. */
#define PATIENT_SEARCH_HALVES(born)                                                           \
	"SELECT " PATIENT_COLUMNS ", birth_name_folded FROM patients WHERE structure_id = ?1 "   \
	"AND merged_into IS NULL " born "AND (birth_name_folded, first_names, id) > (?4, ?5, ?6) " \
	"AND birth_name_folded < ?2 || '~' UNION ALL "                                        \
	"SELECT " PATIENT_COLUMNS ", used_name_folded FROM patients WHERE structure_id = ?1 "    \
	"AND merged_into IS NULL " born "AND (used_name_folded, first_names, id) > (?4, ?5, ?6) " \
	"AND used_name_folded < ?2 || '~' "                                                   \
	"AND NOT (birth_name_folded >= ?2 AND birth_name_folded < ?2 || '~') "                \
	"ORDER BY 16, 4, 1 LIMIT ?3"
	[S_PATIENT_SEARCH] = {"patient_search", PATIENT_SEARCH_HALVES("")},
	[S_PATIENT_SEARCH_BORN] = {"patient_search_born",
				   PATIENT_SEARCH_HALVES("AND birth_date = ?7 ")},
	[S_PATIENT_CANDIDATES] = {"patient_candidates",
				  /* a UNION, so that each half reads its own index */
				  "SELECT " PATIENT_COLUMNS " FROM patients WHERE structure_id = ?1 "
				  "AND birth_name_folded = coop_fold(?3) AND birth_date = ?4 "
				  "AND id <> ?2 AND merged_into IS NULL UNION "
				  "SELECT " PATIENT_COLUMNS " FROM patients WHERE structure_id = ?1 "
				  "AND nir = ?5 AND id <> ?2 AND merged_into IS NULL "
				  "ORDER BY id LIMIT ?6"},
	[S_PATIENT_MERGE] = {"patient_merge",
			     "UPDATE patients SET merged_into = ?3, version = version + 1 "
			     "WHERE id = ?1 AND structure_id = ?4 AND version = ?2 "
			     "AND merged_into IS NULL AND ?3 <> ?1"},
	[S_PATIENT_EPISODE_IDS] = {"patient_episode_ids",
				   "SELECT id FROM episodes WHERE patient_id = ?1 "
				   "AND structure_id = ?2 ORDER BY id"},
	[S_PATIENT_EPISODES_MOVE] = {"patient_episodes_move",
				     "UPDATE episodes SET patient_id = ?2, version = version + 1 "
				     "WHERE patient_id = ?1 AND structure_id = ?3"},
	[S_EPISODE_INSERT] = {"episode_insert",
			      "INSERT INTO episodes (structure_id, patient_id, adoption_id, "
			      "protocol_hash, state, data, created_by, delegue_id, created_at, "
			      "updated_at, " LIST_FACT_COLUMNS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, "
			      "?8, ?9, ?9, 1, ?20, ?21, ?22, ?23, ?24, ?25, ?26)"},
	[S_EPISODE_GET] = {"episode_get",
			   "SELECT " EPISODE_COLUMNS " FROM episodes "
			   "WHERE structure_id = ?1 AND id = ?2"},
	[S_EPISODE_UPDATE] = {"episode_update",
			      "UPDATE episodes SET state = ?3, data = ?4, protocol_hash = ?5, "
			      "delegue_id = ?6, updated_at = ?7, version = version + 1, "
			      LIST_FACT_SET 
			      "WHERE id = ?1 AND structure_id = ?8 AND version = ?2"},
	[S_EPISODE_LIST_FOR] = {"episode_list_for",
				"SELECT " EPISODE_COLUMNS " FROM episodes WHERE structure_id = ?1 "
				"AND patient_id = ?3 AND adoption_id = ?4 ORDER BY id DESC LIMIT ?2"},
	/* the ranges of the episode lists (db_episode_range()): each reads one index (named in
	 * schema_sqlite.c, migration 8) from the cursor on, and only the rows it returns; the
	 * list facts are columns, so the documents stay unread. ?1 the structure or adoption,
	 * ?2 ?3 the cursor (k, id), ?4 the limit, then the range's own values. */
	[S_EPISODE_RECENT] = {"episode_recent",
			      "SELECT updated_at, id FROM episodes WHERE structure_id = ?1 "
			      "AND updated_at >= ?5 AND (updated_at, id) < (?2, ?3) "
			      "ORDER BY updated_at DESC, id DESC LIMIT ?4"},
	[S_EPISODE_BY_STATE] = {"episode_by_state",
				"SELECT updated_at, id FROM episodes WHERE structure_id = ?1 "
				"AND state = ?5 AND (updated_at, id) < (?2, ?3) "
				"ORDER BY updated_at DESC, id DESC LIMIT ?4"},
	[S_EPISODE_ADOPTION] = {"episode_adoption",
				"SELECT updated_at, id FROM episodes WHERE adoption_id = ?1 "
				"AND (updated_at, id) < (?2, ?3) AND structure_id = ?5 "
				"ORDER BY updated_at DESC, id DESC LIMIT ?4"},
	[S_EPISODE_ADOPTION_STATE] = {"episode_adoption_state",
				      "SELECT updated_at, id FROM episodes WHERE adoption_id = ?1 "
				      "AND state = ?6 AND (updated_at, id) < (?2, ?3) "
				      "AND structure_id = ?5 "
				      "ORDER BY updated_at DESC, id DESC LIMIT ?4"},
	[S_EPISODE_RUN] = {"episode_run",
			   "SELECT updated_at, id FROM episodes WHERE adoption_id = ?1 "
			   "AND delegue_id = ?6 AND (updated_at, id) < (?2, ?3) "
			   "AND structure_id = ?5 AND (?7 IS NULL OR state = ?7) "
			   "ORDER BY updated_at DESC, id DESC LIMIT ?4"},
	[S_EPISODE_QUEUE_WAITING] = {"episode_queue_waiting",
				     "SELECT arrived_at, id FROM episodes WHERE adoption_id = ?1 "
				     "AND state = 'consented' AND (arrived_at, id) > (?2, ?3) "
				     "AND structure_id = ?5 "
				     "ORDER BY arrived_at, id LIMIT ?4"},
	[S_EPISODE_QUEUE_RUN] = {"episode_queue_run",
				 "SELECT arrived_at, id FROM episodes WHERE adoption_id = ?1 "
				 "AND delegue_id = ?6 "
				 "AND state IN ('assessing', 'included', 'excluded', 'follow_up') "
				 "AND (arrived_at, id) > (?2, ?3) AND structure_id = ?5 "
				 "ORDER BY arrived_at, id LIMIT ?4"},
	[S_EPISODE_REFERRALS] = {"episode_referrals",
				 "SELECT referral_day, id FROM episodes WHERE adoption_id = ?1 "
				 "AND delegant_called_id = ?6 AND referral_rank = ?7 "
				 "AND referral_day >= ?8 AND (referral_day, id) < (?2, ?3) "
				 "AND structure_id = ?5 "
				 "ORDER BY referral_day DESC, id DESC LIMIT ?4"},
	[S_EPISODE_REFERRALS_OLD] = {"episode_referrals_old",
				     "SELECT referral_day, id FROM episodes WHERE adoption_id = ?1 "
				     "AND delegant_called_id = ?6 AND referral_rank IS NOT NULL "
				     "AND revoyure_pending = 1 AND referral_day < ?8 "
				     "AND (referral_day, id) < (?2, ?3) AND structure_id = ?5 "
				     "ORDER BY referral_day DESC, id DESC LIMIT ?4"},
	[S_EPISODE_REVOYURES] = {"episode_revoyures",
				 "SELECT revoyure_until, id FROM episodes WHERE adoption_id = ?1 "
				 "AND revoyure_until IS NOT NULL AND revoyure_until >= ?8 "
				 "AND (revoyure_until, id) > (?2, ?3) AND decision_day <= ?8 "
				 "AND structure_id = ?5 "
				 "ORDER BY revoyure_until, id LIMIT ?4"},
	[S_EPISODE_UNFILLED] = {"episode_unfilled",
				"SELECT " EPISODE_COLUMNS " FROM episodes WHERE list_facts = 0 "
				"ORDER BY id LIMIT ?1"},
	[S_EPISODE_SET_LIST_FACTS] = {"episode_set_list_facts",
				      "UPDATE episodes SET " LIST_FACT_SET "WHERE id = ?1"},
	[S_SESSION_INSERT] = {"session_insert",
			      "INSERT INTO sessions (token_hash, account_id, csrf_token, created_at, "
			      "expires_at, last_seen, structure_id) "
			      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"},
	[S_SESSION_GET] = {"session_get",
			   "SELECT token_hash, account_id, csrf_token, created_at, expires_at, "
			   "last_seen, structure_id FROM sessions WHERE token_hash = ?1 AND "
			   "account_id IN (SELECT id FROM accounts WHERE disabled = 0 AND "
			   "password_hash IS NOT NULL)"},
	[S_SESSION_TOUCH] = {"session_touch",
			     "UPDATE sessions SET last_seen = ?2, expires_at = ?3 "
			     "WHERE token_hash = ?1"},
	[S_SESSION_DELETE] = {"session_delete", "DELETE FROM sessions WHERE token_hash = ?1"},
	[S_SESSION_PURGE] = {"session_purge", "DELETE FROM sessions WHERE expires_at <= ?1"},
	[S_SESSION_SET_STRUCTURE] = {"session_set_structure",
				     "UPDATE sessions SET structure_id = ?2 WHERE token_hash = ?1"},
	[S_SESSION_DELETE_ACCOUNT] = {"session_delete_account",
				      "DELETE FROM sessions WHERE account_id = ?1 AND "
				      "(?2 IS NULL OR token_hash <> ?2)"},
	[S_AUDIT_LAST] = {"audit_last", "SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1"},
	[S_AUDIT_HASH_OF] = {"audit_hash_of", "SELECT hash FROM audit WHERE id = ?1"},
	[S_AUDIT_INSERT] = {"audit_insert",
			    "INSERT INTO audit (id, at, account_id, action, entity, entity_id, "
			    "before_json, after_json, prev_hash, hash, structure_id, hash_version) "
			    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"},
	[S_AUDIT_ALL] = {"audit_all",
			 "SELECT id, at, account_id, action, entity, entity_id, before_json, "
			 "after_json, prev_hash, hash, structure_id, hash_version FROM audit "
			 "WHERE id > ?1 ORDER BY id"},
	/* A structure's audit log, newest first by (at, id), one statement per leading filter so
	 * that each is a range scan of its index (migration 9): ?1 the structure, ?2 the lowest
	 * time (included), (?3, ?4) the (at, id) every row is below (the page's cursor and the
	 * end of the time range folded into one bound, by db_audit_list), ?5 action, ?6 entity,
	 * ?7 author (each NULL for any; the ones not leading are checked on the rows of the
	 * range), ?8 the number of rows. The author's name is looked up; records of Coop itself
	 * (account 0) have no account row and are never listed. */
#define AUDIT_PAGE(lead)                                                                     \
	"SELECT au.id, au.at, au.account_id, ac.display_name, au.action, au.entity, "         \
	"au.entity_id FROM audit au CROSS JOIN accounts ac ON ac.id = au.account_id "        \
	"WHERE au.structure_id = ?1 " lead " AND au.at >= ?2 AND (au.at, au.id) < (?3, ?4) " \
	"AND (?5 IS NULL OR au.action = ?5) AND (?6 IS NULL OR au.entity = ?6) "             \
	"AND (?7 IS NULL OR au.account_id = ?7) ORDER BY au.at DESC, au.id DESC LIMIT ?8"
	[S_AUDIT_LIST] = {"audit_list", AUDIT_PAGE("")},
	[S_AUDIT_LIST_ACTION] = {"audit_list_action", AUDIT_PAGE("AND au.action = ?5")},
	[S_AUDIT_LIST_ENTITY] = {"audit_list_entity", AUDIT_PAGE("AND au.entity = ?6")},
	[S_AUDIT_LIST_ACCOUNT] = {"audit_list_account", AUDIT_PAGE("AND au.account_id = ?7")},
	[S_PROTOCOL_FILE_PUT] = {"protocol_file_put",
				 "INSERT INTO protocol_files (hash, protocol_id, text, first_seen) "
				 "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (hash) DO NOTHING"},
	[S_PROTOCOL_FILE_GET] = {"protocol_file_get",
				 "SELECT protocol_id, text FROM protocol_files WHERE hash = ?1"},
	[S_EPISODE_STRUCTURE] = {"episode_structure",
				 "SELECT structure_id FROM episodes WHERE id = ?1"},
	[S_BEGIN] = {"begin", "BEGIN IMMEDIATE"},
	[S_COMMIT] = {"commit", "COMMIT"},
	[S_ROLLBACK] = {"rollback", "ROLLBACK"},
	/* the read traces that ride with a write (db_commit), apart from it */
	[S_TRACES_SAVEPOINT] = {"traces_savepoint", "SAVEPOINT traces"},
	[S_TRACES_RELEASE] = {"traces_release", "RELEASE traces"},
	[S_TRACES_UNDO] = {"traces_undo", "ROLLBACK TO traces"},
	/* the professional must be one of the structure's: an account bound to another
	 * structure's professional finds no adhesion (hence no clinical role) */
	[S_ADHESIONS_OF_PROFESSIONAL] = {
		"adhesions_of_professional",
		"SELECT ad.id, ad.professional_id, ad.adoption_id, ad.role, ad.effective_from, "
		"ad.effective_to, ad.training_validated_by, ad.training_date, ad.training_hours, "
		"ad.insurer, ad.insurance_date, ad.engagement_date, p.profession "
		"FROM adhesions ad JOIN adoptions o ON o.id = ad.adoption_id "
		"JOIN professionals p ON p.id = ad.professional_id "
		"WHERE ad.professional_id = ?1 AND o.structure_id = ?2 AND p.structure_id = ?2 "
		"ORDER BY ad.adoption_id, ad.id LIMIT ?3"},
};

const char *db_sqlite_statement_sql(const char *name)
{
	for (int i = 0; name && i < S_COUNT; i++)
		if (strcmp(statements[i].name, name) == 0)
			return statements[i].sql;
	return NULL;
}

struct db {
	sqlite3 *conn;
	sqlite3_stmt *stmts[S_COUNT];
	bool writing; /* holds write_queue (between db_begin and db_commit / db_rollback) */
	/* db_set_deadline(): the calling thread's CPU time (CLOCK_THREAD_CPUTIME_ID) and the
	 * CLOCK_MONOTONIC time, in nanoseconds, after which a read is interrupted (0: none),
	 * and the progress handler's calls since (the CPU clock is read at every 16th);
	 * stepping_write: the statement last taken by stmt() changes the database */
	int64_t deadline_ns;
	int64_t wall_deadline_ns;
	unsigned deadline_looks;
	bool deadline_hit;
	bool stepping_write;
	char error[256];
};

/* Write transactions of this process queue here rather than in SQLite's busy handler, which
 * polls with growing sleeps (up to 100 ms): under load that turns into long tail latencies.
 * SQLite still arbitrates with other processes (busy_timeout). */
static pthread_mutex_t write_queue = PTHREAD_MUTEX_INITIALIZER;

/* Read traces waiting to be committed (db_audit_trace), and how many transactions hold or wait
 * for write_queue: while there is one, its commit will take the waiting traces. */
static struct {
	pthread_mutex_t lock;
	pthread_cond_t changed; /* traces done or given back, or a transaction left the queue */
	struct db_trace *head, *tail;
	unsigned writers;
	struct db_trace_counts counts;
} traces = {.lock = PTHREAD_MUTEX_INITIALIZER, .changed = PTHREAD_COND_INITIALIZER};

static void release_write(struct db *db)
{
	if (db->writing) {
		db->writing = false;
		pthread_mutex_unlock(&write_queue);
		pthread_mutex_lock(&traces.lock);
		traces.writers--;
		pthread_cond_broadcast(&traces.changed);
		pthread_mutex_unlock(&traces.lock);
	}
}

/* Keeps the backend's error text for db_last_error() (SQLite's messages name no values). */
static enum coop_err fail(struct db *db, int rc, const char *what)
{
	snprintf(db->error, sizeof(db->error), "%s: %s", what, sqlite3_errmsg(db->conn));
	if (rc == SQLITE_CONSTRAINT || (rc & 0xff) == SQLITE_CONSTRAINT)
		return ERR_CONFLICT;
	if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
		return ERR_IO; /* the lock was not obtained in time: not a conflict of data */
	if (rc == SQLITE_NOMEM)
		return ERR_NOMEM;
	if (rc == SQLITE_INTERRUPT) /* only deadline_passed() interrupts */
		return ERR_TIMEOUT;
	if (rc == SQLITE_TOOBIG)
		return ERR_TOO_LARGE;
	return ERR_IO;
}

/* The prepared statement `id`, reset and with its bindings cleared; NULL on failure. */
static sqlite3_stmt *stmt(struct db *db, enum stmt_id id)
{
	sqlite3_stmt *s = db->stmts[id];
	if (!s) {
		int rc = sqlite3_prepare_v3(db->conn, statements[id].sql, -1,
					    SQLITE_PREPARE_PERSISTENT, &s, NULL);
		if (rc != SQLITE_OK) {
			fail(db, rc, statements[id].name);
			return NULL;
		}
		db->stmts[id] = s;
	}
	db->stepping_write = !sqlite3_stmt_readonly(s);
	return s;
}

static void done(sqlite3_stmt *s)
{
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
}

static void bind_text(sqlite3_stmt *s, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, i);
}

static void bind_id(sqlite3_stmt *s, int i, int64_t v)
{
	if (v)
		sqlite3_bind_int64(s, i, v);
	else
		sqlite3_bind_null(s, i);
}

/* Binds a date as ISO text, or NULL when `present` is false. */
static void bind_date(sqlite3_stmt *s, int i, bool present, coop_date d)
{
	char buf[16];
	if (!present) {
		sqlite3_bind_null(s, i);
		return;
	}
	date_format_iso(d, buf, sizeof(buf));
	sqlite3_bind_text(s, i, buf, -1, SQLITE_TRANSIENT);
}

/* A column's text copied into the arena, or NULL for SQL NULL. *ok turns false when the arena
 * is full. */
static const char *col_text(sqlite3_stmt *s, int i, struct arena *a, bool *ok)
{
	if (sqlite3_column_type(s, i) == SQLITE_NULL)
		return NULL;
	const unsigned char *t = sqlite3_column_text(s, i);
	int n = sqlite3_column_bytes(s, i);
	char *copy = arena_strndup(a, t ? (const char *)t : "", (size_t)n);
	if (!copy)
		*ok = false;
	return copy;
}

/* A date column: false when NULL or not a date. */
static bool col_date(sqlite3_stmt *s, int i, coop_date *out)
{
	if (sqlite3_column_type(s, i) == SQLITE_NULL)
		return false;
	const unsigned char *t = sqlite3_column_text(s, i);
	int n = sqlite3_column_bytes(s, i);
	return t && date_parse((const char *)t, (size_t)n, out);
}

/* Runs a statement that returns no row; COOP_OK on SQLITE_DONE. */
static enum coop_err exec_done(struct db *db, sqlite3_stmt *s, enum stmt_id id)
{
	int rc = sqlite3_step(s);
	enum coop_err err = rc == SQLITE_DONE ? COOP_OK : fail(db, rc, statements[id].name);
	done(s);
	return err;
}

/* Runs an INSERT and gives the new row's id. */
static enum coop_err exec_insert(struct db *db, sqlite3_stmt *s, enum stmt_id id, int64_t *out)
{
	enum coop_err err = exec_done(db, s, id);
	if (err == COOP_OK && out)
		*out = sqlite3_last_insert_rowid(db->conn);
	return err;
}

/* Runs an UPDATE / DELETE of one row: ERR_NOT_FOUND when no row changed. */
static enum coop_err exec_one(struct db *db, sqlite3_stmt *s, enum stmt_id id)
{
	enum coop_err err = exec_done(db, s, id);
	if (err == COOP_OK && sqlite3_changes(db->conn) == 0)
		return ERR_NOT_FOUND;
	return err;
}

/* Reads a row into a record (copies text into the arena; *ok turns false when it is full). */
typedef void (*row_reader)(sqlite3_stmt *s, struct arena *a, void *out, bool *ok);

static void read_adhesion(sqlite3_stmt *s, struct arena *a, void *record, bool *ok);
static void read_availability(sqlite3_stmt *s, struct arena *a, void *record, bool *ok);

/* Steps s once: a row is read into out; no row is ERR_NOT_FOUND. Resets s. */
static enum coop_err read_one(struct db *db, sqlite3_stmt *s, enum stmt_id id, row_reader read,
			      struct arena *a, void *out)
{
	int rc = sqlite3_step(s);
	enum coop_err err = COOP_OK;
	bool ok = true;
	if (rc == SQLITE_ROW) {
		read(s, a, out, &ok);
		if (!ok)
			err = ERR_NOMEM;
	} else {
		err = rc == SQLITE_DONE ? ERR_NOT_FOUND : fail(db, rc, statements[id].name);
	}
	done(s);
	return err;
}

/* Grows an arena-backed array by one element (copying the old ones); NULL when full. */
static void *grow(struct arena *a, void *old, size_t n, size_t *cap, size_t elem)
{
	if (n < *cap)
		return old;
	size_t ncap = *cap ? *cap * 2 : 8;
	void *fresh = arena_alloc(a, ncap * elem);
	if (!fresh)
		return NULL;
	if (old)
		memcpy(fresh, old, n * elem);
	*cap = ncap;
	return fresh;
}

/* Steps s to the end, reading every row into an arena array of elem-sized records. Resets s. */
static enum coop_err read_all(struct db *db, sqlite3_stmt *s, enum stmt_id id, row_reader read,
			      struct arena *a, size_t elem, void **out, size_t *n)
{
	char *items = NULL;
	size_t count = 0, cap = 0;
	enum coop_err err = COOP_OK;
	bool ok = true;
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		items = grow(a, items, count, &cap, elem);
		if (!items) {
			err = ERR_NOMEM;
			break;
		}
		memset(items + count * elem, 0, elem);
		read(s, a, items + count * elem, &ok);
		count++;
	}
	if (err == COOP_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
		err = fail(db, rc, statements[id].name);
	if (err == COOP_OK && !ok)
		err = ERR_NOMEM;
	done(s);
	*out = items;
	*n = err == COOP_OK ? count : 0;
	return err;
}

/* ------------------------------------------------------------------ opening, migrations */

/* coop_fold(text) and coop_upper(text): ident_fold() and utf8_upper() as SQL functions, so
 * that statements and migrations keep the folded names in step with the names. NULL gives
 * NULL; text that is not valid UTF-8 is returned unchanged by coop_upper. */
static void sql_text_function(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	const char *in = (const char *)sqlite3_value_text(argv[0]);
	int len = sqlite3_value_bytes(argv[0]);
	if (!in || len < 0) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	char *out = sqlite3_malloc(len + 1);
	if (!out) {
		sqlite3_result_error_nomem(ctx);
		return;
	}
	size_t n = 0;
	bool fold = sqlite3_user_data(ctx) != NULL;
	enum coop_err e = fold ? ident_fold(in, (size_t)len, out, (size_t)len + 1, &n)
			       : utf8_upper(in, (size_t)len, out, (size_t)len + 1, &n);
	if (e != COOP_OK) {
		sqlite3_free(out);
		sqlite3_result_value(ctx, argv[0]);
		return;
	}
	sqlite3_result_text(ctx, out, (int)n, sqlite3_free);
}

static enum coop_err register_functions(struct db *db)
{
	static int fold_tag;
	int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;
	int rc = sqlite3_create_function(db->conn, "coop_fold", 1, flags, &fold_tag,
					 sql_text_function, NULL, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_create_function(db->conn, "coop_upper", 1, flags, NULL,
					     sql_text_function, NULL, NULL);
	return rc == SQLITE_OK ? COOP_OK : fail(db, rc, "create_function");
}

static enum coop_err pragma(struct db *db, const char *sql)
{
	char *msg = NULL;
	int rc = sqlite3_exec(db->conn, sql, NULL, NULL, &msg);
	sqlite3_free(msg);
	return rc == SQLITE_OK ? COOP_OK : fail(db, rc, "pragma");
}

int db_schema_latest(void)
{
	return schema_sqlite_count();
}

int db_schema_version(struct db *db)
{
	sqlite3_stmt *s = NULL;
	int v = -1;
	/* a PRAGMA, not a stored query: not one of the named statements */
	if (sqlite3_prepare_v2(db->conn, "PRAGMA user_version", -1, &s, NULL) == SQLITE_OK &&
	    sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	return v;
}

/* True when no row breaks a foreign key (PRAGMA foreign_key_check returns none). */
static bool foreign_keys_hold(struct db *db)
{
	sqlite3_stmt *s = NULL;
	bool hold = false;
	/* a PRAGMA, not a stored query: not one of the named statements */
	if (sqlite3_prepare_v2(db->conn, "PRAGMA foreign_key_check", -1, &s, NULL) == SQLITE_OK)
		hold = sqlite3_step(s) == SQLITE_DONE;
	sqlite3_finalize(s);
	return hold;
}

static enum coop_err migrate_steps(struct db *db, char *msg, size_t msg_size);

/* Applies each missing migration in its own transaction, foreign keys off (a migration may
 * rebuild a table others refer to, the way SQLite documents it) and checked before each
 * commit. */
static enum coop_err migrate(struct db *db, char *msg, size_t msg_size)
{
	if (db_schema_version(db) == schema_sqlite_count())
		return COOP_OK;
	enum coop_err err = pragma(db, "PRAGMA foreign_keys = OFF");
	if (err != COOP_OK) {
		snprintf(msg, msg_size, "réglage de la base impossible : %s", db->error);
		return err;
	}
	err = migrate_steps(db, msg, msg_size);
	enum coop_err on = pragma(db, "PRAGMA foreign_keys = ON");
	if (err == COOP_OK && on != COOP_OK) {
		snprintf(msg, msg_size, "réglage de la base impossible : %s", db->error);
		err = on;
	}
	return err;
}

static enum coop_err migrate_steps(struct db *db, char *msg, size_t msg_size)
{
	int have = db_schema_version(db);
	int want = schema_sqlite_count();
	if (have < 0) {
		snprintf(msg, msg_size, "version du schéma illisible");
		return ERR_IO;
	}
	if (have > want) {
		snprintf(msg, msg_size,
			 "la base est au schéma %d, plus récent que celui de ce programme (%d) : "
			 "mettez Coop à jour",
			 have, want);
		return ERR_CONFLICT;
	}
	for (int k = have + 1; k <= want; k++) {
		char version_sql[64];
		snprintf(version_sql, sizeof(version_sql), "PRAGMA user_version = %d", k);
		char *err = NULL;
		int rc = sqlite3_exec(db->conn, "BEGIN IMMEDIATE", NULL, NULL, &err);
		if (rc == SQLITE_OK)
			rc = sqlite3_exec(db->conn, schema_sqlite_migration(k), NULL, NULL, &err);
		if (rc == SQLITE_OK)
			rc = sqlite3_exec(db->conn, version_sql, NULL, NULL, &err);
		if (rc == SQLITE_OK && !foreign_keys_hold(db)) {
			rc = SQLITE_CONSTRAINT;
			err = sqlite3_mprintf("une référence entre tables serait rompue");
		}
		if (rc == SQLITE_OK)
			rc = sqlite3_exec(db->conn, "COMMIT", NULL, NULL, &err);
		if (rc != SQLITE_OK) {
			snprintf(msg, msg_size, "la migration %d du schéma a échoué : %s", k,
				 err ? err : sqlite3_errmsg(db->conn));
			sqlite3_free(err);
			sqlite3_exec(db->conn, "ROLLBACK", NULL, NULL, NULL);
			return ERR_IO;
		}
	}
	return COOP_OK;
}

enum coop_err db_open(const char *path, const struct db_options *opts, struct db **out, char *msg,
		      size_t msg_size)
{
	struct db_options defaults = {.create = false, .migrate = true, .busy_timeout_ms = 5000};
	enum coop_err err = COOP_OK;
	struct db *db = NULL;
	*out = NULL;
	if (!opts)
		opts = &defaults;
	db = calloc(1, sizeof(*db));
	if (!db) {
		snprintf(msg, msg_size, "mémoire insuffisante");
		return ERR_NOMEM;
	}
	int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (opts->create ? SQLITE_OPEN_CREATE : 0);
	/* patient data: a new database is readable by its owner only, whatever the umask; SQLite
	 * gives its -wal and -shm files the database file's mode */
	if (opts->create && strcmp(path, ":memory:") != 0) {
		int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd >= 0) {
			if (fchmod(fd, 0600) != 0) {
				snprintf(msg, msg_size, "impossible de protéger la base « %s »", path);
				close(fd);
				err = ERR_IO;
				goto out;
			}
			close(fd);
		}
	}
	int rc = sqlite3_open_v2(path, &db->conn, flags, NULL);
	if (rc != SQLITE_OK) {
		snprintf(msg, msg_size, "impossible d'ouvrir la base « %s » : %s", path,
			 db->conn ? sqlite3_errmsg(db->conn) : "mémoire insuffisante");
		err = rc == SQLITE_CANTOPEN ? ERR_NOT_FOUND : ERR_IO;
		goto out;
	}
	sqlite3_extended_result_codes(db->conn, 0);
	if (register_functions(db) != COOP_OK) {
		snprintf(msg, msg_size, "réglage de la base impossible : %s", db->error);
		err = ERR_IO;
		goto out;
	}
	sqlite3_busy_timeout(db->conn, opts->busy_timeout_ms > 0 ? opts->busy_timeout_ms : 5000);
	/* 8 KiB pages for a new database (no effect on an existing one): an episode's document
	 * and its audit records pack with less waste than in 4 KiB pages (about 13 % less file
	 * for the same rows), while a commit still writes few bytes to the WAL */
	err = pragma(db, "PRAGMA page_size = 8192");
	if (err == COOP_OK)
		err = pragma(db, "PRAGMA journal_mode = WAL");
	if (err == COOP_OK)
		err = pragma(db, "PRAGMA foreign_keys = ON");
	if (err == COOP_OK) {
		/* each server thread holds its own connection: a bounded page cache each keeps the
		 * process small whatever the database size (the kernel caches the file anyway) */
		char cache_sql[64];
		snprintf(cache_sql, sizeof(cache_sql), "PRAGMA cache_size = -%d",
			 opts->cache_kib > 0 ? opts->cache_kib : DB_CACHE_KIB_DEFAULT);
		err = pragma(db, cache_sql);
	}
	if (err == COOP_OK)
		err = pragma(db, opts->synchronous_normal ? "PRAGMA synchronous = NORMAL"
							  : "PRAGMA synchronous = FULL");
	if (err != COOP_OK) {
		snprintf(msg, msg_size, "réglage de la base impossible : %s", db->error);
		goto out;
	}
	if (opts->migrate) {
		err = migrate(db, msg, msg_size);
		if (err != COOP_OK)
			goto out;
	} else if (db_schema_version(db) != schema_sqlite_count()) {
		snprintf(msg, msg_size,
			 "la base n'est pas au schéma attendu (%d au lieu de %d) : lancez « coop init »",
			 db_schema_version(db), schema_sqlite_count());
		err = ERR_CONFLICT;
		goto out;
	}
out:
	if (err != COOP_OK) {
		db_close(db);
		return err;
	}
	*out = db;
	return COOP_OK;
}

void db_close(struct db *db)
{
	if (!db)
		return;
	if (db->writing) /* closing inside a transaction: SQLite rolls it back */
		release_write(db);
	for (int i = 0; i < S_COUNT; i++)
		sqlite3_finalize(db->stmts[i]);
	sqlite3_close(db->conn);
	free(db);
}

const char *db_last_error(struct db *db)
{
	return db->error;
}

/* How many virtual machine steps run between two looks at the clock: a few microseconds of
 * work, so that a look (a vDSO clock read, tens of nanoseconds) costs under 1 %. The thread's
 * CPU clock is a system call (a few hundred nanoseconds): read at every 16th look only. */
#define DEADLINE_CHECK_STEPS 1000
#define DEADLINE_CPU_LOOK_MASK 15u

static int64_t clock_ns(clockid_t clock)
{
	struct timespec t;
	clock_gettime(clock, &t);
	return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static int64_t monotonic_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

/* SQLite's progress handler: non-zero interrupts the running statement (SQLITE_INTERRUPT,
 * ERR_TIMEOUT for the caller). A write is never interrupted (db.h). */
static int deadline_passed(void *arg)
{
	struct db *db = arg;
	if (!db->deadline_ns || db->writing || db->stepping_write)
		return 0;
	if (db->deadline_hit || monotonic_ns() >= db->wall_deadline_ns)
		return 1;
	if ((db->deadline_looks++ & DEADLINE_CPU_LOOK_MASK) != 0)
		return 0;
	/* once passed, every later read of the request is interrupted at its first look */
	db->deadline_hit = clock_ns(CLOCK_THREAD_CPUTIME_ID) >= db->deadline_ns;
	return db->deadline_hit;
}

size_t db_cache_used(struct db *db)
{
	int used = 0, highest = 0;
	if (sqlite3_db_status(db->conn, SQLITE_DBSTATUS_CACHE_USED, &used, &highest, 0) != SQLITE_OK)
		return 0;
	return used > 0 ? (size_t)used : 0;
}

void db_set_deadline(struct db *db, int64_t timeout_ms)
{
	if (timeout_ms <= 0) {
		db->deadline_ns = 0;
		sqlite3_progress_handler(db->conn, 0, NULL, NULL);
		return;
	}
	db->deadline_ns = clock_ns(CLOCK_THREAD_CPUTIME_ID) + timeout_ms * 1000000;
	db->wall_deadline_ns = monotonic_ns() + DB_DEADLINE_WALL_FACTOR * timeout_ms * 1000000;
	db->deadline_looks = 0;
	db->deadline_hit = false;
	sqlite3_progress_handler(db->conn, DEADLINE_CHECK_STEPS, deadline_passed, db);
}

enum coop_err db_begin(struct db *db)
{
	sqlite3_stmt *s = stmt(db, S_BEGIN);
	if (!s)
		return ERR_IO;
	pthread_mutex_lock(&traces.lock);
	traces.writers++;
	pthread_mutex_unlock(&traces.lock);
	pthread_mutex_lock(&write_queue);
	db->writing = true;
	enum coop_err err = exec_done(db, s, S_BEGIN);
	if (err != COOP_OK)
		release_write(db);
	return err;
}

/* The waiting traces, taken for this transaction's commit. */
static struct db_trace *take_traces(void)
{
	pthread_mutex_lock(&traces.lock);
	struct db_trace *batch = traces.head;
	traces.head = traces.tail = NULL;
	for (struct db_trace *t = batch; t; t = t->next)
		t->taken = true;
	pthread_mutex_unlock(&traces.lock);
	return batch;
}

/* Writes the batch behind a savepoint: on failure, none of it stays in the transaction and
 * the error is the batch's, not the transaction's. */
static enum coop_err write_riders(struct db *db, struct db_trace *batch)
{
	sqlite3_stmt *s = stmt(db, S_TRACES_SAVEPOINT);
	enum coop_err err = s ? exec_done(db, s, S_TRACES_SAVEPOINT) : ERR_IO;
	if (err != COOP_OK)
		return err;
	for (struct db_trace *t = batch; err == COOP_OK && t; t = t->next)
		err = db_audit_append_in(db, t->structure_id, t->at, t->account_id, t->action,
					 t->entity, t->entity_id, NULL, t->after_json);
	if (err != COOP_OK) {
		s = stmt(db, S_TRACES_UNDO);
		if (s)
			exec_done(db, s, S_TRACES_UNDO);
	}
	s = stmt(db, S_TRACES_RELEASE);
	enum coop_err released = s ? exec_done(db, s, S_TRACES_RELEASE) : ERR_IO;
	return err != COOP_OK ? err : released;
}

/* After the commit: each trace of the batch is done with `result`, or (given_back) waits again
 * for the next commit. alone: the batch was committed by its own transaction. */
static void settle_traces(struct db_trace *batch, enum coop_err result, bool given_back,
			  bool alone)
{
	if (!batch)
		return;
	pthread_mutex_lock(&traces.lock);
	struct db_trace *t = batch, *last = NULL;
	for (; t; last = t, t = t->next) {
		t->taken = false;
		if (!given_back) {
			t->result = result;
			t->done = true;
			if (result == COOP_OK) {
				if (alone)
					traces.counts.alone++;
				else
					traces.counts.rode++;
			}
		}
	}
	if (given_back) {
		last->next = traces.head;
		traces.head = batch;
		if (!traces.tail)
			traces.tail = last;
	}
	/* a done trace is its caller's again: nothing here touches it after this broadcast */
	pthread_cond_broadcast(&traces.changed);
	pthread_mutex_unlock(&traces.lock);
}

static enum coop_err commit_with(struct db *db, bool alone)
{
	struct db_trace *batch = db->writing ? take_traces() : NULL;
	enum coop_err traced = batch ? write_riders(db, batch) : COOP_OK;
	sqlite3_stmt *s = stmt(db, S_COMMIT);
	enum coop_err err = s ? exec_done(db, s, S_COMMIT) : ERR_IO;
	/* traces that were written but not committed wait for the next commit */
	settle_traces(batch, traced, err != COOP_OK && traced == COOP_OK, alone);
	/* a failed COMMIT leaves the transaction open: db_rollback() releases the queue then */
	if (err == COOP_OK)
		release_write(db);
	return err;
}

enum coop_err db_commit(struct db *db)
{
	return commit_with(db, false);
}

void db_rollback(struct db *db)
{
	sqlite3_stmt *s = stmt(db, S_ROLLBACK);
	if (s && sqlite3_get_autocommit(db->conn) == 0)
		exec_done(db, s, S_ROLLBACK);
	release_write(db);
}

/* Unlinks t from the waiting traces; false when it is not there (taken by a commit). */
static bool unlink_trace(struct db_trace *t)
{
	struct db_trace *prev = NULL;
	for (struct db_trace *c = traces.head; c; prev = c, c = c->next) {
		if (c != t)
			continue;
		if (prev)
			prev->next = t->next;
		else
			traces.head = t->next;
		if (traces.tail == t)
			traces.tail = prev;
		return true;
	}
	return false;
}

enum coop_err db_audit_trace(struct db *db, struct db_trace *t)
{
	t->next = NULL;
	t->result = ERR_INTERNAL;
	t->taken = false;
	t->done = false;
	pthread_mutex_lock(&traces.lock);
	if (traces.tail)
		traces.tail->next = t;
	else
		traces.head = t;
	traces.tail = t;
	while (!t->done) {
		/* a transaction holds or awaits the queue (its commit takes t), or one has t */
		if (traces.writers > 0 || t->taken) {
			pthread_cond_wait(&traces.changed, &traces.lock);
			continue;
		}
		/* none left: commit the waiting traces (t among them) in a transaction of their own */
		pthread_mutex_unlock(&traces.lock);
		enum coop_err err = db_begin(db);
		if (err == COOP_OK) {
			err = commit_with(db, true);
			if (err != COOP_OK)
				db_rollback(db);
		}
		pthread_mutex_lock(&traces.lock);
		if (err != COOP_OK && !t->done && unlink_trace(t)) {
			t->result = err;
			t->done = true;
		}
	}
	pthread_mutex_unlock(&traces.lock);
	return t->result;
}

unsigned db_traces_waiting(void)
{
	unsigned n = 0;
	pthread_mutex_lock(&traces.lock);
	for (const struct db_trace *t = traces.head; t; t = t->next)
		n++;
	pthread_mutex_unlock(&traces.lock);
	return n;
}

unsigned db_write_queue_length(void)
{
	pthread_mutex_lock(&traces.lock);
	unsigned n = traces.writers;
	pthread_mutex_unlock(&traces.lock);
	return n;
}

void db_trace_counts(struct db_trace_counts *out)
{
	pthread_mutex_lock(&traces.lock);
	*out = traces.counts;
	pthread_mutex_unlock(&traces.lock);
}

/* ------------------------------------------------------------------ structures, team */

enum coop_err db_structure_insert(struct db *db, const struct db_structure *st, int64_t *id)
{
	sqlite3_stmt *s = stmt(db, S_STRUCTURE_INSERT);
	if (!s)
		return ERR_IO;
	bind_text(s, 1, st->type);
	bind_text(s, 2, st->name);
	bind_text(s, 3, st->address ? st->address : "");
	bind_text(s, 4, st->finess);
	bind_text(s, 5, st->siret);
	sqlite3_bind_int(s, 6, st->aci_signatory ? 1 : 0);
	return exec_insert(db, s, S_STRUCTURE_INSERT, id);
}

static void read_structure(sqlite3_stmt *s, struct arena *a, void *record, bool *ok)
{
	struct db_structure *out = record;
	memset(out, 0, sizeof(*out));
	out->id = sqlite3_column_int64(s, 0);
	out->type = col_text(s, 1, a, ok);
	out->name = col_text(s, 2, a, ok);
	out->address = col_text(s, 3, a, ok);
	out->finess = col_text(s, 4, a, ok);
	out->siret = col_text(s, 5, a, ok);
	out->aci_signatory = sqlite3_column_int(s, 6) != 0;
}

enum coop_err db_structure_get(struct db *db, int64_t id, struct arena *a, struct db_structure *out)
{
	sqlite3_stmt *s = stmt(db, S_STRUCTURE_GET);
	if (!s)
		return ERR_IO;
	sqlite3_bind_int64(s, 1, id);
	return read_one(db, s, S_STRUCTURE_GET, read_structure, a, out);
}

enum coop_err db_structure_update(struct db *db, const struct db_structure *st)
{
	sqlite3_stmt *s = stmt(db, S_STRUCTURE_UPDATE);
	if (!s)
		return ERR_IO;
	sqlite3_bind_int64(s, 1, st->id);
	bind_text(s, 2, st->type);
	bind_text(s, 3, st->name);
	bind_text(s, 4, st->address ? st->address : "");
	bind_text(s, 5, st->finess);
	bind_text(s, 6, st->siret);
	sqlite3_bind_int(s, 7, st->aci_signatory ? 1 : 0);
	return exec_one(db, s, S_STRUCTURE_UPDATE);
}

enum coop_err db_professional_insert(struct db *db, const struct db_professional *p, int64_t *id)
{
	sqlite3_stmt *s = stmt(db, S_PROFESSIONAL_INSERT);
	if (!s)
		return ERR_IO;
	sqlite3_bind_int64(s, 1, p->structure_id);
	bind_text(s, 2, p->last_name);
	bind_text(s, 3, p->first_names);
	bind_text(s, 4, p->profession);
	bind_text(s, 5, p->rpps);
	bind_text(s, 6, p->adeli);
	bind_text(s, 7, p->mssante);
	bind_text(s, 8, p->phone);
	bind_text(s, 9, p->sex);
	return exec_insert(db, s, S_PROFESSIONAL_INSERT, id);
}

static void read_professional(sqlite3_stmt *s, struct arena *a, void *record, bool *ok)
{
	struct db_professional *out = record;
	memset(out, 0, sizeof(*out));
	out->id = sqlite3_column_int64(s, 0);
	out->structure_id = sqlite3_column_int64(s, 1);
	out->last_name = col_text(s, 2, a, ok);
	out->first_names = col_text(s, 3, a, ok);
	out->profession = col_text(s, 4, a, ok);
	out->rpps = col_text(s, 5, a, ok);
	out->adeli = col_text(s, 6, a, ok);
	out->mssante = col_text(s, 7, a, ok);
	out->phone = col_text(s, 8, a, ok);
	out->sex = col_text(s, 9, a, ok);
}

enum coop_err db_professional_get(struct db *db, int64_t id, struct arena *a,
				  struct db_professional *out)
{
	sqlite3_stmt *s = stmt(db, S_PROFESSIONAL_GET);
	if (!s)
		return ERR_IO;
	sqlite3_bind_int64(s, 1, id);
	return read_one(db, s, S_PROFESSIONAL_GET, read_professional, a, out);
}

enum coop_err db_professional_list(struct db *db, int64_t structure_id, struct arena *a,
				   struct db_professional **out, size_t *n)
{
	sqlite3_stmt *s = stmt(db, S_PROFESSIONAL_LIST);
	if (!s)
		return ERR_IO;
	sqlite3_bind_int64(s, 1, structure_id);
	return read_all(db, s, S_PROFESSIONAL_LIST, read_professional, a, sizeof(**out),
			(void **)out, n);
}

enum coop_err db_account_insert(struct db *db, const struct db_account *acc, int64_t *id)
{
	sqlite3_stmt *s = stmt(db, S_ACCOUNT_INSERT);
	if (!s)
		return ERR_IO;
	sqlite3_bind_int64(s, 1, acc->structure_id);
	bind_id(s, 2, acc->professional_id);
	bind_text(s, 3, acc->login);
	bind_text(s, 4, acc->display_name);
	bind_text(s, 5, acc->password_hash);
	sqlite3_bind_int(s, 6, (int)acc->roles);
	bind_text(s, 7, acc->activation_hash);
	sqlite3_bind_int64(s, 8, acc->activation_expires_at);
	enum coop_err err = exec_done(db, s, S_ACCOUNT_INSERT);
	/* no row inserted: the professional is not one of that structure's */
	if (err == COOP_OK && sqlite3_changes(db->conn) == 0)
		err = ERR_CONFLICT;
	if (err == COOP_OK && id)
		*id = sqlite3_last_insert_rowid(db->conn);
	return err;
}

static void read_account_row(sqlite3_stmt *s, struct arena *a, void *record, bool *ok)
{
	struct db_account *out = record;
	memset(out, 0, sizeof(*out));
	out->id = sqlite3_column_int64(s, 0);
	out->structure_id = sqlite3_column_int64(s, 1);
	out->professional_id = sqlite3_column_int64(s, 2);
	out->login = col_text(s, 3, a, ok);
	out->display_name = col_text(s, 4, a, ok);
	out->password_hash = col_text(s, 5, a, ok);
	out->roles = (unsigned)sqlite3_column_int(s, 6);
	out->failed_logins = sqlite3_column_int(s, 7);
	out->locked_until = sqlite3_column_int64(s, 8);
	out->activation_expires_at = sqlite3_column_int64(s, 9);
	out->disabled = sqlite3_column_int(s, 10) != 0;
	out->has_ends_on = col_date(s, 11, &out->ends_on);
}

enum coop_err db_account_by_activation(struct db *db, const char *code_hash, struct arena *a,
				       struct db_account *out)
{
	sqlite3_stmt *s = stmt(db, S_ACCOUNT_BY_ACTIVATION);
	if (!s)
		return ERR_IO;
	bind_text(s, 1, code_hash);
	return read_one(db, s, S_ACCOUNT_BY_ACTIVATION, read_account_row, a, out);
}

enum coop_err db_account_activate(struct db *db, int64_t id, const char *password_hash)
{
	sqlite3_stmt *s = stmt(db, S_ACCOUNT_ACTIVATE);
	if (!s)
		return ERR_IO;
	sqlite3_bind_int64(s, 1, id);
	bind_text(s, 2, password_hash);
	return exec_one(db, s, S_ACCOUNT_ACTIVATE);
}

enum coop_err db_account_set_activation(struct db *db, int64_t id, const char *code_hash,
					int64_t expires_at)
{
	sqlite3_stmt *s = stmt(db, S_ACCOUNT_SET_ACTIVATION);
	if (!s)
		return ERR_IO;
	sqlite3_bind_int64(s, 1, id);
	bind_text(s, 2, code_hash);
	sqlite3_bind_int64(s, 3, expires_at);
	return exec_one(db, s, S_ACCOUNT_SET_ACTIVATION);
}

enum coop_err db_account_set_password(struct db *db, int64_t id, const char *password_hash)
{
	sqlite3_stmt *s = stmt(db, S_ACCOUNT_SET_PASSWORD);
	if (!s)
		return ERR_IO;
	sqlite3_bind_int64(s, 1, id);
	bind_text(s, 2, password_hash);
	return exec_one(db, s, S_ACCOUNT_SET_PASSWORD);
}

enum coop_err db_account_set_disabled(struct db *db, int64_t id, bool disabled)
{
	sqlite3_stmt *s = stmt(db, S_ACCOUNT_SET_DISABLED);
	if (!s)
		return ERR_IO;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int(s, 2, disabled ? 1 : 0);
	return exec_one(db, s, S_ACCOUNT_SET_DISABLED);
}

enum coop_err db_account_set_ends_on(struct db *db, int64_t id, bool has_ends_on,
				     coop_date ends_on)
{
	sqlite3_stmt *s = stmt(db, S_ACCOUNT_SET_ENDS_ON);
	if (!s)
		return ERR_IO;
	sqlite3_bind_int64(s, 1, id);
	bind_date(s, 2, has_ends_on, ends_on);
	return exec_one(db, s, S_ACCOUNT_SET_ENDS_ON);
}

enum coop_err db_account_professional_taken(struct db *db, int64_t structure_id,
					    int64_t professional_id, bool *taken)
{
	sqlite3_stmt *s = stmt(db, S_ACCOUNT_PROFESSIONAL_TAKEN);
	if (!s)
		return ERR_IO;
	sqlite3_bind_int64(s, 1, structure_id);
	sqlite3_bind_int64(s, 2, professional_id);
	int rc = sqlite3_step(s);
	enum coop_err err = COOP_OK;
	if (rc == SQLITE_ROW)
		*taken = sqlite3_column_int(s, 0) != 0;
	else
		err = fail(db, rc, statements[S_ACCOUNT_PROFESSIONAL_TAKEN].name);
	sqlite3_reset(s);
	return err;
}

enum coop_err db_account_by_login(struct db *db, const char *login, struct arena *a,
				  struct db_account *out)
{
	sqlite3_stmt *s = stmt(db, S_ACCOUNT_BY_LOGIN);
	if (!s)
		return ERR_IO;
	bind_text(s, 1, login);
	return read_one(db, s, S_ACCOUNT_BY_LOGIN, read_account_row, a, out);
}

enum coop_err db_account_get(struct db *db, int64_t id, struct arena *a, struct db_account *out)
{
	sqlite3_stmt *s = stmt(db, S_ACCOUNT_GET);
	if (!s)
		return ERR_IO;
	sqlite3_bind_int64(s, 1, id);
	return read_one(db, s, S_ACCOUNT_GET, read_account_row, a, out);
}

enum coop_err db_account_list(struct db *db, int64_t structure_id, const char *after_login,
			      size_t limit, struct arena *a, struct db_account **out, size_t *n,
			      bool *more)
{
	*more = false;
	sqlite3_stmt *s = stmt(db, S_ACCOUNT_LIST);
	if (!s)
		return ERR_IO;
	sqlite3_bind_int64(s, 1, structure_id);
	bind_text(s, 2, after_login ? after_login : "");
	sqlite3_bind_int64(s, 3, (sqlite3_int64)limit + 1); /* one more: is there a next page? */
	enum coop_err err =
		read_all(db, s, S_ACCOUNT_LIST, read_account_row, a, sizeof(**out), (void **)out, n);
	if (err == COOP_OK && *n > limit) {
		*n = limit;
		*more = true;
	}
	return err;
}

enum coop_err db_account_login_result(struct db *db, int64_t id, bool success,
				      int64_t locked_until)
{
	enum stmt_id which = success ? S_ACCOUNT_LOGIN_OK : S_ACCOUNT_LOGIN_FAILED;
	sqlite3_stmt *s = stmt(db, which);
	if (!s)
		return ERR_IO;
	sqlite3_bind_int64(s, 1, id);
	if (!success)
		sqlite3_bind_int64(s, 2, locked_until);
	return exec_one(db, s, which);
}

enum coop_err db_membership_insert(struct db *db, const struct db_membership *m, int64_t *id)
{
	sqlite3_stmt *s = stmt(db, S_MEMBERSHIP_INSERT);
	if (!s)
		return ERR_IO;
	sqlite3_bind_int64(s, 1, m->account_id);
	sqlite3_bind_int64(s, 2, m->structure_id);
	bind_id(s, 3, m->professional_id);
	sqlite3_bind_int(s, 4, (int)m->roles);
	enum coop_err err = exec_done(db, s, S_MEMBERSHIP_INSERT);
	/* no row inserted: the structure is the account's home one */
	if (err == COOP_OK && sqlite3_changes(db->conn) == 0)
		err = ERR_CONFLICT;
	if (err == COOP_OK && id)
		*id = sqlite3_last_insert_rowid(db->conn);
	return err;
}

static void read_membership(sqlite3_stmt *s, struct arena *a, void *record, bool *ok)
{
	(void)a;
	(void)ok;
	struct db_membership *out = record;
	memset(out, 0, sizeof(*out));
	out->id = sqlite3_column_int64(s, 0);
	out->account_id = sqlite3_column_int64(s, 1);
	out->structure_id = sqlite3_column_int64(s, 2);
	out->professional_id = sqlite3_column_int64(s, 3);
	out->roles = (unsigned)sqlite3_column_int(s, 4);
}

enum coop_err db_membership_get(struct db *db, int64_t account_id, int64_t structure_id,
				struct arena *a, struct db_membership *out)
{
	sqlite3_stmt *s = stmt(db, S_MEMBERSHIP_GET);
	if (!s)
		return ERR_IO;
	sqlite3_bind_int64(s, 1, account_id);
	sqlite3_bind_int64(s, 2, structure_id);
	return read_one(db, s, S_MEMBERSHIP_GET, read_membership, a, out);
}

static void read_account_structure(sqlite3_stmt *s, struct arena *a, void *record, bool *ok)
{
	struct db_account_structure *out = record;
	out->structure_id = sqlite3_column_int64(s, 0);
	out->name = col_text(s, 1, a, ok);
	out->type = col_text(s, 2, a, ok);
	out->roles = (unsigned)sqlite3_column_int(s, 3);
	out->professional_id = sqlite3_column_int64(s, 4);
	out->home = sqlite3_column_int(s, 5) != 0;
}

enum coop_err db_account_structures(struct db *db, int64_t account_id, struct arena *a,
				    struct db_account_structure **out, size_t *n)
{
	sqlite3_stmt *s = stmt(db, S_ACCOUNT_STRUCTURES);
	if (!s)
		return ERR_IO;
	sqlite3_bind_int64(s, 1, account_id);
	sqlite3_bind_int64(s, 2, DB_ACCOUNT_STRUCTURES_MAX);
	return read_all(db, s, S_ACCOUNT_STRUCTURES, read_account_structure, a, sizeof(**out),
			(void **)out, n);
}

enum coop_err db_adoption_insert(struct db *db, const struct db_adoption *ad, int64_t *id)
{
	sqlite3_stmt *s = stmt(db, S_ADOPTION_INSERT);
	if (!s)
		return ERR_IO;
	sqlite3_bind_int64(s, 1, ad->structure_id);
	bind_text(s, 2, ad->protocol_id);
	bind_text(s, 3, ad->status ? ad->status : "active");
	bind_text(s, 4, ad->suspended_reason);
	bind_date(s, 5, true, ad->adopted_on);
	return exec_insert(db, s, S_ADOPTION_INSERT, id);
}

static void read_adoption_row(sqlite3_stmt *s, struct arena *a, void *record, bool *ok)
{
	struct db_adoption *out = record;
	memset(out, 0, sizeof(*out));
	out->id = sqlite3_column_int64(s, 0);
	out->structure_id = sqlite3_column_int64(s, 1);
	out->protocol_id = col_text(s, 2, a, ok);
	out->status = col_text(s, 3, a, ok);
	out->suspended_reason = col_text(s, 4, a, ok);
	col_date(s, 5, &out->adopted_on);
	out->signed_by = sqlite3_column_int64(s, 6);
	out->signed_hash = col_text(s, 7, a, ok);
	out->signed_at = sqlite3_column_int64(s, 8);
	out->signed_completions = col_text(s, 9, a, ok);
}

enum coop_err db_adoption_get(struct db *db, int64_t id, struct arena *a, struct db_adoption *out)
{
	sqlite3_stmt *s = stmt(db, S_ADOPTION_GET);
	if (!s)
		return ERR_IO;
	sqlite3_bind_int64(s, 1, id);
	return read_one(db, s, S_ADOPTION_GET, read_adoption_row, a, out);
}

enum coop_err db_adoption_find(struct db *db, int64_t structure_id, const char *protocol_id,
			       struct arena *a, struct db_adoption *out)
{
	sqlite3_stmt *s = stmt(db, S_ADOPTION_FIND);
	if (!s)
		return ERR_IO;
	sqlite3_bind_int64(s, 1, structure_id);
	bind_text(s, 2, protocol_id);
	return read_one(db, s, S_ADOPTION_FIND, read_adoption_row, a, out);
}

enum coop_err db_adoption_sign(struct db *db, int64_t id, int64_t professional_id,
			       const char *protocol_hash, const char *completions, int64_t at)
{
	sqlite3_stmt *s = stmt(db, S_ADOPTION_SIGN);
	if (!s)
		return ERR_IO;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, professional_id);
	bind_text(s, 3, protocol_hash);
	sqlite3_bind_int64(s, 4, at);
	bind_text(s, 5, completions);
	return exec_one(db, s, S_ADOPTION_SIGN);
}

enum coop_err db_adoption_set_status(struct db *db, int64_t id, const char *status,
				     const char *reason)
{
	sqlite3_stmt *s = stmt(db, S_ADOPTION_SET_STATUS);
	if (!s)
		return ERR_IO;
	sqlite3_bind_int64(s, 1, id);
	bind_text(s, 2, status);
	bind_text(s, 3, reason);
	return exec_one(db, s, S_ADOPTION_SET_STATUS);
}

enum coop_err db_adhesion_insert(struct db *db, const struct db_adhesion *ad, int64_t *id)
{
	sqlite3_stmt *s = stmt(db, S_ADHESION_INSERT);
	if (!s)
		return ERR_IO;
	sqlite3_bind_int64(s, 1, ad->professional_id);
	sqlite3_bind_int64(s, 2, ad->adoption_id);
	bind_text(s, 3, ad->role);
	bind_date(s, 4, true, ad->effective_from);
	bind_date(s, 5, ad->has_effective_to, ad->effective_to);
	bind_id(s, 6, ad->training_validated_by);
	bind_date(s, 7, ad->has_training_date, ad->training_date);
	if (ad->training_hours > 0)
		sqlite3_bind_double(s, 8, ad->training_hours);
	else
		sqlite3_bind_null(s, 8);
	bind_text(s, 9, ad->insurer);
	bind_date(s, 10, ad->has_insurance_date, ad->insurance_date);
	bind_date(s, 11, ad->has_engagement_date, ad->engagement_date);
	return exec_insert(db, s, S_ADHESION_INSERT, id);
}

static void read_adhesion(sqlite3_stmt *s, struct arena *a, void *record, bool *ok)
{
	struct db_adhesion *ad = record;
	ad->id = sqlite3_column_int64(s, 0);
	ad->professional_id = sqlite3_column_int64(s, 1);
	ad->adoption_id = sqlite3_column_int64(s, 2);
	ad->role = col_text(s, 3, a, ok);
	col_date(s, 4, &ad->effective_from);
	ad->has_effective_to = col_date(s, 5, &ad->effective_to);
	ad->training_validated_by = sqlite3_column_int64(s, 6);
	ad->has_training_date = col_date(s, 7, &ad->training_date);
	ad->training_hours = sqlite3_column_double(s, 8);
	ad->insurer = col_text(s, 9, a, ok);
	ad->has_insurance_date = col_date(s, 10, &ad->insurance_date);
	ad->has_engagement_date = col_date(s, 11, &ad->engagement_date);
}

enum coop_err db_adhesion_list(struct db *db, int64_t professional_id, int64_t adoption_id,
			       struct arena *a, struct db_adhesion **out, size_t *n)
{
	sqlite3_stmt *s = stmt(db, S_ADHESION_LIST);
	if (!s)
		return ERR_IO;
	sqlite3_bind_int64(s, 1, professional_id);
	sqlite3_bind_int64(s, 2, adoption_id);
	return read_all(db, s, S_ADHESION_LIST, read_adhesion, a, sizeof(**out), (void **)out, n);
}

enum coop_err db_adhesion_get(struct db *db, int64_t id, struct arena *a, struct db_adhesion *out)
{
	sqlite3_stmt *s = stmt(db, S_ADHESION_GET);
	if (!s)
		return ERR_IO;
	sqlite3_bind_int64(s, 1, id);
	memset(out, 0, sizeof(*out));
	return read_one(db, s, S_ADHESION_GET, read_adhesion, a, out);
}

enum coop_err db_adhesion_list_structure(struct db *db, int64_t structure_id, struct arena *a,
					 struct db_adhesion **out, size_t *n)
{
	sqlite3_stmt *s = stmt(db, S_ADHESION_LIST_STRUCTURE);
	if (!s)
		return ERR_IO;
	sqlite3_bind_int64(s, 1, structure_id);
	return read_all(db, s, S_ADHESION_LIST_STRUCTURE, read_adhesion, a, sizeof(**out),
			(void **)out, n);
}

enum coop_err db_adhesion_update_declarations(struct db *db, const struct db_adhesion *ad)
{
	sqlite3_stmt *s = stmt(db, S_ADHESION_UPDATE_DECLARATIONS);
	if (!s)
		return ERR_IO;
	sqlite3_bind_int64(s, 1, ad->id);
	bind_date(s, 2, ad->has_effective_to, ad->effective_to);
	bind_text(s, 3, ad->insurer);
	bind_date(s, 4, ad->has_insurance_date, ad->insurance_date);
	bind_date(s, 5, ad->has_engagement_date, ad->engagement_date);
	return exec_one(db, s, S_ADHESION_UPDATE_DECLARATIONS);
}

enum coop_err db_adhesion_validate_training(struct db *db, int64_t id, int64_t delegant_id,
					    coop_date date, double hours)
{
	sqlite3_stmt *s = stmt(db, S_ADHESION_VALIDATE_TRAINING);
	if (!s)
		return ERR_IO;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, delegant_id);
	bind_date(s, 3, true, date);
	if (hours > 0)
		sqlite3_bind_double(s, 4, hours);
	else
		sqlite3_bind_null(s, 4);
	return exec_one(db, s, S_ADHESION_VALIDATE_TRAINING);
}

enum coop_err db_availability_list(struct db *db, int64_t professional_id, struct arena *a,
				   struct db_availability **out, size_t *n)
{
	sqlite3_stmt *s = stmt(db, S_AVAILABILITY_LIST);
	if (!s)
		return ERR_IO;
	sqlite3_bind_int64(s, 1, professional_id);
	return read_all(db, s, S_AVAILABILITY_LIST, read_availability, a, sizeof(**out),
			(void **)out, n);
}

enum coop_err db_availability_delete(struct db *db, int64_t professional_id, int64_t id)
{
	sqlite3_stmt *s = stmt(db, S_AVAILABILITY_DELETE);
	if (!s)
		return ERR_IO;
	sqlite3_bind_int64(s, 1, professional_id);
	sqlite3_bind_int64(s, 2, id);
	return exec_one(db, s, S_AVAILABILITY_DELETE);
}

enum coop_err db_availability_insert(struct db *db, const struct db_availability *av, int64_t *id)
{
	sqlite3_stmt *s = stmt(db, S_AVAILABILITY_INSERT);
	if (!s)
		return ERR_IO;
	sqlite3_bind_int64(s, 1, av->professional_id);
	sqlite3_bind_int(s, 2, av->weekday);
	sqlite3_bind_int(s, 3, av->start_minute);
	sqlite3_bind_int(s, 4, av->end_minute);
	bind_text(s, 5, av->how ? av->how : "");
	return exec_insert(db, s, S_AVAILABILITY_INSERT, id);
}

static void read_availability(sqlite3_stmt *s, struct arena *a, void *record, bool *ok)
{
	struct db_availability *av = record;
	av->id = sqlite3_column_int64(s, 0);
	av->professional_id = sqlite3_column_int64(s, 1);
	av->weekday = sqlite3_column_int(s, 2);
	av->start_minute = sqlite3_column_int(s, 3);
	av->end_minute = sqlite3_column_int(s, 4);
	av->how = col_text(s, 5, a, ok);
}

enum coop_err db_availability_for_adoption(struct db *db, int64_t adoption_id, coop_date on,
					   struct arena *a, struct db_availability **out,
					   size_t *n)
{
	sqlite3_stmt *s = stmt(db, S_AVAILABILITY_FOR_ADOPTION);
	if (!s)
		return ERR_IO;
	sqlite3_bind_int64(s, 1, adoption_id);
	bind_date(s, 2, true, on);
	return read_all(db, s, S_AVAILABILITY_FOR_ADOPTION, read_availability, a, sizeof(**out),
			(void **)out, n);
}

/* ------------------------------------------------------------------ patients, episodes */

static void bind_patient_fields(sqlite3_stmt *s, const struct db_patient *p, int first)
{
	bind_text(s, first, p->birth_name);
	bind_text(s, first + 1, p->first_names);
	bind_text(s, first + 2, p->used_name);
	bind_date(s, first + 3, true, p->birth_date);
	bind_text(s, first + 4, p->sex);
	bind_text(s, first + 5, p->birthplace_code);
	bind_text(s, first + 6, p->nir);
	bind_text(s, first + 7, p->gp_name);
	bind_text(s, first + 8, p->gp_rpps);
	bind_text(s, first + 9, p->gp_mssante);
	bind_id(s, first + 10, p->gp_professional_id);
}

static void read_patient(sqlite3_stmt *s, struct arena *a, void *record, bool *ok)
{
	struct db_patient *out = record;
	memset(out, 0, sizeof(*out));
	out->id = sqlite3_column_int64(s, 0);
	out->structure_id = sqlite3_column_int64(s, 1);
	out->birth_name = col_text(s, 2, a, ok);
	out->first_names = col_text(s, 3, a, ok);
	out->used_name = col_text(s, 4, a, ok);
	col_date(s, 5, &out->birth_date);
	out->sex = col_text(s, 6, a, ok);
	out->birthplace_code = col_text(s, 7, a, ok);
	out->nir = col_text(s, 8, a, ok);
	out->gp_name = col_text(s, 9, a, ok);
	out->gp_rpps = col_text(s, 10, a, ok);
	out->gp_mssante = col_text(s, 11, a, ok);
	out->gp_professional_id = sqlite3_column_int64(s, 12);
	out->version = sqlite3_column_int64(s, 13);
	out->merged_into = sqlite3_column_int64(s, 14);
}

enum coop_err db_patient_insert(struct db *db, const struct db_patient *p, int64_t *id)
{
	sqlite3_stmt *s = stmt(db, S_PATIENT_INSERT);
	if (!s)
		return ERR_IO;
	sqlite3_bind_int64(s, 1, p->structure_id);
	bind_patient_fields(s, p, 2);
	return exec_insert(db, s, S_PATIENT_INSERT, id);
}

enum coop_err db_patient_get(struct db *db, int64_t structure_id, int64_t id, struct arena *a,
			     struct db_patient *out)
{
	sqlite3_stmt *s = stmt(db, S_PATIENT_GET);
	if (!s)
		return ERR_IO;
	sqlite3_bind_int64(s, 1, structure_id);
	sqlite3_bind_int64(s, 2, id);
	return read_one(db, s, S_PATIENT_GET, read_patient, a, out);
}

enum coop_err db_patient_update(struct db *db, const struct db_patient *p)
{
	sqlite3_stmt *s = stmt(db, S_PATIENT_UPDATE);
	if (!s)
		return ERR_IO;
	sqlite3_bind_int64(s, 1, p->id);
	sqlite3_bind_int64(s, 2, p->version);
	bind_patient_fields(s, p, 3);
	sqlite3_bind_int64(s, 14, p->structure_id);
	enum coop_err err = exec_one(db, s, S_PATIENT_UPDATE);
	/* no row: either no such patient or a newer version; the caller read it, so: stale */
	return err == ERR_NOT_FOUND ? ERR_CONFLICT : err;
}

/* A row of a search: the patient and the name it is sorted under (the last column). */
struct patient_hit {
	struct db_patient p;
	const char *sort_name;
};

static void read_patient_hit(sqlite3_stmt *s, struct arena *a, void *record, bool *ok)
{
	struct patient_hit *out = record;
	read_patient(s, a, &out->p, ok);
	out->sort_name = col_text(s, 15, a, ok);
}

enum coop_err db_patient_search(struct db *db, int64_t structure_id, const char *name_prefix,
				bool has_birth_date, coop_date birth_date,
				const struct db_patient_key *after, size_t limit, struct arena *a,
				struct db_patient **out, size_t *n, struct db_patient_key *next)
{
	const char *prefix = name_prefix ? name_prefix : "";
	*out = NULL;
	*n = 0;
	*next = (struct db_patient_key){0};
	enum stmt_id which = has_birth_date ? S_PATIENT_SEARCH_BORN : S_PATIENT_SEARCH;
	sqlite3_stmt *s = stmt(db, which);
	if (!s)
		return ERR_IO;
	sqlite3_bind_int64(s, 1, structure_id);
	bind_text(s, 2, prefix);
	sqlite3_bind_int64(s, 3, (sqlite3_int64)limit + 1); /* one more: is there a next page? */
	/* the first page starts after (prefix, "", 0): every first name is longer than "" */
	bool from_key = after && after->name && after->first_names;
	bind_text(s, 4, from_key ? after->name : prefix);
	bind_text(s, 5, from_key ? after->first_names : "");
	sqlite3_bind_int64(s, 6, from_key ? after->id : 0);
	if (has_birth_date)
		bind_date(s, 7, true, birth_date);
	struct patient_hit *hits = NULL;
	size_t count = 0;
	enum coop_err err = read_all(db, s, which, read_patient_hit, a, sizeof(*hits),
				     (void **)&hits, &count);
	if (err != COOP_OK)
		return err;
	size_t keep = count > limit ? limit : count;
	struct db_patient *list = keep ? arena_alloc(a, keep * sizeof(*list)) : NULL;
	if (keep && !list)
		return ERR_NOMEM;
	for (size_t i = 0; i < keep; i++)
		list[i] = hits[i].p;
	if (count > limit && keep > 0)
		*next = (struct db_patient_key){.name = hits[keep - 1].sort_name,
						.first_names = hits[keep - 1].p.first_names,
						.id = hits[keep - 1].p.id};
	*out = list;
	*n = keep;
	return COOP_OK;
}

enum coop_err db_patient_candidates(struct db *db, int64_t structure_id, int64_t except_id,
				    const char *birth_name, coop_date birth_date,
				    const char *nir, size_t limit, struct arena *a,
				    struct db_patient **out, size_t *n)
{
	sqlite3_stmt *s = stmt(db, S_PATIENT_CANDIDATES);
	if (!s)
		return ERR_IO;
	sqlite3_bind_int64(s, 1, structure_id);
	sqlite3_bind_int64(s, 2, except_id);
	bind_text(s, 3, birth_name ? birth_name : "");
	bind_date(s, 4, true, birth_date);
	bind_text(s, 5, nir);
	sqlite3_bind_int64(s, 6, (sqlite3_int64)limit);
	return read_all(db, s, S_PATIENT_CANDIDATES, read_patient, a, sizeof(**out),
			(void **)out, n);
}

static void read_id(sqlite3_stmt *s, struct arena *a, void *record, bool *ok)
{
	(void)a;
	(void)ok;
	*(int64_t *)record = sqlite3_column_int64(s, 0);
}

enum coop_err db_patient_merge(struct db *db, int64_t structure_id, int64_t duplicate_id,
			       int64_t duplicate_version, int64_t kept_id, struct arena *a,
			       int64_t **episodes, size_t *n_episodes)
{
	*episodes = NULL;
	*n_episodes = 0;
	sqlite3_stmt *s = stmt(db, S_PATIENT_MERGE);
	if (!s)
		return ERR_IO;
	sqlite3_bind_int64(s, 1, duplicate_id);
	sqlite3_bind_int64(s, 2, duplicate_version);
	sqlite3_bind_int64(s, 3, kept_id);
	sqlite3_bind_int64(s, 4, structure_id);
	enum coop_err err = exec_one(db, s, S_PATIENT_MERGE);
	if (err != COOP_OK) /* stale, already merged, or not this structure's */
		return err == ERR_NOT_FOUND ? ERR_CONFLICT : err;
	s = stmt(db, S_PATIENT_EPISODE_IDS);
	if (!s)
		return ERR_IO;
	sqlite3_bind_int64(s, 1, duplicate_id);
	sqlite3_bind_int64(s, 2, structure_id);
	err = read_all(db, s, S_PATIENT_EPISODE_IDS, read_id, a, sizeof(**episodes),
		       (void **)episodes, n_episodes);
	if (err != COOP_OK)
		return err;
	s = stmt(db, S_PATIENT_EPISODES_MOVE);
	if (!s)
		return ERR_IO;
	sqlite3_bind_int64(s, 1, duplicate_id);
	sqlite3_bind_int64(s, 2, kept_id);
	sqlite3_bind_int64(s, 3, structure_id);
	return exec_done(db, s, S_PATIENT_EPISODES_MOVE);
}

/* An episode's document (store/docblob.h): a blob is decompressed; text (the rows written
 * before the documents were compressed, and the documents compressing would not shorten) is
 * copied as it is. A blob that does not decode is ERR_IO. */
static enum coop_err col_document(sqlite3_stmt *s, int i, struct arena *a, const char **out)
{
	*out = NULL;
	if (sqlite3_column_type(s, i) == SQLITE_BLOB) {
		const unsigned char *blob = sqlite3_column_blob(s, i);
		int n = sqlite3_column_bytes(s, i);
		size_t len;
		return docblob_decode(blob, n > 0 ? (size_t)n : 0, a, out, &len);
	}
	bool ok = true;
	*out = col_text(s, i, a, &ok);
	return ok ? COOP_OK : ERR_NOMEM;
}

/* Binds an episode's document to ?i: compressed (a blob) when that makes it smaller, as text
 * otherwise. ERR_NOMEM when compressing ran out of memory, ERR_INTERNAL when zlib refused its
 * own parameters (nothing bound either way). */
static enum coop_err bind_document(sqlite3_stmt *s, int i, const char *text)
{
	unsigned char *blob;
	size_t n;
	enum coop_err err = docblob_encode(text, strlen(text), &blob, &n);
	if (err != COOP_OK)
		return err;
	if (!blob) {
		bind_text(s, i, text);
		return COOP_OK;
	}
	/* SQLite frees the blob with free() once done with it, even when binding fails */
	if (sqlite3_bind_blob(s, i, blob, (int)n, free) != SQLITE_OK)
		return ERR_NOMEM;
	return COOP_OK;
}

/* Reads an episode row (EPISODE_COLUMNS) into *out: ERR_NOMEM when the arena is full, ERR_IO
 * when its document does not decode; on error *out is all zeros. */
static enum coop_err read_episode(sqlite3_stmt *s, struct arena *a, struct db_episode *out)
{
	bool ok = true;
	memset(out, 0, sizeof(*out));
	out->id = sqlite3_column_int64(s, 0);
	out->structure_id = sqlite3_column_int64(s, 1);
	out->patient_id = sqlite3_column_int64(s, 2);
	out->adoption_id = sqlite3_column_int64(s, 3);
	out->protocol_hash = col_text(s, 4, a, &ok);
	out->state = col_text(s, 5, a, &ok);
	out->version = sqlite3_column_int64(s, 6);
	enum coop_err err = col_document(s, 7, a, &out->data);
	out->created_by = sqlite3_column_int64(s, 8);
	out->delegue_id = sqlite3_column_int64(s, 9);
	out->created_at = sqlite3_column_int64(s, 10);
	out->updated_at = sqlite3_column_int64(s, 11);
	if (err == COOP_OK && !ok)
		err = ERR_NOMEM;
	if (err != COOP_OK)
		memset(out, 0, sizeof(*out));
	return err;
}

/* Keeps the text of db_last_error() for episode id's document that did not decode (it names
 * the row, never a value of it); gives err back. */
static enum coop_err document_failed(struct db *db, enum coop_err err, int64_t id)
{
	if (err == ERR_IO)
		snprintf(db->error, sizeof(db->error),
			 "episode %lld: stored document damaged or of an unknown format",
			 (long long)id);
	return err;
}

/* Steps s to the end, reading every row into an arena array of episodes (read_all() for
 * read_episode(), which tells a document that does not decode). On error no row is given.
 * Resets s. */
static enum coop_err read_episodes(struct db *db, sqlite3_stmt *s, enum stmt_id id,
				   struct arena *a, struct db_episode **out, size_t *n)
{
	struct db_episode *items = NULL;
	size_t count = 0, cap = 0;
	enum coop_err err = COOP_OK;
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		items = grow(a, items, count, &cap, sizeof(*items));
		if (!items) {
			err = ERR_NOMEM;
			break;
		}
		err = read_episode(s, a, &items[count]);
		if (err != COOP_OK) {
			document_failed(db, err, sqlite3_column_int64(s, 0));
			break;
		}
		count++;
	}
	if (err == COOP_OK && rc != SQLITE_DONE)
		err = fail(db, rc, statements[id].name);
	done(s);
	*out = err == COOP_OK ? items : NULL;
	*n = err == COOP_OK ? count : 0;
	return err;
}

/* Binds the list facts to ?20 .. ?26 (LIST_FACT_SET): the rank and the revoyure's last day
 * are NULL outside the délégants' lists, so the partial indexes hold only their rows. */
static void bind_list_facts(sqlite3_stmt *s, const struct episode_list_facts *f)
{
	sqlite3_bind_int64(s, 20, f->arrived_at);
	if (f->referred)
		sqlite3_bind_int64(s, 21, f->referral_rank);
	else
		sqlite3_bind_null(s, 21);
	sqlite3_bind_int64(s, 22, f->referral_day);
	sqlite3_bind_int64(s, 23, f->delegant_called_id);
	sqlite3_bind_int(s, 24, f->revoyure_pending ? 1 : 0);
	sqlite3_bind_int64(s, 25, f->decision_day);
	if (f->revoyure_until)
		sqlite3_bind_int64(s, 26, f->revoyure_until);
	else
		sqlite3_bind_null(s, 26);
}

enum coop_err db_episode_insert(struct db *db, const struct db_episode *e, int64_t *id)
{
	sqlite3_stmt *s = stmt(db, S_EPISODE_INSERT);
	if (!s)
		return ERR_IO;
	sqlite3_bind_int64(s, 1, e->structure_id);
	sqlite3_bind_int64(s, 2, e->patient_id);
	sqlite3_bind_int64(s, 3, e->adoption_id);
	bind_text(s, 4, e->protocol_hash);
	bind_text(s, 5, e->state);
	enum coop_err err = bind_document(s, 6, e->data ? e->data : "{}");
	if (err != COOP_OK) {
		done(s);
		return err;
	}
	sqlite3_bind_int64(s, 7, e->created_by);
	bind_id(s, 8, e->delegue_id);
	sqlite3_bind_int64(s, 9, e->created_at);
	bind_list_facts(s, &e->list);
	return exec_insert(db, s, S_EPISODE_INSERT, id);
}

enum coop_err db_episode_get(struct db *db, int64_t structure_id, int64_t id, struct arena *a,
			     struct db_episode *out)
{
	sqlite3_stmt *s = stmt(db, S_EPISODE_GET);
	if (!s)
		return ERR_IO;
	sqlite3_bind_int64(s, 1, structure_id);
	sqlite3_bind_int64(s, 2, id);
	int rc = sqlite3_step(s);
	enum coop_err err;
	if (rc == SQLITE_ROW)
		err = document_failed(db, read_episode(s, a, out), id);
	else
		err = rc == SQLITE_DONE ? ERR_NOT_FOUND : fail(db, rc, statements[S_EPISODE_GET].name);
	done(s);
	return err;
}

enum coop_err db_episode_update(struct db *db, const struct db_episode *e)
{
	sqlite3_stmt *s = stmt(db, S_EPISODE_UPDATE);
	if (!s)
		return ERR_IO;
	sqlite3_bind_int64(s, 1, e->id);
	sqlite3_bind_int64(s, 2, e->version);
	bind_text(s, 3, e->state);
	enum coop_err err = bind_document(s, 4, e->data ? e->data : "{}");
	if (err != COOP_OK) {
		done(s);
		return err;
	}
	bind_text(s, 5, e->protocol_hash);
	bind_id(s, 6, e->delegue_id);
	sqlite3_bind_int64(s, 7, e->updated_at);
	sqlite3_bind_int64(s, 8, e->structure_id);
	bind_list_facts(s, &e->list);
	err = exec_one(db, s, S_EPISODE_UPDATE);
	return err == ERR_NOT_FOUND ? ERR_CONFLICT : err;
}

static void read_list_key(sqlite3_stmt *s, struct arena *a, void *record, bool *ok)
{
	(void)a;
	(void)ok;
	struct episode_list_key *k = record;
	k->k = sqlite3_column_int64(s, 0);
	k->id = sqlite3_column_int64(s, 1);
}

static const enum stmt_id range_stmt[] = {
	[DB_EPISODES_RECENT] = S_EPISODE_RECENT,
	[DB_EPISODES_BY_STATE] = S_EPISODE_BY_STATE,
	[DB_EPISODES_ADOPTION] = S_EPISODE_ADOPTION,
	[DB_EPISODES_ADOPTION_STATE] = S_EPISODE_ADOPTION_STATE,
	[DB_EPISODES_RUN] = S_EPISODE_RUN,
	[DB_EPISODES_QUEUE_WAITING] = S_EPISODE_QUEUE_WAITING,
	[DB_EPISODES_QUEUE_RUN] = S_EPISODE_QUEUE_RUN,
	[DB_EPISODES_REFERRALS] = S_EPISODE_REFERRALS,
	[DB_EPISODES_REFERRALS_OLD] = S_EPISODE_REFERRALS_OLD,
	[DB_EPISODES_REVOYURES] = S_EPISODE_REVOYURES,
};

enum coop_err db_episode_range(struct db *db, const struct db_episode_range *r, struct arena *a,
			       struct episode_list_key **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	if ((size_t)r->kind >= sizeof(range_stmt) / sizeof(range_stmt[0]))
		return ERR_INVALID;
	enum stmt_id which = range_stmt[r->kind];
	bool ascending = r->kind == DB_EPISODES_QUEUE_WAITING ||
			 r->kind == DB_EPISODES_QUEUE_RUN || r->kind == DB_EPISODES_REVOYURES;
	sqlite3_stmt *s = stmt(db, which);
	if (!s)
		return ERR_IO;
	bool by_structure = r->kind == DB_EPISODES_RECENT || r->kind == DB_EPISODES_BY_STATE;
	sqlite3_bind_int64(s, 1, by_structure ? r->structure_id : r->adoption_id);
	/* the first page starts before every row: past the largest key (or the smallest) */
	sqlite3_bind_int64(s, 2, r->has_after ? r->after_k : ascending ? INT64_MIN : INT64_MAX);
	sqlite3_bind_int64(s, 3, r->has_after ? r->after_id : ascending ? INT64_MIN : INT64_MAX);
	sqlite3_bind_int64(s, 4, (sqlite3_int64)r->limit);
	switch (r->kind) {
	case DB_EPISODES_RECENT: sqlite3_bind_int64(s, 5, r->since); break;
	case DB_EPISODES_BY_STATE: bind_text(s, 5, r->state); break;
	case DB_EPISODES_ADOPTION:
	case DB_EPISODES_QUEUE_WAITING: sqlite3_bind_int64(s, 5, r->structure_id); break;
	case DB_EPISODES_ADOPTION_STATE:
		sqlite3_bind_int64(s, 5, r->structure_id);
		bind_text(s, 6, r->state);
		break;
	case DB_EPISODES_RUN:
	case DB_EPISODES_QUEUE_RUN:
		sqlite3_bind_int64(s, 5, r->structure_id);
		sqlite3_bind_int64(s, 6, r->professional_id);
		bind_text(s, 7, r->state);
		break;
	case DB_EPISODES_REFERRALS:
	case DB_EPISODES_REFERRALS_OLD:
		sqlite3_bind_int64(s, 5, r->structure_id);
		sqlite3_bind_int64(s, 6, r->called);
		sqlite3_bind_int64(s, 7, r->rank);
		sqlite3_bind_int64(s, 8, r->since);
		break;
	case DB_EPISODES_REVOYURES:
		sqlite3_bind_int64(s, 5, r->structure_id);
		sqlite3_bind_int64(s, 8, r->since);
		break;
	}
	return read_all(db, s, which, read_list_key, a, sizeof(**out), (void **)out, n);
}

enum coop_err db_episode_unfilled(struct db *db, size_t limit, struct arena *a,
				  struct db_episode **out, size_t *n)
{
	sqlite3_stmt *s = stmt(db, S_EPISODE_UNFILLED);
	if (!s)
		return ERR_IO;
	sqlite3_bind_int64(s, 1, (sqlite3_int64)limit);
	return read_episodes(db, s, S_EPISODE_UNFILLED, a, out, n);
}

enum coop_err db_episode_set_list_facts(struct db *db, int64_t id,
					const struct episode_list_facts *f)
{
	sqlite3_stmt *s = stmt(db, S_EPISODE_SET_LIST_FACTS);
	if (!s)
		return ERR_IO;
	sqlite3_bind_int64(s, 1, id);
	bind_list_facts(s, f);
	return exec_one(db, s, S_EPISODE_SET_LIST_FACTS);
}

enum coop_err db_episode_list_for(struct db *db, int64_t structure_id, int64_t patient_id,
				  int64_t adoption_id, size_t limit, struct arena *a,
				  struct db_episode **out, size_t *n)
{
	sqlite3_stmt *s = stmt(db, S_EPISODE_LIST_FOR);
	if (!s)
		return ERR_IO;
	sqlite3_bind_int64(s, 1, structure_id);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)limit);
	sqlite3_bind_int64(s, 3, patient_id);
	sqlite3_bind_int64(s, 4, adoption_id);
	return read_episodes(db, s, S_EPISODE_LIST_FOR, a, out, n);
}

/* ------------------------------------------------------------------ sessions */

enum coop_err db_session_insert(struct db *db, const struct db_session *se)
{
	sqlite3_stmt *s = stmt(db, S_SESSION_INSERT);
	if (!s)
		return ERR_IO;
	bind_text(s, 1, se->token_hash);
	sqlite3_bind_int64(s, 2, se->account_id);
	bind_text(s, 3, se->csrf_token);
	sqlite3_bind_int64(s, 4, se->created_at);
	sqlite3_bind_int64(s, 5, se->expires_at);
	sqlite3_bind_int64(s, 6, se->last_seen);
	bind_id(s, 7, se->structure_id);
	return exec_insert(db, s, S_SESSION_INSERT, NULL);
}

static void read_session(sqlite3_stmt *s, struct arena *a, void *record, bool *ok)
{
	struct db_session *out = record;
	out->token_hash = col_text(s, 0, a, ok);
	out->account_id = sqlite3_column_int64(s, 1);
	out->csrf_token = col_text(s, 2, a, ok);
	out->created_at = sqlite3_column_int64(s, 3);
	out->expires_at = sqlite3_column_int64(s, 4);
	out->last_seen = sqlite3_column_int64(s, 5);
	out->structure_id = sqlite3_column_int64(s, 6);
}

enum coop_err db_session_get(struct db *db, const char *token_hash, struct arena *a,
			     struct db_session *out)
{
	sqlite3_stmt *s = stmt(db, S_SESSION_GET);
	if (!s)
		return ERR_IO;
	bind_text(s, 1, token_hash);
	return read_one(db, s, S_SESSION_GET, read_session, a, out);
}

enum coop_err db_session_touch(struct db *db, const char *token_hash, int64_t last_seen,
			       int64_t expires_at)
{
	sqlite3_stmt *s = stmt(db, S_SESSION_TOUCH);
	if (!s)
		return ERR_IO;
	bind_text(s, 1, token_hash);
	sqlite3_bind_int64(s, 2, last_seen);
	sqlite3_bind_int64(s, 3, expires_at);
	return exec_one(db, s, S_SESSION_TOUCH);
}

enum coop_err db_session_delete(struct db *db, const char *token_hash)
{
	sqlite3_stmt *s = stmt(db, S_SESSION_DELETE);
	if (!s)
		return ERR_IO;
	bind_text(s, 1, token_hash);
	return exec_done(db, s, S_SESSION_DELETE);
}

enum coop_err db_session_delete_account(struct db *db, int64_t account_id,
				       const char *except_token_hash)
{
	sqlite3_stmt *s = stmt(db, S_SESSION_DELETE_ACCOUNT);
	if (!s)
		return ERR_IO;
	sqlite3_bind_int64(s, 1, account_id);
	bind_text(s, 2, except_token_hash);
	return exec_done(db, s, S_SESSION_DELETE_ACCOUNT);
}

enum coop_err db_session_set_structure(struct db *db, const char *token_hash,
				       int64_t structure_id)
{
	sqlite3_stmt *s = stmt(db, S_SESSION_SET_STRUCTURE);
	if (!s)
		return ERR_IO;
	bind_text(s, 1, token_hash);
	bind_id(s, 2, structure_id);
	return exec_one(db, s, S_SESSION_SET_STRUCTURE);
}

enum coop_err db_session_purge(struct db *db, int64_t now)
{
	sqlite3_stmt *s = stmt(db, S_SESSION_PURGE);
	if (!s)
		return ERR_IO;
	sqlite3_bind_int64(s, 1, now);
	return exec_done(db, s, S_SESSION_PURGE);
}

/* ------------------------------------------------------------------ audit */

/* How a record's hashes are stored. Records written before migration 9 hold both as 64
 * lowercase hex digits (TEXT). From migration 9 on, `hash` holds the 32 bytes of the digest
 * (BLOB) and `prev_hash` is empty: it is always the previous record's hash, which verify
 * computes anyway (the record's own hash covers it, so nothing is lost). The hash computed is
 * the same either way (audit.h: the previous hash enters it as hex). */
#define AUDIT_DIGEST_BYTES 32

/* The hash stored in column i as hex (either form); "" when NULL or of neither form. */
static void col_hash(sqlite3_stmt *s, int i, char out[AUDIT_HASH_HEX])
{
	static const char hex[] = "0123456789abcdef";
	out[0] = '\0';
	int type = sqlite3_column_type(s, i);
	if (type == SQLITE_BLOB && sqlite3_column_bytes(s, i) == AUDIT_DIGEST_BYTES) {
		const unsigned char *b = sqlite3_column_blob(s, i);
		for (int k = 0; k < AUDIT_DIGEST_BYTES; k++) {
			out[2 * k] = hex[b[k] >> 4];
			out[2 * k + 1] = hex[b[k] & 15];
		}
		out[2 * AUDIT_DIGEST_BYTES] = '\0';
	} else if (type == SQLITE_TEXT && sqlite3_column_bytes(s, i) == AUDIT_HASH_HEX - 1) {
		memcpy(out, sqlite3_column_text(s, i), AUDIT_HASH_HEX);
	}
}

/* The 32 bytes of a 64-digit lowercase hex hash. */
static void hash_bytes(const char *hex, unsigned char out[AUDIT_DIGEST_BYTES])
{
	for (int k = 0; k < AUDIT_DIGEST_BYTES; k++) {
		int hi = hex[2 * k], lo = hex[2 * k + 1];
		hi = hi <= '9' ? hi - '0' : hi - 'a' + 10;
		lo = lo <= '9' ? lo - '0' : lo - 'a' + 10;
		out[k] = (unsigned char)(hi << 4 | lo);
	}
}

/* How a record's before_json and after_json are stored (issue 11: they were half of the audit
 * table). A text of at least AUDIT_JSON_BLOB_MIN (128) bytes is stored as an episode document
 * is (store/docblob.h, bind_document): a blob when compressing makes it smaller, the text
 * otherwise. Shorter texts (read traces' {"ids":[...]}, most small changes) always stay text:
 * compressing them would gain little, and the sqlite3 shell keeps reading them. Records
 * written before are read as they are (text). The chain hash is always computed over the text, never over the
 * stored bytes: appending hashes the text then stores its blob, and every reader of these
 * columns decodes first (col_audit_json). */
#define AUDIT_JSON_BLOB_MIN 128

/* Binds one of a record's JSON texts (NULL: SQL NULL) to ?i as said above. ERR_NOMEM or
 * ERR_INTERNAL as bind_document (nothing bound then). */
static enum coop_err bind_audit_json(sqlite3_stmt *s, int i, const char *text)
{
	if (!text || strlen(text) < AUDIT_JSON_BLOB_MIN) {
		bind_text(s, i, text);
		return COOP_OK;
	}
	return bind_document(s, i, text);
}

/* One of a record's JSON texts from column i into *out: NULL for SQL NULL, text as it is
 * (valid until the next step), a blob decoded by d (valid until d's next use). ERR_IO when a
 * blob does not decode (a damaged record: the caller names it), ERR_NOMEM when memory runs
 * out; *out is NULL on error. */
static enum coop_err col_audit_json(sqlite3_stmt *s, int i, struct docblob_decoder *d,
				    const char **out)
{
	*out = NULL;
	int type = sqlite3_column_type(s, i);
	if (type == SQLITE_NULL)
		return COOP_OK;
	if (type == SQLITE_BLOB) {
		const unsigned char *blob = sqlite3_column_blob(s, i);
		int n = sqlite3_column_bytes(s, i);
		size_t len;
		return docblob_decode_with(d, blob, n > 0 ? (size_t)n : 0, out, &len);
	}
	*out = (const char *)sqlite3_column_text(s, i);
	return *out ? COOP_OK : ERR_NOMEM;
}

enum coop_err db_audit_append_in(struct db *db, int64_t structure_id, int64_t at,
				 int64_t account_id, const char *action, const char *entity,
				 int64_t entity_id, const char *before_json, const char *after_json)
{
	char prev[AUDIT_HASH_HEX], hash[AUDIT_HASH_HEX];
	int64_t id = 1;
	sqlite3_stmt *s = stmt(db, S_AUDIT_LAST);
	if (!s)
		return ERR_IO;
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		id = sqlite3_column_int64(s, 0) + 1;
		col_hash(s, 1, prev);
	} else if (rc == SQLITE_DONE) {
		memcpy(prev, audit_genesis, sizeof(prev));
	} else {
		enum coop_err err = fail(db, rc, "audit_last");
		done(s);
		return err;
	}
	done(s);
	struct audit_fields f = {.hash_version = AUDIT_HASH_VERSION,
				 .id = id,
				 .at = at,
				 .account_id = account_id,
				 .structure_id = structure_id,
				 .action = action,
				 .entity = entity,
				 .entity_id = entity_id,
				 .before_json = before_json,
				 .after_json = after_json};
	unsigned char digest[AUDIT_DIGEST_BYTES];
	audit_hash(prev, &f, hash);
	hash_bytes(hash, digest);
	s = stmt(db, S_AUDIT_INSERT);
	if (!s)
		return ERR_IO;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, at);
	sqlite3_bind_int64(s, 3, account_id);
	bind_text(s, 4, action);
	bind_text(s, 5, entity);
	sqlite3_bind_int64(s, 6, entity_id);
	enum coop_err err = bind_audit_json(s, 7, before_json);
	if (err == COOP_OK)
		err = bind_audit_json(s, 8, after_json);
	if (err != COOP_OK) {
		done(s);
		return err;
	}
	bind_text(s, 9, ""); /* the previous record's hash: not stored again */
	sqlite3_bind_blob(s, 10, digest, sizeof(digest), SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 11, structure_id);
	sqlite3_bind_int(s, 12, AUDIT_HASH_VERSION);
	return exec_insert(db, s, S_AUDIT_INSERT, NULL);
}

enum coop_err db_audit_append(struct db *db, int64_t at, int64_t account_id, const char *action,
			      const char *entity, int64_t entity_id, const char *before_json,
			      const char *after_json)
{
	return db_audit_append_in(db, 0, at, account_id, action, entity, entity_id, before_json,
				  after_json);
}

/* A column as a NUL-terminated string, NULL for SQL NULL (valid until the next step). */
static const char *col_raw(sqlite3_stmt *s, int i)
{
	if (sqlite3_column_type(s, i) == SQLITE_NULL)
		return NULL;
	return (const char *)sqlite3_column_text(s, i);
}

enum coop_err db_audit_verify_from(struct db *db, const struct db_audit_walk *w, int64_t *count,
				   int64_t *bad_id, char *head, size_t head_size)
{
	char prev[AUDIT_HASH_HEX], hash[AUDIT_HASH_HEX], stored[AUDIT_HASH_HEX];
	int64_t after_id = w ? w->after_id : 0;
	snprintf(prev, sizeof(prev), "%s", w && w->after_id > 0 ? w->after_hash : audit_genesis);
	*count = 0;
	*bad_id = 0;
	/* the compressed JSON of records: one decoder per column for the whole walk, which keeps
	 * its state and buffer (a walk of millions of records allocates nothing per record) */
	struct docblob_decoder *dec[2] = {NULL, NULL};
	sqlite3_stmt *s = NULL;
	enum coop_err err = docblob_decoder_new(&dec[0]);
	if (err == COOP_OK)
		err = docblob_decoder_new(&dec[1]);
	if (err != COOP_OK)
		goto out;
	s = stmt(db, S_AUDIT_ALL);
	if (!s) {
		err = ERR_IO;
		goto out;
	}
	sqlite3_bind_int64(s, 1, after_id);
	int64_t expected_id = after_id + 1;
	int rc;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(s, 0);
		/* what the hash covers is the text: a blob that does not decode is a damaged
		 * record, reported like any other altered one */
		const char *before = NULL, *after = NULL;
		err = col_audit_json(s, 6, dec[0], &before);
		if (err == COOP_OK)
			err = col_audit_json(s, 7, dec[1], &after);
		if (err == ERR_IO) {
			*bad_id = id;
			err = ERR_CONFLICT;
			break;
		}
		if (err != COOP_OK)
			break;
		/* prev_hash: empty (from migration 9 on: the previous record's), else its hex */
		bool prev_ok = sqlite3_column_type(s, 8) == SQLITE_TEXT &&
			       sqlite3_column_bytes(s, 8) == 0;
		if (!prev_ok) {
			col_hash(s, 8, stored);
			prev_ok = sqlite3_column_type(s, 8) == SQLITE_TEXT &&
				  strcmp(stored, prev) == 0;
		}
		col_hash(s, 9, stored);
		struct audit_fields f = {.hash_version = sqlite3_column_int(s, 11),
					 .id = id,
					 .at = sqlite3_column_int64(s, 1),
					 .account_id = sqlite3_column_int64(s, 2),
					 .structure_id = sqlite3_column_int64(s, 10),
					 .action = col_raw(s, 3),
					 .entity = col_raw(s, 4),
					 .entity_id = sqlite3_column_int64(s, 5),
					 .before_json = before,
					 .after_json = after};
		/* ids run 1, 2, 3...: a removed record breaks the sequence even at the end of a
		 * rewritten chain's prefix; an unknown hash version never verifies */
		if (id != expected_id || !audit_hash(prev, &f, hash) || !prev_ok ||
		    strcmp(stored, hash) != 0) {
			*bad_id = id;
			err = ERR_CONFLICT;
			break;
		}
		memcpy(prev, hash, sizeof(prev));
		if (w && w->visit)
			w->visit(w->ctx, id, hash);
		expected_id++;
		(*count)++;
	}
	if (err == COOP_OK && rc != SQLITE_DONE)
		err = fail(db, rc, "audit_all");
	done(s);
	if (head && head_size)
		snprintf(head, head_size, "%s", prev);
out:
	docblob_decoder_free(dec[1]);
	docblob_decoder_free(dec[0]);
	return err;
}

enum coop_err db_audit_hash_of(struct db *db, int64_t id, char out[AUDIT_HASH_HEX])
{
	sqlite3_stmt *s = stmt(db, S_AUDIT_HASH_OF);
	if (!s)
		return ERR_IO;
	sqlite3_bind_int64(s, 1, id);
	int rc = sqlite3_step(s);
	enum coop_err err = COOP_OK;
	out[0] = '\0';
	if (rc == SQLITE_ROW) {
		col_hash(s, 0, out);
	} else {
		err = rc == SQLITE_DONE ? ERR_NOT_FOUND : fail(db, rc, "audit_hash_of");
	}
	done(s);
	return err;
}

enum coop_err db_audit_verify(struct db *db, int64_t *count, int64_t *bad_id, char *head,
			      size_t head_size)
{
	return db_audit_verify_from(db, NULL, count, bad_id, head, head_size);
}

/* ------------------------------------------------------------------ protocol files */

enum coop_err db_protocol_file_put(struct db *db, const char *hash, const char *protocol_id,
				   const char *text, int64_t now)
{
	sqlite3_stmt *s = stmt(db, S_PROTOCOL_FILE_PUT);
	if (!s)
		return ERR_IO;
	bind_text(s, 1, hash);
	bind_text(s, 2, protocol_id);
	bind_text(s, 3, text);
	sqlite3_bind_int64(s, 4, now);
	return exec_done(db, s, S_PROTOCOL_FILE_PUT);
}

enum coop_err db_protocol_file_get(struct db *db, const char *hash, struct arena *a,
				   const char **protocol_id, const char **text)
{
	sqlite3_stmt *s = stmt(db, S_PROTOCOL_FILE_GET);
	if (!s)
		return ERR_IO;
	bind_text(s, 1, hash);
	enum coop_err err = COOP_OK;
	int rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		bool ok = true;
		*protocol_id = col_text(s, 0, a, &ok);
		*text = col_text(s, 1, a, &ok);
		if (!ok)
			err = ERR_NOMEM;
	} else if (rc == SQLITE_DONE) {
		err = ERR_NOT_FOUND;
	} else {
		err = fail(db, rc, "protocol_file_get");
	}
	done(s);
	return err;
}

enum coop_err db_episode_structure(struct db *db, int64_t id, int64_t *structure_id)
{
	sqlite3_stmt *s = stmt(db, S_EPISODE_STRUCTURE);
	if (!s)
		return ERR_IO;
	sqlite3_bind_int64(s, 1, id);
	int rc = sqlite3_step(s);
	enum coop_err err = COOP_OK;
	if (rc == SQLITE_ROW)
		*structure_id = sqlite3_column_int64(s, 0);
	else
		err = rc == SQLITE_DONE ? ERR_NOT_FOUND : fail(db, rc, "episode_structure");
	done(s);
	return err;
}

static void read_audit_entry(sqlite3_stmt *s, struct arena *a, void *record, bool *ok)
{
	struct db_audit_entry *out = record;
	out->id = sqlite3_column_int64(s, 0);
	out->at = sqlite3_column_int64(s, 1);
	out->account_id = sqlite3_column_int64(s, 2);
	out->by = col_text(s, 3, a, ok);
	out->action = col_text(s, 4, a, ok);
	out->entity = col_text(s, 5, a, ok);
	out->entity_id = sqlite3_column_int64(s, 6);
}

enum coop_err db_audit_list(struct db *db, int64_t structure_id, const struct db_audit_filter *f,
			    size_t limit, struct arena *a, struct db_audit_entry **out, size_t *n)
{
	/* the most selective filter leads (its index): the action, else the author, else the
	 * kind of record; the others are checked on the rows of that index's range */
	enum stmt_id id = f->action		? S_AUDIT_LIST_ACTION
			  : f->account_id > 0 ? S_AUDIT_LIST_ACCOUNT
			  : f->entity		? S_AUDIT_LIST_ENTITY
						: S_AUDIT_LIST;
	/* one upper bound: below the cursor and below the end of the time range (at < to_at is
	 * (at, id) < (to_at, 0), ids being positive), whichever is lower */
	int64_t below_at = INT64_MAX, below_id = INT64_MAX;
	if (f->has_after) {
		below_at = f->after_at;
		below_id = f->after_id;
	}
	if (f->has_to && f->to_at <= below_at) {
		below_at = f->to_at;
		below_id = 0;
	}
	sqlite3_stmt *s = stmt(db, id);
	if (!s)
		return ERR_IO;
	sqlite3_bind_int64(s, 1, structure_id);
	sqlite3_bind_int64(s, 2, f->has_from ? f->from_at : INT64_MIN);
	sqlite3_bind_int64(s, 3, below_at);
	sqlite3_bind_int64(s, 4, below_id);
	bind_text(s, 5, f->action);
	bind_text(s, 6, f->entity);
	bind_id(s, 7, f->account_id);
	sqlite3_bind_int64(s, 8, (sqlite3_int64)limit);
	return read_all(db, s, id, read_audit_entry, a, sizeof(**out), (void **)out, n);
}

/* ------------------------------------------------------------------ adhesions of a caller */

static void read_professional_adhesion(sqlite3_stmt *s, struct arena *a, void *record, bool *ok)
{
	struct db_professional_adhesion *pa = record;
	read_adhesion(s, a, &pa->adhesion, ok);
	pa->profession = col_text(s, 12, a, ok);
}

enum coop_err db_adhesions_of_professional(struct db *db, int64_t professional_id,
					   int64_t structure_id, size_t limit, struct arena *a,
					   struct db_professional_adhesion **out, size_t *n)
{
	sqlite3_stmt *s = stmt(db, S_ADHESIONS_OF_PROFESSIONAL);
	if (!s)
		return ERR_IO;
	sqlite3_bind_int64(s, 1, professional_id);
	sqlite3_bind_int64(s, 2, structure_id);
	sqlite3_bind_int64(s, 3, (sqlite3_int64)limit);
	return read_all(db, s, S_ADHESIONS_OF_PROFESSIONAL, read_professional_adhesion, a,
			sizeof(**out), (void **)out, n);
}
