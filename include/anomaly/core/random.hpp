#pragma once
// The library's own random engine and distributions, so that a seed gives the same numbers with
// every standard library and on every platform (std:: distributions are implementation-defined).
#include <anomaly/core/config.hpp>

#include <cmath>
#include <cstdint>
#include <span>
#include <tuple>
#include <utility>

namespace anomaly {

/// xoshiro256** (Blackman and Vigna 2018), seeded through SplitMix64 as its authors recommend.
class Random {
 public:
  using result_type = std::uint64_t;

  explicit constexpr Random(std::uint64_t seed = 0) noexcept {
    for (auto& word : state_) word = split_mix(seed);
  }

  static constexpr result_type min() noexcept { return 0; }
  static constexpr result_type max() noexcept { return ~result_type{0}; }

  constexpr result_type operator()() noexcept {
    const std::uint64_t result = rotl(state_[1] * 5, 7) * 9;
    const std::uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = rotl(state_[3], 45);
    return result;
  }

  /// An independent engine for sub-task `index` (one per tree, per thread...), stable across runs.
  constexpr Random split(std::uint64_t index) const noexcept {
    std::uint64_t mix = state_[0] ^ rotl(state_[3], 21) ^ (index * 0x9E3779B97F4A7C15ULL);
    return Random(split_mix(mix));
  }

 private:
  static constexpr std::uint64_t rotl(std::uint64_t x, int k) noexcept {
    return (x << k) | (x >> (64 - k));
  }
  static constexpr std::uint64_t split_mix(std::uint64_t& x) noexcept {
    std::uint64_t z = (x += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  std::uint64_t state_[4] = {};
};

/// Uniform on [0, 1): the top 53 (double) or 24 (float) bits, scaled exactly.
template <class T = double>
constexpr T uniform_real(Random& random) noexcept {
  if constexpr (sizeof(T) == sizeof(float)) {
    return static_cast<T>(random() >> 40) * 0x1.0p-24f;
  } else {
    return static_cast<T>(random() >> 11) * 0x1.0p-53;
  }
}

/// Uniform on [low, high).
template <class T = double>
constexpr T uniform_real(Random& random, T low, T high) noexcept {
  return low + (high - low) * uniform_real<T>(random);
}

namespace detail {
/// The 128-bit product of a and b as (high, low) words, without __int128 (absent on 32-bit
/// targets).
constexpr std::pair<std::uint64_t, std::uint64_t> multiply_wide(std::uint64_t a,
                                                                std::uint64_t b) noexcept {
  const std::uint64_t a_lo = a & 0xFFFFFFFFu, a_hi = a >> 32;
  const std::uint64_t b_lo = b & 0xFFFFFFFFu, b_hi = b >> 32;
  const std::uint64_t lo_lo = a_lo * b_lo, hi_lo = a_hi * b_lo, lo_hi = a_lo * b_hi;
  const std::uint64_t cross = (lo_lo >> 32) + (hi_lo & 0xFFFFFFFFu) + lo_hi;
  return {a_hi * b_hi + (hi_lo >> 32) + (cross >> 32), (cross << 32) | (lo_lo & 0xFFFFFFFFu)};
}
}  // namespace detail

/// Uniform integer in [0, n), unbiased (Lemire 2019, multiply and reject). n must be > 0.
constexpr std::uint64_t uniform_index(Random& random, std::uint64_t n) noexcept {
  auto [high, low] = detail::multiply_wide(random(), n);
  if (low < n) {
    const std::uint64_t threshold = (0 - n) % n;
    while (low < threshold) std::tie(high, low) = detail::multiply_wide(random(), n);
  }
  return high;
}

namespace detail {
/// Natural logarithm from +, *, / and frexp only, so that it rounds the same on every libm.
inline double portable_log(double x) noexcept {
  int exponent = 0;
  double mantissa = std::frexp(x, &exponent);  // exact: x = mantissa * 2^exponent
  if (mantissa < 0.70710678118654752440) {
    mantissa *= 2.0;
    --exponent;
  }
  const double f = mantissa - 1.0;
  const double s = f / (2.0 + f);  // log(1+f) = 2 atanh(s), |s| <= 0.172
  const double s2 = s * s;
  double series = 1.0 / 25.0;
  for (int k = 23; k >= 1; k -= 2) series = 1.0 / k + s2 * series;
  constexpr double ln2_high = 0.693147180369123816490;  // ln 2 split so that e * ln2_high is exact
  constexpr double ln2_low = 1.90821492927058770002e-10;
  const double e = static_cast<double>(exponent);
  return e * ln2_high + (e * ln2_low + 2.0 * s * series);
}
}  // namespace detail

/// Standard normal deviate (Marsaglia's polar method, with the library's own logarithm).
template <class T = double>
T normal(Random& random) noexcept {
  for (;;) {
    const double u = 2.0 * uniform_real<double>(random) - 1.0;
    const double v = 2.0 * uniform_real<double>(random) - 1.0;
    const double s = u * u + v * v;
    if (s > 0.0 && s < 1.0)
      return static_cast<T>(u * std::sqrt(-2.0 * detail::portable_log(s) / s));
  }
}

/// Fisher-Yates shuffle driven by the library's engine.
template <class Value>
void shuffle(std::span<Value> values, Random& random) noexcept {
  for (std::size_t i = values.size(); i > 1; --i) {
    const auto j = static_cast<std::size_t>(uniform_index(random, i));
    std::swap(values[i - 1], values[j]);
  }
}

}  // namespace anomaly
