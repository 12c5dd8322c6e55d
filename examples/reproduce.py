#!/usr/bin/env python3
"""`make reproduce`: the paper's comparisons at a reduced scale, driven through the `rnnts` tool.

Trains single-head, multi-head, no-curriculum and fixed-tau networks on N-parity (and single/multi on
N-DMS), runs the analyses on them (trained tau and tau_net vs N, forgetting, ablation, perturbation,
retraining, generalisation, dimensionality) and writes OUT/REPORT.md with a table that puts every
finding next to the paper's, with the scale each was measured at (also OUT/findings.json), plus the
SVG figures the tool draws.

The paper column of ablation and perturbation gives the reference's own published tables (H = 500),
parsed at run time from --paper-results (default: ../shared/reference-results/README.md from the
repository root, when present; an unreadable file stops the run before any training). Their numbers
are not copied into this repository. Ablation is compared like for like at N = 5 and at the largest
N both curricula solved (against the reference's N = 30 and 35 rows).

Every number in the report comes from this run: the training is seeded and bitwise reproducible, so
the same scale gives the same report on any machine (only the timings differ). Runs are independent
jobs (`--jobs` at a time, one thread each); a finished job (OUT/<job>/.done) is not run again, so an
interrupted reproduction continues where it stopped.

Python standard library only.
"""
import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

# ---- scales -------------------------------------------------------------------------------------
# default: about one hour on 2 cores (see REPORT.md and README for why these sizes).
SCALES = {
    "quick": dict(hidden=32, batch=64, steps=100, test_batches=4, epochs_main=40, epochs_dms=8, epochs_none=6,
                  none_ns=[3, 6], epochs_fixed=8, epochs_cont=4, k_cont=2, taunet_steps=3000, taunet_trials=2,
                  retrain_epochs=2, retrain_offsets=[0, 1], forget_batches=1, pca_steps=1500, pca_trials=2,
                  stream_trials=2, gen_batches=1, time_limit=120, hidden_gated=16, epochs_gated=3, test_gated=2,
                  steps_gated=30),
    "default": dict(hidden=128, batch=128, steps=200, test_batches=10, epochs_main=300, epochs_dms=200, epochs_none=60,
                    none_ns=[4, 8, 12, 16], epochs_fixed=150, epochs_cont=40, k_cont=4, taunet_steps=20000,
                    taunet_trials=5, retrain_epochs=20, retrain_offsets=[0, 4, 8], forget_batches=4, pca_steps=10000,
                    pca_trials=5, stream_trials=10, gen_batches=4, time_limit=3600, hidden_gated=128, epochs_gated=40,
                    test_gated=10, steps_gated=300),
    "full": dict(hidden=500, batch=256, steps=600, test_batches=50, epochs_main=1000, epochs_dms=1000, epochs_none=1000,
                 none_ns=[5, 10, 15, 20], epochs_fixed=1000, epochs_cont=1000, k_cont=10, taunet_steps=101000,
                 taunet_trials=10, retrain_epochs=20, retrain_offsets=[0, 5, 10, 15, 20, 25, 30], forget_batches=10,
                 pca_steps=101000, pca_trials=10, stream_trials=10, gen_batches=10, time_limit=0, hidden_gated=500,
                 epochs_gated=100, test_gated=50, steps_gated=300),
}


# ---- the reference's published results (paper column) -----------------------------------------
# Read at run time from a markdown file outside this repository (the figures belong to the
# reference's repository and are not copied here): an ablation table and the perturbation tables.
class RefResultsError(RuntimeError):
    pass


REF_FORMAT = ("expected markdown tables: an ablation table with the columns curriculum, N, baseline, "
              "'<k> fastest', '<k> slowest' (optionally networks and 'mean τ fastest / slowest'), and perturbation "
              "tables whose first header cell is ε, with rows single-head and multi-head, each after a text line "
              "starting 'W +=' or 'τ +=' under a heading naming 'N = <n>'")


def _num(s):
    return float(s.replace("−", "-").replace("\u2212", "-").strip())


def _curriculum_key(s):
    s = s.strip().lower()
    for k in ("multi", "single", "sliding", "none"):
        if s.startswith(k):
            return k
    return s


def parse_reference_results(path):
    """{'ablation': {(curriculum, N): {...}}, 'count': k, 'perturb': {'w'|'tau': {...}}} from the markdown file."""
    import re

    def bad(why):
        raise RefResultsError(f"cannot read the reference results {path}: {why}; {REF_FORMAT}")

    try:
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
    except (OSError, UnicodeDecodeError) as e:
        bad(str(e))
    tables, heading, text, i = [], "", "", 0
    while i < len(lines):
        ln = lines[i].strip()
        if ln.startswith("|"):
            block = []
            while i < len(lines) and lines[i].strip().startswith("|"):
                block.append([c.strip() for c in lines[i].strip().strip("|").split("|")])
                i += 1
            if len(block) >= 2 and all(re.fullmatch(r":?-+:?", c) for c in block[1]):
                tables.append((heading, text, block[0], block[2:]))
            continue
        if ln.startswith("#"):
            heading, text = ln, ""
        elif ln:
            text = ln
        i += 1
    out = {"ablation": {}, "perturb": {}, "count": None}
    num = r"-?\d+(?:\.\d+)?"
    for heading, text, hdr, body in tables:
        h = [c.lower() for c in hdr]
        if "curriculum" in h and any(re.fullmatch(r"\d+ fastest", c) for c in h):
            def col(pred, name, required=True):
                idx = [j for j, c in enumerate(h) if pred(c)]
                if not idx and required:
                    bad(f"the ablation table has no column {name!r} (header: {' | '.join(hdr)})")
                return idx[0] if idx else None
            c_cur = col(lambda c: c == "curriculum", "curriculum")
            c_n = col(lambda c: c == "n", "N")
            c_net = col(lambda c: c == "networks", "networks", False)
            c_base = col(lambda c: c == "baseline", "baseline")
            c_fast = col(lambda c: re.fullmatch(r"\d+ fastest", c), "<k> fastest")
            c_slow = col(lambda c: re.fullmatch(r"\d+ slowest", c), "<k> slowest")
            c_tau = col(lambda c: "τ" in c and "fastest" in c and "slowest" in c, "mean τ fastest / slowest", False)
            out["count"] = int(h[c_fast].split()[0])
            for r in body:
                if len(r) != len(hdr):
                    bad(f"ablation row {' | '.join(r)!r} has {len(r)} cells, the header {len(hdr)}")
                try:
                    e = {"networks": int(r[c_net]) if c_net is not None else None, "baseline": _num(r[c_base])}
                    for key, c in (("fastest", c_fast), ("slowest", c_slow)):
                        m = re.fullmatch(rf"\s*({num})\s*(?:\(\s*({num})\s*[–-]\s*({num})\s*\))?\s*", r[c].replace("−", "-"))
                        if not m:
                            raise ValueError(r[c])
                        e[key] = float(m.group(1))
                        e[key + "_range"] = (float(m.group(2)), float(m.group(3))) if m.group(2) else None
                    if c_tau is not None:
                        t = r[c_tau].split("/")
                        e["tau_fastest"], e["tau_slowest"] = _num(t[0]), _num(t[1])
                    out["ablation"][(_curriculum_key(r[c_cur]), int(r[c_n]))] = e
                except (ValueError, IndexError) as ex:
                    bad(f"ablation row {' | '.join(r)!r}: cannot read the number {ex}")
        elif h and h[0] in ("ε", "eps", "epsilon"):
            m = re.match(r"\s*(W|τ|tau)\s*\+=", text)
            if not m:
                bad(f"the perturbation table under {heading!r} follows {text!r}, not a line starting 'W +=' or 'τ +='")
            kind = "w" if m.group(1) == "W" else "tau"
            mn = re.search(r"N\s*=\s*(\d+)", heading)
            if not mn:
                bad(f"the heading {heading!r} above a perturbation table names no N")
            mnet = re.search(r"(\d+)\s+networks", text)
            try:
                eps = [_num(c) for c in hdr[1:]]
            except ValueError:
                bad(f"the perturbation header {' | '.join(hdr)!r} is not a list of ε values")
            p = {"N": int(mn.group(1)), "eps": eps, "networks": int(mnet.group(1)) if mnet else None}
            for r in body:
                if len(r) != len(hdr):
                    bad(f"perturbation row {' | '.join(r)!r} has {len(r)} cells, the header {len(hdr)}")
                vals = []
                for c in r[1:]:
                    mv = re.fullmatch(rf"\s*({num})\s*(?:\[\s*({num})\s*\])?\s*", c.replace("−", "-"))
                    if not mv:
                        bad(f"perturbation cell {c!r} is not 'accuracy [relative]'")
                    vals.append((float(mv.group(1)), float(mv.group(2)) if mv.group(2) else 1.0))
                p[_curriculum_key(r[0])] = vals
            for k in ("single", "multi"):
                if k not in p:
                    bad(f"the {'W' if kind == 'w' else 'τ'} perturbation table has no {k}-head row")
            out["perturb"][kind] = p
    if not out["ablation"]:
        bad("no ablation table found")
    for k in ("w", "tau"):
        if k not in out["perturb"]:
            bad(f"no {'W' if k == 'w' else 'τ'} perturbation table found")
    return out


def ref_perturb_at(p, cur, eps):
    """(eps, accuracy, relative) of the reference's perturbation table at the tabulated ε nearest eps."""
    j = min(range(len(p["eps"])), key=lambda i: abs(math.log((p["eps"][i] or 1e-12) / eps)))
    acc, rel = p[cur][j]
    return p["eps"][j], acc, rel


class Runner:
    def __init__(self, rnnts, out, jobs, log):
        self.rnnts, self.out, self.jobs, self.log = rnnts, out, jobs, log
        self.times = {}
        self.ran, self.skipped = [], []

    def run(self, name, args, stdout_json=None):
        """Runs `rnnts args` once (skipped when OUT/name/.done exists); stdout to stdout_json."""
        d = os.path.join(self.out, name)
        done = os.path.join(d, ".done")
        if os.path.exists(done):
            with open(done) as f:
                self.times[name] = float(f.read().strip() or 0)
            self.log(f"[skip] {name} (done before)")
            self.skipped.append(name)
            return
        os.makedirs(d, exist_ok=True)
        t0 = time.time()
        self.log(f"[start] {name}: rnnts {' '.join(args)}")
        with open(os.path.join(d, "stderr.txt"), "w") as err:
            out = open(os.path.join(d, stdout_json), "w") if stdout_json else subprocess.DEVNULL
            try:
                rc = subprocess.call([self.rnnts] + args, stdout=out, stderr=err)
            finally:
                if stdout_json:
                    out.close()
        dt = time.time() - t0
        self.ran.append(name)
        if rc != 0:
            with open(os.path.join(d, "stderr.txt")) as f:
                tail = f.read()[-2000:]
            raise RuntimeError(f"{name} failed (exit {rc}):\n{tail}")
        with open(done, "w") as f:
            f.write(f"{dt:.1f}\n")
        self.times[name] = dt
        self.log(f"[done] {name} in {dt:.0f} s")

    def parallel(self, tasks):
        """tasks: list of (name, args, stdout_json); runs `jobs` at a time, longest first as given."""
        with ThreadPoolExecutor(max_workers=self.jobs) as ex:
            futs = [ex.submit(self.run, *t) for t in tasks]
            for f in futs:
                f.result()


def load_json(path):
    with open(path) as f:
        return json.load(f)


def read_log(run_dir):
    """Per-epoch records of a run's log.jsonl."""
    recs = []
    with open(os.path.join(run_dir, "log.jsonl")) as f:
        for line in f:
            line = line.strip()
            if line:
                recs.append(json.loads(line))
    return recs


def solved_epochs(recs):
    """{N: first epoch at which the run solved N} (the largest N of a solved epoch)."""
    out = {}
    for r in recs:
        if r.get("solved"):
            n = max(r["ns"])
            out.setdefault(n, r["epoch"])
    return out


def max_n(recs):
    e = solved_epochs(recs)
    return max(e) if e else 0


def fmt(x, nd=2):
    if x is None or (isinstance(x, float) and (math.isnan(x) or math.isinf(x))):
        return "–"
    if isinstance(x, int):
        return str(x)
    return f"{x:.{nd}f}"


def mean(v):
    v = [x for x in v if x is not None]
    return sum(v) / len(v) if v else None


def slope(xs, ys):
    """Least-squares slope of ys on xs (None with fewer than 3 points)."""
    pts = [(x, y) for x, y in zip(xs, ys) if y is not None]
    if len(pts) < 3:
        return None
    mx = sum(p[0] for p in pts) / len(pts)
    my = sum(p[1] for p in pts) / len(pts)
    sxx = sum((p[0] - mx) ** 2 for p in pts)
    return sum((p[0] - mx) * (p[1] - my) for p in pts) / sxx if sxx else None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rnnts", default="build/rnnts")
    ap.add_argument("--out", default="build/reproduce")
    ap.add_argument("--scale", choices=sorted(SCALES), default="default")
    ap.add_argument("--jobs", type=int, default=2, help="runs at a time (one thread each)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--clean", action="store_true", help="remove OUT first (otherwise finished jobs are kept)")
    ap.add_argument("--paper-results", default=None, metavar="PATH",
                    help="the reference's published results (markdown tables), the paper column of ablation and "
                         "perturbation; default: ../shared/reference-results/README.md from the repository root, "
                         "used when present; 'none': the paper's text only")
    a = ap.parse_args()
    S = dict(SCALES[a.scale], ablate_count=min(20, SCALES[a.scale]["hidden"] // 2))
    # the reference's tables: parsed first, so that an unreadable file fails before any training
    default_ref = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared",
                                                "reference-results", "README.md"))
    a.ref, a.ref_path = None, a.paper_results or default_ref
    if a.paper_results == "none":
        a.ref_path = None
    elif a.paper_results is None and not os.path.exists(default_ref):
        pass  # absent: the paper's text (the Scale section says so)
    else:
        a.ref = parse_reference_results(a.ref_path)
    if a.clean and os.path.isdir(a.out):
        shutil.rmtree(a.out)
    os.makedirs(a.out, exist_ok=True)
    logf = open(os.path.join(a.out, "reproduce.log"), "a")
    lock = threading.Lock()

    def log(msg):
        line = time.strftime("%H:%M:%S ") + msg
        with lock:
            print(line, flush=True)
            logf.write(line + "\n")
            logf.flush()

    # a private copy of the tool: rebuilding build/rnnts during a long reproduction cannot break it
    tool = os.path.join(a.out, ".rnnts")
    shutil.copy2(a.rnnts, tool)
    R = Runner(os.path.abspath(tool), a.out, a.jobs, log)
    t_start = time.time()
    log(f"reproduce: scale {a.scale}, {a.jobs} jobs, {S}")
    log("paper column of ablation and perturbation: " + (f"the reference's tables in {a.ref_path}" if a.ref else
        "the paper's text (--paper-results none)" if a.ref_path is None else f"the paper's text ({a.ref_path} not found)"))
    common = ["--hidden", str(S["hidden"]), "--batch", str(S["batch"]), "--steps-per-epoch", str(S["steps"]),
              "--test-batches", str(S["test_batches"]), "--seed", str(a.seed), "--threads", "1", "--quiet", "--force"]
    if S["time_limit"]:
        common_tl = ["--time-limit", str(S["time_limit"])]
    else:
        common_tl = []

    budgets = {}

    def train(name, extra, epochs):
        budgets[name] = epochs
        return (name, ["train", "--out", os.path.join(a.out, name), "--max-epochs", str(epochs)] + common + common_tl + extra, None)

    # ---- phase 1: training (longest first) ----
    tasks = [
        train("parity_single", ["--task", "parity", "--curriculum", "single"], S["epochs_main"]),
        train("parity_multi", ["--task", "parity", "--curriculum", "multi"], S["epochs_main"]),
        train("dms_single", ["--task", "dms", "--curriculum", "single"], S["epochs_dms"]),
        train("dms_multi", ["--task", "dms", "--curriculum", "multi"], S["epochs_dms"]),
        train("parity_multi_fixedtau", ["--task", "parity", "--curriculum", "multi", "--fixed-tau", "1"], S["epochs_fixed"]),
        train("parity_multi_continuous", ["--task", "parity", "--curriculum", "multi", "--variant", "mod",
                                          "--k-continuous", str(S["k_cont"])], S["epochs_cont"]),
    ]
    for n in S["none_ns"]:
        tasks.append(train(f"parity_none_N{n}", ["--task", "parity", "--curriculum", "none", "--n", str(n)], S["epochs_none"]))
    # GRU and LSTM with the reference's LSTM protocol (Adam, batch 64, 300 steps; the tool's defaults
    # for these models), single- vs multi-head on parity
    for m in ("gru", "lstm"):
        for cur in ("single", "multi"):
            name = f"{m}_{cur}"
            budgets[name] = S["epochs_gated"]
            tasks.append((name, ["train", "--out", os.path.join(a.out, name), "--model", m, "--task", "parity", "--curriculum", cur,
                                 "--hidden", str(S["hidden_gated"]), "--steps-per-epoch", str(S["steps_gated"]), "--test-batches",
                                 str(S["test_gated"]), "--max-epochs", str(S["epochs_gated"]), "--seed", str(a.seed), "--threads", "1",
                                 "--quiet", "--force"] + common_tl, None))
    R.parallel(tasks)
    t_train = time.time() - t_start

    runs = {}
    for name, _, _ in tasks:
        runs[name] = read_log(os.path.join(a.out, name))

    # ---- phase 2: analyses ----
    ps, pm = os.path.join(a.out, "parity_single"), os.path.join(a.out, "parity_multi")
    n_single, n_multi = max_n(runs["parity_single"]), max_n(runs["parity_multi"])
    n_common = min(n_single, n_multi)
    # ablation / perturbation / retraining on the largest N both curricula solved (paper: N = 30)
    ckpt_single = os.path.join(ps, f"N{n_common}_N{n_common}.safetensors")
    ckpt_multi = os.path.join(pm, f"N2_N{n_common}.safetensors")
    tn = ["--steps", str(S["taunet_steps"]), "--trials", str(S["taunet_trials"]), "--fit", "reference", "--threads", "1", "--json"]
    st = ["--trials", str(S["stream_trials"]), "--threads", "1", "--json"]
    count = ["--count", str(S["ablate_count"])]
    retrain_ns = ",".join(str(n_common + d) for d in S["retrain_offsets"])
    rt = ["--ns", retrain_ns, "--epochs", str(S["retrain_epochs"]), "--batch", str(S["batch"]), "--steps-per-epoch",
          str(S["steps"]), "--test-batches", str(S["test_batches"]), "--threads", "1", "--quiet", "--json"]
    an = []
    for tag, run in (("single", ps), ("multi", pm)):
        an.append((f"an_taus_{tag}", ["analyze", "taus", run, "--json", "--out", os.path.join(a.out, f"an_taus_{tag}")], "stdout.json"))
        an.append((f"an_taunet_{tag}", ["analyze", "taunet", run] + tn + ["--out", os.path.join(a.out, f"an_taunet_{tag}")], "stdout.json"))
        an.append((f"an_forget_{tag}", ["analyze", "forget", run, "--own", "--every", "1" if a.scale == "quick" else "2", "--batches",
                                        str(S["forget_batches"]), "--threads", "1", "--json", "--out", os.path.join(a.out, f"an_forget_{tag}")], "stdout.json"))
    for tag, ck in (("single", ckpt_single), ("multi", ckpt_multi)) if n_common >= 2 else ():  # nothing solved: no checkpoint
        an.append((f"an_ablate_{tag}", ["analyze", "ablate", ck, "--N", str(n_common)] + st + count + ["--out", os.path.join(a.out, f"an_ablate_{tag}")], "stdout.json"))
        # rnnts's earlier protocol, for transparency: every head's readout of the neuron zeroed, relative to the baseline mean
        an.append((f"an_ablate_{tag}_earlier", ["analyze", "ablate", ck, "--N", str(n_common), "--zero-heads", "all", "--normalise", "mean"]
                   + st + count + ["--out", os.path.join(a.out, f"an_ablate_{tag}_earlier")], "stdout.json"))
        an.append((f"an_perturb_{tag}", ["analyze", "perturb", ck, "--N", str(n_common)] + st + ["--out", os.path.join(a.out, f"an_perturb_{tag}")], "stdout.json"))
        an.append((f"an_retrain_{tag}", ["analyze", "retrain", ck] + rt + ["--out", os.path.join(a.out, f"an_retrain_{tag}")], "stdout.json"))
        an.append((f"an_generalize_{tag}", ["analyze", "generalize", ck, "--batches", str(S["gen_batches"]), "--threads", "1", "--json",
                                            "--out", os.path.join(a.out, f"an_generalize_{tag}")], "stdout.json"))
        an.append((f"an_pca_{tag}", ["analyze", "pca", ck, "--steps", str(S["pca_steps"]), "--trials", str(S["pca_trials"]), "--threads", "1",
                                     "--json", "--out", os.path.join(a.out, f"an_pca_{tag}")], "stdout.json"))
    # ablation at N = 5, like for like with the reference's N = 5 rows (n_common's rows serve when n_common is 5)
    ck5 = {"single": os.path.join(ps, "N5_N5.safetensors"), "multi": os.path.join(pm, "N2_N5.safetensors")}
    if n_common != 5 and all(os.path.exists(c) for c in ck5.values()):
        for tag, ck in ck5.items():
            an.append((f"an_ablate_{tag}_N5", ["analyze", "ablate", ck, "--N", "5"] + st + count
                       + ["--out", os.path.join(a.out, f"an_ablate_{tag}_N5")], "stdout.json"))
    for tag in ("dms_single", "dms_multi"):
        an.append((f"an_taus_{tag}", ["analyze", "taus", os.path.join(a.out, tag), "--json", "--out", os.path.join(a.out, f"an_taus_{tag}")], "stdout.json"))
        an.append((f"an_taunet_{tag}", ["analyze", "taunet", os.path.join(a.out, tag)] + tn + ["--out", os.path.join(a.out, f"an_taunet_{tag}")], "stdout.json"))
    cont = os.path.join(a.out, "parity_multi_continuous")
    n_cont = max_n(runs["parity_multi_continuous"])
    if n_cont >= 2:
        an.append(("an_generalize_continuous", ["analyze", "generalize", os.path.join(cont, f"N2_N{n_cont}.safetensors"), "--batches", "1",
                                                "--length-factors", "1", "--extra", "0", "--threads", "1", "--json",
                                                "--out", os.path.join(a.out, "an_generalize_continuous")], "stdout.json"))
    # retraining is the longest: start it first
    an.sort(key=lambda t: 0 if t[0].startswith("an_retrain") else 1)
    R.parallel(an)
    t_total = time.time() - t_start
    # Wall times: a fresh run's own; a resumed run adds its time to the earlier invocations'; an
    # invocation that ran nothing (it only rewrites the report) keeps them.
    wall = os.path.join(a.out, ".wall.json")
    if R.ran or not os.path.exists(wall):
        w = {"train_s": t_train, "total_s": t_total, "invocations": 1}
        if R.skipped and os.path.exists(wall):  # a resumed run: the wall time is the sum of the invocations
            prev = load_json(wall)
            w = {"train_s": prev["train_s"] + t_train, "total_s": prev["total_s"] + t_total,
                 "invocations": prev.get("invocations", 1) + 1}
        with open(wall, "w") as f:
            json.dump(w, f)
    w = load_json(wall)
    t_train, t_total = w["train_s"], w["total_s"]

    def J(name):
        p = os.path.join(a.out, name, "stdout.json")
        return load_json(p) if os.path.exists(p) else None

    write_report(a, S, runs, budgets, J, R.times, t_train, t_total, n_single, n_multi, n_common, n_cont, log)
    log(f"reproduce: done in {t_total / 60:.1f} min; report: {os.path.join(a.out, 'REPORT.md')}")


def write_report(a, S, runs, budgets, J, times, t_train, t_total, n_single, n_multi, n_common, n_cont, log):
    rows = []  # (finding, paper, measured, scale, verdict)
    H, F, ref = S["hidden"], SCALES["full"], a.ref

    def sc(this, paper):
        return f"this run: {this}; paper: {paper}"

    def verdict(ok, why_not=None):
        if ok is None:
            return "not shown at this scale" + (f" ({why_not})" if why_not else "")
        return "reproduced" if ok else "not reproduced" + (f" ({why_not})" if why_not else "")

    # -- trained tau vs N
    def tau_series(name):
        d = J(name)
        if not d:
            return [], [], [], []
        cks = d["checkpoints"]
        return [c["n_hi"] for c in cks], [c["mean"] for c in cks], [c["sd"] for c in cks], [c["max"] for c in cks]

    ns_s, mean_s, sd_s, max_s = tau_series("an_taus_single")
    ns_m, mean_m, sd_m, max_m = tau_series("an_taus_multi")
    if len(ns_s) >= 3:
        i_min = min(range(len(mean_s)), key=lambda i: mean_s[i])
        falls_then_rises = 0 < i_min < len(mean_s) - 1 and mean_s[-1] > mean_s[i_min]
        grows = sd_s[-1] > sd_s[0] and max_s[-1] > max_s[0]
        meas = (f"mean τ {fmt(mean_s[0])} (N={ns_s[0]}) → min {fmt(mean_s[i_min])} (N={ns_s[i_min]}) → {fmt(mean_s[-1])} "
                f"(N={ns_s[-1]}); SD {fmt(sd_s[0])} → {fmt(sd_s[-1])}; max {fmt(max_s[0])} → {fmt(max_s[-1])}")
        ok = grows and falls_then_rises
        rows.append(("Single-head: mean τ falls slightly, then rises with N; SD(τ) and max τ grow (heavy tail)",
                     "mean ≈ 1.5 → dips → rises; SD and max grow to τ ≫ 1 at N ≈ 35", meas,
                     sc(f"H = {H}, {S['epochs_main']}-epoch budget, N ≤ {ns_s[-1]}", "H = 500, 1000 epochs, N ≤ 35"),
                     verdict(ok if (grows or falls_then_rises) else None if n_single < 10 else False,
                             None if ok else ("SD/max grow, the mean has not turned up yet" if grows else "needs larger N"))))
    if len(ns_m) >= 3:
        def at(ns, v, n):
            best = min(range(len(ns)), key=lambda i: abs(ns[i] - n))
            return ns[best], v[best]
        n10, m10 = at(ns_m, mean_m, 10)
        meas = (f"mean τ {fmt(mean_m[0])} (N={ns_m[0]}) → {fmt(m10)} (N={n10}) → {fmt(mean_m[-1])} (N={ns_m[-1]}); "
                f"SD {fmt(sd_m[-1])} at N={ns_m[-1]}")
        ok = mean_m[-1] < mean_m[0] and 0.15 <= sd_m[-1] <= 0.45
        rows.append(("Multi-head: mean τ falls slowly with N, SD ≈ 0.3", "≈ 1.5 → 1.37 (N=10) → ≈ 1.25 (N=50), SD ≈ 0.3", meas,
                     sc(f"H = {H}, {S['epochs_main']}-epoch budget, N ≤ {ns_m[-1]}", "H = 500, 1000 epochs, N to 50"),
                     verdict(ok)))

    # -- tau_net vs N
    def tn_series(name):
        d = J(name)
        if not d:
            return {}
        return {c["n_hi"]: c["mean_above_1"] for c in d["checkpoints"] if c.get("mean_above_1") is not None}

    tn_s, tn_m = tn_series("an_taunet_single"), tn_series("an_taunet_multi")
    if tn_s and tn_m:
        fit = (J("an_taunet_single") or {}).get("fit")
        fit_name = ("the reference's fit (SciPy curve_fit's procedure)" if fit == "reference" else
                    f"fit {fit}" if fit else "fit not recorded (output of an older rnnts: rerun with --clean)")
        tn_scale = sc(f"H = {H}, checkpoints N ≤ {max(max(tn_s), max(tn_m))}, {S['taunet_steps']} steps × {S['taunet_trials']} trials, "
                      f"{fit_name}", f"H = 500, {F['taunet_steps']} steps × {F['taunet_trials']} trials, SciPy curve_fit")
        sl_s = slope(sorted(tn_s), [tn_s[n] for n in sorted(tn_s)])
        sl_m = slope(sorted(tn_m), [tn_m[n] for n in sorted(tn_m)])
        both = sorted(set(tn_s) & set(tn_m))
        ratio = mean([tn_s[n] / tn_m[n] for n in both if n >= 4 and tn_m[n]]) if both else None
        last = both[-1] if both else None
        meas = (f"slope of mean τ_net vs N: single {fmt(sl_s, 3)}, multi {fmt(sl_m, 3)}; at N={last}: single "
                f"{fmt(tn_s.get(last))}, multi {fmt(tn_m.get(last))}; mean ratio single/multi over N ≥ 4: {fmt(ratio)}")
        rows.append(("τ_net grows with N for both curricula", "grows for both", meas, tn_scale,
                     verdict((sl_s or 0) > 0 and (sl_m or 0) > 0)))
        rows.append(("Single-head τ_net ≈ 2× multi-head at the same N", "ratio ≈ 2", f"ratio {fmt(ratio)} (mean over common N ≥ 4)",
                     tn_scale, verdict(None if ratio is None else ratio > 1.3, None if ratio is None or ratio > 1.3 else "ratio below 1.3")))

    # -- speed of the curricula
    es, em = solved_epochs(runs["parity_single"]), solved_epochs(runs["parity_multi"])
    common = sorted(set(es) & set(em))
    faster = sum(1 for n in common if em[n] <= es[n])
    pick = [common[round(i * (len(common) - 1) / 5)] for i in range(6)] if len(common) > 6 else common
    pick = sorted(set(pick))
    meas = (f"largest N within {S['epochs_main']} epochs: single {n_single}, multi {n_multi}; epochs to reach N: "
            + ", ".join(f"N={n}: {es[n]} vs {em[n]}" for n in pick)
            + f"; multi first at {faster} of {len(common)} common N")
    rows.append(("Multi-head reaches each N in fewer epochs and a larger N within the budget",
                 "H=500, 1000 epochs: single N≈35, multi N≥100; seed 0 solves N=11 at epoch 20 (single) vs 11 (multi)", meas,
                 sc(f"H = {H}, {S['epochs_main']}-epoch budget per curriculum", "H = 500, 1000 epochs"),
                 verdict(n_multi > n_single and faster >= 0.7 * max(1, len(common)))))

    # DMS
    ed, emd = solved_epochs(runs["dms_single"]), solved_epochs(runs["dms_multi"])
    nd_s, nd_m = max(ed) if ed else 0, max(emd) if emd else 0
    rows.append(("N-DMS: the same ordering of the curricula", "multi-head ahead on DMS as on parity",
                 f"largest N within {S['epochs_dms']} epochs: single {nd_s}, multi {nd_m}",
                 sc(f"H = {H}, {S['epochs_dms']}-epoch budget", "H = 500, 1000 epochs"), verdict(nd_m >= nd_s)))

    # -- forgetting
    def forget_summary(name):
        d = J(name)
        if not d:
            return None
        last = d["checkpoints"][-1]
        Ns = d["N"]
        acc = last["accuracy"]
        early = [acc[i] for i, n in enumerate(Ns) if n <= last["n_hi"] - 3 and acc[i] is not None]
        return last["n_hi"], mean(early), min(early) if early else None

    fs, fm = forget_summary("an_forget_single"), forget_summary("an_forget_multi")
    if fs and fm and fs[1] is not None and fm[1] is not None:
        meas = (f"last checkpoint on earlier N (≤ N−3), mean accuracy: single (N={fs[0]}) {fmt(fs[1], 1)} %, "
                f"multi (N={fm[0]}) {fmt(fm[1], 1)} % (min {fmt(fm[2], 1)} %)")
        rows.append(("Forgetting: single-head drops to chance on earlier N, multi-head keeps them", "single ≈ 50 %, multi ≈ 100 %",
                     meas, sc(f"H = {H}, last checkpoint N = {fs[0]} (single) / {fm[0]} (multi), {S['forget_batches']} test batch(es) per N",
                              "H = 500"), verdict(fs[1] < 70 and fm[1] > 90)))

    # -- ablation (rnnts analyze ablate's default is the reference's protocol: head 0's readout zeroed, relative to the
    # best baseline trial), like for like with the reference's tables at N = 5 and (largest common N) at N = 30 / 35
    cnt, trials = S["ablate_count"], S["stream_trials"]

    def ref_ab(cur, n):
        return ref["ablation"].get((cur, n)) if ref else None

    def ref_ab_text(n):
        parts = []
        for cur in ("single", "multi"):
            e = ref_ab(cur, n)
            if e:
                parts.append(f"{cur} fastest {e['fastest']:.3f} / slowest {e['slowest']:.3f}")
        return "; ".join(parts)

    def ref_nets(n):
        nets = [f"{ref_ab(c, n)['networks']} {c}" for c in ("single", "multi") if ref_ab(c, n) and ref_ab(c, n).get("networks")]
        return (", networks: " + " / ".join(nets)) if nets else ""

    def ab_meas(n, d_s, d_m, protocol=("0", "max")):
        got = (str(d_s.get("zero_heads")), str(d_s.get("normalise")))
        note = "" if got == protocol else f" (protocol: zero_heads {got[0]}, normalise {got[1]}: output of an older rnnts?)"
        return (f"N={n}: single fastest {fmt(d_s['mean_relative_fastest'])} / slowest {fmt(d_s['mean_relative_slowest'])}; "
                f"multi fastest {fmt(d_m['mean_relative_fastest'])} / slowest {fmt(d_m['mean_relative_slowest'])}" + note)

    def ab_scale(n, d, paper):
        c = d.get("count", cnt)
        return sc(f"H = {H}, N = {n}, {c} fastest and {c} slowest neurons, {d.get('trials', trials)} trials, one network per "
                  f"curriculum", paper)

    ref_count = (ref or {}).get("count") or 20
    ab5_s, ab5_m = (J("an_ablate_single"), J("an_ablate_multi")) if n_common == 5 else (J("an_ablate_single_N5"), J("an_ablate_multi_N5"))
    if ab5_s and ab5_m:
        finding = "Ablation at N = 5: no group of neurons is critical yet (like for like with the reference's N = 5 rows)"
        if ref and ref_ab("single", 5) and ref_ab("multi", 5):
            paper = "reference, H = 500, N = 5: " + ref_ab_text(5)
            diffs = []
            for cur, d in (("single", ab5_s), ("multi", ab5_m)):
                for g in ("fastest", "slowest"):
                    x, r = d[f"mean_relative_{g}"], ref_ab(cur, 5)[g]
                    if x is None or abs(x - r) > 0.1:
                        diffs.append(f"{cur} {g} {fmt(x)} vs {r:.3f}")
            v = verdict(not diffs, "differs by more than 0.1: " + ", ".join(diffs))
            p_scale = f"H = 500, N = 5, {ref_count} fastest and {ref_count} slowest neurons, 10 trials{ref_nets(5)}"
        else:
            paper = "– (no reference tables with N = 5 rows: see Scale)"
            v = verdict(None, "no reference figures to compare with")
            p_scale = "–"
        rows.append((finding, paper, ab_meas(5, ab5_s, ab5_m), ab_scale(5, ab5_s, p_scale), v))

    def ab_verdict(d_s, d_m):
        ok_s = d_s["mean_relative_slowest"] < d_s["mean_relative_fastest"] - 0.02
        ok_m = d_m["mean_relative_fastest"] < d_m["mean_relative_slowest"] - 0.02
        if n_common < 10:
            return verdict(None, f"at N = {n_common}; the paper's effect is at N = 30")
        if ok_s and ok_m:
            return verdict(True)
        if ok_s or ok_m:
            return ("partly reproduced: " + ("single-head" if ok_s else "multi-head") + " yes, " + ("multi-head" if ok_s else "single-head")
                    + f" no (at N = {n_common}; the paper's effect is at N = 30)")
        return verdict(False, f"at N = {n_common}; the paper's effect is at N = 30")

    ab_s, ab_m = J("an_ablate_single"), J("an_ablate_multi")
    if ab_s and ab_m:
        if ref and ref_ab("single", 30) and ref_ab("multi", 30):
            paper = "reference, H = 500, N = 30: " + ref_ab_text(30)
            if ref_ab("single", 35) and ref_ab("multi", 35):
                paper += " (N = 35: " + ref_ab_text(35) + ")"
            p_scale = f"H = 500, N = 30 (and 35), {ref_count} fastest and {ref_count} slowest neurons, 10 trials{ref_nets(30)}"
        else:
            paper, p_scale = "N=30: single slowest ≈ 0.44; multi fastest ≈ 0.79", "H = 500, N = 30"
        rows.append(("Ablation: single-head loses most from its slowest-τ neurons, multi-head from its fastest",
                     paper, ab_meas(n_common, ab_s, ab_m), ab_scale(n_common, ab_s, p_scale), ab_verdict(ab_s, ab_m)))
    ae_s, ae_m = J("an_ablate_single_earlier"), J("an_ablate_multi_earlier")
    if ae_s and ae_m:
        rows.append(("Ablation, rnnts's earlier protocol (--zero-heads all --normalise mean: every head's readout of the neuron "
                     "zeroed, relative to the mean baseline trial): the same ordering",
                     "no published figures for this protocol (the reference zeroes head 0 only and normalises by the best "
                     "baseline trial); expectation as in the row above",
                     ab_meas(n_common, ae_s, ae_m, ("all", "mean")), ab_scale(n_common, ae_s, "–"), ab_verdict(ae_s, ae_m)))

    # -- perturbation (the reference's N = 30 tables: W at ε = 0.215, τ at ε = 0.1)
    def run_at(d, key, eps):
        best = min(d[key], key=lambda p: abs(math.log((p["eps"] or 1e-9) / eps)))
        return best["eps"], best.get("accuracy"), best["relative"]

    pe_s, pe_m = J("an_perturb_single"), J("an_perturb_multi")
    if pe_s and pe_m:
        for key, eps, label, fallback in (("w", 0.215, "W", "N=30, ε=0.215: multi ≈ 0.96, single ≈ 0.74"),
                                          ("tau", 0.1, "τ", "N=30: multi-head more robust")):
            if not pe_s.get(key) or not pe_m.get(key):
                continue
            e1, acc_s, rs = run_at(pe_s, key, eps)
            _, acc_m, rm = run_at(pe_m, key, eps)
            meas = (f"N={n_common}, ε = {fmt(e1, 3)} on {label}: single {fmt(acc_s, 3)} [{fmt(rs)}], "
                    f"multi {fmt(acc_m, 3)} [{fmt(rm)}] (mean accuracy [relative])")
            if ref:
                rp = ref["perturb"][key]
                e2, ra_s, rr_s = ref_perturb_at(rp, "single", eps)
                _, ra_m, rr_m = ref_perturb_at(rp, "multi", eps)
                paper = (f"reference, H = 500, N = {rp['N']}, ε = {e2:g} on {label}: single {ra_s:.3f} [{rr_s:.2f}], "
                         f"multi {ra_m:.3f} [{rr_m:.2f}]")
                p_scale = f"H = 500, N = {rp['N']}, 10 draws" + (f" × {rp['networks']} networks per curriculum" if rp.get("networks") else "")
            else:
                paper, p_scale = fallback, "H = 500, N = 30"
            rows.append((f"Perturbation of {label}: multi-head more robust", paper, meas,
                         sc(f"H = {H}, N = {n_common}, {pe_s.get('trials', trials)} draws, one network per curriculum", p_scale),
                         verdict(rm > rs if n_common >= 10 else None,
                                 f"at N = {n_common}; the paper's effect is at N = 30" if n_common < 10 else None)))

    # -- retraining
    rt_s, rt_m = J("an_retrain_single"), J("an_retrain_multi")
    if rt_s and rt_m:
        meas = ("relative accuracy after " + str(S["retrain_epochs"]) + " epochs on N = " + ", ".join(map(str, rt_s["ns"])) +
                ": single " + ", ".join(fmt(x) for x in rt_s["relative"]) + "; multi " + ", ".join(fmt(x) for x in rt_m["relative"]))
        ok = mean(rt_m["relative"][1:]) is not None and mean(rt_m["relative"][1:]) >= mean(rt_s["relative"][1:])
        rows.append(("Retraining single-head on larger N: multi-head networks adapt better", "multi stays higher than single (N 16..46)",
                     meas, sc(f"H = {H}, {S['retrain_epochs']} epochs per N, from the N = {n_common} checkpoints",
                              f"H = 500, {F['retrain_epochs']} epochs per N, N 16..46"), verdict(ok)))

    # -- none curriculum
    none = []
    for n in S["none_ns"]:
        r = runs.get(f"parity_none_N{n}", [])
        e = solved_epochs(r)
        best = max((x["accuracy"][str(n)] for x in r), default=None) if r else None
        none.append((n, e.get(n), best))
    meas = "; ".join(f"N={n}: " + (f"solved at epoch {ep}" if ep else f"not solved in {S['epochs_none']} epochs (best {fmt(b, 1)} %)")
                     for n, ep, b in none)
    small_ok = all(ep for n, ep, _ in none if n <= 8)
    large_fail = any(not ep for n, ep, _ in none if n >= 12)
    if not any(n <= 8 for n, _, _ in none) or not any(n >= 12 for n, _, _ in none):
        v = verdict(None, "needs runs on both sides of N = 10")
    elif not small_ok:
        v = verdict(None, f"even N ≤ 8 fails within {S['epochs_none']} epochs: budget too small to locate the limit")
    else:
        v = verdict(large_fail, "solved every N within the budget")
    rows.append(("No curriculum fails beyond N ≈ 10", "trained on N alone: fails for N > 10", meas,
                 sc(f"H = {H}, {S['epochs_none']}-epoch budget per N", "H = 500, 1000 epochs"), v))

    # -- fixed tau
    ef = solved_epochs(runs["parity_multi_fixedtau"])
    n_fixed = max(ef) if ef else 0
    lim = S["epochs_fixed"]
    n_learned_at = max([n for n, e in em.items() if e <= lim], default=0)
    rows.append(("Multi-head with fixed τ = 1 is as good as learned τ", "same N reached", f"within {lim} epochs: fixed τ = 1 N={n_fixed}, learned τ N={n_learned_at}",
                 sc(f"H = {H}, {lim}-epoch budget", "H = 500, 1000 epochs"), verdict(n_fixed >= 0.8 * n_learned_at)))

    # -- GRU / LSTM: single- vs multi-head (paper: multi-head "significantly improves training GRUs and LSTMs for large N")
    gated = []
    ok_all = True
    for m in ("gru", "lstm"):
        rs, rm = runs.get(f"{m}_single"), runs.get(f"{m}_multi")
        if not rs or not rm:
            continue
        ns_, nm_ = max_n(rs), max_n(rm)
        ok_all = ok_all and nm_ > ns_
        gated.append(f"{m.upper()}: single {ns_}, multi {nm_}")
    if gated:
        e = S["epochs_gated"]
        rnn_s = max([n for n, ep in es.items() if ep <= e], default=0)
        rnn_m = max([n for n, ep in em.items() if ep <= e], default=0)
        rows.append(("GRU and LSTM: multi-head trains them to larger N", "multi-head significantly improves GRU/LSTM training for large N",
                     f"largest N within {e} epochs (LSTM protocol, H = {S['hidden_gated']}): " + "; ".join(gated)
                     + f"; leaky RNN at the same epoch budget: single {rnn_s}, multi {rnn_m}",
                     sc(f"H = {S['hidden_gated']}, {e}-epoch budget, {S['steps_gated']} steps per epoch",
                        f"reference's LSTM protocol (SCALE=full: H = {F['hidden_gated']}, {F['epochs_gated']} epochs)"), verdict(ok_all)))

    # -- generalisation, continuous time, dimensionality (no paper number in the table of the issue)
    gen = []
    for tag in ("single", "multi"):
        g = J(f"an_generalize_{tag}")
        if g:
            last = [row[-1] for row in g["accuracy_by_length"]]
            gen.append(f"{tag} (N={g['ns'][-1]}): " + ", ".join(f"L={L}: {fmt(x, 1)} %" for L, x in zip(g["lengths"], last)))
    gc = J("an_generalize_continuous")
    pca = [(tag, J(f"an_pca_{tag}")) for tag in ("single", "multi")]

    # ---- write ----
    out = os.path.join(a.out, "REPORT.md")
    tmp = out + ".tmp"
    with open(tmp, "w") as f:
        f.write(f"# rnnts reproduction report ({a.scale} scale)\n\n")
        inv = load_json(os.path.join(a.out, ".wall.json")).get("invocations", 1)
        f.write(f"Generated by `make reproduce` (examples/reproduce.py) on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; "
                f"{a.jobs} jobs of one thread; wall time of the run: training {t_train / 60:.1f} min, total {t_total / 60:.1f} min"
                + (f" (sum of {inv} invocations: the run was resumed)" if inv > 1 else "") + ".\n\n")
        f.write("## Scale\n\n")
        f.write(f"- network H = {S['hidden']}, batch {S['batch']}, {S['steps']} SGD steps per epoch, {S['test_batches']} test batches "
                f"(paper: H = 500, batch 256, 600 steps, 50 test batches, 1000 epochs); seed {a.seed}.\n")
        f.write(f"- epoch budgets: parity single/multi {S['epochs_main']}, DMS {S['epochs_dms']}, fixed τ {S['epochs_fixed']}, "
                f"no curriculum {S['epochs_none']} per N ({', '.join(map(str, S['none_ns']))}), continuous time (k = {S['k_cont']}) "
                f"{S['epochs_cont']}; GRU and LSTM single/multi {S['epochs_gated']} epochs with the reference's LSTM protocol "
                f"(H = {S['hidden_gated']}, Adam, batch 64, {S['steps_gated']} steps, {S['test_gated']} test batches)"
                + (f"; every run also stops after {S['time_limit']} s" if S["time_limit"] else "") + ".\n")
        f.write(f"- τ_net: {S['taunet_steps']} steps × {S['taunet_trials']} trials per checkpoint (paper: 101000 × 10), the "
                f"reference's fit (`analyze taunet --fit reference`, SciPy curve_fit's procedure); "
                f"stream analyses {S['stream_trials']} trials; retraining {S['retrain_epochs']} epochs per N.\n")
        ep = sorted(r["seconds"] for r in runs["parity_single"] if max(r["ns"]) >= 10)
        ep_s = f"{ep[len(ep) // 2]:.1f} s" if ep else "–"
        f.write("- Why: at the paper's scale one training step (H = 500, batch 256, M = 30) takes ~126 ms on one core "
                "(`make bench-compare`), so one epoch of 600 steps takes over a minute and the paper's 1000-epoch runs "
                f"take a day each. Here a single-head epoch at N ≥ 10 took {ep_s} (median), so all ten runs and the analyses fit in "
                "about an hour on 2 cores while the curricula still separate clearly. Effects the paper measures at "
                "N = 30 (ablation, perturbation) are tested at the largest N both curricula reached; where that is too "
                "small the verdict says so. `make reproduce SCALE=full` runs the paper's sizes (days).\n")
        if ref:
            f.write(f"- Paper column of ablation and perturbation: the reference's own published tables (networks with H = 500 "
                    f"trained by the reference's code), read at run time from `{a.ref_path}`. Ablation is compared like for like: "
                    f"at N = 5 (checkpoints N5_N5 and N2_N5) with the reference's N = 5 rows, at the largest common N with its "
                    f"N = 30 (and 35) rows; perturbation with its N = 30 tables (W at ε = 0.215, τ at ε = 0.1).\n")
        elif a.ref_path is None:
            f.write("- The reference's published tables were not used (`--paper-results none`): the paper column of ablation and "
                    "perturbation gives the paper's text.\n")
        else:
            f.write(f"- The reference's published tables were not found (`{a.ref_path}`; `--paper-results PATH`): the paper column "
                    f"of ablation and perturbation gives the paper's text.\n")
        f.write("- Column scale: the size each finding was measured at in this run and in the paper.\n\n")
        f.write("## Findings next to the paper\n\n| finding | paper | this run | scale | verdict |\n|---|---|---|---|---|\n")
        for r in rows:
            f.write("| " + " | ".join(x.replace("|", "\\|") for x in r) + " |\n")
        f.write("\n## Further measurements\n\n")
        if gen:
            f.write("- Generalisation to longer sequences (largest N, L = multiples of the longest trained): " + "; ".join(gen) + ".\n")
        if gc:
            ks = gc["k"]
            accs = [mean(row) for row in gc["accuracy_by_k"]]
            f.write(f"- Continuous time (mod variant, trained at k = {S['k_cont']}, N up to {n_cont}): mean accuracy over N at "
                    + ", ".join(f"k={k}: {fmt(x, 1)} %" for k, x in zip(ks, accs) if k in (1, 2, 4, 5, 10, 20, 50, 100, 200) or k == S['k_cont'])
                    + " (figure an_generalize_continuous/generalize_k.svg).\n")
        for tag, d in pca:
            if d:
                f.write(f"- Dimensionality ({tag}, N = {n_common}): {fmt(d['mean_n_components'], 1)} components for 90 % of the variance "
                        f"({S['pca_steps']} steps × {S['pca_trials']} trials).\n")
        f.write("\n## Figures\n\n")
        figs = [("an_taus_single/taus.svg", "trained τ vs N, single-head"), ("an_taus_multi/taus.svg", "trained τ vs N, multi-head"),
                ("an_taunet_single/taunet.svg", "τ_net vs N, single-head"), ("an_taunet_multi/taunet.svg", "τ_net vs N, multi-head"),
                ("an_forget_single/forget.svg", "forgetting, single-head"), ("an_forget_multi/forget.svg", "forgetting, multi-head"),
                ("an_ablate_single/ablate.svg", "ablation, single-head"), ("an_ablate_multi/ablate.svg", "ablation, multi-head"),
                ("an_perturb_single/perturb.svg", "perturbation, single-head"), ("an_perturb_multi/perturb.svg", "perturbation, multi-head"),
                ("an_retrain_single/retrain.svg", "retraining, single-head"), ("an_retrain_multi/retrain.svg", "retraining, multi-head"),
                ("an_generalize_single/generalize.svg", "longer sequences, single-head"),
                ("an_generalize_multi/generalize.svg", "longer sequences, multi-head"),
                ("an_generalize_continuous/generalize_k.svg", "continuous time: accuracy vs k"),
                ("an_taus_dms_single/taus.svg", "DMS trained τ, single-head"), ("an_taus_dms_multi/taus.svg", "DMS trained τ, multi-head")]
        for p, cap in figs:
            if os.path.exists(os.path.join(a.out, p)):
                f.write(f"### {cap}\n\n![{cap}]({p})\n\n")
        f.write("## Runs\n\n| run | largest N | epochs | ended by | seconds |\n|---|---|---|---|---|\n")
        for name, recs in runs.items():
            if len(recs) >= budgets[name]:
                ended = "epoch budget"
            elif recs and recs[-1].get("solved"):
                ended = "solved (curriculum over)"
            else:
                ended = "**time limit** (machine-dependent)"
            f.write(f"| {name} | {max_n(recs)} | {len(recs)} | {ended} | {fmt(times.get(name), 0)} |\n")
        f.write("\nAnalyses: " + ", ".join(f"{k} {v:.0f} s" for k, v in times.items() if k.startswith("an_")) + ".\n")
    os.replace(tmp, out)
    with open(os.path.join(a.out, "findings.json"), "w") as f:
        json.dump([dict(finding=r[0], paper=r[1], measured=r[2], scale=r[3], verdict=r[4]) for r in rows], f, indent=1)


if __name__ == "__main__":
    try:
        main()
    except RuntimeError as e:
        print(f"reproduce: {e}", file=sys.stderr)
        sys.exit(1)
