#pragma once
// Average precision: the area under the precision-recall curve as a step function.
#include <anomaly/metrics/ranking.hpp>

#include <algorithm>

namespace anomaly {

/// Average precision of `scores` against `labels`, with tied scores taken as one threshold, as
/// scikit-learn's average_precision_score: sum over thresholds of (R_k - R_{k-1}) P_k.
template <class Scores>
double average_precision(const Scores& scores, const Labels& labels) {
  const auto ranked = detail::rank_by_score(scores, labels);
  const double total_positives = static_cast<double>(ranked.positives);
  double ap = 0;
  double true_positives = 0;
  double flagged = 0;
  detail::visit_tie_groups_descending(ranked, [&](Index size, double positives) {
    true_positives += positives;  // one threshold per group of tied scores
    flagged += static_cast<double>(size);
    ap += (positives / total_positives) * (true_positives / flagged);
    return true;
  });
  return std::min(ap, 1.0);  // the sum of n fractions can round past 1
}

}  // namespace anomaly
