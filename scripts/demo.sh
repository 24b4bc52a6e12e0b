#!/usr/bin/env bash
# Starts the provider sandbox with its demo data on 127.0.0.1 and prints what to try.
# Ctrl-C stops everything it started.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

SANDBOX_PORT=${SANDBOX_PORT:-8790}
if (exec 3<>"/dev/tcp/127.0.0.1/$SANDBOX_PORT") 2>/dev/null; then
  echo "port $SANDBOX_PORT is busy: stop what runs there or set SANDBOX_PORT=<free port>" >&2
  exit 1
fi

log "building the sandbox"
cargo build -q --release -p linkedin-inbox-sandbox

pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

./target/release/sandbox --port "$SANDBOX_PORT" --test-controls &
pids+=($!)
sleep 0.5

base="http://127.0.0.1:$SANDBOX_PORT"
cat <<TXT

linkedin-inbox demo is running (Ctrl-C stops it).

Provider sandbox: $base  (demo keys built in, no account needed)
  Conversations (ConnectSafely):
    curl -s '$base/linkedin/messaging/recent-messages?count=5' -H 'Authorization: Bearer demo-connectsafely-key'
  Messages of one conversation (LinkupAPI):
    curl -s -X POST '$base/v1/messages/conversation' -H 'x-api-key: demo-linkup-key' -H 'content-type: application/json' \\
      -d '{"linkedin_url":"https://www.linkedin.com/in/al%C3%A9s-pr%C3%A9w-aa0262324/","total_results":5,"login_token":"demo-login-token-titouan"}'
  Call counters: curl -s $base/__sandbox/stats

TXT
wait
