#include <cstdlib>
#include <memory>
#include <string>

#include "dclcomms/conformance/gtest.hpp"
#include "dclcomms/conformance/runner.hpp"

namespace dclcomms::conformance {
namespace {

std::string identifier(std::string text) {
  for (char& c : text) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return text;
}

std::uint64_t seed_from_environment() {
  const char* text = std::getenv("DCLCOMMS_CONFORMANCE_SEED");
  return text ? std::strtoull(text, nullptr, 10) : 1;
}

class CaseTest : public ::testing::Test {
 public:
  CaseTest(TransportUnderTest transport, std::string id) : transport_(std::move(transport)), id_(std::move(id)) {}
  void TestBody() override {
    const auto summary =
        run_catalogue(transport_, RunOptions{.seed = seed_from_environment(), .cases_glob = id_, .transport_name = transport_.name});
    ASSERT_EQ(summary.results.size(), 1u);
    const auto& r = summary.results.front();
    switch (r.verdict) {
      case Verdict::pass: return;
      case Verdict::unsupported: GTEST_SKIP() << r.detail; return;
      case Verdict::non_strict:
        std::cout << "NON-STRICT (a SHOULD failed): " << r.detail << "\n  reproduce: " << r.reproduce << std::endl;
        return;
      default: FAIL() << to_string(r.verdict) << ": " << r.detail << "\n  reproduce: " << r.reproduce;
    }
  }

 private:
  TransportUnderTest transport_;
  std::string id_;
};

}  // namespace

int register_gtest_cases(const TransportUnderTest& transport) {
  int count = 0;
  for (const auto& c : case_catalogue()) {
    // Cases of a type the transport does not declare are not its tests at all (the runner reports
    // them UNSUPPORTED; as GoogleTest tests they would only be a wall of skips).
    if (!applies_to(c, transport.capabilities)) continue;
    const std::string suite = "Conformance_" + identifier(transport.name);
    const std::string name = identifier(c.id);
    ::testing::RegisterTest(suite.c_str(), name.c_str(), nullptr, nullptr, __FILE__, __LINE__,
                            [transport, id = c.id]() -> ::testing::Test* { return new CaseTest(transport, id); });
    ++count;
  }
  return count;
}

}  // namespace dclcomms::conformance
