#!/usr/bin/python3
"""Reference scores for LocalOutlierFactor, computed with scikit-learn's LocalOutlierFactor.

Run with Debian's python3 (scikit-learn 1.2, numpy 1.24) from the repository root:

    /usr/bin/python3 tests/reference/make_local_outlier_factor_reference.py

It is seeded and deterministic and rewrites tests/data/local_outlier_factor_reference.csv. The C++
tests read it and never run Python. Numbers are written with 17 significant digits ("%.17g"), so
every double reads back bit-exactly and the C++ side sees exactly scikit-learn's inputs.

Cases (continuous random data, so no two distances tie at a k-th neighbour):
    blobs3   300 x 3   three Gaussian blobs and 6 uniform outliers, n_neighbors 20 (tree path)
    wide20   200 x 20  one Gaussian with 5 shifted rows, n_neighbors 20 (brute-force path)
    small5   60 x 2    Gaussian, n_neighbors 5
    clamp    15 x 4    Gaussian, n_neighbors 20 (clamped to 14 = rows - 1)
Each case also has 40 new rows scored in novelty mode.

FILE FORMAT: comma-separated, one header line, numbers only:
    case,n_neighbors,role,d,f0,...,f19,sklearn
case = 0..3 in the order above; role = 0 for a training row (sklearn = -negative_outlier_factor_
of that row, fitted on all the case's training rows) or 1 for a new row (sklearn = -score_samples
of LocalOutlierFactor(novelty=True) fitted on the training rows); d = the case's feature count,
f{d}..f19 are 0. Rows keep their order.
"""
import csv
import os
import warnings

import numpy as np
import sklearn
from sklearn.neighbors import LocalOutlierFactor

OUT = os.path.join(os.path.dirname(__file__), "..", "data", "local_outlier_factor_reference.csv")
MAX_D = 20


def cases():
    rng = np.random.RandomState(20261121)
    centres = np.array([[0.0, 0.0, 0.0], [5.0, 5.0, 0.0], [0.0, 6.0, 4.0]])
    blobs = np.vstack([rng.normal(c, 1.0, size=(98, 3)) for c in centres])
    blobs = np.vstack([blobs, rng.uniform(-10, 15, size=(6, 3))])
    blobs_test = np.vstack([rng.normal(centres[1], 1.0, size=(30, 3)),
                            rng.uniform(-10, 15, size=(10, 3))])
    yield "blobs3", 20, blobs, blobs_test

    wide = rng.normal(0.0, 1.0, size=(200, 20))
    wide[:5] += 4.0
    yield "wide20", 20, wide, rng.normal(0.0, 1.3, size=(40, 20))

    yield "small5", 5, rng.normal(0.0, 1.0, size=(60, 2)), rng.normal(0.0, 2.0, size=(40, 2))
    yield "clamp", 20, rng.normal(0.0, 1.0, size=(15, 4)), rng.normal(0.0, 1.5, size=(40, 4))


def main():
    warnings.simplefilter("ignore", UserWarning)  # "clamp" asks for more neighbours on purpose
    with open(OUT, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["case", "n_neighbors", "role", "d"] + [f"f{j}" for j in range(MAX_D)]
                   + ["sklearn"])
        for case, (name, k, train, test) in enumerate(cases()):
            outlier = LocalOutlierFactor(n_neighbors=k).fit(train)
            novelty = LocalOutlierFactor(n_neighbors=k, novelty=True).fit(train)
            fit_scores = -outlier.negative_outlier_factor_
            test_scores = -novelty.score_samples(test)
            for role, rows, scores in ((0, train, fit_scores), (1, test, test_scores)):
                for row, score in zip(rows, scores):
                    values = ["%.17g" % v for v in row] + ["0"] * (MAX_D - len(row))
                    w.writerow([case, k, role, len(row)] + values + ["%.17g" % score])
    print("wrote", OUT, "with scikit-learn", sklearn.__version__)


if __name__ == "__main__":
    main()
