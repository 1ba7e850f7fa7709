// anomaly: runs the library's detectors on CSV files. Exit codes: 0 ok, 2 usage, 3 bad input.
#include "algorithms.hpp"
#include "commands.hpp"
#include "csv_reader.hpp"

#include <anomaly/core/config.hpp>
#include <anomaly/core/error.hpp>

#include <CLI/CLI.hpp>

#include <cstdio>
#include <new>

namespace {

constexpr int exit_usage = 2;
constexpr int exit_input = 3;

using anomaly::cli::Options;

void add_algorithm(CLI::App& command, Options& options) {
  command.add_option("-a,--algorithm", options.algorithm, "Detector to run (see `anomaly list`)")
      ->required();
  command.add_option("--set", options.settings, "Set a parameter, e.g. --set threshold=3.5")
      ->type_name("KEY=VALUE")
      ->allow_extra_args(false);  // one KEY=VALUE per --set: FILE is never swallowed
  command.add_flag("--float", options.use_float, "Compute in single precision (default double)");
}

void add_columns(CLI::App& command, Options& options) {
  command
      .add_option("--features", options.features,
                  "Feature columns (default: all but the label, window and time columns)")
      ->delimiter(',')
      ->allow_extra_args(false)
      ->type_name("NAME,...");
  command
      .add_option("--label-column", options.label_column,
                  "Column of true labels, used only for evaluation (default: label, if present)")
      ->type_name("NAME")
      ->each([&options](const std::string&) { options.label_column_given = true; });
  command
      .add_option("--window-column", options.window_column,
                  "Column marking labelled anomaly windows (1 inside), used only for evaluation "
                  "(default: window, if present)")
      ->type_name("NAME");
  command
      .add_option("--time-column", options.time_column,
                  "Column of time stamps, not a feature unless --features names it (default: "
                  "timestamp)")
      ->type_name("NAME");
}

CLI::Option* add_contamination(CLI::App& command, double& contamination) {
  return command
      .add_option("--contamination", contamination,
                  "Set the threshold to flag this share of the training rows, in (0, 0.5]")
      ->type_name("C");
}

void add_report(CLI::App& command, Options& options) {
  command.add_option("-o,--output", options.output, "Write the scores here (default: stdout)")
      ->type_name("FILE");
  command.add_flag("--stats", options.stats,
                   "Print one JSON object of timings and metrics on stderr");
  command.add_option("--top", options.top, "Print the N highest-scoring rows on stderr")
      ->type_name("N");
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "Runs anomaly detectors on CSV files (a header line, then numbers).\n"
      "Exit codes: 0 ok, 2 usage error, 3 bad input.",
      "anomaly"};
  app.set_version_flag("--version", ANOMALY_VERSION_STRING);
  app.require_subcommand(1);
  Options options;
  double contamination = 0;

  CLI::App& detect = *app.add_subcommand("detect",
                                         "Score the rows of FILE (outlier mode, or "
                                         "against a model fitted on --train)");
  add_algorithm(detect, options);
  add_columns(detect, options);
  add_report(detect, options);
  CLI::Option* detect_contamination = add_contamination(detect, contamination);
  detect
      .add_option("--plot", options.plot_file,
                  "Draw the first features, the scores, the flagged rows and labelled windows "
                  "(and, for a seasonal algorithm, the decomposition) as an SVG")
      ->type_name("FILE.svg");
  detect.add_option("--train", options.train_file, "Fit on this file instead of FILE")
      ->type_name("FILE");
  detect.add_option("FILE", options.file, "CSV file to score (- = stdin)")->required();

  CLI::App& train = *app.add_subcommand("train", "Fit a detector on FILE and save the model");
  add_algorithm(train, options);
  add_columns(train, options);
  CLI::Option* train_contamination = add_contamination(train, contamination);
  train.add_option("--model", options.model_file, "Write the model here")
      ->required()
      ->type_name("OUT");
  train.add_flag("--stats", options.stats, "Print one JSON object of timings on stderr");
  train.add_option("FILE", options.file, "CSV file to fit on (- = stdin)")->required();

  CLI::App& score = *app.add_subcommand("score", "Score FILE with a model saved by `train`");
  score.add_option("--model", options.model_file, "Model file from `anomaly train`")
      ->required()
      ->type_name("MODEL");
  add_columns(score, options);
  add_report(score, options);
  CLI::Option* score_contamination = add_contamination(score, contamination);
  score.add_option("FILE", options.file, "CSV file to score (- = stdin)")->required();

  CLI::App& stream = *app.add_subcommand(
      "stream", "Score rows from stdin as they arrive (a header line first), one line each");
  add_algorithm(stream, options);
  add_columns(stream, options);
  stream.add_flag("--stats", options.stats,
                  "When the input ends, print one JSON object of metrics on stderr (keeps every "
                  "score until then)");

  CLI::App& decompose = *app.add_subcommand(
      "decompose", "Split one series into trend, seasonal and remainder by STL; write them as CSV");
  decompose
      .add_option("--period", options.period,
                  "Time steps per cycle (default: estimated from the series)")
      ->check(CLI::PositiveNumber)
      ->type_name("P");
  decompose.add_flag(
      "--robust", options.robust,
      "Robust STL: outer iterations down-weight outliers (statsmodels' robust=True)");
  decompose.add_flag("--classical", options.classical,
                     "Moving averages (statsmodels' seasonal_decompose) instead of STL");
  add_columns(decompose, options);
  decompose.add_option("-o,--output", options.output, "Write the CSV here (default: stdout)")
      ->type_name("FILE");
  decompose.add_option("--plot", options.plot_file, "Draw the series and its parts as an SVG")
      ->type_name("FILE.svg");
  decompose.add_flag("--float", options.use_float, "Compute in single precision (default double)");
  decompose.add_option("FILE", options.file, "CSV file holding the series (- = stdin)")->required();

  app.add_subcommand("list", "List the algorithms, their parameters and defaults");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    if (error.get_exit_code() == 0) return app.exit(error);  // --help, --version
    std::fprintf(stderr, "anomaly: %s\nRun `anomaly --help` or `anomaly COMMAND --help`.\n",
                 error.what());
    return exit_usage;
  }
  for (const CLI::Option* option :
       {detect_contamination, train_contamination, score_contamination}) {
    if (option->count() > 0) options.contamination = contamination;
  }

  try {
    if (detect.parsed()) anomaly::cli::run_detect(options);
    if (train.parsed()) anomaly::cli::run_train(options);
    if (score.parsed()) anomaly::cli::run_score(options);
    if (stream.parsed()) anomaly::cli::run_stream(options);
    if (decompose.parsed()) anomaly::cli::run_decompose(options);
    if (app.got_subcommand("list")) anomaly::cli::run_list();
  } catch (const anomaly::cli::UsageError& error) {
    std::fprintf(stderr, "anomaly: %s\n", error.what());
    return exit_usage;
  } catch (const anomaly::cli::InputError& error) {
    std::fprintf(stderr, "anomaly: %s\n", error.what());
    return exit_input;
  } catch (const anomaly::Exception& error) {
    std::fprintf(stderr, "anomaly: %s\n", error.what());
    return exit_input;
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "anomaly: out of memory: the input is too large\n");
    return exit_input;
  }
  return 0;
}
