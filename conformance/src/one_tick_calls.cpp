#include "one_tick_calls.hpp"

#include "dclcomms/conformance/case_context.hpp"
#include "dclcomms/core/assert.hpp"

namespace dclcomms::conformance {

OneTickResult call_in_one_tick(transport::Transport& transport, std::span<const TransportCall> calls) {
  if (auto* caller = dynamic_cast<OneTickCaller*>(&transport)) {
    auto result = caller->call_in_one_tick(calls);
    DCL_ASSERT(result.statuses.size() == calls.size());
    return result;
  }
  return call_one_by_one(transport, calls);
}

OneTickResult call_one_by_one(transport::Transport& transport, std::span<const TransportCall> calls) {
  OneTickResult result;
  for (const auto& call : calls) {
    switch (call.kind) {
      case TransportCall::Kind::connect: result.statuses.push_back(transport.connect()); break;
      case TransportCall::Kind::send: result.statuses.push_back(transport.send(call.packet, call.options)); break;
      case TransportCall::Kind::disconnect:
        transport.disconnect();
        // Built in place: moving a temporary Result that holds Ok trips GCC 12's -Wmaybe-uninitialized
        // at -O1 in this unity batch (a false positive on the variant's other member), which broke
        // the debug preset's -Werror build.
        result.statuses.emplace_back(core::Ok{});
        break;
    }
  }
  return result;
}

CaseOutcome passed_in_one_tick(const OneTickResult& result, std::string detail) {
  if (result.settled_between) {
    return unsupported(detail +
                       "; but the driver speaks protocol 1.0, so the calls went one request each with its settling in "
                       "between, not in one tick: answer hello with \"protocol\": \"1.1\" and serve `calls` (docs/driver-protocol.md)");
  }
  return pass(std::move(detail));
}

}  // namespace dclcomms::conformance
