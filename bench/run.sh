#!/usr/bin/env bash
# Throughput benchmark: `ndr scan --format json` against Sisimai (the reference
# bounce analyzer) on the same mailbox, in the same run.
#
# The mailbox is assembled at run time in a temporary folder (never in the
# repository) from samples/*.eml and, when present, ../shared/corpus/sisimai/
# maildir/*.eml, each message repeated K times. See bench/README.md.
#
# usage: bench/run.sh [--repeat K] [--ndr PATH] [--no-peer] [--input DIR]...
#                     [--runs N] [--maildir] [--peer-mode stream|dump|both]
#                     [--keep] [--no-install]
set -u -o pipefail

die() { echo "bench: error: $*" >&2; exit 2; }
note() { echo "bench: $*" >&2; }

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$script_dir/.." && pwd)

repeat=""
ndr="$repo/build/ndr"
peer=1
inputs=()
runs=3
with_maildir=0
peer_mode=stream
keep=0
may_install=1
target_mb=50
target_msgs=20000

usage() {
  cat <<EOF
usage: bench/run.sh [options]

Builds a mailbox in a temporary folder, then times 'ndr scan --format json'
and Sisimai on it (best wall time of N runs, peak RSS) and prints a table.

options:
  --repeat K        repeat every input message K times (default: enough for
                    >= ${target_mb} MB or >= ${target_msgs} messages, whichever comes first)
  --ndr PATH        the ndr binary (default: build/ndr in the repository)
  --no-peer         time ndr only, not Sisimai
  --input DIR       take the messages (one per file: DIR/*.eml, or every regular
                    file in DIR when it has no .eml) from DIR instead of the
                    defaults; may be given several times
  --runs N          runs per tool; the best wall time is reported (default 3)
  --maildir         also time a maildir-like folder (one file per message)
  --peer-mode M     how Sisimai is driven: stream (default: one message at a
                    time, one JSON object per record, like ndr scan), dump
                    (Sisimai->dump: the whole result as one JSON array), both
  --keep            keep the temporary folder and print its path
  --no-install      never apt-get install a missing Sisimai or GNU time
  -h, --help        this help
EOF
}

while [ $# -gt 0 ]; do
  case "$1" in
    --repeat) [ $# -ge 2 ] || die "--repeat needs a number"; repeat=$2; shift 2 ;;
    --repeat=*) repeat=${1#*=}; shift ;;
    --ndr) [ $# -ge 2 ] || die "--ndr needs a path"; ndr=$2; shift 2 ;;
    --ndr=*) ndr=${1#*=}; shift ;;
    --no-peer) peer=0; shift ;;
    --input) [ $# -ge 2 ] || die "--input needs a folder"; inputs+=("$2"); shift 2 ;;
    --input=*) inputs+=("${1#*=}"); shift ;;
    --runs) [ $# -ge 2 ] || die "--runs needs a number"; runs=$2; shift 2 ;;
    --runs=*) runs=${1#*=}; shift ;;
    --maildir) with_maildir=1; shift ;;
    --peer-mode) [ $# -ge 2 ] || die "--peer-mode needs stream, dump or both"; peer_mode=$2; shift 2 ;;
    --peer-mode=*) peer_mode=${1#*=}; shift ;;
    --keep) keep=1; shift ;;
    --no-install) may_install=0; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown option '$1'" ;;
  esac
done

case "$repeat" in ""|[1-9]|[1-9][0-9]*) ;; *) die "--repeat wants a positive whole number, not '$repeat'" ;; esac
case "$runs" in [1-9]|[1-9][0-9]*) ;; *) die "--runs wants a positive whole number, not '$runs'" ;; esac
case "$peer_mode" in stream|dump|both) ;; *) die "--peer-mode wants stream, dump or both, not '$peer_mode'" ;; esac

# --- ndr -------------------------------------------------------------------
case "$ndr" in /*) ;; *) [ -e "$ndr" ] || ndr="$repo/$ndr" ;; esac
if [ ! -f "$ndr" ] || [ ! -x "$ndr" ]; then
  die "ndr binary not found or not executable: $ndr
  build it first:  cmake -S $repo -B $repo/build -DCMAKE_BUILD_TYPE=Release && cmake --build $repo/build -j\"\$(nproc)\" --target ndr
  or name one with --ndr PATH"
fi
ndr=$(cd "$(dirname "$ndr")" && pwd)/$(basename "$ndr")
"$ndr" scan --help >/dev/null 2>&1 || die "$ndr does not run 'scan --help'; is it an ndr binary?"

command -v perl >/dev/null || die "perl is needed to assemble the mailbox (Debian: apt-get install -y perl)"

is_root() { [ "$(id -u)" = 0 ]; }
apt_install() {  # apt_install PACKAGE: only as root, only when allowed
  [ "$may_install" = 1 ] && is_root && command -v apt-get >/dev/null || return 1
  note "installing $1 with apt-get"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$1" >&2 && return 0
  DEBIAN_FRONTEND=noninteractive apt-get update -q >&2 &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$1" >&2
}

# --- the peer: Sisimai -------------------------------------------------------
sisimai_version=""
if [ "$peer" = 1 ]; then
  if ! perl -MSisimai -e1 2>/dev/null; then
    apt_install libsisimai-perl || true
    perl -MSisimai -e1 2>/dev/null || die "Sisimai (the peer) is not installed.
  Debian/Ubuntu, as root:  apt-get install -y libsisimai-perl     (or: cpanm Sisimai)
  or run without the peer: bench/run.sh --no-peer"
  fi
  sisimai_version=$(perl -MSisimai -e 'print Sisimai->version') || die "cannot ask Sisimai its version"
fi

# --- the clock: GNU time, else a python3 wrapper ------------------------------
timer=""
if [ "${NDR_BENCH_TIMER:-}" = python ]; then  # force the fallback (to test it)
  command -v python3 >/dev/null || die "NDR_BENCH_TIMER=python but python3 is missing"
  timer=python
elif [ -x /usr/bin/time ] && /usr/bin/time --version 2>&1 | grep -q GNU; then
  timer=gnu
elif apt_install time && [ -x /usr/bin/time ]; then
  timer=gnu
elif command -v python3 >/dev/null; then
  timer=python
  note "GNU time is missing (apt-get install -y time); measuring with python3's resource.getrusage"
else
  die "need GNU time (apt-get install -y time) or python3 to measure time and memory"
fi

# --- work folder ---------------------------------------------------------------
work=$(mktemp -d "${TMPDIR:-/tmp}/ndr-bench.XXXXXX") || die "cannot create a temporary folder"
if [ "$keep" = 1 ]; then
  trap 'note "kept $work"' EXIT
else
  trap 'rm -rf "$work"' EXIT
fi
trap 'exit 130' INT TERM

# --- the input messages ----------------------------------------------------------
list="$work/inputs.txt"
: >"$list"
add_dir() {  # add_dir DIR GLOB: every regular, non-empty file in DIR matching GLOB, sorted
  local f n=0
  for f in "$1"/$2; do
    [ -f "$f" ] && [ -s "$f" ] || continue
    printf '%s\n' "$f" >>"$list"; n=$((n + 1))
  done
  note "input: $n messages from $1"
}
sources=()
if [ ${#inputs[@]} -gt 0 ]; then
  for d in "${inputs[@]}"; do
    [ -d "$d" ] || die "--input $d: not a folder"
    d=$(cd "$d" && pwd)
    if compgen -G "$d/*.eml" >/dev/null; then add_dir "$d" '*.eml'; else add_dir "$d" '*'; fi
    sources+=("$d")
  done
else
  add_dir "$repo/samples" '*.eml'; sources+=("samples/*.eml")
  corpus="$repo/../shared/corpus/sisimai/maildir"
  if [ -d "$corpus" ]; then
    add_dir "$(cd "$corpus" && pwd)" '*.eml'; sources+=("../shared/corpus/sisimai/maildir/*.eml")
  else
    note "no ../shared/corpus/sisimai/maildir beside the repository: samples only"
  fi
fi
[ -s "$list" ] || die "no input messages found"

# Assemble the mbox (and the maildir) with perl: each message is read once and
# written K times.
#  mbox: a "From " separator line (the message's own, when its first line is
#        one, else a made-up one), the message with every line that starts
#        with "From " quoted as ">From " (mboxo), a final newline if missing,
#        then one empty line before the next separator.
#  maildir: cur/ holds one file per message, the message as it is minus a
#        leading "From " envelope line (a maildir file has none).
mbox="$work/bench.mbox"
mdir="$work/maildir"
perl -e '
  use strict; use warnings;
  my ($list, $repeat, $mbox, $mdir, $target_b, $target_n) = @ARGV;
  open(my $lf, "<", $list) or die "$list: $!\n";
  chomp(my @files = <$lf>);
  my (@mb, @md);
  my $per_rep = 0;
  for my $f (@files) {
    open(my $fh, "<:raw", $f) or die "$f: $!\n";
    local $/; my $text = <$fh>; close $fh;
    my $sep = "From MAILER-DAEMON Thu Jan  1 00:00:00 2026\n";
    my $body = $text;
    if ($body =~ s/\A(From [^\n]*\n)//) { $sep = $1 }
    push @md, $body;
    $body =~ s/^From />From /mg;
    $body .= "\n" unless $body =~ /\n\z/;
    my $entry = $sep . $body . "\n";
    push @mb, $entry;
    $per_rep += length $entry;
  }
  my $n = scalar @files;
  if ($repeat eq "") {
    my $kb = int(($target_b + $per_rep - 1) / $per_rep);
    my $kn = int(($target_n + $n - 1) / $n);
    $repeat = $kb < $kn ? $kb : $kn;
    $repeat = 1 if $repeat < 1;
  }
  open(my $out, ">:raw", $mbox) or die "$mbox: $!\n";
  for (1 .. $repeat) { print $out @mb or die "$mbox: $!\n" }
  close $out or die "$mbox: $!\n";
  if ($mdir ne "") {
    for my $d ($mdir, "$mdir/cur", "$mdir/new", "$mdir/tmp") { mkdir $d or die "$d: $!\n" }
    for my $k (1 .. $repeat) {
      for my $i (0 .. $#md) {
        my $p = sprintf("%s/cur/1767225600.K%05dI%05d.bench:2,S", $mdir, $k, $i);
        open(my $o, ">:raw", $p) or die "$p: $!\n";
        print $o $md[$i]; close $o or die "$p: $!\n";
      }
    }
  }
  print "$repeat ", $n * $repeat, "\n";
' "$list" "$repeat" "$mbox" "$([ "$with_maildir" = 1 ] && echo "$mdir")" \
  "$((target_mb * 1000000))" "$target_msgs" >"$work/assembled" || die "could not assemble the mailbox in $work"
read -r repeat messages <"$work/assembled"
per_rep=$(wc -l <"$list")
mbox_bytes=$(wc -c <"$mbox")
note "mbox: $messages messages ($per_rep x $repeat), $mbox_bytes bytes"
md_bytes=0
if [ "$with_maildir" = 1 ]; then
  md_bytes=$(find "$mdir/cur" -type f -printf '%s\n' | awk '{s += $1} END {print s + 0}')
  note "maildir: $messages files, $md_bytes bytes"
fi

# The peer, driven two ways:
#  stream: Sisimai's own reader (Sisimai::Mail), one message at a time, one
#          JSON object per record on its own line (Sisimai's Data->dump("json"),
#          v4; Fact->dump("json"), v5): the same work and output shape as
#          ndr scan --format json, in constant memory.
#  dump:   the one-call API, print Sisimai->dump(PATH): every record kept in
#          memory, then one JSON array.
cat >"$work/sisimai-stream.pl" <<'PERL'
use strict; use warnings;
use Sisimai; use Sisimai::Mail;
my $path = shift // die "usage: sisimai-stream.pl MBOX|MAILDIR\n";
binmode STDOUT;
my $v5 = Sisimai->can('rise') ? 1 : 0;
if ($v5) { require Sisimai::Fact } else { require Sisimai::Message; require Sisimai::Data }
my $mail = Sisimai::Mail->new($path) or die "sisimai: cannot read $path\n";
my ($messages, $records) = (0, 0);
while (my $text = $mail->data->read) {
  $messages++;
  my $list;
  if ($v5) {
    $list = Sisimai::Fact->rise({ 'data' => $text, 'origin' => $mail->data->path }) || [];
  } else {
    my $mesg = Sisimai::Message->new('data' => $text) or next;
    $list = Sisimai::Data->make('data' => $mesg, 'origin' => $mail->data->path) || [];
  }
  for my $e (@$list) {
    my $j = $e->dump('json') // next;
    utf8::encode($j) if utf8::is_utf8($j);
    print $j, "\n";
    $records++;
  }
}
print STDERR "sisimai: $messages messages, $records records\n";
PERL
cat >"$work/sisimai-dump.pl" <<'PERL'
use strict; use warnings;
use Sisimai;
my $path = shift // die "usage: sisimai-dump.pl MBOX|MAILDIR\n";
binmode STDOUT;
my $j = Sisimai->dump($path) // '[]';
utf8::encode($j) if utf8::is_utf8($j);
print $j, "\n";
PERL
cat >"$work/timer.py" <<'PY'
import resource, subprocess, sys, time
out, cmd = sys.argv[1], sys.argv[2:]
t0 = time.monotonic()
rc = subprocess.call(cmd)
wall = time.monotonic() - t0
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
with open(out, "w") as f:
    f.write("%.2f %d\n" % (wall, rss))
sys.exit(rc)
PY

# measure OUT ERR TIMEFILE cmd...: run once, stdout to OUT, stderr to ERR;
# TIMEFILE gets "seconds maxrss_kib". Returns the command's exit status.
measure() {
  local out=$1 err=$2 tf=$3; shift 3
  if [ "$timer" = gnu ]; then
    /usr/bin/time -f '%e %M' -o "$tf" "$@" >"$out" 2>"$err"
  else
    python3 "$work/timer.py" "$tf" "$@" >"$out" 2>"$err"
  fi
}

rows="$work/rows.tsv"   # tool form messages seen records seconds bytes rss_kib
: >"$rows"
warnings=()

# bench NAME FORM BYTES OK_CODES cmd...: N runs; best wall, highest RSS.
bench() {
  local name=$1 form=$2 bytes=$3 ok=$4; shift 4
  local i best="" rss=0 s m rc out="$work/out.$name.$form" err="$work/err.$name.$form"
  for ((i = 1; i <= runs; i++)); do
    note "run $i/$runs: $name on $form"
    measure "$out" "$err" "$work/time" "$@"; rc=$?
    case " $ok " in *" $rc "*) ;; *)
      sed 's/^/  | /' "$err" | tail -n 20 >&2
      die "$name failed on the $form (exit $rc): $*" ;;
    esac
    read -r s m < <(tail -n 1 "$work/time")
    if [ -z "$best" ] || awk -v a="$s" -v b="$best" 'BEGIN {exit !(a < b)}'; then best=$s; fi
    [ "$m" -gt "$rss" ] && rss=$m
  done
  local seen records
  case "$name" in
    ndr)
      seen=$(sed -n 's/^ndr scan: \([0-9]*\) messages.*/\1/p' "$err" | tail -n 1)
      records=$(wc -l <"$out") ;;
    sisimai-stream)
      seen=$(sed -n 's/^sisimai: \([0-9]*\) messages.*/\1/p' "$err" | tail -n 1)
      records=$(wc -l <"$out") ;;
    sisimai-dump)
      seen="-"
      records=$(perl -MJSON::PP -e 'local $/; my $v = JSON::PP->new->decode(<STDIN>); print scalar(@$v)' <"$out") ;;
  esac
  [ -n "$seen" ] || seen="?"
  if [ "$seen" != "-" ] && [ "$seen" != "$messages" ]; then
    warnings+=("$name read $seen messages from the $form, which holds $messages")
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$form" "$messages" "$seen" "$records" "$best" "$bytes" "$rss" >>"$rows"
}

forms=(mbox)
[ "$with_maildir" = 1 ] && forms+=(maildir)
for form in "${forms[@]}"; do
  if [ "$form" = mbox ]; then path=$mbox; bytes=$mbox_bytes; else path=$mdir/cur; bytes=$md_bytes; fi
  bench ndr "$form" "$bytes" "0 1" "$ndr" scan --format json --no-progress "$path"
  if [ "$peer" = 1 ]; then
    case "$peer_mode" in stream|both)
      bench sisimai-stream "$form" "$bytes" "0" perl "$work/sisimai-stream.pl" "$path" ;;
    esac
    case "$peer_mode" in dump|both)
      bench sisimai-dump "$form" "$bytes" "0" perl "$work/sisimai-dump.pl" "$path" ;;
    esac
  fi
done

# --- report ------------------------------------------------------------------------
echo
echo "ndr benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $(uname -m), $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
echo "ndr: $ndr, built $(date -u -r "$ndr" '+%Y-%m-%d %H:%M UTC'); repository at $(cd "$repo" && git rev-parse --short HEAD 2>/dev/null || echo '?')$(cd "$repo" && [ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ] && echo ', work tree modified')"
[ "$peer" = 1 ] && echo "peer: Sisimai $sisimai_version (perl $(perl -e 'print $^V'))"
echo "input: ${sources[*]}: $per_rep messages x $repeat = $messages messages; mbox $(awk -v b="$mbox_bytes" 'BEGIN {printf "%.1f", b / 1e6}') MB$([ "$with_maildir" = 1 ] && awk -v b="$md_bytes" 'BEGIN {printf ", maildir %.1f MB", b / 1e6}')"
echo "timing: best wall time of $runs runs; peak RSS is the highest of the runs ($([ "$timer" = gnu ] && echo 'GNU time' || echo 'python3 getrusage')); MB = 10^6 bytes"
echo
awk -F '\t' '
  BEGIN {
    fmt = "%-15s %-8s %9s %9s %9s %9s %11s %8s %13s\n"
    printf fmt, "tool", "input", "messages", "seen", "records", "seconds", "messages/s", "MB/s", "peak RSS MB"
    printf fmt, "---------------", "--------", "---------", "---------", "---------", "---------", "-----------", "--------", "-------------"
  }
  {
    s = ($6 > 0) ? $6 : 0.01
    printf "%-15s %-8s %9d %9s %9d %9.2f %11.0f %8.2f %13.1f\n", $1, $2, $3, $4, $5, $6, $3 / s, $7 / 1e6 / s, $8 * 1024 / 1e6
  }' "$rows"
echo "('seen': messages the tool itself says it read; '-' when it does not say)"

# Records per reason, side by side, from the last mbox run of each tool.
if [ "$peer" = 1 ]; then
  echo
  echo "records per reason (mbox):"
  args=("ndr=$work/out.ndr.mbox")
  [ -f "$work/out.sisimai-stream.mbox" ] && args+=("sisimai=$work/out.sisimai-stream.mbox")
  [ -f "$work/out.sisimai-dump.mbox" ] && [ ! -f "$work/out.sisimai-stream.mbox" ] && args+=("sisimai=$work/out.sisimai-dump.mbox")
  perl -MJSON::PP -e '
    my (@names, %count, %total);
    my $json = JSON::PP->new;
    for my $arg (@ARGV) {
      my ($name, $file) = split /=/, $arg, 2;
      push @names, $name;
      open(my $fh, "<:raw", $file) or die "$file: $!\n";
      my $first = <$fh>;
      my @recs;
      if (defined $first && $first =~ /^\s*\[/) { local $/; my $rest = <$fh>; @recs = @{ $json->decode($first . ($rest // "")) } }
      else { for my $l (grep { defined && /\S/ } $first, <$fh>) { push @recs, $json->decode($l) } }
      for my $r (@recs) { my $k = $r->{reason} // ""; $k = "(none)" if $k eq ""; $count{$k}{$name}++; $total{$k}++ }
    }
    printf "  %-18s" . (" %9s" x @names) . "\n", "reason", @names;
    for my $k (sort { $total{$b} <=> $total{$a} || $a cmp $b } keys %total) {
      printf "  %-18s" . (" %9d" x @names) . "\n", $k, map { $count{$k}{$_} // 0 } @names;
    }
  ' "${args[@]}"
fi

if [ ${#warnings[@]} -gt 0 ]; then
  echo
  for w in "${warnings[@]}"; do echo "WARNING: $w"; done
fi
exit 0
