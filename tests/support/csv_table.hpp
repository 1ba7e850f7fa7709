#pragma once
// Reads the small numeric reference tables under tests/data (header line, then numbers).
#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <Eigen/Core>

namespace anomaly::testing {

/// Columns of a numeric CSV by header name; the first column may hold text (row names).
struct CsvTable {
  std::vector<std::string> names;
  std::vector<std::string> row_names;
  std::map<std::string, Eigen::VectorXd> columns;

  const Eigen::VectorXd& operator[](const std::string& name) const {
    const auto found = columns.find(name);
    if (found == columns.end()) throw std::runtime_error("no column " + name);
    return found->second;
  }
};

inline CsvTable read_csv_table(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  CsvTable table;
  std::string line;
  std::getline(in, line);
  std::stringstream header(line);
  for (std::string name; std::getline(header, name, ',');) table.names.push_back(name);
  std::vector<std::vector<double>> values(table.names.size());
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::stringstream cells(line);
    std::string cell;
    for (std::size_t c = 0; std::getline(cells, cell, ','); ++c) {
      try {
        values.at(c).push_back(std::stod(cell));
      } catch (const std::invalid_argument&) {
        table.row_names.push_back(cell);
      }
    }
  }
  for (std::size_t c = 0; c < table.names.size(); ++c) {
    table.columns[table.names[c]] =
        Eigen::Map<Eigen::VectorXd>(values[c].data(), static_cast<Eigen::Index>(values[c].size()));
  }
  return table;
}

/// The columns auc_seed0..auc_seed4 of the row named `name` of the table at `path`.
inline std::vector<double> seed_aucs(const std::string& path, const std::string& name) {
  const auto table = read_csv_table(path);
  const auto found = std::find(table.row_names.begin(), table.row_names.end(), name);
  if (found == table.row_names.end()) throw std::runtime_error(path + ": no row " + name);
  std::vector<double> aucs;
  for (int seed = 0; seed < 5; ++seed) {
    aucs.push_back(table["auc_seed" + std::to_string(seed)][found - table.row_names.begin()]);
  }
  return aucs;
}

/// A labelled set: columns f0..f{d-1}, then `label` (1 = anomaly).
struct LabelledSet {
  Eigen::MatrixXd X;
  Eigen::Array<bool, Eigen::Dynamic, 1> labels;
};

/// The labelled set at `path`, which must have `rows` rows and `features` features.
inline LabelledSet read_labelled(const std::string& path, Eigen::Index rows,
                                 Eigen::Index features) {
  const auto table = read_csv_table(path);
  if (table.names.size() != static_cast<std::size_t>(features + 1) ||
      table.names.back() != "label") {
    throw std::runtime_error(path + ": expected f0..f" + std::to_string(features - 1) +
                             " and label");
  }
  LabelledSet set{Eigen::MatrixXd(rows, features), Eigen::Array<bool, Eigen::Dynamic, 1>(rows)};
  for (Eigen::Index j = 0; j < features; ++j) {
    const auto& column = table["f" + std::to_string(j)];
    if (column.size() != rows) throw std::runtime_error(path + ": wrong row count");
    set.X.col(j) = column;
  }
  const auto& label = table["label"];
  if (label.size() != rows) throw std::runtime_error(path + ": wrong label count");
  for (Eigen::Index i = 0; i < rows; ++i) set.labels[i] = label[i] == 1.0;
  return set;
}

}  // namespace anomaly::testing
