#pragma once
// The vocabulary of the conformance suite: what a transport under test declares, what a case is,
// and the verdicts a run gives.

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "dclcomms/livekit/livekit_session.hpp"
#include "dclcomms/transport/transport_factory.hpp"

namespace dclcomms::conformance {

/// How much a case binds. A failed MUST case is FAIL and decides the exit code; a failed SHOULD case
/// is NON-STRICT (the transport is then "conformant with warnings"). A capability case is about
/// optional behaviour (Case::capability): UNSUPPORTED when the transport does not declare that
/// capability, held like MUST when it does.
enum class Level : std::uint8_t { must, should, capability };

enum class Verdict : std::uint8_t { pass, fail, non_strict, unsupported, nondeterministic };
std::string_view to_string(Verdict verdict);  // "PASS", "FAIL", "NON-STRICT", "UNSUPPORTED", "NONDETERMINISTIC"
std::string_view to_string(Level level);      // "MUST", "SHOULD", "CAPABILITY"

/// What a transport says it can do. Cases outside it are UNSUPPORTED, not failures. The defaults
/// are what our reference transports do and what a driver that does not mention a field declares
/// (driver protocol version 1 before these fields existed).
struct Capabilities {
  std::set<std::string> types;  // connection-string types it serves, e.g. {"ws-room"}
  bool unreliable = true;       // honours the unreliable hint
  bool targeted_sends = false;  // SendOptions.targets
  /// The largest packet it accepts; empty = it declares no limit at the interface (the reference
  /// shape has none, spec §1.2, and ws-room documents none, §3.4).
  std::optional<std::size_t> payload_bytes_max = 65535;
  bool virtual_time = true;  // can run on the harness's virtual clock
  /// Reports a peer's arrival as PeerJoined. The reference interface (spec §1.2) has no such event:
  /// the kernel records a peer from its first message and reports only its leave.
  bool peer_joined_events = true;
  /// send() answers every packet it will not carry with a typed error: not_connected once the
  /// session ended, packet_too_large over payload_bytes_max, unsupported for targets it cannot
  /// honour. Without it a refusal may be a silent drop, as with the reference shape's send(), which
  /// returns nothing (spec §1.2); either way such a packet must never be delivered.
  bool typed_send_refusals = true;
};

/// The optional behaviours a Level::capability case can be about (each a field of Capabilities).
enum class Capability : std::uint8_t { none, unreliable, targeted_sends, payload_limit, peer_joined_events, typed_send_refusals };
std::string_view to_string(Capability capability);  // the driver protocol's field name, e.g. "peer_joined_events"
/// Whether `capabilities` declares `capability` (payload_limit: a payload_bytes_max is declared).
bool declares(const Capabilities& capabilities, Capability capability);

/// The harness's network beyond what a TransportContext carries: the interfaces a transport under
/// test joins the harness's simulated services through. Each is empty when the case's world has no
/// such service.
struct HarnessServices {
  livekit::LivekitConnector livekit;               // the simulated LiveKit SFU
  std::function<std::int64_t()> unix_seconds_now;  // the world's wall clock, in Unix seconds
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
/// What one run of a case found: one of three, never two at once.
enum class OutcomeKind : std::uint8_t {
  passed,
  failed,
  unsupported,  // the case cannot judge this transport (a capability it lacks, a world it cannot join)
};

struct CaseOutcome {
  OutcomeKind kind = OutcomeKind::failed;
  std::string detail;
};

class CaseContext;

struct Case {
  std::string id;  // e.g. "wsroom.kick.no_reconnect"
  Level level;
  std::string proves;  // one sentence
  /// The digest's clause(s) it checks, e.g. "comms-transports.md §3.5"; where the digest leaves
  /// the behaviour open, also the client whose behaviour decided the level (e.g. "kernel: …").
  std::string spec;
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
  /// For Level::capability: the capability the case is about (none for the other levels).
  Capability capability = Capability::none;
};

/// Whether `c` is about a type the transport declares (cases with no type are about any). A case
/// that is not is "not applicable" to it: reported so by the runner, not registered as a test.
inline bool applies_to(const Case& c, const Capabilities& capabilities) {
  return c.requires_type.empty() || capabilities.types.contains(c.requires_type);
}

/// The whole catalogue, in a stable order.
const std::vector<Case>& case_catalogue();

}  // namespace dclcomms::conformance
