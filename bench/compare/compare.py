#!/usr/bin/python3
"""Runs the same seeded workloads through the `anomaly` CLI and through numpy/pandas/scikit-learn,
in one run, and prints markdown tables of times and ROC-AUC.

    /usr/bin/python3 bench/compare/compare.py --cli build-bench/tools/anomaly/anomaly [--quick]

Workloads (data generated here from fixed seeds, written once as CSV for the CLI; the peer gets the
very same float64 values as arrays in memory):
  * batch z-score / modified z-score (MAD) / IQR on 10^6 rows x 32 features, outlier mode (fit on
    the rows, score the same rows) vs numpy computing the same per-column statistics and scores;
  * rolling z-score / MAD / IQR, window 1024, on 10^6 and 10^7 samples vs pandas' rolling
    mean/std, median and quantile(0.25/0.75). pandas has no rolling MAD: the 10^6/10^7 rows compare
    with rolling().median() alone (half of the MAD's work, so generous to pandas), and a 10^5 row
    compares with the exact MAD through rolling().apply(raw=True);
  * every ../shared/data/tabular set through zscore/modified_zscore/iqr: ROC-AUC of the CLI vs
    numpy's implementation of the library's formula (they should agree);
  * IsolationForest (100 trees, max_samples 256, one job, seeds 0..4 on both sides, each side's own
    random generator) vs scikit-learn's: on 10^6 x 8 and 10^5 x 32 rows (1 % rows with 1-3
    features shifted 4-8 sigma), fitted on the first half and scoring the second, seed 0, two ways
    (`anomaly train` then `anomaly score` with the saved model, times summed; `anomaly detect
    --train`); and on every ../shared/data/tabular set in outlier mode (fit on all rows, score
    all rows), ROC-AUC as the mean over the 5 seeds, time the fastest seed's;
  * EllipticEnvelope (default parameters, seeds 0..4 on both sides: the same random subsets) vs
    scikit-learn's: fit on 10^5 x 8 rows (`anomaly detect --train`), and on every
    ../shared/data/tabular set in outlier mode, ROC-AUC seed by seed;
  * STL on 10^6 points (trend, two harmonics, noise, spikes), periods 24 and 168 plain and 24
    robust, vs statsmodels' STL: ours in-process through bench/timeseries/stl_driver.cpp, one
    statsmodels run each (16-160 s), the largest difference of the components.

Times exclude CSV parsing on both sides: ours is the CLI's --stats fit_seconds + score_seconds,
the peer's is wall time from arrays in memory. Each side runs --repeat times; the table shows the
fastest run. Everything runs on one thread (the environment below is set before numpy loads).
Rolling peers score x[t] against the window of the 1024 samples before it (shift(1)), ddof = 0.

It needs Debian's python3-numpy and python3-pandas (scikit-learn's roc_auc_score is used if
present, else an equivalent rank formula); without numpy or pandas it prints why and exits 0
("SKIPPED"), so a CI job without them does not fail. The IsolationForest part needs
python3-sklearn and says SKIPPED without it, as do the neighbours and EllipticEnvelope parts; the
STL part needs python3-statsmodels.
"""

import argparse
import glob
import json
import os
import platform
import subprocess
import sys
import tempfile
import time

WINDOW = 1024
CONSISTENCY = 0.6745


def cpu_flags():
    try:
        with open("/proc/cpuinfo") as info:
            for line in info:
                if line.startswith("flags"):
                    return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()


def cpu_model():
    try:
        with open("/proc/cpuinfo") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


# One thread for every peer library; set before numpy (and its BLAS) is imported. OpenBLAS 0.3.21
# detects this kind of AVX-512 CPU as "Prescott" and falls back to a much slower kernel.
PEER_ENVIRONMENT = {
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "NUMEXPR_NUM_THREADS": "1",
}
if "avx512f" in cpu_flags():
    PEER_ENVIRONMENT["OPENBLAS_CORETYPE"] = "SkylakeX"
for _name, _value in PEER_ENVIRONMENT.items():
    os.environ.setdefault(_name, _value)

try:
    import numpy as np
    import pandas as pd
except ImportError as missing:
    print(f"compare.py: SKIPPED: a Python package is missing ({missing}); "
          "install Debian's python3-numpy and python3-pandas to run the comparison.")
    sys.exit(0)

try:
    from sklearn.metrics import roc_auc_score
except ImportError:
    roc_auc_score = None

try:
    import sklearn
    from sklearn.ensemble import IsolationForest
    from sklearn.neighbors import LocalOutlierFactor, NearestNeighbors
    from sklearn.covariance import EllipticEnvelope
except ImportError:
    sklearn = IsolationForest = LocalOutlierFactor = NearestNeighbors = EllipticEnvelope = None

try:
    import statsmodels
    from statsmodels.tsa.seasonal import STL
except ImportError:
    statsmodels = STL = None


# ------------------------------------------------------------------------------------------------
# Metrics and the peer implementations


def roc_auc(labels, scores):
    """ROC-AUC with ties counted half (scikit-learn's if present, else the same rank formula)."""
    labels = np.asarray(labels).astype(bool)
    scores = np.nan_to_num(np.asarray(scores, dtype=np.float64), nan=0.0)
    if roc_auc_score is not None:
        return float(roc_auc_score(labels, scores))
    ranks = pd.Series(scores).rank(method="average").to_numpy()
    positives = int(labels.sum())
    negatives = labels.size - positives
    return float((ranks[labels].sum() - positives * (positives + 1) / 2) / (positives * negatives))


def numpy_zscore(X):
    mean = X.mean(axis=0)
    std = X.std(axis=0)
    std[std == 0] = 1.0
    return (np.abs(X - mean) / std).max(axis=1)


def numpy_modified_zscore(X):
    median = np.median(X, axis=0)
    deviation = np.abs(X - median)
    mad = np.median(deviation, axis=0)
    scale = mad / CONSISTENCY
    if (mad == 0).any():  # the library's fallback: mean absolute deviation x 1.253314, else 1
        scale = np.where(mad > 0, scale, 1.253314 * deviation.mean(axis=0))
        scale[scale == 0] = 1.0
    return (deviation / scale).max(axis=1)


def numpy_iqr(X):
    q1, q3 = np.percentile(X, [25, 75], axis=0)
    iqr = q3 - q1
    low = q1 - 1.5 * iqr
    high = q3 + 1.5 * iqr
    iqr[iqr == 0] = 1.0
    return (np.maximum(0.0, np.maximum(low - X, X - high)) / iqr).max(axis=1)


NUMPY_BATCH = {"zscore": numpy_zscore, "modified_zscore": numpy_modified_zscore, "iqr": numpy_iqr}


def pandas_rolling_zscore(x):
    series = pd.Series(x)
    rolling = series.rolling(WINDOW)
    mean = rolling.mean().shift(1)
    std = rolling.std(ddof=0).shift(1)
    return ((series - mean).abs() / std).to_numpy()


def pandas_rolling_median(x):
    """pandas has no rolling MAD: |x - rolling median| is the part it can do natively."""
    series = pd.Series(x)
    return (series - series.rolling(WINDOW).median().shift(1)).abs().to_numpy()


def window_mad(values):
    return np.median(np.abs(values - np.median(values)))


def pandas_rolling_mad_apply(x):
    """The exact rolling MAD score through rolling().apply(raw=True): what a pandas user writes."""
    series = pd.Series(x)
    rolling = series.rolling(WINDOW)
    median = rolling.median().shift(1)
    mad = rolling.apply(window_mad, raw=True).shift(1)
    return (CONSISTENCY * (series - median).abs() / mad).to_numpy()


def pandas_rolling_iqr(x):
    series = pd.Series(x)
    rolling = series.rolling(WINDOW)
    q1 = rolling.quantile(0.25).shift(1)
    q3 = rolling.quantile(0.75).shift(1)
    iqr = q3 - q1
    outside = np.maximum(0.0, np.maximum(q1 - 1.5 * iqr - series, series - q3 - 1.5 * iqr))
    return (outside / iqr).to_numpy()


# ------------------------------------------------------------------------------------------------
# Workloads: integers (milli-units) so the CSV is short and parses to exactly the peer's values.


def batch_workload(rows, features, seed, planted_share=0.005):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((rows, features)) * 1000.0
    labels = np.zeros(rows, dtype=np.int64)
    planted = rng.choice(rows, size=int(rows * planted_share), replace=False)  # 0.5 % by default
    for row in planted:
        columns = rng.choice(features, size=rng.integers(1, 4), replace=False)
        X[row, columns] += rng.choice([-1.0, 1.0], size=columns.size) * rng.uniform(4.0, 8.0) * 1000
    labels[planted] = 1
    return np.rint(X), labels


def rolling_workload(samples, seed):
    rng = np.random.default_rng(seed)
    t = np.arange(samples, dtype=np.float64)
    level = 5.0 * np.sin(2 * np.pi * t / 50_000.0) + np.cumsum(rng.normal(0, 0.01, samples))
    x = level + rng.standard_normal(samples)
    labels = np.zeros(samples, dtype=np.int64)
    spikes = rng.choice(np.arange(WINDOW, samples), size=samples // 1000, replace=False)
    x[spikes] += rng.choice([-1.0, 1.0], size=spikes.size) * rng.uniform(3.0, 6.0, spikes.size)
    labels[spikes] = 1
    return np.rint(x * 1000.0), labels


def write_csv(path, X, labels):
    """Integer-valued float64 columns plus the label, in the CLI's CSV format."""
    X = X.reshape(len(labels), -1)
    header = ",".join([f"f{j}" for j in range(X.shape[1])] + ["label"])
    table = np.column_stack([X.astype(np.int64), labels])
    np.savetxt(path, table, fmt="%d", delimiter=",", header=header, comments="")


# ------------------------------------------------------------------------------------------------
# Running both sides


def run_cli(cli, algorithm, csv_path, repeat, settings=()):
    """Best fit+score seconds over `repeat` CLI runs, and the ROC-AUC the CLI reports."""
    command = [cli, "detect", "--algorithm", algorithm, "--stats", "--output", os.devnull]
    for setting in settings:
        command += ["--set", setting]
    command.append(csv_path)
    best, auc = float("inf"), float("nan")
    for _ in range(repeat):
        done = subprocess.run(command, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} exited {done.returncode}: {done.stderr.strip()}")
        stats = parse_stats(done.stderr)
        best = min(best, stats["fit_seconds"] + stats["score_seconds"])
        auc = stats.get("roc_auc", float("nan"))
    return best, auc


def parse_stats(stderr):
    for line in reversed(stderr.strip().splitlines()):
        line = line.strip()
        if line.startswith("{"):
            return json.loads(line)
    raise RuntimeError(f"no --stats JSON object on the CLI's stderr: {stderr.strip()!r}")


def run_peer(function, data, repeat):
    best, scores = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        scores = function(data)
        best = min(best, time.perf_counter() - start)
    return best, scores


def fmt_seconds(seconds):
    return f"{seconds:.3g}" if seconds == seconds else "n/a"


def fmt_auc(auc):
    return f"{auc:.4f}" if auc == auc else "n/a"


class Table:
    def __init__(self):
        self.rows = []

    def add(self, workload, ours, peer_name, peer, auc_ours, auc_peer):
        ratio = peer / ours if ours > 0 else float("nan")
        self.rows.append([workload, fmt_seconds(ours), peer_name, fmt_seconds(peer),
                          f"{ratio:.2f}" if ratio == ratio else "n/a",
                          fmt_auc(auc_ours), fmt_auc(auc_peer)])
        print(f"  {workload}: ours {fmt_seconds(ours)} s, {peer_name} {fmt_seconds(peer)} s",
              file=sys.stderr, flush=True)

    def print(self):
        header = ["workload", "ours (s)", "peer", "peer (s)", "ratio (peer/ours)",
                  "ROC-AUC ours", "ROC-AUC peer"]
        print("| " + " | ".join(header) + " |")
        print("|" + "|".join(["---"] * 3 + ["---:"] * 4) + "|")
        for row in self.rows:
            print("| " + " | ".join(row) + " |")


def compare_batch(table, cli, workdir, rows, features, repeat):
    X, labels = batch_workload(rows, features, seed=1)
    path = os.path.join(workdir, f"batch_{rows}x{features}.csv")
    write_csv(path, X, labels)
    # numpy's users have C order (np.loadtxt) or Fortran order (DataFrame.to_numpy()); the peer
    # gets whichever is faster for each detector.
    layouts = {"C": np.ascontiguousarray(X), "F": np.asfortranarray(X)}
    for algorithm, function in NUMPY_BATCH.items():
        ours, auc_ours = run_cli(cli, algorithm, path, repeat)
        timings = {name: run_peer(function, data, repeat) for name, data in layouts.items()}
        layout = min(timings, key=lambda name: timings[name][0])
        peer, scores = timings[layout]
        table.add(f"{algorithm}, {rows:.0e} x {features}", ours, f"numpy ({layout} order)", peer,
                  auc_ours, roc_auc(labels, scores))
    os.remove(path)


def compare_rolling(table, cli, workdir, samples, repeat, peers):
    x, labels = rolling_workload(samples, seed=2)
    path = os.path.join(workdir, f"rolling_{samples}.csv")
    write_csv(path, x, labels)
    for algorithm, peer_name, function in peers:
        ours, auc_ours = run_cli(cli, algorithm, path, repeat, [f"window={WINDOW}"])
        peer, scores = run_peer(function, x, repeat)
        table.add(f"{algorithm}, {samples:.0e} samples, window {WINDOW}", ours, peer_name, peer,
                  auc_ours, roc_auc(labels, scores))
    os.remove(path)


ROLLING_PEERS = [
    ("rolling_zscore", "pandas rolling mean+std", pandas_rolling_zscore),
    ("rolling_mad", "pandas rolling median only (no MAD)", pandas_rolling_median),
    ("rolling_iqr", "pandas rolling quantile 0.25+0.75", pandas_rolling_iqr),
]
ROLLING_MAD_APPLY = [("rolling_mad", "pandas rolling apply(MAD, raw=True)", pandas_rolling_mad_apply)]


def read_tabular(path):
    """Features (float64) and labels of a shared tabular set: its last column is `label`."""
    frame = pd.read_csv(path)
    labels = frame.pop("label").to_numpy()
    return frame.to_numpy(dtype=np.float64), labels


def shared_sets(directory):
    """(name, path, X, labels) of every shared tabular set, by name; a SKIPPED line instead when
    the folder does not exist."""
    if not os.path.isdir(directory):
        print(f"\nShared tabular sets: SKIPPED ({directory} does not exist).")
        return
    for name in sorted(n for n in os.listdir(directory) if n.endswith(".csv")):
        path = os.path.join(directory, name)
        X, labels = read_tabular(path)
        yield name[:-4], path, X, labels


def compare_tabular(cli, directory):
    """ROC-AUC of the CLI vs numpy's same formula on every shared tabular set."""
    if not os.path.isdir(directory):
        print(f"\nShared tabular data: SKIPPED ({directory} does not exist).")
        return
    names = sorted(name for name in os.listdir(directory) if name.endswith(".csv"))
    print(f"\nROC-AUC on the shared tabular sets ({directory}), outlier mode, max over features:\n")
    print("| data set | rows x features | algorithm | ROC-AUC ours | ROC-AUC numpy | difference |")
    print("|---|---:|---|---:|---:|---:|")
    for name in names:
        path = os.path.join(directory, name)
        X, labels = read_tabular(path)
        for algorithm, function in NUMPY_BATCH.items():
            _, auc_ours = run_cli(cli, algorithm, path, 1)
            auc_numpy = roc_auc(labels, function(X))
            print(f"| {name[:-4]} | {X.shape[0]} x {X.shape[1]} | {algorithm} | {fmt_auc(auc_ours)} "
                  f"| {fmt_auc(auc_numpy)} | {abs(auc_ours - auc_numpy):.1e} |", flush=True)
    print("\nDifferences far above 1e-16 come from ties: on integer-valued data, scores of different "
          "features that are equal in exact arithmetic round differently (the library multiplies by "
          "1/scale, numpy divides), so a few pairs of rows swap between tied and untied.")


# ------------------------------------------------------------------------------------------------
# IsolationForest vs scikit-learn

IFOREST_SETTINGS = ["n_trees=100", "max_samples=256"]
IFOREST_SEEDS = 5
IFOREST_RATIO = "sklearn/ours (> 1: ours faster)"


def sklearn_iforest(seed):
    return IsolationForest(n_estimators=100, max_samples=256, n_jobs=1, random_state=seed)


def run_sklearn_iforest(X_fit, X_score, seed, repeat):
    """Best (fit, score_samples) seconds over `repeat` runs, by their sum, and the scores
    (negated: scikit-learn's score_samples is higher for normal rows)."""
    best, scores = (float("inf"), float("inf")), None
    for _ in range(repeat):
        start = time.perf_counter()
        forest = sklearn_iforest(seed).fit(X_fit)
        fitted = time.perf_counter()
        scores = -forest.score_samples(X_score)
        done = time.perf_counter()
        if (fitted - start) + (done - fitted) < sum(best):
            best = (fitted - start, done - fitted)
    return best, scores


def run_cli_json(command):
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} exited {done.returncode}: {done.stderr.strip()}")
    return parse_stats(done.stderr)


def iforest_settings(seed):
    settings = []
    for setting in IFOREST_SETTINGS + [f"seed={seed}"]:
        settings += ["--set", setting]
    return settings


def run_cli_split(cli, train_path, score_path, model_path, seed, repeat):
    """Fit on train_path, score score_path, two ways: `anomaly train` then `anomaly score` with the
    saved model (train calls fit_score: it scores every training row for its --stats), and
    `anomaly detect --train` in one process (fit: the trees, then at most 2048 training rows for
    the threshold). For each, the best (fit_seconds, score_seconds) over `repeat` runs by their
    sum, and the ROC-AUC reported on score_path."""
    train = ([cli, "train", "--algorithm", "iforest", "--stats", "--model", model_path]
             + iforest_settings(seed) + [train_path])
    score = [cli, "score", "--model", model_path, "--stats", "--output", os.devnull, score_path]
    detect = ([cli, "detect", "--algorithm", "iforest", "--stats", "--output", os.devnull,
               "--train", train_path] + iforest_settings(seed) + [score_path])
    results = {}
    ways = (("anomaly train + anomaly score", [train, score]),
            ("anomaly detect --train", [detect]))
    for name, commands in ways:
        best, auc = (float("inf"), float("inf")), float("nan")
        for _ in range(repeat):
            runs = [run_cli_json(command) for command in commands]
            fit, scored = runs[0]["fit_seconds"], runs[-1]["score_seconds"]
            if fit + scored < sum(best):
                best = (fit, scored)
            auc = runs[-1].get("roc_auc", float("nan"))
        results[name] = (best, auc)
    os.remove(model_path)
    return results


def fmt_ratio(peer, ours):
    return f"{peer / ours:.2f}" if ours > 0 and peer == peer else "n/a"


def compare_iforest_synthetic(cli, workdir, shapes, repeat):
    """Fit on the first half of each synthetic set, score the second half, seed 0."""
    print("\n## IsolationForest vs scikit-learn: synthetic data, fit on the first half, score the "
          "second\n")
    print("100 trees, max_samples 256, seed 0, one thread; best of "
          f"{repeat} by fit + score. Ours, CSV parsing excluded, two ways: `anomaly train` "
          "fit_seconds (train runs fit_score: it scores every training row, for its --stats) + "
          "`anomaly score` score_seconds with the saved model; and `anomaly detect --train` "
          "fit_seconds + score_seconds in one process (fit: the trees, then at most 2048 training "
          "rows for the threshold; the same model). scikit-learn: wall time of fit and "
          "score_samples from float64 arrays in memory (its fit scores no training rows when "
          "contamination='auto'), measured once per workload and shown on both rows.\n")
    print(f"| workload | mode | ours fit / score (s) | sklearn fit / score (s) | ours (s) "
          f"| sklearn (s) | {IFOREST_RATIO} | ROC-AUC ours | ROC-AUC sklearn |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for seed, (rows, features) in enumerate(shapes, start=3):
        X, labels = batch_workload(rows, features, seed=seed, planted_share=0.01)
        half = rows // 2
        train_path = os.path.join(workdir, f"iforest_{rows}x{features}_train.csv")
        score_path = os.path.join(workdir, f"iforest_{rows}x{features}_score.csv")
        write_csv(train_path, X[:half], labels[:half])
        write_csv(score_path, X[half:], labels[half:])
        ours_runs = run_cli_split(cli, train_path, score_path,
                                  os.path.join(workdir, "iforest.model"), 0, repeat)
        (peer_fit, peer_score), scores = run_sklearn_iforest(X[:half], X[half:], 0, repeat)
        peer, auc_peer = peer_fit + peer_score, roc_auc(labels[half:], scores)
        workload = f"iforest, {rows:.0e} x {features}"
        for way, ((ours_fit, ours_score), auc_ours) in ours_runs.items():
            ours = ours_fit + ours_score
            print(f"  {workload}, {way}: ours {fmt_seconds(ours)} s, sklearn {fmt_seconds(peer)} s",
                  file=sys.stderr, flush=True)
            print(f"| {workload} | split, `{way}`: fit {half} rows, score the other {half} | "
                  f"{fmt_seconds(ours_fit)} / {fmt_seconds(ours_score)} | "
                  f"{fmt_seconds(peer_fit)} / {fmt_seconds(peer_score)} | {fmt_seconds(ours)} | "
                  f"{fmt_seconds(peer)} | {fmt_ratio(peer, ours)} | {fmt_auc(auc_ours)} | "
                  f"{fmt_auc(auc_peer)} |", flush=True)
        os.remove(train_path)
        os.remove(score_path)


def fmt_auc_spread(aucs):
    aucs = np.asarray(aucs, dtype=np.float64)
    if aucs.size == 0 or np.isnan(aucs).any():
        return "n/a"
    return f"{aucs.mean():.4f} ± {aucs.std():.4f}" if aucs.size > 1 else f"{aucs[0]:.4f}"


def compare_iforest_tabular(cli, directory, seeds, max_rows):
    """Outlier mode on every shared tabular set: ROC-AUC over `seeds`, the fastest run's time."""
    if not os.path.isdir(directory):
        print(f"\nIsolationForest on the shared tabular sets: SKIPPED ({directory} does not "
              "exist).")
        return
    names = sorted(name for name in os.listdir(directory) if name.endswith(".csv"))
    print("\n## IsolationForest vs scikit-learn: shared tabular sets "
          f"({directory}), outlier mode\n")
    print(f"Fit on all rows, score all rows; 100 trees, max_samples 256, one thread, seeds "
          f"{', '.join(map(str, seeds))} on both sides. ROC-AUC: mean ± standard deviation over "
          "the seeds. Times: the fastest of the seeds' runs; ours is the CLI's --stats "
          "fit_seconds + score_seconds (`anomaly detect`, CSV parsing excluded), scikit-learn's "
          "the wall time of fit + score_samples from float64 arrays in memory.\n")
    print(f"| data set | rows x features | mode | ours (s) | sklearn (s) | {IFOREST_RATIO} "
          "| ROC-AUC ours | ROC-AUC sklearn | mean difference |")
    print("|---|---:|---|---:|---:|---:|---:|---:|---:|")
    for name in names:
        path = os.path.join(directory, name)
        X, labels = read_tabular(path)
        shape = f"{X.shape[0]} x {X.shape[1]}"
        if max_rows is not None and X.shape[0] > max_rows:
            print(f"| {name[:-4]} | {shape} | SKIPPED (--quick: over {max_rows} rows) "
                  "| | | | | | |", flush=True)
            continue
        ours_times, peer_times, ours_aucs, peer_aucs = [], [], [], []
        for seed in seeds:
            seconds, auc = run_cli(cli, "iforest", path, 1, IFOREST_SETTINGS + [f"seed={seed}"])
            ours_times.append(seconds)
            ours_aucs.append(auc)
            (fit, score), scores = run_sklearn_iforest(X, X, seed, 1)
            peer_times.append(fit + score)
            peer_aucs.append(roc_auc(labels, scores))
        ours, peer = min(ours_times), min(peer_times)
        print(f"  iforest, {name[:-4]}: ours {fmt_seconds(ours)} s, sklearn {fmt_seconds(peer)} s",
              file=sys.stderr, flush=True)
        print(f"| {name[:-4]} | {shape} | outlier | {fmt_seconds(ours)} | {fmt_seconds(peer)} "
              f"| {fmt_ratio(peer, ours)} | {fmt_auc_spread(ours_aucs)} "
              f"| {fmt_auc_spread(peer_aucs)} "
              f"| {np.mean(ours_aucs) - np.mean(peer_aucs):+.4f} |", flush=True)
    print("\nFor the same seed both grow the same trees (we draw rows, features and thresholds as "
          "scikit-learn does); the scores still differ a little, because scikit-learn normalizes "
          "path lengths with an approximation of c(n) where we use the exact value, and because "
          "it grows and walks its trees in float32 where the CLI computes in double (--float: "
          "single precision), so data not exact in float32 can split differently.")


def compare_iforest(cli, workdir, shared_data, quick, repeat, seeds):
    if IsolationForest is None:
        print("\nIsolationForest vs scikit-learn: SKIPPED (scikit-learn is missing; install "
              "Debian's python3-sklearn).")
        return
    shapes = [(10_000, 8), (10_000, 32)] if quick else [(1_000_000, 8), (100_000, 32)]
    compare_iforest_synthetic(cli, workdir, shapes, repeat)
    compare_iforest_tabular(cli, shared_data, [0] if quick else list(range(seeds)),
                            10_000 if quick else None)


# ------------------------------------------------------------------------------------------------
# Neighbours: KdTree vs scikit-learn and nanoflann; LocalOutlierFactor vs scikit-learn

KNN_K = 20


def knn_peers_path(cli):
    """knn_peers (bench/neighbors/knn_peers.cpp) in the CLI's build tree, or $ANOMALY_KNN_PEERS."""
    if os.environ.get("ANOMALY_KNN_PEERS"):
        return os.environ["ANOMALY_KNN_PEERS"]
    build = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(cli))))
    return os.path.join(build, "bench", "knn_peers")


def compare_knn(cli, workdir, rows, features, repeat):
    """All-points kNN (k = 20, each row left out of its own list) on seeded Gaussian rows."""
    print(f"\n## k nearest neighbours: KdTree vs nanoflann and scikit-learn, {rows} x {features}\n")
    peers = knn_peers_path(cli)
    if not os.access(peers, os.X_OK):
        print(f"SKIPPED: {peers} was not built (it needs Debian's libnanoflann-dev and the bench "
              "preset).")
        return
    X = np.random.default_rng(7).standard_normal((rows, features))
    path = os.path.join(workdir, "knn.f64")
    X.astype("<f8").tofile(path)
    done = subprocess.run([peers, path, str(rows), str(features), str(KNN_K), str(repeat)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"knn_peers exited {done.returncode}: {done.stderr.strip()}")
    ours = json.loads(done.stdout)
    os.remove(path)
    peer_fit, peer_query = float("inf"), float("inf")
    if NearestNeighbors is not None:
        for _ in range(repeat):
            start = time.perf_counter()
            index = NearestNeighbors(n_neighbors=KNN_K, algorithm="kd_tree", n_jobs=1).fit(X)
            fitted = time.perf_counter()
            index.kneighbors()
            done_at = time.perf_counter()
            peer_fit, peer_query = min(peer_fit, fitted - start), min(peer_query, done_at - fitted)
    print(f"k = {KNN_K}, every row queried, itself left out (scikit-learn's kneighbors() without "
          "X; nanoflann asks for k + 1 and drops the row). One thread, best of "
          f"{repeat}; ours and nanoflann in one C++ process (bench/neighbors/knn_peers.cpp, -O3 "
          "-march=native), float64 throughout. Largest relative difference of the k-th squared "
          f"distance, ours vs nanoflann: {ours['max_relative_difference']:.1e}.\n")
    print("| library | build (s) | query (s) | query ratio (peer / ours) |")
    print("|---|---:|---:|---:|")
    print(f"| anomaly KdTree | {ours['ours_build']:.3g} | {ours['ours_query']:.3g} | 1 |")
    print(f"| nanoflann 1.4.3 | {ours['nanoflann_build']:.3g} | {ours['nanoflann_query']:.3g} "
          f"| {fmt_ratio(ours['nanoflann_query'], ours['ours_query'])} |")
    if NearestNeighbors is not None:
        print(f"| scikit-learn {sklearn.__version__} kd_tree | {peer_fit:.3g} | {peer_query:.3g} "
              f"| {fmt_ratio(peer_query, ours['ours_query'])} |", flush=True)


def run_sklearn_lof(X, repeat):
    """Best fit seconds of LocalOutlierFactor(n_neighbors=20) and its LOF (sign flipped)."""
    best, scores = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        lof = LocalOutlierFactor(n_neighbors=20).fit(X)
        best = min(best, time.perf_counter() - start)
        scores = -lof.negative_outlier_factor_
    return best, scores


def run_cli_scores(cli, algorithm, path, repeat, workdir):
    """Best fit + score seconds of `anomaly detect` (outlier mode), its ROC-AUC and its scores."""
    output = os.path.join(workdir, "scores.csv")
    command = [cli, "detect", "--algorithm", algorithm, "--stats", "--output", output, path]
    best, stats = float("inf"), {}
    for _ in range(repeat):
        stats = run_cli_json(command)
        best = min(best, stats["fit_seconds"] + stats["score_seconds"])
    scores = np.loadtxt(output, delimiter=",", skiprows=1, usecols=0, ndmin=1)
    os.remove(output)
    return best, stats.get("roc_auc", float("nan")), scores


def lof_row(name, shape, ours, auc_ours, scores_ours, peer, labels, scores_peer):
    relative = np.abs(scores_ours - scores_peer) / np.abs(scores_peer)
    auc_peer = roc_auc(labels, scores_peer) if labels is not None else float("nan")
    print(f"  lof, {name}: ours {fmt_seconds(ours)} s, sklearn {fmt_seconds(peer)} s",
          file=sys.stderr, flush=True)
    print(f"| {name} | {shape} | {fmt_seconds(ours)} | {fmt_seconds(peer)} | "
          f"{fmt_ratio(peer, ours)} | {fmt_auc(auc_ours)} | {fmt_auc(auc_peer)} | "
          f"{relative.max():.1e} | {int((relative > 1e-9).sum())} |", flush=True)


def compare_lof(cli, workdir, shared_data, quick, repeat):
    if LocalOutlierFactor is None:
        print("\nLocalOutlierFactor vs scikit-learn: SKIPPED (install Debian's python3-sklearn).")
        return
    print("\n## LocalOutlierFactor vs scikit-learn, outlier mode (fit_score)\n")
    print("n_neighbors 20, one thread, best of the runs. Ours: `anomaly detect --algorithm lof` "
          "--stats fit_seconds + score_seconds (CSV parsing excluded); scikit-learn: wall time of "
          "LocalOutlierFactor.fit from a float64 array (algorithm 'auto'), whose "
          "negative_outlier_factor_ (sign flipped) is compared row by row with our scores. Rows "
          "differ only where the k-th neighbour distance ties (the tie order can differ) or where "
          "a row has at least 20 exact duplicates (we use the k-distinct-distance there; "
          "docs/detectors/local_outlier_factor.md).\n")
    print("| data set | rows x features | ours (s) | sklearn (s) | sklearn/ours (> 1: ours faster) "
          "| ROC-AUC ours | ROC-AUC sklearn | largest relative difference | rows > 1e-9 |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    rows = 10_000 if quick else 100_000
    X, labels = batch_workload(rows, 8, seed=11, planted_share=0.01)
    path = os.path.join(workdir, f"lof_{rows}x8.csv")
    write_csv(path, X, labels)
    ours, auc_ours, scores = run_cli_scores(cli, "lof", path, repeat, workdir)
    peer, peer_scores = run_sklearn_lof(X, repeat)
    lof_row(f"synthetic {rows:.0e} x 8", f"{rows} x 8", ours, auc_ours, scores, peer, labels,
            peer_scores)
    os.remove(path)
    for name, path, X, labels in shared_sets(shared_data):
        if quick and X.shape[0] > 10_000:
            continue
        ours, auc_ours, scores = run_cli_scores(cli, "lof", path, 1 if quick else repeat, workdir)
        peer, peer_scores = run_sklearn_lof(X, 1 if quick else repeat)
        lof_row(name, f"{X.shape[0]} x {X.shape[1]}", ours, auc_ours, scores, peer, labels,
                peer_scores)


# ------------------------------------------------------------------------------------------------
# EllipticEnvelope vs scikit-learn

ELLIPTIC_SEEDS = 5


def run_sklearn_elliptic(X_fit, X_score, seed, repeat):
    """Best (fit, score_samples) seconds of EllipticEnvelope(random_state=seed) over `repeat` runs,
    by their sum, and its scores (-score_samples: the squared Mahalanobis distances); or the
    exception's text when it fails."""
    import warnings
    best, scores = (float("inf"), float("inf")), None
    for _ in range(repeat):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                start = time.perf_counter()
                envelope = EllipticEnvelope(random_state=seed).fit(X_fit)
                fitted = time.perf_counter()
                scores = -envelope.score_samples(X_score)
                done = time.perf_counter()
            except (ValueError, np.linalg.LinAlgError) as error:
                return None, f"{type(error).__name__}: {error}"
        if (fitted - start) + (done - fitted) < sum(best):
            best = (fitted - start, done - fitted)
    return best, scores


def compare_elliptic_synthetic(cli, workdir, rows, repeat):
    """Fit on rows x 8 (1 % planted outliers), seed 0: our fit_seconds vs scikit-learn's fit."""
    X, labels = batch_workload(rows, 8, seed=12, planted_share=0.01)
    path = os.path.join(workdir, f"elliptic_{rows}x8.csv")
    write_csv(path, X, labels)
    command = [cli, "detect", "--algorithm", "elliptic", "--set", "seed=0", "--stats", "--output",
               os.devnull, "--train", path, path]
    ours, auc_ours = float("inf"), float("nan")
    for _ in range(repeat):
        stats = run_cli_json(command)
        ours = min(ours, stats["fit_seconds"])
        auc_ours = stats.get("roc_auc", float("nan"))
    (peer, _), scores = run_sklearn_elliptic(X, X, 0, repeat)
    os.remove(path)
    print(f"  elliptic, {rows:.0e} x 8 fit: ours {fmt_seconds(ours)} s, sklearn "
          f"{fmt_seconds(peer)} s", file=sys.stderr, flush=True)
    print(f"| fit, synthetic {rows:.0e} x 8 (`anomaly detect --train`, seed 0) | {rows} x 8 "
          f"| {fmt_seconds(ours)} | {fmt_seconds(peer)} | {fmt_ratio(peer, ours)} "
          f"| {fmt_auc(auc_ours)} | {fmt_auc(roc_auc(labels, scores))} | | |", flush=True)


def compare_elliptic(cli, workdir, shared_data, quick, repeat, seeds):
    if EllipticEnvelope is None:
        print("\nEllipticEnvelope vs scikit-learn: SKIPPED (install Debian's python3-sklearn).")
        return
    seeds = [0] if quick else list(range(seeds))
    print("\n## EllipticEnvelope vs scikit-learn\n")
    print("Default parameters (support_fraction None, contamination 0.1), one thread. The synthetic "
          "row times fit alone, best of the runs: ours is `anomaly detect --train` fit_seconds "
          "(CSV parsing excluded), scikit-learn's the wall time of EllipticEnvelope.fit from a "
          "float64 array. The shared sets run in outlier mode (fit and score all rows), seeds "
          f"{', '.join(map(str, seeds))} on both sides (the same random subsets for the same "
          "seed): times are the fastest seed's fit + score, ROC-AUC the mean over the seeds and "
          "the largest difference of one seed's.\n")
    print("| workload | rows x features | ours (s) | sklearn (s) | sklearn/ours (> 1: ours faster) "
          "| ROC-AUC ours | ROC-AUC sklearn | largest seed difference | seeds within 1e-4 |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    compare_elliptic_synthetic(cli, workdir, 10_000 if quick else 100_000, repeat)
    for name, path, X, labels in shared_sets(shared_data):
        shape = f"{X.shape[0]} x {X.shape[1]}"
        if quick and X.shape[0] > 10_000:
            print(f"| {name} | {shape} | SKIPPED (--quick: over 10000 rows) | | | | | | |")
            continue
        ours_times, peer_times, ours_aucs, peer_aucs, failure = [], [], [], [], None
        for seed in seeds:
            seconds, auc = run_cli(cli, "elliptic", path, 1, [f"seed={seed}"])
            ours_times.append(seconds)
            ours_aucs.append(auc)
            times, scores = run_sklearn_elliptic(X, X, seed, 1)
            if times is None:
                failure = scores
                break
            peer_times.append(sum(times))
            peer_aucs.append(roc_auc(labels, scores))
        if failure is not None:
            print(f"| {name} | {shape} | {fmt_seconds(min(ours_times))} | scikit-learn "
                  f"failed: {failure} | | {fmt_auc_spread(ours_aucs)} | | | |", flush=True)
            continue
        ours, peer = min(ours_times), min(peer_times)
        differences = np.abs(np.asarray(ours_aucs) - np.asarray(peer_aucs))
        print(f"  elliptic, {name}: ours {fmt_seconds(ours)} s, sklearn {fmt_seconds(peer)} s",
              file=sys.stderr, flush=True)
        print(f"| {name} | {shape} | {fmt_seconds(ours)} | {fmt_seconds(peer)} "
              f"| {fmt_ratio(peer, ours)} | {np.mean(ours_aucs):.4f} | {np.mean(peer_aucs):.4f} "
              f"| {differences.max():.1e} | {int((differences <= 1e-4).sum())} of {len(seeds)} |",
              flush=True)
    print("\nWhere a set's covariances are singular or nearly so (cardio's columns are collinear, "
          "mammography's subsets have constant features), which subsets count as exact fits and "
          "how ties order depend on the last bits of LAPACK's and OpenBLAS's arithmetic: there "
          "scikit-learn's own ROC-AUC moves by as much when the data is perturbed by one ulp "
          "(docs/detectors/elliptic_envelope.md).")


def cmake_flags(cli):
    """Build type and flags from the CMakeCache.txt of the build tree holding the CLI, if any."""
    directory = os.path.dirname(os.path.abspath(cli))
    while directory != os.path.dirname(directory):
        cache = os.path.join(directory, "CMakeCache.txt")
        if os.path.exists(cache):
            wanted = ("CMAKE_BUILD_TYPE:", "CMAKE_CXX_COMPILER:", "CMAKE_CXX_FLAGS:",
                      "CMAKE_CXX_FLAGS_RELEASE:")
            with open(cache) as lines:
                found = [line.strip() for line in lines if line.startswith(wanted)]
            return "; ".join(found)
        directory = os.path.dirname(directory)
    return "unknown (no CMakeCache.txt above the CLI)"


def blas_description():
    try:
        import threadpoolctl
        pools = threadpoolctl.threadpool_info()
        return "; ".join(
            f"{pool.get('internal_api')} {pool.get('version')} ({pool.get('threading_layer')}, "
            f"core {pool.get('architecture')}, {pool.get('num_threads')} thread(s), "
            f"{pool.get('filepath')})" for pool in pools) or "none loaded"
    except ImportError:
        import contextlib
        import io
        text = io.StringIO()
        with contextlib.redirect_stdout(text):
            np.show_config()
        return " ".join(text.getvalue().split())


def print_header(cli):
    print("# anomaly vs numpy/pandas/scikit-learn\n")
    print(f"- CPU: {cpu_model()} ({os.cpu_count()} logical CPUs), {platform.platform()}")
    print(f"- Python {platform.python_version()} ({sys.executable}), numpy {np.__version__}, "
          f"pandas {pd.__version__}, scikit-learn "
          f"{sklearn.__version__ if sklearn is not None else 'missing'}")
    print(f"- BLAS numpy uses: {blas_description()}")
    environment = ", ".join(f"{name}={os.environ[name]}" for name in PEER_ENVIRONMENT)
    print(f"- Environment (both sides): {environment}")
    print(f"- anomaly CLI: {cli}; {cmake_flags(cli)}")
    print("- Times: best of the repeats, excluding CSV parsing (ours: --stats fit_seconds + "
          "score_seconds; peer: from arrays in memory). Ratio > 1 means ours is faster.")
    print("- Rolling peers score x[t] against the previous 1024 samples (shift(1), ddof=0). pandas "
          "has no rolling MAD: the 10^6/10^7 MAD rows time rolling().median() only (its ROC-AUC is of "
          "|x - median|), the 10^5 row the exact MAD via rolling().apply(raw=True).\n")


# ------------------------------------------------------------------------------------------------
# NAB time series: the seasonal detector beside the rolling z-score

# (key, label, command, algorithm, ESD allowed 2% of the series).
NAB_ALGORITHMS = [
    ("seasonal", "SeasonalDetector, robust z > 3.5", "detect", "seasonal", False),
    ("seasonal_esd", "SeasonalDetector, ESD <= 2%", "detect", "seasonal", True),
    ("streaming_seasonal", "StreamingSeasonal", "stream", "seasonal", False),
    ("rolling_zscore", "rolling z-score (window 1024)", "detect", "rolling_zscore", False),
]


def samples_per_day(path):
    """One day in samples, from the median step of the file's timestamp column (Unix seconds)."""
    stamps = np.loadtxt(path, delimiter=",", skiprows=1, usecols=0)
    return max(2, int(round(86400 / np.median(np.diff(stamps)))))


def nab_cell(stats):
    def auc(value):
        return fmt_auc(float("nan") if value is None else value)
    return (f"{auc(stats['window_roc_auc'])}, {auc(stats['roc_auc'])}, "
            f"{stats['windows_flagged']} of {stats['windows']}, {stats['flags_outside_windows']}")


def run_nab(cli, command, algorithm, esd, path, period):
    """--stats of one NAB series through `anomaly detect FILE` or `anomaly stream < FILE`."""
    arguments = [cli, command, "--algorithm", algorithm, "--stats"]
    if algorithm == "seasonal" and period is not None:
        arguments += ["--set", f"period={period}"]
    if esd:
        rows = sum(1 for _ in open(path)) - 1
        arguments += ["--set", f"max_anomalies={max(1, rows // 50)}"]
    if command == "detect":
        return subprocess.run(arguments + ["--output", os.devnull, path], capture_output=True,
                              text=True)
    with open(path) as data:
        return subprocess.run(arguments, stdin=data, capture_output=True, text=True)


def compare_nab(cli, directory):
    """Each NAB series through the CLI with --stats: the ROC-AUC of the scores against the
    labelled windows and against NAB's anomaly points, and the windows with at least one flag.
    Default parameters; the seasonal detectors' period is SeasonalDetector's estimate
    (anomaly::estimate_period), or, where it finds none, one day of samples (from the
    timestamps; marked "day")."""
    print("\n## NAB time series: seasonal detectors vs rolling z-score\n")
    if not os.path.isdir(directory):
        print(f"SKIPPED: {directory} not found (it is ../shared/data/timeseries).")
        return
    paths = sorted(glob.glob(os.path.join(directory, "*.csv")))
    results = {key: [] for key, *_ in NAB_ALGORITHMS}
    print("| series | period | " + " | ".join(
        f"{label}: window AUC, point AUC, windows flagged, flags outside"
        for _, label, *_ in NAB_ALGORITHMS) + " |")
    print("|---|---:|" + "---|" * len(NAB_ALGORITHMS))
    start = time.perf_counter()
    for path in paths:
        name = os.path.basename(path)[:-4]
        cells, period, shown = [], None, ""
        for key, _, command, algorithm, esd in NAB_ALGORITHMS:
            done = run_nab(cli, command, algorithm, esd, path, period)
            if done.returncode != 0 and "no period found" in done.stderr:
                period = samples_per_day(path)
                shown = f"{period} (day)"
                done = run_nab(cli, command, algorithm, esd, path, period)
            if done.returncode != 0:
                raise RuntimeError(f"{key} on {path}: {done.stderr.strip()}")
            stats = parse_stats(done.stderr)
            if "period" in stats and period is None:
                period, shown = stats["period"], str(stats["period"])
            results[key].append(stats)
            cells.append(nab_cell(stats))
        print(f"| {name} | {shown} | " + " | ".join(cells) + " |", flush=True)
    print(f"\n({len(paths)} series, {time.perf_counter() - start:.1f} s in all)\n")
    for key, label, *_ in NAB_ALGORITHMS:
        runs = results[key]
        window_aucs = [r["window_roc_auc"] for r in runs if r["window_roc_auc"] is not None]
        point_aucs = [r["roc_auc"] for r in runs if r["roc_auc"] is not None]
        print(f"- {label}: {len(runs)} of {len(paths)} series scored; mean window ROC-AUC "
              f"{np.mean(window_aucs):.4f} ({len(window_aucs)} series), mean point ROC-AUC "
              f"{np.mean(point_aucs):.4f} ({len(point_aucs)} series); windows flagged "
              f"{sum(r['windows_flagged'] for r in runs)} of {sum(r['windows'] for r in runs)}; "
              f"flags outside windows {sum(r['flags_outside_windows'] for r in runs)}")


# ------------------------------------------------------------------------------------------------
# STL: anomaly::stl vs statsmodels' STL

def stl_series(points, period, seed=20261121):
    """Trend, two harmonics of the period, unit Gaussian noise and a spike every 997 points."""
    i = np.arange(points)
    phase = 2 * np.pi * (i % period) / period
    noise = np.random.default_rng(seed).standard_normal(points)
    return (100 + 1e-5 * i + 10 * np.sin(phase) + 3 * np.cos(2 * phase) + noise
            + np.where(i % 997 == 0, 25.0, 0.0))


def compare_stl(cli, workdir, points, repeat):
    """Seconds of one STL decomposition, ours (best of `repeat`) and statsmodels' (one run)."""
    print(f"\n## STL: anomaly::stl vs statsmodels, {points} points\n")
    driver = os.path.join(os.path.dirname(knn_peers_path(cli)), "stl_driver")
    if not os.access(driver, os.X_OK):
        print(f"SKIPPED: {driver} was not built (the bench preset builds it).")
        return
    if STL is None:
        print("SKIPPED: statsmodels is not installed (python3-statsmodels).")
        return
    print(f"Defaults otherwise (seasonal 7, derived trend and low-pass windows). Ours best of "
          f"{repeat}, in one C++ process (bench/timeseries/stl_driver.cpp, -O3 -march=native); "
          f"statsmodels {statsmodels.__version__} one run from an array in memory. Difference: "
          "largest |ours - statsmodels| over trend, seasonal and remainder, over max |x|.\n")
    print("| period | robust | ours (s) | statsmodels (s) | ratio (statsmodels / ours) | "
          "difference |")
    print("|---:|:---:|---:|---:|---:|---:|")
    for period, robust in ((24, False), (168, False), (24, True)):
        x = stl_series(points, period)
        path, out = os.path.join(workdir, "stl.f64"), os.path.join(workdir, "stl_out.f64")
        x.astype("<f8").tofile(path)
        done = subprocess.run([driver, path, str(points), str(period), str(int(robust)),
                               str(repeat), out], capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"stl_driver exited {done.returncode}: {done.stderr.strip()}")
        ours = json.loads(done.stdout)["seconds"]
        components = np.fromfile(out, dtype="<f8").reshape(4, points)
        start = time.perf_counter()
        theirs = STL(x, period=period, robust=robust).fit()
        peer = time.perf_counter() - start
        difference = max(np.max(np.abs(components[0] - theirs.trend)),
                         np.max(np.abs(components[1] - theirs.seasonal)),
                         np.max(np.abs(components[2] - theirs.resid))) / np.max(np.abs(x))
        os.remove(path)
        os.remove(out)
        print(f"| {period} | {'yes' if robust else 'no'} | {ours:.3g} | {peer:.3g} | "
              f"{fmt_ratio(peer, ours)} | {difference:.1e} |", flush=True)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cli", default=os.environ.get("ANOMALY_CLI"),
                        help="path of the anomaly program (or $ANOMALY_CLI)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per side; the best is shown")
    parser.add_argument("--quick", action="store_true",
                        help="small sizes (10^5; IsolationForest 10^4 rows, one seed, tabular sets "
                        "up to 10^4 rows), for CI: checks the plumbing, not the speed")
    parser.add_argument("--workdir", help="where the CSV files go (default: a temporary folder)")
    parser.add_argument("--shared-data", default=os.path.join(here, "..", "..", "..", "shared",
                                                              "data", "tabular"))
    parser.add_argument("--skip", action="append", default=[],
                        choices=["batch", "rolling", "tabular", "iforest", "knn", "lof",
                                 "elliptic", "nab", "stl"],
                        help="leave a part out")
    parser.add_argument("--iforest-seeds", type=int, default=IFOREST_SEEDS,
                        help="seeds 0..N-1 per tabular set and side (default 5; one seed's AUC "
                             "varies by about 0.01-0.02, so use 100 to compare the two means)")
    parser.add_argument("--elliptic-seeds", type=int, default=ELLIPTIC_SEEDS,
                        help="EllipticEnvelope seeds 0..N-1 per tabular set and side (default 5)")
    args = parser.parse_args()
    if not args.cli or not os.access(args.cli, os.X_OK):
        parser.error(f"the anomaly program was not found ({args.cli!r}); pass --cli PATH")

    print_header(args.cli)
    table = Table()
    with tempfile.TemporaryDirectory(dir=args.workdir) as workdir:
        if "batch" not in args.skip:
            rows = 100_000 if args.quick else 1_000_000
            compare_batch(table, args.cli, workdir, rows, 32, args.repeat)
        if "rolling" not in args.skip:
            for samples in ([100_000] if args.quick else [1_000_000, 10_000_000]):
                compare_rolling(table, args.cli, workdir, samples, args.repeat, ROLLING_PEERS)
            compare_rolling(table, args.cli, workdir, 100_000 if not args.quick else 20_000,
                            args.repeat, ROLLING_MAD_APPLY)
        if table.rows:
            table.print()
        if "tabular" not in args.skip:
            compare_tabular(args.cli, os.path.normpath(args.shared_data))
        if "iforest" not in args.skip:
            compare_iforest(args.cli, workdir, os.path.normpath(args.shared_data), args.quick,
                            args.repeat, args.iforest_seeds)
        if "knn" not in args.skip:
            compare_knn(args.cli, workdir, 10_000 if args.quick else 100_000, 8, args.repeat)
        if "lof" not in args.skip:
            compare_lof(args.cli, workdir, os.path.normpath(args.shared_data), args.quick,
                        args.repeat)
        if "elliptic" not in args.skip:
            compare_elliptic(args.cli, workdir, os.path.normpath(args.shared_data), args.quick,
                             args.repeat, args.elliptic_seeds)
        if "nab" not in args.skip:
            compare_nab(args.cli, os.path.normpath(os.path.join(args.shared_data, "..",
                                                                "timeseries")))
        if "stl" not in args.skip:
            compare_stl(args.cli, workdir, 100_000 if args.quick else 1_000_000, args.repeat)


if __name__ == "__main__":
    main()
