#pragma once
// RingBuffer: the last `window` samples of a stream, oldest overwritten first.
#include <anomaly/core/types.hpp>
#include <anomaly/streaming/capacity.hpp>

#include <span>

namespace anomaly {

/// The last `window` values pushed, in fixed memory. Capacity > 0 holds them in place
/// (window <= Capacity); dynamic_capacity allocates `window` values in the constructor.
template <class T, Index Capacity = dynamic_capacity>
class RingBuffer {
 public:
  /// An empty buffer keeping at most `window` values (a caller checks 1 <= window <= Capacity).
  explicit RingBuffer(Index window) : values_(window), window_(window) {}

  /// How many values it keeps at most.
  Index window() const noexcept { return window_; }
  /// How many values it holds now.
  Index size() const noexcept { return size_; }
  /// True once `window` values have been pushed: the next push drops oldest().
  bool full() const noexcept { return size_ == window_; }
  /// The value the next push overwrites when full.
  T oldest() const noexcept { return values_[full() ? next_ : 0]; }
  /// The i-th value, 0 = the oldest held.
  T operator[](Index i) const noexcept {
    const Index start = full() ? next_ : 0;
    const Index at = start + i;
    return values_[at >= window_ ? at - window_ : at];
  }

  /// Adds x, overwriting the oldest value when full.
  void push(T x) noexcept {
    values_[next_] = x;
    next_ = next_ + 1 == window_ ? 0 : next_ + 1;
    if (size_ < window_) ++size_;
  }

  /// Calls f(value) for every value held, oldest first.
  template <class F>
  void for_each(F&& f) const noexcept {
    for (Index i = 0; i < size_; ++i) f((*this)[i]);
  }

  /// The values held, in storage order (not time order): enough for sums.
  std::span<const T> values() const noexcept {
    return {values_.data(), static_cast<std::size_t>(size_)};
  }

  /// Forgets every value.
  void clear() noexcept { next_ = size_ = 0; }

 private:
  detail::Buffer<T, Capacity> values_;
  Index window_;
  Index next_ = 0;
  Index size_ = 0;
};

}  // namespace anomaly
