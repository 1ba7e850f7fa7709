#include "plot.hpp"

#include "csv_reader.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <string>

namespace anomaly::cli {
namespace {

constexpr double width = 1200;
constexpr double panel_height = 170;
constexpr double left = 70, right = 20, top = 40, gap = 34;
constexpr double plot_width = width - left - right;

std::string number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.6g", value);
  return text;
}

/// Text for SVG: the five characters XML reserves, escaped.
std::string escaped(const std::string& text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

/// A time stamp for the x axis: Unix seconds (9 or 10 digits: 1973 to 2286) as a UTC date and
/// time, anything else as written.
std::string readable_time(const std::string& stamp) {
  using seconds_type = std::chrono::seconds;
  seconds_type::rep seconds = 0;
  const auto [end, status] = std::from_chars(stamp.data(), stamp.data() + stamp.size(), seconds);
  if (status != std::errc() || end != stamp.data() + stamp.size() || seconds < 100'000'000 ||
      seconds >= 10'000'000'000) {
    return stamp;
  }
  using namespace std::chrono;
  const sys_seconds time{seconds_type{seconds}};
  const auto day = floor<days>(time);
  const year_month_day date{day};
  const hh_mm_ss clock{time - day};
  char text[40];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u %02ld:%02ld UTC", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                static_cast<long>(clock.hours().count()),
                static_cast<long>(clock.minutes().count()));
  return text;
}

/// Where row `row` of `rows` sits on the x axis.
double x_position(Index row, Index rows) {
  return left +
         plot_width * (rows > 1 ? static_cast<double>(row) / static_cast<double>(rows - 1) : 0.5);
}

/// Where value v sits on the y axis of a panel whose top is y0 and whose range is [low, high].
double y_position(double v, double y0, double low, double high) {
  return y0 + panel_height * (high - v) / (high - low);
}

/// The y range of a panel's finite values (and threshold), padded by 5%; [-1, 1] around a
/// constant.
std::pair<double, double> y_range(const PlotPanel& panel) {
  double low = std::numeric_limits<double>::infinity(), high = -low;
  for (const PlotLine& line : panel.lines) {
    for (const double v : line.values) {
      if (std::isfinite(v)) low = std::min(low, v), high = std::max(high, v);
    }
  }
  if (panel.threshold && std::isfinite(*panel.threshold)) {
    low = std::min(low, *panel.threshold);
    high = std::max(high, *panel.threshold);
  }
  if (!(low <= high)) return {-1, 1};
  if (low == high) return {low - 1, high + 1};
  const double pad = 0.05 * (high - low);
  return {low - pad, high + pad};
}

/// Ticks at 1, 2 or 5 times a power of ten, about five over [low, high].
std::vector<double> ticks(double low, double high) {
  const double raw = (high - low) / 5;
  const double power = std::pow(10.0, std::floor(std::log10(raw)));
  const double step = raw / power < 1.5 ? power : raw / power < 3.5 ? 2 * power : 5 * power;
  std::vector<double> out;
  for (double t = std::ceil(low / step) * step; t <= high && out.size() < 12; t += step) {
    out.push_back(std::abs(t) < step * 1e-9 ? 0.0 : t);
  }
  return out;
}

/// The line as SVG path data: each pixel column's first finite, lowest and highest values, so a
/// million rows cost a few thousand points and a one-row spike still shows.
std::string path_data(const std::vector<double>& values, Index rows, double y0, double low,
                      double high) {
  std::string d;
  bool pen_down = false;
  const auto to = [&](double x, double v) {
    d += pen_down ? " L" : " M";
    d += number(x) + "," + number(y_position(v, y0, low, high));
    pen_down = true;
  };
  const auto columns = static_cast<Index>(plot_width);
  const Index per_column = std::max<Index>(1, rows / columns);
  for (Index first = 0; first < rows; first += per_column) {
    const Index last = std::min(rows, first + per_column);
    double low_value = std::numeric_limits<double>::infinity(), high_value = -low_value;
    double first_value = std::numeric_limits<double>::quiet_NaN();
    for (Index row = first; row < last; ++row) {
      const double v = values[static_cast<std::size_t>(row)];
      if (!std::isfinite(v)) {
        pen_down = false;  // a gap
        continue;
      }
      if (std::isnan(first_value)) first_value = v;
      low_value = std::min(low_value, v);
      high_value = std::max(high_value, v);
    }
    if (std::isnan(first_value)) continue;  // nothing finite in this column
    const double x = x_position(first + (last - first) / 2, rows);
    to(x, first_value);
    if (per_column > 1) {
      to(x, low_value);
      to(x, high_value);
    }
  }
  return d;
}

}  // namespace

void write_svg(const std::string& path, const Plot& plot, std::size_t max_marks) {
  const double height = top + static_cast<double>(plot.panels.size()) * (panel_height + gap) + 10;
  std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + number(width) +
                    "\" height=\"" + number(height) + "\" viewBox=\"0 0 " + number(width) + " " +
                    number(height) +
                    "\" font-family=\"sans-serif\" font-size=\"12\">\n"
                    "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
                    "<text x=\"" +
                    number(left) + "\" y=\"22\" font-size=\"15\" font-weight=\"bold\">" +
                    escaped(plot.title) + "</text>\n";
  const Index rows = plot.rows;
  const std::string last_row = "row " + std::to_string(rows - 1);
  const std::string first_label =
      plot.x_span ? readable_time(plot.x_span->first) + " (row 0)" : "0";
  const std::string last_label =
      plot.x_span ? readable_time(plot.x_span->second) + " (" + last_row + ")" : last_row;
  const auto x_of = [rows](Index row) { return x_position(row, rows); };
  for (std::size_t p = 0; p < plot.panels.size(); ++p) {
    const PlotPanel& panel = plot.panels[p];
    const double y0 = top + static_cast<double>(p) * (panel_height + gap) + 16;
    const auto [low_end, high_end] = y_range(panel);
    const double low = low_end, high = high_end;  // lambdas may not capture bindings (clang)
    const auto y_of = [&](double v) { return y_position(v, y0, low, high); };
    svg += "<g class=\"panel\">\n<text x=\"" + number(left) + "\" y=\"" + number(y0 - 5) +
           "\" font-weight=\"bold\">" + escaped(panel.title) + "</text>\n";
    // Legend, right-aligned above the panel.
    double legend_x = width - right;
    for (auto line = panel.lines.rbegin(); line != panel.lines.rend(); ++line) {
      svg += "<text x=\"" + number(legend_x) + "\" y=\"" + number(y0 - 5) +
             "\" text-anchor=\"end\" fill=\"" + line->color + "\">" + escaped(line->name) +
             "</text>\n";
      legend_x -= 10 + 7 * static_cast<double>(line->name.size());
    }
    if (plot.shaded) {
      for (Index row = 0; row < rows; ++row) {
        if (!(*plot.shaded)(row) || (row > 0 && (*plot.shaded)(row - 1))) continue;
        Index end = row;
        while (end < rows && (*plot.shaded)(end)) ++end;
        svg += "<rect class=\"window\" x=\"" + number(x_of(row)) + "\" y=\"" + number(y0) +
               "\" width=\"" + number(std::max(1.0, x_of(end - 1) - x_of(row))) + "\" height=\"" +
               number(panel_height) + "\" fill=\"#fde7c8\"/>\n";
      }
    }
    svg += "<rect x=\"" + number(left) + "\" y=\"" + number(y0) + "\" width=\"" +
           number(plot_width) + "\" height=\"" + number(panel_height) +
           "\" fill=\"none\" stroke=\"#999\"/>\n";
    for (const double tick : ticks(low, high)) {
      const double y = y_of(tick);
      svg += "<line x1=\"" + number(left - 4) + "\" x2=\"" + number(left + plot_width) +
             "\" y1=\"" + number(y) + "\" y2=\"" + number(y) + "\" stroke=\"#eee\"/>\n<text x=\"" +
             number(left - 6) + "\" y=\"" + number(y + 4) + "\" text-anchor=\"end\">" +
             number(tick) + "</text>\n";
    }
    for (const PlotLine& line : panel.lines) {
      svg += "<path class=\"line\" d=\"" + path_data(line.values, rows, y0, low, high) +
             "\" fill=\"none\" stroke=\"" + line.color + "\" stroke-width=\"1\"/>\n";
    }
    if (panel.threshold) {
      const double y = y_of(*panel.threshold);
      svg += "<line class=\"threshold\" x1=\"" + number(left) + "\" x2=\"" +
             number(left + plot_width) + "\" y1=\"" + number(y) + "\" y2=\"" + number(y) +
             "\" stroke=\"#d62728\" stroke-dasharray=\"5,4\"/>\n";
    }
    const bool rings = panel.marked.size() <= max_marks && !panel.lines.empty();
    for (const Index row : panel.marked) {
      if (rings) {
        const double v = panel.lines.front().values[static_cast<std::size_t>(row)];
        if (!std::isfinite(v)) continue;
        svg += "<circle class=\"flag\" cx=\"" + number(x_of(row)) + "\" cy=\"" + number(y_of(v)) +
               "\" r=\"4\" fill=\"none\" stroke=\"#d62728\" stroke-width=\"1.5\"/>\n";
      } else {
        const double y = y0 + panel_height;
        svg += "<line class=\"flag\" x1=\"" + number(x_of(row)) + "\" x2=\"" + number(x_of(row)) +
               "\" y1=\"" + number(y) + "\" y2=\"" + number(y + 6) + "\" stroke=\"#d62728\"/>\n";
      }
    }
    svg += "<text x=\"" + number(left) + "\" y=\"" + number(y0 + panel_height + 14) + "\">" +
           escaped(first_label) + "</text>\n<text x=\"" + number(left + plot_width) + "\" y=\"" +
           number(y0 + panel_height + 14) + "\" text-anchor=\"end\">" + escaped(last_label) +
           "</text>\n</g>\n";
  }
  svg += "</svg>\n";
  std::FILE* file = std::fopen(path.c_str(), "wb");
  bool written = file != nullptr;
  if (written) {  // closed whatever the write did
    written = std::fwrite(svg.data(), 1, svg.size(), file) == svg.size();
    written = std::fclose(file) == 0 && written;
  }
  if (!written) {
    throw InputError(
        located(path, 0, std::string("cannot write the plot: ") + std::strerror(errno)));
  }
}

}  // namespace anomaly::cli
