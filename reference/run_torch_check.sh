#!/bin/sh
# Runs reference/torch_check.py over both variants, all four activations, fixed tau, continuous
# time and the tau clamp. $1 = build directory holding grad_dump.
set -e
B=${1:-build}
PY=${PYTHON:-python3}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
n=0; fail=0
run() {
  n=$((n + 1))
  if "$B/grad_dump" "$@" --model "$T/m.safetensors" --grads "$T/g.safetensors" >/dev/null &&
     "$PY" reference/torch_check.py "$T/m.safetensors" "$T/g.safetensors" | sed "s|$T/m.safetensors|$*|"; then :; else fail=$((fail + 1)); fi
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
# `rnnts grad` on a saved network: the interface other implementations use.
if [ -n "${RNNTS:-}" ] && [ -x "$RNNTS" ]; then
  for task in parity dms; do
    n=$((n + 1))
    "$B/grad_dump" --variant default --hidden 21 --heads 6 --active 0 --batch 2 --len 2 --seed 9 --model "$T/m.safetensors" --grads "$T/unused.safetensors" >/dev/null
    if "$RNNTS" grad "$T/m.safetensors" --task $task --N 2,3,5 --batch 13 --len 17 --seed 4 --out "$T/g.safetensors" >/dev/null &&
       "$PY" reference/torch_check.py "$T/m.safetensors" "$T/g.safetensors" | sed "s|$T/m.safetensors|rnnts grad --task $task --N 2,3,5|"; then :; else fail=$((fail + 1)); fi
  done
fi
echo "torch cross-check: $((n - fail)) passed, $fail failed"
[ "$fail" = 0 ]
