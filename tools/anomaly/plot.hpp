#pragma once
// --plot: stacked panels of series over the row index, drawn as one self-contained SVG file.
#include <anomaly/core/types.hpp>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace anomaly::cli {

/// One line of a panel: its values (NaN leaves a gap) and how it is named and drawn.
struct PlotLine {
  std::string name;
  std::vector<double> values;
  std::string color;
};

/// One panel: lines on a shared y axis, an optional horizontal threshold, marked rows.
struct PlotPanel {
  std::string title;
  std::vector<PlotLine> lines;
  std::optional<double> threshold;
  std::vector<Index> marked;  ///< rows drawn as red rings on the panel's first line
};

/// The figure: a title, the panels over rows [0, rows), and shaded runs (labelled windows).
struct Plot {
  std::string title;
  Index rows = 0;
  /// What the ends of the x axis say besides the row number (the first and last time stamps).
  std::optional<std::pair<std::string, std::string>> x_span;
  std::vector<PlotPanel> panels;
  std::optional<Labels> shaded;
};

/// Writes `plot` as SVG to `path`. Long series are drawn as their range per pixel column (min to
/// max), so the file stays small and spikes stay visible; at most `max_marks` rings per panel
/// (beyond, marks become ticks under the panel). Throws InputError when it cannot write.
void write_svg(const std::string& path, const Plot& plot, std::size_t max_marks = 2000);

}  // namespace anomaly::cli
