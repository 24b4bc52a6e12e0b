#!/usr/bin/env bash
# make demo, for real: it starts, the proxy answers through the sandbox, the popup page is
# served, a second run refuses the busy ports clearly, and Ctrl-C leaves no process or port behind.
set -uo pipefail
set -m
cd "$(dirname "$0")/.."
free_port() { node -e 's=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
export SANDBOX_PORT=$(free_port) WORKER_PORT=$(free_port) WWW_PORT=$(free_port)
log=$(mktemp)
passed=0 failed=0
check() { if eval "$2"; then passed=$((passed + 1)); echo "ok - $1"; else failed=$((failed + 1)); echo "not ok - $1"; fi; }

bash scripts/demo.sh > "$log" 2>&1 &
demo=$!
for _ in $(seq 1 360); do
  grep -q "demo is running" "$log" && break
  kill -0 "$demo" 2>/dev/null || break
  sleep 0.5
done
check "the demo prints its next steps" 'grep -q "demo is running" "$log"'
check "the printed curl line answers through the Worker" \
  'curl -sf -H "Authorization: Bearer demo-client-token" "http://127.0.0.1:$WORKER_PORT/v1/conversations?count=3&unread=true" | grep -q "\"isRead\":false"'
check "the popup page and its demo config are served" \
  'curl -sf "http://127.0.0.1:$WWW_PORT/popup.html" | grep "<title>Relay Inbox" > /dev/null && curl -sf "http://127.0.0.1:$WWW_PORT/demo-config.json" | grep -q demo-client-token'
check "the demo client runs the three demo accounts" \
  'curl -sf -H "Authorization: Bearer demo-client-token" "http://127.0.0.1:$WORKER_PORT/v1/accounts" | grep -q "\"id\":\"alex\".*\"id\":\"titouan\".*\"id\":\"priya\""'
simulate=$(grep -o "curl -s -X POST '[^']*/__sandbox/simulate' -d '[^']*'" "$log" | head -1)
check "the printed simulate line delivers signed webhooks the Worker accepts" \
  '[ -n "$simulate" ] && [ "$(eval "$simulate" | grep -o "\"status\":200" | wc -l)" -eq 2 ]'
check "the simulated message is in the Worker's store" \
  'curl -sf -H "Authorization: Bearer demo-client-token" "http://127.0.0.1:$WORKER_PORT/v1/conversations?account=all&keywords=Hello%20from%20the%20demo" | grep -q "\"account\":\"alex\""'
second=$(bash scripts/demo.sh 2>&1); status=$?
check "a second run refuses busy ports with a clear message" '[ $status -ne 0 ] && grep -q "is busy" <<<"$second"'
kill -INT -- "-$demo" 2>/dev/null
for _ in $(seq 1 40); do kill -0 "$demo" 2>/dev/null || break; sleep 0.25; done
sleep 1
check "Ctrl-C stops the demo" '! kill -0 "$demo" 2>/dev/null'
check "no port is left open" '! (exec 3<>"/dev/tcp/127.0.0.1/$SANDBOX_PORT") 2>/dev/null && ! (exec 3<>"/dev/tcp/127.0.0.1/$WORKER_PORT") 2>/dev/null && ! (exec 3<>"/dev/tcp/127.0.0.1/$WWW_PORT") 2>/dev/null'
check "no process is left behind" '! pgrep -f "port $SANDBOX_PORT" >/dev/null && ! pgrep -f "port $WORKER_PORT" >/dev/null && ! pgrep -f "127.0.0.1:$WORKER_PORT" >/dev/null && ! pgrep -f "serve-www.mjs $WWW_PORT" >/dev/null'
[ "$failed" -eq 0 ] || { echo "--- demo output"; cat "$log"; }
rm -f "$log"
echo "test result: $([ "$failed" -eq 0 ] && echo ok || echo FAILED). $passed passed; $failed failed; make demo"
[ "$failed" -eq 0 ]
