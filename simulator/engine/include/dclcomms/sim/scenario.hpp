#pragma once
// Scenario: a whole simulated experiment as data — nodes, links, a fault schedule, workloads,
// duration and seed — loaded from JSON (format in docs/simulator.md). Loading validates everything
// the engine would otherwise assert on, and names the offending key by its JSON path:
//   $.links[2].loss: expected a ratio string "n/d" with n <= d, got 0.5

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "dclcomms/core/result.hpp"
#include "dclcomms/core/time.hpp"
#include "dclcomms/sim/host_clock.hpp"
#include "dclcomms/sim/link_faults.hpp"
#include "dclcomms/sim/trace.hpp"

namespace dclcomms::sim {

enum class ScenarioErrorCode : std::uint8_t {
  not_json,      // the text does not parse as JSON
  bad_value,     // a key has the wrong type or an out-of-range value
  missing_key,   // a required key is absent
  unknown_key,   // a key the format does not know (typos must not pass silently)
  unknown_name,  // a host, profile or built-in scenario that does not exist
  bad_schedule,  // a fault schedule that is impossible (restart of a running host, ...)
  io,            // the file cannot be read
};
std::string_view to_string(ScenarioErrorCode code);
using ScenarioError = core::Error<ScenarioErrorCode>;

struct NodeSpec {
  std::string name;
  HostClock clock;
};

struct LinkSpec {
  std::string from;
  std::string to;
  bool bidirectional = true;
  LinkFaults faults;
};

enum class FaultAction : std::uint8_t {
  partition,
  partition_oneway,
  heal,
  crash,
  restart,
  pause,
  resume,
  set_link,
  hold,
  release,
};

struct FaultSpec {
  core::Duration at{0};
  FaultAction action = FaultAction::heal;
  std::vector<std::string> side_a;  // partition: a | b;  partition_oneway: from > to
  std::vector<std::string> side_b;
  std::string host;  // crash, restart, pause, resume
  LinkSpec link;     // set_link; hold and release use link.from / link.to
};

enum class WorkloadKind : std::uint8_t { periodic, request_response };

struct WorkloadSpec {
  WorkloadKind kind = WorkloadKind::periodic;
  Carrier carrier = Carrier::datagram;
  std::string from;                  // periodic: sender; request_response: client
  std::vector<std::string> to;       // periodic: receivers; request_response: the one server
  std::uint32_t bytes = 0;           // per send (request size), >= workload_header_bytes
  std::uint32_t response_bytes = 0;  // request_response only
  std::uint32_t rate_hz = 0;
  core::Duration start{0};
  core::Duration stop{0};
};

/// Every workload payload starts with this many bytes of header (docs/simulator.md).
inline constexpr std::uint32_t workload_header_bytes = 16;

struct Scenario {
  std::string name;
  std::uint64_t seed = 1;
  core::Duration duration{0};
  std::vector<NodeSpec> nodes;
  std::vector<LinkSpec> links;             // explicit links, after default_link pairs (so they override)
  std::optional<LinkFaults> default_link;  // every ordered pair of distinct nodes
  std::vector<FaultSpec> faults;           // stable-sorted by `at`
  std::vector<WorkloadSpec> workloads;
  std::string canonical_json;  // the source, re-serialised with sorted keys: goes in trace headers
};

/// Parses and validates scenario JSON text. `origin` (a file name) prefixes error messages.
core::Result<Scenario, ScenarioError> parse_scenario(std::string_view json_text, std::string_view origin = "scenario");

/// Reads a scenario from a file, or — if no such file exists — a built-in scenario by name.
core::Result<Scenario, ScenarioError> load_scenario(const std::string& path_or_builtin);

/// Names of the built-in scenarios ("default", "room-100", ...).
std::span<const std::string_view> builtin_scenario_names();
/// JSON text of a built-in scenario, or nullopt.
std::optional<std::string_view> builtin_scenario_json(std::string_view name);

}  // namespace dclcomms::sim
