// bench/shim.cc — registers the C cases of bench/cases.c with Google Benchmark (docs/DESIGN.md §9).
//
// Per case: wall time per iteration (UseRealTime, so that 2-thread cases are timed honestly),
// counters GFLOP/s (flops per iteration, kIsIterationInvariantRate) and of_peak = GFLOP/s divided
// by (threads x single-core FMA peak measured once at startup by bench/peak.c), and the label
// "xxh3=<16 hex>" — the XXH3-64 of the case's output from its fixed start (cases.h). A case whose
// last iteration does not reproduce its first output (fwd/bwd/stream) gets " NONDETERMINISTIC".
//
// The console shows medians only when --benchmark_repetitions > 1 (every run and aggregate goes
// to --benchmark_out). Rate counters print with a "/s" suffix: "75.5/s" under GFLOP/s is
// 75.5 GFLOP/s, "0.68/s" under of_peak is 68 %. Extra flag: --peak_seconds=S (default 0.5).
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <unistd.h>

#include "cases.h"

namespace {

double g_peak = 0.0;  // GFLOP/s, one core
int g_cur = -1;       // index of the case whose state is live
void *g_state = nullptr;

void drop_state() {
    if (g_state) bench_case_get(g_cur)->teardown(g_state);
    g_state = nullptr;
    g_cur = -1;
}

// Google Benchmark calls a case's function several times (iteration-count probing, repetitions);
// the state is made once per case and kept until another case runs (cases run in order).
void run_case(benchmark::State &st, int idx) {
    const bench_case *c = bench_case_get(idx);
    if (g_cur != idx) {
        drop_state();
        g_state = c->setup(&c->p);
        if (!g_state) {
            st.SkipWithError("setup failed");
            return;
        }
        g_cur = idx;
    }
    for (auto _ : st) {
        if (c->run(g_state) != 0) {
            st.SkipWithError("run failed");
            break;
        }
    }
    char label[64];
    std::snprintf(label, sizeof label, "xxh3=%016llx%s", (unsigned long long)c->hash(g_state),
                  c->check_ok(g_state) ? "" : " NONDETERMINISTIC");
    st.SetLabel(label);
    const double gf = c->flops * 1e-9;
    st.counters["GFLOP/s"] = benchmark::Counter(gf, benchmark::Counter::kIsIterationInvariantRate);
    if (g_peak > 0)
        st.counters["of_peak"] =
            benchmark::Counter(gf / (g_peak * c->p.threads), benchmark::Counter::kIsIterationInvariantRate);
}

// Console reporter that shows only the median of repeated runs (single runs, and failed ones,
// as they are). Colour only on a terminal (a custom display reporter does not see
// --benchmark_color).
class MedianReporter : public benchmark::ConsoleReporter {
  public:
    MedianReporter() : ConsoleReporter(isatty(1) ? OO_ColorTabular : OO_Tabular) {}
    void ReportRuns(const std::vector<Run> &reports) override {
        std::vector<Run> keep;
        for (const Run &r : reports) {
            const bool median = r.run_type == Run::RT_Aggregate && r.aggregate_name == "median";
            const bool single = r.run_type == Run::RT_Iteration && r.repetitions <= 1;
            if (median || single || r.error_occurred) keep.push_back(r);
        }
        if (!keep.empty()) ConsoleReporter::ReportRuns(keep);
    }
};

}  // namespace

int main(int argc, char **argv) {
    double peak_s = 0.5;
    // own flag, removed before benchmark::Initialize sees the arguments
    int w = 1;
    for (int i = 1; i < argc; i++) {
        if (std::strncmp(argv[i], "--peak_seconds=", 15) == 0)
            peak_s = std::atof(argv[i] + 15);
        else
            argv[w++] = argv[i];
    }
    argc = w;
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;

    const char *isa = "?";
    g_peak = bench_peak_gflops(peak_s, &isa);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.2f", g_peak);
    benchmark::AddCustomContext("peak_gflops_1core", buf);
    benchmark::AddCustomContext("peak_isa", isa);
    benchmark::AddCustomContext("rnnts", bench_build_info());
    benchmark::AddCustomContext("simd_selection", bench_simd_selection());
    std::fprintf(stderr, "FMA peak (1 core, %s, the widest path this CPU runs): %.2f GFLOP/s\nrnnts: %s, vector path %s\n", isa,
                 g_peak, bench_build_info(), bench_simd_selection());

    for (int i = 0; i < bench_case_count(); i++) {
        const bench_case *c = bench_case_get(i);
        benchmark::RegisterBenchmark(c->name, run_case, i)->UseRealTime()->Unit(benchmark::kMillisecond);
    }
    MedianReporter rep;
    benchmark::RunSpecifiedBenchmarks(&rep);
    drop_state();
    benchmark::Shutdown();
    return 0;
}
