#!/usr/bin/python3
"""Reference values for the metrics, computed with Debian's scikit-learn.

Run from the repository root:  /usr/bin/python3 tests/reference/make_metrics_reference.py
Writes, deterministically:
  tests/data/metrics_cases.csv    case,score,label,predicted   (one line per sample of each case)
  tests/data/metrics_expected.csv case,roc_auc,average_precision,precision_at_n,precision,recall,f1
Cases have heavy ties (scores rounded to one decimal), few positives, and untied scores.
precision_at_n is the share of anomalies among the n highest scores, n = number of anomalies, with a
tie group straddling the cut counted by its mean label (computed here by brute force over groups).
"""
import os

import numpy as np
from sklearn.metrics import average_precision_score, f1_score, precision_score, recall_score, roc_auc_score

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "data")


def precision_at_n(scores, labels):
    n = int(labels.sum())
    hits, taken = 0.0, 0
    for value in sorted(set(scores), reverse=True):
        group = labels[scores == value]
        use = min(len(group), n - taken)
        hits += group.mean() * use
        taken += use
        if taken == n:
            break
    return hits / n


def main():
    rng = np.random.default_rng(20261121)
    cases = {
        "ties": (np.round(rng.normal(size=300), 1), rng.random(300) < 0.2),
        "rare": (rng.normal(size=500), rng.random(500) < 0.02),
        "separable": (np.arange(50, dtype=float), np.arange(50) >= 45),
        "integers": (rng.integers(0, 4, size=120).astype(float), rng.random(120) < 0.4),
    }
    with open(os.path.join(DATA, "metrics_cases.csv"), "w") as cases_file, open(
        os.path.join(DATA, "metrics_expected.csv"), "w"
    ) as expected_file:
        cases_file.write("case,score,label,predicted\n")
        expected_file.write("case,roc_auc,average_precision,precision_at_n,precision,recall,f1\n")
        for index, (name, (scores, labels)) in enumerate(cases.items()):
            labels = labels.astype(int)
            if labels.sum() == 0:
                labels[0] = 1
            predicted = (scores > np.quantile(scores, 0.8)).astype(int)
            for s, l, p in zip(scores, labels, predicted):
                cases_file.write(f"{index},{s:.17g},{l},{p}\n")
            row = [
                roc_auc_score(labels, scores),
                average_precision_score(labels, scores),
                precision_at_n(scores, labels),
                precision_score(labels, predicted, zero_division=0),
                recall_score(labels, predicted, zero_division=0),
                f1_score(labels, predicted, zero_division=0),
            ]
            expected_file.write(f"{index}," + ",".join(f"{v:.17g}" for v in row) + "\n")


if __name__ == "__main__":
    main()
