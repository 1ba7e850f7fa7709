// Streaming: score each new sample against the window before it, in O(1) and without allocating.
#include <anomaly/streaming.hpp>

#include <cmath>
#include <cstdio>

int main() {
  // float, with its window stored inside the object (capacity 256): the firmware configuration.
  anomaly::RollingZScore<float, 256> detector({.window = 200, .min_samples = 50});
  int flagged = 0;
  for (int t = 0; t < 2000; ++t) {
    float reading = 20.0f + std::sin(0.05f * static_cast<float>(t));  // a slow cycle
    if (t == 700 || t == 1500) reading += 6.0f;                       // two glitches
    const float score = detector.update(reading);  // scores, then adds to the window
    if (detector.is_anomaly(score)) {
      ++flagged;
      std::printf("t=%4d  reading %5.2f  score %4.1f\n", t, static_cast<double>(reading),
                  static_cast<double>(score));
    }
  }
  return flagged == 2 ? 0 : 1;  // exactly the two glitches
}
