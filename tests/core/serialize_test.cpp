#include <anomaly/core/serialize_stream.hpp>
#include <anomaly/detectors/interquartile_range.hpp>
#include <anomaly/detectors/z_score.hpp>

#include <cstring>
#include <sstream>
#include <string>

#include "catch.hpp"
#include "synthetic.hpp"

namespace {
using Bytes = std::vector<std::byte>;

anomaly::ZScoreModel<double> small_model() {
  return anomaly::ZScore<>{}.fit(anomaly::testing::make_blobs<double>(50, 2, 3, 8).X);
}

// Overwrites the checksum so that a payload change passes the CRC and reaches the model's reader.
void fix_checksum(Bytes& bytes) {
  const std::size_t tag_length = static_cast<std::size_t>(bytes[11]);
  const std::size_t payload = 24 + tag_length;
  const std::uint32_t crc =
      anomaly::detail::crc32(std::span<const std::byte>(bytes).subspan(payload));
  std::memcpy(bytes.data() + 20 + tag_length, &crc, 4);  // little-endian host, as the test machine
}
}  // namespace

TEST_CASE("The header has the documented layout", "[serialize]") {
  const Bytes bytes = anomaly::save(small_model());
  REQUIRE(bytes.size() > 30);
  CHECK(std::memcmp(bytes.data(), "ANOMALY", 8) == 0);
  CHECK(static_cast<int>(bytes[8]) == anomaly::model_format_version);
  CHECK(static_cast<int>(bytes[10]) == 8);
  CHECK(static_cast<int>(bytes[11]) == 6);
  CHECK(std::memcmp(bytes.data() + 12, "zscore", 6) == 0);
  anomaly::ModelInfo info;
  REQUIRE_FALSE(anomaly::inspect(bytes, info));
  CHECK(info.tag_view() == "zscore");
  CHECK(info.payload_offset == 30);
  CHECK(info.payload_size == bytes.size() - 30);
}

TEST_CASE("A saved model loads back and scores identically, through bytes and streams",
          "[serialize]") {
  const auto model = small_model();
  const auto X = anomaly::testing::make_blobs<double>(20, 2, 3, 9).X;
  const auto loaded = anomaly::load<anomaly::ZScoreModel<double>>(anomaly::save(model));
  CHECK(loaded.score(X) == model.score(X));
  CHECK(loaded.threshold == model.threshold);
  std::stringstream stream;
  anomaly::save(model, stream);
  const auto streamed = anomaly::load<anomaly::ZScoreModel<double>>(stream);
  CHECK(streamed.score(X) == model.score(X));
}

TEST_CASE("Every corrupted byte and every truncation is rejected", "[serialize]") {
  const Bytes good = anomaly::save(small_model());
  for (std::size_t i = 0; i < good.size(); ++i) {
    Bytes bad = good;
    bad[i] ^= std::byte{0x5A};
    anomaly::ZScoreModel<double> out;
    const auto error = anomaly::try_load(bad, out);
    REQUIRE(error);  // names the byte's role in its message
    CHECK((error->code() == anomaly::ErrorCode::corrupt_model ||
           error->code() == anomaly::ErrorCode::incompatible_model));
  }
  for (std::size_t size = 0; size < good.size(); ++size) {
    anomaly::ZScoreModel<double> out;
    const auto error = anomaly::try_load(std::span<const std::byte>(good.data(), size), out);
    REQUIRE(error);
    CHECK(error->code() == anomaly::ErrorCode::corrupt_model);
  }
}

TEST_CASE("Hostile payloads with a valid checksum fail cleanly or load a finite model",
          "[serialize]") {
  const Bytes good = anomaly::save(small_model());
  anomaly::Random random(77);
  int rejected = 0;
  for (int trial = 0; trial < 2000; ++trial) {
    Bytes bad = good;
    const auto flips = 1 + anomaly::uniform_index(random, 4);
    for (std::uint64_t f = 0; f < flips; ++f) {
      const auto at = 30 + anomaly::uniform_index(random, bad.size() - 30);
      bad[at] = static_cast<std::byte>(anomaly::uniform_index(random, 256));
    }
    fix_checksum(bad);
    anomaly::ZScoreModel<double> out;
    if (anomaly::try_load(bad, out)) {
      ++rejected;
    } else {
      CHECK(out.fences.low.allFinite());
    }
  }
  CHECK(rejected > 0);
}

TEST_CASE("Loading the wrong detector or scalar type says what the file holds", "[serialize]") {
  const Bytes bytes = anomaly::save(small_model());
  anomaly::InterquartileRangeModel<double> other;
  const auto wrong_detector = anomaly::try_load(bytes, other);
  REQUIRE(wrong_detector);
  CHECK(wrong_detector->code() == anomaly::ErrorCode::incompatible_model);
  CHECK(std::string(wrong_detector->message()) ==
        "the file holds a 'zscore' model, not 'interquartile_range'");
  anomaly::ZScoreModel<float> single;
  const auto wrong_scalar = anomaly::try_load(bytes, single);
  REQUIRE(wrong_scalar);
  CHECK(std::string(wrong_scalar->message()) == "the file holds a double model, not float");
  REQUIRE_THROWS_AS(anomaly::load<anomaly::ZScoreModel<float>>(bytes), anomaly::Exception);
}
