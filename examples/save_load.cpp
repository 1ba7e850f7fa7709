// Save a fitted model to bytes (a file, a database blob, a message) and load it back elsewhere.
#include <anomaly/anomaly.hpp>

#include <cstddef>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <vector>

int main() {
  const anomaly::Matrix<float> train{{1.0f, 10.0f}, {1.2f, 11.0f}, {0.9f, 9.5f},
                                     {1.1f, 10.2f}, {1.0f, 10.8f}, {0.8f, 9.9f}};
  const auto model = anomaly::InterquartileRange<float>{}.fit(train);

  // Little-endian with a header and a checksum: loads on any platform.
  const std::vector<std::byte> bytes = anomaly::save(model);
  std::ofstream("model.anomaly", std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()),
             static_cast<std::streamsize>(bytes.size()));

  std::ifstream file("model.anomaly", std::ios::binary);
  const std::vector<char> chars{std::istreambuf_iterator<char>(file), {}};
  const auto loaded = anomaly::load<anomaly::InterquartileRangeModel<float>>(
      std::as_bytes(std::span(chars.data(), chars.size())));

  const anomaly::Matrix<float> rows{{1.05f, 10.1f}, {3.0f, 10.0f}};
  const anomaly::Vector<float> before = model.score(rows);
  const anomaly::Vector<float> after = loaded.score(rows);
  std::printf("%zu bytes; scores before %.3f %.3f, after %.3f %.3f\n", bytes.size(),
              static_cast<double>(before[0]), static_cast<double>(before[1]),
              static_cast<double>(after[0]), static_cast<double>(after[1]));
  return before == after ? 0 : 1;  // bit-identical after the round trip
}
