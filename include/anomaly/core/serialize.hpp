#pragma once
// save() and load(): a fixed little-endian header, then the model's own payload.
//
//   offset  size  field
//   0       8     magic "ANOMALY" + '\0'
//   8       2     format version (1)
//   10      1     scalar type: 4 = float, 8 = double
//   11      1     tag length L (1..32), then L bytes of tag naming the detector
//   12+L    8     payload length in bytes
//   20+L    4     CRC-32 (IEEE) of the payload
//   24+L    ...   payload
#include <anomaly/core/bytes.hpp>
#include <anomaly/core/concepts.hpp>
#include <anomaly/core/error.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace anomaly {

inline constexpr std::uint16_t model_format_version = 1;

/// What a model file says about itself: which detector, which scalar type.
struct ModelInfo {
  std::array<char, 33> tag{};    ///< detector tag, NUL-terminated
  std::uint8_t scalar_size = 0;  ///< 4 = float, 8 = double
  std::size_t payload_offset = 0;
  std::size_t payload_size = 0;
  std::string_view tag_view() const noexcept { return tag.data(); }
};

namespace detail {
inline constexpr std::array<char, 8> model_magic = {'A', 'N', 'O', 'M', 'A', 'L', 'Y', '\0'};

constexpr std::array<std::uint32_t, 256> make_crc_table() noexcept {
  std::array<std::uint32_t, 256> table{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1u) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    table[i] = c;
  }
  return table;
}
inline constexpr auto crc_table = make_crc_table();

inline std::uint32_t crc32(std::span<const std::byte> bytes) noexcept {
  std::uint32_t c = 0xFFFFFFFFu;
  for (std::byte b : bytes) c = crc_table[(c ^ static_cast<std::uint32_t>(b)) & 0xFFu] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}
}  // namespace detail

/// Reads and checks the header of a model file (magic, version, lengths, checksum).
inline std::optional<Error> inspect(std::span<const std::byte> bytes, ModelInfo& info) {
  ByteReader reader(bytes);
  for (char expected : detail::model_magic) {
    if (reader.read<char>("magic") != expected || reader.error()) {
      return Error::make(ErrorCode::corrupt_model,
                         "not an anomaly model: bad magic in the first 8 bytes");
    }
  }
  const auto version = reader.read<std::uint16_t>("format version");
  info.scalar_size = reader.read<std::uint8_t>("scalar type");
  const auto tag_length = reader.read<std::uint8_t>("tag length");
  if (reader.error()) return reader.error();
  if (version != model_format_version) {
    return Error::make(ErrorCode::incompatible_model,
                       "model format version %u at byte 8 is not supported (this library reads %u)",
                       static_cast<unsigned>(version), static_cast<unsigned>(model_format_version));
  }
  if (info.scalar_size != 4 && info.scalar_size != 8) {
    return Error::make(ErrorCode::corrupt_model, "bad scalar type %u at byte 10",
                       static_cast<unsigned>(info.scalar_size));
  }
  if (tag_length == 0 || tag_length > 32) {
    return Error::make(ErrorCode::corrupt_model, "bad tag length %u at byte 11",
                       static_cast<unsigned>(tag_length));
  }
  info.tag = {};
  for (std::size_t i = 0; i < tag_length; ++i) info.tag[i] = reader.read<char>("tag");
  const auto payload_size = reader.read<std::uint64_t>("payload length");
  const auto checksum = reader.read<std::uint32_t>("checksum");
  if (reader.error()) return reader.error();
  if (payload_size != reader.remaining()) {
    return Error::make(ErrorCode::corrupt_model,
                       "payload length %llu at byte %zu does not match the %zu bytes that follow",
                       static_cast<unsigned long long>(payload_size), 12 + std::size_t{tag_length},
                       reader.remaining());
  }
  info.payload_offset = reader.offset();
  info.payload_size = static_cast<std::size_t>(payload_size);
  if (detail::crc32(bytes.subspan(info.payload_offset)) != checksum) {
    return Error::make(ErrorCode::corrupt_model,
                       "checksum mismatch: the payload at bytes %zu..%zu is corrupt",
                       info.payload_offset, bytes.size());
  }
  return std::nullopt;
}

/// The model as bytes: header, checksum and payload (see the layout above).
template <Serializable M>
std::vector<std::byte> save(const M& model) {
  ByteWriter payload;
  model.write(payload);
  ByteWriter file;
  for (char c : detail::model_magic) file.write(c);
  file.write(model_format_version);
  file.write(static_cast<std::uint8_t>(sizeof(typename M::Scalar)));
  const std::string_view tag = M::serial_tag;
  static_assert(std::string_view(M::serial_tag).size() >= 1 &&
                std::string_view(M::serial_tag).size() <= 32);
  file.write(static_cast<std::uint8_t>(tag.size()));
  for (char c : tag) file.write(c);
  file.write(static_cast<std::uint64_t>(payload.buffer().size()));
  file.write(detail::crc32(payload.buffer()));
  auto& out = file.buffer();
  out.insert(out.end(), payload.buffer().begin(), payload.buffer().end());
  return std::move(out);
}

/// Loads `bytes` into `model`, or says why not; never reads out of bounds and leaves `model` as it
/// was on failure. For builds without exceptions.
template <Serializable M>
std::optional<Error> try_load(std::span<const std::byte> bytes, M& model) {
  ModelInfo info;
  if (auto error = inspect(bytes, info)) return error;
  if (info.tag_view() != std::string_view(M::serial_tag)) {
    return Error::make(ErrorCode::incompatible_model, "the file holds a '%s' model, not '%.*s'",
                       info.tag.data(), static_cast<int>(std::string_view(M::serial_tag).size()),
                       std::string_view(M::serial_tag).data());
  }
  if (info.scalar_size != sizeof(typename M::Scalar)) {
    return Error::make(ErrorCode::incompatible_model, "the file holds a %s model, not %s",
                       info.scalar_size == 4 ? "float" : "double",
                       sizeof(typename M::Scalar) == 4 ? "float" : "double");
  }
  ByteReader reader(bytes.subspan(info.payload_offset), info.payload_offset);
  M loaded = M::read(reader);
  if (reader.error()) return reader.error();
  if (reader.remaining() != 0) {
    return Error::make(ErrorCode::corrupt_model, "%zu unexpected bytes after the model at byte %zu",
                       reader.remaining(), reader.offset());
  }
  model = std::move(loaded);
  return std::nullopt;
}

/// The model saved in `bytes`; raises corrupt_model or incompatible_model when it is not one.
template <Serializable M>
M load(std::span<const std::byte> bytes) {
  M model{};
  raise_if(try_load(bytes, model));
  return model;
}

}  // namespace anomaly
