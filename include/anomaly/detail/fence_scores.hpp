#pragma once
// The scoring kernel shared by the per-feature statistical detectors: each feature scores its
// distance outside a [low, high] fence in units of a scale, and the features are combined.
#include <anomaly/core/bytes.hpp>
#include <anomaly/core/score_summary.hpp>
#include <anomaly/core/statistics.hpp>
#include <anomaly/core/threshold.hpp>
#include <anomaly/core/types.hpp>
#include <anomaly/core/validate.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace anomaly {

/// How per-feature scores of one row become the row's score.
enum class FeatureCombine : std::uint8_t {
  max,   ///< the most deviant feature decides (default: a single wild feature is an anomaly)
  mean,  ///< the average deviation over the features
};

namespace detail {

/// Per-feature fences and scales: score_j(x) = max(0, low_j - x_j, x_j - high_j) / scale_j.
template <class T>
struct Fences {
  RowVector<T> low;
  RowVector<T> high;
  RowVector<T> inverse_scale;  ///< 1 / scale, precomputed: scoring multiplies
  FeatureCombine combine = FeatureCombine::max;

  Vector<T> score(const MatrixRef<T>& X) const {
    const Index n = X.rows();
    Vector<T> scores = Vector<T>::Zero(n);
    for (Index j = 0; j < X.cols(); ++j) {
      const auto column = X.col(j).array();
      const auto deviation = ((low[j] - column).max(column - high[j])).max(T(0)) * inverse_scale[j];
      if (combine == FeatureCombine::max) {
        scores.array() = scores.array().max(deviation);
      } else {
        scores.array() += deviation;
      }
    }
    if (combine == FeatureCombine::mean) scores /= static_cast<T>(X.cols());
    return scores;
  }

  T score_one(const RowRef<T>& x) const noexcept {
    T total = 0;
    for (Index j = 0; j < x.size(); ++j) {
      const T deviation = fence_distance(x[j], low[j], high[j], inverse_scale[j]);
      total = combine == FeatureCombine::max ? std::max(total, deviation) : total + deviation;
    }
    return combine == FeatureCombine::mean ? total / static_cast<T>(x.size()) : total;
  }
};

/// inverse_or_one of every feature's scale.
template <class T>
RowVector<T> safe_inverse(const RowVector<T>& scale) {
  return scale.unaryExpr([](T s) { return inverse_or_one(s); });
}

/// What the per-feature detectors' models share: fences, threshold, training-score summary, and
/// the scoring, checking and save/load of those. Each model adds the statistics it is named after.
template <class T>
struct FencedModel {
  using Scalar = T;
  Fences<T> fences;
  T threshold = 0;                   ///< scores above this are anomalies
  ScoreSummary<T> training_summary;  ///< bounded summary of the training rows' scores

  Index n_features() const noexcept { return fences.low.size(); }

  /// One score per row of X, higher = more anomalous. Thread-safe.
  Vector<T> score(const MatrixRef<T>& X) const {
    raise_if(check_scoring_data(X, n_features()));
    return fences.score(X);
  }

  /// The score of one row; allocates nothing.
  T score_one(const RowRef<T>& x) const {
    raise_if(check_scoring_data(x, n_features(), "x"));
    return fences.score_one(x);
  }

  /// Sets the fences, then scores the training rows for the summary and the threshold.
  Vector<T> finish_fit(const MatrixRef<T>& X, Fences<T> fitted, const Threshold& rule) {
    fences = std::move(fitted);
    Vector<T> scores = fences.score(X);
    training_summary = ScoreSummary<T>::of(scores);
    threshold = resolve(rule, training_summary);
    return scores;
  }

  void write_fences(ByteWriter& writer) const {
    writer.write(static_cast<std::uint8_t>(fences.combine));
    writer.write_array(fences.low);
    writer.write_array(fences.high);
    writer.write_array(fences.inverse_scale);
    writer.write(threshold);
    training_summary.write(writer);
  }

  void read_fences(ByteReader& reader) {
    const auto combine = reader.read<std::uint8_t>("feature combination");
    reader.read_array(fences.low, "lower fences");
    reader.read_array(fences.high, "upper fences");
    reader.read_array(fences.inverse_scale, "scales");
    threshold = reader.read<T>("threshold");
    training_summary = ScoreSummary<T>::read(reader);
    if (reader.error()) return;
    const Index d = fences.low.size();
    if (combine > static_cast<std::uint8_t>(FeatureCombine::mean) || d == 0 ||
        fences.high.size() != d || fences.inverse_scale.size() != d || !fences.low.allFinite() ||
        !fences.high.allFinite() || !fences.inverse_scale.allFinite() ||
        (fences.inverse_scale.array() <= T(0)).any() || std::isnan(threshold)) {
      reader.fail("inconsistent per-feature statistics before byte %zu", reader.offset());
    }
    fences.combine = static_cast<FeatureCombine>(combine);
  }
};

/// A column of X as a double-precision copy, for order statistics.
template <class T>
Eigen::VectorXd column_copy(const MatrixRef<T>& X, Index j) {
  return X.col(j).template cast<double>();
}

/// The p-quantile of `values`, partially reordering them (see select_quantile).
inline double select_quantile(Eigen::VectorXd& values, double p, Index prefix = -1) {
  const Index n = values.size();
  return anomaly::select_quantile(values.data(), n, p, prefix < 0 ? n : prefix);
}

}  // namespace detail
}  // namespace anomaly
