#pragma once
// Sorting scores with their labels, shared by the ranking metrics.
#include <anomaly/core/error.hpp>
#include <anomaly/core/types.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

namespace anomaly::detail {

/// Scores sorted in ascending order with their labels, and tie groups resolved to average ranks.
struct RankedScores {
  std::vector<double> sorted_scores;
  std::vector<bool> sorted_labels;
  std::vector<double> ranks;  ///< 1-based average rank of each sorted position
  Index positives = 0;

  Index size() const noexcept { return static_cast<Index>(sorted_scores.size()); }
  bool label(Index i) const noexcept { return sorted_labels[static_cast<std::size_t>(i)]; }
  double average_rank(Index i) const noexcept { return ranks[static_cast<std::size_t>(i)]; }
};

template <class Scores>
RankedScores rank_by_score(const Scores& scores, const Labels& labels, bool need_both = true) {
  const auto n = static_cast<Index>(scores.size());
  if (n != labels.size()) {
    raise(Error::make(ErrorCode::dimension_mismatch, "%ld scores but %ld labels",
                      static_cast<long>(n), static_cast<long>(labels.size())));
  }
  RankedScores out;
  std::vector<Index> order(static_cast<std::size_t>(n));
  std::iota(order.begin(), order.end(), Index{0});
  for (Index i = 0; i < n; ++i) {
    if (std::isnan(static_cast<double>(scores[i]))) {
      raise(Error::make(ErrorCode::non_finite_input, "score %ld is NaN", static_cast<long>(i)));
    }
  }
  std::stable_sort(order.begin(), order.end(),
                   [&](Index a, Index b) { return scores[a] < scores[b]; });
  out.sorted_scores.reserve(order.size());
  out.sorted_labels.reserve(order.size());
  for (Index i : order) {
    out.sorted_scores.push_back(static_cast<double>(scores[i]));
    out.sorted_labels.push_back(labels[i]);
    out.positives += labels[i] ? 1 : 0;
  }
  if (need_both && (out.positives == 0 || out.positives == n)) {
    raise(Error::make(ErrorCode::invalid_parameter,
                      "labels must contain both classes (%ld anomalies among %ld rows)",
                      static_cast<long>(out.positives), static_cast<long>(n)));
  }
  out.ranks.resize(order.size());
  for (std::size_t begin = 0; begin < order.size();) {
    std::size_t end = begin + 1;
    while (end < order.size() && out.sorted_scores[end] == out.sorted_scores[begin]) ++end;
    const double rank = 0.5 * static_cast<double>(begin + 1 + end);  // mean of begin+1 .. end
    for (std::size_t i = begin; i < end; ++i) out.ranks[i] = rank;
    begin = end;
  }
  return out;
}

/// Calls visit(size, positives) for each group of tied scores, from the highest score down, until
/// it returns false.
template <class Visit>
void visit_tie_groups_descending(const RankedScores& ranked, Visit&& visit) {
  for (Index end = ranked.size(); end > 0;) {
    Index begin = end - 1;
    const double score = ranked.sorted_scores[static_cast<std::size_t>(end - 1)];
    while (begin > 0 && ranked.sorted_scores[static_cast<std::size_t>(begin - 1)] == score) --begin;
    double positives = 0;
    for (Index i = begin; i < end; ++i) positives += ranked.label(i) ? 1 : 0;
    if (!visit(end - begin, positives)) return;
    end = begin;
  }
}

}  // namespace anomaly::detail
