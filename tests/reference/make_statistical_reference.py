#!/usr/bin/python3
"""Reference scores for ZScore, ModifiedZScore and InterquartileRange, computed with numpy alone.

Run with Debian's python3 (numpy 1.24) from the repository root:

    /usr/bin/python3 tests/reference/make_statistical_reference.py

It is seeded and deterministic; it rewrites the three files below. The C++ tests read them and never
run Python. Every number is written with 17 significant digits ("%.17g"), so each double reads back
bit-exactly; input values are written the same way, so the C++ side sees exactly numpy's inputs.

Math (numpy, float64), per feature j of the training matrix A (n rows, d features):
    mean_j   = A[:, j].mean()                 std_j = A[:, j].std()        (ddof = 0)
    median_j = np.median(A[:, j])             mad_j = np.median(|A[:, j] - median_j|)   (unscaled)
    q1_j, q3_j = np.percentile(A[:, j], [25, 75])   (method "linear", numpy's default)
    iqr_j = q3_j - q1_j
and per row x, per feature j:
    zscore_j          = |x_j - mean_j| / std_j
    modified_zscore_j = 0.6745 |x_j - median_j| / mad_j
    iqr_j(x)          = max(0, (q1_j - 1.5 iqr_j) - x_j, x_j - (q3_j + 1.5 iqr_j)) / iqr_j
The row's score is the max over features (FeatureCombine::max) or the mean over features
(FeatureCombine::mean). The data are built so that every std, MAD and IQR is > 0 (the script
asserts it): no constant-column or zero-MAD fallback rule is exercised here.

The data: n = 200 rows, d = 4 features of very different scales, with ties and planted outliers:
    f0 ~ N(0, 1)                  f1 ~ N(1000, 50)
    f2 ~ N(0.002, 0.0005)         f3 = integers 1..10 (many ties; median between two tied values)
    rows 10 and 11 are exact copies of rows 0 and 1 (duplicated rows);
    8 rows (marked planted = 1) get one feature pushed 6 to 15 standard deviations out, either side.

FILE FORMAT (all three files: comma-separated, one header line, no quoting, "\n" line ends)

1. tests/data/statistical_reference.csv: the training matrix A and its outlier-mode scores
   (fit on A, score A). 200 data lines, columns:
       f0,f1,f2,f3,planted,zscore_max,modified_zscore_max,iqr_max,zscore_mean,modified_zscore_mean,iqr_mean
   f0..f3 = A's row; planted = 1 for the planted outliers, else 0 (written as an integer);
   the six scores = that row's score for each detector with combine = max and combine = mean.

2. tests/data/statistical_reference_stats.csv: the per-feature statistics of A. 7 data lines:
       statistic,f0,f1,f2,f3
   where statistic is one of mean, std, median, mad, q1, q3, iqr (in that order).

3. tests/data/statistical_scoring.csv: scoring only: models fitted on A (file 1) score new rows B.
   Same columns as file 1 except `planted`:
       f0,f1,f2,f3,zscore_max,modified_zscore_max,iqr_max,zscore_mean,modified_zscore_mean,iqr_mean
   B has 24 rows: each feature's training mean, median, Q1 and Q3 exactly (scores 0 for IQR), points
   just inside and exactly on the fences, and points far outside on both sides.
"""

import os

import numpy as np

N_ROWS = 200
CONSISTENCY = 0.6745  # the 0.75 quantile of N(0, 1), as Iglewicz and Hoaglin use it
FENCE = 1.5  # Tukey's k

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "data")


def make_training(rng):
    """The training matrix A and the mask of planted outliers."""
    A = np.column_stack(
        [
            rng.normal(0.0, 1.0, N_ROWS),
            rng.normal(1000.0, 50.0, N_ROWS),
            rng.normal(0.002, 0.0005, N_ROWS),
            rng.integers(1, 11, N_ROWS).astype(np.float64),
        ]
    )
    A[10] = A[0]  # duplicated rows are valid data
    A[11] = A[1]
    planted = np.zeros(N_ROWS, dtype=bool)
    rows = rng.choice(np.arange(20, N_ROWS), size=8, replace=False)
    sigma = np.array([1.0, 50.0, 0.0005, 3.0])
    center = np.array([0.0, 1000.0, 0.002, 5.5])
    for k, row in enumerate(rows):
        feature = k % 4
        side = 1.0 if k % 2 == 0 else -1.0
        A[row, feature] = center[feature] + side * rng.uniform(6.0, 15.0) * sigma[feature]
        planted[row] = True
    return A, planted


def statistics(A):
    """Per-feature statistics of A, as a dict of 1-d arrays."""
    median = np.median(A, axis=0)
    q1, q3 = np.percentile(A, [25, 75], axis=0)
    stats = {
        "mean": A.mean(axis=0),
        "std": A.std(axis=0),
        "median": median,
        "mad": np.median(np.abs(A - median), axis=0),
        "q1": q1,
        "q3": q3,
        "iqr": q3 - q1,
    }
    for name in ("std", "mad", "iqr"):
        assert (stats[name] > 0).all(), f"{name} must be > 0 on every feature"
    return stats


def feature_scores(stats, X):
    """Per-feature scores of the rows of X (each an n x d array), keyed by detector."""
    low = stats["q1"] - FENCE * stats["iqr"]
    high = stats["q3"] + FENCE * stats["iqr"]
    outside = np.maximum(0.0, np.maximum(low - X, X - high))
    return {
        "zscore": np.abs(X - stats["mean"]) / stats["std"],
        "modified_zscore": CONSISTENCY * np.abs(X - stats["median"]) / stats["mad"],
        "iqr": outside / stats["iqr"],
    }


def score_columns(stats, X):
    """The six score columns: each detector combined by max, then each combined by mean."""
    per_feature = feature_scores(stats, X)
    names = ("zscore", "modified_zscore", "iqr")
    columns = [(f"{name}_max", per_feature[name].max(axis=1)) for name in names]
    columns += [(f"{name}_mean", per_feature[name].mean(axis=1)) for name in names]
    return columns


def make_scoring(stats):
    """Rows B to score against the model fitted on A: centers, quartiles, fences, far points."""
    low = stats["q1"] - FENCE * stats["iqr"]
    high = stats["q3"] + FENCE * stats["iqr"]
    rows = [stats["mean"], stats["median"], stats["q1"], stats["q3"]]
    rows += [low, high, low + 1e-3 * stats["iqr"], high - 1e-3 * stats["iqr"]]
    for far in (2.0, 10.0, 100.0):
        rows += [high + far * stats["iqr"], low - far * stats["iqr"]]
    # Mixed rows: one feature out, the others at the median, so max and mean differ.
    for j in range(4):
        for side in (1.0, -1.0):
            row = stats["median"].copy()
            row[j] += side * 8.0 * stats["std"][j]
            rows.append(row)
    rows += [stats["median"] + 3.0 * stats["std"], stats["median"] - 0.5 * stats["std"]]
    B = np.array(rows)
    assert B.shape == (24, 4)
    return B


def number(value):
    return "%.17g" % value


def write_scores(path, X, columns, planted=None):
    header = ["f0", "f1", "f2", "f3"]
    if planted is not None:
        header.append("planted")
    header += [name for name, _ in columns]
    with open(path, "w", newline="\n") as out:
        out.write(",".join(header) + "\n")
        for i in range(X.shape[0]):
            fields = [number(v) for v in X[i]]
            if planted is not None:
                fields.append(str(int(planted[i])))
            fields += [number(values[i]) for _, values in columns]
            out.write(",".join(fields) + "\n")


def write_statistics(path, stats):
    with open(path, "w", newline="\n") as out:
        out.write("statistic,f0,f1,f2,f3\n")
        for name in ("mean", "std", "median", "mad", "q1", "q3", "iqr"):
            out.write(",".join([name] + [number(v) for v in stats[name]]) + "\n")


def main():
    os.makedirs(DATA, exist_ok=True)
    rng = np.random.default_rng(20240602)
    A, planted = make_training(rng)
    # Round-trip through the text form so the statistics are those of exactly what the file holds.
    A = np.array([[float(number(v)) for v in row] for row in A])
    stats = statistics(A)
    write_scores(os.path.join(DATA, "statistical_reference.csv"), A, score_columns(stats, A), planted)
    write_statistics(os.path.join(DATA, "statistical_reference_stats.csv"), stats)
    B = np.array([[float(number(v)) for v in row] for row in make_scoring(stats)])
    write_scores(os.path.join(DATA, "statistical_scoring.csv"), B, score_columns(stats, B))


if __name__ == "__main__":
    main()
