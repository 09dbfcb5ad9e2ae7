#!/usr/bin/env bash
# bench_gen.sh — the scale generator at a small size: it refuses an existing non-empty file, its
# database's audit chain verifies (`coop audit verify`), every pathway state is present with 5
# read traces per episode, and every account has an Argon2id password hash.
# Usage: bench_gen.sh COOP_EXECUTABLE BENCH_GEN_EXECUTABLE   (needs sqlite3)
set -euo pipefail
coop=$1
gen=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
db=$dir/scale.db
fail() { echo "ÉCHEC : $*" >&2; exit 1; }

"$gen" --help | grep -q "Usage : bench_gen" || fail "aide"
"$gen" --db "$db" --structures 2 --episodes 600 --seed 7 >"$dir/out" || fail "génération"
grep -q "100 % : 600 prises en charge" "$dir/out" || fail "progression"
grep -q "Ko par prise en charge" "$dir/out" || fail "taille par prise en charge"
"$coop" audit verify --db "$db" >"$dir/out" || fail "chaîne refusée"
grep -q "intact" "$dir/out" || fail "message intact"
[ "$(sqlite3 "$db" "SELECT count(*) FROM episodes")" = 600 ] || fail "nombre de prises en charge"
states=$(sqlite3 "$db" "SELECT count(DISTINCT state) FROM episodes")
[ "$states" = 10 ] || fail "toutes les étapes du parcours attendues ($states)"
reads=$(sqlite3 "$db" "SELECT count(*) FROM audit WHERE action = 'read'")
[ "$reads" = 3000 ] || fail "5 traces de lecture par prise en charge ($reads)"
[ "$(sqlite3 "$db" "SELECT count(*) FROM accounts WHERE password_hash LIKE '\$argon2id\$%'")" = 14 ] ||
	fail "comptes avec mot de passe"
if "$gen" --db "$db" --structures 1 --episodes 1 >"$dir/out" 2>&1; then
	fail "fichier existant accepté"
fi
grep -q "existe déjà" "$dir/out" || fail "message du refus"
"$gen" --db "$dir/x.db" --structures 0 --episodes 1 >"$dir/out" 2>&1 && fail "0 structure accepté"
echo "bench_gen : base de mesure vérifiée."
