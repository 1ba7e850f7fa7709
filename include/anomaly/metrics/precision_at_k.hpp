#pragma once
// Precision among the k highest scores.
#include <anomaly/metrics/ranking.hpp>

namespace anomaly {

/// Share of true anomalies among the `k` highest-scored rows (k = 0: the number of anomalies, the
/// usual "precision at n" of outlier-detection benchmarks). Ties at the cut count fractionally.
template <class Scores>
double precision_at_k(const Scores& scores, const Labels& labels, Index k = 0) {
  const auto ranked = detail::rank_by_score(scores, labels, false);
  if (k == 0) k = ranked.positives;
  if (k <= 0 || k > ranked.size()) {
    raise(Error::make(ErrorCode::invalid_parameter, "k must be in [1, %ld] (got %ld)",
                      static_cast<long>(ranked.size()), static_cast<long>(k)));
  }
  // Walk tie groups from the top; the group straddling the cut contributes its mean label.
  double hits = 0;
  Index taken = 0;
  for (Index end = ranked.size(); taken < k;) {
    Index begin = end - 1;
    while (begin > 0 && ranked.sorted_scores[static_cast<std::size_t>(begin - 1)] ==
                            ranked.sorted_scores[static_cast<std::size_t>(end - 1)]) {
      --begin;
    }
    double group_positives = 0;
    for (Index i = begin; i < end; ++i) group_positives += ranked.label(i) ? 1 : 0;
    const Index group = end - begin;
    const Index use = std::min(group, k - taken);
    hits += group_positives * static_cast<double>(use) / static_cast<double>(group);
    taken += use;
    end = begin;
  }
  return hits / static_cast<double>(k);
}

}  // namespace anomaly
