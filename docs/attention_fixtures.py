#!/usr/bin/python3
"""PyTorch fixtures for the attention layers' parity test (AttentionPyTorchParityTest).

Writes small safetensors files to src/test/resources/dev/vecprop/layer/attention/, one per case:
nn.LayerNorm, nn.MultiheadAttention (self-attention, batch_first, with and without a causal mask
and a key padding mask) and nn.TransformerEncoderLayer(norm_first=True, activation="gelu",
dropout=0, batch_first=True), each with random weights (non-trivial LayerNorm affine and biases).
Every file holds the module's state_dict under its own names, the input "x" (B, T, E), an upstream
gradient "dy" of the output's shape, the output "y", and the gradients of sum(y * dy): "grad.x" and
"grad.<tensor>" for every parameter; "lengths" (float, per sample) when a padding mask is used,
and metadata naming the case (module, sizes, causal).

The safetensors format is written with json + numpy (no safetensors package needed).
Usage: /usr/bin/python3 docs/attention_fixtures.py [--out DIR]
"""
import argparse
import json
import os
import struct
import zlib

import numpy as np
import torch
import torch.nn as nn

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
p = argparse.ArgumentParser()
p.add_argument("--out", default=os.path.join(REPO, "src", "test", "resources", "dev", "vecprop", "layer", "attention"))
args = p.parse_args()
os.makedirs(args.out, exist_ok=True)


def write_safetensors(path, tensors, meta):
    header, blobs, off = {}, [], 0
    for k, t in tensors.items():
        b = t.detach().contiguous().numpy().astype(np.float32).tobytes()
        header[k] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [off, off + len(b)]}
        blobs.append(b)
        off += len(b)
    header["__metadata__"] = {k: str(v) for k, v in meta.items()}
    h = json.dumps(header).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))


def randomize(module, g):
    with torch.no_grad():
        for name, q in module.named_parameters():
            q.copy_(torch.randn(q.shape, generator=g) * (0.4 if q.dim() > 1 else 0.2)
                    + (1.0 if name.endswith("norm1.weight") or name.endswith("norm2.weight") or name == "weight" and q.dim() == 1 else 0.0))


def run(name, module, x, forward, meta, lengths=None):
    g = torch.Generator().manual_seed(zlib.crc32(name.encode()))
    randomize(module, g)
    x = x.clone().requires_grad_(True)
    y = forward(module, x)
    dy = torch.randn(y.shape, generator=g)
    (y * dy).sum().backward()
    t = {k: v for k, v in module.state_dict().items()}
    t["x"] = x.detach()
    t["dy"] = dy
    t["y"] = y.detach()
    t["grad.x"] = x.grad
    for k, q in module.named_parameters():
        t["grad." + k] = q.grad
    if lengths is not None:
        t["lengths"] = torch.tensor(lengths, dtype=torch.float32)
    write_safetensors(os.path.join(args.out, name + ".safetensors"), t, meta)
    print(name, {k: list(v.shape) for k, v in t.items()})


def masks(b, t, lengths, causal):
    pad = None
    if lengths is not None:
        pad = torch.arange(t)[None, :] >= torch.tensor(lengths)[:, None]  # True = padded
    att = torch.triu(torch.ones(t, t, dtype=torch.bool), 1) if causal else None
    return pad, att


torch.manual_seed(0)
gx = torch.Generator().manual_seed(1)

# LayerNorm over the last dimension of (B, T, E), odd sizes
x = torch.randn(3, 5, 7, generator=gx) * 2 + 0.5
run("layernorm", nn.LayerNorm(7), x, lambda m, x: m(x), {"module": "LayerNorm", "features": 7})

# self-attention: E = 12, 3 heads, (B, T) = (3, 6)
B, T, E, H = 3, 6, 12, 3
for causal in (False, True):
    for lengths in (None, [6, 4, 1]):
        name = "mha" + ("_causal" if causal else "") + ("_padded" if lengths else "")
        pad, att = masks(B, T, lengths, causal)
        x = torch.randn(B, T, E, generator=gx)
        run(name, nn.MultiheadAttention(E, H, batch_first=True), x,
            lambda m, x, pad=pad, att=att: m(x, x, x, key_padding_mask=pad, attn_mask=att, need_weights=False)[0],
            {"module": "MultiheadAttention", "embed": E, "heads": H, "causal": causal}, lengths)

# pre-norm encoder block: d = 12, 3 heads, ff 20
FF = 20
for causal, lengths in ((False, None), (False, [6, 3, 5]), (True, [2, 6, 6])):
    name = "encoder" + ("_causal" if causal else "") + ("_padded" if lengths else "")
    pad, att = masks(B, T, lengths, causal)
    x = torch.randn(B, T, E, generator=gx)
    layer = nn.TransformerEncoderLayer(E, H, FF, dropout=0.0, activation="gelu", norm_first=True, batch_first=True)
    run(name, layer, x, lambda m, x, pad=pad, att=att: m(x, src_mask=att, src_key_padding_mask=pad),
        {"module": "TransformerEncoderLayer", "d_model": E, "heads": H, "ff": FF, "causal": causal}, lengths)
