#!/usr/bin/env python3
"""Writes small PyTorch checkpoints in the reference implementation's layout (torch.save of
{"state_dict": ...} with parameterlist.0 = tau, modulelist.0 = input Linear(1, H), modulelist.1 =
recurrent Linear(H, H), modulelist.{2..} = readout heads Linear(H, 2)), the importer's input: the
seed corpus of the fuzz_torch target (tests/fuzz/run.sh), and the committed regression input
tests/fuzz/regress/torch/tiny_rnn_H4_K2.pt (`tests/torch_seeds.py DIR` writes the same bytes).
Files: learnable tau (H 4, K 2), fixed tau (H 3, K 3, parameterlist.0 of 1 value), H 1 K 1, and a
bare state dict without the "state_dict" wrapper (H 5, K 2). Exit 0; 77 without python3-torch.
Usage: torch_seeds.py DIR
"""
import sys
from collections import OrderedDict

try:
    import torch
except ImportError:
    print("torch_seeds.py: python3-torch is missing", file=sys.stderr)
    sys.exit(77)


def net(H, K, tau_n, wrap=True):
    d = OrderedDict()
    d["parameterlist.0"] = 1 + torch.rand(tau_n)
    d["modulelist.0.weight"] = torch.randn(H, 1)
    d["modulelist.0.bias"] = torch.randn(H)
    d["modulelist.1.weight"] = torch.randn(H, H) / H
    d["modulelist.1.bias"] = torch.randn(H)
    for k in range(K):
        d[f"modulelist.{2 + k}.weight"] = torch.randn(2, H)
        d[f"modulelist.{2 + k}.bias"] = torch.randn(2)
    return {"state_dict": d} if wrap else d


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    out = sys.argv[1]
    torch.manual_seed(0)
    for name, args in (("tiny_rnn_H4_K2", (4, 2, 4)), ("fixed_tau_H3_K3", (3, 3, 1)), ("h1_k1", (1, 1, 1)),
                       ("bare_state_dict_H5_K2", (5, 2, 5, False))):
        torch.save(net(*args), f"{out}/{name}.pt")
    return 0


if __name__ == "__main__":
    sys.exit(main())
