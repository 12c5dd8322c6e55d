#!/bin/sh
# Where a training step spends its time, by `perf` (`make bench-profile`): the README's "share of a
# step" figures come from this script.
#
#   sh bench/profile.sh [WORKLOAD...]        default: paper small lstm-small
#
# Each WORKLOAD is one case of the benchmark suite, run alone by build/bench (Google Benchmark; the
# vector path picked at run time, RNNTS_ISA=avx2 forces one) under `perf record -e cpu-clock`:
#   paper       step/default/paper/t1   leaky RNN, H 500, B 256, M 30, 9 heads, SGD, 1 thread
#   medium      step/default/medium/t1  H 128, B 64, M 30, 9 heads
#   small       step/default/small/t1   H 64, B 32, M 20, 5 heads
#   gru-large   step/gru/large/t1       H 500, B 64, M 30, 9 heads, Adam
#   lstm-large  step/lstm/large/t1
#   gru-small   step/gru/small/t1       H 64, B 32, M 20, 5 heads
#   lstm-small  step/lstm/small/t1
#   any other word is taken as a Google Benchmark case name (e.g. fwd/default/paper/t1).
# The FMA peak probe that build/bench runs at start-up and everything outside the rnnts step
# (Google Benchmark's own code, the case's set-up) are left out: shares are of the samples in the
# step's own functions (symbols rnnts_* / rnnts__*, libm/libc they call, the kernel while the step
# runs). Per workload it prints the shares per symbol (>= 0.5 %) and per group:
#   products     rnnts__gemm_*, rnnts__task_gemm* (the GEMM tiles; the epilogues the tile loop calls
#                per finished panel - the forward's leak + phi in rnnts__fwd_post, the GRU/LSTM gates
#                in rnnts__gru_epi / rnnts__lstm_epi - are functions of their own and count below)
#   packing      rnnts__pack_*, rnnts__task_pack (weight operands packed once per pass)
#   gate math    rnnts__gated_*, rnnts__gru_epi, rnnts__lstm_epi, rnnts__gate*, rnnts__task_gated_*,
#                rnnts__sigmoid_v / tanh_v / exp_v / log_v when not inlined
#   per-element  every other rnnts symbol of the step (and memcpy/memset): phase A of the backward
#                (rnnts__task_bwd_a: phi', the divisions), the transposition of h for dW
#                (rnnts__transpose_row), the forward's input term and epilogue (rnnts__fwd_pre,
#                rnnts__fwd_post: leak + phi), the loss and readout, clip, the optimiser, and what the
#                drivers (rnnts_rnn_backward, ...) do inline
#   pool+kernel  the thread pool (rnnts__pool_*, rnnts__worker) and time in the kernel
# Environment: BENCH (default build/bench), PERF (perf), SECONDS_PER_CASE (Google Benchmark
# --benchmark_min_time, default 3), OUT (default build/profile: perf.data and reports per workload).
# Needs perf (Debian: linux-perf) and kernel.perf_event_paranoid <= 2 or root. Exit 1 when a run fails.
set -eu
BENCH=${BENCH:-build/bench}
PERF=${PERF:-perf}
SECS=${SECONDS_PER_CASE:-3}
OUT=${OUT:-build/profile}
[ $# -gt 0 ] || set -- paper small lstm-small
command -v "$PERF" >/dev/null 2>&1 || { echo "profile.sh: $PERF not found (apt-get install linux-perf)" >&2; exit 1; }
[ -x "$BENCH" ] || { echo "profile.sh: $BENCH missing (make $BENCH)" >&2; exit 1; }
mkdir -p "$OUT"

case_of() {
  case $1 in
    paper|medium|small) echo "step/default/$1/t1" ;;
    gru-large|lstm-large|gru-small|lstm-small) echo "step/${1%-*}/${1#*-}/t1" ;;
    *) echo "$1" ;;
  esac
}

echo "machine: $(LC_ALL=C lscpu | sed -n 's/^Model name: *//p'), $(nproc) CPUs; $(date -u +%Y-%m-%d); load $(cut -d' ' -f1-3 /proc/loadavg)"
for w in "$@"; do
  c=$(case_of "$w")
  tag=$(echo "$w" | tr '/' '_')
  data="$OUT/$tag.perf.data"
  echo
  echo "== $w: $BENCH --benchmark_filter='^$c/' (perf record -e cpu-clock -F 2000), load $(cut -d' ' -f1-3 /proc/loadavg)"
  if ! "$PERF" record -q -e cpu-clock -F 2000 -o "$data" -- "$BENCH" --benchmark_filter="^$c/" \
      --benchmark_min_time="$SECS" --benchmark_color=false --peak_seconds=0.05 > "$OUT/$tag.bench.txt" 2> "$OUT/$tag.perf.err"; then
    echo "profile.sh: the run of $c failed (see $OUT/$tag.perf.err)" >&2; exit 1
  fi
  grep -q "^$c/" "$OUT/$tag.bench.txt" || { echo "profile.sh: no benchmark case named $c (see $OUT/$tag.bench.txt)" >&2; exit 1; }
  grep "^$c/" "$OUT/$tag.bench.txt" | sed 's/^/   /'
  "$PERF" report -i "$data" --stdio --no-children --sort sym -F overhead,sym 2> /dev/null > "$OUT/$tag.report.txt"
  awk '
    /^#/ || NF < 3 { next }
    {
      pct = $1; sub(/%$/, "", pct); pct += 0
      sym = $3; for (i = 4; i <= NF; i++) sym = sym " " $i
      kern = ($2 == "[k]")
      if (sym ~ /peak/ || sym ~ /benchmark/ || sym ~ /^_ZN/ || sym ~ /^st_setup|^st_free|^bench_/ ) { skip += pct; next }
      if (kern) g = "pool+kernel"
      else if (sym ~ /^rnnts__gemm_|^rnnts__task_gemm/) g = "products"
      else if (sym ~ /^rnnts__pack_|^rnnts__task_pack/) g = "packing"
      else if (sym ~ /^rnnts__(gated_|gru_epi|lstm_epi|gate|task_gated_|sigmoid_v|tanh_v|exp_v|log_v)/) g = "gate math"
      else if (sym ~ /^rnnts__(pool_|worker)|^(sched_yield|__sched_yield|pthread_|futex|__futex)/) g = "pool+kernel"
      else if (sym ~ /^rnnts/ || sym ~ /^(memcpy|memset|__memcpy|__memset|__memmove)/) g = "per-element"
      else g = "other"
      tot += pct; grp[g] += pct; n++; s[n] = sym; p[n] = pct; gg[n] = g
    }
    END {
      if (tot <= 0) { print "   no samples in the step (perf report empty?)"; exit 1 }
      printf "   samples left out (peak probe, Google Benchmark, set-up): %.1f %% of all\n", skip
      printf "   share of the step (%% of the remaining samples):\n"
      cmd = "sort -rn"
      for (i = 1; i <= n; i++) if (100 * p[i] / tot >= 0.5) printf "     %6.1f %%  %-34s %s\n", 100 * p[i] / tot, s[i], gg[i] | cmd
      close(cmd)
      printf "   by group:"
      split("products|packing|per-element|gate math|pool+kernel|other", names, "|")
      for (k = 1; k <= 6; k++) if (names[k] in grp) printf "  %s %.1f %%", names[k], 100 * grp[names[k]] / tot
      printf "\n   not products (packing + per-element + gate math + pool+kernel + other): %.1f %%\n", 100 * (tot - grp["products"]) / tot
    }' "$OUT/$tag.report.txt" || { echo "profile.sh: nothing to report for $c" >&2; exit 1; }
done
