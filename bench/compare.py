#!/usr/bin/env python3
"""Side-by-side rnnts vs PyTorch table and the speed targets (`make bench-compare`).

Reads build/bench.json (Google Benchmark JSON written by `make bench`, the vector path picked at
run time: the median aggregate of the repetitions per case; a case run without repetitions uses its
single run), optionally build/bench_avx2.json (the same suite with RNNTS_ISA=avx2, run right after)
and build/torch_baseline.json (bench/torch_baseline.py). Prints, per case: rnnts ms (dispatched
path), rnnts ms with AVX2 forced, PyTorch ms, the ratio PyTorch/rnnts and rnnts's fraction of peak
(the shim's of_peak counter: GFLOP/s over threads x the single-core FMA peak of the widest path the
CPU runs, measured in the same run). Then the peak memory of training at
the paper size, from `rnnts bench --model rnn --hidden 500 --batch 256 --len 30 --heads 9
--threads 1 --reps 2 --json` run here: max RSS against the bytes BPTT must keep (parameters,
gradients, optimiser state, stored states; the tool's bptt_bytes). Then each issue-4 target with
its measured value and met / NOT MET (issue 13: paper step >= 2x PyTorch and >= 70 % of peak,
paper forward >= 80 %, medium >= 10x, small >= 25x, GRU/LSTM large >= 2x and small >= 10x, two
threads >= 1.85x one at the paper size and never slower than one). Each unmet speed-up target says
which GFLOP/s (and fraction of the single-core FMA peak) the recurrent products alone would need.
Writes build/bench_compare.json.

usage: compare.py [--bench build/bench.json] [--bench-avx2 build/bench_avx2.json]
                  [--torch build/torch_baseline.json] [--rnnts build/rnnts] [--out build/bench_compare.json]
exit 0 always when both inputs are readable (an unmet target is a result, not an error; a failed
memory run is reported as n/a and NOT MET).
"""
import json
import os
import subprocess
import sys

MEMORY_CMD = ["bench", "--model", "rnn", "--hidden", "500", "--batch", "256", "--len", "30", "--heads", "9",
              "--threads", "1", "--reps", "2", "--json"]
MEMORY_TARGET = 1.5  # max RSS / bptt_bytes

UNIT_TO_S = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}


def load_rnnts(path):
    with open(path) as f:
        d = json.load(f)
    med, single = {}, {}
    for b in d.get("benchmarks", []):
        if b.get("error_occurred"):
            continue
        run = b.get("run_name", b["name"])
        case = run[: -len("/real_time")] if run.endswith("/real_time") else run
        t = b["real_time"] * UNIT_TO_S[b.get("time_unit", "ns")]
        rec = {"time_s": t, "of_peak": b.get("of_peak"), "gflops": b.get("GFLOP/s"), "label": b.get("label", "")}
        if b.get("run_type") == "aggregate":
            if b.get("aggregate_name") == "median":
                med[case] = rec
        elif b.get("repetitions", 1) <= 1:
            single[case] = rec
    single.update(med)
    order = []
    for b in d.get("benchmarks", []):
        run = b.get("run_name", b["name"])
        case = run[: -len("/real_time")] if run.endswith("/real_time") else run
        if case in single and case not in order:
            order.append(case)
    return d.get("context", {}), single, order


def load_torch(path):
    with open(path) as f:
        d = json.load(f)
    res = d["results"] if isinstance(d, dict) else d
    return d if isinstance(d, dict) else {}, {r["case"]: r for r in res}


def threads_of(case):
    return int(case.rsplit("/t", 1)[1])


def run_memory(binary):
    """Peak memory of a paper-size training run: `rnnts bench` (its max_rss_bytes and bptt_bytes)."""
    cmd = [binary] + MEMORY_CMD
    row = {"case": "memory/default/paper/t1", "command": " ".join(cmd), "max_rss_bytes": None, "bptt_bytes": None,
           "rss_over_bptt": None, "target": MEMORY_TARGET, "error": None}
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
        if p.returncode != 0:
            raise RuntimeError(f"exit {p.returncode}: {p.stderr.strip()[:300]}")
        d = json.loads(p.stdout)
        for k in ("max_rss_bytes", "bptt_bytes", "rss_over_bptt", "bptt_bytes_def", "step_s", "output_xxh3", "build"):
            row[k] = d.get(k)
    except (OSError, ValueError, RuntimeError) as e:
        row["error"] = f"{' '.join(cmd)}: {e}"
    return row


def main():
    args = sys.argv[1:]
    paths = {"--bench": "build/bench.json", "--torch": "build/torch_baseline.json", "--out": "build/bench_compare.json",
             "--rnnts": "build/rnnts", "--bench-avx2": ""}
    i = 0
    while i < len(args):
        if args[i] in paths and i + 1 < len(args):
            paths[args[i]] = args[i + 1]
            i += 2
        else:
            print(__doc__, file=sys.stderr)
            return 2
    ctx, rn, order = load_rnnts(paths["--bench"])
    ctx2, rn2 = {}, {}
    if paths["--bench-avx2"] and os.path.exists(paths["--bench-avx2"]):
        ctx2, rn2, _ = load_rnnts(paths["--bench-avx2"])
    tmeta, pt = load_torch(paths["--torch"])

    rows = []
    for case in order:
        r = rn[case]
        p = pt.get(case)
        r2 = rn2.get(case)
        row = {"case": case, "threads": threads_of(case), "rnnts_s": r["time_s"],
               "rnnts_avx2_s": r2["time_s"] if r2 else None,
               "pytorch_s": p["median_s"] if p else None,
               "ratio": (p["median_s"] / r["time_s"]) if p else None,
               "of_peak": r["of_peak"], "rnnts_gflops": r["gflops"], "label": r["label"]}
        rows.append(row)
    for case, p in pt.items():  # PyTorch cases the rnnts run lacks (e.g. a filtered `make bench`)
        if case not in rn:
            rows.append({"case": case, "threads": p["threads"], "rnnts_s": None, "rnnts_avx2_s": None, "pytorch_s": p["median_s"],
                         "ratio": None, "of_peak": None, "rnnts_gflops": None, "label": ""})

    def f_ms(x):
        return f"{x * 1e3:10.3f}" if x is not None else f"{'-':>10s}"

    peak = ctx.get("peak_gflops_1core", "?")
    print(f"machine: {ctx.get('host_name', '?')}, {ctx.get('num_cpus', '?')} cpus @ {ctx.get('mhz_per_cpu', '?')} MHz; "
          f"{ctx.get('rnnts', '')}, vector path {ctx.get('simd_selection', '?')}; FMA peak 1 core {peak} GFLOP/s "
          f"({ctx.get('peak_isa', '?')}, the widest path)")
    if ctx2:
        print(f"AVX2 column: {ctx2.get('rnnts', '')}, vector path {ctx2.get('simd_selection', '?')}")
    if tmeta:
        ct = tmeta.get("coretype") or {}
        if ct.get("openblas_choice"):
            print(f"OpenBLAS's own core choice on this CPU: {ct['openblas_choice']}; "
                  + (f"PyTorch ran with OPENBLAS_CORETYPE={ct['forced']} (the widest kernels its OpenBLAS has for this CPU)"
                     if ct.get("forced") else "kept"))
        for k, m in sorted(tmeta.get("runs", {}).items()):
            b = m.get("blas", {})
            print(f"PyTorch {b.get('torch_version', '?')} {k}: {b.get('openblas_config', ', '.join(b.get('mapped_libs', [])))}"
                  f" (core {b.get('openblas_corename', '?')}, OpenBLAS threads {b.get('openblas_num_threads', '?')},"
                  f" torch threads {b.get('torch_num_threads', '?')}); env {m.get('env', {})}")
    print()
    hdr = (f"{'case':28s} {'thr':>3s} {'rnnts ms':>10s} {'AVX2 ms':>10s} {'PyTorch ms':>10s} {'PT/rnnts':>9s}"
           f" {'PT/AVX2':>8s} {'% peak':>7s}")
    print(hdr)
    print("-" * len(hdr))
    for row in rows:
        ratio = f"{row['ratio']:8.2f}x" if row["ratio"] is not None else f"{'-':>9s}"
        pk = f"{row['of_peak'] * 100:6.1f}%" if row["of_peak"] is not None else f"{'-':>7s}"
        r2 = (f"{row['pytorch_s'] / row['rnnts_avx2_s']:7.2f}x" if row["pytorch_s"] and row["rnnts_avx2_s"]
              else f"{'-':>8s}")
        print(f"{row['case']:28s} {row['threads']:3d} {f_ms(row['rnnts_s'])} {f_ms(row['rnnts_avx2_s'])}"
              f" {f_ms(row['pytorch_s'])} {ratio} {r2} {pk}")

    mem = run_memory(paths["--rnnts"])
    mib = 1024.0 * 1024.0
    print()
    if mem["error"]:
        print(f"peak memory of training at paper size: n/a ({mem['error']})")
    else:
        print(f"peak memory of training at paper size (rnnts bench H=500 B=256 M=30 K=9, 1 thread, sgd):"
              f" max RSS {mem['max_rss_bytes'] / mib:.1f} MiB, BPTT needs {mem['bptt_bytes'] / mib:.1f} MiB"
              f" (parameters, gradients, optimiser state, h_0..h_M, pre-activations); ratio {mem['rss_over_bptt']:.2f}"
              f" (target <= {MEMORY_TARGET})")

    byc = {r["case"]: r for r in rows}

    def get(case, key):
        r = byc.get(case)
        return r.get(key) if r else None

    targets = []

    def target(name, value, thresh, fmt, extra=None, at_most=False):
        met = value is not None and (value <= thresh if at_most else value >= thresh)
        t = {"target": name, "value": value, "threshold": thresh, "met": met}
        if at_most:
            t["at_most"] = True
        if extra:
            t.update(extra)
        t["_fmt"] = fmt
        targets.append(t)

    def needs(case, factor, H, B, M, G=1):
        """What a speed-up target asks of the hardware: the fraction of the single-core FMA peak that
        6*G*H*H*B*M flops (the recurrent products alone; G = 3 / 4 gates for GRU / LSTM) would need
        in PyTorch's time / factor."""
        ps = get(case, "pytorch_s")
        try:
            pk = float(peak)  # the Google Benchmark context stores it as a string
        except (TypeError, ValueError):
            return {}
        if not ps or pk <= 0:
            return {}
        gf = 6.0 * G * H * H * B * M / (ps / factor) * 1e-9
        return {"needs_gflops": gf, "needs_fraction_of_peak": gf / pk}

    target("paper step, 1 thread: PyTorch/rnnts >= 2.0x", get("step/default/paper/t1", "ratio"), 2.0, "{:.2f}x",
           needs("step/default/paper/t1", 2.0, 500, 256, 30))
    target("paper step, 1 thread: >= 70 % of peak", get("step/default/paper/t1", "of_peak"), 0.70, "pct")
    target("paper forward (1 thread): >= 80 % of peak", get("fwd/default/paper/t1", "of_peak"), 0.80, "pct",
           {"info_t2_of_peak": get("fwd/default/paper/t2", "of_peak")})
    target("medium step, 1 thread: PyTorch/rnnts >= 10x", get("step/default/medium/t1", "ratio"), 10.0, "{:.2f}x",
           needs("step/default/medium/t1", 10.0, 128, 64, 30))
    target("small step, 1 thread: PyTorch/rnnts >= 25x", get("step/default/small/t1", "ratio"), 25.0, "{:.2f}x",
           needs("step/default/small/t1", 25.0, 64, 32, 20))
    t1, t2 = get("step/default/paper/t1", "rnnts_s"), get("step/default/paper/t2", "rnnts_s")
    target("paper step, 2 threads vs 1: speed-up >= 1.85x", (t1 / t2) if t1 and t2 else None, 1.85, "{:.2f}x",
           {"t1_s": t1, "t2_s": t2})
    worst, worst_case = None, None  # two threads never slower than one: the smallest t1/t2 of every pair
    for case in order:
        if case.endswith("/t2"):
            a1, a2 = get(case[:-1] + "1", "rnnts_s"), get(case, "rnnts_s")
            if a1 and a2 and (worst is None or a1 / a2 < worst):
                worst, worst_case = a1 / a2, case[:-3]
    target("every case, 2 threads vs 1: speed-up >= 1.0x (worst pair)", worst, 1.0, "{:.2f}x", {"worst_case": worst_case})
    target("paper training: peak RSS / BPTT bytes <= 1.5", mem["rss_over_bptt"], MEMORY_TARGET, "{:.2f}",
           {"max_rss_bytes": mem["max_rss_bytes"], "bptt_bytes": mem["bptt_bytes"]}, at_most=True)

    targets4 = targets
    targets = []
    # GRU / LSTM training steps (forward + BPTT + clip + Adam), 1 thread
    for model, G in (("gru", 3), ("lstm", 4)):
        up = model.upper()
        c = f"step/{model}/large/t1"
        target(f"{up} step H500 B64 M30 K9, 1 thread: PT/rnnts >= 2.0x", get(c, "ratio"), 2.0, "{:.2f}x",
               dict(needs(c, 2.0, 500, 64, 30, G), of_peak=get(c, "of_peak")))
        c = f"step/{model}/small/t1"
        target(f"{up} step H64 B32 M20 K5, 1 thread: PT/rnnts >= 10x", get(c, "ratio"), 10.0, "{:.2f}x",
               dict(needs(c, 10.0, 64, 32, 20, G), of_peak=get(c, "of_peak")))
    targets6 = targets

    def show(title, ts, width):
        print()
        print(title)
        for t in ts:
            v = t["value"]
            if v is None:
                vs = "n/a"
            elif t["_fmt"] == "pct":
                vs = f"{v * 100:.1f} %"
            else:
                vs = t["_fmt"].format(v)
            why = ""
            if not t["met"] and t.get("needs_fraction_of_peak"):
                why = f"  (would need {t['needs_gflops']:.0f} GFLOP/s = {t['needs_fraction_of_peak'] * 100:.0f} % of the FMA peak)"
            if t.get("worst_case"):
                why += f"  (worst: {t['worst_case']})"
            print(f"  [{'met' if t['met'] else 'NOT MET':7s}] {t['target']:{width}s} measured {vs}{why}")

    show("targets, leaky RNN (default variant):", targets4, 58)
    print("  (cost growth with M, B and H is measured by `make bench-growth`, not by this table)")
    show("targets, GRU / LSTM training step (forward + BPTT + clip + Adam):", targets6, 58)
    for t in targets4 + targets6:
        del t["_fmt"]

    out = {"context": ctx, "context_avx2": ctx2, "peak_gflops_1core": peak,
           "pytorch": {k: v for k, v in tmeta.items() if k != "results"} if tmeta else {},
           "rows": rows, "memory": mem, "targets": targets4,
           "all_met": all(t["met"] for t in targets4),
           "targets_issue6": targets6, "all_met_issue6": all(t["met"] for t in targets6)}
    os.makedirs(os.path.dirname(paths["--out"]) or ".", exist_ok=True)
    with open(paths["--out"], "w") as f:
        json.dump(out, f, indent=1)
    print(f"\nwrote {paths['--out']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
