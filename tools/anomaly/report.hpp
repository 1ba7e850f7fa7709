#pragma once
// What the CLI prints: the score CSV, the --stats JSON object and the --top table.
#include "csv_reader.hpp"

#include <anomaly/core/types.hpp>
#include <anomaly/timeseries/seasonal_decompose.hpp>

#include <cstdio>
#include <optional>
#include <string>

namespace anomaly::cli {

/// Appends "score,is_anomaly\n" for one row to `out` (room for 40 characters); returns the end.
template <Scalar T>
char* append_score_line(char* out, T score, bool flagged) noexcept;

/// The rows scored above `threshold`: most detectors' flags (a test such as ESD makes its own).
template <Scalar T>
Labels flags_above(const Vector<T>& scores, T threshold);

/// Writes the score CSV (header, then one line per row in input order) to `path` ("" = stdout).
template <Scalar T>
void write_scores(const std::string& path, const Vector<T>& scores, const Labels& flags);

/// Writes "trend,seasonal,remainder" and one line per time step to `path` ("" = stdout); NaN (the
/// ends of a classical trend) as "nan".
template <Scalar T>
void write_decomposition(const std::string& path, const Decomposition<T>& parts);

/// Ranking quality against the file's labels; absent without labels or with one class only.
struct Evaluation {
  Index labelled_anomalies = 0;
  std::optional<double> roc_auc;
  std::optional<double> average_precision;
};

/// Evaluates `scores` against `labels`, when there are labels; rows scored NaN (missing values)
/// are left out.
template <Scalar T>
std::optional<Evaluation> evaluate(const Vector<T>& scores, const std::optional<Labels>& labels);

/// Flags against labelled anomaly windows (runs of rows marked 1), as NAB labels its series.
struct WindowEvaluation {
  Index windows = 0;              ///< runs of marked rows
  Index windows_flagged = 0;      ///< runs with at least one flagged row
  Index flags_outside = 0;        ///< flagged rows outside every window
  std::optional<double> roc_auc;  ///< the scores ranked against window membership
};

/// Evaluates `scores` and their flags against `windows`, when the file has them.
template <Scalar T>
std::optional<WindowEvaluation> evaluate_windows(const Vector<T>& scores, const Labels& flags,
                                                 const std::optional<Labels>& windows);

/// The numbers --stats prints as one JSON object.
struct Stats {
  std::string algorithm;
  std::string scalar;            ///< "double" or "float"
  Index n = 0;                   ///< rows scored
  Index d = 0;                   ///< features
  std::optional<Index> n_train;  ///< rows fitted on, when they are another file
  double parse_seconds = 0;
  double fit_seconds = 0;
  double score_seconds = 0;
  std::optional<double> threshold;  ///< absent when a test (ESD) flags the rows
  Index anomalies = 0;              ///< rows flagged
  std::optional<Index> period;  ///< estimated, when the algorithm needed one; a series detector's
                                ///< period of its first column
  std::optional<Evaluation> evaluation;
  std::optional<WindowEvaluation> windows;
};

/// Prints `stats` as one line of JSON on stderr.
void print_stats(const Stats& stats);

/// Prints the `top` highest-scoring rows of `table` and the evaluation, as a table on stderr.
template <Scalar T>
void print_top(const CsvTable<T>& table, const Vector<T>& scores, const Labels& flags,
               std::optional<double> threshold, Index top, const std::string& algorithm,
               const std::optional<Evaluation>& evaluation);

}  // namespace anomaly::cli
