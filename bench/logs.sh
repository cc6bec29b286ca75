#!/usr/bin/env bash
# Throughput of `ndr scan --log` on one core: a generated Postfix log of N
# lines (default 2,000,000) in which 1 line in 20 is a failed or deferred
# delivery; the rest are the lines a busy relay writes around them (smtpd
# connects, cleanup, qmgr, successful deliveries, removals). Prints lines/s
# and peak RSS. The log is written to a temporary folder, never the repository.
#
# usage: bench/logs.sh [--lines N] [--ndr PATH] [--runs R] [--keep]
set -u -o pipefail

die() { echo "bench/logs: error: $*" >&2; exit 2; }
script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$script_dir/.." && pwd)
lines=2000000
ndr="$repo/build/ndr"
runs=3
keep=0
while [ $# -gt 0 ]; do
  case "$1" in
    --lines) lines=$2; shift 2 ;;
    --ndr) ndr=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) die "unknown option '$1'" ;;
  esac
done
case "$lines" in [1-9]*) ;; *) die "--lines wants a positive number" ;; esac
[ -x "$ndr" ] || die "no ndr binary at $ndr (build it: cmake -S . -B build -DCMAKE_BUILD_TYPE=Release && cmake --build build --target ndr)"
command -v perl >/dev/null || die "perl is needed to write the log"
[ -x /usr/bin/time ] && /usr/bin/time --version 2>&1 | grep -q GNU || die "GNU time is needed (apt-get install -y time)"

work=$(mktemp -d "${TMPDIR:-/tmp}/ndr-logbench.XXXXXX") || die "cannot create a temporary folder"
if [ "$keep" = 1 ]; then trap 'echo "kept $work" >&2' EXIT; else trap 'rm -rf "$work"' EXIT; fi
log="$work/mail.log"

# Every 20 lines: 1 failure (bounced or deferred, rotating through common
# replies), 19 other lines. Queue ids, hosts and times vary from line to line.
perl -e '
  use strict; use warnings;
  my ($n) = @ARGV;
  my @fail = (
    q{dsn=5.1.1, status=bounced (host mx.%s[192.0.2.%d] said: 550 5.1.1 <%s>: Recipient address rejected: User unknown in virtual mailbox table (in reply to RCPT TO command))},
    q{dsn=4.7.1, status=deferred (host mx.%s[192.0.2.%d] said: 450 4.7.1 <%s>: Recipient address rejected: Greylisted, see https://postgrey.example/ (in reply to RCPT TO command))},
    q{dsn=5.2.2, status=bounced (host mx.%s[192.0.2.%d] said: 552 5.2.2 <%s> Mailbox full (in reply to end of DATA command))},
    q{dsn=5.7.1, status=bounced (host mx.%s[192.0.2.%d] said: 554 5.7.1 Service unavailable; Client host [203.0.113.9] blocked using zen.spamhaus.org; %s (in reply to RCPT TO command))},
  );
  my @other = (
    q{postfix/smtpd[%d]: connect from client%d.example.com[203.0.113.%d]},
    q{postfix/smtpd[%d]: %s: client=client%d.example.com[203.0.113.%d]},
    q{postfix/cleanup[%d]: %s: message-id=<%d.%d@app.example.com>},
    q{postfix/qmgr[%d]: %s: from=<news%d@example.com>, size=%d, nrcpt=1 (queue active)},
    q{postfix/smtp[%d]: %s: to=<user%d@example.org>, relay=mx.example.org[198.51.100.%d]:25, delay=0.42, delays=0.01/0/0.2/0.21, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as %d)},
    q{postfix/qmgr[%d]: %s: removed},
    q{postfix/smtpd[%d]: disconnect from client%d.example.com[203.0.113.%d] ehlo=1 mail=1 rcpt=1 data=1 quit=1 commands=5},
  );
  open(my $out, ">", $ARGV[1]) or die "$ARGV[1]: $!\n";
  for my $i (0 .. $n - 1) {
    my $s = $i % 86400;
    my $stamp = sprintf("Nov 30 %02d:%02d:%02d mx1 ", int($s / 3600) % 24, int($s / 60) % 60, $s % 60);
    my $qid = sprintf("%X%07X", 4 + $i % 11, $i);
    my $line;
    if ($i % 20 == 7) {
      my $dom = sprintf("example%d.net", $i % 997);
      my $rcpt = sprintf("user%d\@%s", $i, $dom);
      my $f = $fail[int($i / 20) % @fail];
      $line = sprintf("postfix/smtp[%d]: %s: to=<%s>, relay=mx.%s[192.0.2.%d]:25, delay=1.2, delays=0.1/0/0.5/0.6, ",
                      1000 + $i % 5000, $qid, $rcpt, $dom, $i % 250) . sprintf($f, $dom, $i % 250, $rcpt);
    } else {
      my $o = $other[$i % @other];
      # Each template takes the arguments it names, in this order.
      my @args = (1000 + $i % 5000, $qid, $i % 900, $i % 250, $i, $i % 250);
      my $count = () = $o =~ /%[sd]/g;
      $line = sprintf($o, @args[0 .. $count - 1]);
    }
    print $out $stamp, $line, "\n";
  }
  close $out or die "$!\n";
' "$lines" "$log" || die "could not write the log"
bytes=$(wc -c <"$log")
echo "log: $lines lines, $bytes bytes ($(grep -c 'status=\(bounced\|deferred\)' "$log") failed or deferred deliveries)"

# Pinned to one core. Wall time includes waiting for that core when other
# work runs on the machine; CPU time (user + sys) is the work ndr itself did.
best=""
best_cpu=""
rss=0
for r in $(seq "$runs"); do
  /usr/bin/time -f '%e %U %S %M' -o "$work/time" taskset -c 0 "$ndr" scan --log "$log" >"$work/out.jsonl" 2>"$work/err" ||
    [ $? = 1 ] || { cat "$work/err" >&2; die "ndr failed"; }
  read -r secs user sys kb <"$work/time"
  cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN{printf "%.2f", u + s}')
  if [ -z "$best" ] || awk -v a="$secs" -v b="$best" 'BEGIN{exit !(a < b)}'; then best=$secs; fi
  if [ -z "$best_cpu" ] || awk -v a="$cpu" -v b="$best_cpu" 'BEGIN{exit !(a < b)}'; then best_cpu=$cpu; fi
  [ "$kb" -gt "$rss" ] && rss=$kb
done
records=$(wc -l <"$work/out.jsonl")
tail -1 "$work/err"
awk -v n="$lines" -v s="$best" -v c="$best_cpu" -v rss="$rss" -v rec="$records" -v b="$bytes" -v runs="$runs" 'BEGIN {
  if (s <= 0) s = 0.01
  if (c <= 0) c = 0.01
  printf "ndr scan --log, one core, best of %d runs: %d lines, %d records\n", runs, n, rec
  printf "  CPU time  %6.2f s: %9.0f lines/s, %6.1f MB/s\n", c, n / c, b / 1e6 / c
  printf "  wall time %6.2f s: %9.0f lines/s, %6.1f MB/s\n", s, n / s, b / 1e6 / s
  printf "  peak RSS  %.1f MB\n", rss * 1024 / 1e6
}'
