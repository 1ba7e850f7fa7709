// stl() in-process for bench/compare/compare.py, which times statsmodels' STL beside it. Input:
// a raw little-endian float64 series. Output: the best seconds of `repeat` runs as one JSON
// object, and the trend, seasonal, remainder and weights as raw float64 to OUT, one after another.
//   stl_driver FILE POINTS PERIOD ROBUST REPEAT OUT
#include <anomaly/timeseries/stl.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <vector>

int main(int argc, char** argv) {
  if (argc != 7) {
    std::fprintf(stderr, "usage: stl_driver FILE POINTS PERIOD ROBUST REPEAT OUT\n");
    return 2;
  }
  const long points = std::atol(argv[2]), period = std::atol(argv[3]);
  const bool robust = std::atoi(argv[4]) != 0;
  const int repeat = std::atoi(argv[5]);
  anomaly::Vector<double> x(std::max(points, 0L));
  std::ifstream in(argv[1], std::ios::binary);
  in.read(reinterpret_cast<char*>(x.data()), static_cast<std::streamsize>(x.size() * 8));
  if (!in || points < 1 || repeat < 1) {
    std::fprintf(stderr, "stl_driver: cannot read %ld doubles from %s\n", points, argv[1]);
    return 3;
  }
  double best = 1e300;
  anomaly::StlResult<double> result;
  for (int r = 0; r < repeat; ++r) {
    const auto start = std::chrono::steady_clock::now();
    result = anomaly::stl(x, {.period = period, .robust = robust});
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    best = std::min(best, took.count());
  }
  std::ofstream out(argv[6], std::ios::binary);
  for (const auto* component :
       {&result.trend, &result.seasonal, &result.remainder, &result.weights}) {
    out.write(reinterpret_cast<const char*>(component->data()),
              static_cast<std::streamsize>(component->size() * 8));
  }
  std::printf("{\"seconds\": %.9g}\n", best);
  return out ? 0 : 4;
}
