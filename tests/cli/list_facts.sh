#!/usr/bin/env bash
# list_facts.sh — the list columns of migration 8 are filled the same way everywhere: a database
# built by bench_gen (which fills them through list_facts_of_document(), as the API does) has its
# columns cleared as migration 8 leaves existing rows (list_facts = 0); `coop serve` fills them
# again at start through the same function before answering, to the same values.
# Usage: list_facts.sh COOP_EXECUTABLE BENCH_GEN_EXECUTABLE   (needs sqlite3)
set -euo pipefail
coop=$1
gen=$2
dir=$(mktemp -d)
server=
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$dir"' EXIT
db=$dir/lists.db
fail() { echo "ÉCHEC : $*" >&2; exit 1; }

"$gen" --db "$db" --structures 1 --episodes 400 --seed 11 >/dev/null || fail "génération"
facts="SELECT id, list_facts, arrived_at, referral_rank, referral_day, delegant_called_id,
  revoyure_pending, decision_day, revoyure_until FROM episodes ORDER BY id"
sqlite3 "$db" "$facts" >"$dir/gen.txt"
[ "$(sqlite3 "$db" "SELECT count(*) FROM episodes WHERE referral_rank IS NOT NULL")" -gt 0 ] ||
	fail "aucune réorientation dans la base générée"
[ "$(sqlite3 "$db" "SELECT count(*) FROM episodes WHERE arrived_at = 0")" = 0 ] ||
	fail "arrivée non remplie par le générateur"
sqlite3 "$db" "UPDATE episodes SET list_facts = 0, arrived_at = 0, referral_rank = NULL,
  referral_day = 0, delegant_called_id = 0, revoyure_pending = 0, decision_day = 0,
  revoyure_until = NULL"
"$coop" serve --db "$db" --listen 127.0.0.1:0 --threads 1 >"$dir/out" 2>&1 &
server=$!
for _ in $(seq 1 100); do
	grep -q "Coop sert" "$dir/out" && break
	kill -0 "$server" 2>/dev/null || fail "le serveur s'est arrêté : $(cat "$dir/out")"
	sleep 0.1
done
grep -q "colonnes des listes remplies pour 400 épisodes" "$dir/out" || fail "message du remplissage"
kill "$server"
wait "$server" 2>/dev/null || true
server=
sqlite3 "$db" "$facts" >"$dir/serve.txt"
cmp -s "$dir/gen.txt" "$dir/serve.txt" || fail "colonnes remplies au démarrage différentes du générateur"
echo "list_facts : colonnes des listes identiques (générateur, démarrage du serveur)."
