#pragma once
// Little-endian byte writer and a bounds-checked reader: the building blocks of save/load.
#include <anomaly/core/error.hpp>
#include <anomaly/core/types.hpp>

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <type_traits>
#include <vector>

namespace anomaly {

namespace detail {
template <class V>
V to_little_endian(V value) noexcept {
  if constexpr (std::endian::native == std::endian::big && sizeof(V) > 1) {
    unsigned char bytes[sizeof(V)];
    std::memcpy(bytes, &value, sizeof(V));
    for (std::size_t i = 0; i < sizeof(V) / 2; ++i) std::swap(bytes[i], bytes[sizeof(V) - 1 - i]);
    std::memcpy(&value, bytes, sizeof(V));
  }
  return value;
}
}  // namespace detail

/// Appends values to a byte buffer in little-endian order.
class ByteWriter {
 public:
  template <class V>
  requires std::is_arithmetic_v<V> || std::is_enum_v<V>
  void write(V value) {
    value = detail::to_little_endian(value);
    const auto* bytes = reinterpret_cast<const std::byte*>(&value);
    buffer_.insert(buffer_.end(), bytes, bytes + sizeof(V));
  }

  /// A length-prefixed array of numbers (any dense Eigen vector or matrix, column by column).
  template <class Derived>
  void write_array(const Eigen::DenseBase<Derived>& values) {
    write(static_cast<std::uint64_t>(values.rows()));
    write(static_cast<std::uint64_t>(values.cols()));
    for (Index c = 0; c < values.cols(); ++c) {
      for (Index r = 0; r < values.rows(); ++r) write(values(r, c));
    }
  }

  std::vector<std::byte>& buffer() noexcept { return buffer_; }

 private:
  std::vector<std::byte> buffer_;
};

/// Reads values back, never past the end: the first failure is kept, later reads return zeros.
class ByteReader {
 public:
  /// `base_offset` is where `bytes` starts in the file, so that errors name file offsets.
  explicit ByteReader(std::span<const std::byte> bytes, std::size_t base_offset = 0) noexcept
      : bytes_(bytes), base_offset_(base_offset) {}

  template <class V>
  requires std::is_arithmetic_v<V> || std::is_enum_v<V> V read(const char* what)
  noexcept {
    V value{};
    if (error_) return value;
    if (bytes_.size() - offset_ < sizeof(V)) {
      fail("truncated at byte %zu while reading %s", base_offset_ + offset_, what);
      return value;
    }
    std::memcpy(&value, bytes_.data() + offset_, sizeof(V));
    offset_ += sizeof(V);
    return detail::to_little_endian(value);
  }

  /// An array written by ByteWriter::write_array into `out` (resized), checking its declared size.
  template <class Dense>
  void read_array(Dense& out, const char* what) {
    const auto rows = read<std::uint64_t>(what);
    const auto cols = read<std::uint64_t>(what);
    if (error_) return;
    using V = typename Dense::Scalar;
    const std::size_t left = (bytes_.size() - offset_) / sizeof(V);
    // Each dimension too, not only the product: 0 x 2^60 holds no value but would loop 2^60 times.
    const std::size_t most = std::max<std::size_t>(left, 1);
    if (rows > most || cols > most || (cols != 0 && rows > left / cols) ||
        (Dense::ColsAtCompileTime == 1 && cols != 1) ||
        (Dense::RowsAtCompileTime == 1 && rows != 1)) {
      fail("bad size %llux%llu of %s at byte %zu", static_cast<unsigned long long>(rows),
           static_cast<unsigned long long>(cols), what, base_offset_ + offset_);
      return;
    }
    out.resize(static_cast<Index>(rows), static_cast<Index>(cols));
    for (Index c = 0; c < out.cols(); ++c) {
      for (Index r = 0; r < out.rows(); ++r) out(r, c) = read<V>(what);
    }
  }

  /// Records a corrupt_model error (the first one wins), formatted like printf.
  template <class... Args>
  void fail(const char* format, Args... args) noexcept {
    if (!error_) error_ = Error::make(ErrorCode::corrupt_model, format, args...);
  }

  const std::optional<Error>& error() const noexcept { return error_; }
  std::size_t offset() const noexcept { return base_offset_ + offset_; }
  std::size_t remaining() const noexcept { return bytes_.size() - offset_; }

 private:
  std::span<const std::byte> bytes_;
  std::size_t base_offset_ = 0;
  std::size_t offset_ = 0;
  std::optional<Error> error_;
};

}  // namespace anomaly
