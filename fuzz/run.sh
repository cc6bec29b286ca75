#!/usr/bin/env bash
# Runs every libFuzzer target of a build made with -DNDR_FUZZ=ON for SECONDS
# each (default 60), each from its seed corpus (samples/, tests/explain/cases,
# fuzz/seeds/). Exits non-zero on the first finding; the crashing input is
# left in BUILD/fuzz-findings/.
#   fuzz/run.sh BUILD [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:?usage: fuzz/run.sh BUILD [SECONDS] [TARGET...]}
seconds=${2:-60}
shift $(( $# >= 2 ? 2 : 1 ))
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(analyze_fuzz mailbox_fuzz log_fuzz ses_fuzz)

seeds_of() {
  case "$1" in
    analyze_fuzz) echo samples tests/explain/cases fuzz/seeds/ses ;;
    mailbox_fuzz) echo samples fuzz/seeds/mailbox ;;
    log_fuzz) echo samples/logs ;;
    ses_fuzz) echo fuzz/seeds/ses ;;
  esac
}

mkdir -p "$build/fuzz-findings"
for t in "${targets[@]}"; do
  corpus="$build/fuzz-corpus/$t"  # what the runs found, kept between runs
  mkdir -p "$corpus"
  # A gzip mailbox is a seed of its own: made here, not kept as a binary file.
  [ "$t" = mailbox_fuzz ] && gzip -c fuzz/seeds/mailbox/two-messages.mbox > "$corpus/two-messages.mbox.gz"
  echo "== $t: ${seconds} s"
  log="$build/fuzz-findings/$t.log"
  # shellcheck disable=SC2046
  # A fixed seed (NDR_FUZZ_SEED, default 1) makes a run repeatable: CI walks the
  # inputs a developer already walked, and a finding can be replayed.
  if ! "$build/fuzz/$t" -seed="${NDR_FUZZ_SEED:-1}" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 -print_final_stats=1 \
      -artifact_prefix="$build/fuzz-findings/$t-" "$corpus" $(seeds_of "$t") > "$log" 2>&1; then
    tail -n 60 "$log"
    echo "fuzz/run.sh: $t found a problem; the input is in $build/fuzz-findings/"
    exit 1
  fi
  grep -E "^#[0-9]+ +DONE|stat::number_of_executed_units|stat::peak_rss_mb" "$log" || tail -n 5 "$log"
done
echo "fuzz/run.sh: ${#targets[@]} targets, ${seconds} s each, no finding"
