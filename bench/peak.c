/* bench/peak.c — bench_peak_gflops() of cases.h for the Google Benchmark suite: a thin wrapper of
   the probe of tool/peak.c (declared in tool/peak.h), the object `rnnts bench` links too. */
#define _POSIX_C_SOURCE 199309L
#include "cases.h"
#include "../tool/peak.h"

double bench_peak_gflops(double seconds, const char **isa_out) { return rnnts_bench_peak_gflops(seconds, isa_out); }
