#!/usr/bin/env python3
"""PyTorch check of rnnts's continuous-time training over a list of k (train_config.k_list).

Reads DIR/init.safetensors, DIR/batches.safetensors and DIR/final.safetensors written by
tests/klist_dump.c and redoes the epoch in PyTorch the way the reference's continuous-time script
trains: for every training step and every k in list order, zero_grad, the step's batch (each input
repeated k times, tau_hat = clamp(k tau, min 1), the mod form with W's diagonal zeroed in .data
before the forward), loss = sum over heads of the cross-entropy, backward, clip_grad_norm_(2),
SGD(lr 0.05, momentum 0.1, nesterov) step. The parameters must match rnnts's final ones within
float32 rounding. Exit 0 on agreement, 1 on a mismatch, 77 when torch is missing.
Usage: torch_klist_check.py DIR
"""
import json
import struct
import sys

try:
    import numpy as np
    import torch
except ImportError:
    print("SKIPPED[pkg:python3-torch]: the PyTorch redo of the k-list training epoch (torch_klist_check needs python3-torch and numpy)")
    sys.exit(77)


def read_safetensors(path):
    b = open(path, "rb").read()
    n = struct.unpack("<Q", b[:8])[0]
    h = json.loads(b[8:8 + n])
    meta = h.pop("__metadata__", {})
    out = {}
    for name, e in h.items():
        s, t = e["data_offsets"]
        out[name] = np.frombuffer(b[8 + n + s:8 + n + t], dtype="<f4").reshape(e["shape"]).copy()
    return out, meta


def main():
    d = sys.argv[1]
    init, imeta = read_safetensors(d + "/init.safetensors")
    final, _ = read_safetensors(d + "/final.safetensors")
    bt, bmeta = read_safetensors(d + "/batches.safetensors")
    ks = [int(v) for v in bmeta["k_list"].split(",")]
    steps = int(bmeta["steps"])
    heads = [int(v) for v in bmeta["heads"].split(",")]
    K = int(imeta["heads"])
    torch.set_default_dtype(torch.float32)
    P = {name: torch.tensor(v, requires_grad=True) for name, v in init.items()}
    tau, w_in, b_in = P["parameterlist.0"], P["modulelist.0.weight"], P["modulelist.0.bias"]
    W, b = P["modulelist.1.weight"], P["modulelist.1.bias"]
    fc = [(P[f"modulelist.{2 + k}.weight"], P[f"modulelist.{2 + k}.bias"]) for k in range(K)]
    params = list(P.values())
    opt = torch.optim.SGD(params, lr=0.05, momentum=0.1, nesterov=True)
    act = torch.nn.LeakyReLU()
    ce = torch.nn.CrossEntropyLoss()
    for s in range(steps):
        for j, k in enumerate(ks):
            opt.zero_grad(set_to_none=True)
            x = torch.tensor(bt[f"input.{s}.{j}"])  # [M, B]
            h = torch.tensor(bt[f"h0.{s}.{j}"])  # [B, H]
            lab = torch.tensor(bt[f"label.{s}.{j}"]).long()  # [n_ns, B]
            with torch.no_grad():
                W.fill_diagonal_(0.0)
            x = torch.repeat_interleave(x, k, dim=0)
            taus = torch.clamp(tau * k, min=1.0)
            for t in range(x.shape[0]):
                inp = x[t][:, None] * w_in[:, 0][None, :] + b_in
                h = (1 - 1 / taus) * h + act(h @ W.T + b + inp) / taus
            loss = 0.0
            for a, hd in enumerate(heads):
                wv, bv = fc[hd]
                loss = loss + ce(h @ wv.T + bv, lab[a])
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, max_norm=2.0, norm_type=2)
            opt.step()
    with torch.no_grad():
        W.fill_diagonal_(0.0)
    worst, where = 0.0, ""
    for name, v in final.items():
        got = P[name].detach().numpy()
        err = float(np.max(np.abs(got - v) / (1e-3 + np.abs(v)))) if v.size else 0.0
        if err > worst:
            worst, where = err, name
    moved = max(float(np.max(np.abs(final[n] - init[n]))) for n in final)
    ok = worst < 2e-4 and moved > 1e-3
    print(f"{'ok  ' if ok else 'FAIL'} k_list {ks}, {steps} steps: max relative difference {worst:.2e} ({where}); "
          f"largest parameter change {moved:.3g}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
