#pragma once
// Always-on assertions (TigerBeetle style): a failed DCL_ASSERT is a bug in dclcomms, never bad
// input. Bad input is reported through typed errors (see result.hpp); asserts stay on in Release.

#include <cstdio>
#include <cstdlib>

namespace dclcomms::core::detail {
[[noreturn]] inline void assert_failed(const char* expr, const char* file, int line) {
  std::fprintf(stderr, "dclcomms: assertion failed: %s (%s:%d)\n", expr, file, line);
  std::abort();
}
}  // namespace dclcomms::core::detail

#define DCL_ASSERT(expr)                                                             \
  do {                                                                               \
    if (!(expr)) ::dclcomms::core::detail::assert_failed(#expr, __FILE__, __LINE__); \
  } while (false)
