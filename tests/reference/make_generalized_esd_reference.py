#!/usr/bin/python3
"""Reference values for Student's t quantile and the generalized ESD test.

Run with Debian's python3 (numpy 1.24, scipy 1.10, mpmath 1.2) from the repository root:

    /usr/bin/python3 tests/reference/make_generalized_esd_reference.py

It is seeded and deterministic and rewrites two files; numbers have 17 significant digits, so
every double reads back bit-exactly. The C++ tests read them and never run Python.

tests/data/student_t_reference.csv: one row per (dof, p): dof, p, mpmath (the quantile solved
at 40 digits with mpmath's regularized incomplete beta, rounded to double) and scipy
(scipy.stats.t.ppf). scipy 1.10's t.ppf (cephes' stdtrit) is only good to about 5e-9 relative
(at dof 2, where t = (2p - 1) / sqrt(2 p (1 - p)), it is 2.2e-9 off), so mpmath is the reference
for 1e-12 and scipy is recorded beside it.

tests/data/generalized_esd_reference.csv: one row per step i of each case: case, robust (0 or 1),
alpha, k (max_anomalies), n (finite values), i, removed (the 0-based index removed at step i),
R, lambda (with the mpmath quantile), lambda_scipy (with scipy.stats.t.isf) and found (how many
anomalies the test finds; the same on every row of a case). The series themselves are in
tests/data/generalized_esd_series.csv: case, t, x ("nan" for a missing value).

The ESD here is an independent implementation: at each step the mean and sample standard
deviation (numpy, ddof 1) or the median and 1.4826 MAD (numpy's median; where the MAD is 0,
1.253314 times the mean absolute deviation from the median) of the remaining values are
recomputed from scratch, and numpy's argmax of |x - centre| over the remaining values in series
order picks the value removed (so among equal distances the smallest index). NaN values are
dropped first (their indices are kept). The test stops when the remaining values are all equal.
Rosner's 54 values are from Rosner (1983) as quoted in the R package PMCMRplus's gesdTest
example (the paper itself was not read here).
"""
import mpmath
import numpy as np
from scipy.stats import t as student_t

mpmath.mp.dps = 40
rng = np.random.default_rng(20261121)


def upper_quantile_mpmath(q, dof):
    """t >= 0 with P(T > t) = q, q in (0, 1/2], to 35 digits."""
    q = mpmath.mpf(q)
    nu = mpmath.mpf(dof)
    half = mpmath.mpf(1) / 2
    if q == half:
        return mpmath.mpf(0)
    if q < 0.25:  # ln(tail) - ln q: the tail is tiny
        def f(s):
            tail = mpmath.betainc(nu / 2, half, 0, nu / (nu + s * s), regularized=True) / 2
            return mpmath.log(tail) - mpmath.log(q)
    else:  # P(|T| < s) - (1 - 2 q)
        def f(s):
            return mpmath.betainc(half, nu / 2, 0, s * s / (nu + s * s), regularized=True) - (1 - 2 * q)
    start = mpmath.mpf(student_t.isf(float(q), float(dof)))
    return mpmath.findroot(f, start, tol=mpmath.mpf(10) ** -35)


def quantile_mpmath(p, dof):
    p = mpmath.mpf(p)
    return -upper_quantile_mpmath(p, dof) if p < 0.5 else upper_quantile_mpmath(1 - p, dof)


def write_student_t():
    dofs = [1, 1.5, 2, 2.5, 3, 4, 5, 7, 10, 17, 30, 50, 100, 300, 1000, 3000, 1e4, 3e4, 99999,
            1e5, 1e6, 1e7]
    ps = [1e-12, 1e-10, 1e-8, 1e-6, 1e-4, 1e-3, 0.01, 0.025, 0.05, 0.1, 0.2, 0.25, 0.2500001,
          0.3, 0.45, 0.499, 0.4999999, 0.5, 0.5000001, 0.51, 0.6, 0.75, 0.9, 0.95, 0.975, 0.99,
          0.999, 1 - 1e-6, 1 - 1e-9, 1 - 1e-12]
    with open("tests/data/student_t_reference.csv", "w") as out:
        out.write("dof,p,mpmath,scipy\n")
        for dof in dofs:
            for p in ps:
                exact = float(quantile_mpmath(p, dof))
                out.write(f"{dof:.17g},{p:.17g},{exact:.17g},{student_t.ppf(p, dof):.17g}\n")


def critical_value(n, i, alpha, isf):
    remaining = n - i + 1
    dof = n - i - 1
    t = isf(alpha / (2 * remaining), dof)
    return (n - i) * t / np.sqrt((dof + t * t) * remaining)


def centre_and_scale(x, robust):
    if not robust:
        return np.mean(x), np.std(x, ddof=1)
    median = np.median(x)
    mad = np.median(np.abs(x - median))
    if mad > 0:
        return median, 1.4826 * mad
    return median, 1.253314 * np.mean(np.abs(x - median))


def esd(series, k, alpha, robust):
    index = np.flatnonzero(~np.isnan(series))
    x = series[index]
    n = len(x)
    steps = []
    for i in range(1, k + 1):
        if x.min() == x.max():
            break
        centre, scale = centre_and_scale(x, robust)
        distance = np.abs(x - centre)
        j = int(np.argmax(distance))
        lam = critical_value(n, i, alpha, lambda q, d: float(upper_quantile_mpmath(q, d)))
        lam_scipy = critical_value(n, i, alpha, student_t.isf)
        steps.append((int(index[j]), distance[j] / scale, lam, lam_scipy))
        x = np.delete(x, j)
        index = np.delete(index, j)
    found = max([i + 1 for i, s in enumerate(steps) if s[1] > s[2]], default=0)
    return n, steps, found


rosner = np.array([
    -0.25, 0.68, 0.94, 1.15, 1.20, 1.26, 1.26, 1.34, 1.38, 1.43, 1.49, 1.49, 1.55, 1.56, 1.58,
    1.65, 1.69, 1.70, 1.76, 1.77, 1.81, 1.91, 1.94, 1.96, 1.99, 2.06, 2.09, 2.10, 2.14, 2.15,
    2.23, 2.24, 2.26, 2.35, 2.37, 2.40, 2.47, 2.54, 2.62, 2.64, 2.90, 2.92, 2.92, 2.93, 3.21,
    3.26, 3.30, 3.59, 3.68, 4.30, 4.64, 5.34, 5.42, 6.01])


def planted(n, where, sizes, level=5.0, noise=1.0):
    x = level + rng.normal(0.0, noise, n)
    x[where] = level + np.asarray(sizes)
    return x


with_nans = planted(80, [7, 30, 61], [9.0, -7.5, 6.0])
with_nans[[0, 12, 30, 79]] = np.nan  # one of them on a planted outlier
ties = np.array([3, 5, 5, 4, 5, 6, 4, 5, 12, 5, 4, 6, -2, 5, 4, 5, 12, 6, 5, 4, 5, -2, 5, 6],
                dtype=float)
symmetric = np.array([0, 1, -1, 2, -2, 0, 1, -1, 9, 0, -9, 1, -1, 0, 2, -2, 0, 1, -1, 0],
                     dtype=float)
mostly_zero = np.zeros(60)
mostly_zero[[5, 17, 40]] = [4.0, 7.0, -3.0]
mostly_zero[[9, 22, 33, 51]] = [0.5, -0.25, 0.25, 1.0]

cases = [
    # (series, k, alpha, both variants)
    (rosner, 10, 0.05),
    (rosner, 10, 0.01),
    (planted(200, [17, 90, 91, 150], [8.0, -6.5, 7.0, 5.5]), 10, 0.05),
    (planted(1000, [3, 500, 998], [1e3, -40.0, 12.0], level=1e4), 20, 0.05),
    (planted(40, [], []), 4, 0.05),  # no anomalies
    (with_nans, 8, 0.05),
    (ties, 6, 0.05),
    (symmetric, 5, 0.05),
    (mostly_zero, 8, 0.05),
    (np.array([2.0, 2.0, 2.0, 2.0, 9.0, 2.0, 2.0]), 5, 0.05),  # constant after one removal
    (np.array([1.0, 2.0, 40.0]), 1, 0.3),  # the smallest series
]

with open("tests/data/generalized_esd_series.csv", "w") as out:
    out.write("case,t,x\n")
    for case, (x, k, alpha) in enumerate(cases):
        for t, v in enumerate(x):
            out.write(f"{case},{t},{v:.17g}\n")

with open("tests/data/generalized_esd_reference.csv", "w") as out:
    out.write("case,robust,alpha,k,n,i,removed,R,lambda,lambda_scipy,found\n")
    for case, (x, k, alpha) in enumerate(cases):
        for robust in (0, 1):
            n, steps, found = esd(x, k, alpha, robust)
            for i, (removed, r, lam, lam_scipy) in enumerate(steps, start=1):
                out.write(f"{case},{robust},{alpha:.17g},{k},{n},{i},{removed},{r:.17g},"
                          f"{lam:.17g},{lam_scipy:.17g},{found}\n")

write_student_t()
