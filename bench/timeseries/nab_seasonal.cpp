// SeasonalDetector on NAB's series (../shared/data/timeseries: timestamp,value,window,label), for
// compare.py's `nab` part: one JSON object per file on stdout, with the ROC-AUC of the scores
// against the labelled windows and the anomaly points, and the windows that get a flag.
// Usage: nab_seasonal FILE... The period is estimated, or one day of samples where none is found;
// ESD may flag up to 2% of the points.
#include <anomaly/detectors/seasonal.hpp>
#include <anomaly/metrics/roc_auc.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

struct Series {
  std::vector<double> time, value;
  anomaly::Labels window, label;
};

Series read_nab(const char* path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);  // timestamp,value,window,label
  std::vector<double> time, value;
  std::vector<bool> window, label;
  while (std::getline(in, line)) {
    std::stringstream cells(line);
    std::string cell;
    double row[4];
    for (double& v : row) {
      std::getline(cells, cell, ',');
      v = std::stod(cell);
    }
    time.push_back(row[0]);
    value.push_back(row[1]);
    window.push_back(row[2] != 0);
    label.push_back(row[3] != 0);
  }
  Series s{time, value, anomaly::Labels(static_cast<anomaly::Index>(window.size())),
           anomaly::Labels(static_cast<anomaly::Index>(label.size()))};
  for (std::size_t i = 0; i < window.size(); ++i) {
    s.window[static_cast<anomaly::Index>(i)] = window[i];
    s.label[static_cast<anomaly::Index>(i)] = label[i];
  }
  return s;
}

/// One day in samples, from the median time step (Unix seconds).
anomaly::Index samples_per_day(const std::vector<double>& time) {
  std::vector<double> steps;
  for (std::size_t i = 1; i < time.size(); ++i) steps.push_back(time[i] - time[i - 1]);
  std::nth_element(steps.begin(), steps.begin() + static_cast<long>(steps.size() / 2), steps.end());
  return std::max<anomaly::Index>(2, std::lround(86400 / steps[steps.size() / 2]));
}

std::string auc_text(const Eigen::VectorXd& scores, const anomaly::Labels& labels) {
  const auto positives = labels.count();
  if (positives == 0 || positives == labels.size()) return "null";
  return std::to_string(anomaly::roc_auc(scores, labels));
}

}  // namespace

int main(int argc, char** argv) {
  for (int a = 1; a < argc; ++a) {
    const Series s = read_nab(argv[a]);
    const Eigen::Map<const Eigen::VectorXd> x(s.value.data(),
                                              static_cast<anomaly::Index>(s.value.size()));
    anomaly::Index period = anomaly::estimate_period(x).period;
    const bool day = period == 0;
    if (day) period = samples_per_day(s.time);
    const anomaly::SeasonalDetector<double> by_threshold({.period = period});
    const auto found = by_threshold.detect(x);
    const anomaly::SeasonalDetector<double> by_esd(
        {.period = period, .max_anomalies = std::max<anomaly::Index>(1, x.size() / 50)});
    const auto tested = by_esd.detect(x);
    const auto windows_flagged = [&](const std::vector<anomaly::Index>& flagged) {
      long windows = 0, hit = 0, outside = 0;
      for (anomaly::Index t = 0; t < x.size(); ++t) {
        const bool inside = s.window[t];
        if (inside && (t == 0 || !s.window[t - 1])) {
          ++windows;
          for (anomaly::Index u = t; u < x.size() && s.window[u]; ++u) {
            if (std::binary_search(flagged.begin(), flagged.end(), u)) {
              ++hit;
              break;
            }
          }
        }
        if (!inside && std::binary_search(flagged.begin(), flagged.end(), t)) ++outside;
      }
      return "{\"windows\":" + std::to_string(windows) + ",\"flagged\":" + std::to_string(hit) +
             ",\"outside\":" + std::to_string(outside) + "}";
    };
    std::printf(
        "{\"file\":\"%s\",\"period\":%ld,\"day\":%s,\"window_roc_auc\":%s,\"roc_auc\":%s,"
        "\"threshold\":%s,\"esd\":%s}\n",
        argv[a], static_cast<long>(period), day ? "true" : "false",
        auc_text(found.scores, s.window).c_str(), auc_text(found.scores, s.label).c_str(),
        windows_flagged(found.anomalies).c_str(), windows_flagged(tested.anomalies).c_str());
  }
}
