#!/usr/bin/python3
"""Checkpoint interop with PyTorch, both ways, on the MNIST test set.

1. vecprop -> PyTorch: loads a vecprop safetensors checkpoint (state_dict names and layouts) into
   nn.Sequential(Linear(784,256), ReLU, Linear(256,128), ReLU, Linear(128,10)) with strict=True
   and prints its test accuracy (inputs normalised with the checkpoint's vecprop.input_mean/std).
2. PyTorch -> vecprop: trains that nn.Sequential for one epoch (inputs /255), writes it as
   safetensors and prints PyTorch's own test accuracy; `vecprop eval --arch 784-256-128-10` on the
   file must print the same accuracy.

The safetensors format is read and written here with json + numpy (no safetensors package needed).
It reads MNIST with the anchors' pytorch/common.py.
Usage: docs/pytorch_interop.py VECPROP_CKPT OUT_TORCH_CKPT [--data data/mnist] [--anchors DIR]
  --anchors DIR: the anchors' folder (default: $VECPROP_ANCHORS, else ../shared/anchors relative to
  the repository root; a relative DIR is relative to the current folder)
"""
import argparse
import json
import os
import struct
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
p = argparse.ArgumentParser()
p.add_argument("vecprop_ckpt")
p.add_argument("torch_out")
p.add_argument("--data", default="data/mnist")
p.add_argument("--anchors", default=os.environ.get("VECPROP_ANCHORS") or os.path.join(REPO, "..", "shared", "anchors"),
               help="the anchors' folder (default: $VECPROP_ANCHORS, else ../shared/anchors from the repository root)")
args = p.parse_args()
anchor_dir = os.path.join(os.path.abspath(args.anchors), "pytorch")
if not os.path.isfile(os.path.join(anchor_dir, "common.py")):
    sys.exit(f"docs/pytorch_interop.py: no {anchor_dir}/common.py (pass --anchors DIR or set VECPROP_ANCHORS)")
sys.path.insert(0, anchor_dir)
import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
from common import load_mnist_like  # noqa: E402

DT = {"F32": np.float32, "F64": np.float64, "I64": np.int64, "I32": np.int32}


def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    meta = header.pop("__metadata__", {})
    out = {}
    for k, v in header.items():
        a, b = v["data_offsets"]
        arr = np.frombuffer(data[a:b], dtype=DT[v["dtype"]]).reshape(v["shape"])
        out[k] = torch.from_numpy(arr.copy())
    return out, meta


def write_safetensors(path, tensors, meta):
    header, blobs, off = {}, [], 0
    for k, t in tensors.items():
        b = t.detach().contiguous().numpy().astype(np.float32).tobytes()
        header[k] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [off, off + len(b)]}
        blobs.append(b)
        off += len(b)
    header["__metadata__"] = meta
    h = json.dumps(header).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))


def mlp():
    return nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 10))


def accuracy(model, x, y):
    with torch.no_grad():
        return (model(x).argmax(1) == y).float().mean().item()


torch.manual_seed(0)
xtr, ytr, xte, yte = (torch.from_numpy(a) for a in load_mnist_like(args.data))

sd, meta = read_safetensors(args.vecprop_ckpt)
m = mlp()
m.load_state_dict(sd, strict=True)
mean = float(meta.get("vecprop.input_mean", 0.0))
std = float(meta.get("vecprop.input_std", 1.0))
print(json.dumps({"direction": "vecprop->pytorch", "arch": meta.get("vecprop.arch"),
                  "pytorch_test_accuracy": accuracy(m, (xte - mean) / std, yte)}))

t = mlp()
opt = torch.optim.Adam(t.parameters(), lr=1e-3)
perm = torch.randperm(xtr.shape[0])
for i in range(0, xtr.shape[0], 64):
    idx = perm[i:i + 64]
    opt.zero_grad()
    nn.functional.cross_entropy(t(xtr[idx]), ytr[idx]).backward()
    opt.step()
write_safetensors(args.torch_out, t.state_dict(), {"format": "pt"})
print(json.dumps({"direction": "pytorch->vecprop", "file": args.torch_out,
                  "pytorch_test_accuracy": accuracy(t, xte, yte)}))
