#!/bin/sh
# Runs reference/torch_check.py over both variants, all four activations, fixed tau, continuous
# time and the tau clamp, and over GRU and LSTM networks (PyTorch's own nn.GRU / nn.LSTM loaded by
# name from the rnnts file): several H, B, M, K, zero and given h0, parity and DMS batches.
# Then `rnnts grad` on saved RNN, GRU and LSTM files (RNNTS = the tool: required, the Makefile
# passes it), and the k-list training step (klist_dump). $1 = build directory holding grad_dump and
# klist_dump. Prints ok / FAIL lines and "N passed, M failed" last; exits 1 on any failure.
set -u
B=${1:-build}
PY=${PYTHON:-python3}
T=$(mktemp -d) || exit 1
trap 'rm -rf "$T"' EXIT
n=0; fail=0
# hard failure of one counted check, with its message
failed() { n=$((n + 1)); fail=$((fail + 1)); echo "FAIL $*"; }
: > "$T/log"
# check LABEL: torch_check.py on $T/m.safetensors + $T/g.safetensors; its lines go to the log too
check() {
  label=$1
  if "$PY" reference/torch_check.py "$T/m.safetensors" "$T/g.safetensors" > "$T/out"; then r=0; else r=1; fi
  sed "s|$T/m.safetensors|$label|" "$T/out" | tee -a "$T/log"
  return $r
}
run() {
  n=$((n + 1))
  if "$B/grad_dump" "$@" --model "$T/m.safetensors" --grads "$T/g.safetensors" >/dev/null && check "$*"; then :
  else fail=$((fail + 1)); fi
}
for v in default mod; do
  for a in leakyrelu relu tanh sigmoid; do
    run --variant $v --activation $a --hidden 23 --heads 4 --active 3,0,1 --batch 19 --len 12 --seed 11 --clamp-some
  done
done
run --variant default --hidden 9 --heads 2 --active 1 --batch 5 --len 7 --seed 3 --fixed-tau 2.5
run --variant mod --activation tanh --hidden 9 --heads 2 --active 0,1 --batch 5 --len 6 --seed 4 --fixed-tau 3
run --variant mod --hidden 11 --heads 3 --active 2 --batch 6 --len 5 --seed 5 --k-continuous 3 --clamp-some
run --variant default --hidden 1 --heads 1 --active 0 --batch 1 --len 1 --seed 6
run --variant default --hidden 64 --heads 9 --active 0,1,2,3,4,5,6,7,8 --batch 33 --len 20 --seed 7
# GRU and LSTM: H across the 8-lane vector width and the 6-row micro-kernel, B across the 16-column
# panels, M from 1, K up to 9 (active heads unsorted), zero and given h0, random / parity / DMS data.
for m in gru lstm; do
  run --net $m --hidden 1 --heads 1 --active 0 --batch 1 --len 1 --seed 21
  run --net $m --hidden 7 --heads 2 --active 1 --batch 5 --len 6 --seed 22 --given-h0
  run --net $m --hidden 13 --heads 3 --active 2,0 --batch 17 --len 9 --seed 23 --task parity
  run --net $m --hidden 13 --heads 3 --active 2,0 --batch 17 --len 9 --seed 23 --task parity --given-h0
  run --net $m --hidden 24 --heads 4 --active 3,1,0 --batch 19 --len 12 --seed 24 --task dms
  run --net $m --hidden 33 --heads 5 --active 4,2 --batch 32 --len 8 --seed 25 --task dms --given-h0
  run --net $m --hidden 64 --heads 9 --active 0,1,2,3,4,5,6,7,8 --batch 33 --len 20 --seed 26 --task parity
  run --net $m --hidden 100 --heads 2 --active 0,1 --batch 3 --len 15 --seed 27 --given-h0
done
# `rnnts grad` on a saved network: the interface other implementations use.
# GRU/LSTM files too (the tool loads the model kind from the file's metadata).
if [ -z "${RNNTS:-}" ] || [ ! -x "$RNNTS" ]; then
  failed "rnnts grad: RNNTS='${RNNTS:-}' is not an executable (RNNTS=build/rnnts sh reference/run_torch_check.sh; make test-torch sets it): the rnnts grad cases did not run"
else
  for m in rnn gru lstm; do
    for task in parity dms; do
      n=$((n + 1))
      if "$B/grad_dump" --net $m --hidden 21 --heads 6 --active 0 --batch 2 --len 2 --seed 9 --model "$T/m.safetensors" --grads "$T/unused.safetensors" >/dev/null &&
         "$RNNTS" grad "$T/m.safetensors" --task $task --N 2,3,5 --batch 13 --len 17 --seed 4 --out "$T/g.safetensors" >/dev/null &&
         check "rnnts grad ($m file) --task $task --N 2,3,5"; then :; else fail=$((fail + 1)); fi
    done
  done
  # `rnnts grad --model gru|lstm` (the tool has the flag: its absence is a failure). Without MODEL
  # the tool makes a fresh rnnts_rnn_create(H, K, seed S) network and writes no model file:
  # grad_dump makes the same network from the same seed, and the grads file's model_checksum_xxh3
  # must equal that file's checksum_xxh3 (same network) before torch_check runs.
  n=$((n + 1))
  "$RNNTS" grad --help > "$T/grad_help" 2>&1
  if grep -q -- '--model' "$T/grad_help"; then echo "ok   rnnts grad --help lists --model"
  else fail=$((fail + 1)); echo "FAIL rnnts grad --help does not list --model (the cases below fail with it)"; fi
  for m in gru lstm; do
    for task in parity dms; do
      n=$((n + 1))
      if "$B/grad_dump" --net $m --hidden 21 --heads 4 --active 0 --batch 2 --len 2 --seed 8 --model "$T/m.safetensors" --grads "$T/unused.safetensors" >/dev/null &&
         "$RNNTS" grad --model $m --hidden 21 --heads 4 --task $task --N 2,3,5 --batch 9 --len 13 --seed 8 --out "$T/g.safetensors" >/dev/null &&
         "$PY" -c 'import sys; sys.path.insert(0, "reference"); from torch_check import read_safetensors as r
a, b = r(sys.argv[1])[1].get("checksum_xxh3"), r(sys.argv[2])[1].get("model_checksum_xxh3")
sys.exit(0 if a and a == b else print(f"FAIL fresh {sys.argv[3]} network differs from grad_dump'"'"'s: checksum {a} vs {b}") or 1)' \
           "$T/m.safetensors" "$T/g.safetensors" $m &&
         check "rnnts grad --model $m (fresh, H 21, K 4) --task $task --N 2,3,5"; then :; else fail=$((fail + 1)); fi
    done
    n=$((n + 1))
    if "$B/grad_dump" --net $m --hidden 17 --heads 3 --active 0 --batch 2 --len 2 --seed 5 --model "$T/m.safetensors" --grads "$T/unused.safetensors" >/dev/null &&
       "$RNNTS" grad "$T/m.safetensors" --model $m --task parity --N 2,4 --batch 9 --len 11 --seed 5 --out "$T/g.safetensors" >/dev/null &&
       check "rnnts grad ($m file) --model $m --N 2,4"; then :; else fail=$((fail + 1)); fi
    # the wrong expected kind is a usage error (exit 2)
    other=$([ $m = gru ] && echo lstm || echo gru)
    n=$((n + 1))
    if "$RNNTS" grad "$T/m.safetensors" --model $other --N 2 --out "$T/g.safetensors" >/dev/null 2>&1; then r=0; else r=$?; fi
    if [ "$r" = 2 ]; then echo "ok   rnnts grad ($m file) --model $other: exit 2"
    else echo "FAIL rnnts grad ($m file) --model $other: exit $r, expected 2"; fail=$((fail + 1)); fi
  done
fi
# Continuous-time training over a list of k (train_config.k_list): one epoch of rnnts's trainer
# redone in PyTorch step by step (one SGD step per k in list order, the reference's script).
if [ ! -x "$B/klist_dump" ]; then
  failed "k-list PyTorch check: $B/klist_dump is not built (make $B/klist_dump; make test-torch builds it)"
else
  for args in "--hidden 12 --heads 4 --k-list 1,3,2 --steps 3 --batch 6 --seed 5 --init-heads 2 --tau-mean 2" \
              "--hidden 20 --heads 2 --k-list 4,1 --steps 4 --batch 9 --seed 6" \
              "--hidden 7 --heads 3 --k-list 2,2,5 --steps 2 --batch 3 --seed 7 --init-heads 3"; do
    n=$((n + 1))
    # shellcheck disable=SC2086
    : > "$T/kout"
    if "$B/klist_dump" $args --out "$T" >/dev/null && "$PY" reference/torch_klist_check.py "$T" > "$T/kout"; then r=0; else r=$?; fi
    sed "s|^|klist_dump $args: |" "$T/kout"
    [ "$r" = 0 ] || { fail=$((fail + 1)); grep -q '^FAIL' "$T/kout" || echo "FAIL klist_dump $args: exit $r"; }
  done
fi
# worst relative error per model kind over the cases above
for m in gru lstm; do
  grep -E "(--net $m |\($m file\)|--model $m )" "$T/log" | sed -n 's/.*worst relative error \([0-9.e+-]*\).*/\1/p' |
    sort -g | tail -n 1 | sed "s/^/torch cross-check: $m worst relative error /"
done
grep -vE "(--net (gru|lstm) |\((gru|lstm) file\)|--model (gru|lstm) )" "$T/log" | sed -n 's/.*worst relative error \([0-9.e+-]*\).*/\1/p' |
  sort -g | tail -n 1 | sed "s/^/torch cross-check: rnn worst relative error /"
echo "$((n - fail)) passed, $fail failed"
[ "$fail" = 0 ]
