#pragma once
// The vocabulary of the conformance suite: what a transport under test declares, what a case is,
// and the verdicts a run gives.

#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "dclcomms/livekit/livekit_session.hpp"
#include "dclcomms/transport/transport_factory.hpp"

namespace dclcomms::conformance {

/// MUST cases decide the exit code; a failed SHOULD case is NON-STRICT.
enum class Level : std::uint8_t { must, should };

enum class Verdict : std::uint8_t { pass, fail, non_strict, unsupported, nondeterministic };
std::string_view to_string(Verdict verdict);  // "PASS", "FAIL", "NON-STRICT", "UNSUPPORTED", "NONDETERMINISTIC"
std::string_view to_string(Level level);      // "MUST", "SHOULD"

/// What a transport says it can do. Cases outside it are UNSUPPORTED, not failures.
struct Capabilities {
  std::set<std::string> types;            // connection-string types it serves, e.g. {"ws-room"}
  bool unreliable = true;                 // honours the unreliable hint
  bool targeted_sends = false;            // SendOptions.targets
  std::size_t payload_bytes_max = 65535;  // largest packet it accepts
  bool virtual_time = true;               // can run on the harness's virtual clock
};

/// The harness's network beyond what a TransportContext carries: the interfaces a transport under
/// test joins the harness's simulated services through. Each is empty when the case's world has no
/// such service.
struct HarnessServices {
  livekit::LivekitConnector livekit;                 // the simulated LiveKit SFU
  std::function<std::int64_t()> unix_seconds_now;    // the world's wall clock, in Unix seconds
};

/// An in-process C++ transport: it registers its implementation of each type on the factory the
/// harness gives it (the factory's context carries the harness's runtime, websocket and HTTP
/// network and identity; `services` the rest).
struct TransportUnderTest {
  std::string name;
  Capabilities capabilities;
  std::function<void(transport::TransportFactory&, const HarnessServices& services)> register_types;
};

/// One line of a case's message sequence, for the report's diagram.
struct TraceLine {
  std::int64_t time_ns = 0;
  std::string from;
  std::string to;
  std::string label;  // e.g. "peer_identification", "event: connected"
  std::string hex;    // frame bytes, when a frame
  std::string json;   // decoded frame or event
};

/// What a case found. `detail` says what was expected and what happened.
struct CaseOutcome {
  bool passed = false;
  std::string detail;
  bool unsupported = false;
};

class CaseContext;

struct Case {
  std::string id;        // e.g. "wsroom.kick.no_reconnect"
  Level level;
  std::string proves;    // one sentence
  std::string spec;      // e.g. "comms-transports.md §3.5"
  std::string requires_type;  // the transport type it needs ("" = any)
  std::function<CaseOutcome(CaseContext&)> run;
  /// A wire-mode case (docs/wire-mode.md): it runs on real loopback sockets and the steady clock
  /// (through a fault-injecting proxy) instead of inside the simulator, so its transcript depends on
  /// the kernel's scheduling and cannot repeat bit for bit. The runner runs it once and does not
  /// compare digests; its transcript's times are real nanoseconds since the case started. It must
  /// still bound every wait.
  bool real_time = false;
  /// Whether the case needs a transport that runs on the harness's virtual clock (most do: they
  /// live in the simulator). Wire cases and the URI cases (creation only) do not, so a driver that
  /// declares virtual_time: false (it opens its own sockets) still runs them; for such a driver
  /// every other case is UNSUPPORTED.
  bool needs_virtual_time = true;
};

/// Whether `c` is about a type the transport declares (cases with no type are about any). A case
/// that is not is "not applicable" to it: reported so by the runner, not registered as a test.
inline bool applies_to(const Case& c, const Capabilities& capabilities) {
  return c.requires_type.empty() || capabilities.types.contains(c.requires_type);
}

/// The whole catalogue, in a stable order.
const std::vector<Case>& case_catalogue();

}  // namespace dclcomms::conformance
