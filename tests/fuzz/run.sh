#!/bin/sh
# Runs the libFuzzer targets (tests/fuzz/fuzz_*.c) for SECONDS each: first every committed
# regression input in tests/fuzz/regress/<target>/ (a crash found once stays fixed), then fuzzing
# from a seed corpus in OUT/corpus_<target>:
#   safetensors         tiny RNN, GRU and LSTM model files written by the rnnts tool;
#   torch               small checkpoints in the reference's layout written by tests/torch_seeds.py
#                       (python3-torch; each must import with `rnnts import`), the committed
#                       tests/fuzz/regress/torch/*.pt, and the reference's published checkpoints
#                       (*.pt) when ../shared/reference-networks (RNNTS_REFERENCE_NETWORKS) exists;
#   checkpoint          the rolling checkpoints (last.safetensors) of those runs;
#   cli                 command lines of every subcommand (below; both --flag value and --flag=value),
#                       the model files behind "@st", and a dictionary of the tool's flag names;
#   resume              train_config / train_state strings as rnnts_trainer_save writes them;
#   runlog, sweep       a log of each format (first byte 0 JSON Lines, 1 CSV) and a sweep description.
#   usage: tests/fuzz/run.sh SECONDS OUT RNNTS [TARGET...]     (default: every target)
# Every target starts from a non-empty corpus: one whose seeds are empty is a FAIL naming it.
# A crash leaves its input in OUT/ (crash-*, leak-*, timeout-*) and exits non-zero; copy it into
# tests/fuzz/regress/<target>/ with the fix. Prints ok / FAIL / SKIPPED[need] lines and
# "N passed, M failed[, S skipped]" last (one check per target's regression inputs and per fuzz run).
set -e
SECONDS_EACH=${1:-60}; OUT=${2:-build/fuzz}; RNNTS=${3:-build/rnnts}
if [ $# -ge 3 ]; then shift 3; else shift $#; fi
TARGETS=${*:-safetensors torch checkpoint cli resume runlog sweep}
CLANG=${CLANG:-clang}
PY=${PYTHON:-$(test -x /usr/bin/python3 && echo /usr/bin/python3 || echo python3)}
pass=0 fail=0 skipped=0
ok() { pass=$((pass + 1)); echo "ok   $*"; }
bad() { fail=$((fail + 1)); echo "FAIL $*"; }
counts() { if [ "$skipped" -gt 0 ]; then echo "$pass passed, $fail failed, $skipped skipped"; else echo "$pass passed, $fail failed"; fi; }
# a command stopping the script under set -e still ends with a count line
trap 'rc=$?; if [ $rc != 0 ] && [ -z "${counted:-}" ]; then echo "FAIL fuzz: stopped (exit status $rc)"; fail=$((fail + 1)); counts; fi' EXIT
# -O0: clang needs ~3 min per target at -O1 with these sanitizers on the whole header, 30 s at -O0
FLAGS="-std=c11 -g -O0 -ffp-contract=off -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all"
mkdir -p "$OUT"
ABS_OUT=$(cd "$OUT" && pwd)
seeds="$OUT/seeds"
if [ ! -d "$seeds/checkpoint" ]; then
  mkdir -p "$seeds/st" "$seeds/checkpoint"
  for m in rnn gru lstm; do
    "$RNNTS" train --model $m --hidden 4 --heads 2 --batch 4 --steps-per-epoch 2 --test-batches 1 --max-epochs 1 \
      --threshold 0 --quiet --force --out "$OUT/run_$m" >/dev/null
    cp "$OUT/run_$m/init.safetensors" "$seeds/st/$m.safetensors"
    cp "$OUT/run_$m/last.safetensors" "$seeds/checkpoint/$m.safetensors"
  done
fi
# the importer's seeds, rebuilt every run (the reference's files may have appeared since)
rm -rf "$seeds/pt"
mkdir -p "$seeds/pt"
for f in tests/fuzz/regress/torch/*.pt; do
  if [ -f "$f" ]; then cp "$f" "$seeds/pt/regress_$(basename "$f")"; fi
done
mkdir -p "$OUT/pt_gen"
"$PY" tests/torch_seeds.py "$OUT/pt_gen" > "$OUT/pt_gen.log" 2>&1 && prc=0 || prc=$?
if [ $prc = 0 ]; then
  ngen=0
  for f in "$OUT"/pt_gen/*.pt; do
    if "$RNNTS" import "$f" "$OUT/pt_gen/imported.safetensors" > "$OUT/pt_gen.log" 2>&1; then cp "$f" "$seeds/pt/"; ngen=$((ngen + 1))
    else bad "fuzz torch seeds: $RNNTS import $f: $(tail -n 1 "$OUT/pt_gen.log")"; fi
  done
  ok "fuzz torch seeds: $ngen checkpoints written by tests/torch_seeds.py import with rnnts import"
elif [ $prc = 77 ]; then
  skipped=$((skipped + 1))
  echo "SKIPPED[pkg:python3-torch]: fuzz torch seeds written by tests/torch_seeds.py ($PY cannot import torch; 'make deps' installs python3-torch)"
else bad "fuzz torch seeds: tests/torch_seeds.py: exit status $prc: $(tail -n 3 "$OUT/pt_gen.log")"; fi
REF=${RNNTS_REFERENCE_NETWORKS:-../shared/reference-networks}
if [ -d "$REF" ]; then
  nref=0
  for f in "$REF"/*.pt; do
    if [ -f "$f" ]; then cp "$f" "$seeds/pt/ref_$(basename "$f")"; nref=$((nref + 1)); fi
  done
  if [ $nref -gt 0 ]; then ok "fuzz torch seeds: $nref reference checkpoints from $REF"; else bad "fuzz torch seeds: $REF holds no *.pt"; fi
else
  skipped=$((skipped + 1))
  echo "SKIPPED[shared:$REF]: fuzz torch seeds from the reference's published checkpoints ($REF not found)"
fi
if [ ! -d "$seeds/sweep" ]; then  # the log reader (first byte: 0 JSON Lines, 1 CSV) and the sweep description parser
  mkdir -p "$seeds/runlog" "$seeds/sweep"
  "$RNNTS" train --hidden 4 --heads 3 --batch 4 --steps-per-epoch 2 --test-batches 1 --max-epochs 3 --threshold 0 --quiet --force \
    --log-format csv --out "$OUT/run_csv" >/dev/null
  (printf 0; cat "$OUT/run_rnn/log.jsonl") > "$seeds/runlog/jsonl"
  (printf 1; cat "$OUT/run_csv/log.csv") > "$seeds/runlog/csv"
  printf 'out = runs/s # root\nbase = --hidden 8 --threads 1\nvary curriculum = single multi sliding\nvary seed = 0..2\nvary lr = 0.1 1e-2\n' > "$seeds/sweep/s1"
fi
if [ ! -d "$seeds/cli" ]; then
  mkdir -p "$seeds/cli" "$seeds/resume"
  for m in rnn gru lstm; do { printf '@st\n'; cat "$seeds/st/$m.safetensors"; } > "$seeds/cli/st_$m"; done
  # cli: one command line per line, tokens split at spaces (@rnn, @gru, ... are the harness's model files)
  i=0
  while IFS= read -r line; do
    i=$((i + 1))
    printf '%s\n' $line > "$seeds/cli/cmd_$i"
  done <<'EOF'
train --out run --hidden 8 --heads=3 --batch 4 --steps-per-epoch=2 --max-epochs 1 --quiet
train --model gru --out r --optimizer adam --lr=0.01 --clip 0 --log-format=csv
train --model lstm --out r --task dms --curriculum sliding --window 3 --slide 2 --heads 4
train --curriculum none --n 5 --out r --variant mod --k-continuous 3 --activation tanh --fixed-tau 2.5
train --curriculum single --n-start=4 --target-n 6 --time-limit 60 --threshold=90 --seed 18446744073709551615 --out r --force
train --add 2 --momentum 0.5 --tau-init=0.5 --test-batches 3 --out r
train --resume @rnn --max-epochs 5 --threads 2
eval @rnn --N 2,3,4 --json
eval @sliding --N=3-5 --separate --batches 2 --batch 8
eval @fixed --task parity --N 5 --seed 9 --threads 1
grad @gru --N 3 --out g.safetensors --model gru
grad --model lstm --hidden 4 --heads=2 --N 2,3 --out g --len 9 --seed 3
grad @rnn --N=2,4 --batch 3 --task dms --out g
import rnn_N2_N5.pt out.safetensors --curriculum multi --n-min 2 --n-max=5
import x.pt y.safetensors --task dms
info @lstm --json
info @ct
selfcheck
compare --hidden 8 --heads 4 --time-limit=1 --quiet --out c
bench --model lstm --hidden 4 --batch 2 --len 5 --heads 2 --reps 1 --peak-seconds=0 --json
bench --variant mod --optim adam --len 2 --heads 1 --threads 2 --seed 5
analyze taus @rnn --json --out o
analyze taunet @rnn --steps 400 --burn 100 --fit-lag=5 --max-mem 1 --trials 2
analyze ablate @rnn --N 3 --count 2 --trials 2
analyze ablate @lstm --N 2 --count 1
analyze perturb @gru --N 3 --trials 1 --task dms
analyze forget . --every 2 --own --batches 1
analyze pca @lstm --steps 20 --burn=5 --var 0.5
analyze retrain @rnn --ns 2,3 --epochs 1 --batch 4 --steps-per-epoch 1 --test-batches 1 --quiet
analyze generalize @ct --ns 2,3 --length-factors 1,2 --extra 2 --k 1,5
analyze generalize @sliding --extra 3 --batches 1
analyze forgetgate @gru --steps 50 --burn 10 --trials 2 --seed 1
replay run --epochs 2 --threads 1 --json
replay . --until=N2_N3.safetensors
train --out . --auto-resume --hidden 8 --max-epochs 2
train --help
analyze pca --help
@meta sliding 3,4,5 4
@meta multi 2,3 7
EOF
  printf 'task=parity curriculum=multi n_start=2 n_add=1 window=5 slide=1 n_fixed=2 batch=4 steps_per_epoch=2 test_batches=1 max_epochs=2 target_n=0 time_limit_s=0 threshold=98 optimizer=sgd lr=0.0500000007 momentum=0.100000001 nesterov=1 beta1=0.899999976 beta2=0.999000013 eps=9.99999994e-09 clip=2 seed=7\nepoch=1 step=2 done=0 ns=2,3 heads=0,1' > "$seeds/resume/sgd_multi"
  printf 'task=dms curriculum=sliding n_start=3 n_add=1 window=3 slide=1 n_fixed=2 batch=4 steps_per_epoch=2 test_batches=1 max_epochs=9 target_n=6 time_limit_s=12.5 threshold=90 optimizer=adam lr=0.00100000005 momentum=0 nesterov=0 beta1=0.899999976 beta2=0.999000013 eps=9.99999994e-09 clip=0 seed=18446744073709551615\nepoch=4 step=8 done=0 ns=3,4,5 heads=0,1,2' > "$seeds/resume/adam_sliding"
  printf 'task=parity curriculum=none n_start=2 n_add=1 window=5 slide=1 n_fixed=4 batch=4 steps_per_epoch=2 test_batches=1 max_epochs=2 target_n=0 time_limit_s=0 threshold=100 optimizer=sgd lr=0.0500000007 momentum=0.100000001 nesterov=1 beta1=0.899999976 beta2=0.999000013 eps=9.99999994e-09 clip=2 seed=0\nepoch=2 step=4 done=1 ns=4 heads=0' > "$seeds/resume/sgd_none_done"
fi
# the cli target's dictionary: every flag of the tool, the subcommands and the enum values
{ grep -oh '"--[a-zA-Z0-9-]*"' tool/*.c
  for w in train eval grad import info selfcheck compare bench analyze replay taus taunet ablate perturb forget pca retrain generalize \
           forgetgate @rnn @sliding @fixed @ct @gru @lstm @meta @st rnn gru lstm parity dms single multi sliding none adam sgd \
           mod default leakyrelu relu tanh sigmoid jsonl csv; do echo "\"$w\""; done; } | sort -u > "$OUT/cli.dict"
# The implementation of rnnts.h and the tool's modules (tool/*.c, with -DCLI_FUZZ: usage errors and
# the start of a command's work longjmp back to the harness) are compiled once (instrumented,
# without libFuzzer's main) into OUT/tool/ and linked into every target from one archive, which
# gives each target the modules it uses: compiling them per target took most of a smoke run.
mkdir -p "$OUT/tool"
rm -f "$OUT/tool/failed"
CFLAGS_LIB="${FLAGS%%-fsanitize=*} -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all -DCLI_FUZZ"
n=0
objs=""
for src in tool/*.c; do
  case $src in tool/dispatch.c) continue ;; esac  # holds main: libFuzzer's main is the targets'
  o="$OUT/tool/$(basename "$src" .c).o"
  objs="$objs $o"
  rm -f "$o"
  ( $CLANG $CFLAGS_LIB -c "$src" -o "$o" > "$o.log" 2>&1 || echo "$src" >> "$OUT/tool/failed" ) &
  n=$((n + 1))
  if [ $((n % 2)) -eq 0 ]; then wait; fi  # two compilers at a time
done
wait
if [ -s "$OUT/tool/failed" ]; then
  for src in $(cat "$OUT/tool/failed"); do bad "fuzz: $CLANG -c $src: $(head -c 300 "$OUT/tool/$(basename "$src" .c).o.log")"; done
fi
rm -f "$OUT/libtool.a"
ar rcs "$OUT/libtool.a" $objs 2> "$OUT/ar.log" || bad "fuzz: ar of the tool's objects: $(head -c 300 "$OUT/ar.log")"
n=0
for t in $TARGETS; do
  rm -f "$OUT/fuzz_$t"
  $CLANG $FLAGS -DCLI_FUZZ -DRNNTS_FUZZ_SHARED_IMPL -I. tests/fuzz/fuzz_$t.c "$OUT/libtool.a" -o "$OUT/fuzz_$t" -lm -lpthread > "$OUT/build_$t.log" 2>&1 &
  n=$((n + 1))
  if [ $((n % 2)) -eq 0 ]; then wait; fi  # two compilers at a time
done
wait
for t in $TARGETS; do
  bin="$OUT/fuzz_$t"
  [ -x "$bin" ] || { bad "fuzz $t: $bin did not build: $(head -c 300 "$OUT/build_$t.log")"; continue; }
  opts=""; quiet=""
  case $t in
    safetensors) src=st ;;
    torch) src=pt ;;
    cli) src=cli; quiet="-close_fd_mask=2"; opts="-dict=cli.dict" ;; # the tool's own warnings on stderr are noise here
    *) src=$t ;;
  esac
  if [ -n "$(ls tests/fuzz/regress/$t 2>/dev/null)" ]; then  # (ls skips the .keep placeholder)
    nreg=$(ls tests/fuzz/regress/$t | wc -l)
    if "$bin" -runs=0 $quiet tests/fuzz/regress/$t/* >"$OUT/regress_$t.log" 2>&1; then ok "fuzz $t: $nreg regression inputs"
    else bad "fuzz $t: a regression input fails again (see $OUT/regress_$t.log)"; fi
  fi
  # the seeds (and so the corpus the fuzzing starts from) must not be empty
  nseed=$(ls "$seeds/$src" 2>/dev/null | wc -l)
  if [ "$nseed" -eq 0 ]; then bad "fuzz $t: its seed corpus $seeds/$src is empty: the target would start from nothing"; continue; fi
  mkdir -p "$OUT/corpus_$t"
  # artifact prefix absolute: the cli target runs the tool in a directory of its own
  if (cd "$OUT" && "./fuzz_$t" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$ABS_OUT/" $opts $quiet "corpus_$t" "seeds/$src" >"fuzz_$t.log" 2>&1); then
    ok "fuzz $t: $(grep -o 'Done [0-9]* runs in [0-9]* second(s)' "$OUT/fuzz_$t.log"), from $nseed seeds, corpus $(ls "$OUT/corpus_$t" | wc -l) inputs"
  else
    bad "fuzz $t: see $OUT/fuzz_$t.log and the crash-* file in $OUT"
  fi
done
counted=1
counts
[ "$fail" -eq 0 ]
