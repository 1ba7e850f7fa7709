// Quick start: fit a robust detector on normal readings, then flag the unusual ones among new rows.
// The region between the [readme] markers is the README's example (a test keeps them equal).
// [readme]
#include <anomaly/anomaly.hpp>

#include <cstdio>

int main() {
  // Rows are samples, columns are features: temperature (°C) and vibration (mm/s).
  const anomaly::Matrix<double> train{{20.1, 0.51}, {19.8, 0.49}, {20.4, 0.50}, {20.0, 0.52},
                                      {19.9, 0.48}, {20.2, 0.50}, {20.3, 0.47}, {19.7, 0.53}};
  const auto model = anomaly::ModifiedZScore<double>{}.fit(train);  // median and MAD per column
  const anomaly::Matrix<double> readings{{20.2, 0.50}, {26.5, 0.51}, {20.0, 0.95}};
  const anomaly::Vector<double> scores = model.score(readings);       // higher = more anomalous
  const anomaly::Labels flagged = anomaly::predict(model, readings);  // score > 3.5
  for (Eigen::Index i = 0; i < readings.rows(); ++i)
    std::printf("reading %td: score %6.2f%s\n", i, scores[i], flagged[i] ? "  <- anomaly" : "");
}
// [readme]
