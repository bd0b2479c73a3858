#include "dclcomms/conformance/case_context.hpp"

#include "dclcomms/core/prng.hpp"

namespace dclcomms::conformance {

std::string_view to_string(Verdict verdict) {
  switch (verdict) {
    case Verdict::pass: return "PASS";
    case Verdict::fail: return "FAIL";
    case Verdict::non_strict: return "NON-STRICT";
    case Verdict::unsupported: return "UNSUPPORTED";
    case Verdict::nondeterministic: return "NONDETERMINISTIC";
  }
  return "UNKNOWN";
}

std::string_view to_string(Level level) { return level == Level::must ? "MUST" : "SHOULD"; }

void CaseContext::trace(TraceLine line) {
  std::string text = std::to_string(line.time_ns) + "|" + line.from + "|" + line.to + "|" + line.label + "|" + line.hex + "|" + line.json;
  digest_ = core::fnv1a_64(text + "\n", digest_);
  transcript_.push_back(std::move(line));
}

void CaseContext::mix_into_digest(std::uint64_t value) {
  digest_ = core::fnv1a_64(std::string_view(reinterpret_cast<const char*>(&value), sizeof value), digest_);
}

}  // namespace dclcomms::conformance
