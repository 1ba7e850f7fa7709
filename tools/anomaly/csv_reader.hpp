#pragma once
// The CLI's CSV reader: a header line, then numbers. The whole file is read in one go and each
// cell parsed in place with std::from_chars, straight into a column-major matrix.
#include <anomaly/core/types.hpp>

#include <cstdio>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace anomaly::cli {

/// Bad input data (exit code 3): the message names the file, line and column.
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Which columns of a CSV file are features, and which hold labels, labelled windows and time.
struct CsvOptions {
  std::vector<std::string> features;   ///< feature columns by name; empty = every other column
  std::string label_column = "label";  ///< labels, used only for evaluation
  bool label_required = false;         ///< true when the user named the label column
  /// 1 inside a labelled anomaly window (NAB's files), used only for evaluation: never a feature.
  std::string window_column = "window";
  /// Time stamps: not a feature unless --features names it.
  std::string time_column = "timestamp";
  /// An empty feature cell or "nan" (any case) reads as NaN, a missing value: for the detectors
  /// of whole series, which fill them in; every other detector needs numbers.
  bool allow_missing = false;
};

/// How each cell of a row is used, decided once from the header.
template <Scalar T>
class RowParser {
 public:
  /// Reads the header line of `source` (a file name, for messages) and plans the columns.
  RowParser(std::string_view header, std::string source, const CsvOptions& options);

  /// Parses one data line (without its newline) into `features` (d values, `stride` apart),
  /// `label` and `window` (when the file has them); throws InputError naming the line and column
  /// of the first bad cell.
  void parse(std::string_view line, Index line_number, T* features, Index stride, bool* label,
             bool* window) const;

  Index n_features() const noexcept { return static_cast<Index>(feature_names_.size()); }
  bool has_labels() const noexcept { return label_column_.has_value(); }
  bool has_windows() const noexcept { return window_column_.has_value(); }
  /// The time column's cell of a data line, trimmed and unquoted, when the file has one.
  std::optional<std::string> time_of(std::string_view line) const;
  const std::vector<std::string>& feature_names() const noexcept { return feature_names_; }
  const std::string& source() const noexcept { return source_; }

 private:
  enum class Role : unsigned char { ignored, feature, label, window };
  struct Column {
    std::string name;
    Role role = Role::ignored;
    Index feature = -1;  ///< position among the features
  };

  [[noreturn]] void fail_cell(Index line_number, std::size_t column, std::string_view what) const;

  std::string source_;
  std::vector<Column> columns_;
  std::vector<std::string> feature_names_;
  std::optional<std::size_t> label_column_;
  std::optional<std::size_t> window_column_;
  std::optional<std::size_t> time_column_;  ///< present only when it is not a feature
  bool allow_missing_ = false;
};

/// A parsed CSV file: features as a column-major matrix, labels if the file has them.
template <Scalar T>
struct CsvTable {
  std::string source;
  std::vector<std::string> feature_names;
  Matrix<T> storage;  ///< capacity rows; the first `rows` are the data
  Index rows = 0;
  std::optional<Labels> labels;
  std::optional<Labels> windows;  ///< inside a labelled anomaly window, when the file says
  /// The first and last data rows' time stamps, as written, when the file has a time column.
  std::optional<std::pair<std::string, std::string>> time_span;
  /// (row, lines skipped before it) at each blank line, so line_number() stays exact.
  std::vector<std::pair<Index, Index>> skips;

  /// The data rows: a block of `storage`, passed to detectors without a copy.
  auto features() const { return storage.topRows(rows); }
  Index cols() const noexcept { return storage.cols(); }
  /// 1-based line of the file that holds data row `row` (0-based).
  Index line_number(Index row) const noexcept;
};

/// Parses CSV `text`; `source` names it in messages.
template <Scalar T>
CsvTable<T> parse_csv(std::string_view text, std::string source, const CsvOptions& options);

/// Reads and parses the file at `path` ("-" = standard input).
template <Scalar T>
CsvTable<T> read_csv(const std::string& path, const CsvOptions& options);

/// The whole file at `path` ("-" = standard input); throws InputError when it cannot be read.
std::string read_file(const std::string& path);

/// True for a line holding nothing but spaces, tabs or a carriage return: skipped, as pandas does.
bool blank_line(std::string_view line) noexcept;

/// Writes a data-file problem as "SOURCE:LINE: column N (NAME): WHAT" (line 0 = no line).
std::string located(std::string_view source, Index line, std::string_view what);

}  // namespace anomaly::cli
