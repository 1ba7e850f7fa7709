#!/usr/bin/python3
"""scikit-learn's isolation trees, scored with the exact c(n): what anomaly::IsolationForest must
reproduce tree for tree, since it draws rows, features and thresholds as scikit-learn does.

Run with Debian's python3 (scikit-learn 1.2.1, numpy 1.24) from the repository root:

    /usr/bin/python3 tests/reference/make_isolation_forest_trees.py

It rewrites tests/data/isolation_forest_trees.csv and tests/data/numpy_legacy_random.csv; the C++
tests (tests/detectors/isolation_forest_sklearn_test.cpp) read them and never run Python.

Data. Every case's matrix is generated from a formula the C++ test repeats, so that nothing large
is committed: value(i, j) = (mix(i * 1000 + j + salt) >> 8) / 2^24, where mix is the 32-bit
integer hash below. The values are multiples of 2^-24 in [0, 1): exact in float32, so scikit-learn
(which fits on float32) sees the same numbers as our double and float forests. Some cases then
make a column constant, round a column to a few levels, or repeat a row (see CASES).

For each case, IsolationForest(random_state=seed, n_jobs=1, the case's parameters).fit(X), then:
  - "nodes": the node count of each tree, in order;
  - "score": for rows 0 .. scored-1, 2^(-mean_t h_t(x) / c(psi)) where h_t(x) is the depth of
    x's leaf in tree t plus c(rows of the training sample in that leaf), with the exact
    c(n) = 2 H(n - 1) - 2 (n - 1) / n (scikit-learn's own score_samples uses an approximation of
    c, so its scores are not what we compare; its trees are).

FILE FORMAT: isolation_forest_trees.csv, one header line "case,kind,index,value", then one line
per value; scores with 17 significant digits. numpy_legacy_random.csv, header
"seed_low,seed_high,bound,draw0,...,draw7": draws of RandomState(seed).randint(bound + 1) where
seed is seed_low when seed_high is empty, else the array [seed_low, seed_high].
"""

import math
import os

import numpy as np
from sklearn.ensemble import IsolationForest

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.normpath(os.path.join(HERE, "..", "data"))

# name, rows, columns, salt, seed, parameters, rows scored, how the matrix is altered
CASES = [
    ("shuffled_rows", 1000, 5, 1, 0, {}, 1000, None),
    ("constants_and_duplicates", 300, 6, 2, 7, {}, 300, "constants"),
    ("tracked_rows", 30000, 3, 3, 42, {"n_estimators": 20}, 500, None),
    ("feature_subsets_bootstrap", 1000, 8, 4, 12345,
     {"max_features": 0.5, "bootstrap": True, "max_samples": 100}, 1000, None),
    ("reservoir_rows", 257, 4, 5, 3, {}, 257, None),
    ("quantized", 2000, 4, 6, 99, {"max_samples": 64}, 2000, "quantized"),
]


def mix(x):
    """A 32-bit integer hash (xorshift-multiply), repeated in the C++ test."""
    x &= 0xFFFFFFFF
    x ^= x >> 16
    x = (x * 0x7FEB352D) & 0xFFFFFFFF
    x ^= x >> 15
    x = (x * 0x846CA68B) & 0xFFFFFFFF
    x ^= x >> 16
    return x


def matrix(rows, columns, salt, alteration):
    X = np.empty((rows, columns))
    for i in range(rows):
        for j in range(columns):
            X[i, j] = (mix(i * 1000 + j + salt) >> 8) / 2.0**24
    if alteration == "constants":  # column 2 constant, column 4 two levels, rows 100-199 = row 0
        X[:, 2] = 0.5
        X[:, 4] = np.floor(X[:, 4] * 2) / 2
        X[100:200] = X[0]
    elif alteration == "quantized":  # every column on 8 levels: many ties, constant nodes
        X = np.floor(X * 8) / 8
    assert (X.astype(np.float32) == X).all()
    return X


def average_path_length(n):
    if n <= 1:
        return 0.0
    return 2.0 * math.fsum(1.0 / i for i in range(1, n)) - 2.0 * (n - 1) / n


def main():
    lines = ["case,kind,index,value"]
    for name, rows, columns, salt, seed, params, scored, alteration in CASES:
        X = matrix(rows, columns, salt, alteration)
        forest = IsolationForest(random_state=seed, n_jobs=1, **params).fit(X)
        X32 = X[:scored].astype(np.float32)
        total = np.zeros(scored)
        for t, (tree, features) in enumerate(zip(forest.estimators_, forest.estimators_features_)):
            lines.append(f"{name},nodes,{t},{tree.tree_.node_count}")
            Xt = X32[:, features]
            leaves = tree.apply(Xt)
            depth = np.asarray(tree.decision_path(Xt).sum(axis=1)).ravel() - 1
            sizes = tree.tree_.n_node_samples[leaves]
            total += depth + np.array([average_path_length(int(n)) for n in sizes])
        normalizer = average_path_length(forest.max_samples_)
        scores = 2.0 ** (-(total / len(forest.estimators_)) / normalizer)
        lines += [f"{name},score,{i},{s:.17g}" for i, s in enumerate(scores)]
        print(f"{name}: {len(forest.estimators_)} trees, {scored} scores")
    with open(os.path.join(DATA, "isolation_forest_trees.csv"), "w", newline="\n") as out:
        out.write("\n".join(lines) + "\n")

    draws = ["seed_low,seed_high,bound," + ",".join(f"draw{k}" for k in range(8))]
    for low, high, bound in [(0, None, 2**31 - 2), (4294967295, None, 999), (5, 1, 2**31 - 2),
                             (123456789, 4294967295, 6)]:
        state = np.random.RandomState(low if high is None else [low, high])
        values = state.randint(bound + 1, size=8)
        draws.append(f"{low},{'' if high is None else high},{bound}," + ",".join(map(str, values)))
    with open(os.path.join(DATA, "numpy_legacy_random.csv"), "w", newline="\n") as out:
        out.write("\n".join(draws) + "\n")


if __name__ == "__main__":
    main()
