#pragma once
// Quantiles of the chi-square distribution: the robust covariance's consistency factor and
// reweighting cutoff (scipy's chi2(d).isf(0.5) and .isf(0.025)), to about 1e-13 relative.
#include <cmath>
#include <limits>

namespace anomaly::detail {

/// ln Gamma(a) for a > 0: Stirling's series from 15 on, the recurrence below (std::lgamma may
/// write the global signgam, which would race between threads).
inline double log_gamma(double a) noexcept {
  double shift = 0.0;
  double product = 1.0;
  for (; a < 15.0; a += 1.0) product *= a;
  shift = std::log(product);
  const double inverse = 1.0 / a, square = inverse * inverse;
  const double series =
      inverse *
      (1.0 / 12 - square * (1.0 / 360 -
                            square * (1.0 / 1260 -
                                      square * (1.0 / 1680 -
                                                square * (1.0 / 1188 - square * 691.0 / 360360)))));
  constexpr double half_log_two_pi = 0.91893853320467274178;
  return (a - 0.5) * std::log(a) - a + half_log_two_pi + series - shift;
}

/// The regularized upper incomplete gamma function Q(a, x) = Gamma(a, x) / Gamma(a), a > 0,
/// x >= 0: its series below a + 1, Lentz's continued fraction above.
inline double upper_gamma_ratio(double a, double x) noexcept {
  if (x <= 0.0) return 1.0;
  const double prefix = std::exp(a * std::log(x) - x - log_gamma(a));
  constexpr double epsilon = std::numeric_limits<double>::epsilon();
  if (x < a + 1.0) {  // P(a, x) = prefix / a * (1 + x / (a + 1) + x^2 / ((a + 1)(a + 2)) + ...)
    double term = 1.0 / a, sum = term;
    for (double n = 1; n < 1000; ++n) {
      term *= x / (a + n);
      sum += term;
      if (std::abs(term) < std::abs(sum) * epsilon) break;
    }
    return 1.0 - prefix * sum;
  }
  constexpr double tiny = 1e-300;
  double b = x + 1.0 - a, c = 1.0 / tiny, d = 1.0 / b, fraction = d;
  for (double n = 1; n < 1000; ++n) {
    const double an = -n * (n - a);
    b += 2.0;
    d = an * d + b;
    if (std::abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (std::abs(c) < tiny) c = tiny;
    d = 1.0 / d;
    const double step = d * c;
    fraction *= step;
    if (std::abs(step - 1.0) < epsilon) break;
  }
  return prefix * fraction;
}

/// x with P(chi-square with `dof` degrees of freedom > x) = q, for q in (0, 1): scipy's
/// chi2(dof).isf(q). Newton's method on Q(dof / 2, x / 2), kept inside a bracket.
inline double chi_square_isf(double q, double dof) noexcept {
  const double a = 0.5 * dof;
  double low = 0.0, high = dof + 1.0;
  while (upper_gamma_ratio(a, 0.5 * high) > q) low = high, high *= 2.0;
  double x = 0.5 * (low + high);
  for (int iteration = 0; iteration < 200; ++iteration) {
    const double excess = upper_gamma_ratio(a, 0.5 * x) - q;  // decreasing in x
    if (excess > 0) {
      low = x;
    } else {
      high = x;
    }
    // d/dx Q(a, x / 2) = -(x / 2)^(a - 1) e^(-x / 2) / (2 Gamma(a))
    const double density = 0.5 * std::exp((a - 1.0) * std::log(0.5 * x) - 0.5 * x - log_gamma(a));
    double next = density > 0 ? x + excess / density : 0.5 * (low + high);
    if (!(next > low && next < high)) next = 0.5 * (low + high);
    if (std::abs(next - x) <= 4 * std::numeric_limits<double>::epsilon() * x) return next;
    x = next;
  }
  return x;
}

}  // namespace anomaly::detail
