#!/usr/bin/env bash
# cli_test.sh — tests of the rnnts command line tool (tool/).
#   usage: tests/cli_test.sh [path/to/rnnts]      (default build/rnnts)
# Checks every subcommand's --help, usage errors (exit 2, message naming the flag), a tiny training
# run (files, JSON log), bitwise-identical checkpoints after --resume, eval --json, grad's file,
# info, selfcheck, bench (JSON fields, output hash independent of threads and reps) and analyze
# (JSON fields and files; taunet identical for 1 and 2 threads and one or many memory passes), GRU/LSTM (--model: train,
# info, eval, grad, bench, usage errors of tau flags, analyses incl. forgetgate and ablate by gate timescale). Ends with "N passed, M failed"; exits
# non-zero on any failure; a skipped check prints SKIPPED[need]: ... and the count line adds ", N skipped".
set -u -o pipefail
BIN=${1:-build/rnnts}
PY=${PYTHON:-python3}
PASS=0
FAIL=0
SKIP=0
TMP=$(mktemp -d "${TMPDIR:-/tmp}/rnnts_cli.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

ok() { PASS=$((PASS + 1)); }
bad() { FAIL=$((FAIL + 1)); echo "FAIL: $*"; }

if [ ! -x "$BIN" ]; then
    echo "FAIL: $BIN is not an executable (build it first)"
    echo "0 passed, 1 failed"
    exit 1
fi

# check NAME EXPECTED_CODE CMD... : runs CMD, compares the exit code.
check() {
    local name=$1 want=$2
    shift 2
    "$@" >"$TMP/out" 2>"$TMP/err"
    local rc=$?
    if [ "$rc" -eq "$want" ]; then ok; else bad "$name: exit $rc, expected $want ($(head -c 300 "$TMP/err"))"; fi
}
# usage NEEDLE CMD... : exit code 2, stderr names NEEDLE, nothing on stdout.
usage() {
    local needle=$1
    shift
    "$@" >"$TMP/out" 2>"$TMP/err"
    local rc=$?
    if [ "$rc" -ne 2 ]; then bad "usage '$*': exit $rc, expected 2"; return; fi
    if ! grep -qF -- "$needle" "$TMP/err"; then bad "usage '$*': stderr does not name '$needle': $(head -c 300 "$TMP/err")"; return; fi
    if [ -s "$TMP/out" ]; then bad "usage '$*': wrote to stdout"; return; fi
    ok
}

# ---- --help of every subcommand ----------------------------------------------------------
for c in train eval grad import info selfcheck compare bench; do
    "$BIN" "$c" --help >"$TMP/out" 2>"$TMP/err"
    rc=$?
    if [ "$rc" -eq 0 ] && grep -q "usage: rnnts $c" "$TMP/out"; then ok; else bad "$c --help: exit $rc"; fi
done
check "rnnts --help" 0 "$BIN" --help
check "rnnts without command" 2 "$BIN"
usage "unknown command" "$BIN" frobnicate

# ---- usage errors ---------------------------------------------------------------------------
T=(--hidden 16 --batch 16 --steps-per-epoch 20 --test-batches 2 --max-epochs 3)
usage "--batch 0: allowed 1..65536" "$BIN" train --batch 0 --out "$TMP/u"
usage "--batch" "$BIN" train --batch 70000 --out "$TMP/u"
usage "--hidden" "$BIN" train --hidden 0 --out "$TMP/u"
usage "--hidden abc" "$BIN" train --hidden abc --out "$TMP/u"
usage "--task xor: allowed parity, dms" "$BIN" train --task xor --out "$TMP/u"
usage "--curriculum" "$BIN" train --curriculum cumulative --out "$TMP/u"
usage "--activation" "$BIN" train --activation gelu --out "$TMP/u"
usage "--variant" "$BIN" train --variant big --out "$TMP/u"
usage "--optimizer" "$BIN" train --optimizer rmsprop --out "$TMP/u"
usage "--lr" "$BIN" train --lr 0 --out "$TMP/u"
usage "--lr" "$BIN" train --lr nan --out "$TMP/u"
usage "--momentum" "$BIN" train --momentum 1.5 --out "$TMP/u"
usage "--threshold" "$BIN" train --threshold 101 --out "$TMP/u"
usage "--fixed-tau" "$BIN" train --fixed-tau 0.5 --out "$TMP/u"
usage "--steps-per-epoch" "$BIN" train --steps-per-epoch -3 --out "$TMP/u"
usage "--test-batches" "$BIN" train --test-batches 0 --out "$TMP/u"
usage "--max-epochs" "$BIN" train --max-epochs 0 --out "$TMP/u"
usage "--time-limit" "$BIN" train --time-limit -1 --out "$TMP/u"
usage "--seed" "$BIN" train --seed -1 --out "$TMP/u"
usage "--threads" "$BIN" train --threads 0 --out "$TMP/u"
usage "--log-format" "$BIN" train --log-format xml --out "$TMP/u"
usage "--slide" "$BIN" train --curriculum sliding --window 3 --slide 4 --out "$TMP/u"
usage "--heads" "$BIN" train --curriculum sliding --window 5 --heads 3 --out "$TMP/u"
usage "--bogus" "$BIN" train --bogus 1 --out "$TMP/u"
usage "--batch needs a value" "$BIN" train --out "$TMP/u" --batch
usage "--out" "$BIN" train --hidden 16
usage "--hidden cannot be used with --resume" "$BIN" train --resume "$TMP/nothing.safetensors" --hidden 8
usage "--N" "$BIN" eval "$TMP/m.safetensors"
usage "--N 2,x" "$BIN" eval "$TMP/m.safetensors" --N 2,x
usage "--N 0" "$BIN" eval "$TMP/m.safetensors" --N 0
usage "--batches" "$BIN" eval "$TMP/m.safetensors" --N 2 --batches 0
usage "MODEL" "$BIN" eval --N 2
usage "--out" "$BIN" grad "$TMP/m.safetensors" --N 2
usage "--len" "$BIN" grad "$TMP/m.safetensors" --N 2 --len 0 --out "$TMP/g"
usage "--curriculum" "$BIN" import a.pt b.safetensors --curriculum cumulative
usage "--n-min" "$BIN" import a.pt b.safetensors --n-min 0
usage "--json takes no value" "$BIN" info "$TMP/m.safetensors" --json=1
usage "--hidden" "$BIN" compare --hidden -5
usage "--time-limit" "$BIN" compare --time-limit x
usage "--variant applies to --model rnn only" "$BIN" bench --model gru --variant mod --hidden 16 --batch 4 --len 5
usage "--variant applies to --model rnn only" "$BIN" bench --model lstm --variant default
usage "--model cnn: allowed rnn, gru, lstm" "$BIN" bench --model cnn
usage "--hidden 0: allowed 1..65536" "$BIN" bench --hidden 0
usage "--batch" "$BIN" bench --batch 70000
usage "--len 1: allowed 2..1000000" "$BIN" bench --len 1
usage "--len 4: allowed 6..1000000" "$BIN" bench --len 4 --heads 5
usage "--heads" "$BIN" bench --heads 0
usage "--heads" "$BIN" bench --heads 257
usage "--threads" "$BIN" bench --threads 0
usage "--reps 0" "$BIN" bench --reps 0
usage "--reps" "$BIN" bench --reps x
usage "--optim rmsprop: allowed sgd, adam" "$BIN" bench --optim rmsprop
usage "--variant" "$BIN" bench --variant big
usage "--seed" "$BIN" bench --seed -2
usage "--peak-seconds" "$BIN" bench --peak-seconds -1
usage "--json takes no value" "$BIN" bench --json=yes
usage "--bogus" "$BIN" bench --bogus
[ ! -e "$TMP/u" ] && ok || bad "a usage error created the output directory"

# ---- selfcheck ------------------------------------------------------------------------------
check "selfcheck" 0 "$BIN" selfcheck
grep -q "^rnnts " "$TMP/out" && ok || bad "selfcheck does not print the build info"

# ---- a tiny training run --------------------------------------------------------------------
R="$TMP/run"
check "train tiny" 0 "$BIN" train "${T[@]}" --threshold 55 --max-epochs 8 --out "$R"
[ -s "$R/init.safetensors" ] && ok || bad "train: no init.safetensors"
[ -s "$R/log.jsonl" ] && ok || bad "train: no log.jsonl"
[ ! -s "$TMP/out" ] && ok || bad "train wrote to stdout"
if "$PY" - "$R/log.jsonl" >"$TMP/pyout" 2>&1 <<'EOF'
import json, sys
lines = open(sys.argv[1]).read().splitlines()
assert len(lines) == 8, "expected 8 records, got %d" % len(lines)
for i, line in enumerate(lines):
    r = json.loads(line)
    for k in ("epoch", "ns", "loss", "accuracy", "acc_mean", "solved", "tau", "seconds", "wall"):
        assert k in r, "missing %s" % k
    assert r["epoch"] == i + 1
    assert sorted(r["accuracy"]) == sorted(str(n) for n in r["ns"])
    for k in ("mean", "median", "sd", "min", "max", "below_1"):
        assert k in r["tau"], "missing tau.%s" % k
    assert isinstance(r["solved"], bool)
EOF
then ok; else bad "log.jsonl: $(cat "$TMP/pyout")"; fi
ls "$R"/N*_N*.safetensors >/dev/null 2>&1 && ok || bad "train: no checkpoint N<min>_N<max>.safetensors (threshold 55 should be reached)"
check "train refuses to overwrite a run" 1 "$BIN" train "${T[@]}" --out "$R" --quiet

# ---- resume: later checkpoints byte-identical -------------------------------------------------
if [ -f "$R/N2_N2.safetensors" ] && [ "$(ls "$R"/N*_N*.safetensors | wc -l)" -ge 2 ]; then
    FIRST=N2_N2.safetensors
    R2="$TMP/resumed"
    mkdir -p "$R2"
    cp "$R/$FIRST" "$R2/"
    check "train --resume" 0 "$BIN" train --resume "$R2/$FIRST" --quiet
    n_same=0
    n_all=0
    for f in "$R"/N*_N*.safetensors; do
        b=$(basename "$f")
        [ "$b" = "$FIRST" ] && continue
        n_all=$((n_all + 1))
        if cmp -s "$f" "$R2/$b"; then n_same=$((n_same + 1)); else bad "resume: $b differs from the uninterrupted run"; fi
    done
    [ "$n_all" -ge 1 ] && [ "$n_same" -eq "$n_all" ] && ok || bad "resume: $n_same of $n_all later checkpoints identical"
    [ ! -e "$R2/init.safetensors" ] && ok || bad "resume re-saved init.safetensors"
    # the resumed log holds the epochs after the checkpoint
    if "$PY" -c "
import json,sys
a=[json.loads(l) for l in open('$R/log.jsonl')]; b=[json.loads(l) for l in open('$R2/log.jsonl')]
assert b and b[-1]['epoch']==a[-1]['epoch'], (len(a), len(b))
assert [r['loss'] for r in b]==[r['loss'] for r in a[-len(b):]]
" 2>"$TMP/pyout"; then ok; else bad "resume log: $(cat "$TMP/pyout")"; fi
    # resume from init.safetensors reproduces every checkpoint
    R3="$TMP/from_init"
    check "train --resume init" 0 "$BIN" train --resume "$R/init.safetensors" --out "$R3" --quiet
    same=1
    for f in "$R"/N*_N*.safetensors; do cmp -s "$f" "$R3/$(basename "$f")" || same=0; done
    [ "$same" -eq 1 ] && ok || bad "resume from init: checkpoints differ"
else
    bad "train: fewer than 2 checkpoints, cannot test resume"
fi
# thread count does not change the bits
check "train --threads 2" 0 "$BIN" train "${T[@]}" --threshold 55 --max-epochs 4 --threads 2 --out "$TMP/th2" --quiet
check "train --threads 1" 0 "$BIN" train "${T[@]}" --threshold 55 --max-epochs 4 --threads 1 --out "$TMP/th1" --quiet
cmp -s "$TMP/th1/init.safetensors" "$TMP/th2/init.safetensors" && cmp -s "$TMP/th1/N2_N2.safetensors" "$TMP/th2/N2_N2.safetensors" \
    && ok || bad "threads 1 and 2 give different checkpoints"
# csv log
check "train --log-format csv" 0 "$BIN" train "${T[@]}" --curriculum single --log-format csv --out "$TMP/csv" --quiet
[ "$(wc -l <"$TMP/csv/log.csv")" -eq 4 ] && head -n 1 "$TMP/csv/log.csv" | grep -q "^epoch,ns,loss" && ok || bad "log.csv: header + 3 records expected"

# ---- resume with a new budget: a 4-epoch run extended to 8 equals the 8-epoch run ---------------
R4="$TMP/short"
check "train 4 epochs" 0 "$BIN" train "${T[@]}" --threshold 55 --max-epochs 4 --out "$R4" --quiet
LAST=$(ls -t "$R4"/N*_N*.safetensors 2>/dev/null | head -n 1)
if [ -n "$LAST" ]; then
    BEFORE=$(ls "$R4")
    check "train --resume --max-epochs 8" 0 "$BIN" train --resume "$LAST" --max-epochs 8 --quiet
    # checkpoints written after the resume equal the 8-epoch run's (earlier ones differ only in
    # their recorded budget, max_epochs = 4)
    n_same=0; n_all=0
    for f in "$R4"/N*_N*.safetensors; do
        b=$(basename "$f")
        printf '%s\n' "$BEFORE" | grep -qx "$b" && continue
        n_all=$((n_all + 1))
        cmp -s "$f" "$R/$b" && n_same=$((n_same + 1))
    done
    [ "$n_all" -ge 1 ] && [ "$n_same" -eq "$n_all" ] && ok || bad "extended run: $n_same of $n_all new checkpoints equal the 8-epoch run's"
else
    bad "train 4 epochs wrote no checkpoint"
fi
usage "--hidden cannot be used with --resume" "$BIN" train --resume "$R/init.safetensors" --hidden 8

# ---- eval -----------------------------------------------------------------------------------
M="$R/init.safetensors"
CK="$R/N2_N2.safetensors"
check "eval --json" 0 "$BIN" eval "$CK" --N 2,3 --batches 2 --batch 32 --json
if "$PY" -c "
import json,sys
d=json.loads(open('$TMP/out').read())
assert set(d)=={'accuracy'} and sorted(d['accuracy'])==['2','3'], d
assert all(0<=v<=100 for v in d['accuracy'].values())
" 2>"$TMP/pyout"; then ok; else bad "eval --json output: $(cat "$TMP/out") $(cat "$TMP/pyout")"; fi
[ "$(wc -l <"$TMP/out")" -eq 1 ] && ok || bad "eval --json: more than one line on stdout"
check "eval human" 0 "$BIN" eval "$CK" --N 2,3,4 --batches 2 --batch 32
[ "$(wc -l <"$TMP/out")" -eq 3 ] && ok || bad "eval: expected one line per N"
usage "--N 500" "$BIN" eval "$CK" --N 500
check "eval of a missing file" 1 "$BIN" eval "$TMP/none.safetensors" --N 2
echo "not a model" >"$TMP/junk.safetensors"
check "eval of a malformed file" 1 "$BIN" eval "$TMP/junk.safetensors" --N 2

# ---- grad -----------------------------------------------------------------------------------
check "grad" 0 "$BIN" grad "$CK" --N 2,3 --batch 8 --len 11 --seed 5 --out "$TMP/grad.safetensors"
if "$PY" - "$TMP/grad.safetensors" "$CK" >"$TMP/pyout" 2>&1 <<'EOF'
import json, struct, sys
def header(p):
    b = open(p, "rb").read()
    n = struct.unpack("<Q", b[:8])[0]
    return json.loads(b[8:8 + n]), b, 8 + n
g, gb, go = header(sys.argv[1])
m, _, _ = header(sys.argv[2])
meta = g["__metadata__"]
assert meta["active_heads"] == "0,1" and meta["ns"] == "2,3" and meta["task"] == "parity", meta
H = int(m["__metadata__"]["hidden"])
for k, v in m.items():
    if k == "__metadata__" or k.startswith("optim."):
        continue
    assert g["grad." + k]["shape"] == v["shape"], k
assert g["input"]["shape"] == [11, 8]
assert g["h0"]["shape"] == [8, H]
assert g["label.2"]["shape"] == [8] and g["label.3"]["shape"] == [8]
assert g["loss"]["shape"] == [1]
a, b = g["loss"]["data_offsets"]
loss = struct.unpack("<f", gb[go + a:go + b])[0]
assert 0 < loss < 10, loss
a, b = g["label.2"]["data_offsets"]
assert set(struct.unpack("<8f", gb[go + a:go + b])) <= {0.0, 1.0}
EOF
then ok; else bad "grad file: $(cat "$TMP/pyout")"; fi
check "grad again" 0 "$BIN" grad "$CK" --N 2,3 --batch 8 --len 11 --seed 5 --out "$TMP/grad2.safetensors"
cmp -s "$TMP/grad.safetensors" "$TMP/grad2.safetensors" && ok || bad "grad is not deterministic"

# ---- info -----------------------------------------------------------------------------------
check "info" 0 "$BIN" info "$CK"
grep -q "checksum" "$TMP/out" && grep -q "modulelist.1.weight" "$TMP/out" && grep -q "curriculum" "$TMP/out" && ok || bad "info: missing fields"
check "info --json" 0 "$BIN" info "$M" --json
if "$PY" -c "
import json
d=json.loads(open('$TMP/out').read())
assert d['metadata']['curriculum']=='multi' and len(d['checksum_xxh3'])==16
assert any(t['name']=='parameterlist.0' and t['shape']==[16] for t in d['tensors'])
# the tau statistics are those of the file's parameterlist.0, read here from the file itself
import struct
b=open('$M','rb').read(); n=struct.unpack('<Q',b[:8])[0]; h=json.loads(b[8:8+n]); a,z=h['parameterlist.0']['data_offsets']
tau=struct.unpack('<%df'%((z-a)//4), b[8+n+a:8+n+z])
assert len(tau)==16 and d['tau']['below_1']==sum(1 for t in tau if t<1), (d['tau'], tau)
assert all(abs(d['tau'][k]-v)<=1e-6*abs(v) for k, v in (('min',min(tau)),('max',max(tau)),('mean',sum(tau)/16))), (d['tau'], tau)
" 2>"$TMP/pyout"; then ok; else bad "info --json: $(cat "$TMP/pyout")"; fi
check "info of a missing file" 1 "$BIN" info "$TMP/none.safetensors"

# ---- bench ----------------------------------------------------------------------------------
BT=(--model rnn --hidden 16 --batch 4 --len 5 --heads 2)
check "bench --json" 0 "$BIN" bench "${BT[@]}" --threads 1 --reps 2 --json
cp "$TMP/out" "$TMP/bench_t1_r2.json"
"$PY" -c 'import json,sys; json.load(sys.stdin)' <"$TMP/bench_t1_r2.json" 2>"$TMP/pyout" && ok || bad "bench --json is not JSON: $(head -c 300 "$TMP/out") $(cat "$TMP/pyout")"
[ "$(wc -l <"$TMP/bench_t1_r2.json")" -eq 1 ] && ok || bad "bench --json: more than one line on stdout"
if "$PY" - "$TMP/bench_t1_r2.json" >"$TMP/pyout" 2>&1 <<'EOF'
import json, re, sys
d = json.load(open(sys.argv[1]))
need = ["step_s", "fwd_s", "gflops", "flops_per_step", "fwd_gflops", "peak_gflops", "peak_isa", "fraction_of_peak",
        "fwd_fraction_of_peak", "max_rss_bytes", "bptt_bytes", "bptt_bytes_def", "rss_over_bptt", "output_xxh3",
        "model", "hidden", "batch", "len", "heads", "threads", "variant", "optim", "reps", "build", "step_s_all", "fwd_s_all"]
missing = [k for k in need if k not in d]
assert not missing, "missing fields: %s" % missing
H, B, M, K = 16, 4, 5, 2
assert (d["model"], d["hidden"], d["batch"], d["len"], d["heads"], d["threads"], d["reps"]) == ("rnn", H, B, M, K, 1, 2), d
assert (d["variant"], d["optim"]) == ("default", "sgd"), d
assert d["build"].startswith("rnnts "), d["build"]
assert len(d["step_s_all"]) == 2 and len(d["fwd_s_all"]) == 2
assert all(t > 0 for t in d["step_s_all"] + d["fwd_s_all"])
assert min(d["step_s_all"]) <= d["step_s"] <= max(d["step_s_all"])
assert d["flops_per_step"] == 6 * H * H * B * M
assert abs(d["gflops"] - d["flops_per_step"] / d["step_s"] * 1e-9) <= 1e-6 * d["gflops"]
assert abs(d["fwd_gflops"] - 2 * H * H * B * M / d["fwd_s"] * 1e-9) <= 1e-6 * d["fwd_gflops"]
assert d["peak_gflops"] > 0 and d["peak_isa"] in ("AVX512", "AVX2", "NEON", "scalar"), d["peak_isa"]
by = d["peak_gflops_by_isa"]  # every path the CPU runs; the reported peak is the widest's
assert by[d["peak_isa"]] > 0 and "scalar" in by and all(v > 0 for v in by.values()), by
assert d["simd"] in ("SCALAR", "AVX2", "AVX512", "NEON") and d["simd_selection"].startswith(d["simd"]), d["simd_selection"]
assert abs(d["fraction_of_peak"] - d["gflops"] / d["peak_gflops"]) <= 1e-6 * d["fraction_of_peak"]
assert abs(d["fwd_fraction_of_peak"] - d["fwd_gflops"] / d["peak_gflops"]) <= 1e-6 * d["fwd_fraction_of_peak"]
P = 4 * H + H * H + K * (2 * H + 2)  # tau, w_in, b_in, b; w; heads
assert d["bptt_bytes"] == 4 * (P * (2 + 1) + (M + 1) * H * B + M * H * B), (d["bptt_bytes"], P)
assert d["max_rss_bytes"] > 0 and abs(d["rss_over_bptt"] - d["max_rss_bytes"] / d["bptt_bytes"]) <= 1e-6 * d["rss_over_bptt"]
assert isinstance(d["bptt_bytes_def"], str) and d["bptt_bytes_def"]
assert re.fullmatch("[0-9a-f]{16}", d["output_xxh3"]), d["output_xxh3"]
EOF
then ok; else bad "bench --json fields: $(cat "$TMP/pyout")"; fi
# output_xxh3 is the network after one step from the seeded start, whatever the threads and reps
bench_hash() { "$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["output_xxh3"])' "$1" 2>/dev/null; }
check "bench --threads 2" 0 "$BIN" bench "${BT[@]}" --threads 2 --reps 2 --peak-seconds 0.05 --json
cp "$TMP/out" "$TMP/bench_t2_r2.json"
check "bench --reps 1" 0 "$BIN" bench "${BT[@]}" --threads 1 --reps 1 --peak-seconds 0.05 --json
cp "$TMP/out" "$TMP/bench_t1_r1.json"
check "bench --reps 3" 0 "$BIN" bench "${BT[@]}" --threads 1 --reps 3 --peak-seconds 0.05 --json
cp "$TMP/out" "$TMP/bench_t1_r3.json"
H1=$(bench_hash "$TMP/bench_t1_r2.json")
[ -n "$H1" ] && [ "$H1" = "$(bench_hash "$TMP/bench_t2_r2.json")" ] && ok || bad "bench output_xxh3 differs between --threads 1 and 2"
[ -n "$H1" ] && [ "$H1" = "$(bench_hash "$TMP/bench_t1_r1.json")" ] && [ "$H1" = "$(bench_hash "$TMP/bench_t1_r3.json")" ] \
    && ok || bad "bench output_xxh3 differs between --reps 1, 2 and 3"
# adam keeps 2 optimiser slots; another seed, variant or optimiser gives another network
check "bench adam mod" 0 "$BIN" bench "${BT[@]}" --optim adam --variant mod --seed 7 --reps 1 --peak-seconds 0 --json
if "$PY" -c "
import json
d=json.load(open('$TMP/out')); H,B,M,K=16,4,5,2; P=4*H+H*H+K*(2*H+2)
assert d['optim']=='adam' and d['variant']=='mod' and d['bptt_bytes']==4*(P*4+(M+1)*H*B+M*H*B), d
assert d['output_xxh3']!='$H1' and d['peak_gflops'] is None, d
" 2>"$TMP/pyout"; then ok; else bad "bench --optim adam: $(cat "$TMP/pyout")"; fi
check "bench summary" 0 "$BIN" bench "${BT[@]}" --reps 2 --peak-seconds 0.05
grep -q "^step " "$TMP/out" && grep -q "GFLOP/s" "$TMP/out" && grep -q "$H1" "$TMP/out" && ok || bad "bench summary: $(head -c 300 "$TMP/out")"

# ---- analyze ------------------------------------------------------------------------------------
for a in taus taunet ablate perturb forget pca retrain generalize forgetgate; do
    "$BIN" analyze "$a" --help >"$TMP/out" 2>"$TMP/err"
    rc=$?
    if [ "$rc" -eq 0 ] && grep -q "usage: rnnts analyze $a" "$TMP/out"; then ok; else bad "analyze $a --help: exit $rc"; fi
done
check "analyze --help" 0 "$BIN" analyze --help
usage "unknown analysis 'frob'" "$BIN" analyze frob x
usage "MODEL is required" "$BIN" analyze taunet
usage "--burn 500: must be below --steps 400" "$BIN" analyze taunet m --steps 400 --burn 500
usage "--trials 0: allowed 1..4096" "$BIN" analyze taunet m --trials 0
usage "--N N is required" "$BIN" analyze ablate m
usage "--N N is required" "$BIN" analyze perturb m
AM="$R/N2_N2.safetensors"
[ -f "$AM" ] || AM="$R/init.safetensors"
check "analyze taus" 0 "$BIN" analyze taus "$AM" --json --out "$TMP/an"
"$PY" -c "
import json; d=json.load(open('$TMP/out'))
for k in ('mean','median','sd','min','max','below_1','histogram','tau'): assert k in d, k
assert sum(d['histogram']['counts'])+d['histogram']['under']+d['histogram']['over']==len(d['tau'])==16, d['histogram']
assert abs(d['mean']-sum(d['tau'])/16)<1e-6, d['mean']" 2>"$TMP/pyout" && ok || bad "analyze taus: $(cat "$TMP/pyout")"
for f in taus.json taus.csv taus.svg; do [ -s "$TMP/an/$f" ] && ok || bad "analyze taus --out: no $f"; done
TN=(--steps 6000 --burn 200 --trials 3 --seed 5 --json)
check "analyze taunet 1 thread" 0 "$BIN" analyze taunet "$AM" "${TN[@]}" --threads 1 --out "$TMP/an"
cp "$TMP/out" "$TMP/tn1.json"
check "analyze taunet 2 threads, 1 MiB passes" 0 "$BIN" analyze taunet "$AM" "${TN[@]}" --threads 2 --max-mem 1
cp "$TMP/out" "$TMP/tn2.json"
"$PY" -c "
import json, math
a=json.load(open('$TMP/tn1.json')); b=json.load(open('$TMP/tn2.json'))
for k in ('tau_net','selected_model','mean_above_1','median_above_1','n_above_1','pop_ac','fits'): assert a[k]==b[k], k
assert a['passes']==1 and b['passes']>1, (a['passes'], b['passes'])
t=a['tau_net']; s=a['selected_model']; H=len(a['tau_trained'])
assert len(t)==H==16 and len(s)==H and len(a['pop_ac'])==200
assert all(m in (0,1,2) for m in s) and all((x is None)==(m==0) for x,m in zip(t,s)), (t,s)
above=[x for x in t if x is not None and x>1]
assert a['n_above_1']==len(above)
if above: assert abs(a['mean_above_1']-sum(above)/len(above))<1e-4*max(1,a['mean_above_1'])
assert all(x is None or 0<=x<=100 for x in t), t" 2>"$TMP/pyout" && ok || bad "analyze taunet: $(cat "$TMP/pyout")"
for f in taunet.json taunet.csv taunet.svg; do [ -s "$TMP/an/$f" ] && ok || bad "analyze taunet --out: no $f"; done
# --fit: the reference fit is the default, the other method comes under "alt" and equals its own run;
# --dump writes the fitted ACs and the inputs, and --inputs fed those inputs gives the same result
check "analyze taunet --fit best --dump" 0 "$BIN" analyze taunet "$AM" "${TN[@]}" --fit best --dump "$TMP/tndump"
cp "$TMP/out" "$TMP/tnb.json"
check "analyze taunet --inputs (the dumped bits)" 0 "$BIN" analyze taunet "$AM" --inputs "$TMP/tndump/inputs.npy" --burn 200 --seed 5 --json
cp "$TMP/out" "$TMP/tni.json"
"$PY" -c "
import json, struct
a=json.load(open('$TMP/tn1.json')); b=json.load(open('$TMP/tnb.json')); c=json.load(open('$TMP/tni.json'))
assert a['fit']=='reference' and b['fit']=='best' and a['inputs'] is None and c['inputs'].endswith('inputs.npy'), (a['fit'], b['fit'])
assert a['alt']['fit']=='best' and b['alt']['fit']=='reference'
assert a['alt']['tau_net']==b['tau_net'] and b['alt']['tau_net']==a['tau_net'] and a['alt']['n_above_1']==b['n_above_1'], 'alt differs'
assert c['tau_net']==a['tau_net'] and c['pop_ac']==a['pop_ac'] and c['steps']==6000 and c['trials']==3, 'fed own bits, other result'
assert 0<=a['share_double']<=1
raw=open('$TMP/tndump/ac.npy','rb').read(); assert raw[:6]==b'\x93NUMPY' and b\"(16, 200)\" in raw[:128], raw[:128]
raw=open('$TMP/tndump/inputs.npy','rb').read(); assert b\"(6000, 3)\" in raw[:128], raw[:128]" 2>"$TMP/pyout" && ok || bad "analyze taunet --fit/--dump/--inputs: $(cat "$TMP/pyout")"
usage "--steps 5000: --inputs" "$BIN" analyze taunet "$AM" --inputs "$TMP/tndump/inputs.npy" --steps 5000
usage "not a NumPy .npy file" "$BIN" analyze taunet "$AM" --inputs "$TMP/tn1.json"
usage "--fit scipy: allowed reference, best" "$BIN" analyze taunet "$AM" --fit scipy
check "analyze ablate" 0 "$BIN" analyze ablate "$AM" --N 2 --count 3 --trials 2 --json --out "$TMP/an"
"$PY" -c "
import json; d=json.load(open('$TMP/out')); n=d['neurons']
assert len(n)==6 and [x['group'] for x in n]==['fastest']*3+['slowest']*3
taus=[x['tau'] for x in n]; assert taus[0]<=taus[1]<=taus[2] and taus[3]>=taus[4]>=taus[5] and taus[2]<=taus[5], taus
assert 0<=d['baseline']<=1 and all(0<=x['accuracy']<=1 for x in n)
# the reference's defaults: head 0's readout column, relative to the best baseline trial
b=d['baseline_trials']; assert len(b)==2 and abs(d['baseline']-sum(b)/2)<1e-6, d
assert d['zero_heads']=='0' and d['zeroed_head']==0 and d['normalise']=='max' and d['baseline_norm']==max(b), d
if max(b)!=0.5: assert all(abs(x['relative']-(x['accuracy']-0.5)/(max(b)-0.5))<=1e-6*max(1,abs(x['relative'])) for x in n), n" 2>"$TMP/pyout" && ok || bad "analyze ablate: $(cat "$TMP/pyout")"
check "analyze ablate --zero-heads all --normalise mean" 0 "$BIN" analyze ablate "$AM" --N 2 --count 3 --trials 3 --zero-heads all --normalise mean --json
"$PY" -c "
import json; d=json.load(open('$TMP/out')); n=d['neurons']; b=d['baseline_trials']
assert d['zero_heads']=='all' and d['zeroed_head']==-1 and d['normalise']=='mean' and len(b)==3, d
assert abs(d['baseline_norm']-sum(b)/3)<1e-6 and abs(d['baseline']-sum(b)/3)<1e-6, d
if d['baseline']!=0.5: assert all(abs(x['relative']-(x['accuracy']-0.5)/(d['baseline']-0.5))<=1e-6*max(1,abs(x['relative'])) for x in n), n" 2>"$TMP/pyout" && ok || bad "analyze ablate --zero-heads all: $(cat "$TMP/pyout")"
usage "--zero-heads 1: allowed 0, serving, all" "$BIN" analyze ablate "$AM" --N 2 --zero-heads 1
usage "--normalise median: allowed max, mean" "$BIN" analyze perturb "$AM" --N 2 --normalise median
check "analyze perturb" 0 "$BIN" analyze perturb "$AM" --N 2 --trials 2 --json --out "$TMP/an"
"$PY" -c "
import json; d=json.load(open('$TMP/out')); b=d['baseline_trials']
assert len(d['w'])==11 and len(d['tau'])==14 and d['w'][0]['eps']==0 and d['tau'][0]['eps']==0
# eps = 0 repeats the baseline trials (trial r: stream r); relative to the best of them, population SD
assert d['normalise']=='max' and d['baseline_norm']==max(b) and len(b)==2, d
if max(b)!=0.5:
    rel=[(a-0.5)/(max(b)-0.5) for a in b]; m=sum(rel)/2; sd=(sum((r-m)**2 for r in rel)/2)**0.5
    for row in (d['w'][0], d['tau'][0]): assert abs(row['relative']-m)<1e-6 and abs(row['sd']-sd)<1e-6 and abs(row['accuracy']-d['baseline'])<1e-6, (row, rel)
e=[x['eps'] for x in d['w'][1:]]; assert abs(e[0]-0.01)<1e-12 and abs(e[-1]-10)<1e-9
e=[x['eps'] for x in d['tau'][1:]]; assert abs(e[0]-0.001)<1e-12 and abs(e[-1]-10)<1e-9" 2>"$TMP/pyout" && ok || bad "analyze perturb: $(cat "$TMP/pyout")"
check "analyze perturb --normalise mean" 0 "$BIN" analyze perturb "$AM" --N 2 --trials 3 --normalise mean --json
"$PY" -c "
import json; d=json.load(open('$TMP/out')); b=d['baseline_trials']
assert d['normalise']=='mean' and abs(d['baseline_norm']-sum(b)/3)<1e-6, d
if d['baseline']!=0.5: assert abs(d['w'][0]['relative']-1)<1e-6 and abs(d['tau'][0]['relative']-1)<1e-6, (d['w'][0], d['tau'][0])" 2>"$TMP/pyout" && ok || bad "analyze perturb --normalise mean: $(cat "$TMP/pyout")"
check "analyze forget" 0 "$BIN" analyze forget "$R" --batches 2 --json --out "$TMP/an"
"$PY" -c "
import json; d=json.load(open('$TMP/out')); c=d['checkpoints']
assert len(c)>=1 and d['N'][0]==2 and all(len(x['accuracy'])==len(d['N']) for x in c)
assert [x['n_hi'] for x in c]==sorted(x['n_hi'] for x in c)
assert all(a is None or 0<=a<=100 for x in c for a in x['accuracy'])" 2>"$TMP/pyout" && ok || bad "analyze forget: $(cat "$TMP/pyout")"
usage "RUN_DIR is required" "$BIN" analyze forget
check "analyze taus RUN_DIR" 0 "$BIN" analyze taus "$R" --json --out "$TMP/anr"
"$PY" -c "
import json; d=json.load(open('$TMP/out')); c=d['checkpoints']
assert len(c)>=1 and [x['n_hi'] for x in c]==sorted(x['n_hi'] for x in c) and all(x['min']<=x['median']<=x['max'] for x in c), c" 2>"$TMP/pyout" && ok || bad "analyze taus RUN_DIR: $(cat "$TMP/pyout")"
[ -s "$TMP/anr/taus.svg" ] && [ -s "$TMP/anr/taus.csv" ] && ok || bad "analyze taus RUN_DIR --out: files missing"
check "analyze taunet RUN_DIR" 0 "$BIN" analyze taunet "$R" --steps 1500 --burn 100 --trials 2 --json --out "$TMP/anr"
"$PY" -c "
import json; d=json.load(open('$TMP/out')); c=d['checkpoints']
assert len(c)>=1 and all(0<=x['n_above_1']<=16 for x in c) and d['steps']==1500, c" 2>"$TMP/pyout" && ok || bad "analyze taunet RUN_DIR: $(cat "$TMP/pyout")"
[ -s "$TMP/anr/taunet.csv" ] && ok || bad "analyze taunet RUN_DIR --out: no csv"
check "analyze pca" 0 "$BIN" analyze pca "$AM" --steps 600 --burn 50 --trials 2 --json --out "$TMP/an"
"$PY" -c "
import json; d=json.load(open('$TMP/out')); r=d['explained_variance_ratio_trial0']
assert len(d['n_components'])==2 and all(1<=k<=16 for k in d['n_components']) and len(r)==16
assert all(r[i]>=r[i+1]-1e-12 for i in range(15)) and abs(sum(r)-1)<1e-6, r" 2>"$TMP/pyout" && ok || bad "analyze pca: $(cat "$TMP/pyout")"
usage "--var" "$BIN" analyze pca m --var 0
for f in ablate.csv ablate.svg perturb.csv perturb.svg forget.csv; do [ -s "$TMP/an/$f" ] && ok || bad "analyze --out: no $f"; done
# retrain: exactly --epochs epochs per N, relative accuracy of the first N is 1, the model untouched
RT=(--ns 2,3 --epochs 2 --batch 16 --steps-per-epoch 5 --test-batches 2 --quiet)
check "analyze retrain" 0 "$BIN" analyze retrain "$AM" "${RT[@]}" --json --out "$TMP/an"
"$PY" -c "
import json; d=json.load(open('$TMP/out'))
assert d['ns']==[2,3] and d['epochs']==2 and [len(c) for c in d['curves']]==[2,2], d
assert d['accuracy']==[c[-1] for c in d['curves']] and abs(d['relative'][0]-1)<1e-12, d
assert all(0<=a<=100 for c in d['curves'] for a in c), d" 2>"$TMP/pyout" && ok || bad "analyze retrain: $(cat "$TMP/pyout")"
"$BIN" analyze retrain "$AM" "${RT[@]}" --threads 2 --json >"$TMP/out2" 2>/dev/null && cmp -s "$TMP/out" "$TMP/out2" && ok || bad "analyze retrain: 1 and 2 threads differ"
for f in retrain.json retrain.csv retrain.svg; do [ -s "$TMP/an/$f" ] && ok || bad "analyze retrain --out: no $f"; done
usage "--ns LIST is required" "$BIN" analyze retrain "$AM"
usage "--epochs 0: allowed 1..100000" "$BIN" analyze retrain "$AM" --ns 2 --epochs 0
# generalize: lengths are multiples of 4 N_max + 1; the extra Ns follow N_max; --k only for continuous time
check "analyze generalize" 0 "$BIN" analyze generalize "$AM" --length-factors 1,3 --extra 2 --batches 2 --json --out "$TMP/an"
"$PY" -c "
import json; d=json.load(open('$TMP/out'))
m=4*max(d['ns'])+1
assert d['trained_max_len']==m and d['lengths']==[m,3*m] and d['extra_ns']==[max(d['ns'])+1,max(d['ns'])+2], d
assert len(d['accuracy_by_length'])==2 and all(len(r)==len(d['ns']) for r in d['accuracy_by_length']) and d['k']==[], d
assert all(0<=a<=100 for r in d['accuracy_by_length'] for a in r) and all(0<=a<=100 for a in d['accuracy_extra_ns']), d" 2>"$TMP/pyout" && ok || bad "analyze generalize: $(cat "$TMP/pyout")"
for f in generalize.json generalize.csv generalize.svg; do [ -s "$TMP/an/$f" ] && ok || bad "analyze generalize --out: no $f"; done
usage "--k applies to continuous-time models only" "$BIN" analyze generalize "$AM" --k 2
usage "--extra 257: allowed 0..256" "$BIN" analyze generalize "$AM" --extra 257
usage "--k-continuous 2 needs --variant mod" "$BIN" train --k-continuous 2 --out "$TMP/kc"
check "train continuous time" 0 "$BIN" train --variant mod --k-continuous 2 --hidden 8 --heads 3 --batch 8 --steps-per-epoch 3 --test-batches 1 --max-epochs 2 --threshold 0 --quiet --out "$TMP/kc"
KC=$(ls "$TMP"/kc/N*_N*.safetensors 2>/dev/null | head -1)
check "analyze generalize --k" 0 "$BIN" analyze generalize "$KC" --k 1,2,5 --length-factors 1 --extra 0 --batches 1 --json --out "$TMP/ank"
"$PY" -c "
import json; d=json.load(open('$TMP/out'))
assert d['k']==[1,2,5] and len(d['accuracy_by_k'])==3, d" 2>"$TMP/pyout" && ok || bad "analyze generalize --k: $(cat "$TMP/pyout")"
[ -s "$TMP/ank/generalize_k.svg" ] && ok || bad "analyze generalize --k: no generalize_k.svg"
# ---- the reference's options (issue 14): --k-list, --init-tau-mean, --init-heads, --preset ------------
usage "--k-list needs --variant mod" "$BIN" train --k-list 1,2 --out "$TMP/kl"
usage "--k-list and --k-continuous exclude each other" "$BIN" train --variant mod --k-list 1,2 --k-continuous 2 --out "$TMP/kl"
usage "--k-list 0,2: allowed a comma list of N in 1..10000" "$BIN" train --variant mod --k-list 0,2 --out "$TMP/kl"
usage "--k-list: 17 values, allowed at most 16" "$BIN" train --variant mod --k-list 1-17 --out "$TMP/kl"
usage "--init-tau-mean rescales learnable tau" "$BIN" train --init-tau-mean 3 --fixed-tau 2 --out "$TMP/kl"
usage "--init-tau-mean 0: allowed 0.001..1e+06" "$BIN" train --init-tau-mean 0 --out "$TMP/kl"
usage "--init-heads 3 applies to --curriculum multi only" "$BIN" train --init-heads 3 --curriculum sliding --out "$TMP/kl"
usage "--heads 3: allowed 5..65536 (--init-heads needs as many heads)" "$BIN" train --init-heads 5 --heads 3 --out "$TMP/kl"
usage "--preset sliding_5_10: slide 10: allowed 1..5" "$BIN" train --preset sliding_5_10 --out "$TMP/kl"
usage "--preset \"cumulative\": allowed sliding_W_F" "$BIN" train --preset cumulative --out "$TMP/kl"
usage "--preset sliding_10_5 sets the window and the slide" "$BIN" train --preset sliding_10_5 --slide 2 --out "$TMP/kl"
usage "--preset sliding_10_5 is a sliding curriculum" "$BIN" train --preset sliding_10_5 --curriculum multi --out "$TMP/kl"
usage "--k-list cannot be used with --resume" "$BIN" train --resume "$R/init.safetensors" --k-list 1,2
[ ! -e "$TMP/kl" ] && ok || bad "a reference-option usage error created the output directory"
KL=(--variant mod --k-list 1,3,2 --init-tau-mean 2.5 --init-heads 2 --hidden 8 --heads 5 --batch 8 --steps-per-epoch 3 --test-batches 1 --max-epochs 3 --threshold 0 --quiet)
check "train --k-list --init-tau-mean --init-heads" 0 "$BIN" train "${KL[@]}" --out "$TMP/kl"
"$PY" - "$TMP/kl" >"$TMP/pyout" 2>&1 <<'EOF2' && ok || bad "k-list run: $(cat "$TMP/pyout")"
import json, struct, sys
d = sys.argv[1]
rs = [json.loads(l) for l in open(d + "/log.jsonl")]
assert [r["ns"] for r in rs] == [[2, 3], [2, 3, 4], [2, 3, 4, 5]], rs
def meta(p):
    b = open(p, "rb").read()
    n = struct.unpack("<Q", b[:8])[0]
    return json.loads(b[8:8 + n])["__metadata__"]
m = meta(d + "/init.safetensors")
assert m["k_continuous"] == "1" and m["tau_mean"] == "2.5", m
c = meta(d + "/last.safetensors")
assert " init_heads=2 k_list=1,3,2" in c["train_config"], c["train_config"]
assert abs(rs[0]["tau"]["mean"] - 2.5) < 0.05, rs[0]["tau"]
EOF2
mkdir -p "$TMP/klr" && cp "$TMP/kl/init.safetensors" "$TMP/kl/N2_N3.safetensors" "$TMP/kl/log.jsonl" "$TMP/klr/"
check "train --resume a k-list run" 0 "$BIN" train --resume "$TMP/klr/N2_N3.safetensors" --quiet
for f in N2_N4 N2_N5 last; do cmp -s "$TMP/kl/$f.safetensors" "$TMP/klr/$f.safetensors" && ok || bad "k-list resume: $f differs from the uninterrupted run"; done
check "train --auto-resume a finished k-list run" 0 "$BIN" train "${KL[@]}" --out "$TMP/kl" --auto-resume
usage "k_list value = 2, the flags say 5" "$BIN" train --variant mod --k-list 1,3,5 --init-tau-mean 2.5 --init-heads 2 --hidden 8 --heads 5 --batch 8 --steps-per-epoch 3 --test-batches 1 --max-epochs 3 --threshold 0 --quiet --out "$TMP/kl" --auto-resume
check "train --preset sliding_10_5" 0 "$BIN" train --preset sliding_10_5 --hidden 8 --heads 10 --batch 8 --steps-per-epoch 2 --test-batches 1 --max-epochs 2 --threshold 0 --quiet --out "$TMP/sl105"
"$PY" -c "
import json; rs=[json.loads(l) for l in open('$TMP/sl105/log.jsonl')]
assert [r['ns'] for r in rs]==[list(range(2,12)), list(range(7,17))], rs" 2>"$TMP/pyout" && ok || bad "preset sliding_10_5: $(cat "$TMP/pyout")"
check "analyze forget --every --own" 0 "$BIN" analyze forget "$R" --batches 1 --every 2 --own --json
"$PY" -c "
import json; d=json.load(open('$TMP/out')); c=d['checkpoints']
assert all(a is None for x in c for n, a in zip(d['N'], x['accuracy']) if n > x['n_hi']), c" 2>"$TMP/pyout" && ok || bad "analyze forget --own: $(cat "$TMP/pyout")"

# ---- GRU and LSTM (--model) --------------------------------------------------------------------
for m in gru lstm; do
    for fl in "--fixed-tau 2" "--tau-init 1" "--variant mod" "--activation tanh" "--k-continuous 2" "--k-list 1,2" "--init-tau-mean 2"; do
        usage "${fl%% *} applies to --model rnn only" "$BIN" train --model $m $fl --out "$TMP/u_$m"
    done
done
usage "--model cnn: allowed rnn, gru, lstm" "$BIN" train --model cnn --out "$TMP/u"
usage "--model cannot be used with --resume" "$BIN" train --resume "$R/init.safetensors" --model gru
[ ! -e "$TMP/u_gru" ] && [ ! -e "$TMP/u_lstm" ] && ok || bad "a --model usage error created the output directory"
GT=(--hidden 12 --heads 4 --batch 16 --steps-per-epoch 20 --test-batches 2 --max-epochs 4 --threshold 55 --quiet)
for m in gru lstm; do
    check "train --model $m" 0 "$BIN" train --model $m "${GT[@]}" --out "$TMP/$m"
    "$PY" - "$TMP/$m/log.jsonl" >"$TMP/pyout" 2>&1 <<'EOF2' && ok || bad "$m log.jsonl: $(cat "$TMP/pyout")"
import json, sys
rs = [json.loads(l) for l in open(sys.argv[1])]
assert len(rs) == 4 and all(r["tau"] is None for r in rs), rs
EOF2
    ls "$TMP/$m"/N*_N*.safetensors >/dev/null 2>&1 && ok || bad "train --model $m: no checkpoint (threshold 55)"
    check "info --json $m" 0 "$BIN" info "$TMP/$m/init.safetensors" --json
    "$PY" - "$TMP/out" $m >"$TMP/pyout" 2>&1 <<'EOF2' && ok || bad "info --json $m: $(cat "$TMP/pyout")"
import json, sys
d = json.load(open(sys.argv[1])); m = sys.argv[2]; G = 3 if m == "gru" else 4
assert d["model"] == m and d["metadata"]["model"] == m and d["tau"] is None and d["tau_count"] == 0, d
t = {x["name"]: x["shape"] for x in d["tensors"]}
assert t[m + ".weight_hh_l0"] == [G * 12, 12] and t[m + ".weight_ih_l0"] == [G * 12, 1] and t["modulelist.3.weight"] == [2, 12], t
# the trainer's defaults for gru/lstm: the reference's LSTM protocol, with the flags given here
c = dict(kv.split("=") for kv in d["metadata"]["train_config"].split())
assert c["optimizer"] == "adam" and abs(float(c["lr"]) - 1e-3) < 1e-9 and c["clip"] == "2" and c["batch"] == "16", c
EOF2
    check "info $m" 0 "$BIN" info "$TMP/$m/init.safetensors"
    grep -q "^tau         none ($m)" "$TMP/out" && grep -q "^network     $m," "$TMP/out" && ok || bad "info $m: $(head -c 300 "$TMP/out")"
    check "eval --json $m" 0 "$BIN" eval "$TMP/$m/N2_N2.safetensors" --N 2,3 --batches 2 --batch 32 --json
    "$PY" -c "
import json; d=json.load(open('$TMP/out'))
assert sorted(d['accuracy'])==['2','3'] and all(0<=a<=100 for a in d['accuracy'].values()), d" 2>"$TMP/pyout" && ok || bad "eval $m: $(cat "$TMP/pyout")"
    # grad on a fresh network: the RNN's layout with the model's tensor names
    check "grad --model $m" 0 "$BIN" grad --model $m --hidden 8 --heads 3 --N 2,4 --batch 5 --len 9 --seed 3 --out "$TMP/grad_$m.safetensors"
    "$PY" - "$TMP/grad_$m.safetensors" $m >"$TMP/pyout" 2>&1 <<'EOF2' && ok || bad "grad --model $m file: $(cat "$TMP/pyout")"
import json, struct, sys
b = open(sys.argv[1], "rb").read(); m = sys.argv[2]; G = 3 if m == "gru" else 4
n = struct.unpack("<Q", b[:8])[0]; h = json.loads(b[8:8 + n]); meta = h.pop("__metadata__")
want = {"grad.%s.%s" % (m, t) for t in ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0")}
want |= {"grad.modulelist.%d.%s" % (k, t) for k in range(3) for t in ("weight", "bias")}
want |= {"input", "h0", "label.2", "label.4", "loss"}
assert set(h) == want, sorted(set(h) ^ want)
assert h["grad.%s.weight_hh_l0" % m]["shape"] == [G * 8, 8] and h["input"]["shape"] == [9, 5] and h["h0"]["shape"] == [5, 8]
assert meta["model"] == m and meta["ns"] == "2,4" and meta["active_heads"] == "0,2", meta
d = b[8 + n:]
def f32(name):
    a, z = h[name]["data_offsets"]; return struct.unpack("<%df" % ((z - a) // 4), d[a:z])
assert set(f32("input")) <= {0.0, 1.0} and all(x == 0.0 for x in f32("h0")) and f32("loss")[0] > 0
assert any(x != 0.0 for x in f32("grad.%s.weight_hh_l0" % m)) and all(x == 0.0 for x in f32("grad.modulelist.1.weight"))
EOF2
    check "grad FILE --model $m" 0 "$BIN" grad "$TMP/$m/N2_N2.safetensors" --model $m --N 2,3 --batch 4 --len 9 --out "$TMP/gradf_$m.safetensors"
    # bench: the RNN's JSON fields, gated FLOP and memory formulas
    check "bench --model $m" 0 "$BIN" bench --model $m --hidden 16 --batch 4 --len 5 --heads 2 --reps 2 --peak-seconds 0.05 --json
    "$PY" - "$TMP/out" "$TMP/bench_t1_r2.json" $m >"$TMP/pyout" 2>&1 <<'EOF2' && ok || bad "bench --model $m: $(cat "$TMP/pyout")"
import json, sys
d = json.load(open(sys.argv[1])); r = json.load(open(sys.argv[2])); m = sys.argv[3]; G = 3 if m == "gru" else 4
assert set(r) <= set(d), sorted(set(r) - set(d))
H, B, M, K = 16, 4, 5, 2
assert d["model"] == m and d["optim"] == "adam" and d["variant"] == "none", d
fwd = 2 * G * H * H * B * M + 4 * K * H * B
assert d["fwd_flops"] == fwd and d["flops_per_step"] == 3 * fwd, d
assert abs(d["gflops"] - d["flops_per_step"] / d["step_s"] * 1e-9) <= 1e-6 * d["gflops"]
P = G * H * 3 + G * H * H + K * (2 * H + 2)
assert d["param_count"] == P, (d["param_count"], P)
st, per = (2, 5) if m == "lstm" else (1, 4)
assert d["bptt_bytes"] == 4 * (P * (2 + 2) + st * (M + 1) * H * B + per * M * H * B), (d["bptt_bytes"], d["bptt_bytes_def"])
assert len(d["output_xxh3"]) == 16 and d["output_xxh3"] != r["output_xxh3"]
EOF2
done
"$BIN" bench --model gru --hidden 16 --batch 4 --len 5 --heads 2 --reps 1 --threads 2 --peak-seconds 0 --json >"$TMP/b2" 2>/dev/null &&
"$BIN" bench --model gru --hidden 16 --batch 4 --len 5 --heads 2 --reps 3 --threads 1 --peak-seconds 0 --json >"$TMP/b1" 2>/dev/null &&
[ "$(bench_hash "$TMP/b1")" = "$(bench_hash "$TMP/b2")" ] && ok || bad "bench --model gru: output_xxh3 depends on threads or reps"
# resume of an LSTM run: later checkpoints byte-identical
mkdir -p "$TMP/lstm_res" && cp "$TMP/lstm/N2_N2.safetensors" "$TMP/lstm_res/"
check "train --resume lstm" 0 "$BIN" train --resume "$TMP/lstm_res/N2_N2.safetensors" --quiet
same=1; n_all=0
for f in "$TMP"/lstm/N*_N*.safetensors; do
    b=$(basename "$f"); [ "$b" = N2_N2.safetensors ] && continue
    n_all=$((n_all + 1)); cmp -s "$f" "$TMP/lstm_res/$b" || same=0
done
[ "$same" -eq 1 ] && ok || bad "lstm resume: later checkpoints differ ($n_all compared)"
usage "--model gru: " "$BIN" grad "$TMP/lstm/init.safetensors" --model gru --N 2 --out "$TMP/g"
usage "--hidden applies to a fresh network only" "$BIN" grad "$TMP/gru/init.safetensors" --hidden 8 --N 2 --out "$TMP/g"
usage "MODEL is required" "$BIN" grad --N 2 --out "$TMP/g"
# analyses on GRU/LSTM files
G="$TMP/gru/N2_N2.safetensors"
L="$TMP/lstm/N2_N2.safetensors"
usage "is a gru network: it has no tau" "$BIN" analyze taus "$G"
usage "is an rnn network: the forget / update gate exists in an LSTM / GRU only" "$BIN" analyze forgetgate "$AM"
usage "--count 7: at most H / 2 = 6" "$BIN" analyze ablate "$G" --N 2 --count 7
# ablate on GRU/LSTM: units sorted by forgetgate's default gate timescale (the same numbers), --count honoured
for m in gru lstm; do
    MF="$TMP/$m/N2_N2.safetensors"
    check "analyze forgetgate $m (defaults)" 0 "$BIN" analyze forgetgate "$MF" --json
    cp "$TMP/out" "$TMP/fg_$m"
    check "analyze ablate $m" 0 "$BIN" analyze ablate "$MF" --N 2 --count 2 --trials 2 --json --out "$TMP/ab_$m"
    "$PY" - "$TMP/out" "$TMP/fg_$m" $m >"$TMP/pyout" 2>&1 <<'EOF2' && ok || bad "analyze ablate $m: $(cat "$TMP/pyout")"
import json, math, sys
d = json.load(open(sys.argv[1])); fg = json.load(open(sys.argv[2])); m = sys.argv[3]; n = d["neurons"]
gate = "update" if m == "gru" else "forget"
assert d["sort_by"] == "gate_timescale" and d["gate"] == gate == fg["gate"] and d["count"] == 2 and len(n) == 4, d
assert [x["group"] for x in n] == ["fastest"] * 2 + ["slowest"] * 2 and [x["rank"] for x in n] == [0, 1, 0, 1]
assert all("tau" not in x for x in n) and len({x["neuron"] for x in n}) == 4
g = [x["gate_timescale"] for x in n]
assert g[0] <= g[1] <= g[2] and g[3] <= g[2] and g[1] <= g[3], g  # ascending: fastest first; slowest group from the top
ts = fg["timescale"]; srt = sorted(range(len(ts)), key=lambda i: (ts[i], i))
assert [x["neuron"] for x in n] == srt[:2] + srt[::-1][:2], (srt, n)
assert all(abs(x["gate_timescale"] - ts[x["neuron"]]) <= 1e-6 * ts[x["neuron"]] for x in n)
assert 0 <= d["baseline"] <= 1 and all(0 <= x["accuracy"] <= 1 for x in n)
if d["baseline"] != 0.5:
    assert all(math.isfinite(x["relative"]) for x in n) and math.isfinite(d["mean_relative_fastest"]) and math.isfinite(d["mean_relative_slowest"]), n
    assert all(abs(x["relative"] - (x["accuracy"] - 0.5) / (d["baseline_norm"] - 0.5)) <= 1e-4 * max(1, abs(x["relative"])) for x in n)
assert d["zeroed_head"] == 0 and d["baseline_norm"] == max(d["baseline_trials"]), d
EOF2
    for f in ablate.json ablate.csv ablate.svg; do [ -s "$TMP/ab_$m/$f" ] && ok || bad "analyze ablate $m --out: no $f"; done
    head -1 "$TMP/ab_$m/ablate.csv" | grep -qx "group,rank,neuron,gate_timescale,accuracy,relative" && ok || bad "analyze ablate $m: csv header"
done
check "analyze forgetgate gru" 0 "$BIN" analyze forgetgate "$G" --steps 400 --burn 50 --trials 3 --seed 2 --json --out "$TMP/ang"
"$PY" - "$TMP/out" >"$TMP/pyout" 2>&1 <<'EOF2' && ok || bad "analyze forgetgate gru: $(cat "$TMP/pyout")"
import json, sys
d = json.load(open(sys.argv[1])); z = d["forget_gate_mean"]; t = d["timescale"]
assert d["gate"] == "update" and d["H"] == 12 and len(z) == len(t) == len(d["timescale_bias"]) == 12 and (d["steps"], d["burn"], d["trials"]) == (400, 50, 3)
assert all(0 < x < 1 for x in z) and all(x >= 1 for x in t) and all(x >= 1 for x in d["timescale_bias"]), (z, t)
assert all(abs(y - 1 / (1 - x)) <= 1e-6 * y for x, y in zip(z, t)) and sum(d["histogram"]["counts"]) == 12
EOF2
for f in forgetgate.json forgetgate.csv forgetgate.svg; do [ -s "$TMP/ang/$f" ] && ok || bad "analyze forgetgate gru --out: no $f"; done
grep -q "GRU update-gate timescale" "$TMP/ang/forgetgate.svg" && ok || bad "analyze forgetgate gru: svg title"
check "analyze perturb gru" 0 "$BIN" analyze perturb "$G" --N 2 --trials 2 --json --out "$TMP/ang"
"$PY" -c "
import json; d=json.load(open('$TMP/out'))
assert len(d['w'])==11 and d['tau']==[] and 'no tau' in d['note'], d
b=d['baseline_trials']
if max(b)!=0.5: assert abs(d['w'][0]['relative']-sum((a-0.5)/(max(b)-0.5) for a in b)/len(b))<1e-6, (d['w'][0], b)" 2>"$TMP/pyout" && ok || bad "analyze perturb gru: $(cat "$TMP/pyout")"
check "analyze forget gru" 0 "$BIN" analyze forget "$TMP/gru" --batches 2 --json
"$PY" -c "
import json; d=json.load(open('$TMP/out')); c=d['checkpoints']
assert len(c)>=1 and all(a is None or 0<=a<=100 for x in c for a in x['accuracy'])" 2>"$TMP/pyout" && ok || bad "analyze forget gru: $(cat "$TMP/pyout")"
check "analyze retrain gru" 0 "$BIN" analyze retrain "$G" --ns 2,3 --epochs 2 --steps-per-epoch 5 --test-batches 2 --quiet --json
"$PY" -c "
import json; d=json.load(open('$TMP/out'))
assert d['optimizer']=='adam' and d['batch']==64 and [len(c) for c in d['curves']]==[2,2] and abs(d['relative'][0]-1)<1e-12, d" 2>"$TMP/pyout" && ok || bad "analyze retrain gru: $(cat "$TMP/pyout")"
check "analyze generalize gru" 0 "$BIN" analyze generalize "$G" --ns 2 --length-factors 1,2 --extra 1 --batches 1 --json
"$PY" -c "
import json; d=json.load(open('$TMP/out'))
assert len(d['accuracy_by_length'])==2 and d['k']==[] and all(0<=a<=100 for r in d['accuracy_by_length'] for a in r), d" 2>"$TMP/pyout" && ok || bad "analyze generalize gru: $(cat "$TMP/pyout")"
check "analyze taunet lstm" 0 "$BIN" analyze taunet "$L" --steps 1500 --burn 100 --trials 2 --json --out "$TMP/anl"
"$PY" -c "
import json; d=json.load(open('$TMP/out'))
assert d['tau_trained'] is None and len(d['tau_net'])==12, d['tau_trained']" 2>"$TMP/pyout" && ok || bad "analyze taunet lstm: $(cat "$TMP/pyout")"
check "analyze pca gru" 0 "$BIN" analyze pca "$G" --steps 600 --burn 50 --trials 2 --json
check "analyze forgetgate" 0 "$BIN" analyze forgetgate "$L" --steps 400 --burn 50 --trials 3 --seed 2 --json --out "$TMP/anl"
"$PY" - "$TMP/out" >"$TMP/pyout" 2>&1 <<'EOF2' && ok || bad "analyze forgetgate: $(cat "$TMP/pyout")"
import json, statistics, sys
d = json.load(open(sys.argv[1])); f = d["forget_gate_mean"]; t = d["timescale"]; s = d["summary"]
assert d["gate"] == "forget" and d["H"] == 12 and len(f) == len(t) == len(d["timescale_bias"]) == 12 and (d["steps"], d["burn"], d["trials"]) == (400, 50, 3)
assert all(0 < x < 1 for x in f) and all(x >= 1 for x in t) and all(x >= 1 for x in d["timescale_bias"]), (f, t)
assert all(abs(y - 1 / (1 - x)) <= 1e-6 * y for x, y in zip(f, t))
# JSON numbers carry 9 significant digits
assert abs(s["mean"] - sum(t) / 12) < 1e-6 * s["mean"] and abs(s["median"] - statistics.median(t)) <= 2e-8 * s["median"] and s["max"] == max(t)
assert sum(d["histogram"]["counts"]) == 12
EOF2
for f in forgetgate.json forgetgate.csv forgetgate.svg; do [ -s "$TMP/anl/$f" ] && ok || bad "analyze forgetgate --out: no $f"; done
"$BIN" analyze forgetgate "$L" --steps 400 --burn 50 --trials 3 --seed 2 --json >"$TMP/out2" 2>/dev/null &&
"$PY" -c "
import json; a=json.load(open('$TMP/out')); b=json.load(open('$TMP/out2')); a.pop('seconds'); b.pop('seconds'); assert a==b" 2>/dev/null && ok || bad "analyze forgetgate is not deterministic"
usage "--burn 500: must be below --steps 400" "$BIN" analyze forgetgate "$L" --steps 400 --burn 500

# ---- faults: signals, crashes, failing writes, --auto-resume (issue 7) -------------------------
# Epochs of ~1 s (N = 20: sequences of 22..81 steps), so that a signal lands mid-epoch.
FT=(--hidden 64 --heads 3 --batch 32 --n-start 20 --steps-per-epoch 2000 --test-batches 2 --max-epochs 2 --threads 1 --threshold 0 --quiet)
check "faults: uninterrupted run" 0 "$BIN" train "${FT[@]}" --out "$TMP/fu"
# start_then NAME SIGNAL DIR FLAGS...: starts train in the background, sends SIGNAL once it trains
# (init.safetensors exists, plus 0.3 s), waits; the exit code is in $RC, stderr in $TMP/ferr.
start_then() {
    local sig=$1 dir=$2
    shift 2
    "$BIN" train "$@" --out "$dir" 2>"$TMP/ferr" &
    local pid=$! k=0
    while [ ! -e "$dir/init.safetensors" ] && [ ! -e "$dir/last.safetensors" ] && [ $k -lt 200 ]; do sleep 0.05; k=$((k + 1)); done
    sleep 0.3
    kill -s "$sig" $pid 2>/dev/null
    wait $pid
    RC=$?
}
# same_run DIR WHAT: every checkpoint of the uninterrupted run is byte-identical in DIR, and the logs
# agree except for the wall-clock fields.
same_run() {
    local n=0 f
    for f in "$TMP"/fu/*.safetensors; do
        cmp -s "$f" "$1/$(basename "$f")" || { bad "$2: $(basename "$f") differs from the uninterrupted run"; return; }
        n=$((n + 1))
    done
    [ $n -ge 3 ] || { bad "$2: only $n checkpoints compared"; return; }
    if diff <(sed 's/,"seconds".*//' "$TMP/fu/log.jsonl") <(sed 's/,"seconds".*//' "$1/log.jsonl") >/dev/null; then ok; else bad "$2: log differs"; fi
}
start_then INT "$TMP/fi" "${FT[@]}"
[ "$RC" -eq 130 ] && ok || bad "SIGINT: exit $RC, expected 130 ($(cat "$TMP/ferr"))"
grep -q "stopped by SIGINT in epoch 1 after step" "$TMP/ferr" && ok || bad "SIGINT: not stopped mid-epoch: $(cat "$TMP/ferr")"
[ -s "$TMP/fi/last.safetensors" ] && [ ! -e "$TMP/fi/last.safetensors.tmp" ] && ok || bad "SIGINT: no last.safetensors (or a .tmp left)"
check "faults: --resume DIR after SIGINT" 0 "$BIN" train --resume "$TMP/fi" --quiet
same_run "$TMP/fi" "SIGINT + --resume DIR"
# SIGTERM (a scheduler's time limit) with --auto-resume, twice, then to the end
start_then TERM "$TMP/ft" "${FT[@]}" --auto-resume
[ "$RC" -eq 143 ] && ok || bad "SIGTERM: exit $RC, expected 143 ($(cat "$TMP/ferr"))"
start_then TERM "$TMP/ft" "${FT[@]}" --auto-resume
[ "$RC" -eq 143 ] || [ "$RC" -eq 0 ] && ok || bad "SIGTERM again: exit $RC ($(cat "$TMP/ferr"))"
check "faults: --auto-resume after SIGTERM" 0 "$BIN" train "${FT[@]}" --out "$TMP/ft" --auto-resume
same_run "$TMP/ft" "SIGTERM + --auto-resume"
# SIGKILL: nothing runs at exit; the rolling checkpoint of the last finished epoch survives
start_then KILL "$TMP/fk" "${FT[@]}"
[ "$RC" -eq 137 ] && ok || bad "SIGKILL: exit $RC, expected 137"
printf '{"epoch":9,"ns":[2' >>"$TMP/fk/log.jsonl" # a record a crash cut short
if [ -e "$TMP/fk/last.safetensors" ]; then
    check "faults: --auto-resume after SIGKILL" 0 "$BIN" train "${FT[@]}" --out "$TMP/fk" --auto-resume
else
    check "faults: --auto-resume after SIGKILL in epoch 1" 0 "$BIN" train "${FT[@]}" --out "$TMP/fk" --auto-resume
fi
same_run "$TMP/fk" "SIGKILL + --auto-resume"
check "faults: --auto-resume of a finished run" 0 "$BIN" train "${FT[@]}" --out "$TMP/fk" --auto-resume
grep -q "nothing to do" "$TMP/err" && ok || bad "--auto-resume of a finished run: $(cat "$TMP/err")"
usage "holds another run (hidden = 64, the flags say 32)" "$BIN" train "${FT[@]}" --hidden 32 --out "$TMP/fk" --auto-resume
usage "--auto-resume and --force exclude each other" "$BIN" train "${FT[@]}" --out "$TMP/fk" --auto-resume --force
mkdir -p "$TMP/fold" && cp "$TMP/fu/init.safetensors" "$TMP/fu/N20_N20.safetensors" "$TMP/fold/"
usage "holds a run without last.safetensors" "$BIN" train "${FT[@]}" --out "$TMP/fold" --auto-resume
usage "has no last.safetensors" "$BIN" train --resume "$TMP/fold"
# a write that fails part-way (file size limit 40 KiB; a checkpoint is ~70 KiB): exit 1, the cause
# named, the previous checkpoint intact, no temporary file left; the run then resumes to the same bits
FW=(--hidden 64 --heads 3 --batch 16 --steps-per-epoch 20 --test-batches 2 --threads 1 --threshold 0 --optimizer adam --quiet)
check "faults: first epoch" 0 "$BIN" train "${FW[@]}" --max-epochs 1 --out "$TMP/fw"
cp "$TMP/fw/last.safetensors" "$TMP/fw_last.bak"
(ulimit -f 40; exec "$BIN" train --resume "$TMP/fw" --max-epochs 3 --quiet) >"$TMP/out" 2>"$TMP/err"
RC=$?
[ "$RC" -eq 1 ] && grep -q "File too large" "$TMP/err" && grep -q "unchanged" "$TMP/err" && ok || bad "failing write: exit $RC: $(cat "$TMP/err")"
cmp -s "$TMP/fw/last.safetensors" "$TMP/fw_last.bak" && ok || bad "failing write: last.safetensors changed"
ls "$TMP"/fw/*.tmp >/dev/null 2>&1 && bad "failing write: a .tmp file was left" || ok
check "faults: resume after the failed write" 0 "$BIN" train --resume "$TMP/fw" --max-epochs 3
check "faults: uninterrupted 3 epochs" 0 "$BIN" train "${FW[@]}" --max-epochs 3 --out "$TMP/fw3"
# (files written after the resume; earlier ones carry the 1-epoch budget in their configuration)
for f in N2_N3.safetensors N2_N4.safetensors last.safetensors; do cmp -s "$TMP/fw3/$f" "$TMP/fw/$f" && ok || bad "failing write + resume: $f differs"; done
[ "$(wc -l <"$TMP/fw/log.jsonl")" -eq 3 ] && ok || bad "failing write + resume: log has $(wc -l <"$TMP/fw/log.jsonl") records, expected 3"

# sizes beyond the memory limit: "out of memory" naming the need, not the OOM killer
RNNTS_MEMORY_LIMIT=1G "$BIN" train --hidden 65536 --heads 65536 --out "$TMP/huge" --quiet >"$TMP/out" 2>"$TMP/err"
RC=$?
[ "$RC" -eq 1 ] && grep -q "out of memory for 12885295104 parameters" "$TMP/err" && grep -q "memory limit is 1.00 GB (RNNTS_MEMORY_LIMIT)" "$TMP/err" &&
    ok || bad "huge network: exit $RC: $(cat "$TMP/err")"
RNNTS_MEMORY_LIMIT=64M "$BIN" train --hidden 2048 --heads 4 --out "$TMP/huge2" --quiet >"$TMP/out" 2>"$TMP/err"
RC=$?
[ "$RC" -eq 1 ] && grep -q "out of memory" "$TMP/err" && ok || bad "64 MB limit: exit $RC: $(cat "$TMP/err")"

# ---- compare: the two curricula side by side (two processes) train what --sequential trains ----
CMPF=(--hidden 16 --heads 8 --batch 16 --steps-per-epoch 20 --test-batches 2 --max-epochs 6 --threshold 70 --time-limit 0 --quiet)
check "compare side by side" 0 "$BIN" compare "${CMPF[@]}" --out "$TMP/cmp_par"
cp "$TMP/out" "$TMP/cmp_par.txt"
check "compare --sequential" 0 "$BIN" compare "${CMPF[@]}" --sequential --out "$TMP/cmp_seq"
cp "$TMP/out" "$TMP/cmp_seq.txt"
# the tables without the seconds columns, and every checkpoint
cut_secs() { grep -v '^# ' "$1" | awk '{ $5 = ""; print }'; }
[ "$(cut_secs "$TMP/cmp_par.txt")" = "$(cut_secs "$TMP/cmp_seq.txt")" ] && grep -q '^multi ' "$TMP/cmp_par.txt" && ok ||
    bad "compare side by side vs --sequential: tables differ"
same=1; n_cmp=0
for f in "$TMP"/cmp_seq/multi/*.safetensors "$TMP"/cmp_seq/single/*.safetensors; do
    g="$TMP/cmp_par/${f#"$TMP"/cmp_seq/}"; n_cmp=$((n_cmp + 1))
    cmp -s "$f" "$g" || { same=0; echo "  differs: $g"; }
done
[ "$same" -eq 1 ] && [ "$n_cmp" -ge 7 ] && [ -f "$TMP/cmp_par/tau_vs_N.svg" ] && ok || bad "compare side by side: $n_cmp checkpoints, not all identical to --sequential"

# ---- import (only with the reference networks) -----------------------------------------------
REF=${RNNTS_REFERENCE_NETWORKS:-../shared/reference-networks}
if [ -f "$REF/cumulative_parity_network_1__rnn_N2_N5.pt" ]; then
    check "import" 0 "$BIN" import "$REF/cumulative_parity_network_1__rnn_N2_N5.pt" "$TMP/cum.safetensors"
    check "info imported" 0 "$BIN" info "$TMP/cum.safetensors" --json
    "$PY" -c "
import json; d=json.loads(open('$TMP/out').read()); m=d['metadata']
assert m['curriculum']=='multi' and m['ns']=='2,3,4,5' and m['task']=='parity', m
assert d['tau']['below_1']==48, d['tau']" 2>"$TMP/pyout" && ok || bad "import metadata: $(cat "$TMP/pyout")"
else
    SKIP=$((SKIP + 1))
    echo "SKIPPED[shared:$REF/cumulative_parity_network_1__rnn_N2_N5.pt]: rnnts import of the reference's cumulative N2_N5 network, info of the imported file ($REF/cumulative_parity_network_1__rnn_N2_N5.pt not found)"
fi

if [ "$SKIP" -gt 0 ]; then echo "$PASS passed, $FAIL failed, $SKIP skipped"; else echo "$PASS passed, $FAIL failed"; fi
[ "$FAIL" -eq 0 ]
