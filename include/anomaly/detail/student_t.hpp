#pragma once
// Quantiles of Student's t distribution: the critical values of the generalized ESD test
// (scipy's t.ppf), to about 1e-13 relative for any degrees of freedom >= 1.
#include <cmath>
#include <limits>
#include <numbers>

namespace anomaly::detail {

/// ln Gamma(a + 1/2) - ln Gamma(a) for a > 0, without the cancellation of two large ln Gammas
/// (at a = 5e5 each is about 6e6): Stirling's series for both, their difference in log1p form.
inline double log_gamma_half_step(double a) noexcept {
  double shift = 0.0;  // Gamma(a + 1/2) / Gamma(a) = (a / (a + 1/2)) Gamma(a + 3/2) / Gamma(a + 1)
  for (; a < 15.0; a += 1.0) shift += std::log(a / (a + 0.5));
  // ln Gamma(z) = (z - 1/2) ln z - z + ln sqrt(2 pi) + stirling(z)
  const auto stirling = [](double z) {
    const double inverse = 1.0 / z, square = inverse * inverse;
    return inverse * (1.0 / 12 - square * (1.0 / 360 - square * (1.0 / 1260 - square / 1680)));
  };
  return 0.5 * std::log(a) + (a * std::log1p(0.5 / a) - 0.5) + stirling(a + 0.5) - stirling(a) +
         shift;
}

/// The continued fraction of the regularized incomplete beta function I_x(a, b), evaluated by
/// Lentz's method (Numerical Recipes' betacf); it converges fast for x < (a + 1) / (a + b + 2).
inline double incomplete_beta_fraction(double a, double b, double x) noexcept {
  constexpr double tiny = 1e-300, epsilon = std::numeric_limits<double>::epsilon();
  const auto guard = [](double v) { return std::abs(v) < tiny ? tiny : v; };
  double c = 1.0, d = 1.0 / guard(1.0 - (a + b) * x / (a + 1.0)), fraction = d;
  for (double m = 1; m < 100000; ++m) {
    const double m2 = 2 * m;
    const double even = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
    d = 1.0 / guard(1.0 + even * d);
    c = guard(1.0 + even / c);
    fraction *= d * c;
    const double odd = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
    d = 1.0 / guard(1.0 + odd * d);
    c = guard(1.0 + odd / c);
    const double step = d * c;
    fraction *= step;
    if (std::abs(step - 1.0) < epsilon) break;
  }
  return fraction;
}

/// The two probabilities of Student's t with `dof` degrees of freedom at t >= 0, each computed
/// where it is small so that neither is 1 minus something: tail = P(T > t) and
/// central = P(|T| < t) = 1 - 2 tail. With x = dof / (dof + t^2), 2 tail = I_x(dof / 2, 1/2).
struct StudentTProbabilities {
  double tail;
  double central;
  double log_density;  ///< ln of the density at t
};

inline StudentTProbabilities student_t_probabilities(double t, double dof) noexcept {
  const double a = 0.5 * dof, b = 0.5;
  const double ratio = t * t / dof;  // x = 1 / (1 + ratio), y = 1 - x = ratio / (1 + ratio)
  const double log_x = -std::log1p(ratio);
  const double log_y = 2 * std::log(t) - std::log(dof) + log_x;
  const double log_beta = 0.5 * std::log(std::numbers::pi) - log_gamma_half_step(a);  // ln B(a, b)
  const double log_front = a * log_x + b * log_y - log_beta;  // x^a y^b / B(a, b)
  const double log_density = (a + b) * log_x - 0.5 * std::log(dof) - log_beta;
  const double x = 1.0 / (1.0 + ratio);
  if (x < (a + 1.0) / (a + b + 2.0)) {
    const double twice_tail = std::exp(log_front) * incomplete_beta_fraction(a, b, x) / a;
    return {0.5 * twice_tail, 1.0 - twice_tail, log_density};
  }
  const double y = ratio / (1.0 + ratio);
  const double central = std::exp(log_front) * incomplete_beta_fraction(b, a, y) / b;
  return {0.5 * (1.0 - central), central, log_density};
}

/// The quantile z of the standard normal distribution with P(Z > z) = q, q in (0, 1/2], to about
/// 4.5e-4 (Abramowitz and Stegun 26.2.23): only a start for Newton's method.
inline double rough_normal_upper_quantile(double q) noexcept {
  const double w = std::sqrt(-2.0 * std::log(q));
  return w - (2.515517 + w * (0.802853 + w * 0.010328)) /
                 (1.0 + w * (1.432788 + w * (0.189269 + w * 0.001308)));
}

/// z >= 0 with P(Z > z) = q for the standard normal distribution, q in (0, 1/2]: Newton's method
/// on ln erfc in the tail and on erf, whose target 1 - 2 q is exact, nearer the centre.
inline double normal_upper_quantile(double q) noexcept {
  if (q == 0.5) return 0.0;
  const bool on_tail = q < 0.25;
  const double target = on_tail ? std::log(q) : 1.0 - 2.0 * q;
  double z = rough_normal_upper_quantile(q);
  for (int iteration = 0; iteration < 50; ++iteration) {
    const double density = std::exp(-0.5 * z * z) / std::sqrt(2.0 * std::numbers::pi);
    double step = 0;
    if (on_tail) {
      const double tail = 0.5 * std::erfc(z / std::numbers::sqrt2);
      step = (std::log(tail) - target) * tail / density;  // d ln(tail) / dz = -density / tail
    } else {
      step = (target - std::erf(z / std::numbers::sqrt2)) / (2.0 * density);
    }
    z += step;
    if (std::abs(step) <= 1e-15 * z) break;
  }
  return z;
}

/// t >= 0 with P(T > t) = q for Student's t with `dof` >= 1 degrees of freedom, q in (0, 1/2]:
/// scipy's t.isf(q, dof). Closed forms for 1 and 2 degrees of freedom, Cornish-Fisher from 1e4 on;
/// otherwise Newton's method on ln P against ln t (the tail is a power of t, so this converges in
/// the heavy tails too), on P(T > t) when it is below 1/4 and nearer the centre on
/// P(|T| < t) = 1 - 2 q, which is exact there.
inline double student_t_upper_quantile(double q, double dof) noexcept {
  if (!(q > 0.0 && q <= 0.5) || !(dof >= 1.0)) return std::numeric_limits<double>::quiet_NaN();
  if (q == 0.5) return 0.0;
  if (dof == 1.0) {  // Cauchy: |t| = cot(pi q)
    return q < 0.25 ? 1.0 / std::tan(std::numbers::pi * q) : std::tan(std::numbers::pi * (0.5 - q));
  }
  if (dof == 2.0) return (1.0 - 2.0 * q) / std::sqrt(2.0 * q * (1.0 - q));
  // Cornish-Fisher to 1 / dof^4 (A&S 26.7.5): within 1e-14 of mpmath from 1e4 dof on (measured,
  // p in [1e-12, 1 - 1e-12]), where the continued fraction has begun to lose digits.
  if (dof >= 1e4) {
    const double z = normal_upper_quantile(q), z2 = z * z, inverse = 1.0 / dof;
    const double g1 = z * (z2 + 1) / 4;
    const double g2 = z * ((5 * z2 + 16) * z2 + 3) / 96;
    const double g3 = z * (((3 * z2 + 19) * z2 + 17) * z2 - 15) / 384;
    const double g4 = z * ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945) / 92160;
    return z + inverse * (g1 + inverse * (g2 + inverse * (g3 + inverse * g4)));
  }
  const bool on_tail = q < 0.25;
  const double target = std::log(on_tail ? q : 1.0 - 2.0 * q);
  // Start: the normal quantile with the first two Cornish-Fisher terms (A&S 26.7.5).
  const double z = rough_normal_upper_quantile(q), z2 = z * z;
  double t = z + z * (z2 + 1) / (4 * dof) + z * ((5 * z2 + 16) * z2 + 3) / (96 * dof * dof);
  double log_t = std::log(t);
  bool last = false;  // Newton converges quadratically: a step below 1e-9 leaves one to take
  for (int iteration = 0; iteration < 200 && !last; ++iteration) {
    const auto probabilities = student_t_probabilities(t, dof);
    const double value = on_tail ? probabilities.tail : probabilities.central;
    // d ln(tail) / d ln t = -t f(t) / tail;  d ln(central) / d ln t = 2 t f(t) / central
    const double slope =
        (on_tail ? -1.0 : 2.0) * std::exp(probabilities.log_density + log_t) / value;
    double step = (target - std::log(value)) / slope;
    step = std::fmax(-2.0, std::fmin(2.0, step));  // at most a factor e^2 at a time
    log_t += step;
    t = std::exp(log_t);
    last = std::abs(step) < 1e-9;
  }
  return t;
}

/// t with P(T <= t) = p for Student's t with `dof` >= 1 degrees of freedom, p in (0, 1): scipy's
/// t.ppf(p, dof). Where p is near 1 its upper tail 1 - p has lost digits: pass that tail to
/// student_t_upper_quantile instead.
inline double student_t_quantile(double p, double dof) noexcept {
  if (!(p > 0.0 && p < 1.0)) return std::numeric_limits<double>::quiet_NaN();
  return p < 0.5 ? -student_t_upper_quantile(p, dof) : student_t_upper_quantile(1.0 - p, dof);
}

}  // namespace anomaly::detail
