#!/usr/bin/env bash
# serve_timeout.sh — `coop serve --query-timeout MS`: documented in the help, refused (exit
# status 2, a French message naming the option) when not a number of milliseconds from 1 to
# 600000, accepted otherwise (the server then starts and answers).
# Usage: serve_timeout.sh COOP_EXECUTABLE
set -euo pipefail
coop=$1
dir=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$dir"' EXIT
fail() { echo "ÉCHEC : $*" >&2; exit 1; }

"$coop" serve --help | grep -q -- "--query-timeout" || fail "option absente de l'aide"
"$coop" init --db "$dir/coop.db" --demo >/dev/null || fail "init"
for bad in 0 -5 600001 abc 10ms ""; do
	status=0
	"$coop" serve --db "$dir/coop.db" --query-timeout "$bad" 2>"$dir/err" || status=$?
	[ "$status" = 2 ] || fail "--query-timeout « $bad » accepté (statut $status)"
	grep -q -- "--query-timeout attend un nombre de millisecondes" "$dir/err" ||
		fail "message du refus de « $bad »"
done
port=$((41000 + $$ % 19000))
"$coop" serve --db "$dir/coop.db" --listen "127.0.0.1:$port" --query-timeout 250 \
	>/dev/null 2>&1 &
pid=$!
for _ in $(seq 50); do
	if curl -sf "http://127.0.0.1:$port/api/v1/health" >/dev/null 2>&1; then
		echo "serve --query-timeout : options vérifiées."
		exit 0
	fi
	sleep 0.1
done
fail "le serveur ne répond pas avec --query-timeout 250"
