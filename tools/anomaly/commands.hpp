#pragma once
// The five commands of the CLI, given parsed options. Errors are thrown: UsageError (exit 2),
// InputError and anomaly::Exception (exit 3).
#include <anomaly/core/types.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace anomaly::cli {

/// Everything the command line can say; each command reads the options it has.
struct Options {
  std::string algorithm;
  std::vector<std::string> settings;  ///< raw --set KEY=VALUE, in order
  std::string file;                   ///< the data file ("-" = standard input)
  std::string train_file;             ///< detect --train
  std::string model_file;             ///< train --model OUT, score --model IN
  std::string output;                 ///< score CSV destination; empty = stdout
  std::string plot_file;              ///< detect --plot: an SVG of the run
  std::vector<std::string> features;
  std::string label_column = "label";
  bool label_column_given = false;
  std::string window_column = "window";
  std::string time_column = "timestamp";
  std::optional<double> contamination;
  bool stats = false;
  std::size_t top = 0;
  bool use_float = false;
  Index period = 0;        ///< decompose --period; 0: estimated from the series
  bool robust = false;     ///< decompose --robust: STL with robustness weights
  bool classical = false;  ///< decompose --classical: moving averages instead of STL
};

void run_detect(const Options& options);
void run_train(const Options& options);
void run_score(const Options& options);
void run_stream(const Options& options);
void run_decompose(const Options& options);
/// Prints every algorithm with its parameters, defaults and meaning on stdout.
void run_list();

}  // namespace anomaly::cli
