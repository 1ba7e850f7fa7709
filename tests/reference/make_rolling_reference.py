#!/usr/bin/python3
"""Reference values for the rolling detectors, computed with pandas' rolling windows.

Run with Debian's python3 (numpy 1.24, pandas 1.5) from the repository root:

    /usr/bin/python3 tests/reference/make_rolling_reference.py

It is seeded and deterministic and rewrites tests/data/rolling_series.csv (the input series x)
and tests/data/rolling_reference.csv (the statistics and scores). The C++ tests read
that file and never run Python. Numbers are written with 17 significant digits ("%.17g"), so every
double reads back bit-exactly.

A rolling detector scores sample t against the `window` samples before it (score, then add), so
each statistic below is pandas' rolling statistic over x[t-window .. t-1]: `.rolling(window)`
then `.shift(1)`. Rows before the first full window are left out.

    mean, std    rolling(w).mean(), rolling(w).std(ddof=0)          (population std, as ZScore)
    median       rolling(w).median()
    mad          rolling(w).apply(median(|v - median(v)|))           (unscaled)
    mean_dev     rolling(w).apply(mean(|v - median(v)|))             (stands in when mad == 0)
    q1, q3       rolling(w).quantile(0.25 / 0.75, interpolation="linear")  (numpy's method)
and the scores of x[t]:
    zscore           |x - mean| / std                          (|x - mean| when std == 0)
    modified_zscore  0.6745 |x - median| / mad, with 1.253314 mean_dev for mad when mad == 0
    iqr              max(0, q1 - 1.5 iqr - x, x - (q3 + 1.5 iqr)) / iqr   (iqr = q3 - q1)

The series (n = 3000) mixes what a sensor gives: Gaussian noise around 5 with a slow drift, a
stretch quantized to integers (ties; the MAD is 0 in places, so the mean-deviation rule is used),
a level shift, a two-level stretch where the median jumps between clusters, and planted spikes.
Two windows are written: 64 (even: medians average two values) and 101 (odd).
"""
import numpy as np
import pandas as pd

rng = np.random.default_rng(20240611)
n = 3000
t = np.arange(n)
x = 5.0 + 0.001 * t + rng.normal(0.0, 1.0, n)
x[800:1100] = np.round(x[800:1100] / 4.0)  # few distinct integers: many ties
x[1000:1060] = 2.0  # a constant run: MAD 0 inside windows that straddle it
x[1400:] += 40.0  # level shift
two_level = rng.integers(0, 2, 400)
x[2000:2400] = np.where(two_level == 1, 100.0, 60.0) + rng.normal(0.0, 0.5, 400)
for spike in (300, 700, 1250, 1700, 2600, 2900):
    x[spike] += rng.choice([-1.0, 1.0]) * rng.uniform(8.0, 20.0)

rows = []
series = pd.Series(x)
for window in (64, 101):
    roll = series.rolling(window)
    mean = roll.mean().shift(1)
    std = roll.std(ddof=0).shift(1)
    median = roll.median().shift(1)
    mad = roll.apply(lambda v: np.median(np.abs(v - np.median(v))), raw=True).shift(1)
    mean_dev = roll.apply(lambda v: np.mean(np.abs(v - np.median(v))), raw=True).shift(1)
    q1 = roll.quantile(0.25, interpolation="linear").shift(1)
    q3 = roll.quantile(0.75, interpolation="linear").shift(1)
    for i in range(window, n):
        deviation = abs(x[i] - mean[i])
        z = deviation / std[i] if std[i] > 0 else deviation
        scale = mad[i] / 0.6745 if mad[i] > 0 else 1.253314 * mean_dev[i]
        mz = abs(x[i] - median[i]) / scale if scale > 0 else abs(x[i] - median[i])
        iqr = q3[i] - q1[i]
        outside = max(0.0, q1[i] - 1.5 * iqr - x[i], x[i] - (q3[i] + 1.5 * iqr))
        iqr_score = outside / iqr if iqr > 0 else outside
        rows.append((window, i, x[i], mean[i], std[i], median[i], mad[i], mean_dev[i], q1[i],
                     q3[i], z, mz, iqr_score))

assert any(r[6] == 0 for r in rows), "the quantized stretch must make the MAD 0 somewhere"
header = "window,t,x,mean,std,median,mad,mean_dev,q1,q3,zscore,modified_zscore,iqr"
with open("tests/data/rolling_reference.csv", "w") as out:
    out.write(header + "\n")
    for r in rows:
        out.write(",".join("%.17g" % v for v in r) + "\n")
with open("tests/data/rolling_series.csv", "w") as out:
    out.write("x\n")
    for v in x:
        out.write("%.17g\n" % v)
print("wrote %d rows" % len(rows))
