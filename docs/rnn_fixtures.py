#!/usr/bin/python3
"""PyTorch reference fixtures for vecprop's LSTM and GRU (RecurrentParityTest compares against them).

For nn.LSTM and nn.GRU (input 7, hidden 19, 2 layers, batch_first, odd sizes on purpose), writes one
safetensors file each with:
  weights      the module's state_dict (weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0, ..._l1)
  x            input (B=3, T=5, I=7)
  r_seq, r_last  random output weights: the loss is L = sum(out * r_seq) + sum(out[:, -1] * r_last)
  out, last    the whole output sequence (B, T, H) and its last step (B, H)
  dx, grad.*   dL/dx and dL/d(each tensor)
  and the same with variable lengths (3, 5, 2) through pack_padded_sequence, prefixed "packed.":
  packed.out   the padded output (zeros past each length), packed.last the last layer's h_n (the
               state at each sample's last real step), packed.dx, packed.grad.* for
               L = sum(out * r_seq) + sum(h_n[-1] * r_last).
Computed in float64 from float32-representable values, stored as float32.
Usage: docs/rnn_fixtures.py [OUT_DIR]   (default src/test/resources/dev/vecprop/layer)
The safetensors format is written with json + numpy, as docs/pytorch_interop.py.
"""
import json
import os
import struct
import sys

import numpy as np
import torch
import torch.nn as nn

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(REPO, "src", "test", "resources", "dev", "vecprop", "layer")
B, T, I, H, L = 3, 5, 7, 19, 2
LENGTHS = [3, 5, 2]


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


def f32(t):
    return t.float().double()


def grads(module, x, loss):
    module.zero_grad()
    x.grad = None
    loss.backward()
    g = {"dx": x.grad.clone()}
    for k, p in module.named_parameters():
        g["grad." + k] = p.grad.clone()
    return g


def fixture(name, cell, seed):
    torch.manual_seed(seed)
    m = cell(I, H, num_layers=L, batch_first=True).double()
    with torch.no_grad():
        for p in m.parameters():
            p.copy_(f32(torch.randn_like(p) * 0.4))
    x0 = f32(torch.randn(B, T, I))
    r_seq = f32(torch.randn(B, T, H))
    r_last = f32(torch.randn(B, H))
    out_t = {"x": x0, "r_seq": r_seq, "r_last": r_last}
    out_t.update({k: v.detach() for k, v in m.state_dict().items()})

    x = x0.clone().requires_grad_(True)
    out, _ = m(x)
    loss = (out * r_seq).sum() + (out[:, -1] * r_last).sum()
    out_t["out"] = out.detach()
    out_t["last"] = out[:, -1].detach()
    out_t.update(grads(m, x, loss))

    x = x0.clone().requires_grad_(True)
    packed = nn.utils.rnn.pack_padded_sequence(x, torch.tensor(LENGTHS), batch_first=True, enforce_sorted=False)
    po, state = m(packed)
    pout, _ = nn.utils.rnn.pad_packed_sequence(po, batch_first=True, total_length=T)
    hn = state[0] if isinstance(state, tuple) else state
    loss = (pout * r_seq).sum() + (hn[-1] * r_last).sum()
    out_t["packed.lengths"] = torch.tensor(LENGTHS, dtype=torch.float64)
    out_t["packed.out"] = pout.detach()
    out_t["packed.last"] = hn[-1].detach()
    out_t.update({"packed." + k: v for k, v in grads(m, x, loss).items()})
    path = os.path.join(OUT, name + "_fixture.safetensors")
    write_safetensors(path, out_t, {"generator": "docs/rnn_fixtures.py", "torch": torch.__version__,
                                    "module": f"nn.{cell.__name__}({I}, {H}, num_layers={L}, batch_first=True)"})
    print(path)


os.makedirs(OUT, exist_ok=True)
fixture("lstm", nn.LSTM, 1)
fixture("gru", nn.GRU, 2)
