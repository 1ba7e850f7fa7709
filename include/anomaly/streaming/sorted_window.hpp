#pragma once
// SortedWindow: the last `window` samples both in arrival order and in sorted order.
#include <anomaly/streaming/order_statistic_tree.hpp>
#include <anomaly/streaming/ring_buffer.hpp>

namespace anomaly {

/// The last `window` samples: a RingBuffer (arrival order, to know which one leaves) and an
/// OrderStatisticTree (sorted order). push() is O(log window) and never allocates.
template <Scalar T, Index Capacity = dynamic_capacity>
class SortedWindow {
 public:
  /// An empty window of `window` samples (2 <= window <= Capacity when fixed).
  explicit SortedWindow(Index window) : arrivals_(window), sorted_(window) {}

  /// Adds x (not NaN), dropping the oldest sample when the window is full.
  void push(T x) noexcept {
    if (arrivals_.full()) {
      sorted_.replace(arrivals_.oldest(), x);
    } else {
      sorted_.insert(x);
    }
    arrivals_.push(x);
  }
  /// Forgets every sample.
  void clear() noexcept {
    arrivals_.clear();
    sorted_.clear();
  }
  /// How many samples it holds.
  Index size() const noexcept { return arrivals_.size(); }
  /// The samples in arrival order.
  const RingBuffer<T, Capacity>& arrivals() const noexcept { return arrivals_; }
  /// The samples in sorted order.
  const OrderStatisticTree<T, Capacity>& sorted() const noexcept { return sorted_; }

 private:
  RingBuffer<T, Capacity> arrivals_;
  OrderStatisticTree<T, Capacity> sorted_;
};

}  // namespace anomaly
