#!/usr/bin/env bash
# audit_checkpoints.sh — the audit chain anchored outside the database. Reproduces the findings
# of issue 10 (deleting read traces and recomputing the chain, or cutting the last records, left
# `coop audit verify` saying "intact") and checks that with signed checkpoints (`coop serve
# --audit-key --checkpoints`, `coop audit verify --checkpoints`) a rewrite, a deletion and a
# truncation are detected, a tampered or foreign-signed checkpoint is refused, the server refuses
# to sign over a rewritten chain, the files are readable by their owner only, and a read's
# trace is on disk before its answer by default.
# Usage: audit_checkpoints.sh COOP_EXECUTABLE   (needs sqlite3, curl and node)
set -euo pipefail
coop=$(realpath "$1")
here=$(dirname "$(realpath "$0")")
dir=$(mktemp -d)
server=
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT
db=$dir/coop.db key=$dir/audit.key cp=$dir/checkpoints
fail() { echo "ÉCHEC : $*" >&2; exit 1; }
mode() { stat -c %a "$1"; }
# the long JSON of audit records is stored compressed: rewritten as text first (rechain.mjs)
audit_text() { "$(dirname "$coop")/tests/episode_doc" "$1" --audit-text; }
rechain() {
	audit_text "$1"
	sqlite3 -json "$1" "SELECT * FROM audit ORDER BY id" | node "$here/rechain.mjs" | sqlite3 "$1"
}
verify() { "$coop" audit verify --db "$1" "${@:2}" >"$dir/out" 2>&1; }
port=$((21000 + $$ % 20000))

# serve DB [options...]: starts the server and signs in as accueil
serve() {
	"$coop" serve --db "$1" --listen "127.0.0.1:$port" --protocols protocols "${@:2}" \
		>"$dir/serve.out" 2>&1 &
	server=$!
	for _ in $(seq 100); do
		curl -sf "http://127.0.0.1:$port/api/v1/health" >/dev/null 2>&1 && return 0
		kill -0 "$server" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}
stop() { kill -TERM "$server"; wait "$server" || true; server=; }
reads() { # N list reads of patient data by accueil: N read traces
	curl -sf -c "$dir/cookies" -H 'Content-Type: application/json' \
		-d '{"login":"accueil","password":"demo-accueil-2026"}' \
		"http://127.0.0.1:$port/api/v1/session" >/dev/null || fail "connexion"
	for _ in $(seq "$1"); do
		curl -sf -b "$dir/cookies" "http://127.0.0.1:$port/api/v1/episodes" >/dev/null ||
			fail "lecture"
	done
}

"$coop" init --db "$db" --demo >/dev/null || fail "init --demo"
"$coop" audit key --out "$key" >"$dir/out" || fail "audit key"
[ -s "$key.pub" ] || fail "clé publique absente"
for f in "$db" "$key" "$key.pub"; do [ "$(mode "$f")" = 600 ] || fail "$f : mode $(mode "$f")"; done
if "$coop" audit key --out "$key" >/dev/null 2>&1; then fail "clé existante remplacée"; fi
grep -q "coop-audit-public-key-v1" "$key.pub" || fail "format de la clé publique"

serve "$db" --audit-key "$key" --checkpoints "$cp" --checkpoint-records 10 ||
	fail "serve avec points de contrôle"
reads 30
sleep 1.5 # the checkpoint thread looks each second: 31 new records, a checkpoint is due
reads 1   # 2 records, too few for another: only the checkpoint at stop signs them
stop
for f in "$db" "$db-wal" "$db-shm" "$cp"; do
	[ ! -e "$f" ] || [ "$(mode "$f")" = 600 ] || fail "$f : mode $(mode "$f")"
done
# at least: at start, after 10 records, at stop
[ "$(wc -l <"$cp")" -ge 3 ] || fail "trop peu de points de contrôle ($(wc -l <"$cp"))"
total=$(sqlite3 "$db" "SELECT count(*) FROM audit")
[ "$(tail -1 "$cp" | cut -d' ' -f2)" = "$total" ] || fail "dernier point de contrôle ≠ fin"
verify "$db" --checkpoints "$cp" --public-key "$key.pub" || { cat "$dir/out"; fail "intact refusé"; }
grep -q "intact" "$dir/out" || fail "message intact"
verify "$db" || fail "chaîne seule"
grep -q "Sans points de contrôle" "$dir/out" || fail "limite sans points de contrôle non dite"
verify "$db" --checkpoints "$cp" --public-key "$key" --from-last || fail "--from-last"
grep -q "depuis le dernier point de contrôle" "$dir/out" || fail "message --from-last"
grep -q "^Journal d'audit intact : 0 enregistrements" "$dir/out" || fail "compte --from-last"
cp "$db" "$dir/orig.db"
restore() { cp "$dir/orig.db" "$db"; rm -f "$db-wal" "$db-shm"; }

# --from-last still sees a base cut below the last checkpoint, and a change to the
# checkpoint's own record (it walks that one record again, read by its id)
sqlite3 "$db" "DELETE FROM audit WHERE id > $total - 3"
if verify "$db" --checkpoints "$cp" --public-key "$key.pub" --from-last; then
	fail "troncature non vue par --from-last"
fi
grep -q "TRONQUÉ" "$dir/out" || fail "troncature non nommée par --from-last"
restore
sqlite3 "$db" "UPDATE audit SET entity_id = entity_id + 1 WHERE id = $total"
if verify "$db" --checkpoints "$cp" --public-key "$key.pub" --from-last; then
	fail "modification du dernier enregistrement signé non vue par --from-last"
fi
restore

# 1. the secretary's read traces deleted, the chain recomputed: the chain alone says intact
sqlite3 "$db" "DELETE FROM audit WHERE action = 'list' AND entity = 'episode' AND id % 3 = 0"
rechain "$db"
verify "$db" || fail "la chaîne recalculée devrait se vérifier seule"
if verify "$db" --checkpoints "$cp" --public-key "$key.pub"; then
	cat "$dir/out"; fail "suppression de traces de lecture non détectée"
fi
grep -Eq "RÉÉCRIT|TRONQUÉ" "$dir/out" || fail "message de réécriture"

# 2. the last 20 records cut: the chain alone says intact
restore
sqlite3 "$db" "DELETE FROM audit WHERE id > (SELECT max(id) - 20 FROM audit)"
verify "$db" || fail "la chaîne tronquée devrait se vérifier seule"
if verify "$db" --checkpoints "$cp" --public-key "$key.pub"; then fail "troncature non détectée"; fi
grep -q "TRONQUÉ" "$dir/out" || fail "message de troncature"

# 3. one record changed, the chain recomputed
restore
sqlite3 "$db" "UPDATE audit SET after_json = '{}' WHERE id = 3"
rechain "$db"
if verify "$db" --checkpoints "$cp" --public-key "$key.pub"; then fail "réécriture non détectée"; fi
grep -q "RÉÉCRIT" "$dir/out" || fail "message de réécriture (n° 3)"

# 4. a record changed without recomputing: the chain says where
restore
sqlite3 "$db" "UPDATE audit SET account_id = 1 WHERE id = 5"
if verify "$db" --checkpoints "$cp"; then fail "modification non détectée"; fi
grep -q "n° 5" "$dir/out" || fail "enregistrement modifié non nommé"
# the server's start-up walks only from the last checkpoint on (its cost follows the records
# since then): a change in place before it, chain not recomputed, is left to the whole walk
# of `coop audit verify` above
cp "$cp" "$dir/cp.before4"
serve "$db" --audit-key "$key" --checkpoints "$cp" || fail "serve après une modification ancienne"
stop
cp "$dir/cp.before4" "$cp"

# 5. a checkpoint line edited, or cut short, is refused
restore
cp "$cp" "$dir/cp.orig"
sed -i '1s/ \([0-9]*\) / 9\1 /' "$cp"
if verify "$db" --checkpoints "$cp"; then fail "point de contrôle modifié accepté"; fi
grep -q "signature invalide" "$dir/out" || fail "message de signature"
head -c -5 "$dir/cp.orig" >"$cp"
if verify "$db" --checkpoints "$cp"; then fail "point de contrôle incomplet accepté"; fi
head -c -1 "$dir/cp.orig" >"$cp" # only the last newline lost: the next line would be glued on
if verify "$db" --checkpoints "$cp"; then fail "point de contrôle sans fin de ligne accepté"; fi
grep -q "ligne incomplète" "$dir/out" || fail "message de ligne incomplète"
cp "$dir/cp.orig" "$cp"

# 6. the server refuses to sign over a rewritten chain
sqlite3 "$db" "DELETE FROM audit WHERE id = 4"
rechain "$db"
if serve "$db" --audit-key "$key" --checkpoints "$cp"; then stop; fail "serve a signé une chaîne réécrite"; fi
wait "$server" 2>/dev/null || true; server=
grep -q "ne correspond plus au dernier point de contrôle" "$dir/serve.out" ||
	{ cat "$dir/serve.out"; fail "message du serveur"; }
[ "$(wc -l <"$cp")" = "$(wc -l <"$dir/cp.orig")" ] || fail "point de contrôle ajouté"

# 6b. nor over a chain broken after the last checkpoint: records written without checkpoints,
# one of them altered, then the server started with checkpoints
restore
cp "$dir/cp.orig" "$cp"
serve "$db" || fail "serve sans points de contrôle"
reads 3
stop
sqlite3 "$db" "UPDATE audit SET entity_id = 77 WHERE id = (SELECT max(id) - 1 FROM audit)"
if serve "$db" --audit-key "$key" --checkpoints "$cp"; then stop; fail "serve a signé une chaîne altérée"; fi
wait "$server" 2>/dev/null || true; server=
grep -q "aucun point de contrôle n'est signé" "$dir/serve.out" ||
	{ cat "$dir/serve.out"; fail "message du serveur (chaîne altérée)"; }
[ "$(wc -l <"$cp")" = "$(wc -l <"$dir/cp.orig")" ] || fail "point de contrôle ajouté sur une chaîne altérée"
restore
cp "$dir/cp.orig" "$cp"
sqlite3 "$db" "DELETE FROM audit WHERE id = 4"
rechain "$db"

# 7. what is NOT detected, as the help says: someone holding another key re-signs a rewritten
# chain in a new file; only --public-key tells
"$coop" audit key --out "$dir/other.key" >/dev/null
serve "$db" --audit-key "$dir/other.key" --checkpoints "$dir/cp.other" || fail "serve autre clé"
stop
verify "$db" --checkpoints "$dir/cp.other" || fail "re-signé sans --public-key : accepté, avec un avertissement"
grep -q "Attention" "$dir/out" || fail "avertissement sans --public-key"
if verify "$db" --checkpoints "$dir/cp.other" --public-key "$key.pub"; then
	fail "clé étrangère acceptée"
fi
grep -q "autre clé" "$dir/out" || fail "message de clé étrangère"
"$coop" audit --help | grep -q "Ne sont PAS détectés" || fail "aide : limites"

# read traces are durable by default: each read's trace is in the database when its answer
# arrives (read at once: a trace written in the background a few milliseconds later, as with
# --deferred-read-traces, is often not there yet)
restore
serve "$db" || fail "serve par défaut"
reads 1
for _ in $(seq 10); do
	before=$(sqlite3 "$db" "SELECT count(*) FROM audit WHERE action = 'list'")
	curl -sf -b "$dir/cookies" "http://127.0.0.1:$port/api/v1/episodes" >/dev/null || fail "lecture"
	after=$(sqlite3 "$db" "SELECT count(*) FROM audit WHERE action = 'list'")
	[ "$after" = $((before + 1)) ] || fail "trace de lecture absente à la réponse ($before → $after)"
done
stop

# usage errors: exit status 2
set +e
"$coop" audit verify --db "$db" --public-key "$key.pub" >/dev/null 2>&1; [ $? = 2 ] || fail "--public-key seul"
"$coop" audit key >/dev/null 2>&1; [ $? = 2 ] || fail "key sans --out"
"$coop" serve --db "$db" --audit-key "$key" >/dev/null 2>&1; [ $? = 2 ] || fail "--audit-key seul"
set -e
echo "points de contrôle du journal d'audit : tout est conforme"
