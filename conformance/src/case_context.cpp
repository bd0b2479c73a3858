#include "dclcomms/conformance/case_context.hpp"

#include "dclcomms/core/prng.hpp"
#include "dclcomms/sim/fault_shrink.hpp"
#include "dclcomms/sim/simulation.hpp"

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

std::string_view to_string(Level level) {
  switch (level) {
    case Level::must: return "MUST";
    case Level::should: return "SHOULD";
    case Level::capability: return "CAPABILITY";
  }
  return "UNKNOWN";
}

std::string_view to_string(Capability capability) {
  switch (capability) {
    case Capability::none: return "";
    case Capability::unreliable: return "unreliable";
    case Capability::targeted_sends: return "targeted_sends";
    case Capability::payload_limit: return "payload_bytes_max";
    case Capability::peer_joined_events: return "peer_joined_events";
    case Capability::typed_send_refusals: return "typed_send_refusals";
  }
  return "unknown";
}

bool declares(const Capabilities& capabilities, Capability capability) {
  switch (capability) {
    case Capability::none: return true;
    case Capability::unreliable: return capabilities.unreliable;
    case Capability::targeted_sends: return capabilities.targeted_sends;
    case Capability::payload_limit: return capabilities.payload_bytes_max.has_value();
    case Capability::peer_joined_events: return capabilities.peer_joined_events;
    case Capability::typed_send_refusals: return capabilities.typed_send_refusals;
  }
  return false;
}

void CaseContext::trace(TraceLine line) {
  std::string text = std::to_string(line.time_ns) + "|" + line.from + "|" + line.to + "|" + line.label + "|" + line.hex + "|" + line.json;
  digest_ = core::fnv1a_64(text + "\n", digest_);
  transcript_.push_back(std::move(line));
}

void CaseContext::mix_into_digest(std::uint64_t value) {
  digest_ = core::fnv1a_64(std::string_view(reinterpret_cast<const char*>(&value), sizeof value), digest_);
}

void CaseContext::attach(sim::Simulation& simulation) {
  if (record_faults_) simulation.record_faults(record_faults_);
  if (!replay_faults_) return;
  simulation.replay_faults(*replay_faults_);
  simulation.observe_faults([this](core::TimePoint at, const sim::FaultKey& key, const sim::FaultDecision& decision) {
    const auto party = [this](const std::string& host) {
      const auto it = parties_.find(host);
      return it == parties_.end() ? host : it->second;
    };
    trace({core::to_ns(at), party(key.from), party(key.to), "fault: " + sim::describe_decision(key, decision), "", ""});
  });
}

}  // namespace dclcomms::conformance
