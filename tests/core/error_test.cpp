#include <anomaly/core/error.hpp>
#include <anomaly/core/validate.hpp>

#include <cstring>
#include <limits>
#include <string>

#include "catch.hpp"

using anomaly::ErrorCode;

TEST_CASE("Error formats its message inline and keeps its code", "[error]") {
  const auto error = anomaly::Error::make(ErrorCode::too_few_samples, "X has %d rows", 1);
  CHECK(error.code() == ErrorCode::too_few_samples);
  CHECK(std::string(error.message()) == "X has 1 rows");
  CHECK(anomaly::to_string(ErrorCode::corrupt_model) == "corrupt_model");
}

TEST_CASE("An overlong message is cut, not overflowed", "[error]") {
  const std::string long_name(1000, 'x');
  const auto error = anomaly::Error::make(ErrorCode::invalid_parameter, "%s", long_name.c_str());
  CHECK(std::strlen(error.message()) == anomaly::Error::capacity - 1);
}

TEST_CASE("raise_if throws an Exception that is an invalid_argument with the code", "[error]") {
  const auto error = anomaly::Error::make(ErrorCode::empty_input, "nothing here");
  try {
    anomaly::raise_if(error);
    FAIL("raise_if did not throw");
  } catch (const std::invalid_argument& e) {
    CHECK(std::string(e.what()) == "nothing here");
    const auto* typed = dynamic_cast<const anomaly::Exception*>(&e);
    REQUIRE(typed != nullptr);
    CHECK(typed->code() == ErrorCode::empty_input);
  }
  CHECK_NOTHROW(anomaly::raise_if(std::nullopt));
}

TEST_CASE("check_finite names the first bad cell and what it holds", "[error]") {
  anomaly::Matrix<double> X = anomaly::Matrix<double>::Zero(4, 3);
  CHECK_FALSE(anomaly::check_finite(X, "X"));
  X(2, 1) = std::numeric_limits<double>::quiet_NaN();
  auto error = anomaly::check_finite(X, "X");
  REQUIRE(error);
  CHECK(error->code() == ErrorCode::non_finite_input);
  CHECK(std::string(error->message()).find("X(2, 1) is NaN") != std::string::npos);
  X(2, 1) = 0;
  X(3, 2) = -std::numeric_limits<double>::infinity();
  error = anomaly::check_finite(X, "X");
  REQUIRE(error);
  CHECK(std::string(error->message()).find("X(3, 2) is -infinity") != std::string::npos);
}

TEST_CASE("check_training_data and check_scoring_data reject bad shapes", "[error]") {
  const anomaly::Matrix<float> empty(0, 3);
  CHECK(anomaly::check_training_data(empty, 1)->code() == ErrorCode::empty_input);
  const anomaly::Matrix<float> one = anomaly::Matrix<float>::Ones(1, 3);
  CHECK(anomaly::check_training_data(one, 2)->code() == ErrorCode::too_few_samples);
  const auto wrong = anomaly::check_scoring_data(one, 4);
  REQUIRE(wrong);
  CHECK(wrong->code() == ErrorCode::dimension_mismatch);
  CHECK(std::string(wrong->message()).find("3 columns") != std::string::npos);
}
