# rnnts — build, test, examples. `make help` lists the targets.
ifeq ($(origin CC),default)
CC       := gcc
endif
ARMCC    ?= aarch64-linux-gnu-gcc
QEMU     ?= qemu-aarch64-static
PYTHON   ?= $(shell test -x /usr/bin/python3 && echo /usr/bin/python3 || echo python3)
# The numerics contract (N1): no contraction, ever.
STD      := -std=c11 -O2 -ffp-contract=off
WARN     := -Wall -Wextra -Werror
AVX2     := -mavx2 -mfma
SCALAR   := -DRNNTS_SIMD=1 -fno-tree-vectorize
LIBS     := -lm -lpthread
B        := build
NPROC    := $(shell nproc 2>/dev/null || echo 2)
HAVE_AVX2 := $(shell grep -qw avx2 /proc/cpuinfo 2>/dev/null && grep -qw fma /proc/cpuinfo 2>/dev/null && echo 1)
NATIVE   := $(if $(HAVE_AVX2),$(AVX2),)
AVX512   := -mavx512f $(AVX2)
HAVE_AVX512 := $(shell grep -qw avx512f /proc/cpuinfo 2>/dev/null && echo 1)

.PHONY: all help test test-harness test-replay test-dispatch test-asan test-valgrind test-fuzz fuzz test-sweep test-slurm test-reproduce reproduce check-taunet test-interop test-header test-unit test-golden test-cross test-torch examples golden-update deps clean

all: examples $(B)/test_unit $(B)/golden_scalar $(B)/golden_native   ## build examples and tests

help:                                    ## list targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | awk -F'\t' '{printf "  %-15s %s\n", $$1, $$2}'

deps:                                    ## install the Debian packages the tests need (root or sudo)
	@sh .ci/deps.sh

$(B):
	@mkdir -p $(B)

examples: $(B)/train_parity $(B)/rnnts   ## build the examples and the rnnts tool

$(B)/train_parity: examples/train_parity.c rnnts.h | $(B)
	$(CC) $(STD) $(NATIVE) $(WARN) $< -o $@ $(LIBS)

run-example: $(B)/train_parity           ## train a small network on N-parity (multi-head, to N = 5) and print loss and accuracy
	$(B)/train_parity

# The tool (tool/): every .c file there is a module compiled on its own (-c; -MMD writes its
# header dependencies, rnnts.h included), linked against one implementation object
# (tool/rnnts_impl.c); tool/dispatch.c holds main. On x86-64 the tool picks its vector path at run
# time: the modules and the implementation are compiled once per path into $(B)/tool/<path>/,
# combined by `ld -r` into one object whose rnnts_tool_main is renamed rnnts_tool_main_<path> and
# whose every other global symbol objcopy hides, and the three objects are linked with
# tool/dispatch.c into one binary that runs on any x86-64 machine (RNNTS_ISA=scalar|avx2|avx512
# forces one). Elsewhere (e.g. an AArch64 host) it is one native build ($(B)/tool/native/).
X86_64      := $(filter x86_64,$(shell uname -m))
OBJCOPY     ?= objcopy
PATH_scalar := $(SCALAR)
PATH_avx2   := -DRNNTS_SIMD=2 $(AVX2)
PATH_avx512 := -DRNNTS_SIMD=4 $(AVX512)
PATH_native := $(NATIVE)
KEEP_scalar := rnnts_simd_choose
TOOL_SRCS   := $(filter-out tool/dispatch.c,$(wildcard tool/*.c))
TOOL_OBJS    = $(addprefix $(B)/tool/$(1)/,$(notdir $(TOOL_SRCS:.c=.o)))
# one pattern rule per build of the modules: $(B)/tool/<build>/<module>.o
define TOOL_BUILD
$(B)/tool/$(1)/%.o: tool/%.c
	@mkdir -p $$(@D)
	$$(CC) $$(STD) $$(PATH_$(1)) $$(WARN) $(2) -MMD -MP -c $$< -o $$@
endef
$(foreach p,scalar avx2 avx512,$(eval $(call TOOL_BUILD,$(p),-DRNNTS_TOOL_DISPATCH)))
$(eval $(call TOOL_BUILD,native,))
# Builds for other architectures (static, run under qemu-*-static): AArch64 NEON and scalar,
# big-endian s390x and riscv64 (scalar); each the tool, the golden test and the kernel dump. gcc on s390x
# evaluates float arithmetic in double under -std=c11 (FLT_EVAL_METHOD 1, which rnnts.h refuses);
# -fexcess-precision=fast makes it float (0).
CROSS_ARCHS       := arm_neon arm_scalar s390x riscv64
CROSS_CC_arm_neon = $(ARMCC)
CROSS_FLAGS_arm_neon :=
CROSS_CC_arm_scalar = $(ARMCC)
CROSS_FLAGS_arm_scalar := $(SCALAR)
CROSS_CC_s390x    ?= s390x-linux-gnu-gcc
CROSS_CC_riscv64  ?= riscv64-linux-gnu-gcc
CROSS_FLAGS_s390x := $(SCALAR) -fexcess-precision=fast
CROSS_FLAGS_riscv64 := $(SCALAR)
define CROSS_BUILD
$(B)/tool/$(1)/%.o: tool/%.c
	@mkdir -p $$(@D)
	$$(CROSS_CC_$(1)) $$(STD) $$(CROSS_FLAGS_$(1)) $$(WARN) -MMD -MP -c $$< -o $$@
$(B)/rnnts_$(1): tool/dispatch.c $$(call TOOL_OBJS,$(1)) | $(B)
	$$(CROSS_CC_$(1)) $$(STD) $$(CROSS_FLAGS_$(1)) $$(WARN) -static $$^ -o $$@ $$(LIBS)
$(B)/golden_$(1): tests/golden.c rnnts.h | $(B)
	$$(CROSS_CC_$(1)) $$(STD) $$(CROSS_FLAGS_$(1)) $$(WARN) -static $$< -o $$@ $$(LIBS)
$(B)/kernel_dump_$(1): tests/kernel_dump.c tests/kernel_cases.h rnnts.h | $(B)
	$$(CROSS_CC_$(1)) $$(STD) $$(CROSS_FLAGS_$(1)) $$(WARN) -static $$< -o $$@ $$(LIBS)
endef
$(foreach a,$(CROSS_ARCHS),$(eval $(call CROSS_BUILD,$(a))))
-include $(wildcard $(B)/tool/*/*.d)
# the module objects are kept (not deleted as intermediate files of the chain), so that a rebuild
# compiles only the modules whose sources or headers changed
.SECONDARY: $(foreach p,scalar avx2 avx512 native $(CROSS_ARCHS),$(call TOOL_OBJS,$(p)))
$(B)/tool_%.o: $(call TOOL_OBJS,%)
	ld -r $^ -o $(B)/tool_$*.all.o
	$(OBJCOPY) --redefine-sym rnnts_tool_main=rnnts_tool_main_$* $(B)/tool_$*.all.o $(B)/tool_$*.ren.o
	$(OBJCOPY) $(foreach s,rnnts_tool_main_$* $(KEEP_$*),--keep-global-symbol=$(s)) $(B)/tool_$*.ren.o $@
	@rm -f $(B)/tool_$*.all.o $(B)/tool_$*.ren.o
ifneq ($(X86_64),)
$(B)/rnnts: tool/dispatch.c $(B)/tool_scalar.o $(B)/tool_avx2.o $(B)/tool_avx512.o | $(B)
	$(CC) $(STD) $(WARN) -DRNNTS_TOOL_DISPATCH $^ -o $@ $(LIBS)
else
$(B)/rnnts: tool/dispatch.c $(call TOOL_OBJS,native) | $(B)
	$(CC) $(STD) $(NATIVE) $(WARN) $^ -o $@ $(LIBS)
endif

tool: $(B)/rnnts                         ## build the rnnts command line tool

run: $(B)/rnnts                          ## the main job: multi-head vs single-head on N-parity, side by side on 2 cores (~3 min, 160 s each), table + build/compare/tau_vs_N.svg
	$(B)/rnnts compare --out $(B)/compare

# ---- tests -------------------------------------------------------------------------------
# make test runs every suite even when one fails, then prints one table (tests/run_suites.sh):
# verdict, checks passed / failed / skipped and the reason of every skip. CI=true fails a skip of
# anything CI installs itself. SUITES=... runs a subset; PLANT=leak|skip plants a leak in the
# sanitizer unit tests / a missing torch in test-torch, to watch the table catch them.
SUITES ?= test-harness test-header test-unit test-dispatch test-cross test-cli test-replay test-sweep test-slurm test-interop test-torch test-install test-reproduce test-asan test-valgrind test-fuzz
test: | $(B)                             ## run every test suite, then a summary table (CI=true: a skip of what CI installs fails)
	@MAKE="$(MAKE)" bash tests/run_suites.sh $(B)/results $(SUITES)

test-harness: $(B)/plant_leak | $(B)    ## the test harness's own checks: a planted leak fails a Criterion test under LeakSanitizer; the summary's skip and count rules (tests/run_suites_test.sh)
	@out=$$($(SAN_UNIT_ENV) $(B)/plant_leak 2>&1); rc=$$?; \
	if [ $$rc -ne 0 ] && printf '%s\n' "$$out" | grep -q 'LeakSanitizer: this test leaked' \
	   && printf '%s\n' "$$out" | grep -q 'Failing: 1'; then echo "ok   a planted leak fails its test (exit $$rc, LSan report, Failing: 1)"; echo "1 passed, 0 failed"; \
	else printf '%s\n' "$$out" | tail -n 20; echo "FAIL: the planted leak went unnoticed (exit $$rc)"; echo "0 passed, 1 failed"; exit 1; fi
	bash tests/run_suites_test.sh

test-header: | $(B)                      ## header compiles as C11/C++17 with gcc and clang; two-file link; feature switches
	@sh tests/header_checks.sh

$(B)/kernel_dump_scalar: tests/kernel_dump.c tests/kernel_cases.h rnnts.h | $(B)
	$(CC) $(STD) $(SCALAR) $(WARN) $< -o $@ $(LIBS)
$(B)/kernel_dump_native: tests/kernel_dump.c tests/kernel_cases.h rnnts.h | $(B)
	$(CC) $(STD) $(NATIVE) $(WARN) $< -o $@ $(LIBS)
$(B)/test_unit: tests/test_*.c tests/test_common.h tests/kernel_cases.h rnnts.h | $(B)
	$(CC) $(STD) $(NATIVE) $(WARN) -I. tests/test_*.c -o $@ -lcriterion -lxxhash $(LIBS)

$(B)/test_unit_avx512: tests/test_*.c tests/test_common.h tests/kernel_cases.h rnnts.h | $(B)
	$(CC) $(STD) $(AVX512) $(WARN) -I. tests/test_*.c -o $@ -lcriterion -lxxhash $(LIBS)

test-unit: $(B)/test_unit $(B)/test_unit_avx512 $(B)/kernel_dump_scalar   ## Criterion unit tests (SIMD vs scalar, gradients, threads, math, errors): AVX2 build, and AVX-512 where the CPU has it
	@# a file without test_common.h would define its tests with Criterion's Test: no leak check
	@missing=$$(grep -L '^#include "test_common.h"' tests/test_*.c); \
	if [ -n "$$missing" ]; then echo "FAIL: $$missing must include test_common.h (its Test adds the leak check)"; exit 1; fi
	RNNTS_SCALAR_DUMP=$(B)/kernel_dump_scalar $(B)/test_unit --jobs 2
	@if [ -n "$(HAVE_AVX512)" ]; then echo "RNNTS_SCALAR_DUMP=$(B)/kernel_dump_scalar $(B)/test_unit_avx512 --jobs 2"; \
	  RNNTS_SCALAR_DUMP=$(B)/kernel_dump_scalar $(B)/test_unit_avx512 --jobs 2; \
	else echo "SKIPPED[cpu:avx512f]: unit tests of the AVX-512 build (this CPU has no AVX-512F)"; fi

# -g: valgrind's reports (test-valgrind runs these binaries) name lines; it changes no generated code
$(B)/golden_scalar: tests/golden.c rnnts.h | $(B)
	$(CC) $(STD) -g $(SCALAR) $(WARN) $< -o $@ $(LIBS)
$(B)/golden_native: tests/golden.c rnnts.h | $(B)
	$(CC) $(STD) -g $(NATIVE) $(WARN) $< -o $@ $(LIBS)

$(B)/golden_avx512: tests/golden.c rnnts.h | $(B)
	$(CC) $(STD) $(AVX512) $(WARN) $< -o $@ $(LIBS)

test-golden: $(B)/golden_scalar $(B)/golden_native $(B)/golden_avx512   ## golden hashes, x86-64 scalar, AVX2 and AVX-512 (where the CPU has it)
	$(B)/golden_scalar --expect-simd SCALAR reference/golden.txt
	@if [ -n "$(HAVE_AVX2)" ]; then $(B)/golden_native --expect-simd AVX2 reference/golden.txt; \
	else echo "SKIPPED[cpu:avx2]: golden hashes of the AVX2 build (this CPU has no AVX2; the native build is the scalar one above)"; fi
	@if [ -n "$(HAVE_AVX512)" ]; then $(B)/golden_avx512 --expect-simd AVX512 reference/golden.txt; \
	else echo "SKIPPED[cpu:avx512f]: golden hashes of the AVX-512 build (this CPU has no AVX-512F)"; fi

test-dispatch: $(B)/rnnts                ## the tool's run-time path choice: every path trains identical checkpoints, RNNTS_ISA errors, older CPUs under qemu-x86_64
	sh tests/dispatch_test.sh $(B)/rnnts


CROSS_BINS = $(B)/rnnts $(B)/golden_scalar $(B)/golden_native $(B)/golden_avx512 $(B)/kernel_dump_scalar \
             $(foreach a,$(CROSS_ARCHS),$(B)/golden_$(a) $(B)/kernel_dump_$(a) $(B)/rnnts_$(a)) \
             $(if $(HAVE_MINGW),$(WIN_EXES))
# test-cross builds its 23 programs (about 200 compiles) on every core, whatever -j `make test` got;
# the checks then run one after the other, but for the 1-thread qemu rows, two at a time
test-cross:                              ## the same bits on x86-64 (scalar/AVX2/AVX-512), aarch64 (scalar/NEON), s390x, riscv64 (qemu) and Windows x64 (wine): golden rows and checkpoint hashes, one table
	$(MAKE) -j$(NPROC) $(CROSS_BINS)
	bash tests/cross_test.sh $(B)

$(B)/grad_dump: tests/grad_dump.c rnnts.h | $(B)
	$(CC) $(STD) $(NATIVE) $(WARN) $< -o $@ $(LIBS)

$(B)/klist_dump: tests/klist_dump.c rnnts.h | $(B)
	$(CC) $(STD) $(NATIVE) $(WARN) $< -o $@ $(LIBS)

# PLANT=skip runs the interpreter with -S (no site packages): torch cannot be imported, a real skip
TORCH_PYTHON = $(PYTHON)$(if $(filter skip,$(PLANT)), -S)
test-torch: $(B)/grad_dump $(B)/klist_dump $(B)/rnnts    ## PyTorch cross-check of loss and gradients, and of the k-list training step (skipped without python3-torch)
	@if $(TORCH_PYTHON) -c 'import torch' 2>/dev/null; then \
	  PYTHON=$(PYTHON) RNNTS=$(B)/rnnts sh reference/run_torch_check.sh $(B); \
	else echo "SKIPPED[pkg:python3-torch]: PyTorch cross-check ($(TORCH_PYTHON) cannot import torch; 'make deps' installs python3-torch)"; fi

test-cli: $(B)/rnnts                     ## command line tool: flags, errors, train/resume/eval/grad/info/bench
	RNNTS=$(B)/rnnts PYTHON=$(PYTHON) bash tests/cli_test.sh $(B)/rnnts

test-replay: $(B)/rnnts $(B)/rnnts_arm_neon   ## rnnts replay: a run proven identical on every path, thread count and AArch64 NEON (qemu); a flipped float named; one writer per run directory (the lock)
	PYTHON=$(PYTHON) QEMU=$(QEMU) bash tests/replay_test.sh $(B)/rnnts $(B)/rnnts_arm_neon

test-sweep: $(B)/rnnts                   ## sweeps: rnnts sweep, the local runner (xargs -P 2), analyze merge against the logs, status, SLURM script with fake variables, description errors
	PYTHON=$(PYTHON) bash tests/sweep_test.sh $(B)/rnnts

test-slurm: $(B)/rnnts                   ## sweeps on a real one-node SLURM cluster (own munged, slurmctld, slurmd in a temp dir; root; ~1-1.5 min): job array = xargs -P 2, time-limit requeue, scancel + resubmit, a failed task (skipped without root or slurm-wlm)
	bash tests/slurm_test.sh $(B)/rnnts

test-interop: $(B)/rnnts                 ## import the reference's published networks; accuracies and tau statistics (skipped without ../shared)
	RNNTS=$(B)/rnnts PYTHON=$(PYTHON) bash tests/interop.sh

check-taunet: $(B)/rnnts                 ## tau_net of the reference's networks next to its pipeline's figures (../shared; 7–13 min; a measurement, not in make test)
	$(PYTHON) tests/taunet_reference.py $(B)/rnnts $(or $(RNNTS_REFNETS),../shared/reference-networks)

# AddressSanitizer + UndefinedBehaviorSanitizer (issue 7): the unit tests and the golden test, any
# report fatal, leaks checked with no suppression. Unit tests: LeakSanitizer is asked at the end of
# every test, inside it (test_common.h's Test), because the exit-time report of Criterion's forked
# test process never reaches the verdict; the exit-time check is off there (it would only report
# Criterion's runner). The golden test: the exit-time check.
SAN := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
SAN_COMMON := UBSAN_OPTIONS=print_stacktrace=1 RNNTS_TEST_EDGE_STEP=7
SAN_UNIT_ENV := ASAN_OPTIONS=detect_leaks=1:leak_check_at_exit=0:abort_on_error=0 $(SAN_COMMON)
SAN_ENV := ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 $(SAN_COMMON)
# PLANT=leak adds tests/plant_leak.c (a test that leaks) to this build: test-asan must then fail
ASAN_UNIT := $(B)/asan_test_unit$(if $(filter leak,$(PLANT)),_planted)
ASAN_UNIT_SRCS := tests/test_*.c $(if $(filter leak,$(PLANT)),tests/plant_leak.c)
$(ASAN_UNIT): $(ASAN_UNIT_SRCS) tests/test_common.h tests/kernel_cases.h rnnts.h | $(B)
	$(CC) -std=c11 -ffp-contract=off $(SAN) $(NATIVE) $(WARN) -I. $(ASAN_UNIT_SRCS) -o $@ -lcriterion -lxxhash $(LIBS)
$(B)/asan_golden: tests/golden.c rnnts.h | $(B)
	$(CC) -std=c11 -ffp-contract=off $(SAN) $(NATIVE) $(WARN) $< -o $@ $(LIBS)
$(B)/plant_leak: tests/plant_leak.c tests/test_common.h rnnts.h | $(B)
	$(CC) -std=c11 -ffp-contract=off $(SAN) $(WARN) -I. $< -o $@ -lcriterion $(LIBS)
test-asan: $(ASAN_UNIT) $(B)/asan_golden $(B)/kernel_dump_scalar   ## unit and golden tests under AddressSanitizer + UBSan (leaks checked in every unit test)
	$(SAN_UNIT_ENV) RNNTS_SCALAR_DUMP=$(B)/kernel_dump_scalar $(ASAN_UNIT) --jobs 2
	$(SAN_ENV) $(B)/asan_golden --expect-simd $(if $(HAVE_AVX2),AVX2,SCALAR) reference/golden.txt

# valgrind memcheck (issue 7): the golden test's --quick subset (a pool of 2 threads that does not
# spin, --no-spin: valgrind runs one thread at a time) on the native
# build (AVX2 where the CPU has it; valgrind lacks AVX-512, so the AVX-512 builds are not run under it), then the scalar
# kernels with a 1-thread pool on fewer configs (the full golden test takes ~30 min under valgrind);
# the binaries of test-golden.
# Any error or leak fails: zero of both.
VALGRIND := valgrind --error-exitcode=99 --leak-check=full --show-leak-kinds=all --errors-for-leak-kinds=all --track-origins=no
VG_SCALAR_ONLY := default_lrelu,mod_tanh,gru_h24,lstm_h33,trainer_sliding_dms,trainer_lstm_sliding_dms
test-valgrind: $(B)/golden_native $(B)/golden_scalar   ## golden test subsets under valgrind memcheck (native --quick, scalar 1 thread): zero errors, zero leaks
	$(VALGRIND) $(B)/golden_native --expect-simd $(if $(HAVE_AVX2),AVX2,SCALAR) --quick --no-spin reference/golden.txt
	$(VALGRIND) $(B)/golden_scalar --expect-simd SCALAR --only $(VG_SCALAR_ONLY) --threads 1 reference/golden.txt

# libFuzzer (issue 7): loader, importer, checkpoint, command-line, resume-metadata, log and sweep targets; `make fuzz` runs each for FUZZ_SECONDS, make test a
# short smoke run plus the committed regression inputs.
FUZZ_SECONDS ?= 300
fuzz: $(B)/rnnts                         ## run the 7 libFuzzer targets (loaders, importer, checkpoints, CLI, logs, sweeps) for FUZZ_SECONDS each (default 300)
	PYTHON=$(PYTHON) sh tests/fuzz/run.sh $(FUZZ_SECONDS) $(B)/fuzz $(B)/rnnts
test-fuzz: $(B)/rnnts                    ## fuzz smoke (10 s per target) and the regression inputs in tests/fuzz/regress/
	PYTHON=$(PYTHON) sh tests/fuzz/run.sh 10 $(B)/fuzz $(B)/rnnts

test-reproduce: $(B)/rnnts               ## make reproduce at its quick scale (seconds): report, findings table, figures, resume
	RNNTS=$(B)/rnnts PYTHON=$(PYTHON) sh tests/reproduce_smoke.sh

SCALE ?= default
reproduce: $(B)/rnnts                    ## the paper's comparisons at reduced scale (about 1 h on 2 cores; SCALE=quick|default|full): $(B)/reproduce/REPORT.md
	$(PYTHON) examples/reproduce.py --rnnts $(B)/rnnts --out $(B)/reproduce --scale $(SCALE)

golden-update: $(B)/golden_scalar        ## regenerate reference/golden.txt (deliberately; commit says why)
	$(B)/golden_scalar --write reference/golden.txt

clean:                                   ## remove build/
	rm -rf $(B)

include mk/install.mk

# ---- Windows x86-64 (issue 16): MinGW-w64 cross builds, run under wine64 --------------------
# One build per vector path, statically linked, Win32 threads (no winpthreads): the tool
# ($(B)/win/rnnts_<path>.exe: the modules of tool/ with tool/platform.c's Windows side; no run-time
# dispatch, each .exe runs its one path) and the golden test ($(B)/win/golden_<path>.exe, the flags
# of the Linux golden builds). `make windows` builds them; test-windows runs them under wine64 and
# compares with the Linux tool (tests/windows_test.sh; skipped without MinGW-w64 or wine64).
MINGW           ?= x86_64-w64-mingw32-gcc
WINGOLD_scalar  := $(SCALAR)
WINGOLD_avx2    := $(AVX2)
WINGOLD_avx512  := $(AVX512)
WIN_OBJS         = $(addprefix $(B)/win/$(1)/,$(notdir $(TOOL_SRCS:.c=.o)) dispatch.o)
define WIN_BUILD
$(B)/win/$(1)/%.o: tool/%.c
	@mkdir -p $$(@D)
	$$(MINGW) $$(STD) $$(PATH_$(1)) $$(WARN) -MMD -MP -c $$< -o $$@
$(B)/win/rnnts_$(1).exe: $$(call WIN_OBJS,$(1))
	$$(MINGW) -static $$^ -o $$@ -lm
$(B)/win/golden_$(1).exe: tests/golden.c rnnts.h
	@mkdir -p $$(@D)
	$$(MINGW) $$(STD) -g $$(WINGOLD_$(1)) $$(WARN) -static $$< -o $$@ -lm
endef
$(foreach p,scalar avx2 avx512,$(eval $(call WIN_BUILD,$(p))))
-include $(wildcard $(B)/win/*/*.d)
.SECONDARY: $(foreach p,scalar avx2 avx512,$(call WIN_OBJS,$(p)))
WIN_EXES := $(foreach p,scalar avx2 avx512,$(B)/win/rnnts_$(p).exe $(B)/win/golden_$(p).exe)
HAVE_MINGW := $(shell command -v $(MINGW) 2>/dev/null)
.PHONY: windows test-windows
windows: $(WIN_EXES)                     ## Windows x86-64 builds with MinGW-w64: build/win/rnnts_{scalar,avx2,avx512}.exe, golden_{scalar,avx2,avx512}.exe
test-windows: $(B)/rnnts $(if $(HAVE_MINGW),$(WIN_EXES))   ## Windows builds under wine64 (make test-cross runs it too): golden hashes, training checkpoints byte-equal to Linux, atomic replace, SIGINT (skipped without MinGW-w64 or wine64)
	MINGW=$(MINGW) sh tests/windows_test.sh $(B)
# test-cross (tests/cross_test.sh) runs tests/windows_test.sh for its Windows rows: the builds first

# ---- benchmarks (issue 4; not part of `make test`) ---------------------------------------
CXX_BENCH  ?= g++
BENCH_OPTS ?= --benchmark_min_time=0.2 --benchmark_repetitions=3 --benchmark_color=false
BENCH_ARGS ?= $(BENCH_OPTS) --benchmark_out=$(B)/bench.json --benchmark_out_format=json
.PHONY: bench
# x86-64: the cases once per vector path, picked at run time like the tool's (bench/dispatch.c;
# RNNTS_ISA forces one); elsewhere one native build.
BENCH_RENAME = -Dbench_case_count=bench_case_count_$* -Dbench_case_get=bench_case_get_$* -Dbench_build_info=bench_build_info_$*
$(B)/bench_cases_%.o: bench/cases.c bench/cases.h rnnts.h | $(B)
	$(CC) $(STD) $(PATH_$*) $(WARN) -DBENCH_DISPATCHED $(BENCH_RENAME) -c bench/cases.c -o $(B)/bench_cases_$*.all.o
	$(OBJCOPY) $(foreach s,bench_case_count_$* bench_case_get_$* bench_build_info_$* $(KEEP_$*),--keep-global-symbol=$(s)) $(B)/bench_cases_$*.all.o $@
	@rm -f $(B)/bench_cases_$*.all.o
ifneq ($(X86_64),)
BENCH_CASE_OBJS := $(B)/bench_cases_scalar.o $(B)/bench_cases_avx2.o $(B)/bench_cases_avx512.o
$(B)/bench_cases.o: bench/dispatch.c $(BENCH_CASE_OBJS) bench/cases.h | $(B)
	$(CC) $(STD) $(WARN) -c bench/dispatch.c -o $(B)/bench_dispatch.o
	ld -r $(B)/bench_dispatch.o $(BENCH_CASE_OBJS) -o $@
else
$(B)/bench_cases.o: bench/cases.c bench/cases.h rnnts.h | $(B)
	$(CC) $(STD) $(NATIVE) $(WARN) -c bench/cases.c -o $@
endif
$(B)/bench: $(B)/bench_cases.o bench/peak.c tool/peak.c tool/peak.h bench/shim.cc bench/cases.h | $(B)
	$(CC) $(STD) $(WARN) -c bench/peak.c -o $(B)/bench_peak.o
	$(CC) $(STD) $(WARN) -c tool/peak.c -o $(B)/bench_tool_peak.o
	$(CXX_BENCH) -std=c++17 -O2 -ffp-contract=off $(WARN) -c bench/shim.cc -o $(B)/bench_shim.o
	$(CXX_BENCH) $(B)/bench_shim.o $(B)/bench_cases.o $(B)/bench_peak.o $(B)/bench_tool_peak.o -o $@ -lbenchmark $(LIBS)
bench: $(B)/bench                        ## build and run the benchmark suite (Google Benchmark; medians of 3; JSON in build/bench.json; RNNTS_ISA=avx2 forces a path)
	$(B)/bench $(BENCH_ARGS)

.PHONY: bench-compare
bench-compare: bench $(B)/rnnts | $(B)   ## bench (dispatched path), bench with AVX2 forced, the PyTorch peer (1 and 2 threads), paper-size peak memory and the side-by-side table (build/bench_compare.json)
	@rm -f $(B)/bench_avx2.json
	if [ -n "$(X86_64)" ] && [ -n "$(HAVE_AVX2)" ]; then RNNTS_ISA=avx2 $(B)/bench $(BENCH_OPTS) --benchmark_out=$(B)/bench_avx2.json --benchmark_out_format=json; fi
	$(PYTHON) bench/torch_baseline.py --threads 1,2 --out $(B)/torch_baseline.json
	$(PYTHON) bench/compare.py --bench $(B)/bench.json --bench-avx2 $(B)/bench_avx2.json --torch $(B)/torch_baseline.json --rnnts $(B)/rnnts --out $(B)/bench_compare.json

.PHONY: compile-times
compile-times:                           ## wall-clock compile times of the library, the tool and the sanitizer builds (Markdown table; a few minutes)
	sh bench/compile_times.sh $(B)/ctime

.PHONY: bench-growth
bench-growth: $(B)/rnnts | $(B)   ## step time vs M, B and H (rnnts bench, 1 thread; under a minute): Markdown tables, build/growth.md and build/growth.json
	$(PYTHON) bench/growth.py --bin $(B)/rnnts --json $(B)/growth.json --md $(B)/growth.md

.PHONY: bench-profile
bench-profile: $(B)/bench | $(B)   ## where a training step spends its time, by perf (PROFILE="paper small lstm-small"; needs linux-perf): share of products, packing, per-element work, gate math
	OUT=$(B)/profile BENCH=$(B)/bench sh bench/profile.sh $(PROFILE)
