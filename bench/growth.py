#!/usr/bin/env python3
"""Cost growth of a training step with M, B and H (`make bench-growth`).

Runs `rnnts bench --json` (one process per size, 1 thread by default) over three sweeps, each
varying one size with the others fixed (K = 1 head):
    M (sequence length)  10, 20, 40, 80       at H = 256, B = 64   ideal: step time grows as M
    B (batch)            16, 32, 64, 128, 256 at H = 256, M = 30   ideal: grows as B
    H (hidden units)     64, 128, 256, 512    at B = 64,  M = 30   ideal: grows as H^2
and prints one Markdown table per sweep: the median step time, the step time per unit of the swept
size (per M, per B, per H^2), the growth ratio against the previous row, the ideal ratio, their
quotient (1.00 = exactly the ideal growth; above 1 = a larger size costs more per unit), GFLOP/s
(6 H^2 B M per step) and the fraction of the single-core FMA peak. Writes the same as JSON (every
run's full `rnnts bench` object) and as Markdown.

usage: growth.py [--bin build/rnnts] [--reps R] [--threads P] [--peak-seconds X]
                 [--json build/growth.json] [--md build/growth.md] [--quick]
--quick: 2 reps and small sizes, to check the script (a few seconds).
Exit 0 when every run succeeded, 1 when one failed, 2 on bad arguments. Standard library only.
"""
import json
import os
import subprocess
import sys
import time

SWEEPS = [
    {"name": "M", "label": "sequence length M", "fixed": {"hidden": 256, "batch": 64, "heads": 1},
     "key": "len", "values": [10, 20, 40, 80], "unit": "M", "power": 1},
    {"name": "B", "label": "batch B", "fixed": {"hidden": 256, "len": 30, "heads": 1},
     "key": "batch", "values": [16, 32, 64, 128, 256], "unit": "B", "power": 1},
    {"name": "H", "label": "hidden units H", "fixed": {"batch": 64, "len": 30, "heads": 1},
     "key": "hidden", "values": [64, 128, 256, 512], "unit": "H²", "power": 2},
]
QUICK = [
    {"name": "M", "label": "sequence length M", "fixed": {"hidden": 32, "batch": 16, "heads": 1},
     "key": "len", "values": [5, 10, 20], "unit": "M", "power": 1},
    {"name": "B", "label": "batch B", "fixed": {"hidden": 32, "len": 10, "heads": 1},
     "key": "batch", "values": [16, 32], "unit": "B", "power": 1},
    {"name": "H", "label": "hidden units H", "fixed": {"batch": 16, "len": 10, "heads": 1},
     "key": "hidden", "values": [16, 32], "unit": "H²", "power": 2},
]


def parse_args(argv):
    opts = {"--bin": "build/rnnts", "--reps": "40", "--threads": "1", "--peak-seconds": "0.3",
            "--json": "build/growth.json", "--md": "build/growth.md"}
    quick = False
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "--quick":
            quick = True
            i += 1
        elif a in ("-h", "--help"):
            print(__doc__)
            sys.exit(0)
        elif a in opts and i + 1 < len(argv):
            opts[a] = argv[i + 1]
            i += 2
        else:
            print(f"growth.py: bad argument {a!r}\n{__doc__}", file=sys.stderr)
            sys.exit(2)
    try:
        reps, threads, peak_s = int(opts["--reps"]), int(opts["--threads"]), float(opts["--peak-seconds"])
        if reps < 1 or threads < 1 or peak_s < 0:
            raise ValueError
    except ValueError:
        print("growth.py: --reps and --threads must be integers >= 1, --peak-seconds a number >= 0", file=sys.stderr)
        sys.exit(2)
    if quick and "--reps" not in argv:
        reps = 2
    return opts, reps, threads, peak_s, quick


def run_bench(binary, sizes, reps, threads, peak_s):
    cmd = [binary, "bench", "--model", "rnn", "--hidden", str(sizes["hidden"]), "--batch", str(sizes["batch"]),
           "--len", str(sizes["len"]), "--heads", str(sizes["heads"]), "--threads", str(threads),
           "--reps", str(reps), "--peak-seconds", str(peak_s), "--json"]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)}: exit {p.returncode}: {p.stderr.strip()}")
    return json.loads(p.stdout)


def fmt(x, spec):
    return "–" if x is None else format(x, spec)


def main():
    opts, reps, threads, peak_s, quick = parse_args(sys.argv[1:])
    binary = opts["--bin"]
    if not os.access(binary, os.X_OK):
        print(f"growth.py: {binary} is not an executable (make tool)", file=sys.stderr)
        return 1
    sweeps = QUICK if quick else SWEEPS
    t_start = time.monotonic()
    load_start = os.getloadavg()
    out = {"bin": binary, "reps": reps, "threads": threads, "quick": quick, "loadavg_start": load_start, "sweeps": []}
    md = []
    failed = False
    build = None
    for sw in sweeps:
        rows = []
        prev = None
        for v in sw["values"]:
            sizes = dict(sw["fixed"])
            sizes[sw["key"]] = v
            print(f"  {sw['name']} = {v} ...", file=sys.stderr, flush=True)
            try:
                d = run_bench(binary, sizes, reps, threads, peak_s)
            except (RuntimeError, ValueError) as e:
                print(f"growth.py: {e}", file=sys.stderr)
                failed = True
                rows.append({"value": v, "sizes": sizes, "error": str(e)})
                prev = None
                continue
            build = d.get("build", build)
            units = float(v) ** sw["power"]
            row = {"value": v, "sizes": sizes, "step_s": d["step_s"], "per_unit_s": d["step_s"] / units,
                   "growth": None, "ideal": None, "growth_over_ideal": None,
                   "gflops": d["gflops"], "fraction_of_peak": d.get("fraction_of_peak"), "bench": d}
            if prev is not None:
                row["growth"] = d["step_s"] / prev["step_s"]
                row["ideal"] = (float(v) / prev["value"]) ** sw["power"]
                row["growth_over_ideal"] = row["growth"] / row["ideal"]
            rows.append(row)
            prev = row
        ok_rows = [r for r in rows if "error" not in r]
        overall = None
        if len(ok_rows) >= 2:
            a, b = ok_rows[0], ok_rows[-1]
            g, ideal = b["step_s"] / a["step_s"], (float(b["value"]) / a["value"]) ** sw["power"]
            overall = {"from": a["value"], "to": b["value"], "growth": g, "ideal": ideal, "growth_over_ideal": g / ideal}
        out["sweeps"].append({"name": sw["name"], "label": sw["label"], "fixed": sw["fixed"], "unit": sw["unit"],
                              "rows": rows, "overall": overall})

        fixed = ", ".join(f"{ {'hidden': 'H', 'batch': 'B', 'len': 'M', 'heads': 'K'}[k] } = {x}" for k, x in sw["fixed"].items())
        md.append(f"### Step time vs {sw['label']} ({fixed}; {threads} thread{'s' if threads > 1 else ''}, median of {reps})")
        md.append("")
        u = sw["unit"]
        per_scale, per_name = (1e6, "µs") if sw["power"] == 1 else (1e9, "ns")
        md.append(f"| {sw['name']} | step (ms) | step / {u} ({per_name}) | growth vs previous | ideal ({u}) | growth / ideal | GFLOP/s | of peak |")
        md.append("|---:|---:|---:|---:|---:|---:|---:|---:|")
        for r in rows:
            if "error" in r:
                md.append(f"| {r['value']} | failed | | | | | | |")
                continue
            pk = r["fraction_of_peak"]
            md.append(f"| {r['value']} | {r['step_s'] * 1e3:.3f} | {r['per_unit_s'] * per_scale:.3f} | "
                      f"{fmt(r['growth'], '.2f')}{'×' if r['growth'] is not None else ''} | "
                      f"{fmt(r['ideal'], '.2f')}{'×' if r['ideal'] is not None else ''} | {fmt(r['growth_over_ideal'], '.2f')} | "
                      f"{r['gflops']:.1f} | {'–' if pk is None else f'{pk * 100:.1f} %'} |")
        if overall:
            md.append("")
            md.append(f"{sw['name']} {overall['from']} → {overall['to']}: step time ×{overall['growth']:.2f} against an ideal "
                      f"×{overall['ideal']:.2f} ({u}), growth / ideal = {overall['growth_over_ideal']:.2f}.")
        md.append("")

    elapsed = time.monotonic() - t_start
    out["elapsed_s"] = elapsed
    out["loadavg_end"] = os.getloadavg()
    out["build"] = build
    head = [f"## rnnts training-step cost growth (`make bench-growth`)", "",
            f"{build or 'rnnts'}; `rnnts bench --json`, {reps} timed steps after 1 warm-up per size, "
            f"{threads} thread{'s' if threads > 1 else ''}; a step = forward + BPTT + clip + SGD + zero_diag; "
            f"GFLOP/s count 6·H²·B·M per step. Ideal growth: linear in M and B, quadratic in H (the H×H products); "
            f"growth / ideal > 1 means a larger size costs more per unit. Run took {elapsed:.0f} s "
            f"(load average {load_start[0]:.2f} at the start, {out['loadavg_end'][0]:.2f} at the end).", ""]
    text = "\n".join(head + md)
    print(text)
    for path, data in ((opts["--json"], None), (opts["--md"], text + "\n")):
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        with open(path, "w") as f:
            if data is None:
                json.dump(out, f, indent=1)
            else:
                f.write(data)
    print(f"wrote {opts['--json']} and {opts['--md']} ({elapsed:.1f} s)", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
