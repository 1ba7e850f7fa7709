#pragma once
// A bounded summary of a model's training scores: enough for a threshold at any contamination,
// for normalizing scores (ensembles) and for probabilities, without keeping every score.
#include <anomaly/core/bytes.hpp>
#include <anomaly/core/statistics.hpp>
#include <anomaly/core/types.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

namespace anomaly {

/// Count, moments, extremes and quantile knots of a set of scores. Exact up to `max_knots` scores.
template <class T>
struct ScoreSummary {
  static constexpr Index max_knots = 1025;

  Index count = 0;
  T min = 0;
  T max = 0;
  T mean = 0;
  T stddev = 0;  ///< population standard deviation
  /// Quantiles at probabilities k / (knots.size() - 1): every score, sorted, when there are few.
  Vector<T> knots;

  /// Summarizes `scores` (finite, at least one).
  static ScoreSummary of(const Eigen::Ref<const Vector<T>>& scores);

  /// The p-quantile, interpolated linearly between order statistics (numpy's default method).
  T quantile(double p) const noexcept;

  /// Fraction of training scores at or below `score`, interpolated between knots.
  double rank(T score) const noexcept;

  void write(ByteWriter& writer) const;
  /// Reads a summary back, rejecting one that could not have been written (unsorted, non-finite).
  static ScoreSummary read(ByteReader& reader);
};

// ---------------------------------------------------------------------------------------------

template <class T>
ScoreSummary<T> ScoreSummary<T>::of(const Eigen::Ref<const Vector<T>>& scores) {
  ScoreSummary summary;
  summary.count = scores.size();
  if (summary.count == 0) return summary;
  std::vector<T> sorted(scores.data(), scores.data() + scores.size());
  std::sort(sorted.begin(), sorted.end());
  summary.min = sorted.front();
  summary.max = sorted.back();
  double sum = 0;
  for (T s : sorted) sum += static_cast<double>(s);
  const double mean = sum / static_cast<double>(summary.count);
  double squares = 0;
  for (T s : sorted) squares += (static_cast<double>(s) - mean) * (static_cast<double>(s) - mean);
  summary.mean = static_cast<T>(mean);
  summary.stddev = static_cast<T>(std::sqrt(squares / static_cast<double>(summary.count)));
  const Index n_knots = std::min(summary.count, max_knots);
  summary.knots.resize(n_knots);
  if (n_knots == summary.count) {
    std::copy(sorted.begin(), sorted.end(), summary.knots.data());
  } else {
    for (Index k = 0; k < n_knots; ++k) {
      const double p = static_cast<double>(k) / static_cast<double>(n_knots - 1);
      summary.knots[k] = sorted_quantile(sorted.data(), summary.count, p);
    }
  }
  return summary;
}

template <class T>
T ScoreSummary<T>::quantile(double p) const noexcept {
  if (knots.size() == 0) return T(0);
  return sorted_quantile(knots.data(), knots.size(), p);
}

template <class T>
double ScoreSummary<T>::rank(T score) const noexcept {
  const Index n = knots.size();
  if (n == 0) return 0.0;
  if (score < knots[0]) return 0.0;
  if (score >= knots[n - 1]) return 1.0;
  if (n == count) {  // exact: fraction of scores <= score
    const T* end = std::upper_bound(knots.data(), knots.data() + n, score);
    return static_cast<double>(end - knots.data()) / static_cast<double>(n);
  }
  const T* upper = std::upper_bound(knots.data(), knots.data() + n, score);
  const Index k = (upper - knots.data()) - 1;  // knots[k] <= score < knots[k + 1]
  const double width = static_cast<double>(knots[k + 1]) - static_cast<double>(knots[k]);
  const double within = width > 0 ? (static_cast<double>(score) - knots[k]) / width : 0.0;
  return (static_cast<double>(k) + within) / static_cast<double>(n - 1);
}

template <class T>
void ScoreSummary<T>::write(ByteWriter& writer) const {
  writer.write(static_cast<std::uint64_t>(count));
  writer.write(min);
  writer.write(max);
  writer.write(mean);
  writer.write(stddev);
  writer.write_array(knots);
}

template <class T>
ScoreSummary<T> ScoreSummary<T>::read(ByteReader& reader) {
  ScoreSummary summary;
  const auto count = reader.read<std::uint64_t>("training score count");
  summary.min = reader.read<T>("training score minimum");
  summary.max = reader.read<T>("training score maximum");
  summary.mean = reader.read<T>("training score mean");
  summary.stddev = reader.read<T>("training score deviation");
  reader.read_array(summary.knots, "training score quantiles");
  if (reader.error()) return summary;
  const Index n = summary.knots.size();
  const bool plausible =
      count >= static_cast<std::uint64_t>(n) && n <= max_knots && (n == 0) == (count == 0) &&
      summary.knots.allFinite() && std::is_sorted(summary.knots.data(), summary.knots.data() + n) &&
      std::isfinite(summary.mean) && std::isfinite(summary.stddev) && !(summary.min > summary.max);
  if (!plausible)
    reader.fail("inconsistent training score summary before byte %zu", reader.offset());
  summary.count = static_cast<Index>(count);
  return summary;
}

}  // namespace anomaly
