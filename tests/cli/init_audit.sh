#!/usr/bin/env bash
# init_audit.sh — `coop init --demo` then `coop audit verify`: a fresh demo database verifies;
# a second init changes nothing; a database of schema 1 upgrades; editing, deleting or
# inserting an audit record by hand is detected (exit status 1, the record named).
# The current schema number is read from `coop init`'s own message; undoing the migrations down
# to schema 1 lists each migration's undo below (a new migration adds its own).
# Usage: init_audit.sh COOP_EXECUTABLE   (needs sqlite3 and node)
set -euo pipefail
coop=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
db=$dir/coop.db
fail() { echo "ÉCHEC : $*" >&2; exit 1; }

"$coop" init --db "$db" --demo >"$dir/out" || fail "init --demo"
grep -q "Démonstration créée" "$dir/out" || fail "message de création"
# the current schema number, as coop says it ("Base … prête (schéma N).")
latest=$(sed -n 's/.*(schéma \([0-9]*\)).*/\1/p' "$dir/out")
[ -n "$latest" ] || fail "numéro de schéma absent"
[ "$(stat -c %a "$db")" = 600 ] || fail "base lisible par d'autres que son propriétaire"
"$coop" audit verify --db "$db" >"$dir/out" || fail "chaîne neuve refusée"
grep -q "intact" "$dir/out" || fail "message intact"
count=$(sqlite3 "$db" "SELECT count(*) FROM audit")
[ "$count" -gt 10 ] || fail "trop peu d'enregistrements d'audit ($count)"

"$coop" init --db "$db" --demo >"$dir/out" || fail "second init"
grep -q "déjà" "$dir/out" || fail "second init doit ne rien ajouter"
[ "$(sqlite3 "$db" "SELECT count(*) FROM accounts")" = 7 ] || fail "comptes en double"
[ "$(sqlite3 "$db" "SELECT count(*) FROM memberships")" = 1 ] || fail "appartenances en double"

# a database of schema 1 (before memberships) upgrades, its data kept
cp "$db" "$dir/v1.db"
# (undo migration 10 — the search and account indexes, the indexes they replaced back —,
# migration 9, the audit log's indexes, migration 8, the episode lists' facts and indexes, the audit's migration — structure of each record, protocol files —, the accounts'
# migration — activation codes, disabling, end dates: the table as schema 1 made it —, migration 5,
# professional's sex, migration 4, template completions, migration 3, identity vigilance, then migration 2)
sqlite3 "$dir/v1.db" "DROP INDEX patients_search_birth; DROP INDEX patients_search_used;
  DROP INDEX patients_search_born; DROP INDEX patients_search_born_used;
  DROP INDEX accounts_by_structure;
  CREATE INDEX patients_by_name ON patients(structure_id, birth_name, birth_date);
  CREATE INDEX patients_by_folded_name ON patients(structure_id, birth_name_folded, birth_date);
  CREATE INDEX patients_by_folded_used_name ON patients(structure_id, used_name_folded);
  CREATE INDEX audit_by_structure ON audit(structure_id, id);
  DROP INDEX audit_by_time; DROP INDEX audit_by_action; DROP INDEX audit_by_entity;
  DROP INDEX audit_by_account;
  DROP INDEX episodes_recent; DROP INDEX episodes_by_state;
  DROP INDEX episodes_by_adoption; DROP INDEX episodes_by_adoption_state; DROP INDEX episodes_run;
  DROP INDEX episodes_queue_waiting; DROP INDEX episodes_queue_run; DROP INDEX episodes_referrals;
  DROP INDEX episodes_referrals_pending; DROP INDEX episodes_revoyures; DROP INDEX episodes_unfilled;
  DROP INDEX episodes_by_patient;
  CREATE INDEX episodes_by_structure ON episodes(structure_id, state);
  ALTER TABLE episodes DROP COLUMN list_facts; ALTER TABLE episodes DROP COLUMN arrived_at;
  ALTER TABLE episodes DROP COLUMN referral_rank; ALTER TABLE episodes DROP COLUMN referral_day;
  ALTER TABLE episodes DROP COLUMN delegant_called_id; ALTER TABLE episodes DROP COLUMN revoyure_pending;
  ALTER TABLE episodes DROP COLUMN decision_day; ALTER TABLE episodes DROP COLUMN revoyure_until;
  DROP TABLE protocol_files; DROP INDEX audit_by_structure;
  ALTER TABLE audit DROP COLUMN structure_id; ALTER TABLE audit DROP COLUMN hash_version;
  CREATE TABLE accounts_v1 (id INTEGER PRIMARY KEY,
    structure_id INTEGER NOT NULL REFERENCES structures(id),
    professional_id INTEGER REFERENCES professionals(id), login TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL, password_hash TEXT NOT NULL,
    roles INTEGER NOT NULL CHECK (roles BETWEEN 1 AND 15),
    failed_logins INTEGER NOT NULL DEFAULT 0, locked_until INTEGER NOT NULL DEFAULT 0);
  INSERT INTO accounts_v1 SELECT id, structure_id, professional_id, login, display_name,
    password_hash, roles, failed_logins, locked_until FROM accounts;
  DROP TABLE accounts; ALTER TABLE accounts_v1 RENAME TO accounts;
  ALTER TABLE professionals DROP COLUMN sex;
  ALTER TABLE adoptions DROP COLUMN signed_completions;
  DROP INDEX patients_by_folded_name; DROP INDEX patients_by_folded_used_name;
  DROP INDEX patients_by_nir; ALTER TABLE patients DROP COLUMN birth_name_folded;
  ALTER TABLE patients DROP COLUMN used_name_folded; ALTER TABLE patients DROP COLUMN merged_into;
  DROP TABLE memberships; ALTER TABLE sessions DROP COLUMN structure_id;
  PRAGMA user_version = 1"
# its audit records as the Coop of schema 1 wrote them: hash version 1, without the structure,
# their JSON as text (the long ones are stored compressed; tests/api/episode_doc.c)
"$(dirname "$coop")/tests/episode_doc" "$dir/v1.db" --audit-text || fail "JSON d'audit en texte"
sqlite3 -json "$dir/v1.db" "SELECT * FROM audit ORDER BY id" |
  node "$(dirname "$0")/rechain.mjs" | sqlite3 "$dir/v1.db"
"$coop" init --db "$dir/v1.db" >"$dir/out" || fail "mise à jour d'une base au schéma 1"
grep -q "schéma $latest" "$dir/out" || fail "schéma $latest attendu après la mise à jour"
[ "$(sqlite3 "$dir/v1.db" "SELECT count(*) FROM memberships")" = 0 ] || fail "appartenances"
[ "$(sqlite3 "$dir/v1.db" "SELECT count(*) FROM accounts")" = 7 ] || fail "comptes perdus"
"$coop" audit verify --db "$dir/v1.db" >/dev/null || fail "chaîne après mise à jour"
# the old records keep their hash version; their structure is derived from what they are about
[ "$(sqlite3 "$dir/v1.db" "SELECT count(*) FROM audit WHERE hash_version <> 1")" = 0 ] ||
  fail "version d'empreinte des anciens enregistrements"
[ "$(sqlite3 "$dir/v1.db" "SELECT count(*) FROM audit WHERE entity = 'account' AND
  structure_id = 0")" = 0 ] || fail "structure des anciens enregistrements non déduite"

cp "$db" "$dir/orig.db"
# rechain.mjs refuses a compressed JSON rather than mangle it (episode_doc --audit-text first)
if sqlite3 -json "$db" "SELECT * FROM audit ORDER BY id" |
  node "$(dirname "$0")/rechain.mjs" >/dev/null 2>&1; then fail "rechain.mjs sur un blob"; fi
sqlite3 "$db" "UPDATE audit SET after_json = '{}' WHERE id = 3"
if "$coop" audit verify --db "$db" >"$dir/out"; then fail "modification non détectée"; fi
grep -q "n° 3" "$dir/out" || fail "enregistrement modifié non nommé"

# a damaged compressed JSON (stored so from 128 bytes on): named like an altered record
cp "$dir/orig.db" "$db"; rm -f "$db-wal" "$db-shm"
zipped=$(sqlite3 "$db" "SELECT min(id) FROM audit WHERE typeof(after_json) = 'blob'")
[ -n "$zipped" ] || fail "aucun JSON d'audit compressé"
sqlite3 "$db" "UPDATE audit SET after_json = substr(after_json, 1, 20) WHERE id = $zipped"
if "$coop" audit verify --db "$db" >"$dir/out"; then fail "JSON compressé abîmé non détecté"; fi
grep -q "n° $zipped" "$dir/out" || fail "enregistrement au JSON abîmé non nommé"

cp "$dir/orig.db" "$db"; rm -f "$db-wal" "$db-shm"
sqlite3 "$db" "DELETE FROM audit WHERE id = 5"
if "$coop" audit verify --db "$db" >/dev/null; then fail "suppression non détectée"; fi

cp "$dir/orig.db" "$db"; rm -f "$db-wal" "$db-shm"
sqlite3 "$db" "INSERT INTO audit (id, at, account_id, action, entity, entity_id, prev_hash, hash)
  VALUES (1000, 1, 0, 'create', 'x', 1, 'a', 'b')"
if "$coop" audit verify --db "$db" >/dev/null; then fail "insertion non détectée"; fi

# usage errors: exit status 2
set +e
"$coop" init >/dev/null 2>&1; [ $? = 2 ] || fail "init sans --db"
"$coop" audit verify >/dev/null 2>&1; [ $? = 2 ] || fail "audit sans --db"
"$coop" audit verify --db "$dir/absent.db" >/dev/null 2>&1; [ $? = 1 ] || fail "base absente"
set -e
echo "init et audit : tout est conforme"
