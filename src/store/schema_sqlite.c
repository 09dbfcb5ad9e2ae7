/*
 * schema_sqlite.c — the SQLite schema as numbered migrations.
 *
 * Migration k (1-based) takes the database from schema version k-1 to k; db_open() applies the
 * missing ones in order, each in its own transaction with `PRAGMA user_version` set to k at the
 * end, so a crash leaves the database at a whole version. Never edit a published migration:
 * append a new one. The SQL keeps to what PostgreSQL also accepts, apart from the key columns
 * (INTEGER PRIMARY KEY here, an identity column there) and the PRAGMAs.
 *
 * Dates are ISO text (YYYY-MM-DD) so that they read well and sort; instants are unix seconds.
 */
#include "store/schema_sqlite.h"

#include <stddef.h>

static const char *const migrations[] = {
	/* 1: structures, team, protocols adopted, sessions, patients, episodes, audit */
	"CREATE TABLE structures ("
	"  id INTEGER PRIMARY KEY,"
	"  type TEXT NOT NULL CHECK (type IN ('MSP','CDS','CPTS','ES','ESMS','ESP')),"
	"  name TEXT NOT NULL,"
	"  address TEXT NOT NULL DEFAULT '',"
	"  finess TEXT,"
	"  siret TEXT,"
	"  aci_signatory INTEGER NOT NULL DEFAULT 0 CHECK (aci_signatory IN (0, 1))"
	");"
	"CREATE TABLE professionals ("
	"  id INTEGER PRIMARY KEY,"
	"  structure_id INTEGER NOT NULL REFERENCES structures(id),"
	"  last_name TEXT NOT NULL,"
	"  first_names TEXT NOT NULL,"
	"  profession TEXT NOT NULL,"
	"  rpps TEXT,"
	"  adeli TEXT,"
	"  mssante TEXT,"
	"  phone TEXT"
	");"
	"CREATE TABLE accounts ("
	"  id INTEGER PRIMARY KEY,"
	"  structure_id INTEGER NOT NULL REFERENCES structures(id),"
	"  professional_id INTEGER REFERENCES professionals(id),"
	"  login TEXT NOT NULL UNIQUE,"
	"  display_name TEXT NOT NULL,"
	"  password_hash TEXT NOT NULL,"
	"  roles INTEGER NOT NULL CHECK (roles BETWEEN 1 AND 15),"
	"  failed_logins INTEGER NOT NULL DEFAULT 0,"
	"  locked_until INTEGER NOT NULL DEFAULT 0"
	");"
	"CREATE TABLE adoptions ("
	"  id INTEGER PRIMARY KEY,"
	"  structure_id INTEGER NOT NULL REFERENCES structures(id),"
	"  protocol_id TEXT NOT NULL,"
	"  status TEXT NOT NULL CHECK (status IN ('active','suspended')),"
	"  suspended_reason TEXT,"
	"  adopted_on TEXT NOT NULL,"
	"  signed_by INTEGER REFERENCES professionals(id),"
	"  signed_hash TEXT,"
	"  signed_at INTEGER,"
	"  UNIQUE (structure_id, protocol_id)"
	");"
	"CREATE TABLE adhesions ("
	"  id INTEGER PRIMARY KEY,"
	"  professional_id INTEGER NOT NULL REFERENCES professionals(id),"
	"  adoption_id INTEGER NOT NULL REFERENCES adoptions(id),"
	"  role TEXT NOT NULL CHECK (role IN ('delegant','delegue')),"
	"  effective_from TEXT NOT NULL,"
	"  effective_to TEXT,"
	"  training_validated_by INTEGER REFERENCES professionals(id),"
	"  training_date TEXT,"
	"  training_hours REAL,"
	"  insurer TEXT,"
	"  insurance_date TEXT,"
	"  engagement_date TEXT"
	");"
	"CREATE INDEX adhesions_by_adoption ON adhesions(adoption_id, role);"
	"CREATE TABLE availability ("
	"  id INTEGER PRIMARY KEY,"
	"  professional_id INTEGER NOT NULL REFERENCES professionals(id),"
	"  weekday INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),"
	"  start_minute INTEGER NOT NULL CHECK (start_minute BETWEEN 0 AND 1439),"
	"  end_minute INTEGER NOT NULL CHECK (end_minute BETWEEN 1 AND 1440),"
	"  how TEXT NOT NULL DEFAULT '',"
	"  CHECK (start_minute < end_minute)"
	");"
	"CREATE TABLE sessions ("
	"  token_hash TEXT PRIMARY KEY,"
	"  account_id INTEGER NOT NULL REFERENCES accounts(id),"
	"  csrf_token TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL,"
	"  expires_at INTEGER NOT NULL,"
	"  last_seen INTEGER NOT NULL"
	");"
	"CREATE TABLE patients ("
	"  id INTEGER PRIMARY KEY,"
	"  structure_id INTEGER NOT NULL REFERENCES structures(id),"
	"  birth_name TEXT NOT NULL,"
	"  first_names TEXT NOT NULL,"
	"  used_name TEXT,"
	"  birth_date TEXT NOT NULL,"
	"  sex TEXT NOT NULL CHECK (sex IN ('female','male','other','unknown')),"
	"  birthplace_code TEXT,"
	"  nir TEXT,"
	"  gp_name TEXT,"
	"  gp_rpps TEXT,"
	"  gp_mssante TEXT,"
	"  gp_professional_id INTEGER REFERENCES professionals(id),"
	"  version INTEGER NOT NULL DEFAULT 1"
	");"
	"CREATE INDEX patients_by_name ON patients(structure_id, birth_name, birth_date);"
	"CREATE TABLE episodes ("
	"  id INTEGER PRIMARY KEY,"
	"  structure_id INTEGER NOT NULL REFERENCES structures(id),"
	"  patient_id INTEGER NOT NULL REFERENCES patients(id),"
	"  adoption_id INTEGER NOT NULL REFERENCES adoptions(id),"
	"  protocol_hash TEXT,"
	"  state TEXT NOT NULL,"
	"  version INTEGER NOT NULL DEFAULT 1,"
	"  data TEXT NOT NULL DEFAULT '{}',"
	"  created_by INTEGER NOT NULL REFERENCES accounts(id),"
	"  delegue_id INTEGER REFERENCES professionals(id),"
	"  created_at INTEGER NOT NULL,"
	"  updated_at INTEGER NOT NULL"
	");"
	"CREATE INDEX episodes_by_structure ON episodes(structure_id, state);"
	"CREATE TABLE audit ("
	"  id INTEGER PRIMARY KEY,"
	"  at INTEGER NOT NULL,"
	"  account_id INTEGER NOT NULL,"
	"  action TEXT NOT NULL,"
	"  entity TEXT NOT NULL,"
	"  entity_id INTEGER NOT NULL,"
	"  before_json TEXT,"
	"  after_json TEXT,"
	"  prev_hash TEXT NOT NULL,"
	"  hash TEXT NOT NULL"
	");",
	/* 2: a person working in several structures. The account's own row stays its home
	 * structure (structure, roles, professional); each membership is another structure with
	 * the roles held there. A session remembers the structure chosen (NULL = home). */
	"CREATE TABLE memberships ("
	"  id INTEGER PRIMARY KEY,"
	"  account_id INTEGER NOT NULL REFERENCES accounts(id),"
	"  structure_id INTEGER NOT NULL REFERENCES structures(id),"
	"  professional_id INTEGER REFERENCES professionals(id),"
	"  roles INTEGER NOT NULL CHECK (roles BETWEEN 1 AND 15),"
	"  UNIQUE (account_id, structure_id)"
	");"
	"ALTER TABLE sessions ADD COLUMN structure_id INTEGER REFERENCES structures(id);",
	/* 3 (identity vigilance): the folded birth and used names (capitals, no diacritics,
	 * hyphens and apostrophes as spaces: ident_fold) that search and duplicate checks compare,
	 * indexed so that a search reads only the matching rows; the NIR indexed for the same
	 * reason; merged_into marks a duplicate merged into another record. coop_fold() and
	 * coop_upper() are the SQL functions db_open() registers (ident_fold, utf8_upper): they
	 * fill the folded names of existing rows and repair names stored before upper-casing knew
	 * accents ("LEFèVRE" → "LEFÈVRE"; only the case of letters changes). A PostgreSQL
	 * backend will need the same two functions (or to compute the folded names in C). */
	"ALTER TABLE patients ADD COLUMN birth_name_folded TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE patients ADD COLUMN used_name_folded TEXT;"
	"ALTER TABLE patients ADD COLUMN merged_into INTEGER REFERENCES patients(id);"
	"UPDATE patients SET birth_name = coop_upper(birth_name),"
	"  first_names = coop_upper(first_names), used_name = coop_upper(used_name);"
	"UPDATE patients SET birth_name_folded = coop_fold(birth_name),"
	"  used_name_folded = coop_fold(used_name);"
	"CREATE INDEX patients_by_folded_name ON patients(structure_id, birth_name_folded,"
	"  birth_date);"
	"CREATE INDEX patients_by_folded_used_name ON patients(structure_id, used_name_folded);"
	"CREATE INDEX patients_by_nir ON patients(structure_id, nir);",
	/* 4 (template completions): what the signing délégant completed on the template lines
	 * the protocol leaves open (JSON array), covered by signed_hash */
	"ALTER TABLE adoptions ADD COLUMN signed_completions TEXT;",
	/* 5 (professional's sex): the words of the screens agree with it ("Infirmière",
	 * "déléguée"); NULL when not said */
	"ALTER TABLE professionals ADD COLUMN sex TEXT CHECK (sex IN ('female', 'male'));",
	/* 6 (accounts belong to people): an account is created without a password and activated
	 * by its owner with a one-time code (only its SHA-256 is kept, with its expiry); it may be
	 * disabled or given an end date (its last day, included). Clinical roles follow the
	 * adhesions, so an account or a membership bound to a professional may hold no stored
	 * role: SQLite cannot change a CHECK, so both tables are rebuilt (create, copy every row
	 * as it is, drop, rename; migrate() runs migrations with foreign keys off and checks
	 * them before committing). Stored clinical bits are kept: roles are computed elsewhere. */
	"CREATE TABLE accounts_new ("
	"  id INTEGER PRIMARY KEY,"
	"  structure_id INTEGER NOT NULL REFERENCES structures(id),"
	"  professional_id INTEGER REFERENCES professionals(id),"
	"  login TEXT NOT NULL UNIQUE,"
	"  display_name TEXT NOT NULL,"
	"  password_hash TEXT,"
	"  roles INTEGER NOT NULL CHECK (roles BETWEEN 0 AND 15 AND"
	"    (roles > 0 OR professional_id IS NOT NULL)),"
	"  failed_logins INTEGER NOT NULL DEFAULT 0,"
	"  locked_until INTEGER NOT NULL DEFAULT 0,"
	"  activation_hash TEXT UNIQUE,"
	"  activation_expires_at INTEGER NOT NULL DEFAULT 0,"
	"  disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),"
	"  ends_on TEXT"
	");"
	"INSERT INTO accounts_new (id, structure_id, professional_id, login, display_name,"
	"  password_hash, roles, failed_logins, locked_until)"
	"  SELECT id, structure_id, professional_id, login, display_name, password_hash, roles,"
	"  failed_logins, locked_until FROM accounts;"
	"DROP TABLE accounts;"
	"ALTER TABLE accounts_new RENAME TO accounts;"
	"CREATE TABLE memberships_new ("
	"  id INTEGER PRIMARY KEY,"
	"  account_id INTEGER NOT NULL REFERENCES accounts(id),"
	"  structure_id INTEGER NOT NULL REFERENCES structures(id),"
	"  professional_id INTEGER REFERENCES professionals(id),"
	"  roles INTEGER NOT NULL CHECK (roles BETWEEN 0 AND 15 AND"
	"    (roles > 0 OR professional_id IS NOT NULL)),"
	"  UNIQUE (account_id, structure_id)"
	");"
	"INSERT INTO memberships_new (id, account_id, structure_id, professional_id, roles)"
	"  SELECT id, account_id, structure_id, professional_id, roles FROM memberships;"
	"DROP TABLE memberships;"
	"ALTER TABLE memberships_new RENAME TO memberships;",
	/* 7 (audit that cannot be rewritten): each audit record carries the structure it was
	 * written in (0 = Coop itself, or not derivable), and hash_version says which fields its
	 * chain hash covers (1: without the structure, records written before this migration;
	 * 2: with it; see audit.h). Existing rows get the structure of the patient or episode
	 * (or team record) they are about, else the author's home structure, else 0; they
	 * keep hash_version 1, so their hashes still verify. protocol_files keeps every protocol
	 * file that ever ran, by the SHA-256 of its bytes, so that a decision can be replayed
	 * with the exact version that made it. */
	"ALTER TABLE audit ADD COLUMN structure_id INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE audit ADD COLUMN hash_version INTEGER NOT NULL DEFAULT 1"
	"  CHECK (hash_version IN (1, 2));"
	"UPDATE audit SET structure_id = coalesce("
	"  CASE entity"
	"    WHEN 'patient' THEN (SELECT structure_id FROM patients WHERE id = audit.entity_id)"
	"    WHEN 'episode' THEN (SELECT structure_id FROM episodes WHERE id = audit.entity_id)"
	"    WHEN 'structure' THEN (SELECT id FROM structures WHERE id = audit.entity_id)"
	"    WHEN 'professional' THEN"
	"      (SELECT structure_id FROM professionals WHERE id = audit.entity_id)"
	"    WHEN 'adoption' THEN (SELECT structure_id FROM adoptions WHERE id = audit.entity_id)"
	"    WHEN 'membership' THEN"
	"      (SELECT structure_id FROM memberships WHERE id = audit.entity_id)"
	"    WHEN 'account' THEN (SELECT structure_id FROM accounts WHERE id = audit.entity_id)"
	"  END,"
	"  (SELECT structure_id FROM accounts WHERE id = audit.account_id), 0);"
	"CREATE INDEX audit_by_structure ON audit(structure_id, id);"
	"CREATE TABLE protocol_files ("
	"  hash TEXT PRIMARY KEY,"
	"  protocol_id TEXT NOT NULL,"
	"  text TEXT NOT NULL,"
	"  first_seen INTEGER NOT NULL"
	");",
	/* 8 (episode lists that cost what their page shows): the list facts of each episode
	 * (core/episode_list.h), computed from its document by episode_list_facts_of() and written
	 * with it on every insert and update, so that each list of the home screens is a keyset
	 * range of an index, never a parse of every document. Days are day numbers (coop_date)
	 * like the cursors that carry them; referral_rank and revoyure_until are NULL outside the
	 * délégants' lists, so the partial indexes hold only the rows those lists can return.
	 * Existing rows get list_facts = 0: the revoyure rule needs the protocol files, which SQL
	 * does not read, so `coop serve` fills them at start through the same function
	 * (api_episodes_fill_list_facts()) before answering. episodes_by_state replaces
	 * episodes_by_structure (same leading columns, then the order of the lists). */
	"ALTER TABLE episodes ADD COLUMN list_facts INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE episodes ADD COLUMN arrived_at INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE episodes ADD COLUMN referral_rank INTEGER;"
	"ALTER TABLE episodes ADD COLUMN referral_day INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE episodes ADD COLUMN delegant_called_id INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE episodes ADD COLUMN revoyure_pending INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE episodes ADD COLUMN decision_day INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE episodes ADD COLUMN revoyure_until INTEGER;"
	"UPDATE episodes SET arrived_at = created_at;"
	"DROP INDEX episodes_by_structure;"
	"CREATE INDEX episodes_recent ON episodes(structure_id, updated_at, id);"
	"CREATE INDEX episodes_by_state ON episodes(structure_id, state, updated_at, id);"
	"CREATE INDEX episodes_by_adoption ON episodes(adoption_id, updated_at, id);"
	"CREATE INDEX episodes_by_adoption_state ON episodes(adoption_id, state, updated_at, id);"
	"CREATE INDEX episodes_run ON episodes(delegue_id, adoption_id, updated_at, id)"
	"  WHERE delegue_id IS NOT NULL;"
	"CREATE INDEX episodes_queue_waiting ON episodes(adoption_id, arrived_at, id)"
	"  WHERE state = 'consented';"
	"CREATE INDEX episodes_queue_run ON episodes(delegue_id, adoption_id, arrived_at, id)"
	"  WHERE state IN ('assessing', 'included', 'excluded', 'follow_up');"
	"CREATE INDEX episodes_referrals ON episodes(adoption_id, delegant_called_id,"
	"  referral_rank, referral_day, id) WHERE referral_rank IS NOT NULL;"
	"CREATE INDEX episodes_referrals_pending ON episodes(adoption_id, delegant_called_id,"
	"  referral_day, id) WHERE referral_rank IS NOT NULL AND revoyure_pending = 1;"
	"CREATE INDEX episodes_revoyures ON episodes(adoption_id, revoyure_until, id)"
	"  WHERE revoyure_until IS NOT NULL;"
	"CREATE INDEX episodes_unfilled ON episodes(id) WHERE list_facts = 0;"
	/* one patient's episodes under one protocol (db_episode_list_for), newest first */
	"CREATE INDEX episodes_by_patient ON episodes(patient_id, adoption_id, id);",
	/* 9 (audit log that stays fast): the coordinator's audit log lists a structure's records
	 * newest first by (at, id) and filters on action, entity, author and a time range; one
	 * index per filter, each ending with the time (the rowid, id, follows implicitly), so
	 * that every filter, with or without a time range, is a range scan reading only the rows
	 * it returns. audit_by_time replaces audit_by_structure (structure_id, id): a time range
	 * cannot use it, since `at` is not guaranteed to follow `id`. */
	"CREATE INDEX audit_by_time ON audit(structure_id, at);"
	"CREATE INDEX audit_by_action ON audit(structure_id, action, at);"
	"CREATE INDEX audit_by_entity ON audit(structure_id, entity, at);"
	"CREATE INDEX audit_by_account ON audit(structure_id, account_id, at);"
	"DROP INDEX audit_by_structure;",
	/* 10 (search reads only its page): a patient search is the merge, in order, of the
	 * patients whose folded birth name starts with the term and of those whose folded used
	 * name does, each sorted by (that name, first names, id) and paged by that key; these
	 * indexes hold exactly that order for the records not merged away (partial indexes), with
	 * and without the birth date, so that a page reads its own rows and stops. The candidates
	 * of a duplicate check (same folded birth name and date) read the birth-date one. They
	 * replace the indexes of migrations 1 and 3 that only a search or a duplicate check used
	 * (patients_by_name was used by none). The accounts of a structure page by login. */
	"CREATE INDEX patients_search_birth ON patients(structure_id, birth_name_folded,"
	"  first_names, id) WHERE merged_into IS NULL;"
	"CREATE INDEX patients_search_used ON patients(structure_id, used_name_folded,"
	"  first_names, id) WHERE merged_into IS NULL AND used_name_folded IS NOT NULL;"
	"CREATE INDEX patients_search_born ON patients(structure_id, birth_date,"
	"  birth_name_folded, first_names, id) WHERE merged_into IS NULL;"
	"CREATE INDEX patients_search_born_used ON patients(structure_id, birth_date,"
	"  used_name_folded, first_names, id) WHERE merged_into IS NULL"
	"  AND used_name_folded IS NOT NULL;"
	"DROP INDEX patients_by_name;"
	"DROP INDEX patients_by_folded_name;"
	"DROP INDEX patients_by_folded_used_name;"
	"CREATE INDEX accounts_by_structure ON accounts(structure_id, login);",
};

int schema_sqlite_count(void)
{
	return (int)(sizeof(migrations) / sizeof(migrations[0]));
}

const char *schema_sqlite_migration(int k)
{
	if (k < 1 || k > schema_sqlite_count())
		return NULL;
	return migrations[k - 1];
}
