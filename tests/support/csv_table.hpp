#pragma once
// Reads the small numeric reference tables under tests/data (header line, then numbers).
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

}  // namespace anomaly::testing
