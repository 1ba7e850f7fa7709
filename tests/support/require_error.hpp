#pragma once
// The check every bad-input test makes: the call raises an anomaly::Exception with this code and
// a message containing `needle`.
#include <anomaly/core/error.hpp>

#include <string>

#include "catch.hpp"

namespace anomaly::testing {

template <class Function>
void require_error(Function&& function, ErrorCode code, const std::string& needle) {
  try {
    function();
    FAIL("expected an anomaly::Exception");
  } catch (const Exception& e) {
    INFO("message: " << e.what());
    CHECK(e.code() == code);
    CHECK(std::string(e.what()).find(needle) != std::string::npos);
  }
}

}  // namespace anomaly::testing
