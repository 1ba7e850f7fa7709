#!/usr/bin/python3
"""Reference decompositions for anomaly::stl, computed with statsmodels' STL.

Run with Debian's python3 (statsmodels 0.13.5, numpy 1.24) from the repository root:

    /usr/bin/python3 tests/reference/make_stl_reference.py

It is seeded and deterministic and rewrites tests/data/stl_reference_cases.csv and
tests/data/stl_reference.csv. The C++ tests read them and never run Python. Numbers are written
with 17 significant digits ("%.17g"), so every double reads back bit-exactly.

Cases: odd and even periods (2, 7, 12, 24), non-robust and robust, non-default windows, degree 0,
jumps > 1 (including jumps longer than half a window, where the last point is estimated from the
window of the last jump), a spike the robust fit must down-weight, series of exactly two periods (not robust: there
each cycle-subseries has two points, the fit goes through them, and the remainders a robust
fit would weigh are rounding noise) and of four periods robust,
a seasonal window longer than each cycle-subseries, and explicit iteration counts.

FILE FORMAT, stl_reference_cases.csv: one header line, then one row per case:
    case,n,period,seasonal,trend,low_pass,seasonal_deg,trend_deg,low_pass_deg,robust,
    seasonal_jump,trend_jump,low_pass_jump,inner,outer
trend, low_pass, inner and outer are 0 where the case leaves them to statsmodels (None); the
other columns are the arguments given to STL and STL.fit.

FILE FORMAT, stl_reference.csv: one header line, then one row per point of every case, in order:
    case,x,trend,seasonal,remainder,weights
x is the series; the others are statsmodels' trend, seasonal, resid and weights.
"""
import csv
import os

import numpy as np
import statsmodels
from statsmodels.tsa.seasonal import STL

HERE = os.path.dirname(__file__)
CASES_OUT = os.path.join(HERE, "..", "data", "stl_reference_cases.csv")
VALUES_OUT = os.path.join(HERE, "..", "data", "stl_reference.csv")
COLUMNS = ["period", "seasonal", "trend", "low_pass", "seasonal_deg", "trend_deg",
           "low_pass_deg", "robust", "seasonal_jump", "trend_jump", "low_pass_jump", "inner",
           "outer"]


def series(rng, n, period, level=50.0, spikes=()):
    t = np.arange(n)
    x = (level + 0.05 * t + 4.0 * np.sin(2 * np.pi * t / period)
         + 1.5 * np.cos(4 * np.pi * t / period) + rng.normal(0.0, 1.0, n))
    for at, size in spikes:
        x[at] += size
    return x


def cases():
    rng = np.random.RandomState(20261121)
    yield series(rng, 144, 12), dict(period=12)
    yield series(rng, 144, 12, spikes=((30, 25.0), (100, -18.0))), dict(period=12, robust=True)
    yield series(rng, 140, 7), dict(period=7)
    yield series(rng, 250, 24, spikes=((77, 40.0),)), dict(period=24, robust=True)
    yield series(rng, 130, 12), dict(period=12, seasonal=11, trend=31, low_pass=15)
    yield series(rng, 150, 12), dict(period=12, seasonal_deg=0, trend_deg=0, low_pass_deg=0)
    yield series(rng, 150, 12), dict(period=12, seasonal_jump=3, trend_jump=5, low_pass_jump=4)
    yield series(rng, 157, 12), dict(period=12, seasonal_jump=5, trend_jump=20, low_pass_jump=9)
    yield series(rng, 24, 12), dict(period=12)
    yield series(rng, 48, 12, spikes=((5, 10.0),)), dict(period=12, robust=True)
    yield series(rng, 40, 2), dict(period=2)
    yield series(rng, 60, 12), dict(period=12, seasonal=101)
    yield series(rng, 120, 12, spikes=((50, 20.0),)), dict(period=12, robust=True, inner=3,
                                                              outer=4)
    yield series(rng, 170, 12, spikes=((60, 30.0),)), dict(period=12, robust=True,
                                                              seasonal_deg=0, trend_deg=0,
                                                              seasonal_jump=2, trend_jump=3)
    yield series(rng, 500, 24), dict(period=24)
    yield series(rng, 336, 7, spikes=((200, -30.0),)), dict(period=7, robust=True, trend=21)
    yield series(rng, 14, 7), dict(period=7, seasonal=3, trend_deg=0)


def main():
    with open(CASES_OUT, "w", newline="") as cf, open(VALUES_OUT, "w", newline="") as vf:
        cw = csv.writer(cf, lineterminator="\n")
        vw = csv.writer(vf, lineterminator="\n")
        cw.writerow(["case", "n"] + COLUMNS)
        vw.writerow(["case", "x", "trend", "seasonal", "remainder", "weights"])
        for case, (x, config) in enumerate(cases()):
            inner = config.pop("inner", None)
            outer = config.pop("outer", None)
            result = STL(x, **config).fit(inner_iter=inner, outer_iter=outer)
            full = dict(STL(x, **config).config)
            row = [case, len(x)]
            for name in COLUMNS:
                if name in ("trend", "low_pass"):
                    row.append(config.get(name, 0))
                elif name == "inner":
                    row.append(inner or 0)
                elif name == "outer":
                    row.append(outer or 0)
                else:
                    row.append(int(full[name]))
            cw.writerow(row)
            for values in zip(x, result.trend, result.seasonal, result.resid, result.weights):
                vw.writerow([case] + ["%.17g" % v for v in values])
    print("wrote", CASES_OUT, "and", VALUES_OUT, "with statsmodels", statsmodels.__version__)


if __name__ == "__main__":
    main()
