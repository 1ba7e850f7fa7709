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
  for (Index end = ranked.size(); end > 0;) {  // thresholds from the highest score down
    Index begin = end - 1;
    while (begin > 0 && ranked.sorted_scores[static_cast<std::size_t>(begin - 1)] ==
                            ranked.sorted_scores[static_cast<std::size_t>(end - 1)]) {
      --begin;
    }
    double group_positives = 0;
    for (Index i = begin; i < end; ++i) group_positives += ranked.label(i) ? 1 : 0;
    true_positives += group_positives;
    flagged += static_cast<double>(end - begin);
    ap += (group_positives / total_positives) * (true_positives / flagged);
    end = begin;
  }
  return std::min(ap, 1.0);  // the sum of n fractions can round past 1
}

}  // namespace anomaly
