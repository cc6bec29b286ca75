#!/usr/bin/env bash
# `ndr report` against `ndr scan` on the same mailbox of N messages (default
# 100,000): the report must take no more than 1.2x the scan's time.
# CPU time (user+sys) is the figure compared: wall time is noisy on a busy
# machine. The mailbox is built at run time in a temporary folder from
# samples/*.eml (and ../shared/corpus/sisimai/maildir/*.eml when present),
# every copy of a message with its recipients renamed (so the report sees
# N distinct addresses, as a real mailbox of N bounces would give).
#
# usage: bench/report.sh [--messages N] [--runs R] [--ndr PATH] [--keep]
set -u -o pipefail
script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$script_dir/.." && pwd)
messages=100000
runs=3
ndr="$repo/build/ndr"
keep=0
while [ $# -gt 0 ]; do
  case $1 in
    --messages) messages=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --ndr) ndr=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    *) echo "usage: bench/report.sh [--messages N] [--runs R] [--ndr PATH] [--keep]" >&2; exit 2 ;;
  esac
done
[ -x "$ndr" ] || { echo "bench: build ndr first: cmake -S . -B build -DCMAKE_BUILD_TYPE=Release && cmake --build build --target ndr" >&2; exit 2; }
work=$(mktemp -d)
[ $keep = 1 ] && echo "bench: keeping $work" >&2 || trap 'rm -rf "$work"' EXIT

inputs=("$repo"/samples/*.eml)
corpus="$repo/../shared/corpus/sisimai/maildir"
[ -d "$corpus" ] && inputs+=("$corpus"/*.eml)
# One mbox: the inputs in turn until N messages; in copy k every address
# local@domain becomes local.k@domain; body lines starting "From " quoted.
awk -v n="$messages" '
  FNR == 1 { files[++nf] = FILENAME }
  { text[nf] = text[nf] $0 "\n" }
  END {
    for (i = 0; i < n; i++) {
      f = i % nf + 1; k = int(i / nf)
      printf "From MAILER-DAEMON Mon Nov 30 08:00:00 2026\n" > "/dev/stdout"
      m = split(text[f], lines, "\n")
      for (j = 1; j < m; j++) {
        line = lines[j]
        if (line ~ /^>*From /) line = ">" line
        gsub(/@example\./, "." k "@example.", line)
        print line
      }
      print ""
    }
  }' "${inputs[@]}" > "$work/bounces.mbox"
size=$(du -m "$work/bounces.mbox" | cut -f1)
echo "bench: $messages messages, $size MB, from ${#inputs[@]} inputs; best of $runs runs" >&2

# CPU seconds (user+sys) and wall seconds of one command.
measure() {
  local start end
  start=$(date +%s.%N)
  local t
  t=$( { /usr/bin/env bash -c 'TIMEFORMAT="%U %S"; time "$@" >/dev/null 2>"'"$work"'/stderr"' _ "$@"; } 2>&1 )
  end=$(date +%s.%N)
  echo "$t" | awk -v s="$start" -v e="$end" '{ printf "%.2f %.2f\n", $1 + $2, e - s }'
}
best() {  # label, command...
  local label=$1; shift
  local best_cpu="" best_wall=""
  for _ in $(seq "$runs"); do
    read -r cpu wall < <(measure "$@")
    if [ -z "$best_cpu" ] || awk -v a="$cpu" -v b="$best_cpu" 'BEGIN{exit !(a<b)}'; then best_cpu=$cpu; best_wall=$wall; fi
  done
  printf "%-8s cpu %7.2f s   wall %7.2f s\n" "$label" "$best_cpu" "$best_wall" >&2
  echo "$best_cpu"
}
scan=$(best scan "$ndr" scan --no-progress --format json "$work/bounces.mbox")
report=$(best report "$ndr" report --no-progress "$work/bounces.mbox")
html=$(best html "$ndr" report --no-progress --format html "$work/bounces.mbox")
awk -v s="$scan" -v r="$report" -v h="$html" 'BEGIN {
  printf "report / scan = %.2f (text), %.2f (html); limit 1.20: %s\n", r / s, h / s, (r <= 1.2 * s && h <= 1.2 * s) ? "ok" : "OVER"
  exit !(r <= 1.2 * s && h <= 1.2 * s) }' >&2
