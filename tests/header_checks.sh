#!/bin/sh
# Header hygiene: compiles as C11 and C++17 with gcc and clang under -Wall -Wextra -Werror (scalar,
# AVX2 and AVX-512 paths; compiling needs no such CPU), links a program of two C files that both include the header,
# and checks the feature switches with nm. Every program built is run: exit status 0 and, for the
# compile matrix, the build info naming the vector path the flags select (a path this CPU lacks:
# SKIPPED[cpu:...]). Prints "N passed, N failed" (", N skipped" when some were) as its last line.
set -u
B=${B:-build}
mkdir -p "$B/hdr"
T="$B/hdr"
pass=0; fail=0; skipped=0
ok() { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; }
skip() { skipped=$((skipped + 1)); echo "SKIPPED[$1]: $2"; }
# the program prints its build info ("rnnts VERSION ARCH SIMD CC THREADS") and the selfcheck's
# message; its exit status is the selfcheck's (contraction, flush-to-zero, denormals-are-zero)
printf '#define RNNTS_IMPLEMENTATION\n#include "rnnts.h"\n#include <stdio.h>\nint main(void){ char m[256]; int r = rnnts_selfcheck(m, sizeof m); printf("%%s; %%s\\n", rnnts_build_info(), m); return r != RNNTS_OK; }\n' > "$T/impl.c"
cp "$T/impl.c" "$T/impl.cc"
# The 15 compiles run two at a time (they take most of this script); results print in order.
i=0
compile_job() { # INDEX NAME CMD...: runs CMD in the background, its status in $T/rc.INDEX
  idx=$1; shift 1
  ( "$@" 2> "$T/err.$idx"; echo $? > "$T/rc.$idx" ) &
  if [ $((idx % 2)) -eq 0 ]; then wait; fi
}
for cc in "gcc -std=c11" "clang -std=c11" "g++ -std=c++17" "clang++ -std=c++17"; do
  for simd in "-DRNNTS_SIMD=1" "-mavx2 -mfma" "-mavx512f -mavx2 -mfma"; do
    src="$T/impl.c"; case "$cc" in *++*) src="$T/impl.cc";; esac
    i=$((i + 1)); echo "compile: $cc $simd" > "$T/name.$i"
    compile_job $i $cc $simd -O2 -ffp-contract=off -Wall -Wextra -Werror -I. "$src" -o "$T/a.$i.out" -lm -lpthread
  done
done
for opt in -O0 -O1 -O3; do
  i=$((i + 1)); echo "compile: gcc -std=c11 $opt -mavx2 -mfma" > "$T/name.$i"
  compile_job $i gcc -std=c11 $opt -mavx2 -mfma -ffp-contract=off -Wall -Wextra -Werror -I. "$T/impl.c" -o "$T/a.$i.out" -lm -lpthread
done
# exactly the AVX2 path in a compile that also enables AVX-512 (a library user's choice)
i=$((i + 1)); echo "compile: gcc -std=c11 -mavx512f -mavx2 -mfma -DRNNTS_SIMD=RNNTS_SIMD_AVX2" > "$T/name.$i"
compile_job $i gcc -std=c11 -O2 -mavx512f -mavx2 -mfma -DRNNTS_SIMD=RNNTS_SIMD_AVX2 -ffp-contract=off -Wall -Wextra -Werror -I. "$T/impl.c" -o "$T/a.$i.out" -lm -lpthread
wait
# run each program built: the CPU flag its compile needs, the path its build info must name
cpu_has() { grep -qw "$1" /proc/cpuinfo 2>/dev/null; }
k=1
while [ $k -le $i ]; do
  name=$(cat "$T/name.$k")
  if [ "$(cat "$T/rc.$k" 2>/dev/null)" != 0 ]; then bad "$name"; head -5 "$T/err.$k"; k=$((k + 1)); continue; fi
  ok "$name"
  case "$name" in
    *RNNTS_SIMD=RNNTS_SIMD_AVX2*) need=avx512f want=AVX2 ;;
    *-mavx512f*) need=avx512f want=AVX512 ;;
    *-mavx2*) need=avx2 want=AVX2 ;;
    *) need="" want=SCALAR ;;
  esac
  run="run: ${name#compile: }"
  if [ -n "$need" ] && ! cpu_has "$need"; then
    skip "cpu:$need" "$run (the program's code needs $need; this CPU lacks it)"
  elif "$T/a.$k.out" > "$T/run.$k" 2>&1; then
    case " $(cat "$T/run.$k") " in
      *" x86_64 $want "*) ok "$run: exit 0, $want path ($(cut -d';' -f2- "$T/run.$k" | sed 's/^ //'))" ;;
      *) bad "$run: its build info does not name the $want path: $(head -c 300 "$T/run.$k")" ;;
    esac
  else bad "$run: exit status $? (selfcheck): $(head -c 300 "$T/run.$k")"; fi
  k=$((k + 1))
done
# Two translation units: one with the implementation, one with only the API.
printf '#include "rnnts.h"\nconst char *other(void){ return rnnts_build_info(); }\n' > "$T/other.c"
printf '#define RNNTS_IMPLEMENTATION\n#include "rnnts.h"\n#include <stdio.h>\nconst char *other(void);\nint main(void){ puts(other()); return 0; }\n' > "$T/main.c"
if ! gcc -std=c11 -O2 -ffp-contract=off -Wall -Wextra -Werror -I. "$T/main.c" "$T/other.c" -o "$T/two" -lm -lpthread; then bad "two C files link"
elif ! "$T/two" > "$T/two.out" 2>&1; then bad "two C files, one implementation: the program exits with status $?: $(head -c 300 "$T/two.out")"
elif ! grep -q '^rnnts [0-9]' "$T/two.out"; then bad "two C files, one implementation: the other file's rnnts_build_info() is not printed: $(head -c 300 "$T/two.out")"
else ok "two C files, one implementation: links and runs ($(head -n 1 "$T/two.out"))"; fi
# RNNTS_STATIC: two files each embed a private copy (gcc and clang++, -Wall -Wextra -Werror: no
# unused-function warning); the objects export no rnnts_ symbol, and the program runs.
printf '#define RNNTS_STATIC\n#define RNNTS_IMPLEMENTATION\n#include "rnnts.h"\nconst char *other(void){ return rnnts_name(RNNTS_NAMES_TASK, 1); }\n' > "$T/st_other.c"
printf '#define RNNTS_STATIC\n#define RNNTS_IMPLEMENTATION\n#include "rnnts.h"\n#include <string.h>\nconst char *other(void);\nint main(void){ return strcmp(other(), "dms") != 0 || rnnts_selfcheck(0, 0) != RNNTS_OK; }\n' > "$T/st_main.c"
cp "$T/st_other.c" "$T/st_other.cc"; cp "$T/st_main.c" "$T/st_main.cc"
for cc in "gcc -std=c11" "clang++ -std=c++17"; do
  ext=c; case "$cc" in *++*) ext=cc;; esac
  rm -f "$T/st"
  if $cc -O1 -ffp-contract=off -Wall -Wextra -Werror -I. -c "$T/st_main.$ext" -o "$T/st_main.o" 2> "$T/st.err" &&
     $cc -O1 -ffp-contract=off -Wall -Wextra -Werror -I. -c "$T/st_other.$ext" -o "$T/st_other.o" 2>> "$T/st.err" &&
     $cc "$T/st_main.o" "$T/st_other.o" -o "$T/st" -lm -lpthread 2>> "$T/st.err" && "$T/st" >> "$T/st.err" 2>&1; then
    # (nm's output in a file first: a failing nm must not read as "no symbol found")
    if ! nm -g --defined-only "$T/st_main.o" "$T/st_other.o" > "$T/st.nm" 2>&1; then bad "RNNTS_STATIC ($cc): nm failed: $(head -c 300 "$T/st.nm")"
    elif grep -q ' rnnts_' "$T/st.nm"; then bad "RNNTS_STATIC ($cc): rnnts_ symbols exported"; grep ' rnnts_' "$T/st.nm" | head -3
    else ok "RNNTS_STATIC ($cc): two private copies link and run, no rnnts_ symbol exported"; fi
  else bad "RNNTS_STATIC ($cc): build or run (exit status of the program, if it was built: see below)"; head -5 "$T/st.err"; fi
done
# Feature switches leave no symbols behind (the objects of the plain program: its main only calls
# rnnts_selfcheck), and the programs linked from those objects run.
printf '#define RNNTS_IMPLEMENTATION\n#include "rnnts.h"\nint main(void){ return rnnts_selfcheck(0,0) != RNNTS_OK; }\n' > "$T/plain.c"
# nm_of OBJECT: its symbol table into OBJECT.nm; status 1 (and a FAIL) when the object is missing or nm fails
nm_of() {
  if [ -f "$1" ] && nm "$1" > "$1.nm" 2>&1; then return 0; fi
  bad "nm $1: $(head -c 200 "$1.nm" 2>/dev/null)"; return 1
}
# runs_ok NAME OBJECT: links OBJECT into a program and runs it (exit status 0: selfcheck passed)
runs_ok() {
  if ! gcc "$2" -o "$2.out" -lm -lpthread 2> "$2.err"; then bad "$1: link: $(head -c 300 "$2.err")"
  elif "$2.out" > "$2.err" 2>&1; then ok "$1: the program runs (exit 0)"
  else bad "$1: the program exits with status $?: $(head -c 300 "$2.err")"; fi
}
rm -f "$T/nothr.o" "$T/nostdio.o"
if gcc -std=c11 -O2 -ffp-contract=off -Wall -Wextra -Werror -DRNNTS_NO_THREADS -I. -c "$T/plain.c" -o "$T/nothr.o"; then
  if nm_of "$T/nothr.o"; then
    if grep -q pthread "$T/nothr.o.nm"; then bad "RNNTS_NO_THREADS leaves pthread symbols"; else ok "RNNTS_NO_THREADS: no pthread symbols"; fi
    # No libm transcendental is referenced (N5).
    if grep -Eq ' U (expf?|logf?|tanhf?|sinf?|cosf?|powf?|exp2f?|log2f?)$' "$T/nothr.o.nm"; then
      bad "a libm transcendental is referenced"; grep ' U ' "$T/nothr.o.nm"; else ok "no libm transcendental referenced"; fi
  fi
  runs_ok "RNNTS_NO_THREADS" "$T/nothr.o"
else bad "compile with RNNTS_NO_THREADS"; fi
if gcc -std=c11 -O2 -ffp-contract=off -Wall -Wextra -Werror -DRNNTS_NO_STDIO -I. -c "$T/plain.c" -o "$T/nostdio.o"; then
  if nm_of "$T/nostdio.o"; then
    if grep -Eq ' U (fopen|fwrite|fread|rename|remove)$| T rnnts_rnn_save$| T rnnts_rnn_load$' "$T/nostdio.o.nm"; then
      bad "RNNTS_NO_STDIO leaves file I/O symbols"; else ok "RNNTS_NO_STDIO: no file I/O symbols"; fi
  fi
  runs_ok "RNNTS_NO_STDIO" "$T/nostdio.o"
else bad "compile with RNNTS_NO_STDIO"; fi
# An unavailable ISA is an #error.
# must_error NAME CC-ARGS...: the compile fails, and by an #error of the header
must_error() {
  name=$1; shift
  if "$@" -I. -c "$T/plain.c" -o "$T/x.o" 2> "$T/x.err"; then bad "$name must not compile"
  elif ! grep -q '#error' "$T/x.err"; then bad "$name: the compile fails, but not by an #error: $(head -c 300 "$T/x.err")"
  else ok "$name is an #error ($(grep -m 1 -o '#error.*' "$T/x.err" | cut -c1-100))"; fi
}
must_error "RNNTS_SIMD=NEON on x86-64" gcc -std=c11 -DRNNTS_SIMD=3
must_error "RNNTS_SIMD=AVX2 without -mavx2" gcc -std=c11 -DRNNTS_SIMD=2
must_error "RNNTS_SIMD=AVX512 without -mavx512f" gcc -std=c11 -DRNNTS_SIMD=4 -mavx2 -mfma
must_error "-ffast-math" gcc -std=c11 -ffast-math
# Float evaluated in double (gcc on s390x in ISO C mode: FLT_EVAL_METHOD 1) is an #error naming the
# flag; with that flag the same compile succeeds.
if command -v s390x-linux-gnu-gcc >/dev/null; then
    if s390x-linux-gnu-gcc -std=c11 -I. -c "$T/plain.c" -o "$T/x.o" 2> "$T/s390x.err"; then bad "s390x -std=c11 (FLT_EVAL_METHOD 1) must not compile"
    elif ! grep -q 'fexcess-precision=fast' "$T/s390x.err"; then bad "s390x -std=c11: the #error does not name -fexcess-precision=fast: $(head -c 300 "$T/s390x.err")"
    elif ! s390x-linux-gnu-gcc -std=c11 -fexcess-precision=fast -O2 -ffp-contract=off -Wall -Wextra -Werror -I. -c "$T/plain.c" -o "$T/x.o"; then bad "s390x -std=c11 -fexcess-precision=fast does not compile"
    else ok "s390x: FLT_EVAL_METHOD 1 is an #error naming -fexcess-precision=fast, which compiles"; fi
else skip pkg:gcc-s390x-linux-gnu "the FLT_EVAL_METHOD check (no s390x-linux-gnu-gcc; 'make deps' installs it)"; fi
if [ "$skipped" -gt 0 ]; then echo "$pass passed, $fail failed, $skipped skipped"; else echo "$pass passed, $fail failed"; fi
[ "$fail" = 0 ]
