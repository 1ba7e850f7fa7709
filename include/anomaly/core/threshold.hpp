#pragma once
// How a model turns scores into labels: a fixed cutoff, or the share of training rows to flag.
#include <anomaly/core/score_summary.hpp>
#include <anomaly/core/validate.hpp>

#include <cmath>
#include <cstdint>
#include <optional>

namespace anomaly {

/// The rule that sets a model's threshold: scores above it are anomalies.
struct Threshold {
  enum class Rule : std::uint8_t { fixed, contamination };
  Rule rule = Rule::fixed;
  double value = 0;

  /// Scores above `cutoff` are anomalies (textbook cutoffs: z > 3, modified z > 3.5).
  static constexpr Threshold fixed(double cutoff) noexcept { return {Rule::fixed, cutoff}; }
  /// Flags the share `fraction` of the training rows, in (0, 0.5] (scikit-learn's contamination).
  static constexpr Threshold contamination(double fraction) noexcept {
    return {Rule::contamination, fraction};
  }
};

/// Why `threshold` is not a valid rule, or nothing.
inline std::optional<Error> check(const Threshold& threshold) {
  if (threshold.rule == Threshold::Rule::contamination) {
    if (!(threshold.value > 0.0 && threshold.value <= 0.5)) {
      return parameter_error("contamination", "in (0, 0.5]", threshold.value);
    }
  } else if (!std::isfinite(threshold.value)) {
    return parameter_error("threshold", "finite", threshold.value);
  }
  return std::nullopt;
}

/// The threshold `rule` gives for a model whose training scores are `summary`.
template <class T>
T resolve(const Threshold& rule, const ScoreSummary<T>& summary) noexcept {
  if (rule.rule == Threshold::Rule::fixed) return static_cast<T>(rule.value);
  return summary.quantile(1.0 - rule.value);
}

}  // namespace anomaly
