"""Compares two keypoint HDF5 files with h5py: every dataset's values, dtype, shape and attributes,
and the root attributes. Prints a JSON report: {"a": n, "b": n, "differences": [...]}."""
import json
import sys

import h5py
import numpy as np


def walk(f):
    out = {}
    f.visititems(lambda name, obj: out.__setitem__(name, obj) if isinstance(obj, h5py.Dataset) else None)
    return out


def attrs(obj):
    return {k: (v.tolist() if hasattr(v, "tolist") else (v.decode() if isinstance(v, bytes) else v)) for k, v in obj.attrs.items()}


def main(a_path, b_path):
    diffs = []
    with h5py.File(a_path, "r") as a, h5py.File(b_path, "r") as b:
        if attrs(a) != attrs(b):
            diffs.append({"root attributes": [attrs(a), attrs(b)]})
        da, db = walk(a), walk(b)
        for name in sorted(set(da) | set(db)):
            if name not in da or name not in db:
                diffs.append({"only in": a_path if name in da else b_path, "dataset": name})
                continue
            x, y = da[name], db[name]
            if x.shape != y.shape or x.dtype != y.dtype or not np.array_equal(x[()], y[()]):
                diffs.append({"values": name})
            if attrs(x) != attrs(y):
                diffs.append({"attributes": name, "a": attrs(x), "b": attrs(y)})
        print(json.dumps({"a": len(a["sequences"]), "b": len(b["sequences"]), "datasets": len(da), "differences": diffs}, default=str))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
