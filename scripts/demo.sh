#!/usr/bin/env bash
# make demo: the provider sandbox, the Worker in workerd wired to it, and the popup served on
# 127.0.0.1, all on embedded demo defaults. With worker/.dev.vars present, the Worker uses those
# real keys and the real providers instead. Ctrl-C stops everything this script started.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

SANDBOX_PORT=${SANDBOX_PORT:-8790}
WORKER_PORT=${WORKER_PORT:-8787}
WWW_PORT=${WWW_PORT:-8080}
EXTENSION_ID=jcegmgjieaccpbogoabmpmboagcomiig
DEMO_TOKEN=demo-client-token

for port in "$SANDBOX_PORT" "$WORKER_PORT" "$WWW_PORT"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "port $port is busy: stop what runs there, or set SANDBOX_PORT / WORKER_PORT / WWW_PORT" >&2
    exit 1
  fi
done

state=$(mktemp -d)
ensure_npm_packages .
log "building the web build, the Worker and the sandbox (log: $state/build.log)"
# Under make test the shared build stage has built the web build, the Worker and the (debug)
# sandbox already, and other lanes are reading them and holding cargo's lock: nothing is built
# here then (a release build would wait for the lint lane's lock and for the cores).
sandbox_bin=./target/release/sandbox
if [ -n "${TESTS_PREBUILT:-}" ]; then
  sandbox_bin=./target/debug/sandbox
else
  { bash scripts/build-npm.sh && build_www && build_worker \
    && cargo build -q --release -p linkedin-inbox-sandbox; } \
    > "$state/build.log" 2>&1 || { cat "$state/build.log" >&2; echo "the build failed" >&2; exit 1; }
fi

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  for _ in $(seq 1 20); do
    alive=0
    for pid in "${pids[@]}"; do kill -0 -- "-$pid" 2>/dev/null && alive=1; done
    [ "$alive" -eq 0 ] && break
    sleep 0.25
  done
  for pid in "${pids[@]}"; do kill -KILL -- "-$pid" 2>/dev/null || true; done
  rm -rf "$state"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

worker_args=()
if [ -f worker/.dev.vars ]; then
  mode="the REAL providers (keys from worker/.dev.vars)"
  proxy_token="<a client token registered in worker/.dev.vars>"
else
  mode="the provider sandbox (demo keys, no account needed)"
  proxy_token=$DEMO_TOKEN
  digest=$(printf '%s' "$DEMO_TOKEN" | sha256sum | cut -d' ' -f1)
  random_hex() { head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n'; }
  # Fresh per demo run: the cursor-signing key (cursors of an earlier run are refused) and the
  # webhook signing secret the sandbox signs its pushed events with.
  cursor_secret=$(random_hex)
  webhook_secret=$(random_hex)
  # The demo client runs the sandbox's three LinkedIn accounts (one inbox over all of them).
  declare -A demo_accounts=([alex]=696ce9e780e0483585e4e553 [titouan]=5f1b2c3d4e5f60718293a4b5 [priya]=6a7b8c9d0e1f2a3b4c5d6e7f)
  declare -A demo_labels=([alex]="Alex Morgan" [titouan]="Titouan Prioux" [priya]="Priya Iyer")
  accounts_json="" webhook_args=(--webhook-secret "$webhook_secret")
  for id in alex titouan priya; do
    account=${demo_accounts[$id]}
    accounts_json+="${accounts_json:+,}{\"id\":\"$id\",\"label\":\"${demo_labels[$id]}\",\"connectsafelyAccountId\":\"$account\",\"linkupLoginToken\":\"demo-login-token-$id\",\"connectsafelyWebhookSecret\":\"$webhook_secret\",\"linkupWebhookSecret\":\"$webhook_secret\"}"
    for provider in connectsafely linkup; do
      webhook_args+=(--webhook "$provider:$account=http://127.0.0.1:$WORKER_PORT/v1/webhooks/$provider/$id")
    done
  done
  # --webhook turns on POST /__sandbox/simulate: a message arrives, its signed webhooks reach the Worker.
  setsid "$sandbox_bin" --port "$SANDBOX_PORT" "${webhook_args[@]}" > "$state/sandbox.log" 2>&1 &
  pids+=($!)
  cat > "$state/demo.vars" <<VARS
CONNECTSAFELY_API_KEY=demo-connectsafely-key
LINKUP_API_KEY=demo-linkup-key
CURSOR_SECRET=$cursor_secret
CLIENTS=[{"name":"demo","tokenSha256":"$digest","accounts":[$accounts_json],"allowedOrigins":["chrome-extension://$EXTENSION_ID","http://127.0.0.1:$WWW_PORT"]}]
VARS
  worker_args=(--env-file "$state/demo.vars"
    --var "CONNECTSAFELY_BASE_URL:http://127.0.0.1:$SANDBOX_PORT/linkedin" --var "LINKUP_BASE_URL:http://127.0.0.1:$SANDBOX_PORT")
fi

# Each child leads its own process group (setsid), so cleanup can stop it with everything it spawned.
setsid env -C worker WORKER_SKIP_BUILD=1 WRANGLER_SEND_METRICS=false CLOUDFLARE_CF_FETCH_ENABLED=false \
  ../node_modules/.bin/wrangler dev --local --ip 127.0.0.1 --port "$WORKER_PORT" --persist-to "$state/wrangler" \
  --show-interactive-dev-session=false "${worker_args[@]}" > "$state/worker.log" 2>&1 &
pids+=($!)
setsid node scripts/serve-www.mjs "$WWW_PORT" "http://127.0.0.1:$WORKER_PORT" "$proxy_token" > "$state/www.log" 2>&1 &
pids+=($!)

proxy="http://127.0.0.1:$WORKER_PORT"
simulate_hint=""
if [ ! -f worker/.dev.vars ]; then
  simulate_hint="  4. A new message arrives (the sandbox pushes signed webhooks to the Worker; the badge and an
     open popup follow):
       curl -s -X POST 'http://127.0.0.1:$SANDBOX_PORT/__sandbox/simulate' -d '{\"account\":\"696ce9e780e0483585e4e553\",\"text\":\"Hello from the demo\"}'
"
fi
for _ in $(seq 1 240); do
  curl -sf "$proxy/health" >/dev/null 2>&1 && break
  sleep 0.5
done
curl -sf "$proxy/health" >/dev/null || { echo "the Worker did not start; its log:" >&2; cat "$state/worker.log" >&2; exit 1; }
# The page server too: the steps below are printed only once everything they name answers.
for _ in $(seq 1 60); do
  curl -sf "http://127.0.0.1:$WWW_PORT/popup.html" >/dev/null 2>&1 && break
  sleep 0.5
done
curl -sf "http://127.0.0.1:$WWW_PORT/popup.html" >/dev/null || { echo "the page server did not start; its log:" >&2; cat "$state/www.log" >&2; exit 1; }

cat <<TXT

linkedin-inbox demo is running against $mode. Ctrl-C stops everything.

  1. The popup as a page (demo token built in):
       http://127.0.0.1:$WWW_PORT/popup.html
  2. The extension in Chrome/Chromium: chrome://extensions → Developer mode → "Load unpacked" →
     pick $(pwd)/www   (its id is pinned: $EXTENSION_ID)
     then in its Options: Proxy URL  $proxy
                          Client token  $proxy_token
  3. The proxy with curl (the demo client has three accounts: alex, titouan, priya):
       curl -s -H 'Authorization: Bearer $proxy_token' '$proxy/v1/accounts'
       curl -s -H 'Authorization: Bearer $proxy_token' '$proxy/v1/conversations?count=3&unread=true&account=all'
$simulate_hint
Logs: $state/{sandbox,worker,www}.log
TXT
wait -n "${pids[@]}" || true
echo "a demo process stopped; see the logs above" >&2
