#!/usr/bin/env bash
# Batch-scan benchmark (issue 8): `ndr scan` with one thread and with all
# threads, Sisimai 4 (`Sisimai->dump`) and `cat` as the I/O floor, on one
# mailbox of 100,000+ messages built at run time; then ndr's peak memory on a
# 100 MB and a 1 GB mailbox. See bench/README.md.
#
# usage: bench/scan.sh [--ndr PATH] [--messages N] [--sisimai-messages N]
#                      [--rounds N] [--no-sisimai] [--no-gigabyte] [--keep]
set -u -o pipefail

die() { echo "bench: error: $*" >&2; exit 2; }
note() { echo "bench: $*" >&2; }

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$script_dir/.." && pwd)
ndr="$repo/build/ndr"
target_messages=100000
sisimai_messages=3000
rounds=3
with_sisimai=1
with_gigabyte=1
keep=0

usage() {
  cat <<EOF
usage: bench/scan.sh [options]

Builds an mbox of --messages messages (default $target_messages) from samples/*.eml
and ../shared/corpus/sisimai/maildir/*.eml (when present) in a temporary
folder, and prints for each tool: messages, seconds (wall and CPU), messages/s,
MB/s and peak RSS; then the ratios; then ndr's peak RSS on a 100 MB and a
1 GB mbox (the 1 GB file is written to \$TMPDIR or /tmp and deleted).

options:
  --ndr PATH             the ndr binary (default: build/ndr in the repository)
  --messages N           messages in the benchmark mbox (default $target_messages)
  --sisimai-messages N   Sisimai reads the first N of them (default $sisimai_messages);
                         its figures are per message, so they scale to the whole file
  --rounds N             ndr --jobs 1 and Sisimai run N times, taking turns (default $rounds);
                         the table shows each tool's median round (the machine's
                         speed drifts: taking turns gives both the same drift)
  --no-sisimai           leave Sisimai out
  --no-gigabyte          leave out the 100 MB / 1 GB memory comparison
  --keep                 keep the temporary folder (not the 1 GB file) and print its path
  -h, --help             this help
EOF
}

while [ $# -gt 0 ]; do
  case "$1" in
    --ndr) [ $# -ge 2 ] || die "--ndr needs a path"; ndr=$2; shift 2 ;;
    --messages) [ $# -ge 2 ] || die "--messages needs a number"; target_messages=$2; shift 2 ;;
    --sisimai-messages) [ $# -ge 2 ] || die "--sisimai-messages needs a number"; sisimai_messages=$2; shift 2 ;;
    --rounds) [ $# -ge 2 ] || die "--rounds needs a number"; rounds=$2; shift 2 ;;
    --no-sisimai) with_sisimai=0; shift ;;
    --no-gigabyte) with_gigabyte=0; shift ;;
    --keep) keep=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown option '$1'" ;;
  esac
done
case "$target_messages$sisimai_messages$rounds" in *[!0-9]*|"") die "--messages, --sisimai-messages and --rounds want whole numbers" ;; esac
[ "$rounds" -ge 1 ] || die "--rounds must be at least 1"

[ -x "$ndr" ] || die "no ndr binary at $ndr; build it: cmake -S . -B build -DCMAKE_BUILD_TYPE=Release && cmake --build build -j\"\$(nproc)\" --target ndr"
[ -x /usr/bin/time ] && /usr/bin/time --version 2>&1 | grep -q GNU || die "GNU time is needed: apt-get install -y time"
if [ "$with_sisimai" = 1 ] && ! perl -MSisimai -e 1 2>/dev/null; then
  die "Sisimai is not installed (apt-get install -y libsisimai-perl), or use --no-sisimai"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/ndr-scan-bench.XXXXXX") || die "cannot create a temporary folder"
big="${TMPDIR:-/tmp}/ndr-scan-bench-1g.$$.mbox"
if [ "$keep" = 1 ]; then trap 'rm -f "$big"; note "kept $work"' EXIT; else trap 'rm -rf "$work"; rm -f "$big"' EXIT; fi
trap 'exit 130' INT TERM

# --- the mailbox ---------------------------------------------------------------
list="$work/inputs.txt"
: >"$list"
for f in "$repo"/samples/*.eml; do [ -f "$f" ] && [ -s "$f" ] && printf '%s\n' "$f" >>"$list"; done
corpus="$repo/../shared/corpus/sisimai/maildir"
sources="samples/*.eml"
if [ -d "$corpus" ]; then
  for f in "$corpus"/*.eml; do [ -f "$f" ] && [ -s "$f" ] && printf '%s\n' "$f" >>"$list"; done
  sources="$sources + ../shared/corpus/sisimai/maildir/*.eml"
else
  # Figures from samples/ alone are not comparable with the README's table.
  note "no corpus at $corpus: the mailbox is built from samples/*.eml alone, and its figures differ from those with the corpus"
fi
[ -s "$list" ] || die "no input messages"

# unit.mbox: every input once, as an mbox writer stores it (its own postmark
# when it starts with one, else a made-up one; "From " lines quoted as
# ">From "; a final newline; an empty line). A file that is already an mbox
# (it starts with a postmark) is appended as it is. Prints the message count.
perl -e '
  use strict; use warnings;
  my ($list, $out) = @ARGV;
  open(my $lf, "<", $list) or die "$list: $!\n";
  open(my $o, ">:raw", $out) or die "$out: $!\n";
  my $n = 0;
  while (my $f = <$lf>) {
    chomp $f;
    open(my $fh, "<:raw", $f) or die "$f: $!\n";
    local $/; my $text = <$fh>; close $fh;
    if ($text =~ /\AFrom /) {  # separators as ndr reads them: first line, after an empty line, or with a time
      my $blank = 1;
      for my $line (split /\n/, $text) {
        $n++ if $line =~ /\AFrom / && ($blank || $line =~ /\d\d:\d\d/);
        $blank = $line =~ /\A\r?\z/;
      }
    } else {
      $text =~ s/^(>*From )/>$1/mg;
      $text = "From MAILER-DAEMON Thu Jan  1 00:00:00 2026\n" . $text;
      $n++;
    }
    $text .= "\n" unless $text =~ /\n\z/;
    print $o $text, "\n";
  }
  close $o or die "$out: $!\n";
  print "$n\n";
' "$list" "$work/unit.mbox" >"$work/unit.count" || die "could not assemble the mailbox"
unit_messages=$(cat "$work/unit.count")
unit_bytes=$(stat -c %s "$work/unit.mbox")

# repeat_to OUT MIN_MESSAGES MIN_BYTES: unit.mbox repeated until both are reached; prints the repeat count.
repeat_to() {
  local out=$1 k=0
  : >"$out"
  while [ $((k * unit_messages)) -lt "$2" ] || [ $((k * unit_bytes)) -lt "$3" ]; do
    cat "$work/unit.mbox" >>"$out" || die "cannot write $out"
    k=$((k + 1))
  done
  echo "$k"
}
mbox="$work/bench.mbox"
k=$(repeat_to "$mbox" "$target_messages" 0)
messages=$((k * unit_messages))
bytes=$(stat -c %s "$mbox")
note "mbox: $messages messages ($unit_messages x $k), $bytes bytes"
part="$work/sisimai-part.mbox"
if [ "$with_sisimai" = 1 ]; then
  kp=$(repeat_to "$part" "$sisimai_messages" 0)
  part_messages=$((kp * unit_messages))
  part_bytes=$(stat -c %s "$part")
fi

# --- timing ----------------------------------------------------------------------
rows="$work/rows.tsv"  # name messages bytes wall cpu rss_kib records
: >"$rows"
# run NAME MESSAGES BYTES OUT cmd...: one run; wall and CPU seconds and peak RSS from GNU time.
run() {
  local name=$1 n=$2 b=$3 out=$4; shift 4
  note "running $name"
  /usr/bin/time -f '%e %U %S %M' -o "$work/time" "$@" >"$out" 2>"$work/err.$name"
  local rc=$?
  if [ $rc -ne 0 ] && [ $rc -ne 1 ]; then
    tail -n 5 "$work/err.$name" >&2
    die "$name failed (exit $rc)"
  fi
  local wall user sys rss
  read -r wall user sys rss < <(tail -n 1 "$work/time")
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$n" "$b" "$wall" "$(awk -v u="$user" -v s="$sys" 'BEGIN {print u + s}')" "$rss" >>"$rows"
}
cores=$(nproc)
cat "$mbox" >/dev/null  # the page cache holds the file for every tool
run "cat" "$messages" "$bytes" /dev/null cat "$mbox"
for round in $(seq 1 "$rounds"); do
  run "ndr --jobs 1" "$messages" "$bytes" "$work/ndr1.jsonl" "$ndr" scan --format json --jobs 1 "$mbox"
  if [ "$with_sisimai" = 1 ]; then
    run "sisimai dump" "$part_messages" "$part_bytes" "$work/sisimai.json" \
      perl -MSisimai -e 'binmode STDOUT; print Sisimai->dump(shift) // "[]"' "$part"
  fi
  run "ndr --jobs $cores" "$messages" "$bytes" "$work/ndrN.jsonl" "$ndr" scan --format json --jobs "$cores" "$mbox"
done
seen1=$(sed -n 's/^ndr scan: \([0-9]*\) messages.*/\1/p' "$work/err.ndr --jobs 1")
[ "$seen1" = "$messages" ] || note "WARNING: ndr read $seen1 messages of $messages"
cmp -s "$work/ndr1.jsonl" "$work/ndrN.jsonl" && same="yes" || same="NO"

# --- report --------------------------------------------------------------------------
echo
echo "ndr scan benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), $cores cores, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
echo "ndr: $ndr (repository at $(cd "$repo" && git rev-parse --short HEAD 2>/dev/null || echo '?')); load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
[ "$with_sisimai" = 1 ] && echo "Sisimai $(perl -MSisimai -e 'print $Sisimai::VERSION') (perl $(perl -e 'print $^V')), Sisimai->dump on the first $part_messages messages ($(awk -v b="$part_bytes" 'BEGIN {printf "%.1f", b / 1e6}') MB), figures per message"
echo "input: $sources, each once per round: $unit_messages messages x $k = $messages messages, $(awk -v b="$bytes" 'BEGIN {printf "%.1f", b / 1e6}') MB (MB = 10^6 bytes)"
echo "rounds: $rounds (ndr --jobs 1, Sisimai, ndr --jobs $cores in turn); each tool's median wall and CPU seconds, its highest peak RSS"
echo
# The median of each tool's rounds (wall and CPU separately), its highest RSS.
awk -F '\t' '
  { n[$1]++; key = $1 SUBSEP n[$1]; wall[key] = $4; cpu[key] = $5
    if (!($1 in first)) { first[$1] = NR; order[++tools] = $1 }
    msgs[$1] = $2; bytes[$1] = $3; if ($6 > rss[$1]) rss[$1] = $6 }
  function median(tool, arr,    i, j, k, t, v) {
    k = n[tool]
    for (i = 1; i <= k; i++) v[i] = arr[tool SUBSEP i]
    for (i = 2; i <= k; i++) { t = v[i]; for (j = i - 1; j >= 1 && v[j] > t; j--) v[j + 1] = v[j]; v[j + 1] = t }
    return (k % 2) ? v[(k + 1) / 2] : (v[k / 2] + v[k / 2 + 1]) / 2
  }
  END { for (i = 1; i <= tools; i++) { t = order[i]
          printf "%s\t%s\t%s\t%s\t%s\t%s\n", t, msgs[t], bytes[t], median(t, wall), median(t, cpu), rss[t] } }' "$rows" >"$rows.median"
awk -F '\t' '
  BEGIN {
    fmt = "%-16s %9s %9s %9s %12s %12s %9s %12s\n"
    printf fmt, "tool", "messages", "wall s", "CPU s", "messages/s", "msgs/CPU-s", "MB/s", "peak RSS MB"
    printf fmt, "----------------", "---------", "---------", "---------", "------------", "------------", "---------", "------------"
  }
  {
    w = ($4 > 0) ? $4 : 0.01; c = ($5 > 0) ? $5 : 0.01
    printf "%-16s %9d %9.2f %9.2f %12.0f %12.0f %9.1f %12.1f\n", $1, $2, $4, $5, $2 / w, $2 / c, $3 / 1e6 / w, $6 * 1024 / 1e6
    rate[$1] = $2 / w; cpurate[$1] = $2 / c; mbs[$1] = $3 / 1e6 / w
  }
  END {
    one = "ndr --jobs 1"; all = "ndr --jobs " cores
    print ""
    if ("sisimai dump" in rate) {
      printf "ndr, 1 thread / Sisimai:      %6.1fx messages/s (%.1fx per CPU second)\n", rate[one] / rate["sisimai dump"], cpurate[one] / cpurate["sisimai dump"]
      printf "ndr, %d threads / Sisimai:     %6.1fx messages/s\n", cores, rate[all] / rate["sisimai dump"]
    }
    printf "ndr, %d threads / 1 thread:    %6.2fx messages/s\n", cores, rate[all] / rate[one]
    printf "cat / ndr, 1 thread:          %6.1fx MB/s (reading is not what limits ndr)\n", mbs["cat"] / mbs[one]
  }' cores="$cores" "$rows.median"
if [ "$rounds" -gt 1 ]; then
  echo "each round (wall s, messages/s):"
  awk -F '\t' '$1 != "cat" { w = ($4 > 0) ? $4 : 0.01; printf "  %-16s %8.2f s %10.0f/s\n", $1, $4, $2 / w }' "$rows"
fi
echo "records: $(wc -l <"$work/ndr1.jsonl") (--jobs 1); output of --jobs 1 and --jobs $cores byte-identical: $same"

if [ "$with_gigabyte" = 1 ]; then
  note "writing a 100 MB and a 1 GB mbox"
  k100=$(repeat_to "$work/100m.mbox" 0 100000000)
  k1g=$(repeat_to "$big" 0 1000000000)
  : >"$rows"
  run "100 MB mbox" $((k100 * unit_messages)) "$(stat -c %s "$work/100m.mbox")" /dev/null "$ndr" scan --quiet --jobs "$cores" "$work/100m.mbox"
  rm -f "$work/100m.mbox"
  run "1 GB mbox" $((k1g * unit_messages)) "$(stat -c %s "$big")" /dev/null "$ndr" scan --quiet --jobs "$cores" "$big"
  rm -f "$big"
  echo
  echo "peak memory of ndr scan --jobs $cores as the mailbox grows:"
  awk -F '\t' '{ w = ($4 > 0) ? $4 : 0.01
    printf "  %-12s %9d messages %8.1f MB  %7.2f s  %8.0f messages/s  peak RSS %6.1f MB\n", $1, $2, $3 / 1e6, $4, $2 / w, $6 * 1024 / 1e6 }' "$rows"
fi
exit 0
