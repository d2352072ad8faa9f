"""scikit-learn's numbers for the worked example of src/core/evaluation/classification-metrics.test.ts.

Every class has a row sum (support) that differs from its column sum (predictions), so precision and
recall differ for every class and a swap of their denominators shows. Class 3 is predicted once and
never right (precision 0, recall 0). Run once with Debian's scikit-learn, output recorded in
bench/reference/sklearn_classification_report.json:

  apt-get install -y python3-sklearn
  /usr/bin/python3 bench/sklearn_classification_report.py > bench/reference/sklearn_classification_report.json
"""
import json

import sklearn
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, precision_recall_fscore_support

y_true = [0, 2, 0, 1, 3, 0, 2, 0, 1, 2, 3, 0, 2]
y_pred = [0, 1, 1, 2, 0, 0, 1, 2, 1, 3, 1, 0, 2]
labels = [0, 1, 2, 3]
p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=labels, zero_division=0)
print(json.dumps({
    "command": "/usr/bin/python3 bench/sklearn_classification_report.py",
    "sklearn": sklearn.__version__,
    "y_true": y_true,
    "y_pred": y_pred,
    "precision": p.tolist(),
    "recall": r.tolist(),
    "f1": f.tolist(),
    "support": s.tolist(),
    "accuracy": accuracy_score(y_true, y_pred),
    "macro_f1": f1_score(y_true, y_pred, labels=labels, average="macro", zero_division=0),
    "confusion_matrix": confusion_matrix(y_true, y_pred, labels=labels).tolist(),
}, indent=1))
