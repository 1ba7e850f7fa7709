#pragma once
// Area under the ROC curve from scores and true labels, ties counted as half (Mann-Whitney U).
#include <anomaly/metrics/ranking.hpp>

namespace anomaly {

/// ROC-AUC of `scores` (higher = more anomalous) against `labels` (true = anomaly). Tied scores
/// share their average rank, so the result equals scikit-learn's roc_auc_score. Raises when the
/// sizes differ, a score is NaN, or either class is absent.
template <class Scores>
double roc_auc(const Scores& scores, const Labels& labels) {
  const auto ranked = detail::rank_by_score(scores, labels);
  double positive_rank_sum = 0;
  for (Index i = 0; i < ranked.size(); ++i) {
    if (ranked.label(i)) positive_rank_sum += ranked.average_rank(i);
  }
  const double p = static_cast<double>(ranked.positives);
  const double n = static_cast<double>(ranked.size() - ranked.positives);
  return (positive_rank_sum - p * (p + 1) / 2) / (p * n);
}

}  // namespace anomaly
