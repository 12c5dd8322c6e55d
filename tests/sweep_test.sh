#!/usr/bin/env bash
# sweep_test.sh — sweeps (issue 7): `rnnts sweep` expands a small description (2 curricula x 2 seeds),
# the commands run through the local runner (xargs -P 2), `rnnts analyze merge` makes one table that
# must match the runs' logs, one figure (valid SVG) and the aggregate over seeds; run status
# (budget, finished, interrupted, failed, running, pending), CSV logs, cut-off and malformed log
# lines; shell quoting; the SLURM array script with fake SLURM variables (line selection, the
# time-limit warning SIGUSR1 passed on as SIGTERM and the task requeued, SIGTERM to the job not
# passed on and no requeue, a failed line's note); rerun idempotence (train --auto-resume); every error class of
# the description parser (exit 2, FILE:LINE and the message).
#   usage: tests/sweep_test.sh [path/to/rnnts]      (default build/rnnts)
# pipefail: a command piped into a check fails the check; outputs a check greps with -q are kept in
# a variable or file first (grep -q closing the pipe early would kill the writer with SIGPIPE)
set -u -o pipefail
BIN=$(cd "$(dirname "${1:-build/rnnts}")" && pwd)/$(basename "${1:-build/rnnts}")
SRC=$(cd "$(dirname "$0")/.." && pwd)
PY=${PYTHON:-python3}
PASS=0
FAIL=0
TMP=$(mktemp -d "${TMPDIR:-/tmp}/rnnts_sweep.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
ok() { PASS=$((PASS + 1)); }
bad() { FAIL=$((FAIL + 1)); echo "FAIL: $*"; }
t0=$(date +%s)

if [ ! -x "$BIN" ]; then echo "FAIL: $BIN is not an executable (build it first)"; echo "0 passed, 1 failed"; exit 1; fi
cd "$TMP" || exit 1
# --auto-resume (train) lets a rerun of the commands continue or skip every run: the sweep's commands
# carry it, and the rerun and requeue checks below rely on it
"$BIN" train --help > train_help.txt 2>&1
grep -q -- '--auto-resume' train_help.txt && ok || bad "rnnts train --help does not list --auto-resume"

# ---- expansion --------------------------------------------------------------------------------
cat > s.txt <<'EOF'
# two curricula x two seeds, tiny networks
out = runs/s          # the root of the runs
base = --hidden 16 --heads 10 --batch 32 --steps-per-epoch 100
base = --test-batches 4 --max-epochs 12 --threads 1
vary curriculum = single multi
vary seed = 0..1
EOF
"$BIN" sweep s.txt > cmds.txt 2> sweep.err
rc=$?
[ $rc -eq 0 ] && ok || bad "sweep s.txt: exit $rc: $(cat sweep.err)"
[ "$(wc -l < cmds.txt)" -eq 4 ] && ok || bad "sweep: $(wc -l < cmds.txt) commands, expected 4"
[ -f runs/s/sweep.tsv ] && [ "$(wc -l < runs/s/sweep.tsv)" -eq 5 ] && ok || bad "sweep: runs/s/sweep.tsv missing or not 1 + 4 lines"
[ "$(head -n 1 runs/s/sweep.tsv)" = "$(printf 'index\tname\tcurriculum\tseed\tcommand')" ] && ok || bad "sweep.tsv header: $(head -n 1 runs/s/sweep.tsv)"
[ "$(cut -f2 runs/s/sweep.tsv | tail -n 4 | tr '\n' ' ')" = "curriculum-single_seed-0 curriculum-single_seed-1 curriculum-multi_seed-0 curriculum-multi_seed-1 " ] \
    && ok || bad "sweep: run names/order (first vary line slowest): $(cut -f2 runs/s/sweep.tsv | tr '\n' ' ')"
[ "$(cut -f5- runs/s/sweep.tsv | tail -n 4)" = "$(cat cmds.txt)" ] && ok || bad "sweep.tsv commands differ from stdout"
line3=$(sed -n 3p cmds.txt)
want="$BIN train --hidden 16 --heads 10 --batch 32 --steps-per-epoch 100 --test-batches 4 --max-epochs 12 --threads 1 --curriculum multi --seed 0 --out runs/s/curriculum-multi_seed-0"
want="$want --auto-resume"
[ "$line3" = "$want --quiet" ] && ok || bad "sweep command 3: '$line3', expected '$want --quiet'"
"$BIN" sweep s.txt --list > list.txt 2>/dev/null && [ "$(wc -l < list.txt)" -eq 5 ] && [ "$(head -n 1 list.txt)" = "$(printf 'index\tname\tcurriculum\tseed')" ] \
    && ok || bad "sweep --list: $(head -c 300 list.txt)"
"$BIN" sweep s.txt --out-file cmds2.txt 2>/dev/null && cmp -s cmds.txt cmds2.txt && ok || bad "sweep --out-file differs from stdout"
"$BIN" sweep s.txt --rnnts /opt/x/rnnts --progress > rnnts_opt.txt 2>/dev/null && head -n 1 rnnts_opt.txt | grep -q "^/opt/x/rnnts train .*--out runs/s/curriculum-single_seed-0 --auto-resume$" \
    && ok || bad "sweep --rnnts/--progress: $(head -n 1 rnnts_opt.txt)"
"$BIN" sweep s.txt > /dev/null 2>/dev/null  # restores sweep.tsv (the --rnnts call rewrote it)

# ---- the local runner ---------------------------------------------------------------------------
ts=$(date +%s.%N)
xargs -d '\n' -n 1 -P 2 sh -c < cmds.txt > run.out 2>&1
rc=$?
te=$(date +%s.%N)
[ $rc -eq 0 ] && ok || bad "xargs -P 2 runner: exit $rc: $(head -c 300 run.out)"
echo "  4 runs through xargs -P 2: $(echo "$te - $ts" | bc 2>/dev/null || echo '?') s"
for n in curriculum-single_seed-0 curriculum-single_seed-1 curriculum-multi_seed-0 curriculum-multi_seed-1; do
    [ -s "runs/s/$n/log.jsonl" ] && [ -f "runs/s/$n/init.safetensors" ] && ok || bad "run $n: no log.jsonl / init.safetensors"
done

# ---- merge ------------------------------------------------------------------------------------
"$BIN" analyze merge --sweep runs/s --out merged --format csv > merge_stdout.csv 2> merge.err
rc=$?
[ $rc -eq 0 ] && ok || bad "analyze merge: exit $rc: $(cat merge.err)"
for f in merge.csv merge_groups.csv merge.json merge.svg merge_tau.svg; do [ -s "merged/$f" ] && ok || bad "merge --out: no $f"; done
cmp -s merge_stdout.csv merged/merge.csv && ok || bad "merge --format csv stdout differs from merge.csv"
case " $(ls merged | tr '\n' ' ')" in *tmp*) bad "merge left a temporary file: $(ls merged)";; *) ok;; esac
$PY - runs/s merged > py.out 2>&1 <<'EOF' && ok || bad "merge table vs the logs: $(cat py.out)"
import csv, json, sys, math, xml.etree.ElementTree as ET
root, out = sys.argv[1], sys.argv[2]
rows = list(csv.DictReader(open(out + "/merge.csv")))
assert len(rows) == 4, len(rows)
cols = list(rows[0].keys())
want = ["index", "name", "dir", "curriculum", "seed", "model", "task", "hidden", "status", "epochs", "largest_n"]
assert cols[:len(want)] == want, cols
assert cols[-6:] == ["tau_mean", "tau_sd", "tau_max", "acc_mean", "wall_s", "log_errors"], cols
ms = [c for c in cols if c.startswith("epoch_N")]
largest = {}
for r in rows:
    log = [json.loads(l) for l in open(root + "/" + r["name"] + "/log.jsonl")]
    assert r["dir"] == root + "/" + r["name"], r["dir"]
    assert r["curriculum"] == r["name"].split("_")[0].split("-")[1], r
    assert r["model"] == "rnn" and r["task"] == "parity" and r["hidden"] == "16", r
    assert r["status"] == "budget", r["status"]
    assert int(r["epochs"]) == log[-1]["epoch"] == 12, r["epochs"]
    solved = [max(x["ns"]) for x in log if x["solved"]]
    L = max(solved) if solved else None
    assert (r["largest_n"] == "" and L is None) or int(r["largest_n"]) == L, (r["largest_n"], L)
    largest[r["name"]] = L
    for c in ms:
        N = int(c[7:])
        first = next((x["epoch"] for x in log if x["solved"] and max(x["ns"]) >= N), None)
        assert (r[c] == "" and first is None) or (first is not None and int(r[c]) == first), (c, r[c], first)
    for k in ("mean", "sd", "max"):
        assert abs(float(r["tau_" + k]) - log[-1]["tau"][k]) <= 1e-6 * abs(log[-1]["tau"][k]), (k, r["tau_" + k])
    assert abs(float(r["wall_s"]) - log[-1]["wall"]) < 1e-6 and r["log_errors"] == "0"
assert any(v and v >= 3 for v in largest.values()), largest  # something beyond N = 2 was solved
g = list(csv.DictReader(open(out + "/merge_groups.csv")))
assert [x["curriculum"] for x in g] == ["single", "multi"] and all(x["runs"] == "2" for x in g), g
for x in g:
    v = [largest["curriculum-%s_seed-%d" % (x["curriculum"], s)] for s in (0, 1)]
    v = [a for a in v if a]
    m = sum(v) / len(v)
    sd = math.sqrt(sum((a - m) ** 2 for a in v) / len(v))
    assert abs(float(x["largest_n_mean"]) - m) < 1e-9 and abs(float(x["largest_n_sd"]) - sd) < 1e-9, (x, v)
j = json.load(open(out + "/merge.json"))
assert j["axes"] == ["curriculum", "seed"] and j["group_by"] == ["curriculum"] and len(j["runs"]) == 4 and len(j["groups"]) == 2, j["axes"]
for f in ("merge.svg", "merge_tau.svg"):
    t = ET.parse(out + "/" + f).getroot()
    assert t.tag.endswith("svg"), t.tag
    assert len([e for e in t.iter() if e.tag.endswith("path")]) >= 2, f
svg = open(out + "/merge.svg").read()
assert "curriculum=single" in svg and "curriculum=multi" in svg and "Largest N solved" in svg
EOF
# Markdown on stdout; the run directories as arguments find the manifest in their parent; the root as an argument
"$BIN" analyze merge --sweep runs/s > merge.md 2>/dev/null && grep -q '^| # | name | curriculum | seed |' merge.md && grep -q '^| curriculum | runs | largest N |' merge.md \
    && [ "$(grep -c '^| [0-9]' merge.md)" -eq 4 ] && ok || bad "merge Markdown: $(head -c 400 merge.md)"
"$BIN" analyze merge runs/s/curriculum-multi_seed-1 runs/s/curriculum-single_seed-0/ --format csv > two.csv 2>two.err \
    && [ "$(wc -l < two.csv)" -eq 3 ] && grep -q '^4,curriculum-multi_seed-1,runs/s/curriculum-multi_seed-1,multi,1,' two.csv \
    && grep -q '^1,curriculum-single_seed-0,' two.csv && ok || bad "merge DIR... (manifest in the parent): $(cat two.csv two.err)"
"$BIN" analyze merge runs/s --format json > root.json 2>/dev/null && $PY -c "import json,sys; d=json.load(open('root.json')); assert len(d['runs'])==4 and d['sweep']=='runs/s'" \
    && ok || bad "merge ROOT as an argument"

# without a manifest: the axes are the configuration keys that differ between the runs
for lr in 0.05 0.1; do
    "$BIN" train --hidden 8 --heads 4 --batch 16 --steps-per-epoch 20 --test-batches 2 --max-epochs 3 --threads 1 --lr $lr --quiet --out nomani/lr$lr 2>/dev/null
done
"$BIN" analyze merge nomani/lr0.05 nomani/lr0.1 --format json 2>/dev/null | $PY -c "
import json, sys
d = json.load(sys.stdin)
assert d['sweep'] is None and d['axes'] == ['lr'] and d['group_by'] == ['lr'], (d['axes'], d['group_by'])
assert [r['axes']['lr'] for r in d['runs']] == ['0.0500000007', '0.100000001'] and len(d['groups']) == 2
" > py.out 2>&1 && ok || bad "merge without a manifest: $(cat py.out)"

# ---- run status, CSV logs, damaged logs -----------------------------------------------------------
cp -r runs/s runs/t
rm -rf runs/t/curriculum-single_seed-1                                              # pending
B=(--hidden 16 --heads 10 --batch 32 --steps-per-epoch 100 --test-batches 4 --max-epochs 12 --threads 1 --quiet --force)
"$BIN" train "${B[@]}" --curriculum multi --seed 0 --target-n 2 --out runs/t/curriculum-multi_seed-0 2>/dev/null   # finished (target N)
"$BIN" train "${B[@]}" --curriculum multi --seed 1 --log-format csv --out runs/t/curriculum-multi_seed-1 2>/dev/null  # CSV log, budget
d=runs/t/curriculum-single_seed-0                                                    # interrupted: 5 epochs and a rolling checkpoint
head -n 5 runs/s/curriculum-single_seed-0/log.jsonl > $d/log.jsonl
for f in $d/N*_N*.safetensors; do  # the checkpoints after epoch 5 never existed
    late=$("$BIN" info --json "$f" | $PY -c 'import json,sys; print(int(json.load(sys.stdin)["metadata"]["epoch"]) > 5)') || bad "info --json $f"
    [ "$late" = True ] && rm "$f"
done
cp $d/init.safetensors $d/last.safetensors
touch -d '1 hour ago' $d/*
"$BIN" analyze merge --sweep runs/t --format json --running-window 60 > t.json 2> t.err
rc=$?
[ $rc -eq 0 ] && ok || bad "merge runs/t: exit $rc: $(cat t.err)"
$PY - > py.out 2>&1 <<'EOF' && ok || bad "merge status: $(cat py.out)"
import json, csv
d = json.load(open("t.json"))
st = {r["name"]: r["status"] for r in d["runs"]}
assert st == {"curriculum-single_seed-0": "interrupted", "curriculum-single_seed-1": "pending",
              "curriculum-multi_seed-0": "finished", "curriculum-multi_seed-1": "budget"}, st
r = {x["name"]: x for x in d["runs"]}
assert r["curriculum-multi_seed-0"]["largest_n"] == 2 and r["curriculum-single_seed-0"]["epochs"] == 5
s = json.load(open("root.json"))
orig = {x["name"]: x for x in s["runs"]}["curriculum-multi_seed-1"]
c = r["curriculum-multi_seed-1"]  # the same run with a CSV log: the same numbers
for k in ("epochs", "largest_n", "reached", "tau_mean", "tau_sd", "tau_max", "acc_mean"):
    assert c[k] == orig[k], (k, c[k], orig[k])
EOF
rm $d/last.safetensors
"$BIN" analyze merge --sweep runs/t --format csv --running-window 0 > st0.csv 2>/dev/null && grep -q '^1,curriculum-single_seed-0,.*,failed,5,' st0.csv && ok || bad "merge: failed status (no rolling checkpoint): $(head -c 300 st0.csv)"
"$BIN" analyze merge --sweep runs/t --format csv --running-window 100000 > st1.csv 2>/dev/null && grep -q '^1,curriculum-single_seed-0,.*,running,5,' st1.csv && ok || bad "merge: running status (recent files): $(head -c 300 st1.csv)"
# a write cut off mid-line (a crash): ignored with a note; a malformed line: FILE:LINE, exit 1, still a table
printf '{"epoch":6,"ns":[3],"loss":0.5,"accu' >> $d/log.jsonl
"$BIN" analyze merge $d --format csv > cut.csv 2> cut.err
rc=$?
[ $rc -eq 0 ] && grep -q "last line is incomplete" cut.err && grep -q ',5,.*,0$' cut.csv && ok || bad "merge: cut-off last line: exit $rc: $(cat cut.err cut.csv)"
sed -i '3s/"loss":/"loss":x/' $d/log.jsonl
"$BIN" analyze merge $d --format csv > mal.csv 2> mal.err
rc=$?
[ $rc -eq 1 ] && grep -q "log.jsonl:3: expected a number or null" mal.err && grep -q ',1$' mal.csv && ok || bad "merge: malformed line: exit $rc: $(cat mal.err mal.csv)"

# ---- shell quoting ------------------------------------------------------------------------------
printf '#!/bin/sh\nfor a; do printf "[%%s]\\n" "$a"; done\n' > printargs
chmod +x printargs
printf "out = r/it's a \"test\" \$HOME\nvary seed = 0\n" > q.txt
"$BIN" sweep q.txt --rnnts "$TMP/printargs" > q.cmds 2>/dev/null && sh -c "$(cat q.cmds)" > q.out \
    && grep -qxF "[r/it's a \"test\" \$HOME/seed-0]" q.out && [ -f "r/it's a \"test\" \$HOME/sweep.tsv" ] && ok || bad "sweep: shell quoting: $(cat q.cmds q.out)"

# ---- rerun: idempotent with --auto-resume -------------------------------------------------------
sums() { find runs/s -name '*.safetensors' -o -name 'log.*' | sort | xargs md5sum; }
before=$(sums)
ts=$(date +%s.%N)
sh "$SRC/examples/run_local.sh" cmds.txt -j 2 > rerun.out 2>&1 && ok || bad "rerun of a finished sweep: $(cat rerun.out)"
te=$(date +%s.%N)
[ "$before" = "$(sums)" ] && ok || bad "rerun of a finished sweep changed files"
echo "  rerun of the finished sweep: $(echo "$te - $ts" | bc 2>/dev/null || echo '?') s"

# ---- SLURM array script (no SLURM here: fake variables and a fake scontrol) ---------------------
bash -n "$SRC/examples/slurm/sweep.sbatch" && ok || bad "sweep.sbatch: bash -n"
mkdir -p fake
printf '#!/bin/sh\necho "$*" >> "%s/scontrol.log"\n' "$TMP" > fake/scontrol
chmod +x fake/scontrol
printf 'out = runs/u\nbase = --hidden 8 --heads 4 --batch 16 --steps-per-epoch 20 --test-batches 2 --max-epochs 2 --threads 1\nvary seed = 0..2\n' > u.txt
"$BIN" sweep u.txt > u.cmds 2>/dev/null
SLURM_ARRAY_TASK_ID=2 SLURM_JOB_ID=1002 PATH="$TMP/fake:$PATH" bash "$SRC/examples/slurm/sweep.sbatch" u.cmds > slurm.out 2>&1
rc=$?
[ $rc -eq 0 ] && [ -s runs/u/seed-1/log.jsonl ] && [ ! -e runs/u/seed-0 ] && [ ! -e runs/u/seed-2 ] && ok || bad "sweep.sbatch task 2: exit $rc, $(ls runs/u): $(cat slurm.out)"
printf 'true\nsleep 30\n' > sleep.cmds
# the time-limit warning (SIGUSR1, to the script alone): SIGTERM to the run, then this task requeued
SLURM_ARRAY_TASK_ID=1 SLURM_ARRAY_JOB_ID=1000 SLURM_JOB_ID=1003 PATH="$TMP/fake:$PATH" bash "$SRC/examples/slurm/sweep.sbatch" sleep.cmds 1 > slurm2.out 2>&1 &
pid=$!
sleep 1
kill -USR1 $pid
wait $pid
rc=$?
[ $rc -eq 0 ] && grep -qx "requeue 1000_1" scontrol.log && grep -q "line 2 exited with 143" slurm2.out && ok || bad "sweep.sbatch: SIGUSR1 passed on as SIGTERM and requeue: exit $rc, $(cat scontrol.log slurm2.out)"
# scancel: SIGTERM to every process of the job (here: the process group); no second signal, no requeue
: > scontrol.log
SLURM_ARRAY_TASK_ID=1 SLURM_JOB_ID=1005 PATH="$TMP/fake:$PATH" setsid bash "$SRC/examples/slurm/sweep.sbatch" sleep.cmds 1 > slurm6.out 2>&1 &
pid=$!
sleep 1
kill -TERM -- -$pid
wait $pid
rc=$?
[ $rc -eq 143 ] && [ ! -s scontrol.log ] && grep -q "line 2 exited with 143" slurm6.out && ok || bad "sweep.sbatch: SIGTERM to the job: exit $rc (expected 143, no requeue), $(cat scontrol.log slurm6.out)"
# a line that fails before its run starts: its directory with a note, so that merge says failed
printf '%s train --no-such-flag --out runs/u/bad\n' "$BIN" > bad.cmds
SLURM_ARRAY_TASK_ID=1 SLURM_JOB_ID=1006 bash "$SRC/examples/slurm/sweep.sbatch" bad.cmds > slurm7.out 2>&1
rc=$?
[ $rc -eq 2 ] && grep -q "exited with 2 before the run started" runs/u/bad/sweep_failed.txt 2>/dev/null \
    && "$BIN" analyze merge runs/u/bad --format csv > bad.csv 2>/dev/null && grep -q ',failed,' bad.csv && ok || bad "sweep.sbatch: a failed line: exit $rc, $(ls runs/u/bad 2>&1) $(cat slurm7.out)"
# a real run: SIGUSR1 before the time limit -> SIGTERM, checkpoint, exit 143, requeue; the requeued task
# continues it to the end, with the same results as a run never stopped
printf 'out = runs/v\nbase = --hidden 16 --curriculum single --batch 32 --steps-per-epoch 100 --test-batches 4 --max-epochs 250 --threads 1\nvary seed = 0\n' > v.txt
"$BIN" sweep v.txt > v.cmds 2>/dev/null
SLURM_ARRAY_TASK_ID=1 SLURM_JOB_ID=1004 PATH="$TMP/fake:$PATH" bash "$SRC/examples/slurm/sweep.sbatch" v.cmds > slurm4.out 2>&1 &
pid=$!
for i in $(seq 100); do [ -f runs/v/seed-0/last.safetensors ] && break; sleep 0.05; done
sleep 0.3
kill -USR1 $pid
wait $pid
rc=$?
[ $rc -eq 0 ] && grep -qx "requeue 1004" scontrol.log && grep -q "line 1 exited with 143" slurm4.out && ok || bad "sweep.sbatch: a run stopped by SIGTERM: exit $rc, $(cat slurm4.out)"
"$BIN" analyze merge --sweep runs/v --format csv --running-window 0 > v.csv 2>/dev/null && grep -q ',interrupted,' v.csv && ok || bad "merge: a run stopped by SIGTERM is not 'interrupted': $(head -c 300 v.csv)"
SLURM_ARRAY_TASK_ID=1 SLURM_JOB_ID=1004 PATH="$TMP/fake:$PATH" bash "$SRC/examples/slurm/sweep.sbatch" v.cmds > slurm5.out 2>&1
rc=$?
[ $rc -eq 0 ] && grep -q "line 1 exited with 0" slurm5.out && ok || bad "sweep.sbatch: the requeued task: exit $rc, $(cat slurm5.out)"
"$BIN" train --hidden 16 --curriculum single --batch 32 --steps-per-epoch 100 --test-batches 4 --max-epochs 250 --threads 1 --seed 0 --quiet --out runs/w 2>/dev/null
"$BIN" analyze merge runs/v/seed-0 --format json > v.json 2>/dev/null
"$BIN" analyze merge runs/w --format json > w.json 2>/dev/null
$PY -c "
import json
v, w = json.load(open('v.json'))['runs'][0], json.load(open('w.json'))['runs'][0]
assert v['status'] == w['status'] == 'budget' and v['epochs'] == 250, (v['status'], w['status'], v['epochs'])
for k in ('largest_n', 'reached', 'tau_at_reached', 'tau_mean', 'tau_sd', 'tau_max', 'acc_mean'):
    assert v[k] == w[k], (k, v[k], w[k])
" > py.out 2>&1 && cmp -s runs/v/seed-0/last.safetensors runs/w/last.safetensors && ok || bad "stopped + requeued run differs from an uninterrupted one: $(cat py.out)"
SLURM_ARRAY_TASK_ID=9 bash "$SRC/examples/slurm/sweep.sbatch" u.cmds > slurm3.out 2>&1
[ $? -eq 2 ] && grep -q "has no line 9" slurm3.out && ok || bad "sweep.sbatch: a line past the end"
sh "$SRC/examples/run_local.sh" u.cmds -j 0 > /dev/null 2>&1
[ $? -eq 2 ] && ok || bad "run_local.sh -j 0: not a usage error"

# ---- usage errors and every error class of the description parser ---------------------------------
usage() {  # usage NEEDLE ARGS... : exit 2, NEEDLE on stderr, nothing on stdout
    local needle=$1
    shift
    "$BIN" "$@" > u.out 2> u.err
    local rc=$?
    if [ $rc -ne 2 ]; then bad "usage '$*': exit $rc, expected 2 ($(head -c 200 u.err))"
    elif ! grep -qF -- "$needle" u.err; then bad "usage '$*': stderr does not name '$needle': $(head -c 300 u.err)"
    elif [ -s u.out ]; then bad "usage '$*': wrote to stdout"
    else ok; fi
}
usage "FILE (the sweep description) is required" sweep
usage "--list and --commands exclude each other" sweep s.txt --list --commands
usage "cannot read nosuch.txt" sweep nosuch.txt
usage "DIR... or --sweep ROOT is required" analyze merge
usage "--sweep runs/s/curriculum-multi_seed-0: no sweep.tsv there" analyze merge --sweep runs/s/curriculum-multi_seed-0
usage "nosuchdir: not a directory" analyze merge nosuchdir
usage "--format x: allowed md, csv, json" analyze merge runs/s --format x
"$BIN" sweep --help > h1.txt 2>&1 && grep -q "usage: rnnts sweep FILE" h1.txt && ok || bad "sweep --help"
"$BIN" analyze merge --help > h2.txt 2>&1 && grep -q "usage: rnnts analyze merge" h2.txt && ok || bad "analyze merge --help"
"$BIN" --help > h3.txt 2>&1 && grep -q "^  sweep " h3.txt && ok || bad "rnnts --help does not list sweep"
n=0
while IFS='|' read -r desc needle; do
    n=$((n + 1))
    printf '%b' "$desc" > bad$n.txt
    usage "bad$n.txt:$needle" sweep bad$n.txt
    [ -e rbad ] && bad "bad$n.txt: the root was created" && rm -rf rbad
done <<'EOF'
out = rbad\nfoo = 1\n|2: unknown key 'foo' (allowed: out, base, vary NAME)
out = rbad\njust text\n|2: expected KEY = VALUE
vary seed = 1\n| no 'out = DIR' line
out = rbad\nout = other\n|2: out: already set on line 1
out = \n|1: out: empty value
out = rbad\nbase =\n|2: base: empty value
out = rbad\nvary seed = 0 1\nvary seed = 2\n|3: vary seed: this axis is already defined on line 2
out = rbad\nvary seed =\n|2: vary seed: no values
out = rbad\nvary = 1\n|2: vary: missing flag name
out = rbad\nvary frob = 1 2\n|2: vary frob: not a flag of rnnts train (allowed: model, task, curriculum,
out = rbad\nvary quiet = 1\n|2: vary quiet: --quiet takes no value
out = rbad\nvary out = a b\n|2: vary out: --out is set by the sweep
out = rbad\nvary batch = 8 0\n|2: vary batch: --batch 0: allowed 1..65536
out = rbad\nvary curriculum = single dual\n|2: vary curriculum: --curriculum dual: allowed single, multi, sliding, none
out = rbad\nvary lr = 0.1 1e-1\n|2: vary lr: the values 0.1 and 1e-1 are the same
out = rbad\nvary seed = 3..1\n|2: vary seed: range '3..1': allowed A..B
out = rbad\nvary seed = a/b\n|2: vary seed: value 'a/b': character '/' not allowed
out = rbad\nbase = --out x\n|2: base: --out is set by the sweep for each run
out = rbad\nbase = --resume x\n|2: base: --resume is set by the sweep for each run
out = rbad\nbase = --force\n|2: base: --force is set by the sweep for each run
out = rbad\nbase = --hidden 0\n|2: base: --hidden 0: allowed 1..65536
out = rbad\nbase = --frob\n|2: base: unknown flag --frob
out = rbad\nbase = --hidden 8\nbase = --hidden 9\n|3: base: --hidden is already given on line 2
out = rbad\nbase = --seed 3\nvary seed = 0 1\n|3: vary seed: --seed is also set in base (line 2)
out = rbad\nvary seed = 0..999\nvary batch = 1..101\n|3: vary batch: the sweep has more than 100000 runs
out = rbad\nbase = --window 3 --slide 5\nvary curriculum = sliding multi\n|2: run 1 (curriculum-sliding) would be rejected by rnnts train: --slide 5: allowed 1..3 (the --window)
out = rbad\nbase = --window 3 --slide 5\nvary curriculum = multi\n|3: run 1 (curriculum-multi) would be rejected by rnnts train: slide = 5: allowed 1..window (3)
out = rbad\nbase = --variant mod\nvary model = rnn gru\n|2: run 2 (model-gru) would be rejected by rnnts train: --variant applies to --model rnn only
out = rbad\nvary k-continuous = 0 4\n|2: run 2 (k-continuous-4) would be rejected by rnnts train: --k-continuous 4 needs --variant mod
out = rbad\n\001\n|2: control character 0x01
EOF

echo "  $(($(date +%s) - t0)) s"
echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
