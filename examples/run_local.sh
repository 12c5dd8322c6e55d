#!/bin/sh
# Runs the commands of `rnnts sweep` (one per line) on this machine, P at a time, with xargs -P
# (GNU xargs). With --auto-resume in the commands, running the same file again continues
# interrupted runs and skips finished ones.
#   examples/run_local.sh CMDS [-j P]        (default P = 2)
set -u
usage() { echo "usage: run_local.sh CMDS [-j P]" >&2; exit 2; }
[ $# -ge 1 ] || usage
CMDS=$1
shift
P=2
while [ $# -gt 0 ]; do
    case $1 in
    -j) [ $# -ge 2 ] || usage; P=$2; shift 2 ;;
    -j*) P=${1#-j}; shift ;;
    *) usage ;;
    esac
done
case $P in '' | *[!0-9]* | 0*) echo "run_local.sh: -j $P: allowed an integer >= 1" >&2; exit 2 ;; esac
[ -r "$CMDS" ] || { echo "run_local.sh: cannot read $CMDS" >&2; exit 2; }
n=$(grep -c . "$CMDS")
echo "run_local.sh: $n runs from $CMDS, $P at a time" >&2
# -d '\n': one argument per line, quotes left to sh -c (xargs would strip them)
if xargs -d '\n' -n 1 -P "$P" sh -c < "$CMDS"; then
    echo "run_local.sh: all $n runs exited with 0" >&2
else
    echo "run_local.sh: some runs failed (xargs exit $?); the others are done" >&2
    exit 1
fi
