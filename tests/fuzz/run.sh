#!/bin/sh
# Runs the libFuzzer targets (tests/fuzz/fuzz_*.c) for SECONDS each: first every committed
# regression input in tests/fuzz/regress/<target>/ (a crash found once stays fixed), then fuzzing
# from a seed corpus in OUT/corpus_<target>: tiny RNN, GRU and LSTM model files written by the
# rnnts tool, and the reference's published checkpoints when ../shared/reference-networks exists;
# for the log reader and the sweep description parser (runlog, sweep) a log of each format and a description.
#   usage: tests/fuzz/run.sh SECONDS OUT RNNTS
# A crash leaves its input in OUT/ (crash-*, leak-*, timeout-*) and exits non-zero; copy it into
# tests/fuzz/regress/<target>/ with the fix.
set -e
SECONDS_EACH=${1:-60}; OUT=${2:-build/fuzz}; RNNTS=${3:-build/rnnts}
CLANG=${CLANG:-clang}
# -O0: clang needs ~3 min per target at -O1 with these sanitizers on the whole header, 30 s at -O0
FLAGS="-std=c11 -g -O0 -ffp-contract=off -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all"
mkdir -p "$OUT"
seeds="$OUT/seeds"
if [ ! -d "$seeds" ]; then
  mkdir -p "$seeds/st" "$seeds/pt"
  for m in rnn gru lstm; do
    "$RNNTS" train --model $m --hidden 4 --heads 2 --batch 4 --steps-per-epoch 2 --test-batches 1 --max-epochs 1 \
      --threshold 0 --quiet --force --out "$OUT/run_$m" >/dev/null
    cp "$OUT/run_$m/init.safetensors" "$seeds/st/$m.safetensors"
  done
  REF=${RNNTS_REFERENCE_NETWORKS:-../shared/reference-networks}
  [ -f "$REF/init_network_1__rnn_init.pt" ] && cp "$REF/init_network_1__rnn_init.pt" "$seeds/pt/" || true
fi
if [ ! -d "$seeds/sweep" ]; then  # the log reader (first byte: 0 JSON Lines, 1 CSV) and the sweep description parser
  mkdir -p "$seeds/runlog" "$seeds/sweep"
  "$RNNTS" train --hidden 4 --heads 3 --batch 4 --steps-per-epoch 2 --test-batches 1 --max-epochs 3 --threshold 0 --quiet --force \
    --log-format csv --out "$OUT/run_csv" >/dev/null
  (printf 0; cat "$OUT/run_rnn/log.jsonl") > "$seeds/runlog/jsonl"
  (printf 1; cat "$OUT/run_csv/log.csv") > "$seeds/runlog/csv"
  printf 'out = runs/s # root\nbase = --hidden 8 --threads 1\nvary curriculum = single multi sliding\nvary seed = 0..2\nvary lr = 0.1 1e-2\n' > "$seeds/sweep/s1"
fi
status=0
TARGETS="safetensors torch runlog sweep"
for t in $TARGETS; do rm -f "$OUT/fuzz_$t"; $CLANG $FLAGS tests/fuzz/fuzz_$t.c -o "$OUT/fuzz_$t" -lm -lpthread & done
wait
for t in $TARGETS; do
  bin="$OUT/fuzz_$t"
  [ -x "$bin" ] || { echo "FAIL fuzz $t: $bin did not build"; status=1; continue; }
  if [ -n "$(ls tests/fuzz/regress/$t 2>/dev/null)" ]; then  # (ls skips the .keep placeholder)
    "$bin" -runs=0 tests/fuzz/regress/$t/* >"$OUT/regress_$t.log" 2>&1 || { echo "FAIL fuzz $t: a regression input fails again (see $OUT/regress_$t.log)"; status=1; }
  fi
  case $t in safetensors) src=st ;; torch) src=pt ;; *) src=$t ;; esac
  mkdir -p "$OUT/corpus_$t"
  if (cd "$OUT" && "./fuzz_$t" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        "corpus_$t" "seeds/$src" >"fuzz_$t.log" 2>&1); then
    echo "ok   fuzz $t: $(grep -o 'Done [0-9]* runs in [0-9]* second(s)' "$OUT/fuzz_$t.log"), corpus $(ls "$OUT/corpus_$t" | wc -l) inputs"
  else
    echo "FAIL fuzz $t: see $OUT/fuzz_$t.log and the crash-* file in $OUT"; status=1
  fi
done
exit $status
