#!/usr/bin/env bash
# slurm_test.sh — sweeps on a real one-node SLURM cluster (issue 16): the test starts its own
# munged, slurmctld and slurmd (configuration, state, sockets and logs in a temporary directory,
# ports away from the defaults) and submits examples/slurm/sweep.sbatch to them:
#   1. a sweep as a job array (sbatch --wait): the merged table, every checkpoint and the logs
#      (clocks aside) equal those of the same sweep run with xargs -P 2 on this machine
#   2. a run cut by its time limit (--time=1 --signal=B:USR1@55): checkpoint, exit 143, the task
#      requeues itself and continues (--auto-resume) to the checkpoints of an uninterrupted run
#   3. scancel of a running array task (checkpoint, no requeue, the other task untouched), then the
#      line submitted again: it continues, same checkpoints
#   4. a task that fails (an unknown flag) shows as failed in rnnts analyze merge; the others finish
# Needs root (the daemons run as root) and slurm-wlm + munge ('make deps'); otherwise SKIPPED[root] or
# SKIPPED[pkg:...] and "0 passed, 0 failed, 1 skipped". Ends with "N passed, M failed".
# Every daemon and background process is stopped by its pid on exit, also after a failed check.
#   usage: tests/slurm_test.sh [path/to/rnnts]      (default build/rnnts)
set -u -o pipefail
BIN=$(cd "$(dirname "${1:-build/rnnts}")" && pwd)/$(basename "${1:-build/rnnts}")
SRC=$(cd "$(dirname "$0")/.." && pwd)
SBATCH_SCRIPT=$SRC/examples/slurm/sweep.sbatch
PASS=0
FAIL=0
ok() { PASS=$((PASS + 1)); }
bad() { FAIL=$((FAIL + 1)); echo "FAIL: $*"; }
skip() { echo "SKIPPED[$1]: the SLURM test: job array, time-limit requeue, scancel + resubmit, a failed task ($2)"; echo "0 passed, 0 failed, 1 skipped"; exit 0; }
t0=$(date +%s)

[ "$(id -u)" -eq 0 ] || skip root "needs root: the test runs its own slurmctld, slurmd and munged as root"
for p in munged slurmctld slurmd sbatch squeue sinfo scontrol scancel; do
    pkg=slurm-wlm; [ $p = munged ] && pkg=munge
    command -v $p > /dev/null || skip "pkg:$pkg" "$p not found; 'make deps' installs slurm-wlm and munge"
done
if [ ! -x "$BIN" ]; then echo "FAIL: $BIN is not an executable (build it first)"; echo "0 passed, 1 failed"; exit 1; fi
# a SLURM job or a user's settings must not leak into this cluster's commands
for v in $(compgen -e | grep -E '^(SLURM|SBATCH|SQUEUE|SINFO|SCONTROL|SCANCEL)_'); do unset "$v"; done

# ---- cleanup: by pid only (the machine may run a real SLURM), also after a failed check ----------
TMP=$(mktemp -d "${TMPDIR:-/tmp}/rnnts_slurm.XXXXXX")
chmod 711 "$TMP"  # munged wants every directory above its socket searchable by all
DAEMONS=()        # munged, slurmctld, slurmd: stopped in reverse order
HELPERS=()        # background loops and reference runs, each in its own process group (setsid)
alive() {  # running (a zombie is not: it only waits for its parent)
    local st
    st=$(sed -n 's/.*) \(.\).*/\1/p' "/proc/$1/stat" 2> /dev/null)
    [ -n "$st" ] && [ "$st" != Z ]
}
stop_pid() {  # stop_pid PID [-]: TERM (to its process group with -), up to 10 s, then KILL; reaps
    local t=$1
    [ "${2:-}" = - ] && t=-$1
    alive "$1" || { wait "$1" 2> /dev/null; return 0; }
    kill -TERM -- "$t" 2> /dev/null
    for _ in $(seq "${STOP_TENTHS:-100}"); do alive "$1" || break; sleep 0.1; done
    alive "$1" && kill -KILL -- "$t" 2> /dev/null
    wait "$1" 2> /dev/null
    return 0
}
daemons_alive() {
    local p
    for p in "${DAEMONS[@]}"; do alive "$p" || return 1; done
}
helper() {  # helper CMD...: in the background, in a process group of its own, stopped on exit
    setsid "$@" &
    HELPERS+=($!)
}
cancel_all_jobs() {  # this cluster's jobs (SLURM_CONF): their slurmstepd would outlive slurmd
    [ -n "${SLURM_CONF:-}" ] && alive "${CTLD_PID:-0}" || return 0
    local ids
    ids=$(squeue -h -o %A 2> /dev/null | sort -u)
    [ -z "$ids" ] && return 0
    scancel $ids 2> /dev/null
    for _ in $(seq 150); do [ -z "$(squeue -h -o %A 2> /dev/null)" ] && break; sleep 0.1; done
}
stragglers() {  # processes working in or naming $TMP (the daemons start there: a job's slurmstepd
                # and processes, left behind when slurmctld or slurmd died first)
    local d p
    for d in /proc/[0-9]*; do
        p=${d#/proc/}
        [ "$p" = $$ ] && continue
        case "$(readlink "$d/cwd" 2> /dev/null)" in "$TMP" | "$TMP"/*) echo "$p"; continue ;; esac
        case "$(tr '\0' ' ' 2> /dev/null < "$d/cmdline")" in *"$TMP"*) echo "$p" ;; esac
    done
}
cleanup() {
    local i
    trap '' INT TERM
    cd / || return  # out of $TMP, which stragglers looks for
    for i in "${HELPERS[@]}"; do stop_pid "$i" -; done
    cancel_all_jobs
    for ((i = ${#DAEMONS[@]} - 1; i >= 0; i--)); do stop_pid "${DAEMONS[i]}"; done
    for i in $(stragglers); do STOP_TENTHS=20 stop_pid "$i"; done
    rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- the cluster ----------------------------------------------------------------------------------
free_port() {  # the first port from $1 up that nothing listens on
    local p=$1
    while (exec 3<> "/dev/tcp/127.0.0.1/$p") 2> /dev/null; do p=$((p + 1)); done
    echo $p
}
write_slurm_conf() {
    local host=$1 mem
    mem=$(($(awk '/^MemTotal:/ {print $2}' /proc/meminfo) / 1024 / 2))  # below the real size, else the node drains
    CTLD_PORT=$(free_port $((26800 + $$ % 500 * 2)))
    SLURMD_PORT=$(free_port $((CTLD_PORT + 1)))
    cat > "$TMP/slurm.conf" << EOF
ClusterName=rnntstest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$TMP/munge/munge.socket
CredType=cred/munge
StateSaveLocation=$TMP/state
SlurmdSpoolDir=$TMP/spool
SlurmctldPidFile=$TMP/slurmctld.pid
SlurmdPidFile=$TMP/slurmd.pid
SlurmctldLogFile=$TMP/slurmctld.log
SlurmdLogFile=$TMP/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
MailProg=/bin/true
# containers: no cgroups, no accounting daemon
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
# one CPU per task: two tasks at once on two CPUs
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/builtin
JobRequeue=1
ReturnToService=2
# sbatch --wait polls every 2 s while MinJobAge is at most 4 s
MinJobAge=4
KillWait=5
OverTimeLimit=0
InactiveLimit=0
NodeName=$host NodeAddr=127.0.0.1 CPUs=$(nproc) RealMemory=$mem State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
}
start_munged() {
    local m=$TMP/munge
    mkdir -m 711 "$m"
    if command -v mungekey > /dev/null; then mungekey -c -k "$m/munge.key"; else dd if=/dev/urandom of="$m/munge.key" bs=128 count=1 2> /dev/null; fi
    chmod 600 "$m/munge.key"
    munged --socket="$m/munge.socket" --key-file="$m/munge.key" --pid-file="$m/munged.pid" \
        --log-file="$m/munged.log" --seed-file="$m/munged.seed" || return 1
    DAEMONS+=("$(cat "$m/munged.pid")")  # munged forks; its pid file is written before the parent exits
}
node_idle() { [ "$(sinfo -h -n "$1" -o %t 2> /dev/null)" = idle ]; }
print_logs() {  # the daemons' logs; stdout and stderr only of one that wrote no log (early errors)
    local f
    for f in "$TMP"/munge/munged.log "$TMP"/slurmctld.log "$TMP"/slurmd.log; do
        [ -f "$f" ] || f=${f%.log}.out
        [ -f "$f" ] && { echo "---- $f"; tail -n 30 "$f"; }
    done
}
start_cluster() {
    local host
    host=$(hostname -s)
    mkdir -p "$TMP/state" "$TMP/spool"
    write_slurm_conf "$host"
    export SLURM_CONF=$TMP/slurm.conf
    start_munged || return 1
    # -D: in the foreground of a background job, so that $! is the daemon; setsid: a Ctrl-C of the
    # test reaches the cleanup, not the daemons; -c -i: no old state
    (cd "$TMP" && exec setsid slurmctld -D -c -i) > "$TMP/slurmctld.out" 2>&1 &
    CTLD_PID=$!
    DAEMONS+=("$CTLD_PID")
    (cd "$TMP" && exec setsid slurmd -D) > "$TMP/slurmd.out" 2>&1 &
    DAEMONS+=($!)
    for _ in $(seq 300); do
        node_idle "$host" && return 0
        daemons_alive || return 1
        sleep 0.1
    done
    return 1
}
finish() {
    echo "  total: $(($(date +%s) - t0)) s"
    echo "$PASS passed, $FAIL failed"
    [ $FAIL -eq 0 ]
    exit
}
need_cluster() {  # the checks after this one need the daemons: stop when one died
    daemons_alive && return 0
    bad "a SLURM daemon is gone; the logs:"
    print_logs
    finish
}
if start_cluster; then ok; else
    bad "the cluster did not come up (a daemon died, or the node was not idle within 30 s: $(sinfo 2>&1))"
    print_logs
    finish
fi
echo "  cluster up (slurmctld :$CTLD_PORT, slurmd :$SLURMD_PORT): $(($(date +%s) - t0)) s"

# SLURM holds a requeued job back for about two minutes (BeginTime); the test starts it at once,
# with a longer time limit: one cut is what check 2 needs, more would only add time on a busy machine
start_requeued() {
    while :; do
        squeue -h -t PD -o '%i %r' 2> /dev/null | while read -r id reason; do
            [ "$reason" = BeginTime ] && scontrol update JobId="$id" StartTime=now TimeLimit=5 2> /dev/null
        done
        sleep 1
    done
}
export -f start_requeued
helper bash -c start_requeued

# ---- helpers ------------------------------------------------------------------------------------------
mkdir "$TMP/slurm" "$TMP/local"  # the SLURM runs and the reference runs on this machine
cd "$TMP/slurm" || exit 1
SB=(--parsable --mem=200M --time=5)  # sweep.sbatch asks for 2G and 4 h
sbatch_wait() {  # sbatch --wait ARGS...: prints the job id, returns sbatch's exit code; given up
    local p rc  # when a daemon dies (sbatch would wait for ever)
    sbatch --wait "$@" > "$TMP/sbatch.id" &
    p=$!
    while alive $p; do daemons_alive || kill $p; sleep 0.2; done
    wait $p
    rc=$?
    cat "$TMP/sbatch.id"
    return $rc
}
job_active() { [ -n "$(squeue -h -j "$1" -o %T 2> /dev/null)" ]; }
wait_job() {  # wait_job ID SECONDS: until it leaves the queue (not counting requeues)
    local end=$(($(date +%s) + $2))
    while job_active "$1"; do
        [ "$(date +%s)" -ge $end ] && { echo "  job $1 still queued after $2 s: $(squeue -h -j "$1" -o '%i %T %r')"; return 1; }
        sleep 0.5
    done
}
# runs_same DIR_A DIR_B: the same checkpoints, byte for byte, and the same logs but for the clocks
unclocked() { sed 's/,"seconds":[^,]*,"wall":[^,}]*//' "$1"; }
runs_same() {
    local a b f
    a=$(cd "$1" && find . -name '*.safetensors' -o -name log.jsonl | sort)
    b=$(cd "$2" && find . -name '*.safetensors' -o -name log.jsonl | sort)
    [ -n "$a" ] && [ "$a" = "$b" ] || { echo "  files differ: $1: $(echo $a) / $2: $(echo $b)"; return 1; }
    for f in $a; do
        case $f in
        *.safetensors) cmp -s "$1/$f" "$2/$f" || { echo "  $f differs"; return 1; } ;;
        *) [ "$(unclocked "$1/$f")" = "$(unclocked "$2/$f")" ] || { echo "  $f differs (clocks aside)"; return 1; } ;;
        esac
    done
}
# the merged table as CSV without the wall-clock column (the only one that depends on timing)
merge_table() {
    "$BIN" analyze merge --sweep "$1" --format csv --running-window 0 2> /dev/null \
        | awk -F, 'NR == 1 {for (i = 1; i <= NF; i++) if ($i == "wall_s") w = i}
                   {s = ""; for (i = 1; i <= NF; i++) if (i != w) s = s (s == "" ? "" : ",") $i; print s}'
}
csv_col() { awk -F, -v c="$1" 'NR == 1 {for (i = 1; i <= NF; i++) if ($i == c) k = i; next} {print $k}'; }
status_of() { "$BIN" analyze merge "$1" --format csv --running-window 0 2> /dev/null | csv_col status; }
sweep_cmds() {  # sweep_cmds NAME DESCRIPTION [sweep flags]: NAME.txt, NAME.cmds here and in ../local
    local name=$1 desc=$2
    shift 2
    printf '%s\n' "$desc" > "$name.txt"
    "$BIN" sweep "$name.txt" "$@" > "$name.cmds" 2> "$name.err" || { echo "  rnnts sweep $name: $(cat "$name.err")"; return 1; }
    cp "$name.txt" "$name.cmds" ../local/
    (cd ../local && "$BIN" sweep "$name.txt" "$@" > /dev/null 2>&1)
}

# ---- 2 (started first: it takes longest). A run cut by its time limit ------------------------------
# The warning (SIGUSR1) is due 55 s before the 1-minute limit; slurmctld checks time limits every
# 30 s from its start, so it comes ~30 s after the cluster came up (at most 35 s into the run). The
# run is sized to ~45 s here from the CPU time of its first 20 epochs (CPU, not wall time: a busy
# machine slows the run, which only makes the cut come earlier in it).
LONG="--hidden 64 --heads 10 --curriculum single --n-start 6 --batch 64 --steps-per-epoch 100 --test-batches 4 --threads 1"
cpu=$({ TIMEFORMAT=%U; time "$BIN" train $LONG --max-epochs 20 --quiet --out ../local/calibrate > /dev/null 2>&1; } 2>&1)
epochs=$(awk -v c="$cpu" 'BEGIN {e = c > 0 ? 24 * 20 / c : 0; e = e < 150 ? 150 : e; e = e > 5000 ? 5000 : e; printf "%d", e}')
sweep_cmds long "out = runs/long
base = $LONG --max-epochs $epochs
vary seed = 0" --progress
J2=$(sbatch "${SB[@]}" --array=1 --time=1 --signal=B:USR1@55 "$SBATCH_SCRIPT" long.cmds)
[ -n "$J2" ] && ok || bad "sbatch of the time-limit job failed"
t2=$(date +%s)
# the reference runs on this machine: niced, so that the SLURM runs keep their pace
helper sh -c 'cd ../local && exec nice -n 10 sh long.cmds 2> long.out'
REF2=$!

# ---- 1. a sweep as a job array equals the same sweep on this machine ---------------------------
need_cluster
sweep_cmds s "out = runs/s
base = --hidden 16 --heads 10 --batch 32 --steps-per-epoch 100 --test-batches 4 --max-epochs 40 --threads 1
vary curriculum = single multi
vary seed = 0..1"
ts=$(date +%s)
J1=$(sbatch_wait "${SB[@]}" --array=1-4 "$SBATCH_SCRIPT" s.cmds)
rc=$?
[ $rc -eq 0 ] && ok || bad "sbatch --wait --array=1-4: exit $rc; $(cat "slurm-${J1}"_*.out 2> /dev/null | head -c 600)"
echo "  sweep of 4 runs as a job array (sbatch --wait): $(($(date +%s) - ts)) s"
(cd ../local && nice -n 10 xargs -d '\n' -n 1 -P 2 sh -c < s.cmds > s.out 2>&1) && ok || bad "xargs -P 2 runner: $(head -c 300 ../local/s.out)"
[ "$(merge_table runs/s | csv_col status | sort -u)" = budget ] && ok || bad "array runs not all done: $(merge_table runs/s)"
t_slurm=$(merge_table runs/s)
t_local=$(cd ../local && merge_table runs/s)
[ -n "$t_slurm" ] && [ "$t_slurm" = "$t_local" ] && ok || bad "merge tables differ: SLURM:
$t_slurm
local:
$t_local"
runs_same runs/s ../local/runs/s && ok || bad "array runs differ from the local ones"

# ---- 4. a failing task is reported failed and stops nothing else ---------------------------------
need_cluster
sweep_cmds f "out = runs/f
base = --hidden 8 --heads 4 --batch 16 --steps-per-epoch 20 --test-batches 2 --max-epochs 3 --threads 1
vary seed = 0..2"
sed -i '2s/ --seed / --no-such-flag --seed /' f.cmds
ts=$(date +%s)
J4=$(sbatch_wait "${SB[@]}" --array=1-3 "$SBATCH_SCRIPT" f.cmds)
rc=$?
[ $rc -ne 0 ] && ok || bad "sbatch --wait of an array with a failing task: exit 0"
st=$(for n in 0 1 2; do status_of runs/f/seed-$n; done | tr '\n' ' ')
[ "$st" = "budget failed budget " ] && ok || bad "failing task: merge status '$st', expected 'budget failed budget'"
grep -q "unknown flag --no-such-flag" "slurm-${J4}_2.out" && ok || bad "failing task: its output lacks the error"
echo "  array of 3 with a failing task: $(($(date +%s) - ts)) s"

# ---- 3. scancel of a running array task; the line submitted again continues it -------------------
need_cluster
sweep_cmds c "out = runs/c
base = --hidden 32 --heads 10 --curriculum single --batch 32 --steps-per-epoch 100 --test-batches 4 --max-epochs 300 --threads 1
vary seed = 0..1" --progress
helper sh -c 'cd ../local && sed -n 2p c.cmds | nice -n 10 sh 2> c.out'
REF3=$!
ts=$(date +%s)
J3=$(sbatch "${SB[@]}" --array=1-2 "$SBATCH_SCRIPT" c.cmds)
running_with_epochs() {  # task $1 RUNNING and its log holds >= $3 epochs
    [ "$(squeue -h -j "$1" -o %T 2> /dev/null)" = RUNNING ] && [ -f "$2/last.safetensors" ] && [ "$(wc -l < "$2/log.jsonl")" -ge "$3" ]
}
for _ in $(seq 600); do running_with_epochs "${J3}_2" runs/c/seed-1 20 && break; sleep 0.1; done
if running_with_epochs "${J3}_2" runs/c/seed-1 20; then ok; else bad "task ${J3}_2 never ran 20 epochs: $(squeue -h -j "$J3" -o '%i %T')"; fi
scancel "${J3}_2"
wait_job "${J3}_2" 30 && ok || bad "scancel: task ${J3}_2 still queued"
grep -q "stopped by SIGTERM" "slurm-${J3}_2.out" && ! grep -q "requeued" "slurm-${J3}_2.out" \
    && ok || bad "scancel: no checkpoint on SIGTERM, or requeued: $(grep -v '^epoch' "slurm-${J3}_2.out")"
[ "$(status_of runs/c/seed-1)" = interrupted ] && ok || bad "cancelled task: status '$(status_of runs/c/seed-1)', expected interrupted"
ep_cut=$(wc -l < runs/c/seed-1/log.jsonl)
J3b=$(sbatch "${SB[@]}" --array=2 "$SBATCH_SCRIPT" c.cmds)
wait_job "$J3" 120 && wait_job "$J3b" 120 && ok || bad "scancel: the tasks did not finish"
[ "$(grep -c 'sweep.sbatch: job' "slurm-${J3}_1.out")" -eq 1 ] && ok || bad "scancel of task 2 restarted task 1: $(grep sweep.sbatch "slurm-${J3}_1.out")"
grep -q "resuming runs/c/seed-1/last.safetensors after epoch" "slurm-${J3b}_2.out" && ok || bad "resubmitted task did not resume: $(head -c 400 "slurm-${J3b}_2.out")"
echo "  scancel after epoch $ep_cut, $(grep -o 'resuming.*after epoch [0-9]*[^(]*' "slurm-${J3b}_2.out" | sed 's/ *$//'), done after $(($(date +%s) - ts)) s"
[ "$(status_of runs/c/seed-0)" = budget ] && [ "$(status_of runs/c/seed-1)" = budget ] && ok || bad "scancel: runs not done: $(merge_table runs/c)"
wait $REF3
runs_same runs/c/seed-1 ../local/runs/c/seed-1 && ok || bad "cancelled + resubmitted run differs from an uninterrupted one"

# ---- 2, continued ---------------------------------------------------------------------------------
need_cluster
wait_job "$J2" 150 && ok || bad "time-limit job did not finish"
out2=slurm-${J2}_1.out
grep -q "stopped by SIGTERM" "$out2" && grep -q "line 1 exited with 143" "$out2" && grep -q "requeued job" "$out2" \
    && ok || bad "time limit: no SIGTERM checkpoint and requeue in the output (did the run of $epochs epochs end before the warning?): $(grep sweep.sbatch "$out2")"
grep -q "resuming runs/long/seed-0/last.safetensors" "$out2" && grep -q "line 1 exited with 0" "$out2" \
    && ok || bad "time limit: the requeued task did not resume and finish: $(grep -E 'sweep.sbatch|resuming' "$out2")"
echo "  time limit: a run of $epochs epochs $(grep -o 'stopped by SIGTERM[^;]*' "$out2" | head -n 1), requeued $(grep -c 'requeued job' "$out2") time(s), done after $(($(date +%s) - t2)) s"
[ "$(status_of runs/long/seed-0)" = budget ] && ok || bad "time limit: run not done: $(status_of runs/long/seed-0)"
wait $REF2
runs_same runs/long/seed-0 ../local/runs/long/seed-0 && ok || bad "time-limited + requeued run differs from an uninterrupted one"

finish
