"""PyTorch CPU side of bench/training.ts: training samples/s of the reference models on the same
synthetic shapes (N sequences of T x F, batch B, hidden H, L layers). Prints one JSON line.

  LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread /usr/bin/python3 bench/pytorch_training.py \
      --n 2000 --t 30 --f 84 --classes 5 --batch 32 --hidden 128 --layers 2 --epochs 2
"""
import argparse
import json
import time

import torch
from torch import nn


class Recurrent(nn.Module):
    def __init__(self, cell, f, h, layers, classes, dropout):
        super().__init__()
        self.rnn = (nn.LSTM if cell == "lstm" else nn.GRU)(f, h, layers, batch_first=True, dropout=dropout)
        self.fc = nn.Linear(h, classes)

    def forward(self, x):
        out = self.rnn(x)[1]
        return self.fc((out[0] if isinstance(out, tuple) else out)[-1])


class Transformer(nn.Module):
    def __init__(self, f, d, layers, classes, dropout, heads=4):
        super().__init__()
        self.proj = nn.Linear(f, d)
        layer = nn.TransformerEncoderLayer(d, heads, 2 * d, dropout, batch_first=True, norm_first=True)
        self.enc = nn.TransformerEncoder(layer, layers)
        self.norm = nn.LayerNorm(d)
        self.fc = nn.Linear(d, classes)

    def forward(self, x):
        return self.fc(self.norm(self.enc(self.proj(x))).mean(1))


def main():
    ap = argparse.ArgumentParser()
    for k, v in dict(n=2000, t=30, f=84, classes=5, batch=32, hidden=128, layers=2, epochs=2).items():
        ap.add_argument(f"--{k}", type=int, default=v)
    ap.add_argument("--models", default="lstm,gru,transformer")
    ap.add_argument("--threads", type=int, default=0, help="0 = PyTorch's own default")
    a = ap.parse_args()
    if a.threads:
        torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    x = torch.randn(a.n, a.t, a.f)
    y = torch.randint(0, a.classes, (a.n,))
    out = {"torch": torch.__version__, "threads": torch.get_num_threads(), "samples_per_s": {}, "samples_per_cpu_s": {}}
    for name in a.models.split(","):
        model = Transformer(a.f, a.hidden, a.layers, a.classes, 0.3) if name == "transformer" else Recurrent(name, a.f, a.hidden, a.layers, a.classes, 0.3)
        opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=1e-2)
        loss_fn = nn.CrossEntropyLoss()
        model.train()
        # One warm-up epoch, then the timed ones.
        best = 0.0
        best_cpu = 0.0
        for epoch in range(a.epochs + 1):
            t0 = time.perf_counter()
            c0 = time.process_time()
            perm = torch.randperm(a.n)
            for i in range(0, a.n, a.batch):
                idx = perm[i : i + a.batch]
                opt.zero_grad()
                loss_fn(model(x[idx]), y[idx]).backward()
                opt.step()
            if epoch > 0:
                best = max(best, a.n / (time.perf_counter() - t0))
                best_cpu = max(best_cpu, a.n / (time.process_time() - c0))
        out["samples_per_s"][name] = best
        # Per CPU-second of the process (all its threads): steadier than wall clock on a shared machine.
        out["samples_per_cpu_s"][name] = best_cpu
    print(json.dumps(out))


if __name__ == "__main__":
    main()
