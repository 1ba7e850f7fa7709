#pragma once
// The random draws scikit-learn 1.2's IsolationForest makes (NumPy's legacy RandomState for the
// bagging, the tree splitter's xorshift for features and thresholds), so that a seed grows the
// same trees here as random_state does there, and the permutations its fast_mcd draws. The
// behaviour is documented in NumPy's and scikit-learn's sources and was checked tree by tree (and
// subset by subset) against Debian's python3-sklearn 1.2.1.
#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace anomaly::detail {

/// MT19937 (Matsumoto and Nishimura 1998), the generator the C++ standard names std::mt19937, on
/// 32-bit words; libstdc++'s std::mt19937 computes the same words about 3x slower.
class MersenneTwister {
 public:
  static constexpr std::size_t words = 624;

  /// init_genrand(seed), deferred to the first word: many generators are never drawn from.
  explicit MersenneTwister(std::uint32_t seed) noexcept : seeded_(false) { state_[0] = seed; }
  /// init_by_array(key) of a two-word key.
  MersenneTwister(std::uint32_t key_low, std::uint32_t key_high) noexcept
      : MersenneTwister(19650218u) {
    seed_words();
    const std::uint32_t key[2] = {key_low, key_high};
    std::size_t i = 1, j = 0;
    for (std::size_t k = words; k > 0; --k) {
      state_[i] = (state_[i] ^ ((state_[i - 1] ^ (state_[i - 1] >> 30)) * 1664525u)) + key[j] +
                  static_cast<std::uint32_t>(j);
      if (++i >= words) state_[0] = state_[words - 1], i = 1;
      j = 1 - j;
    }
    for (std::size_t k = words - 1; k > 0; --k) {
      state_[i] = (state_[i] ^ ((state_[i - 1] ^ (state_[i - 1] >> 30)) * 1566083941u)) -
                  static_cast<std::uint32_t>(i);
      if (++i >= words) state_[0] = state_[words - 1], i = 1;
    }
    state_[0] = 0x80000000u;
  }

  std::uint32_t operator()() noexcept {
    if (next_ == words) {
      if (!seeded_) seed_words();
      twist();
    }
    return output_[next_++];
  }

  /// The first word MersenneTwister(seed) gives, from the 398 seed words it depends on.
  static std::uint32_t first_word(std::uint32_t seed) noexcept {
    std::uint32_t word = seed, second = 0;
    for (std::size_t i = 1; i <= shift; ++i) {
      word = next_seed_word(word, i);
      if (i == 1) second = word;
    }
    return temper(mix(seed, second, word));
  }

 private:
  static constexpr std::size_t shift = 397;
  static std::uint32_t next_seed_word(std::uint32_t previous, std::size_t i) noexcept {
    return 1812433253u * (previous ^ (previous >> 30)) + static_cast<std::uint32_t>(i);
  }
  /// The recurrence: word i from words i, i + 1 and i + 397 (mod 624).
  static std::uint32_t mix(std::uint32_t word, std::uint32_t next, std::uint32_t far) noexcept {
    const std::uint32_t y = (word & 0x80000000u) | (next & 0x7FFFFFFFu);
    return far ^ (y >> 1) ^ ((0u - (y & 1u)) & 0x9908B0DFu);
  }
  static std::uint32_t temper(std::uint32_t y) noexcept {
    y ^= y >> 11;
    y ^= (y << 7) & 0x9D2C5680u;
    y ^= (y << 15) & 0xEFC60000u;
    return y ^ (y >> 18);
  }
  void seed_words() noexcept {
    for (std::size_t i = 1; i < words; ++i) state_[i] = next_seed_word(state_[i - 1], i);
    seeded_ = true;
  }
  void twist() noexcept {
    std::size_t i = 0;
    for (; i < words - shift; ++i) state_[i] = mix(state_[i], state_[i + 1], state_[i + shift]);
    for (; i < words - 1; ++i) state_[i] = mix(state_[i], state_[i + 1], state_[i + shift - words]);
    state_[words - 1] = mix(state_[words - 1], state_[0], state_[shift - 1]);
    for (i = 0; i < words; ++i) output_[i] = temper(state_[i]);  // in bulk: it vectorizes
    next_ = 0;
  }

  std::uint32_t state_[words];
  std::uint32_t output_[words];
  std::size_t next_ = words;
  bool seeded_ = true;
};

/// The smallest 2^k - 1 >= max: the mask of NumPy's masked rejection.
inline std::uint32_t covering_mask(std::uint32_t max) noexcept {
  return max == 0 ? 0 : ~std::uint32_t{0} >> std::countl_zero(max);
}

/// NumPy's legacy RandomState, as far as scikit-learn's bagging uses it.
class LegacyRandomState {
 public:
  /// RandomState(seed) for seed < 2^32; RandomState([low, high]) of the two 32-bit halves
  /// otherwise (NumPy refuses larger integers).
  explicit LegacyRandomState(std::uint64_t seed) noexcept
      : engine_(seed <= 0xFFFFFFFFu ? MersenneTwister(static_cast<std::uint32_t>(seed))
                                    : MersenneTwister(static_cast<std::uint32_t>(seed),
                                                      static_cast<std::uint32_t>(seed >> 32))) {}

  /// The next raw word.
  std::uint32_t word() noexcept { return engine_(); }

  /// Uniform in [0, max] by masked rejection: randint(max + 1), and the draws of its shuffle.
  std::uint32_t bounded(std::uint32_t max) noexcept {
    const std::uint32_t mask = covering_mask(max);
    std::uint32_t value = 0;
    do {
      value = engine_() & mask;
    } while (value > max);
    return value;
  }

  /// RandomState(seed).randint(max + 1), seed < 2^32, without building the whole state when
  /// the first word is accepted.
  static std::uint32_t first_bounded(std::uint32_t seed, std::uint32_t max) noexcept {
    const std::uint32_t value = MersenneTwister::first_word(seed) & covering_mask(max);
    return value <= max ? value : LegacyRandomState(seed).bounded(max);
  }

 private:
  MersenneTwister engine_;
};

/// NumPy's RandomState.permutation(population) into `out` (Fisher-Yates from the back, as its
/// shuffle); `draws` is scratch, reused between calls.
inline void permutation(std::uint32_t population, LegacyRandomState& random,
                        std::vector<std::uint32_t>& out, std::vector<std::uint32_t>& draws) {
  out.resize(population);
  draws.resize(population);
  if (population == 0) return;
  // First every draw bounded(i), i = population - 1 down to 1, into draws[i]: a rejected word is
  // overwritten by the next one at the same i, so no branch depends on the words, and the mask is
  // fixed while i stays in (mask / 2, mask]. Then the swaps.
  for (std::uint32_t i = population - 1; i > 0;) {
    const std::uint32_t mask = covering_mask(i);
    while (i > mask / 2) {
      const std::uint32_t value = random.word() & mask;
      draws[i] = value;
      i -= value <= i ? 1u : 0u;
    }
  }
  for (std::uint32_t i = 0; i < population; ++i) out[i] = i;
  for (std::uint32_t i = population - 1; i > 0; --i) std::swap(out[i], out[draws[i]]);
}

/// scikit-learn's sample_without_replacement(population, count) with method "auto": a shuffle
/// of the population when count / population is in (0.01, 0.99), else tracking selection below
/// 0.2 and reservoir sampling above. `scratch` is reused between calls.
inline void sample_without_replacement(std::uint32_t population, std::uint32_t count,
                                       LegacyRandomState& random, std::vector<std::uint32_t>& out,
                                       std::vector<std::uint32_t>& scratch) {
  const double ratio = population == 0 ? 1.0 : static_cast<double>(count) / population;
  if (ratio > 0.01 && ratio < 0.99) {  // the first `count` of NumPy's permutation
    permutation(population, random, scratch, out);
    std::copy_n(scratch.begin(), count, out.begin());
    out.resize(count);
    return;
  }
  out.resize(count);
  if (ratio < 0.2) {  // redraw until unseen; an open-addressing set of what was drawn
    std::size_t capacity = 16;
    while (capacity < 2 * std::size_t{count}) capacity *= 2;
    constexpr std::uint32_t empty = ~std::uint32_t{0};  // population < 2^32
    scratch.assign(capacity, empty);
    const auto insert = [&](std::uint32_t value) {  // false when already there
      std::size_t slot = (value * std::size_t{0x9E3779B1u}) & (capacity - 1);
      for (; scratch[slot] != empty; slot = (slot + 1) & (capacity - 1)) {
        if (scratch[slot] == value) return false;
      }
      scratch[slot] = value;
      return true;
    };
    for (std::uint32_t i = 0; i < count; ++i) {
      std::uint32_t drawn = random.bounded(population - 1);
      while (!insert(drawn)) drawn = random.bounded(population - 1);
      out[i] = drawn;
    }
  } else {
    for (std::uint32_t i = 0; i < count; ++i) out[i] = i;
    for (std::uint32_t i = count; i < population; ++i) {
      const std::uint32_t j = random.bounded(i);
      if (j < count) out[j] = i;
    }
  }
}

/// The tree splitter's generator: xorshift on 32 bits, reduced below 2^31.
class SplitterRandom {
 public:
  static constexpr std::uint32_t max = 0x7FFFFFFF;  ///< RAND_R_MAX

  explicit SplitterRandom(std::uint32_t state) noexcept : state_(state) {}

  std::uint32_t next() noexcept {
    if (state_ == 0) state_ = 1;  // zero is xorshift's fixed point
    state_ ^= state_ << 13;
    state_ ^= state_ >> 17;
    state_ ^= state_ << 5;
    return state_ % (max + 1u);
  }
  /// Uniform in [low, high), high > low.
  std::uint32_t integer(std::uint32_t low, std::uint32_t high) noexcept {
    return low + next() % (high - low);
  }
  /// Uniform in [low, high], rounded as scikit-learn rounds it.
  double uniform(double low, double high) noexcept {
    return (high - low) * static_cast<double>(next()) / static_cast<double>(max) + low;
  }

 private:
  std::uint32_t state_;
};

/// The seeds of one tree of scikit-learn's bagging.
struct TreeSeeds {
  std::uint32_t bagging;   ///< RandomState(bagging) draws the tree's features, then its rows
  std::uint32_t splitter;  ///< the splitter's xorshift state
};

/// The seeds scikit-learn's bagging gives each tree of a forest seeded `seed`, tree after tree:
/// the forest's RandomState draws one per tree below 2^31 - 1; the splitter's state is
/// RandomState(that)'s first draw, drawn from once more.
class ForestSeeds {
 public:
  explicit ForestSeeds(std::uint64_t seed) : forest_(seed) {}

  TreeSeeds next() {
    const std::uint32_t bagging = forest_.bounded(below_max_int);
    const std::uint32_t estimator = LegacyRandomState::first_bounded(bagging, below_max_int);
    return {bagging, LegacyRandomState::first_bounded(estimator, below_max_int)};
  }

 private:
  static constexpr std::uint32_t below_max_int = 0x7FFFFFFE;  // randint(2^31 - 1)
  LegacyRandomState forest_;
};

}  // namespace anomaly::detail
