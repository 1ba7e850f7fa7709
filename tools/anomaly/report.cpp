#include "report.hpp"

#include <anomaly/metrics/average_precision.hpp>
#include <anomaly/metrics/roc_auc.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <numeric>
#include <string_view>
#include <utility>
#include <vector>

namespace anomaly::cli {

template <Scalar T>
char* append_score_line(char* out, T score, bool flagged) noexcept {
  out = std::to_chars(out, out + 32, score).ptr;
  const char* tail = flagged ? ",1\n" : ",0\n";
  std::memcpy(out, tail, 3);
  return out + 3;
}

/// Writes `header`, then rows 0..count-1 through append(out, row) (at most 128 characters each),
/// to `path` ("" or "-" = stdout), in 64 KB blocks.
template <class Append>
void write_lines(const std::string& path, std::string_view header, Index count, Append append) {
  const bool to_stdout = path.empty() || path == "-";
  std::FILE* file = to_stdout ? stdout : std::fopen(path.c_str(), "wb");
  if (file == nullptr) {
    throw InputError(located(path, 0, std::string("cannot write: ") + std::strerror(errno)));
  }
  constexpr std::size_t block = std::size_t{1} << 16;
  std::vector<char> buffer(block + 128);
  char* end = std::copy(header.begin(), header.end(), buffer.data());
  bool failed = false;
  for (Index i = 0; i < count; ++i) {
    end = append(end, i);
    if (static_cast<std::size_t>(end - buffer.data()) >= block) {
      failed |= std::fwrite(buffer.data(), 1, static_cast<std::size_t>(end - buffer.data()),
                            file) != static_cast<std::size_t>(end - buffer.data());
      end = buffer.data();
    }
  }
  const auto rest = static_cast<std::size_t>(end - buffer.data());
  failed |= std::fwrite(buffer.data(), 1, rest, file) != rest;
  failed |= std::fflush(file) != 0;
  if (!to_stdout) failed |= std::fclose(file) != 0;
  if (failed) {
    throw InputError(located(to_stdout ? "<stdout>" : path, 0,
                             std::string("cannot write: ") + std::strerror(errno)));
  }
}

template <Scalar T>
Labels flags_above(const Vector<T>& scores, T threshold) {
  return scores.array() > threshold;
}

template <Scalar T>
void write_scores(const std::string& path, const Vector<T>& scores, const Labels& flags) {
  write_lines(path, "score,is_anomaly\n", scores.size(), [&](char* out, Index row) {
    return append_score_line(out, scores[row], flags[row]);
  });
}

template <Scalar T>
void write_decomposition(const std::string& path, const Decomposition<T>& parts) {
  write_lines(path, "trend,seasonal,remainder\n", parts.trend.size(), [&](char* out, Index row) {
    for (const T value : {parts.trend[row], parts.seasonal[row], parts.remainder[row]}) {
      out = std::to_chars(out, out + 40, value).ptr;  // NaN: "nan", as pandas reads it
      *out++ = ',';
    }
    out[-1] = '\n';
    return out;
  });
}

/// The scores and labels of the rows whose score is not NaN (a missing value has none).
template <Scalar T>
std::pair<Vector<T>, Labels> scored_rows(const Vector<T>& scores, const Labels& labels) {
  const auto scored = (scores.array() == scores.array()).eval();  // false for NaN
  if (scored.all()) return {scores, labels};
  Vector<T> kept_scores(scored.count());
  Labels kept_labels(scored.count());
  for (Index row = 0, out = 0; row < scores.size(); ++row) {
    if (!scored[row]) continue;
    kept_scores[out] = scores[row];
    kept_labels[out++] = labels[row];
  }
  return {std::move(kept_scores), std::move(kept_labels)};
}

template <Scalar T>
std::optional<Evaluation> evaluate(const Vector<T>& scores, const std::optional<Labels>& labels) {
  if (!labels) return std::nullopt;
  Evaluation evaluation;
  evaluation.labelled_anomalies = labels->count();
  const auto [kept_scores, kept_labels] = scored_rows(scores, *labels);
  const Index marked = kept_labels.count();
  if (marked > 0 && marked < kept_labels.size()) {
    evaluation.roc_auc = roc_auc(kept_scores, kept_labels);
    evaluation.average_precision = average_precision(kept_scores, kept_labels);
  }
  return evaluation;
}

template <Scalar T>
std::optional<WindowEvaluation> evaluate_windows(const Vector<T>& scores, const Labels& flags,
                                                 const std::optional<Labels>& windows) {
  if (!windows) return std::nullopt;
  WindowEvaluation evaluation;
  bool flagged_here = false;
  for (Index row = 0; row < scores.size(); ++row) {
    const bool inside = (*windows)(row);
    const bool flagged = flags[row];
    if (inside && (row == 0 || !(*windows)(row - 1))) {
      ++evaluation.windows;
      flagged_here = false;
    }
    if (inside && flagged && !flagged_here) {
      ++evaluation.windows_flagged;
      flagged_here = true;
    }
    if (!inside && flagged) ++evaluation.flags_outside;
  }
  const auto [kept_scores, kept_windows] = scored_rows(scores, *windows);
  const Index marked = kept_windows.count();
  if (marked > 0 && marked < kept_windows.size()) {
    evaluation.roc_auc = roc_auc(kept_scores, kept_windows);
  }
  return evaluation;
}

void print_stats(const Stats& stats) {
  nlohmann::ordered_json json;
  json["algorithm"] = stats.algorithm;
  json["scalar"] = stats.scalar;
  json["n"] = stats.n;
  json["d"] = stats.d;
  if (stats.n_train) json["n_train"] = *stats.n_train;
  json["parse_seconds"] = stats.parse_seconds;
  json["fit_seconds"] = stats.fit_seconds;
  json["score_seconds"] = stats.score_seconds;
  if (stats.threshold) json["threshold"] = *stats.threshold;
  json["anomalies"] = stats.anomalies;
  if (stats.period) json["period"] = *stats.period;
  if (stats.evaluation) {
    const Evaluation& evaluation = *stats.evaluation;
    json["labelled_anomalies"] = evaluation.labelled_anomalies;
    // null when the labels hold one class only: the metrics are undefined there.
    json["roc_auc"] = evaluation.roc_auc ? nlohmann::ordered_json(*evaluation.roc_auc) : nullptr;
    json["average_precision"] = evaluation.average_precision
                                    ? nlohmann::ordered_json(*evaluation.average_precision)
                                    : nullptr;
  }
  if (stats.windows) {
    const WindowEvaluation& windows = *stats.windows;
    json["windows"] = windows.windows;
    json["windows_flagged"] = windows.windows_flagged;
    json["flags_outside_windows"] = windows.flags_outside;
    json["window_roc_auc"] = windows.roc_auc ? nlohmann::ordered_json(*windows.roc_auc) : nullptr;
  }
  std::fprintf(stderr, "%s\n", json.dump().c_str());
}

template <Scalar T>
void print_top(const CsvTable<T>& table, const Vector<T>& scores, const Labels& flags,
               std::optional<double> threshold, Index top, const std::string& algorithm,
               const std::optional<Evaluation>& evaluation) {
  const Index n = scores.size();
  const Index shown = std::min(top, n);
  std::vector<Index> order(static_cast<std::size_t>(n));
  std::iota(order.begin(), order.end(), Index{0});
  // Highest score first, NaN (missing) last; ties keep file order.
  const auto key = [&](Index row) {
    return std::isnan(scores[row]) ? -std::numeric_limits<T>::infinity() : scores[row];
  };
  std::partial_sort(order.begin(), order.begin() + shown, order.end(), [&](Index a, Index b) {
    return key(a) > key(b) || (key(a) == key(b) && a < b);
  });
  char cutoff[48] = "";
  if (threshold) std::snprintf(cutoff, sizeof cutoff, "threshold %g, ", *threshold);
  std::fprintf(stderr, "Top %ld of %ld rows by %s score (%s%ld rows flagged)\n\n",
               static_cast<long>(shown), static_cast<long>(n), algorithm.c_str(), cutoff,
               static_cast<long>(flags.count()));
  const bool labelled = table.labels.has_value();
  std::fprintf(stderr, "  %4s  %9s  %12s  %7s%s\n", "rank", "line", "score", "flagged",
               labelled ? "  label" : "");
  for (Index rank = 0; rank < shown; ++rank) {
    const Index row = order[static_cast<std::size_t>(rank)];
    const double score = static_cast<double>(scores[row]);
    std::fprintf(stderr, "  %4ld  %9ld  %12.6g  %7s", static_cast<long>(rank + 1),
                 static_cast<long>(table.line_number(row)), score, flags[row] ? "yes" : "no");
    if (labelled) std::fprintf(stderr, "  %5d", (*table.labels)(row) ? 1 : 0);
    std::fputc('\n', stderr);
  }
  if (!evaluation) return;
  std::fputc('\n', stderr);
  if (evaluation->roc_auc) {
    std::fprintf(stderr, "ROC-AUC %.4f   average precision %.4f   (%ld labelled anomalies)\n",
                 *evaluation->roc_auc, *evaluation->average_precision,
                 static_cast<long>(evaluation->labelled_anomalies));
  } else {
    std::fprintf(stderr, "ROC-AUC and average precision undefined: the labels hold one class\n");
  }
}

template char* append_score_line<double>(char*, double, bool) noexcept;
template char* append_score_line<float>(char*, float, bool) noexcept;
template Labels flags_above<double>(const Vector<double>&, double);
template Labels flags_above<float>(const Vector<float>&, float);
template void write_scores<double>(const std::string&, const Vector<double>&, const Labels&);
template void write_scores<float>(const std::string&, const Vector<float>&, const Labels&);
template void write_decomposition<double>(const std::string&, const Decomposition<double>&);
template void write_decomposition<float>(const std::string&, const Decomposition<float>&);
template std::optional<Evaluation> evaluate<double>(const Vector<double>&,
                                                    const std::optional<Labels>&);
template std::optional<Evaluation> evaluate<float>(const Vector<float>&,
                                                   const std::optional<Labels>&);
template std::optional<WindowEvaluation> evaluate_windows<double>(const Vector<double>&,
                                                                  const Labels&,
                                                                  const std::optional<Labels>&);
template std::optional<WindowEvaluation> evaluate_windows<float>(const Vector<float>&,
                                                                 const Labels&,
                                                                 const std::optional<Labels>&);
template void print_top<double>(const CsvTable<double>&, const Vector<double>&, const Labels&,
                                std::optional<double>, Index, const std::string&,
                                const std::optional<Evaluation>&);
template void print_top<float>(const CsvTable<float>&, const Vector<float>&, const Labels&,
                               std::optional<double>, Index, const std::string&,
                               const std::optional<Evaluation>&);

}  // namespace anomaly::cli
