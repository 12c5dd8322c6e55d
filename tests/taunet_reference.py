#!/usr/bin/env python3
"""tau_net of the reference's published networks next to the reference pipeline's own figures.

usage: taunet_reference.py RNNTS REFERENCE_NETWORKS_DIR [--seeds 0-4] [--threads 2]

For every network that REFERENCE_NETWORKS_DIR/TAUNET.md has rows for (the reference's own
PyTorch + SciPy pipeline, one row per run), rnnts imports the network and runs
`rnnts analyze taunet --fit reference` twice over:
  own draws        seeds 0..4 of rnnts's input draws; mean (and range) over seeds of the count of
                   neurons with tau_net > 1, their median, and the share where AIC chose the double
                   exponential; checked against TAUNET.md's rows for that network widened by 5 %
                   (count, median) and by 5 points (share);
  reference draws  (when PyTorch is importable) the very input bits the reference draws for the
                   seed of each TAUNET.md row (torch.manual_seed(seed); per trial
                   torch.rand(T) < torch.rand(1)), fed with --inputs: the same network, the same
                   inputs, so the remaining difference is the implementations' rounding.
Prints one table; exit 0 when every own-draws check holds, 1 otherwise (the reference-draws
rows are reported, not judged: they share one realisation with the row they stand beside).
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile


def parse_taunet_md(path):
    rows = {}
    for line in open(path, encoding="utf-8"):
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 8 or not re.fullmatch(r"\d+", cells[1] or ""):
            continue
        name, seed, machine = cells[0], int(cells[1]), cells[2]
        share = None if cells[7] in ("—", "-", "") else float(cells[7])
        rows.setdefault(name, []).append(dict(seed=seed, machine=machine, n=int(cells[3]), median=float(cells[4]), share=share))
    if not rows:
        raise SystemExit(f"{path}: no table rows understood (expected | network | seed | machine | n | median | mean | SD | share |)")
    return rows


def network_file(dirname, name):
    """'sliding_10_5 N2_N11' -> sliding_10_5_parity_network_1__rnn_N2_N11.pt"""
    cur, ns = name.split()
    p = os.path.join(dirname, f"{cur}_parity_network_1__rnn_{ns}.pt")
    return p if os.path.exists(p) else None


def taunet(rnnts, model, extra, threads):
    out = subprocess.run([rnnts, "analyze", "taunet", model, "--json", "--threads", str(threads)] + extra,
                         capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"rnnts analyze taunet {model} {' '.join(extra)}: {out.stderr.strip()}")
    d = json.loads(out.stdout)
    return dict(n=d["n_above_1"], median=d["median_above_1"], share=d["share_double"], seconds=d["seconds"])


def torch_inputs(seed, steps, trials, path):
    import numpy as np
    import torch
    torch.manual_seed(seed)
    bits = torch.stack([(torch.rand(steps) < torch.rand(1)) for _ in range(trials)], 1)
    np.save(path, bits.numpy().astype(np.uint8))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("rnnts")
    ap.add_argument("refdir")
    ap.add_argument("--seeds", default="0-4")
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    lo, hi = (int(x) for x in a.seeds.split("-"))
    rows = parse_taunet_md(os.path.join(a.refdir, "TAUNET.md"))
    try:
        import torch  # noqa: F401
        have_torch = True
    except ImportError:
        have_torch = False
    ok_all = True
    tmp = tempfile.mkdtemp(prefix="rnnts_taunet_ref.")
    print("| network | source | n > 1 | median | share double | check |")
    print("|---|---|---:|---:|---:|---|")
    for name, refs in rows.items():
        pt = network_file(a.refdir, name)
        if not pt:
            print(f"| {name} | (network file not in {a.refdir}) | | | | skipped |")
            continue
        st = os.path.join(tmp, os.path.basename(pt).replace(".pt", ".safetensors"))
        subprocess.run([a.rnnts, "import", pt, st], check=True, capture_output=True)
        for r in refs:
            sh = "—" if r["share"] is None else f"{r['share']:.2f}"
            print(f"| {name} | reference pipeline, seed {r['seed']}, {r['machine']} | {r['n']} | {r['median']:.3f} | {sh} | |")
        own = [taunet(a.rnnts, st, ["--seed", str(s)], a.threads) for s in range(lo, hi + 1)]
        mn = sum(x["n"] for x in own) / len(own)
        mm = sum(x["median"] for x in own) / len(own)
        ms = sum(x["share"] for x in own) / len(own)
        n_lo, n_hi = min(r["n"] for r in refs) * 0.95, max(r["n"] for r in refs) * 1.05
        m_lo, m_hi = min(r["median"] for r in refs) * 0.95, max(r["median"] for r in refs) * 1.05
        shares = [r["share"] for r in refs if r["share"] is not None]
        checks = [("n", n_lo <= mn <= n_hi), ("median", m_lo <= mm <= m_hi)]
        if shares:
            checks.append(("share", min(shares) - 0.05 <= ms <= max(shares) + 0.05))
        ok = all(c for _, c in checks)
        ok_all = ok_all and ok
        verdict = "ok" if ok else "OUT: " + ", ".join(k for k, c in checks if not c)
        print(f"| {name} | rnnts, own draws, mean of seeds {lo}-{hi} | {mn:.1f} ({min(x['n'] for x in own)}–{max(x['n'] for x in own)}) "
              f"| {mm:.3f} ({min(x['median'] for x in own):.3f}–{max(x['median'] for x in own):.3f}) "
              f"| {ms:.3f} ({min(x['share'] for x in own):.3f}–{max(x['share'] for x in own):.3f}) "
              f"| {verdict} (bounds: n {n_lo:.0f}–{n_hi:.0f}, median {m_lo:.3f}–{m_hi:.3f}"
              + (f", share {min(shares) - 0.05:.2f}–{max(shares) + 0.05:.2f}" if shares else "") + ") |")
        if have_torch:
            for seed in sorted({r["seed"] for r in refs}):
                f = os.path.join(tmp, f"torch_inputs_{seed}.npy")
                if not os.path.exists(f):
                    torch_inputs(seed, 101000, 10, f)
                x = taunet(a.rnnts, st, ["--inputs", f], a.threads)
                print(f"| {name} | rnnts on the reference's own draws of seed {seed} | {x['n']} | {x['median']:.3f} | {x['share']:.3f} | reported |")
        else:
            print(f"| {name} | rnnts on the reference's draws | | | | skipped: python3-torch missing |")
        sys.stdout.flush()
    if not have_torch:
        print("\nSKIPPED[pkg:python3-torch]: tau_net of rnnts on the reference's own input draws (python3-torch missing)")
    sys.exit(0 if ok_all else 1)


if __name__ == "__main__":
    main()
