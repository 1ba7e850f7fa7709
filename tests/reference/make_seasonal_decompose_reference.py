#!/usr/bin/python3
"""Reference values for seasonal_decompose, computed with statsmodels' seasonal_decompose.

Run with Debian's python3 (numpy 1.24, statsmodels 0.13) from the repository root:

    /usr/bin/python3 tests/reference/make_seasonal_decompose_reference.py

It is seeded and deterministic and rewrites tests/data/seasonal_decompose_reference.csv: one row
per time step of each case, with the case's parameters repeated on every row (model 0 additive,
1 multiplicative; two_sided 0 or 1; extrapolate: statsmodels' extrapolate_trend), the series x
and statsmodels' trend, seasonal and resid ("nan" where it leaves them undefined). Numbers are
written with 17 significant digits, so every double reads back bit-exactly. The C++ tests read
the file and never run Python.

Cases: odd and even periods, both models, centred and trailing averages, extrapolated ends
(statsmodels' "freq" is period - 1), a series that is not a whole number of cycles, the shortest
series (two cycles of period 2, whose end lines are fitted through one point), and a series far
from 0 (1e6 + a small seasonal pattern).
"""
import numpy as np
from statsmodels.tsa.seasonal import seasonal_decompose

rng = np.random.default_rng(20261121)


def series(n, period, level=10.0, slope=0.05, amplitude=2.0, noise=0.3):
    t = np.arange(n)
    pattern = amplitude * np.sin(2 * np.pi * t / period) + 0.5 * amplitude * np.cos(4 * np.pi * t / period)
    return level + slope * t + pattern + rng.normal(0.0, noise, n)


cases = [
    # (x, period, model, two_sided, extrapolate_trend)
    (series(60, 7), 7, "additive", True, 0),
    (series(100, 12), 12, "additive", True, 0),
    (series(96, 12, level=50.0), 12, "multiplicative", True, 0),
    (series(150, 24), 24, "additive", False, 0),
    (series(72, 12), 12, "additive", True, 11),
    (series(23, 5, level=20.0), 5, "multiplicative", False, 3),
    (series(4, 2), 2, "additive", True, 1),
    (1e6 + series(90, 9, level=0.0, slope=0.001, amplitude=0.01, noise=0.001), 9, "additive", True, 4),
]

with open("tests/data/seasonal_decompose_reference.csv", "w") as out:
    out.write("case,period,model,two_sided,extrapolate,t,x,trend,seasonal,remainder\n")
    for case, (x, period, model, two_sided, extrapolate) in enumerate(cases):
        result = seasonal_decompose(x, model=model, period=period, two_sided=two_sided,
                                    extrapolate_trend=extrapolate)
        for t in range(len(x)):
            values = (x[t], result.trend[t], result.seasonal[t], result.resid[t])
            out.write(f"{case},{period},{int(model == 'multiplicative')},{int(two_sided)},"
                      f"{extrapolate},{t}," + ",".join(f"{v:.17g}" for v in values) + "\n")
