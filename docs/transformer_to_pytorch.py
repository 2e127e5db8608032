#!/usr/bin/python3
"""Loads a vecprop `--arch transformer` checkpoint into the PyTorch network of the anchors'
pytorch/seq.py (Encoder: inp, pos, enc.layers.N, norm, fc) and prints its MNIST test accuracy, which
must equal `vecprop eval --model FILE`'s. The tensor names map one to one:
  0.* -> inp.*, 1.weight -> pos (unsqueezed to 1 x T x d), 2.* / 3.* -> enc.layers.0.* / enc.layers.1.*,
  4.* -> norm.*, 6.* -> fc.*   (MeanOverTime, layer 5, has no tensors)
Inputs are normalised with the checkpoint's vecprop.input_mean/std, as vecprop does.
Usage: docs/transformer_to_pytorch.py CKPT [--data data/mnist] [--anchors DIR]
"""
import argparse
import json
import os
import struct
import sys

import numpy as np

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
p = argparse.ArgumentParser()
p.add_argument("ckpt")
p.add_argument("--data", default="data/mnist")
p.add_argument("--anchors", default=os.environ.get("VECPROP_ANCHORS") or os.path.join(REPO, "..", "shared", "anchors"))
args = p.parse_args()
sys.path.insert(0, os.path.join(os.path.abspath(args.anchors), "pytorch"))
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
from common import load_mnist_like  # noqa: E402


class Encoder(nn.Module):  # as seq.py --model transformer
    def __init__(self, d=64, heads=4, blocks=2):
        super().__init__()
        self.inp = nn.Linear(28, d)
        self.pos = nn.Parameter(torch.zeros(1, 28, d))
        layer = nn.TransformerEncoderLayer(d, heads, 4 * d, dropout=0.0, activation="gelu",
                                           norm_first=True, batch_first=True)
        self.enc = nn.TransformerEncoder(layer, blocks, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(d)
        self.fc = nn.Linear(d, 10)

    def forward(self, x):
        h = self.enc(self.inp(x.view(-1, 28, 28)) + self.pos)
        return self.fc(self.norm(h).mean(1))


with open(args.ckpt, "rb") as f:
    n = struct.unpack("<Q", f.read(8))[0]
    header = json.loads(f.read(n))
    data = f.read()
meta = header.pop("__metadata__", {})
prefix = {"0": "inp", "1": "pos", "2": "enc.layers.0", "3": "enc.layers.1", "4": "norm", "6": "fc"}
sd = {}
for k, v in header.items():
    if k.startswith("optimizer."):
        continue
    a, b = v["data_offsets"]
    t = torch.from_numpy(np.frombuffer(data[a:b], dtype=np.float32).reshape(v["shape"]).copy())
    layer, rest = k.split(".", 1)
    sd["pos" if layer == "1" else prefix[layer] + "." + rest] = t.unsqueeze(0) if layer == "1" else t
m = Encoder()
m.load_state_dict(sd, strict=True)
m.eval()
_, _, xte, yte = (torch.from_numpy(a) for a in load_mnist_like(args.data))
mean = float(meta.get("vecprop.input_mean", 0.0))
std = float(meta.get("vecprop.input_std", 1.0))
with torch.no_grad():
    acc = (m((xte - mean) / std).argmax(1) == yte).float().mean().item()
print(json.dumps({"file": args.ckpt, "arch": meta.get("vecprop.description"), "pytorch_test_accuracy": acc}))
