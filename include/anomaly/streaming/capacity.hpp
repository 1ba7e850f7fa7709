#pragma once
// Where the streaming detectors keep their state: in place (fixed capacity, for firmware) or in
// one allocation made by the constructor (capacity chosen at run time). Never anywhere else.
#include <anomaly/core/types.hpp>

#include <array>
#include <vector>

namespace anomaly {

/// Capacity argument of the streaming templates meaning "sized at run time, by the constructor".
inline constexpr Index dynamic_capacity = 0;

namespace detail {

/// `Size` elements held in place when Size > 0: the object allocates nothing, ever.
template <class U, Index Size>
class Buffer {
 public:
  explicit Buffer(Index /*size*/) noexcept {}
  U& operator[](Index i) noexcept { return data_[static_cast<std::size_t>(i)]; }
  const U& operator[](Index i) const noexcept { return data_[static_cast<std::size_t>(i)]; }
  U* data() noexcept { return data_.data(); }
  const U* data() const noexcept { return data_.data(); }

 private:
  std::array<U, static_cast<std::size_t>(Size)> data_{};
};

/// `size` elements allocated once by the constructor; no member function allocates after it.
template <class U>
class Buffer<U, dynamic_capacity> {
 public:
  explicit Buffer(Index size) : data_(static_cast<std::size_t>(size)) {}
  U& operator[](Index i) noexcept { return data_[static_cast<std::size_t>(i)]; }
  const U& operator[](Index i) const noexcept { return data_[static_cast<std::size_t>(i)]; }
  U* data() noexcept { return data_.data(); }
  const U* data() const noexcept { return data_.data(); }

 private:
  std::vector<U> data_;
};

}  // namespace detail
}  // namespace anomaly
