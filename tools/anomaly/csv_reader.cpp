#include "csv_reader.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <system_error>
#include <type_traits>

namespace anomaly::cli {
namespace {

std::string_view trim(std::string_view text) noexcept {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  return text;
}

/// A header name: trimmed, without surrounding double quotes.
std::string_view header_name(std::string_view cell) noexcept {
  cell = trim(cell);
  if (cell.size() >= 2 && cell.front() == '"' && cell.back() == '"') {
    cell = cell.substr(1, cell.size() - 2);
  }
  return cell;
}

/// The cell as it appears in a message: quoted, cut short when long.
std::string quoted(std::string_view cell) {
  constexpr std::size_t longest = 40;
  std::string out = "\"";
  out += cell.substr(0, longest);
  if (cell.size() > longest) out += "...";
  out += '"';
  return out;
}

/// Clinger's fast path (1990): a plain decimal of at most 15 digits is an exact integer over an
/// exact power of ten, so one division rounds correctly, as from_chars would. False otherwise.
bool parse_plain_decimal(const char* begin, const char* end, double& out) noexcept {
  static constexpr double powers[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                      1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
  const bool negative = begin != end && *begin == '-';
  const char* p = begin + (negative ? 1 : 0);
  std::uint64_t mantissa = 0;
  int digits = 0;
  int fraction_digits = 0;
  for (; p != end && static_cast<unsigned>(*p - '0') < 10; ++p, ++digits) {
    mantissa = mantissa * 10 + static_cast<unsigned>(*p - '0');
  }
  if (p != end && *p == '.') {
    for (++p; p != end && static_cast<unsigned>(*p - '0') < 10; ++p, ++digits, ++fraction_digits) {
      mantissa = mantissa * 10 + static_cast<unsigned>(*p - '0');
    }
  }
  if (p != end || digits == 0 || digits > 15) return false;
  const double value = static_cast<double>(mantissa) / powers[fraction_digits];
  out = negative ? -value : value;
  return true;
}

/// Why `cell` is not a finite number, or nothing; the value goes to `value`.
template <class V>
std::optional<std::string> parse_number(std::string_view cell, V& value) {
  cell = trim(cell);
  if (cell.empty()) return std::string("empty cell: every value must be a number");
  const char* begin = cell.data();
  const char* end = begin + cell.size();
  if (*begin == '+' && cell.size() > 1 && *(begin + 1) != '-') ++begin;  // from_chars rejects '+'
  if constexpr (std::is_same_v<V, double>) {
    if (parse_plain_decimal(begin, end, value)) return std::nullopt;
  }
  const auto [stop, status] = std::from_chars(begin, end, value);
  if (status == std::errc::result_out_of_range) {
    return quoted(cell) + " is out of range: data must be finite";
  }
  if (status != std::errc() || stop != end) return quoted(cell) + " is not a number";
  if (std::isnan(value)) return quoted(cell) + " is NaN: data must be finite";
  if (std::isinf(value)) return quoted(cell) + " is infinite: data must be finite";
  return std::nullopt;
}

/// An empty cell or "nan" in any case: a missing value where they are allowed.
bool missing_cell(std::string_view cell) noexcept {
  cell = trim(cell);
  const auto lower = [](char c) { return static_cast<char>(c | 0x20); };
  return cell.empty() || (cell.size() == 3 && lower(cell[0]) == 'n' && lower(cell[1]) == 'a' &&
                          lower(cell[2]) == 'n');
}

/// The first few column names, for messages about a missing column.
std::string list_names(const std::vector<std::string>& names) {
  constexpr std::size_t most = 12;
  std::string out;
  for (std::size_t i = 0; i < names.size() && i < most; ++i) {
    if (i > 0) out += ", ";
    out += names[i];
  }
  if (names.size() > most) out += ", ... (" + std::to_string(names.size()) + " in all)";
  return out;
}

/// The next line of `text` from `position` (without its newline); advances `position`.
std::string_view next_line(std::string_view text, std::size_t& position) noexcept {
  const std::size_t newline = text.find('\n', position);
  const std::size_t stop = newline == std::string_view::npos ? text.size() : newline;
  const std::string_view line = text.substr(position, stop - position);
  position = newline == std::string_view::npos ? text.size() : newline + 1;
  return line;
}

}  // namespace

bool blank_line(std::string_view line) noexcept {
  return trim(line).empty();
}

std::string located(std::string_view source, Index line, std::string_view what) {
  std::string out(source);
  if (line > 0) {
    out += ':';  // not ":" + string: GCC 12 warns falsely (-Wrestrict) on that
    out += std::to_string(line);
  }
  out += ": ";
  out += what;
  return out;
}

template <Scalar T>
RowParser<T>::RowParser(std::string_view header, std::string source, const CsvOptions& options)
    : source_(std::move(source)), allow_missing_(options.allow_missing) {
  std::vector<std::string> names;
  for (std::size_t position = 0;;) {
    const std::size_t comma = header.find(',', position);
    names.emplace_back(header_name(header.substr(position, comma - position)));
    if (comma == std::string_view::npos) break;
    position = comma + 1;
  }
  if (names.size() == 1 && names[0].empty()) {
    throw InputError(located(source_, 1, "empty header line: expected column names"));
  }
  for (std::size_t c = 0; c < names.size(); ++c) {
    const auto first = std::find(names.begin(), names.end(), names[c]);
    if (first != names.begin() + static_cast<std::ptrdiff_t>(c)) {
      throw InputError(located(
          source_, 1,
          "column " + std::to_string(c + 1) + " (" + names[c] + ") has the same name as column " +
              std::to_string(first - names.begin() + 1) + ": column names must be unique"));
    }
    columns_.push_back({names[c], Role::ignored, -1});
  }
  const auto find = [&](const std::string& name) -> std::optional<std::size_t> {
    const auto found = std::find(names.begin(), names.end(), name);
    if (found == names.end()) return std::nullopt;
    return static_cast<std::size_t>(found - names.begin());
  };
  label_column_ = find(options.label_column);
  if (label_column_) {
    columns_[*label_column_].role = Role::label;
  } else if (options.label_required) {
    throw InputError(located(source_, 1,
                             "no label column named '" + options.label_column +
                                 "' (columns: " + list_names(names) + ")"));
  }
  window_column_ = find(options.window_column);
  if (window_column_ && columns_[*window_column_].role == Role::ignored) {
    columns_[*window_column_].role = Role::window;
  } else {
    window_column_.reset();
  }
  const auto time_column = find(options.time_column);
  std::vector<std::size_t> chosen;
  if (options.features.empty()) {
    for (std::size_t c = 0; c < names.size(); ++c) {
      if (columns_[c].role == Role::ignored && c != time_column) chosen.push_back(c);
    }
  } else {
    for (const std::string& name : options.features) {
      const auto column = find(name);
      if (!column) {
        throw InputError(
            located(source_, 1,
                    "no feature column named '" + name + "' (columns: " + list_names(names) + ")"));
      }
      if (columns_[*column].role != Role::ignored) {
        throw InputError(located(source_, 1,
                                 "column '" + name +
                                     "' is the label column, the labelled-windows column or "
                                     "listed twice in --features: it cannot be a feature"));
      }
      columns_[*column].role = Role::feature;
      chosen.push_back(*column);
    }
  }
  if (chosen.empty()) {
    throw InputError(located(source_, 1,
                             "no feature columns: every column is the label, the labelled "
                             "windows or the time"));
  }
  for (std::size_t c : chosen) {
    columns_[c].role = Role::feature;
    columns_[c].feature = static_cast<Index>(feature_names_.size());
    feature_names_.push_back(names[c]);
  }
  // Once the features are chosen: a time column named as a feature is a feature only.
  if (time_column && columns_[*time_column].role == Role::ignored) time_column_ = time_column;
}

template <Scalar T>
std::optional<std::string> RowParser<T>::time_of(std::string_view line) const {
  if (!time_column_) return std::nullopt;
  std::size_t position = 0;
  for (std::size_t c = 0; c < *time_column_ && position != std::string_view::npos; ++c) {
    position = line.find(',', position);
    if (position != std::string_view::npos) ++position;
  }
  if (position == std::string_view::npos) return std::nullopt;
  const std::size_t comma = line.find(',', position);
  return std::string(header_name(line.substr(position, comma - position)));
}

template <Scalar T>
void RowParser<T>::fail_cell(Index line_number, std::size_t column, std::string_view what) const {
  throw InputError(located(source_, line_number,
                           "column " + std::to_string(column + 1) + " (" + columns_[column].name +
                               "): " + std::string(what)));
}

template <Scalar T>
void RowParser<T>::parse(std::string_view line, Index line_number, T* features, Index stride,
                         bool* label, bool* window) const {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  const std::size_t n_columns = columns_.size();
  std::size_t position = 0;
  for (std::size_t c = 0; c < n_columns; ++c) {
    const std::size_t comma = line.find(',', position);
    const bool last = c + 1 == n_columns;
    if (!last && comma == std::string_view::npos) {
      fail_cell(line_number, c + 1,
                "missing: the row has " + std::to_string(c + 1) + " cells but the header has " +
                    std::to_string(n_columns));
    }
    if (last && comma != std::string_view::npos) {
      const auto cells = std::count(line.begin(), line.end(), ',') + 1;
      throw InputError(located(source_, line_number,
                               "column " + std::to_string(n_columns + 1) +
                                   " (unnamed): extra cell: the row has " + std::to_string(cells) +
                                   " cells but the header has " + std::to_string(n_columns)));
    }
    const std::string_view cell = line.substr(position, comma - position);
    const Column& column = columns_[c];
    if (column.role == Role::feature) {
      T value;
      if (allow_missing_ && missing_cell(cell)) {
        value = std::numeric_limits<T>::quiet_NaN();
      } else if (auto error = parse_number(cell, value)) {
        fail_cell(line_number, c, *error);
      }
      features[column.feature * stride] = value;
    } else if (column.role == Role::label || column.role == Role::window) {
      double value;
      if (auto error = parse_number(cell, value)) fail_cell(line_number, c, *error);
      *(column.role == Role::label ? label : window) = value != 0;
    }
    position = comma + 1;
  }
}

template <Scalar T>
Index CsvTable<T>::line_number(Index row) const noexcept {
  const auto after = std::upper_bound(skips.begin(), skips.end(), row,
                                      [](Index r, const auto& skip) { return r < skip.first; });
  const Index skipped = after == skips.begin() ? 0 : std::prev(after)->second;
  return row + 2 + skipped;  // line 1 is the header
}

template <Scalar T>
CsvTable<T> parse_csv(std::string_view text, std::string source, const CsvOptions& options) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // UTF-8 byte order mark
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    throw InputError(located(source, 0, "empty file: expected a header line and data rows"));
  }
  std::size_t position = 0;
  const RowParser<T> parser(next_line(text, position), source, options);
  CsvTable<T> table;
  table.source = std::move(source);
  table.feature_names = parser.feature_names();
  const std::string_view body = text.substr(position);
  const auto capacity = static_cast<Index>(std::count(body.begin(), body.end(), '\n') +
                                           (body.empty() || body.back() == '\n' ? 0 : 1));
  table.storage.resize(capacity, parser.n_features());
  if (parser.has_labels()) table.labels.emplace(capacity);
  if (parser.has_windows()) table.windows.emplace(capacity);
  bool ignored_label = false, ignored_window = false;
  Index skipped = 0;
  std::string_view first_line, last_line;
  for (Index line_number = 2; position < text.size(); ++line_number) {
    const std::string_view line = next_line(text, position);
    if (blank_line(line)) {
      ++skipped;
      if (!table.skips.empty() && table.skips.back().first == table.rows) {
        table.skips.back().second = skipped;
      } else {
        table.skips.emplace_back(table.rows, skipped);
      }
      continue;
    }
    bool* label = table.labels ? &(*table.labels)(table.rows) : &ignored_label;
    bool* window = table.windows ? &(*table.windows)(table.rows) : &ignored_window;
    parser.parse(line, line_number, table.storage.data() + table.rows, capacity, label, window);
    if (table.rows == 0) first_line = line;
    last_line = line;
    ++table.rows;
  }
  if (table.rows == 0) {
    throw InputError(located(table.source, 1, "the file has a header but no data rows"));
  }
  if (table.labels) table.labels->conservativeResize(table.rows);
  if (table.windows) table.windows->conservativeResize(table.rows);
  auto first_time = parser.time_of(first_line), last_time = parser.time_of(last_line);
  if (first_time && last_time) table.time_span.emplace(*first_time, *last_time);
  return table;
}

template <Scalar T>
CsvTable<T> read_csv(const std::string& path, const CsvOptions& options) {
  const std::string text = read_file(path);
  return parse_csv<T>(text, path == "-" ? "<stdin>" : path, options);
}

std::string read_file(const std::string& path) {
  const bool from_stdin = path == "-";
  std::FILE* file = from_stdin ? stdin : std::fopen(path.c_str(), "rb");
  if (file == nullptr) {
    throw InputError(located(path, 0, std::string("cannot open: ") + std::strerror(errno)));
  }
  std::size_t expected = 0;
  if (!from_stdin && std::fseek(file, 0, SEEK_END) == 0) {
    const long size = std::ftell(file);
    if (size > 0) expected = static_cast<std::size_t>(size);
    std::rewind(file);
  }
  // One spare byte: the read that finds the end needs room, and must not trigger a reallocation.
  std::string text(expected + 1, '\0');
  std::size_t used = 0;
  while (true) {
    if (used == text.size()) text.resize(2 * text.size() + (std::size_t{1} << 16));
    const std::size_t got = std::fread(text.data() + used, 1, text.size() - used, file);
    used += got;
    if (got == 0) break;
  }
  const bool failed = std::ferror(file) != 0;
  const int error = errno;
  if (!from_stdin) std::fclose(file);
  if (failed) {
    throw InputError(located(from_stdin ? "<stdin>" : path, 0,
                             std::string("cannot read: ") + std::strerror(error)));
  }
  text.resize(used);
  return text;
}

template class RowParser<double>;
template class RowParser<float>;
template struct CsvTable<double>;
template struct CsvTable<float>;
template CsvTable<double> parse_csv<double>(std::string_view, std::string, const CsvOptions&);
template CsvTable<float> parse_csv<float>(std::string_view, std::string, const CsvOptions&);
template CsvTable<double> read_csv<double>(const std::string&, const CsvOptions&);
template CsvTable<float> read_csv<float>(const std::string&, const CsvOptions&);

}  // namespace anomaly::cli
