#!/usr/bin/env bash
# bench-peer.sh: alert ingest of the shipped `warroom serve` side by side
# with Debian's prometheus-alertmanager and a bare Go handler, on loopback,
# driven by one load generator (cmd/loadgen). Run through `make bench-peer`.
#
# warroom runs as users run it: `warroom serve` built from this tree, its
# SQLite file on disk, announcements on (to the web console's #incidents),
# the outbox worker and the HTTP middleware in place, the webhook token set.
# Alertmanager takes the same alerts on POST /api/v2/alerts (its in-memory
# store, one route, no notifications sent). The runs alternate between the
# servers over several pairs; the report prints each server's alerts/s and
# CPU per request (from /proc/PID/stat) and warroom's ratios, min–max over
# the pairs. Nothing here touches the internet; apt-get installs
# Alertmanager when it is missing (sudo when not root).
#
# Arguments (make bench-peer BENCH_FLAGS=...) go to `loadgen compare`, e.g.
#   make bench-peer BENCH_FLAGS='-pairs 5 -duration 10s -senders 8,32,64'
set -euo pipefail

cd "$(dirname "$0")/.."
AM_BIN=${AM_BIN:-/usr/bin/prometheus-alertmanager}
GO=${GO:-go}

if [ ! -x "$AM_BIN" ]; then
	sudo=""
	if [ "$(id -u)" -ne 0 ]; then
		command -v sudo >/dev/null || { echo "prometheus-alertmanager is missing and this is not root (no sudo): install it first" >&2; exit 1; }
		sudo="sudo -n"
	fi
	echo "installing prometheus-alertmanager with apt-get (its service is not started: this script runs the binary)"
	DEBIAN_FRONTEND=noninteractive $sudo apt-get update -q </dev/null
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends prometheus-alertmanager </dev/null
fi

make --no-print-directory build >/dev/null
mkdir -p bin
$GO build -o bin/loadgen ./cmd/loadgen

work=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
	rm -rf "$work"
}
trap cleanup EXIT INT TERM

# Ports from this shell's pid, so that two runs on one machine do not meet.
base=$((20000 + ($$ % 9000) * 4))
am_addr=127.0.0.1:$base
wr_addr=127.0.0.1:$((base + 1))
bare_addr=127.0.0.1:$((base + 2))
token=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')

cat >"$work/alertmanager.yml" <<YAML
route:
  receiver: sink
  group_by: [alertname]
receivers:
  - name: sink
YAML
"$AM_BIN" --config.file="$work/alertmanager.yml" --storage.path="$work/am" \
	--web.listen-address="$am_addr" --cluster.listen-address= --log.level=warn \
	>"$work/alertmanager.log" 2>&1 &
pids+=($!)
am_pid=$!

mkdir -p "$work/warroom"
(cd "$work/warroom" && exec env -i PATH="$PATH" HOME="$work/warroom" WARROOM_ADDR="$wr_addr" \
	WARROOM_DB="$work/warroom/warroom.db" WARROOM_WEBHOOK_TOKEN="$token" "$OLDPWD/bin/warroom" serve) \
	>"$work/warroom.log" 2>&1 &
pids+=($!)
wr_pid=$!

bin/loadgen bare -addr "$bare_addr" >"$work/bare.log" 2>&1 &
pids+=($!)
bare_pid=$!

ready() { # url name log
	for _ in $(seq 200); do
		curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
		sleep 0.1 # polling with a deadline
	done
	echo "$2 did not become ready:" >&2
	cat "$3" >&2
	exit 1
}
ready "http://$am_addr/-/ready" alertmanager "$work/alertmanager.log"
ready "http://$wr_addr/healthz" warroom "$work/warroom.log"
for _ in $(seq 50); do (exec 3<>"/dev/tcp/${bare_addr%:*}/${bare_addr#*:}") 2>/dev/null && break; sleep 0.1; done

echo "# bench-peer $(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo
echo "- machine: $(nproc) cores, $(uname -sr); load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "- warroom $(bin/warroom version 2>/dev/null | head -1) (git $(git rev-parse --short HEAD 2>/dev/null || echo unknown)), SQLite on disk, announcements to the console, outbox worker running"
echo "- $("$AM_BIN" --version 2>&1 | head -1)"
echo
bin/loadgen compare \
	-warroom "http://$wr_addr/webhooks/alertmanager" -warroom-pid "$wr_pid" -token "$token" \
	-alertmanager "http://$am_addr/api/v2/alerts" -alertmanager-pid "$am_pid" \
	-bare "http://$bare_addr/" -bare-pid "$bare_pid" \
	"$@"
echo
echo "- load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
if grep -q 'level=ERROR' "$work/warroom.log"; then
	echo "- warroom logged errors:"
	grep 'level=ERROR' "$work/warroom.log" | head -5
fi
