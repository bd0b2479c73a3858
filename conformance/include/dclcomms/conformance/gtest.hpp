#pragma once
// GoogleTest integration for third parties: one call registers the whole case catalogue as
// GoogleTest tests for your in-process C++ transport, so ctest, --gtest_filter and JUnit XML
// (--gtest_output=xml) work as usual.
//
//   #include <dclcomms/conformance/gtest.hpp>
//   DCLCOMMS_CONFORMANCE_TESTS(my_transport_under_test());   // at namespace scope, in a test .cpp
//
// Each case becomes `Conformance_<transport>.<case id with '.' and '-' as '_'>`. A MUST case that fails
// fails the test; a failed SHOULD case is reported (NON-STRICT) but passes; UNSUPPORTED is skipped.
// Cases of types the transport does not declare are not registered.
// The seed comes from DCLCOMMS_CONFORMANCE_SEED (default 1); every failure prints its reproduce command.

#include <gtest/gtest.h>

#include "dclcomms/conformance/case.hpp"

namespace dclcomms::conformance {

/// Registers every catalogue case for `transport`. Returns the number of tests registered.
int register_gtest_cases(const TransportUnderTest& transport);

}  // namespace dclcomms::conformance

#define DCLCOMMS_CONFORMANCE_CONCAT_INNER(a, b) a##b
#define DCLCOMMS_CONFORMANCE_CONCAT(a, b) DCLCOMMS_CONFORMANCE_CONCAT_INNER(a, b)
#define DCLCOMMS_CONFORMANCE_TESTS(transport_under_test)                                           \
  [[maybe_unused]] static const int DCLCOMMS_CONFORMANCE_CONCAT(dclcomms_conformance_, __LINE__) = \
      ::dclcomms::conformance::register_gtest_cases(transport_under_test)
