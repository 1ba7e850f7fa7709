#!/usr/bin/python3
"""scikit-learn's MinCovDet and EllipticEnvelope on generated data and three bundled real sets:
what anomaly::EllipticEnvelope must reproduce, since it draws FastMCD's random subsets as
scikit-learn does for the same seed.

Run with Debian's python3 (scikit-learn 1.2.1, numpy 1.24, scipy 1.10) from the repository root:

    /usr/bin/python3 tests/reference/make_elliptic_envelope_reference.py

It rewrites four files in tests/data; the C++ tests (tests/detectors/elliptic_envelope_test.cpp)
read them and never run Python.

Generated data. Every case's matrix comes from a formula the C++ test repeats, so that nothing
large is committed. With mix the 32-bit integer hash of make_isolation_forest_trees.py and u(key) = (mix(key) >> 20) / 2^12
(a multiple of 2^-12 in [0, 1)):
    z(i, j) = u(i * 1000 + 4 j + salt) + ... + u(i * 1000 + 4 j + 3 + salt) - 2   (4 terms)
    X(i, :) = z(i, :) M + (0.5, 1.0, 1.5, ...)
where M is upper triangular, M(j, j) = 1 + (mix(31 j + j + salt) >> 29) / 8 and M(j, k) =
((mix(31 j + k + salt) >> 28) - 8) / 8 for k > j. Row i is a planted outlier when
mix(7919 i + salt) % 10 == 0: then X(i, j) += s (4 + 4 u(i * 1000 + 500 + j + salt)), the sign
s = +1 when mix(i * 1000 + 700 + j + salt) is even, else -1. Some cases then alter the matrix
(ALTERATIONS). Every value is a multiple of 2^-15 below 2^6 in magnitude: exact in float32, so
float and double fits see the same numbers.

For each case, MinCovDet(support_fraction, assume_centered, random_state=seed).fit(X) and
EllipticEnvelope(same, contamination=0.1).fit(X) give, in tests/data/elliptic_envelope_reference.csv
(one header line "case,kind,index,value", then one line per value, 17 significant digits):
    raw_location, raw_covariance (row-major), location, covariance (row-major): the attributes;
    raw_support: the number of rows, the sum of their indices and the sum of their squares;
    score: mahalanobis(X) (EllipticEnvelope's -score_samples) of rows 0, step, 2 step, ... (at
        most 100 rows; index = row);
    threshold: -offset_, the 90th percentile of the training distances.
candidates.csv-like lines (kind "candidate_location", index = 10 * rank + feature) hold, for the
case "candidates", the 10 locations select_candidates(X, h, n_trials=30, select=10, n_iter=2,
random_state=RandomState(seed)) returns, best first: the random starts, c-steps and ordering.

tests/data/elliptic_envelope_auc.csv: ROC-AUC of EllipticEnvelope(random_state=s) (default
parameters otherwise), fitted and scored on all rows (roc_auc_score(y, -score_samples(X))), on
breastw, ionosphere (tests/data) and thyroid (data/), seeds 0..4; header
"name,auc_seed0,...,auc_seed4,auc_mean,sklearn_version".

tests/data/numpy_argsort_reference.csv: np.argsort (NumPy's default quicksort, and kind="heapsort",
the quicksort's fallback) of tie-heavy arrays: array a of length n has values mix(1000 a + i) %
levels; header "array,n,levels,order,heap_order", one line per array, each sorted order as indices
separated by spaces.

tests/data/chi_square_reference.csv: scipy.stats.chi2(dof).isf(q) for q = 0.5 and 0.025, header
"dof,isf_half,isf_tail".
"""

import os
import warnings

import numpy as np
import pandas as pd
import sklearn
from scipy.stats import chi2
from sklearn.covariance import EllipticEnvelope, MinCovDet
from sklearn.covariance._robust_covariance import select_candidates
from sklearn.metrics import roc_auc_score

from make_isolation_forest_reference import load  # a bundled set, checked against its shape
from make_isolation_forest_trees import mix  # the 32-bit hash the C++ tests repeat

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
DATA = os.path.join(ROOT, "tests", "data")

# name, rows, columns, salt, seed, support_fraction, assume_centered, alteration
CASES = [
    ("random_starts", 300, 4, 1, 0, None, False, None),
    ("seeded_a", 50, 3, 8, 0, None, False, "clusters"),
    ("seeded_b", 50, 3, 8, 1, None, False, "clusters"),
    ("merged_set", 900, 5, 3, 7, None, False, None),
    ("merged_1500", 1500, 3, 4, 2, None, False, None),
    ("subsets", 2400, 6, 5, 42, None, False, None),
    ("subsets_wide", 6000, 8, 6, 3, None, False, None),
    ("one_feature", 500, 1, 7, 0, None, False, None),
    ("one_feature_all", 200, 1, 8, 0, 1.0, False, None),
    ("support_fraction", 800, 4, 9, 5, 0.75, False, None),
    ("assume_centered", 400, 3, 10, 1, None, True, None),
    ("constant_column", 400, 4, 11, 0, None, False, "constant"),
]
CANDIDATES = ("candidates", 200, 3, 12, 9)  # name, rows, columns, salt, seed
REAL_SETS = [
    ("breastw", os.path.join(ROOT, "tests", "data", "breastw.csv"), 683, 9),
    ("ionosphere", os.path.join(ROOT, "tests", "data", "ionosphere.csv"), 351, 33),
    ("thyroid", os.path.join(ROOT, "data", "thyroid.csv"), 3772, 6),
]
SEEDS = range(5)
DOFS = [1, 2, 3, 4, 5, 6, 8, 9, 10, 21, 32, 33, 36, 64, 100, 166, 500]


def uniform(key):
    return (mix(key) >> 20) / 4096.0


def matrix(rows, columns, salt, alteration):
    M = np.zeros((columns, columns))
    for j in range(columns):
        M[j, j] = 1 + (mix(31 * j + j + salt) >> 29) / 8
        for k in range(j + 1, columns):
            M[j, k] = ((mix(31 * j + k + salt) >> 28) - 8) / 8
    X = np.empty((rows, columns))
    for i in range(rows):
        z = np.array([sum(uniform(i * 1000 + 4 * j + t + salt) for t in range(4)) - 2
                      for j in range(columns)])
        X[i] = z @ M + 0.5 * np.arange(1, columns + 1)
        if mix(7919 * i + salt) % 10 == 0:
            for j in range(columns):
                sign = 1.0 if mix(i * 1000 + 700 + j + salt) % 2 == 0 else -1.0
                X[i, j] += sign * (4 + 4 * uniform(i * 1000 + 500 + j + salt))
    if alteration == "clusters":  # rows 0-23: a tight cluster away from the rest
        X[:24] = X[:24] / 8 + 3
    elif alteration == "constant":  # column 2 constant
        X[:, 2] = 0.75
    assert (X.astype(np.float32) == X).all()
    return X


def number(value):
    return "%.17g" % value


def case_lines(name, rows, columns, salt, seed, fraction, centered, alteration):
    X = matrix(rows, columns, salt, alteration)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        warnings.simplefilter("ignore", UserWarning)
        mcd = MinCovDet(support_fraction=fraction, assume_centered=centered,
                        random_state=seed).fit(X)
        envelope = EllipticEnvelope(support_fraction=fraction, assume_centered=centered,
                                    random_state=seed).fit(X)
    assert np.array_equal(envelope.location_, mcd.location_)
    lines = []
    values = {
        "raw_location": mcd.raw_location_,
        "raw_covariance": mcd.raw_covariance_.ravel(),
        "location": mcd.location_,
        "covariance": mcd.covariance_.ravel(),
    }
    for kind, array in values.items():
        lines += [f"{name},{kind},{k},{number(v)}" for k, v in enumerate(array)]
    support = np.flatnonzero(mcd.raw_support_)
    summary = [support.size, int(support.sum()), int((support.astype(np.int64) ** 2).sum())]
    lines += [f"{name},raw_support,{k},{v}" for k, v in enumerate(summary)]
    scores = envelope.mahalanobis(X)
    step = max(1, rows // 100)
    lines += [f"{name},score,{i},{number(scores[i])}" for i in range(0, rows, step)]
    lines.append(f"{name},threshold,0,{number(-envelope.offset_)}")
    print(f"{name}: {rows} x {columns}, seed {seed}, support {support.size}")
    return lines, mcd.raw_location_


def candidate_lines():
    name, rows, columns, salt, seed = CANDIDATES
    X = matrix(rows, columns, salt, None)
    h = int(np.ceil(0.5 * (rows + columns + 1)))
    locations, _, _, _ = select_candidates(X, h, n_trials=30, select=10, n_iter=2,
                                           random_state=np.random.RandomState(seed))
    return [f"{name},candidate_location,{10 * r + j},{number(v)}"
            for r, location in enumerate(locations) for j, v in enumerate(location)]


def main():
    lines = ["case,kind,index,value"]
    raw_locations = {}
    for case in CASES:
        case_lines_, raw_locations[case[0]] = case_lines(*case)
        lines += case_lines_
    # The two seeded cases must differ, or they would not show that the seed is followed.
    assert not np.allclose(raw_locations["seeded_a"], raw_locations["seeded_b"])
    lines += candidate_lines()
    with open(os.path.join(DATA, "elliptic_envelope_reference.csv"), "w", newline="\n") as out:
        out.write("\n".join(lines) + "\n")

    header = ["name"] + [f"auc_seed{s}" for s in SEEDS] + ["auc_mean", "sklearn_version"]
    aucs = [",".join(header)]
    for name, path, rows, features in REAL_SETS:
        X, y = load(path, rows, features)
        values = []
        for seed in SEEDS:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                model = EllipticEnvelope(random_state=seed).fit(X)
            values.append(roc_auc_score(y, -model.score_samples(X)))
        mean = float(np.mean(values))
        aucs.append(",".join([name] + [number(v) for v in values] +
                             [number(mean), sklearn.__version__]))
        print(f"{name}: " + " ".join(f"{v:.4f}" for v in values))
    with open(os.path.join(DATA, "elliptic_envelope_auc.csv"), "w", newline="\n") as out:
        out.write("\n".join(aucs) + "\n")

    orders = ["array,n,levels,order,heap_order"]
    for array, (n, levels) in enumerate([(5, 2), (16, 3), (17, 2), (30, 1), (40, 4), (100, 3),
                                         (257, 5), (1000, 2), (2000, 7)]):
        values = np.array([mix(1000 * array + i) % levels for i in range(n)], dtype=np.float64)
        order = " ".join(str(i) for i in np.argsort(values))
        heap_order = " ".join(str(i) for i in np.argsort(values, kind="heapsort"))
        orders.append(f"{array},{n},{levels},{order},{heap_order}")
    with open(os.path.join(DATA, "numpy_argsort_reference.csv"), "w", newline="\n") as out:
        out.write("\n".join(orders) + "\n")

    quantiles = ["dof,isf_half,isf_tail"]
    quantiles += [f"{d},{number(chi2(d).isf(0.5))},{number(chi2(d).isf(0.025))}" for d in DOFS]
    with open(os.path.join(DATA, "chi_square_reference.csv"), "w", newline="\n") as out:
        out.write("\n".join(quantiles) + "\n")


if __name__ == "__main__":
    main()
