#pragma once
// Umbrella of streaming/: rolling detectors that learn one sample at a time in fixed memory.
