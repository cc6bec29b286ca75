#!/usr/bin/env bash
# Renders `ndr report --format html` in headless Chromium through
# chromedriver's WebDriver HTTP API and checks: the page loads without console
# errors, the charts are there, and a bounce whose subject and diagnostic hold
# <script> and "><img src=x onerror=...> shows them as text (no element made).
# usage: report_html.sh NDR_BINARY     (exit 77 = skipped: no chromium here)
set -euo pipefail
ndr=$1
chromium=$(command -v chromium || command -v chromium-browser || true)
chromedriver=$(command -v chromedriver || true)
if [ -z "$chromium" ] || [ -z "$chromedriver" ]; then
  echo "SKIP: chromium and chromedriver are not installed (apt-get install chromium chromium-driver; .ci/run installs them)"
  exit 77
fi
for tool in curl jq; do
  command -v $tool >/dev/null || { echo "SKIP: $tool is not installed"; exit 77; }
done
work=$(mktemp -d)
driver_pid=""
cleanup() {
  [ -n "$driver_pid" ] && kill "$driver_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# A mailbox: two unknown users, a blocklist refusal, and the hostile bounce.
dsn() {  # id day recipient status diagnostic subject
  printf 'From MAILER-DAEMON %s\nFrom: MAILER-DAEMON@mx.example.org\nTo: news@example.org\nSubject: failure\nMessage-ID: <%s@mx.example.org>\nDate: %s\nMIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary="B"\n\n--B\nContent-Type: text/plain\n\nFailed.\n\n--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.org\n\nFinal-Recipient: rfc822; %s\nAction: failed\nStatus: %s\nDiagnostic-Code: smtp; %s\n\n--B\nContent-Type: text/rfc822-headers\n\nFrom: news@example.org\nTo: %s\nSubject: %s\n\n--B--\n\n' \
    "$2" "$1" "$2" "$3" "$4" "$5" "$3" "$6"
}
{
  dsn a1 "Mon, 02 Nov 2026 10:00:00 +0000" ann@example.com 5.1.1 "550 5.1.1 User unknown" "Offers"
  dsn a2 "Tue, 03 Nov 2026 10:00:00 +0000" bob@example.com 5.1.1 "550 5.1.1 User unknown" "Offers"
  dsn a3 "Tue, 03 Nov 2026 11:00:00 +0000" cy@example.net 5.7.1 \
    "554 5.7.1 Client host [192.0.2.7] blocked using zen.spamhaus.org" "Offers"
  dsn a4 "Wed, 04 Nov 2026 10:00:00 +0000" '"><img src=x onerror=window.__xss=1>@example.org' 5.1.1 \
    '550 5.1.1 "><img src=x onerror=window.__xss=2> <script>window.__xss=3</script> no such user' \
    '<script>window.__xss=4</script>"><img src=x onerror=window.__xss=5>'
} > "$work/bounces.mbox"
"$ndr" report --format html -o "$work/page.html" "$work/bounces.mbox"

port=$((20000 + $$ % 20000))
"$chromedriver" --port=$port >"$work/driver.log" 2>&1 &
driver_pid=$!
url="http://127.0.0.1:$port"
for _ in $(seq 50); do curl -sf "$url/status" >/dev/null && break; sleep 0.2; done
post() { curl -sf -X POST "$url$1" -H 'Content-Type: application/json' -d "$2"; }
caps='{"capabilities":{"alwaysMatch":{"browserName":"chrome","goog:loggingPrefs":{"browser":"ALL"},
  "goog:chromeOptions":{"binary":"'"$chromium"'","args":["--headless=new","--no-sandbox","--disable-gpu","--disable-dev-shm-usage"]}}}}'
session=$(post /session "$caps" | jq -r .value.sessionId)
[ -n "$session" ] && [ "$session" != null ] || { echo "FAIL: no WebDriver session"; cat "$work/driver.log"; exit 1; }
post "/session/$session/url" '{"url":"file://'"$work"'/page.html"}' >/dev/null
js() { post "/session/$session/execute/sync" "{\"script\":$(jq -Rn --arg s "$1" '$s'),\"args\":[]}" | jq -r .value; }
fail=0
check() {  # name actual expected
  if [ "$2" = "$3" ]; then echo "ok: $1"; else echo "FAIL: $1: got '$2', expected '$3'"; fail=1; fi
}
check "page title" "$(js 'return document.title')" "Bounce report"
check "bar charts drawn" "$(js 'return document.querySelectorAll("svg.bar rect").length > 3')" true
check "trend lines drawn" "$(js 'return document.querySelectorAll("svg.line polyline").length > 0')" true
check "no script element" "$(js 'return document.querySelectorAll("script").length')" 0
check "no img element" "$(js 'return document.querySelectorAll("img").length')" 0
check "nothing ran" "$(js 'return String(window.__xss)')" undefined
check "subject shown as text" \
  "$(js 'return document.body.textContent.includes("<script>window.__xss=4</script>\"><img src=x onerror=window.__xss=5>")')" true
check "diagnostic shown as text" \
  "$(js 'return document.body.textContent.includes("\"><img src=x onerror=window.__xss=2> <script>window.__xss=3</script>")')" true
check "address shown as text" "$(js 'return document.body.textContent.includes("onerror=window.__xss=1>@example.org")')" true
check "blocklist action item" "$(js 'return document.body.textContent.includes("Your sending IP 192.0.2.7 is listed on Spamhaus ZEN")')" true
log=$(post "/session/$session/se/log" '{"type":"browser"}')
check "no console errors or warnings" "$(echo "$log" | jq '[.value[] | select(.level=="SEVERE" or .level=="WARNING")] | length')" 0
[ $fail = 0 ] || echo "$log" | jq -r '.value[].message'
curl -sf -X DELETE "$url/session/$session" >/dev/null || true
exit $fail
