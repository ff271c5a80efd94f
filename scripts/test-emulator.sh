#!/usr/bin/env bash
# Runs `make emulator` the way the README tells a newcomer to, and checks that
# it works on a fresh clone (its directory does not exist yet), that its env
# file names its metadata host (the Go tests check what the file holds), and that
# `kill -TERM` of make stops the emulator and removes the env file.
set -euo pipefail

# shellcheck source=scripts/lib.sh
source "$(dirname "$0")/lib.sh"
work="$(mktemp -d)"
dir="$work/fresh/.tools"
make_pid=""
cleanup() {
  [[ -z "$make_pid" ]] || kill "$make_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

echo "==> make emulator EMULATOR_DIR=$dir (a directory that does not exist yet)"
"${MAKE:-make}" -C "$root" --no-print-directory emulator EMULATOR_DIR="$dir" >"$work/emulator.log" 2>&1 &
make_pid=$!
for _ in $(seq 1 600); do
  [[ -s "$dir/emulator.env" ]] && break
  kill -0 "$make_pid" 2>/dev/null || break
  sleep 0.1
done
if [[ -s "$dir/emulator.env" ]]; then
  ok "the emulator started and wrote $dir/emulator.env"
else
  cat "$work/emulator.log"
  fail "no env file"
  report emulator || exit 1
fi

host="$(sed -n 's/^export ARM_METADATA_HOSTNAME=//p' "$dir/emulator.env")"
port="${host##*:}"
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
[[ -n "$host" ]] && listening "$port" && ok "the env file names the emulator's metadata host ($host), which listens" ||
  fail "no listening ARM_METADATA_HOSTNAME in the env file: $(cat "$dir/emulator.env")"

kill -TERM "$make_pid"
wait "$make_pid" 2>/dev/null || true
make_pid=""
gone=""
for _ in $(seq 1 50); do
  if ! listening "$port"; then gone=1 && break; fi
  sleep 0.1
done
[[ -n "$gone" ]] && ok "kill -TERM of make stopped the emulator (port $port closed)" || fail "the emulator still listens on $port after kill -TERM of make"
[[ ! -e "$dir/emulator.env" ]] && ok "the env file is gone" || fail "$dir/emulator.env is still there"
[[ -e "$dir/emulator-ca.pem" ]] && ok "the CA stays for the next start" || fail "the CA is gone"

report emulator
