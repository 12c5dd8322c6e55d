#!/usr/bin/env python3
"""PyTorch cross-check of rnnts's loss and gradients.

Rebuilds the reference model (RNN_Stack for the default variant, RNN_Mod for mod, the
continuous-time RNN_Continuous when k_continuous > 0; for model files with metadata model = gru /
lstm a module holding `gru` = nn.GRU(1, H) / `lstm` = nn.LSTM(1, H) and `modulelist` = nn.ModuleList
of K nn.Linear(H, 2) heads, loaded by name with load_state_dict(strict=False), which must report no
missing or unexpected key) in PyTorch from an rnnts model file,
runs the exact batch rnnts used (inputs, labels, h0 from the grads file written by
tests/grad_dump or `rnnts grad`), and compares the loss and every gradient.

usage: torch_check.py MODEL.safetensors GRADS.safetensors [--tol 1e-4]
exit 0 when every tensor agrees within the tolerance, 1 otherwise.
"""
import json
import struct
import sys

import numpy as np
import torch


def read_safetensors(path):
    with open(path, "rb") as f:
        blob = f.read()
    (hlen,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + hlen])
    meta = header.pop("__metadata__", {})
    data = blob[8 + hlen:]
    out = {}
    for name, d in header.items():
        assert d["dtype"] == "F32", (name, d["dtype"])
        a, b = d["data_offsets"]
        out[name] = np.frombuffer(data[a:b], dtype="<f4").reshape(d["shape"]).copy()
    return out, meta


def act_fn(name):
    return {"leakyrelu": torch.nn.LeakyReLU(), "relu": torch.nn.ReLU(),
            "tanh": torch.nn.Tanh(), "sigmoid": torch.nn.Sigmoid()}[name]


def compare(loss, g, named, tol):
    """Loss and every gradient against the rnnts values in g; named: [(file name, parameter)]."""
    report = []
    lv = float(loss)
    le = abs(lv - float(g["loss"][0])) / max(abs(lv), 1e-12)
    report.append(("loss", le))
    for name, p in named:
        ref = p.grad.numpy() if p.grad is not None else np.zeros(tuple(p.shape))
        got = g["grad." + name]
        # relative to the tensor's largest reference magnitude (element-wise relative error is
        # meaningless for elements that are zero up to rounding)
        scale = max(float(np.abs(ref).max()), 1e-30)
        err = float(np.abs(got.reshape(ref.shape) - ref).max()) / scale
        report.append((name, err))
    worst, ok = 0.0, True
    for name, err in report:
        worst = max(worst, err)
        if not (err <= tol):
            ok = False
    return ok, worst, report


def run_gated(kind, params, meta, g, gmeta, tol):
    """nn.GRU / nn.LSTM (PyTorch's own modules, float64) + nn.Linear heads, weights loaded by name."""
    H = int(meta["hidden"]) if "hidden" in meta else params["modulelist.0.weight"].shape[1]
    K = sum(1 for k in params if k.startswith("modulelist.") and k.endswith(".weight"))
    cell_cls = torch.nn.GRU if kind == "gru" else torch.nn.LSTM

    class Net(torch.nn.Module):
        def __init__(self):
            super().__init__()
            setattr(self, kind, cell_cls(input_size=1, hidden_size=H, num_layers=1))
            self.modulelist = torch.nn.ModuleList([torch.nn.Linear(H, 2) for _ in range(K)])

    net = Net().double()
    state = {k: torch.tensor(v, dtype=torch.float64) for k, v in params.items()}
    res = net.load_state_dict(state, strict=False)
    if res.missing_keys or res.unexpected_keys:
        # the file's names must be exactly the module's: a mismatch is a failure, not a warning
        return False, float("inf"), [("load_state_dict: missing " + ",".join(res.missing_keys) +
                                      " unexpected " + ",".join(res.unexpected_keys), float("inf"))]
    module_names = dict(net.named_parameters())
    if set(module_names) != set(params):
        return False, float("inf"), [("parameter names differ: " + str(sorted(set(module_names) ^ set(params))),
                                      float("inf"))]
    for k, v in params.items():  # loaded bit for bit (float32 -> float64 is exact)
        assert np.array_equal(module_names[k].detach().numpy(), v.astype(np.float64)), k
    heads = [int(x) for x in gmeta["active_heads"].split(",")]
    x = 2.0 * torch.tensor(g["input"], dtype=torch.float64) - 1.0      # [M, B], bits -> +-1
    h0 = torch.tensor(g["h0"], dtype=torch.float64)[None]              # [1, B, H]
    cell = getattr(net, kind)
    if kind == "gru":
        out, _ = cell(x[:, :, None], h0)
    else:
        out, _ = cell(x[:, :, None], (h0, torch.zeros_like(h0)))
    h = out[-1]                                                        # h_M [B, H]
    ns = [int(v) for v in gmeta["ns"].split(",")] if "ns" in gmeta else None
    loss = 0.0
    for i, k in enumerate(heads):
        logits = net.modulelist[k](h)
        y = torch.tensor(g[f"label.{ns[i]}" if ns else f"label.{k}"], dtype=torch.int64)
        loss = loss + torch.nn.functional.cross_entropy(logits, y)
    loss.backward()
    # in the model file's tensor order
    return compare(loss, g, [(k, module_names[k]) for k in params], tol)


def run(model_path, grads_path, tol):
    params, meta = read_safetensors(model_path)
    g, gmeta = read_safetensors(grads_path)
    kind = meta.get("model", "rnn")
    if kind in ("gru", "lstm"):
        return run_gated(kind, params, meta, g, gmeta, tol)
    if kind != "rnn":
        return False, float("inf"), [(f"unknown model kind {kind!r}", float("inf"))]
    variant = meta.get("variant", "default")
    afunc = act_fn(meta.get("activation", "leakyrelu"))
    learn_tau = meta.get("tau", "learnable") == "learnable"
    kc = int(meta.get("k_continuous", "0"))
    heads = [int(x) for x in gmeta["active_heads"].split(",")]
    P = {k: torch.tensor(v, dtype=torch.float64, requires_grad=(k != "parameterlist.0" or learn_tau))
         for k, v in params.items()}
    # Float64 autograd: an independent, more precise evaluation of the same model.
    tau = P["parameterlist.0"]
    w_in, b_in = P["modulelist.0.weight"], P["modulelist.0.bias"]
    W, b = P["modulelist.1.weight"], P["modulelist.1.bias"]
    x = torch.tensor(g["input"], dtype=torch.float64)          # [M, B]
    h = torch.tensor(g["h0"], dtype=torch.float64)             # [B, H]
    H = W.shape[0]
    # The reference zeroes W's diagonal in .data at every forward pass, so the diagonal still
    # receives a gradient: subtract a detached copy of the diagonal.
    Wz = W - torch.diag(torch.diag(W)).detach()
    if learn_tau:
        th = torch.clamp(tau * kc, min=1.0) if kc > 0 else torch.clamp(tau, min=1.0)
    else:
        th = tau * kc if kc > 0 else tau
    steps = np.repeat(np.arange(x.shape[0]), kc) if kc > 0 else np.arange(x.shape[0])
    for t in steps:
        inp = x[t][:, None] @ w_in.T + b_in                    # [B, H]
        u = (h @ Wz.T + b) + inp
        if variant == "mod" or kc > 0:
            h = (1 - 1 / th) * h + afunc(u) / th
        else:
            h = afunc((1 - 1 / th) * h + u / th)
    loss = 0.0
    # `rnnts grad` keys labels by N (metadata "ns", paired with "active_heads" by position);
    # tests/grad_dump keys them by head.
    ns = [int(x) for x in gmeta["ns"].split(",")] if "ns" in gmeta else None
    for i, k in enumerate(heads):
        logits = h @ P[f"modulelist.{2 + k}.weight"].T + P[f"modulelist.{2 + k}.bias"]
        y = torch.tensor(g[f"label.{ns[i]}" if ns else f"label.{k}"], dtype=torch.int64)
        loss = loss + torch.nn.functional.cross_entropy(logits, y)
    loss.backward()
    return compare(loss, g, list(P.items()), tol)


def main():
    args = sys.argv[1:]
    tol = 1e-4
    if "--tol" in args:
        i = args.index("--tol")
        tol = float(args[i + 1])
        del args[i:i + 2]
    if len(args) != 2:
        print(__doc__)
        return 2
    ok, worst, report = run(args[0], args[1], tol)
    for name, err in report:
        if err > tol:
            print(f"  MISMATCH {name}: relative error {err:.3e} > {tol:g}")
    print(f"{'ok  ' if ok else 'FAIL'} {args[0]}: worst relative error {worst:.3e} over loss and {len(report) - 1} gradients")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
