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
  // The tie group straddling the cut contributes its mean label for the places it gets.
  double hits = 0;
  Index taken = 0;
  detail::visit_tie_groups_descending(ranked, [&](Index size, double positives) {
    const Index use = std::min(size, k - taken);
    hits += positives * static_cast<double>(use) / static_cast<double>(size);
    taken += use;
    return taken < k;
  });
  return hits / static_cast<double>(k);
}

}  // namespace anomaly
