#!/bin/sh
# Header hygiene: compiles as C11 and C++17 with gcc and clang under -Wall -Wextra -Werror (scalar,
# AVX2 and AVX-512 paths; compiling needs no such CPU), links a program of two C files that both include the header,
# and checks the feature switches with nm. Prints "N passed, N failed".
set -u
B=${B:-build}
mkdir -p "$B/hdr"
T="$B/hdr"
pass=0; fail=0
ok() { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; }
printf '#define RNNTS_IMPLEMENTATION\n#include "rnnts.h"\nint main(void){ return rnnts_selfcheck(0,0) != RNNTS_OK; }\n' > "$T/impl.c"
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
  compile_job $i gcc -std=c11 $opt -mavx2 -mfma -ffp-contract=off -Wall -Wextra -Werror -I. -c "$T/impl.c" -o "$T/o.$i.o"
done
# exactly the AVX2 path in a compile that also enables AVX-512 (a library user's choice)
i=$((i + 1)); echo "compile: gcc -std=c11 -mavx512f -mavx2 -mfma -DRNNTS_SIMD=RNNTS_SIMD_AVX2" > "$T/name.$i"
compile_job $i gcc -std=c11 -O2 -mavx512f -mavx2 -mfma -DRNNTS_SIMD=RNNTS_SIMD_AVX2 -ffp-contract=off -Wall -Wextra -Werror -I. -c "$T/impl.c" -o "$T/o.$i.o"
wait
k=1
while [ $k -le $i ]; do
  if [ "$(cat "$T/rc.$k" 2>/dev/null)" = 0 ]; then ok "$(cat "$T/name.$k")"; else bad "$(cat "$T/name.$k")"; head -5 "$T/err.$k"; fi
  k=$((k + 1))
done
# Two translation units: one with the implementation, one with only the API.
printf '#include "rnnts.h"\nconst char *other(void){ return rnnts_build_info(); }\n' > "$T/other.c"
printf '#define RNNTS_IMPLEMENTATION\n#include "rnnts.h"\n#include <stdio.h>\nconst char *other(void);\nint main(void){ puts(other()); return 0; }\n' > "$T/main.c"
if gcc -std=c11 -O2 -ffp-contract=off -Wall -Wextra -Werror -I. "$T/main.c" "$T/other.c" -o "$T/two" -lm -lpthread && "$T/two" >/dev/null; then
  ok "two C files, one implementation: links and runs"; else bad "two C files link"; fi
# RNNTS_STATIC: two files each embed a private copy (gcc and clang++, -Wall -Wextra -Werror: no
# unused-function warning); the objects export no rnnts_ symbol, and the program runs.
printf '#define RNNTS_STATIC\n#define RNNTS_IMPLEMENTATION\n#include "rnnts.h"\nconst char *other(void){ return rnnts_name(RNNTS_NAMES_TASK, 1); }\n' > "$T/st_other.c"
printf '#define RNNTS_STATIC\n#define RNNTS_IMPLEMENTATION\n#include "rnnts.h"\n#include <string.h>\nconst char *other(void);\nint main(void){ return strcmp(other(), "dms") != 0 || rnnts_selfcheck(0, 0) != RNNTS_OK; }\n' > "$T/st_main.c"
cp "$T/st_other.c" "$T/st_other.cc"; cp "$T/st_main.c" "$T/st_main.cc"
for cc in "gcc -std=c11" "clang++ -std=c++17"; do
  ext=c; case "$cc" in *++*) ext=cc;; esac
  if $cc -O1 -ffp-contract=off -Wall -Wextra -Werror -I. -c "$T/st_main.$ext" -o "$T/st_main.o" 2> "$T/st.err" &&
     $cc -O1 -ffp-contract=off -Wall -Wextra -Werror -I. -c "$T/st_other.$ext" -o "$T/st_other.o" 2>> "$T/st.err" &&
     $cc "$T/st_main.o" "$T/st_other.o" -o "$T/st" -lm -lpthread 2>> "$T/st.err" && "$T/st"; then
    if nm -g --defined-only "$T/st_main.o" "$T/st_other.o" | grep -q ' rnnts_'; then bad "RNNTS_STATIC ($cc): rnnts_ symbols exported"; nm -g --defined-only "$T/st_main.o" | grep ' rnnts_' | head -3
    else ok "RNNTS_STATIC ($cc): two private copies link and run, no rnnts_ symbol exported"; fi
  else bad "RNNTS_STATIC ($cc): build or run"; head -5 "$T/st.err"; fi
done
# Feature switches leave no symbols behind.
rm -f "$T/nothr.o" "$T/nostdio.o"
gcc -std=c11 -O2 -ffp-contract=off -Wall -Wextra -Werror -DRNNTS_NO_THREADS -I. -c "$T/impl.c" -o "$T/nothr.o" || bad "compile with RNNTS_NO_THREADS"
if [ ! -f "$T/nothr.o" ] || nm "$T/nothr.o" | grep -q pthread; then bad "RNNTS_NO_THREADS leaves pthread symbols"; else ok "RNNTS_NO_THREADS: no pthread symbols"; fi
gcc -std=c11 -O2 -ffp-contract=off -Wall -Wextra -Werror -DRNNTS_NO_STDIO -I. -c "$T/impl.c" -o "$T/nostdio.o" || bad "compile with RNNTS_NO_STDIO"
if [ ! -f "$T/nostdio.o" ] || nm "$T/nostdio.o" | grep -Eq ' U (fopen|fwrite|fread|rename|remove)$| T rnnts_rnn_save$| T rnnts_rnn_load$'; then
  bad "RNNTS_NO_STDIO leaves file I/O symbols"; else ok "RNNTS_NO_STDIO: no file I/O symbols"; fi
# No libm transcendental is referenced (N5).
if [ ! -f "$T/nothr.o" ] || nm "$T/nothr.o" | grep -Eq ' U (expf?|logf?|tanhf?|sinf?|cosf?|powf?|exp2f?|log2f?)$'; then
  bad "a libm transcendental is referenced"; nm "$T/nothr.o" | grep ' U '; else ok "no libm transcendental referenced"; fi
# An unavailable ISA is an #error.
if gcc -std=c11 -DRNNTS_SIMD=3 -I. -c "$T/impl.c" -o "$T/x.o" 2>/dev/null; then bad "RNNTS_SIMD=NEON on x86-64 must not compile"; else ok "RNNTS_SIMD=NEON on x86-64 is an #error"; fi
if gcc -std=c11 -DRNNTS_SIMD=2 -I. -c "$T/impl.c" -o "$T/x.o" 2>/dev/null; then bad "RNNTS_SIMD=AVX2 without -mavx2 must not compile"; else ok "RNNTS_SIMD=AVX2 without -mavx2 is an #error"; fi
if gcc -std=c11 -DRNNTS_SIMD=4 -mavx2 -mfma -I. -c "$T/impl.c" -o "$T/x.o" 2>/dev/null; then bad "RNNTS_SIMD=AVX512 without -mavx512f must not compile"; else ok "RNNTS_SIMD=AVX512 without -mavx512f is an #error"; fi
if gcc -std=c11 -ffast-math -I. -c "$T/impl.c" -o "$T/x.o" 2>/dev/null; then bad "-ffast-math must not compile"; else ok "-ffast-math is an #error"; fi
# Float evaluated in double (gcc on s390x in ISO C mode: FLT_EVAL_METHOD 1) is an #error naming the
# flag; with that flag the same compile succeeds.
if command -v s390x-linux-gnu-gcc >/dev/null; then
    if s390x-linux-gnu-gcc -std=c11 -I. -c "$T/impl.c" -o "$T/x.o" 2> "$T/s390x.err"; then bad "s390x -std=c11 (FLT_EVAL_METHOD 1) must not compile"
    elif ! grep -q 'fexcess-precision=fast' "$T/s390x.err"; then bad "s390x -std=c11: the #error does not name -fexcess-precision=fast: $(head -c 300 "$T/s390x.err")"
    elif ! s390x-linux-gnu-gcc -std=c11 -fexcess-precision=fast -O2 -ffp-contract=off -Wall -Wextra -Werror -I. -c "$T/impl.c" -o "$T/x.o"; then bad "s390x -std=c11 -fexcess-precision=fast does not compile"
    else ok "s390x: FLT_EVAL_METHOD 1 is an #error naming -fexcess-precision=fast, which compiles"; fi
else echo "SKIPPED: the FLT_EVAL_METHOD check (no s390x-linux-gnu-gcc; 'make deps' installs it)"; fi
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
