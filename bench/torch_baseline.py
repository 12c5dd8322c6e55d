#!/usr/bin/env python3
"""PyTorch peer of the rnnts benchmark suite (issue 4; workloads as bench/cases.h).

The reference's leaky RNN (`RNN_Stack`, default variant; `RNN_Mod`-style nonlinearity inside for
the mod variant) written the straightforward way in PyTorch, float32 on the CPU:

  parameters  tau [H] (ParameterList), Linear(1,H) input, Linear(H,H) recurrent whose diagonal is
              zeroed in .data at every forward pass, K heads Linear(H,2)
  forward     h0 = 0.1*rand(B,H); for t in range(M):
                default: h = leaky_relu((1-1/tau^) h + (W h + b + W_in x_t + b_in)/tau^)
                mod:     h = (1-1/tau^) h + leaky_relu(W h + b + W_in x_t + b_in)/tau^
              tau^ = clamp(tau, min=1); loss = sum over the active heads of cross_entropy(head(h_M))
              (heads not in use are not evaluated; every case has all K heads active, as rnnts's)
  step        zero_grad + forward + backward + clip_grad_norm_(2.0) + SGD(lr 0.05, momentum 0.1,
              nesterov)
  fwd         forward incl. the loss under torch.no_grad()

Sizes: paper (H=500,B=256,M=30,K=9), medium (128,64,30,9), small (64,32,20,5). Case names match
bench/cases.c: "<kind>/<variant>/<size>/t<threads>".

GRU / LSTM peers (issue 6), training step only, named "step/gru|lstm/<size>/t<threads>":
  model       nn.GRU(1, H) / nn.LSTM(1, H) (PyTorch's own modules, one layer, seq-first) + K heads
              nn.Linear(H, 2) in an nn.ModuleList
  step        zero_grad; x = 2*bits - 1 [M, B, 1]; out = cell(x) (zero initial states);
              loss = sum over the K heads of cross_entropy(head(out[-1])); backward;
              clip_grad_norm_(2.0); Adam(lr 1e-3, betas (0.9, 0.999), eps 1e-8) step
  sizes       large (H=500, B=64, M=30, K=9; 1 and 2 threads), small (64, 32, 20, 5; 1 thread)
  flops       6*G*H^2*B*M (G = 3 / 4 gates), as bench/cases.h

Threads: torch.set_num_threads(T) and OPENBLAS_NUM_THREADS=T (and OMP_NUM_THREADS=T), the env vars
set before torch is imported, so each thread count runs in its own subprocess. OPENBLAS_L2_SIZE is
left as the environment has it. OPENBLAS_CORETYPE: when the environment does not set it, OpenBLAS's
own choice is probed first; if that core lacks the vector width this CPU has (OpenBLAS 0.3.21 falls
back to its SSE3 "Prescott" kernels on CPUs newer than it knows, e.g. Intel model 207 here), the
peer runs with OPENBLAS_CORETYPE=SkylakeX (AVX-512F CPU) or Haswell (AVX2), so that PyTorch gets
the best kernels its OpenBLAS has for this CPU. Both choices are printed and recorded in the JSON.

usage: torch_baseline.py [--threads 1,2] [--out build/torch_baseline.json] [--quick] [--only rnn|gated]
"""
import json
import os
import subprocess
import sys
import time

SIZES = [("paper", 500, 256, 30, 9), ("medium", 128, 64, 30, 9), ("small", 64, 32, 20, 5)]
KINDS = ["fwd", "step"]
VARIANTS = ["default", "mod"]
# (warm-up iterations, min reps, max reps, time budget per case in seconds)
BUDGET = {"paper": (2, 5, 15, 2.5), "medium": (5, 15, 400, 1.5), "small": (10, 25, 2000, 1.0)}
GATED_SIZES = [("large", 500, 64, 30, 9, (1, 2)), ("small", 64, 32, 20, 5, (1,))]
GATED_BUDGET = {"large": (2, 5, 15, 2.5), "small": (10, 25, 2000, 1.0)}
ENV_KEYS = ["OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE",
            "OPENBLAS_VERBOSE", "MKL_NUM_THREADS", "GOTO_NUM_THREADS"]


AVX512_CORES = ("SkylakeX", "Cooperlake", "SapphireRapids")
AVX2_CORES = AVX512_CORES + ("Haswell", "Zen")


def fair_coretype():
    """OpenBLAS's own core choice (in a subprocess, as the peer would load it) and the override that
    gives PyTorch the widest kernels this CPU runs when OpenBLAS's detection fell short."""
    out = {"openblas_choice": None, "forced": None, "cpu": None}
    if os.environ.get("OPENBLAS_CORETYPE"):
        out["forced"] = None
        out["note"] = "OPENBLAS_CORETYPE set by the environment: " + os.environ["OPENBLAS_CORETYPE"]
        return out
    flags = ""
    try:
        with open("/proc/cpuinfo") as f:
            flags = next((l for l in f if l.startswith("flags")), "")
    except OSError:
        pass
    words = set(flags.split())
    out["cpu"] = "avx512f" if "avx512f" in words else "avx2" if "avx2" in words and "fma" in words else "other"
    probe = ("import ctypes, glob\n"
             "p = sorted(glob.glob('/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas*.so*'))\n"
             "l = ctypes.CDLL(p[0]); l.openblas_get_corename.restype = ctypes.c_char_p\n"
             "print(l.openblas_get_corename().decode())\n")
    try:
        r = subprocess.run([sys.executable, "-c", probe], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                           universal_newlines=True, timeout=60)
        out["openblas_choice"] = r.stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return out
    core = out["openblas_choice"]
    if core and out["cpu"] == "avx512f" and core not in AVX512_CORES:
        out["forced"] = "SkylakeX"
    elif core and out["cpu"] in ("avx512f", "avx2") and core not in AVX2_CORES:
        out["forced"] = "Haswell"
    print(f"OpenBLAS core: its own choice {core}; CPU {out['cpu']}; "
          + (f"the peer runs with OPENBLAS_CORETYPE={out['forced']}" if out["forced"] else "kept"), file=sys.stderr)
    return out


def blas_info(torch):
    """Which BLAS torch uses: build config excerpt, the shared objects mapped, OpenBLAS's own view."""
    cfg = torch.__config__.show()
    excerpt = [l.strip() for l in cfg.splitlines()
               if any(k in l for k in ("BLAS", "LAPACK", "OpenMP", "CPU capability", "MKL"))]
    # BLAS_INFO=generic means libblas.so.3 through Debian's alternatives: look at what is mapped
    a = torch.randn(64, 64)
    _ = a @ a
    libs = set()
    with open("/proc/self/maps") as f:
        for line in f:
            p = line.split()[-1]
            if "blas" in p.lower() or "lapack" in p.lower():
                libs.add(p)
    info = {"config_excerpt": [e[:300] for e in excerpt], "mapped_libs": sorted(libs)}
    import ctypes
    for p in sorted(libs):
        if "openblas" in os.path.basename(p).lower() or p.endswith("libblas.so.3"):
            try:
                lib = ctypes.CDLL(p)
                lib.openblas_get_config.restype = ctypes.c_char_p
                lib.openblas_get_corename.restype = ctypes.c_char_p
                info["openblas_config"] = lib.openblas_get_config().decode()
                info["openblas_corename"] = lib.openblas_get_corename().decode()
                info["openblas_num_threads"] = int(lib.openblas_get_num_threads())
                break
            except (OSError, AttributeError):
                pass
    return info


def time_median(it, warm, rmin, rmax, tbud):
    """Median wall time of it() after `warm` warm-up calls: at least rmin and at most rmax calls,
    more while the time budget tbud (s) lasts. Returns (median, calls, fastest)."""
    for _ in range(warm):
        it()
    times = []
    t_start = time.perf_counter()
    while len(times) < rmax and (len(times) < rmin or time.perf_counter() - t_start < tbud):
        t0 = time.perf_counter()
        it()
        times.append(time.perf_counter() - t0)
    times.sort()
    n = len(times)
    return (times[n // 2] if n % 2 else 0.5 * (times[n // 2 - 1] + times[n // 2])), n, times[0]


def child(threads, quick, only=None):
    import torch
    import torch.nn as nn
    import torch.nn.functional as F

    torch.set_num_threads(threads)
    torch.manual_seed(0)

    class RNNStack(nn.Module):
        """The reference RNN_Stack, straightforward."""

        def __init__(self, H, K, mod):
            super().__init__()
            self.H, self.mod = H, mod
            self.parameterlist = nn.ParameterList([nn.Parameter(1.0 + torch.rand(H))])
            self.modulelist = nn.ModuleList([nn.Linear(1, H), nn.Linear(H, H)] +
                                            [nn.Linear(H, 2) for _ in range(K)])
            nn.init.uniform_(self.modulelist[0].weight, -1.0, 1.0)
            nn.init.uniform_(self.modulelist[0].bias, -1.0, 1.0)

        def forward(self, x, heads):
            # x: [M, B, 1]
            w = self.modulelist[1]
            w.weight.data.fill_diagonal_(0.0)  # no self-connections, every forward pass
            tau = torch.clamp(self.parameterlist[0], min=1.0)
            M, B = x.shape[0], x.shape[1]
            h = 0.1 * torch.rand(B, self.H)
            for t in range(M):
                u = w(h) + self.modulelist[0](x[t])
                if self.mod:
                    h = (1 - 1 / tau) * h + F.leaky_relu(u) / tau
                else:
                    h = F.leaky_relu((1 - 1 / tau) * h + u / tau)
            return [self.modulelist[2 + k](h) for k in heads]  # only the heads in use

    def loss_of(outs, labels, heads):
        loss = 0.0
        for o, k in zip(outs, heads):
            loss = loss + F.cross_entropy(o, labels[k])
        return loss

    results = []
    for (sname, H, B, M, K) in (SIZES if only != "gated" else []):
        warm, rmin, rmax, tbud = BUDGET[sname]
        if quick:
            warm, rmin, rmax, tbud = 1, 2, 3, 0.2
        for kind in KINDS:
            for variant in VARIANTS:
                net = RNNStack(H, K, variant == "mod")
                heads = list(range(K))
                x = torch.randint(0, 2, (M, B, 1)).float()
                labels = [torch.randint(0, 2, (B,)) for _ in range(K)]
                opt = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.1, nesterov=True)

                if kind == "fwd":
                    def it():
                        with torch.no_grad():
                            loss = loss_of(net(x, heads), labels, heads)
                        return float(loss)
                else:
                    def it():
                        opt.zero_grad()
                        loss = loss_of(net(x, heads), labels, heads)
                        loss.backward()
                        nn.utils.clip_grad_norm_(net.parameters(), 2.0)
                        opt.step()
                        return float(loss)

                med, n, tmin = time_median(it, warm, rmin, rmax, tbud)
                name = f"{kind}/{variant}/{sname}/t{threads}"
                flops = (2.0 if kind == "fwd" else 6.0) * H * H * B * M
                results.append({"case": name, "threads": threads, "median_s": med, "reps": n,
                                "min_s": tmin, "gflops": flops / med * 1e-9})
                print(f"  {name:28s} {med * 1e3:10.3f} ms  ({n} reps)", file=sys.stderr, flush=True)

    class Gated(nn.Module):
        """nn.GRU / nn.LSTM + K nn.Linear(H, 2) heads (the names rnnts's files use)."""

        def __init__(self, kind, H, K):
            super().__init__()
            self.kind = kind
            setattr(self, kind, (nn.GRU if kind == "gru" else nn.LSTM)(input_size=1, hidden_size=H))
            self.modulelist = nn.ModuleList([nn.Linear(H, 2) for _ in range(K)])

        def forward(self, x):
            out, _ = getattr(self, self.kind)(x)  # zero initial states
            h = out[-1]
            return [head(h) for head in self.modulelist]

    for (sname, H, B, M, K, thr) in (GATED_SIZES if only != "rnn" else []):
        if threads not in thr:
            continue
        warm, rmin, rmax, tbud = GATED_BUDGET[sname]
        if quick:
            warm, rmin, rmax, tbud = 1, 2, 3, 0.2
        for kind in ("gru", "lstm"):
            net = Gated(kind, H, K)
            heads = list(range(K))
            x = 2.0 * torch.randint(0, 2, (M, B, 1)).float() - 1.0
            labels = [torch.randint(0, 2, (B,)) for _ in range(K)]
            opt = torch.optim.Adam(net.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-8)

            def it():
                opt.zero_grad()
                loss = loss_of(net(x), labels, heads)
                loss.backward()
                nn.utils.clip_grad_norm_(net.parameters(), 2.0)
                opt.step()
                return float(loss)

            med, n, tmin = time_median(it, warm, rmin, rmax, tbud)
            name = f"step/{kind}/{sname}/t{threads}"
            G = 3.0 if kind == "gru" else 4.0
            flops = 6.0 * G * H * H * B * M
            results.append({"case": name, "threads": threads, "median_s": med, "reps": n,
                            "min_s": tmin, "gflops": flops / med * 1e-9})
            print(f"  {name:28s} {med * 1e3:10.3f} ms  ({n} reps)", file=sys.stderr, flush=True)
    return results


def main():
    args = sys.argv[1:]
    quick = "--quick" in args
    if quick:
        args.remove("--quick")
    only = None
    if "--only" in args:
        i = args.index("--only")
        only = args[i + 1] if i + 1 < len(args) else ""
        del args[i:i + 2]
        if only not in ("rnn", "gated"):
            print(__doc__, file=sys.stderr)
            return 2
    if args and args[0] == "--child":
        t = int(args[1])
        import torch
        info = blas_info(torch)
        info["torch_version"] = torch.__version__
        torch.set_num_threads(t)
        info["torch_num_threads"] = torch.get_num_threads()
        print(f"[threads={t}] torch {torch.__version__}; BLAS: " + "; ".join(info["config_excerpt"][:3]),
              file=sys.stderr)
        print(f"[threads={t}] mapped: {', '.join(info['mapped_libs'])}", file=sys.stderr)
        if "openblas_config" in info:
            print(f"[threads={t}] OpenBLAS: {info['openblas_config']} (core {info['openblas_corename']}, "
                  f"{info['openblas_num_threads']} threads)", file=sys.stderr)
        env = {k: os.environ.get(k) for k in ENV_KEYS}
        print(f"[threads={t}] env: {env}", file=sys.stderr, flush=True)
        res = child(t, quick, only)
        json.dump({"threads": t, "blas": info, "env": env, "results": res}, sys.stdout)
        return 0

    threads = [1, 2]
    out = "build/torch_baseline.json"
    i = 0
    while i < len(args):
        if args[i] == "--threads":
            threads = [int(s) for s in args[i + 1].split(",")]
            i += 2
        elif args[i] == "--out":
            out = args[i + 1]
            i += 2
        else:
            print(__doc__, file=sys.stderr)
            return 2
    allres, meta = [], {}
    t0 = time.time()
    coretype = fair_coretype()
    for t in threads:
        env = dict(os.environ)
        if coretype["forced"]:
            env["OPENBLAS_CORETYPE"] = coretype["forced"]
        env["OPENBLAS_NUM_THREADS"] = str(t)
        env["OMP_NUM_THREADS"] = str(t)
        cmd = [sys.executable, os.path.abspath(__file__), "--child", str(t)] + (["--quick"] if quick else []) + \
            (["--only", only] if only else [])
        p = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, check=True)
        d = json.loads(p.stdout)
        allres.extend(d["results"])
        meta[f"t{t}"] = {"blas": d["blas"], "env": d["env"]}
    doc = {"python": sys.version.split()[0], "executable": sys.executable, "wall_s": time.time() - t0,
           "runs": meta, "coretype": coretype,
           # the environment as the parent saw it (the children override only the *_NUM_THREADS)
           "env": {k: os.environ.get(k) for k in ENV_KEYS},
           "results": allres}
    os.makedirs(os.path.dirname(out) or ".", exist_ok=True)
    with open(out, "w") as f:
        json.dump(doc, f, indent=1)
    print(json.dumps([{"case": r["case"], "threads": r["threads"], "median_s": r["median_s"]} for r in allres]))
    print(f"wrote {out} ({time.time() - t0:.0f} s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
