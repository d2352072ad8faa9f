"""PyTorch reference for the real-data checks (src/core/training/point-history.test.ts,
point-history-models.test.ts).

Trains the reference LSTMClassifier (PIPELINE.md §6-§7) with nn.LSTM (or nn.GRU), or the studio's
Transformer with nn.TransformerEncoder, on the same keypoint HDF5 file and the same split.json the
TypeScript run used, with the same hyperparameters, and prints the test macro F1 of the
best-by-validation-F1 checkpoint as JSON.

  LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread /usr/bin/python3 \
      bench/pytorch_point_history.py FILE.h5 SPLIT.json [--epochs 50] [--seed 42] ...
"""
import argparse
import copy
import json
import time

import h5py
import numpy as np
import torch
from torch import nn


def macro_f1(y_true, y_pred, num_classes):
    """sklearn's f1_score(average='macro'): over classes present in y_true or y_pred, zero_division=0."""
    present = sorted(set(y_true.tolist()) | set(y_pred.tolist()))
    f1s = []
    for c in present:
        tp = int(((y_pred == c) & (y_true == c)).sum())
        pred = int((y_pred == c).sum())
        sup = int((y_true == c).sum())
        p = tp / pred if pred else 0.0
        r = tp / sup if sup else 0.0
        f1s.append(2 * p * r / (p + r) if p + r else 0.0)
    return float(np.mean(f1s)) if f1s else 0.0


class LSTMClassifier(nn.Module):
    def __init__(self, input_size, hidden, layers, classes, dropout, cell):
        super().__init__()
        rnn = nn.LSTM if cell == "lstm" else nn.GRU
        self.rnn = rnn(input_size, hidden, layers, batch_first=True, dropout=dropout if layers > 1 else 0.0)
        self.fc = nn.Linear(hidden, classes)

    def forward(self, x):
        out = self.rnn(x)[1]
        h_n = out[0] if isinstance(out, tuple) else out
        return self.fc(h_n[-1])


def sinusoid(t, d):
    """The studio's positions (transformer-classifier.ts): sin at even, cos at odd feature indices."""
    pos = torch.zeros(t, d)
    p = torch.arange(t, dtype=torch.float64)[:, None]
    i = torch.arange(0, d, 2, dtype=torch.float64)[None, :]
    angle = p / torch.pow(10000.0, i / d)
    pos[:, 0::2] = torch.sin(angle).float()
    pos[:, 1::2] = torch.cos(angle[:, : d // 2]).float()
    return pos


class TransformerClassifier(nn.Module):
    """The studio's TransformerClassifier with nn.TransformerEncoder: frame projection + sinusoidal
    positions, pre-norm blocks (ReLU feed-forward of width 2d), a final LayerNorm, padded frames
    masked out as keys and out of the mean, linear head. Dropout only on the two residual branches,
    as the studio does (PyTorch's layer also drops attention weights and the feed-forward middle)."""

    def __init__(self, input_size, d, layers, classes, dropout, heads, seq_len):
        super().__init__()
        self.proj = nn.Linear(input_size, d)
        self.register_buffer("pos", sinusoid(seq_len, d))
        layer = nn.TransformerEncoderLayer(d, heads, dim_feedforward=2 * d, dropout=dropout, activation="relu", batch_first=True, norm_first=True)
        layer.self_attn.dropout = 0.0
        layer.dropout = nn.Identity()
        self.encoder = nn.TransformerEncoder(layer, layers, norm=nn.LayerNorm(d), enable_nested_tensor=False)
        self.head = nn.Linear(d, classes)

    def forward(self, x):
        non_zero = (x != 0).any(2).float()
        # Valid: every frame up to the last one that is not all zeros (reverse cumulative sum > 0).
        valid = torch.flip(torch.cumsum(torch.flip(non_zero, [1]), 1), [1]) > 0
        h = self.proj(x) + self.pos[: x.shape[1]]
        # The studio adds -1e9 to padded keys; in a sequence with no valid frame (a point that never
        # moved) that is -1e9 on every key, i.e. uniform attention. A mask of every key would be NaN
        # in torch, so such a sequence masks none, which is the same uniform attention.
        pad = ~valid & valid.any(1, keepdim=True)
        h = self.encoder(h, src_key_padding_mask=pad)
        m = valid.float()[:, :, None]
        return self.head((h * m).sum(1) / m.sum(1).clamp(min=1))


def load(path, split_path):
    with h5py.File(path, "r") as f:
        label_map = json.loads(f.attrs["label_map"])
        seqs = f["sequences"]
        data = {k: (np.asarray(seqs[k], dtype=np.float32), int(seqs[k].attrs["label"])) for k in seqs}
    split = json.load(open(split_path))
    parts = {}
    for name in ("train", "val", "test"):
        keys = split[name]
        parts[name] = (torch.tensor(np.stack([data[k][0] for k in keys])), torch.tensor([data[k][1] for k in keys]))
    return label_map, parts


def evaluate(model, x, y, loss_fn, classes):
    model.eval()
    with torch.no_grad():
        logits = model(x)
        loss = float(loss_fn(logits, y))
        pred = logits.argmax(1)
    yt, yp = y.numpy(), pred.numpy()
    return loss, float((yt == yp).mean()), macro_f1(yt, yp, classes)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("h5")
    ap.add_argument("split")
    ap.add_argument("--model", default="lstm", choices=["lstm", "gru", "transformer"])
    ap.add_argument("--epochs", type=int, default=50)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--weight-decay", type=float, default=1e-2)
    ap.add_argument("--hidden", type=int, default=128)
    ap.add_argument("--layers", type=int, default=2)
    ap.add_argument("--dropout", type=float, default=0.3)
    ap.add_argument("--heads", type=int, default=0, help="transformer: 0 = the studio's default (4, 2 or 1 dividing the width)")
    ap.add_argument("--patience", type=int, default=10)
    ap.add_argument("--lr-patience", type=int, default=5)
    ap.add_argument("--lr-factor", type=float, default=0.5)
    ap.add_argument("--min-lr", type=float, default=1e-6)
    ap.add_argument("--seed", type=int, default=42)
    a = ap.parse_args()

    torch.manual_seed(a.seed)
    np.random.seed(a.seed)
    label_map, parts = load(a.h5, a.split)
    classes = len(label_map)
    xtr, ytr = parts["train"]
    if a.model == "transformer":
        heads = a.heads or next(h for h in (4, 2, 1) if a.hidden % h == 0)
        model = TransformerClassifier(xtr.shape[2], a.hidden, a.layers, classes, a.dropout, heads, xtr.shape[1])
    else:
        model = LSTMClassifier(xtr.shape[2], a.hidden, a.layers, classes, a.dropout, a.model)
    opt = torch.optim.AdamW(model.parameters(), lr=a.lr, weight_decay=a.weight_decay)
    sched = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, mode="max", factor=a.lr_factor, patience=a.lr_patience, min_lr=a.min_lr)
    loss_fn = nn.CrossEntropyLoss()
    gen = torch.Generator().manual_seed(a.seed)
    best_f1, best_state, best_epoch, since = -1.0, None, 0, 0
    t0 = time.time()
    for epoch in range(1, a.epochs + 1):
        model.train()
        order = torch.randperm(len(ytr), generator=gen)
        for i in range(0, len(order), a.batch):
            idx = order[i : i + a.batch]
            opt.zero_grad()
            loss = loss_fn(model(xtr[idx]), ytr[idx])
            loss.backward()
            opt.step()
        _, _, val_f1 = evaluate(model, *parts["val"], loss_fn, classes)
        if val_f1 > best_f1:
            best_f1, best_state, best_epoch, since = val_f1, copy.deepcopy(model.state_dict()), epoch, 0
        else:
            since += 1
        sched.step(val_f1)
        if since >= a.patience:
            break
    model.load_state_dict(best_state)
    test_loss, test_acc, test_f1 = evaluate(model, *parts["test"], loss_fn, classes)
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "epochs_run": epoch, "best_epoch": best_epoch,
                      "best_val_f1": best_f1, "test_loss": test_loss, "test_accuracy": test_acc, "test_macro_f1": test_f1,
                      "seconds": round(time.time() - t0, 1), "args": vars(a)}))


if __name__ == "__main__":
    main()
