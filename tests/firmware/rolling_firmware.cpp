// Firmware smoke test: the fixed-capacity streaming detectors in float on a Cortex-M4F, with no
// heap after construction and no exceptions. Planted spikes must be flagged, and nothing else.
#include <anomaly/streaming.hpp>

#include <cstdint>
#include <cstdio>

#include "rcm.h"

namespace {

/// A deterministic sensor: a slow sine-like ramp plus pseudo-random noise (LCG), no libm needed.
struct Sensor {
  std::uint32_t state = 12345u;
  float next(int t) {
    state = state * 1664525u + 1013904223u;
    const float noise = static_cast<float>(state >> 8) * (1.0f / 16777216.0f) - 0.5f;
    const float phase = static_cast<float>(t % 400) / 400.0f;
    const float ramp = phase < 0.5f ? phase : 1.0f - phase;
    return 20.0f + 2.0f * ramp + noise;
  }
};

constexpr int samples = 3000;
constexpr int spikes[] = {700, 1300, 1901, 2555};

bool is_spike(int t) {
  for (const int s : spikes) {
    if (s == t) return true;
  }
  return false;
}

}  // namespace

int main() {
  anomaly::RollingZScore<float, 128> z({.window = 128, .threshold = 6.0});
  anomaly::RollingMedianAbsoluteDeviation<float, 128> mad({.window = 128, .threshold = 8.0});
  anomaly::RollingInterquartileRange<float, 128> iqr({.window = 128, .fence = 3.0});
  // The sensor's ramp repeats every 400 samples: the seasonal detector learns it (2 cycles).
  anomaly::StreamingSeasonal<float, 400> seasonal({.period = 400, .threshold = 6.0});
  Sensor sensor;
  int missed = 0, false_alarms = 0;
  rcm_forbid_heap();  // from here on, any allocation stops the program (exit 127)
  for (int t = 0; t < samples; ++t) {
    float x = sensor.next(t);
    if (is_spike(t)) x += (t % 2 == 0) ? 15.0f : -15.0f;
    if (t == 1000) x = __builtin_nanf("");  // a glitch: skipped, never flagged
    const bool flagged_z = z.is_anomaly(z.update(x));
    const bool flagged_mad = mad.is_anomaly(mad.update(x));
    const bool flagged_iqr = iqr.is_anomaly(iqr.update(x));
    const bool flagged_seasonal = seasonal.is_anomaly(seasonal.update(x));
    const int votes = int(flagged_z) + int(flagged_mad) + int(flagged_iqr);
    if (is_spike(t) && votes != 3) ++missed;
    if (is_spike(t) && seasonal.ready() && !flagged_seasonal) ++missed;
    if (!is_spike(t) && (flagged_z || flagged_mad || flagged_seasonal)) ++false_alarms;
  }
  rcm_allow_heap();
  std::printf("streaming detectors on Cortex-M: %d spikes missed, %d false alarms, window %d\n",
              missed, false_alarms, static_cast<int>(z.size()));
  std::printf(
      "sizeof: RollingZScore %u, RollingMedianAbsoluteDeviation %u, "
      "RollingInterquartileRange %u bytes (float, capacity 128); StreamingSeasonal %u bytes "
      "(float, capacity 400)\n",
      static_cast<unsigned>(sizeof(z)), static_cast<unsigned>(sizeof(mad)),
      static_cast<unsigned>(sizeof(iqr)), static_cast<unsigned>(sizeof(seasonal)));
  return missed == 0 && false_alarms == 0 ? 0 : 1;
}
