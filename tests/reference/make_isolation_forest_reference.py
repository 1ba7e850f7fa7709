#!/usr/bin/python3
"""Reference ROC-AUCs of scikit-learn's IsolationForest on three bundled real data sets.

Run with Debian's python3 (scikit-learn 1.2, numpy, pandas) from the repository root:

    /usr/bin/python3 tests/reference/make_isolation_forest_reference.py

It is seeded and deterministic for a given scikit-learn version; it rewrites
tests/data/isolation_forest_reference.csv. The C++ test (tests/detectors/isolation_forest_test.cpp)
reads that file and never runs Python: it checks that anomaly::IsolationForest's ROC-AUC for each
seed 0..4 is within 0.005 of scikit-learn's, and their mean within 0.003. The same seed grows the
same trees in both (tests/reference/make_isolation_forest_trees.py pins that on generated data);
the ROC-AUCs still differ a little because scikit-learn approximates c(n) and fits on float32.

Data (comma-separated, one header line, features f0..f{d-1}, last column `label`, 1 = anomaly):
    breastw     tests/data/breastw.csv     683 rows,  9 features
    ionosphere  tests/data/ionosphere.csv  351 rows, 33 features
    thyroid     data/thyroid.csv          3772 rows,  6 features
(provenance and checksums: tests/data/README.md and data/README.md).

For each set and each seed s in 0..4, fitted and scored on all rows (outlier mode):
    model = IsolationForest(n_estimators=100, max_samples=256, max_features=1.0,
                            bootstrap=False, random_state=s, n_jobs=1).fit(X)
    auc_s = roc_auc_score(y, -model.score_samples(X))
score_samples is the negated paper score s(x) = 2^(-E[h(x)] / c(psi)), so -score_samples ranks
rows from most to least anomalous. max_samples=256 equals 'auto' (min(256, n)) for every set.

FILE FORMAT: tests/data/isolation_forest_reference.csv, "\n" line ends, one header line:
    name,auc_seed0,auc_seed1,auc_seed2,auc_seed3,auc_seed4,auc_mean,sklearn_version
then one line per set (breastw, ionosphere, thyroid); AUCs with 17 significant digits ("%.17g").
"""

import os

import numpy as np
import pandas as pd
import sklearn
from sklearn.ensemble import IsolationForest
from sklearn.metrics import roc_auc_score

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
SETS = [
    ("breastw", os.path.join(ROOT, "tests", "data", "breastw.csv"), 683, 9),
    ("ionosphere", os.path.join(ROOT, "tests", "data", "ionosphere.csv"), 351, 33),
    ("thyroid", os.path.join(ROOT, "data", "thyroid.csv"), 3772, 6),
]
SEEDS = range(5)
OUTPUT = os.path.join(ROOT, "tests", "data", "isolation_forest_reference.csv")


def number(value):
    return "%.17g" % value


def load(path, rows, features):
    """Features (float64) and labels of a bundled set, checked against its documented shape."""
    table = pd.read_csv(path)
    assert table.columns[-1] == "label", path
    X = table.iloc[:, :-1].to_numpy(dtype=np.float64)
    y = table["label"].to_numpy()
    assert X.shape == (rows, features), (path, X.shape)
    assert set(np.unique(y)) == {0, 1}, path
    return X, y


def aucs(X, y):
    """ROC-AUC of scikit-learn's IsolationForest for each seed."""
    result = []
    for seed in SEEDS:
        model = IsolationForest(
            n_estimators=100,
            max_samples=256,
            max_features=1.0,
            bootstrap=False,
            random_state=seed,
            n_jobs=1,
        ).fit(X)
        result.append(roc_auc_score(y, -model.score_samples(X)))
    return result


def main():
    header = ["name"] + [f"auc_seed{s}" for s in SEEDS] + ["auc_mean", "sklearn_version"]
    lines = [",".join(header)]
    for name, path, rows, features in SETS:
        X, y = load(path, rows, features)
        values = aucs(X, y)
        mean = float(np.mean(values))
        fields = [name] + [number(v) for v in values] + [number(mean), sklearn.__version__]
        lines.append(",".join(fields))
        print(f"{name}: " + " ".join(f"{v:.4f}" for v in values) + f"  mean {mean:.4f}")
    with open(OUTPUT, "w", newline="\n") as out:
        out.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
