#pragma once
// FailedChecks: the checks a test helper found broken, for helpers that GoogleTest TESTs and
// RapidCheck properties both call. Such a helper must report rather than assert: an EXPECT_* inside
// a property fails the test while RapidCheck records a pass, so it never shrinks and prints no
// reproduce= line. Each caller asserts in its own framework:
//   EXPECT_THAT(run.failures.lines, ::testing::IsEmpty());
//   if (!run.failures.empty()) RC_FAIL(run.failures.text());

#include <string>
#include <utility>
#include <vector>

namespace dclcomms::test_support {

struct FailedChecks {
  std::vector<std::string> lines;  // one per broken check, in the order they were found

  void check(bool ok, std::string what) {
    if (!ok) lines.push_back(std::move(what));
  }
  bool empty() const { return lines.empty(); }
  /// Every line, each ending in a newline: what a failing property prints.
  std::string text() const {
    std::string out;
    for (const auto& line : lines) out += line + "\n";
    return out;
  }
  bool operator==(const FailedChecks&) const = default;
};

}  // namespace dclcomms::test_support
