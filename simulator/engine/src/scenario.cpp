#include "dclcomms/sim/scenario.hpp"

#include <algorithm>
#include <array>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "dclcomms/core/assert.hpp"
#include "dclcomms/sim/weather.hpp"

namespace dclcomms::sim {

std::string_view to_string(ScenarioErrorCode code) {
  switch (code) {
    case ScenarioErrorCode::not_json: return "not_json";
    case ScenarioErrorCode::bad_value: return "bad_value";
    case ScenarioErrorCode::missing_key: return "missing_key";
    case ScenarioErrorCode::unknown_key: return "unknown_key";
    case ScenarioErrorCode::unknown_name: return "unknown_name";
    case ScenarioErrorCode::bad_schedule: return "bad_schedule";
    case ScenarioErrorCode::io: return "io";
  }
  DCL_ASSERT(false);
  return {};
}

namespace {

using json = nlohmann::json;

// Limits on what a scenario may ask for: inputs are untrusted, queues are bounded.
constexpr std::size_t nodes_max = 4096;
constexpr std::size_t default_link_nodes_max = 512;  // a full mesh is nodes^2 links
constexpr std::int64_t duration_ms_max = 7LL * 24 * 3600 * 1000;
constexpr std::uint32_t rate_hz_max = 10'000;
constexpr std::uint32_t payload_bytes_max = 1 << 20;
constexpr std::int64_t delay_us_max = 3'600'000'000LL;

// The parser reports the first problem by throwing this; parse_scenario turns it into a Result.
// Exceptions never cross the public boundary.
struct Invalid {
  ScenarioErrorCode code;
  std::string path;
  std::string message;
};

[[noreturn]] void invalid(ScenarioErrorCode code, const std::string& path, std::string message) {
  throw Invalid{code, path, std::move(message)};
}

std::string shown(const json& value) {
  std::string text = value.dump();
  if (text.size() > 40) text = text.substr(0, 37) + "...";
  return text;
}

/// A JSON object being read: remembers its path and which keys were used, so that leftovers can
/// be reported as unknown keys.
class Object {
 public:
  Object(const json& value, std::string path) : value_(value), path_(std::move(path)) {
    if (!value_.is_object()) invalid(ScenarioErrorCode::bad_value, path_, "expected an object, got " + shown(value_));
  }
  const std::string& path() const { return path_; }
  std::string path_of(std::string_view key) const { return path_ + "." + std::string(key); }

  const json* find(std::string_view key) {
    const auto found = value_.find(std::string(key));
    if (found == value_.end()) return nullptr;
    used_.insert(std::string(key));
    return &*found;
  }
  const json& require(std::string_view key) {
    const json* value = find(key);
    if (value == nullptr) invalid(ScenarioErrorCode::missing_key, path_of(key), "required key is missing");
    return *value;
  }
  void mark(std::string_view key) { used_.insert(std::string(key)); }

  /// Every key must have been read; call last.
  void finish() const {
    for (const auto& [key, unused] : value_.items()) {
      if (used_.count(key) == 0) invalid(ScenarioErrorCode::unknown_key, path_of(key), "unknown key");
    }
  }

 private:
  const json& value_;
  std::string path_;
  std::set<std::string> used_;
};

std::int64_t integer_in(const json& value, const std::string& path, std::int64_t low, std::int64_t high) {
  if (!value.is_number_integer()) invalid(ScenarioErrorCode::bad_value, path, "expected an integer, got " + shown(value));
  if (value.is_number_unsigned() && value.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)) {
    invalid(ScenarioErrorCode::bad_value, path, "out of range: " + shown(value));
  }
  const auto number = value.get<std::int64_t>();
  if (number < low || number > high) {
    invalid(ScenarioErrorCode::bad_value, path,
            "must be in [" + std::to_string(low) + ", " + std::to_string(high) + "], got " + shown(value));
  }
  return number;
}

std::string string_of(const json& value, const std::string& path) {
  if (!value.is_string() || value.get<std::string>().empty()) {
    invalid(ScenarioErrorCode::bad_value, path, "expected a non-empty string, got " + shown(value));
  }
  return value.get<std::string>();
}

bool bool_of(const json& value, const std::string& path) {
  if (!value.is_boolean()) invalid(ScenarioErrorCode::bad_value, path, "expected true or false, got " + shown(value));
  return value.get<bool>();
}

core::Ratio ratio_of(const json& value, const std::string& path, bool probability) {
  const std::string expected = probability ? "a ratio string \"n/d\" with n <= d" : "a ratio string \"n/d\"";
  if (value.is_number_integer() && (value == 0 || value == 1)) {
    return value == 0 ? core::Ratio::zero() : core::Ratio::one();
  }
  if (!value.is_string()) invalid(ScenarioErrorCode::bad_value, path, "expected " + expected + ", got " + shown(value));
  const std::string text = value.get<std::string>();
  const auto slash = text.find('/');
  const auto digits = [](std::string_view part) {
    return !part.empty() && part.size() <= 18 && std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  if (slash == std::string::npos || !digits(std::string_view(text).substr(0, slash)) || !digits(std::string_view(text).substr(slash + 1))) {
    invalid(ScenarioErrorCode::bad_value, path, "expected " + expected + ", got " + shown(value));
  }
  const core::Ratio ratio{std::stoull(text.substr(0, slash)), std::stoull(text.substr(slash + 1))};
  if (!ratio.is_valid() || (probability && !ratio.is_probability())) {
    invalid(ScenarioErrorCode::bad_value, path, "expected " + expected + ", got " + shown(value));
  }
  return ratio;
}

core::Duration micros(Object& object, std::string_view key, core::Duration fallback) {
  const json* value = object.find(key);
  if (value == nullptr) return fallback;
  return std::chrono::microseconds(integer_in(*value, object.path_of(key), 0, delay_us_max));
}

core::Ratio probability(Object& object, std::string_view key, core::Ratio fallback) {
  const json* value = object.find(key);
  return value == nullptr ? fallback : ratio_of(*value, object.path_of(key), true);
}

Jitter jitter_of(const json& value, const std::string& path) {
  Object object(value, path);
  Jitter jitter;
  const std::string kind = string_of(object.require("kind"), object.path_of("kind"));
  if (kind == "none") {
    jitter.kind = JitterKind::none;
  } else if (kind == "uniform") {
    jitter.kind = JitterKind::uniform;
  } else if (kind == "normal") {
    jitter.kind = JitterKind::normal;
  } else if (kind == "pareto") {
    jitter.kind = JitterKind::pareto;
  } else {
    invalid(ScenarioErrorCode::bad_value, object.path_of("kind"),
            "expected one of none, uniform, normal, pareto, got " + shown(value["kind"]));
  }
  jitter.max = micros(object, "max_us", jitter.max);
  jitter.stddev = micros(object, "stddev_us", jitter.stddev);
  jitter.scale = micros(object, "scale_us", jitter.scale);
  if (const json* shape = object.find("shape")) jitter.shape = ratio_of(*shape, object.path_of("shape"), false);
  object.finish();
  return jitter;
}

GilbertElliott burst_of(const json& value, const std::string& path) {
  Object object(value, path);
  GilbertElliott burst;
  burst.enabled = true;
  burst.good_to_bad = probability(object, "good_to_bad", burst.good_to_bad);
  burst.bad_to_good = probability(object, "bad_to_good", burst.bad_to_good);
  burst.loss_good = probability(object, "loss_good", burst.loss_good);
  burst.loss_bad = probability(object, "loss_bad", burst.loss_bad);
  object.finish();
  return burst;
}

/// Reads the fault keys of a link-like object over a base: its "profile", or `base`.
LinkFaults faults_of(Object& object, const LinkFaults& base) {
  LinkFaults faults = base;
  if (const json* profile = object.find("profile")) {
    const std::string name = string_of(*profile, object.path_of("profile"));
    const std::optional<LinkFaults> preset = weather_profile(name);
    if (!preset) {
      std::string known;
      for (const std::string_view n : weather_profile_names()) known += (known.empty() ? "" : ", ") + std::string(n);
      invalid(ScenarioErrorCode::unknown_name, object.path_of("profile"), "unknown profile \"" + name + "\" (known: " + known + ")");
    }
    faults = *preset;
  }
  faults.latency = micros(object, "latency_us", faults.latency);
  if (const json* jitter = object.find("jitter")) faults.jitter = jitter_of(*jitter, object.path_of("jitter"));
  faults.loss = probability(object, "loss", faults.loss);
  if (const json* burst = object.find("gilbert_elliott")) faults.burst = burst_of(*burst, object.path_of("gilbert_elliott"));
  faults.duplication = probability(object, "duplication", faults.duplication);
  faults.reordering = probability(object, "reordering", faults.reordering);
  faults.reorder_delay = micros(object, "reorder_delay_us", faults.reorder_delay);
  faults.corruption = probability(object, "corruption", faults.corruption);
  if (const json* rate = object.find("rate_bits_per_s")) {
    faults.rate_bits_per_s = static_cast<std::uint64_t>(integer_in(*rate, object.path_of("rate_bits_per_s"), 0, INT64_MAX));
  }
  if (const json* queue = object.find("queue_bytes_max")) {
    faults.queue_bytes_max = static_cast<std::uint64_t>(integer_in(*queue, object.path_of("queue_bytes_max"), 0, 1LL << 32));
  }
  if (const json* mtu = object.find("mtu_bytes")) {
    faults.mtu_bytes = static_cast<std::uint32_t>(integer_in(*mtu, object.path_of("mtu_bytes"), 1, 1 << 20));
  }
  if (const auto problem = validate(faults)) invalid(ScenarioErrorCode::bad_value, object.path(), problem->message);
  return faults;
}

class Parser {
 public:
  Scenario parse(const json& root) {
    Object top(root, "$");
    Scenario scenario;
    scenario.name = top.find("name") ? string_of(root["name"], "$.name") : std::string("unnamed");
    if (const json* seed = top.find("seed")) {
      if (!seed->is_number_unsigned() && !(seed->is_number_integer() && seed->get<std::int64_t>() >= 0)) {
        invalid(ScenarioErrorCode::bad_value, "$.seed", "expected an unsigned 64-bit integer, got " + shown(*seed));
      }
      scenario.seed = seed->get<std::uint64_t>();
    }
    scenario.duration = std::chrono::milliseconds(integer_in(top.require("duration_ms"), "$.duration_ms", 1, duration_ms_max));
    nodes(top.require("nodes"), scenario);
    if (const json* link = top.find("default_link")) {
      Object object(*link, "$.default_link");
      if (scenario.nodes.size() > default_link_nodes_max) {
        invalid(ScenarioErrorCode::bad_value, "$.default_link",
                "a full mesh is limited to " + std::to_string(default_link_nodes_max) + " nodes; list links explicitly");
      }
      scenario.default_link = faults_of(object, LinkFaults{});
      object.finish();
    }
    if (const json* list = top.find("links")) links(*list, scenario);
    if (const json* list = top.find("faults")) faults(*list, scenario);
    if (const json* list = top.find("workloads")) workloads(*list, scenario);
    top.finish();
    check_schedule(scenario);
    return scenario;
  }

 private:
  const json& array_of(const json& value, const std::string& path) {
    if (!value.is_array()) invalid(ScenarioErrorCode::bad_value, path, "expected an array, got " + shown(value));
    return value;
  }

  std::string host_of(const json& value, const std::string& path) {
    const std::string name = string_of(value, path);
    if (names_.count(name) == 0) invalid(ScenarioErrorCode::unknown_name, path, "no node named \"" + name + "\"");
    return name;
  }

  std::vector<std::string> hosts_of(const json& value, const std::string& path, bool allow_star) {
    if (value.is_string() && value.get<std::string>() == "*" && allow_star) return {"*"};
    if (value.is_string()) return {host_of(value, path)};
    const json& list = array_of(value, path);
    if (list.empty()) invalid(ScenarioErrorCode::bad_value, path, "expected at least one node");
    std::vector<std::string> out;
    for (std::size_t i = 0; i < list.size(); ++i) out.push_back(host_of(list[i], path + "[" + std::to_string(i) + "]"));
    return out;
  }

  void nodes(const json& value, Scenario& scenario) {
    const json& list = array_of(value, "$.nodes");
    if (list.empty() || list.size() > nodes_max) {
      invalid(ScenarioErrorCode::bad_value, "$.nodes", "expected 1 to " + std::to_string(nodes_max) + " nodes");
    }
    for (std::size_t i = 0; i < list.size(); ++i) {
      Object object(list[i], "$.nodes[" + std::to_string(i) + "]");
      NodeSpec node;
      node.name = string_of(object.require("name"), object.path_of("name"));
      if (node.name == "*") invalid(ScenarioErrorCode::bad_value, object.path_of("name"), "\"*\" is reserved");
      if (!names_.insert(node.name).second) {
        invalid(ScenarioErrorCode::bad_value, object.path_of("name"), "duplicate node name \"" + node.name + "\"");
      }
      if (const json* skew = object.find("clock_skew_us")) {
        node.clock.skew = std::chrono::microseconds(integer_in(*skew, object.path_of("clock_skew_us"), -delay_us_max, delay_us_max));
      }
      if (const json* drift = object.find("clock_drift_ppm")) {
        node.clock.drift_ppm = integer_in(*drift, object.path_of("clock_drift_ppm"), -100'000, 100'000);
      }
      object.finish();
      scenario.nodes.push_back(node);
    }
  }

  LinkSpec link_of(Object& object, const LinkFaults& base) {
    LinkSpec link;
    link.from = host_of(object.require("from"), object.path_of("from"));
    link.to = host_of(object.require("to"), object.path_of("to"));
    if (link.from == link.to) invalid(ScenarioErrorCode::bad_value, object.path_of("to"), "a link needs two different nodes");
    if (const json* both = object.find("bidirectional")) link.bidirectional = bool_of(*both, object.path_of("bidirectional"));
    link.faults = faults_of(object, base);
    return link;
  }

  void links(const json& value, Scenario& scenario) {
    const json& list = array_of(value, "$.links");
    for (std::size_t i = 0; i < list.size(); ++i) {
      Object object(list[i], "$.links[" + std::to_string(i) + "]");
      scenario.links.push_back(link_of(object, LinkFaults{}));
      object.finish();
    }
  }

  void faults(const json& value, Scenario& scenario) {
    const json& list = array_of(value, "$.faults");
    const std::map<std::string, FaultAction> actions = {
        {"partition", FaultAction::partition}, {"partition_oneway", FaultAction::partition_oneway},
        {"heal", FaultAction::heal},           {"crash", FaultAction::crash},
        {"restart", FaultAction::restart},     {"pause", FaultAction::pause},
        {"resume", FaultAction::resume},       {"set_link", FaultAction::set_link},
        {"hold", FaultAction::hold},           {"release", FaultAction::release}};
    for (std::size_t i = 0; i < list.size(); ++i) {
      Object object(list[i], "$.faults[" + std::to_string(i) + "]");
      FaultSpec fault;
      fault.at = std::chrono::milliseconds(integer_in(object.require("at_ms"), object.path_of("at_ms"), 0, duration_ms_max));
      const std::string action = string_of(object.require("action"), object.path_of("action"));
      const auto found = actions.find(action);
      if (found == actions.end()) {
        invalid(ScenarioErrorCode::bad_value, object.path_of("action"),
                "unknown action \"" + action +
                    "\" (known: partition, partition_oneway, heal, crash, restart, pause, resume, set_link, hold, release)");
      }
      fault.action = found->second;
      switch (fault.action) {
        case FaultAction::partition:
          fault.side_a = hosts_of(object.require("a"), object.path_of("a"), false);
          fault.side_b = hosts_of(object.require("b"), object.path_of("b"), false);
          break;
        case FaultAction::partition_oneway:
          fault.side_a = hosts_of(object.require("from"), object.path_of("from"), false);
          fault.side_b = hosts_of(object.require("to"), object.path_of("to"), false);
          break;
        case FaultAction::heal: break;
        case FaultAction::crash:
        case FaultAction::restart:
        case FaultAction::pause:
        case FaultAction::resume: fault.host = host_of(object.require("host"), object.path_of("host")); break;
        case FaultAction::set_link: fault.link = link_of(object, LinkFaults{}); break;
        case FaultAction::hold:
        case FaultAction::release:
          fault.link.from = host_of(object.require("from"), object.path_of("from"));
          fault.link.to = host_of(object.require("to"), object.path_of("to"));
          if (fault.link.from == fault.link.to) {
            invalid(ScenarioErrorCode::bad_value, object.path_of("to"), "needs two different nodes");
          }
          break;
      }
      object.finish();
      scenario.faults.push_back(fault);
    }
    std::stable_sort(scenario.faults.begin(), scenario.faults.end(), [](const FaultSpec& a, const FaultSpec& b) { return a.at < b.at; });
  }

  void workloads(const json& value, Scenario& scenario) {
    const json& list = array_of(value, "$.workloads");
    for (std::size_t i = 0; i < list.size(); ++i) {
      Object object(list[i], "$.workloads[" + std::to_string(i) + "]");
      WorkloadSpec workload;
      const std::string kind = string_of(object.require("kind"), object.path_of("kind"));
      const auto bytes = [&](std::string_view key) {
        return static_cast<std::uint32_t>(integer_in(object.require(key), object.path_of(key), workload_header_bytes, payload_bytes_max));
      };
      if (kind == "periodic") {
        workload.kind = WorkloadKind::periodic;
        workload.from = host_of(object.require("from"), object.path_of("from"));
        workload.to = hosts_of(object.require("to"), object.path_of("to"), true);
        workload.bytes = bytes("bytes");
      } else if (kind == "request_response") {
        workload.kind = WorkloadKind::request_response;
        workload.from = host_of(object.require("client"), object.path_of("client"));
        workload.to = {host_of(object.require("server"), object.path_of("server"))};
        workload.bytes = bytes("request_bytes");
        workload.response_bytes = bytes("response_bytes");
      } else {
        invalid(ScenarioErrorCode::bad_value, object.path_of("kind"),
                "expected \"periodic\" or \"request_response\", got " + shown(list[i]["kind"]));
      }
      for (const std::string& target : workload.to) {
        if (target == workload.from) invalid(ScenarioErrorCode::bad_value, object.path(), "a node cannot send to itself");
      }
      workload.rate_hz = static_cast<std::uint32_t>(integer_in(object.require("rate_hz"), object.path_of("rate_hz"), 1, rate_hz_max));
      const std::string carrier = object.find("carrier") ? string_of(list[i]["carrier"], object.path_of("carrier")) : "datagram";
      if (carrier == "datagram") {
        workload.carrier = Carrier::datagram;
      } else if (carrier == "stream") {
        workload.carrier = Carrier::stream;
      } else {
        invalid(ScenarioErrorCode::bad_value, object.path_of("carrier"), "expected \"datagram\" or \"stream\", got \"" + carrier + "\"");
      }
      const std::int64_t duration_ms = std::chrono::duration_cast<std::chrono::milliseconds>(scenario.duration).count();
      workload.start = std::chrono::milliseconds(
          object.find("start_ms") ? integer_in(list[i]["start_ms"], object.path_of("start_ms"), 0, duration_ms) : 0);
      workload.stop = std::chrono::milliseconds(
          object.find("stop_ms") ? integer_in(list[i]["stop_ms"], object.path_of("stop_ms"), 0, duration_ms) : duration_ms);
      if (workload.stop < workload.start) invalid(ScenarioErrorCode::bad_value, object.path_of("stop_ms"), "stop_ms is before start_ms");
      object.finish();
      scenario.workloads.push_back(workload);
    }
  }

  /// Replays the host state machine so that the engine's asserts can never fire on a schedule.
  void check_schedule(const Scenario& scenario) {
    enum class State { up, paused, down };
    std::map<std::string, State> states;
    for (const NodeSpec& node : scenario.nodes) states[node.name] = State::up;
    for (std::size_t i = 0; i < scenario.faults.size(); ++i) {
      const FaultSpec& fault = scenario.faults[i];
      const auto at = std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(fault.at).count());
      const auto fail = [&](const std::string& why) { invalid(ScenarioErrorCode::bad_schedule, "$.faults", "at_ms " + at + ": " + why); };
      if (fault.at > scenario.duration) fail("after the end of the run (duration_ms)");
      if (fault.host.empty()) continue;
      State& state = states[fault.host];
      switch (fault.action) {
        case FaultAction::crash:
          if (state == State::down) fail("crash of \"" + fault.host + "\", which is already down");
          state = State::down;
          break;
        case FaultAction::restart:
          if (state != State::down) fail("restart of \"" + fault.host + "\", which is not crashed");
          state = State::up;
          break;
        case FaultAction::pause:
          if (state != State::up) fail("pause of \"" + fault.host + "\", which is not running");
          state = State::paused;
          break;
        case FaultAction::resume:
          if (state != State::paused) fail("resume of \"" + fault.host + "\", which is not paused");
          state = State::up;
          break;
        default: break;
      }
    }
  }

  std::set<std::string> names_;
};

constexpr std::array<std::string_view, 3> builtin_names = {"default", "two-hosts", "room-100"};

constexpr std::string_view default_json = R"({
  "name": "default",
  "seed": 1,
  "duration_ms": 10000,
  "nodes": [{"name": "server"}, {"name": "alice", "clock_skew_us": 1500},
            {"name": "bob", "clock_drift_ppm": 50}, {"name": "carol"}],
  "default_link": {"profile": "wifi"},
  "links": [{"from": "carol", "to": "server", "profile": "mobile-handover"}],
  "faults": [
    {"at_ms": 3000, "action": "partition", "a": ["bob"], "b": ["server", "alice", "carol"]},
    {"at_ms": 4500, "action": "heal"},
    {"at_ms": 6000, "action": "crash", "host": "alice"},
    {"at_ms": 7000, "action": "restart", "host": "alice"},
    {"at_ms": 8000, "action": "set_link", "from": "server", "to": "carol", "profile": "lossy-5pct"}
  ],
  "workloads": [
    {"kind": "periodic", "from": "alice", "to": "*", "bytes": 120, "rate_hz": 10},
    {"kind": "periodic", "from": "bob", "to": "*", "bytes": 120, "rate_hz": 10},
    {"kind": "request_response", "client": "carol", "server": "server", "request_bytes": 64,
     "response_bytes": 2000, "rate_hz": 5, "carrier": "stream"}
  ]
})";

constexpr std::string_view two_hosts_json = R"({
  "name": "two-hosts",
  "seed": 7,
  "duration_ms": 2000,
  "nodes": [{"name": "a"}, {"name": "b"}],
  "links": [{"from": "a", "to": "b", "profile": "lossy-5pct"}],
  "workloads": [{"kind": "periodic", "from": "a", "to": "b", "bytes": 100, "rate_hz": 20}]
})";

std::string room_json() {
  std::string nodes;
  for (int i = 0; i < 100; ++i) nodes += std::string(i ? "," : "") + "{\"name\":\"p" + std::to_string(i) + "\"}";
  std::string workloads;
  for (int i = 0; i < 100; ++i) {
    workloads += std::string(i ? "," : "") + "{\"kind\":\"periodic\",\"from\":\"p" + std::to_string(i) +
                 "\",\"to\":\"*\",\"bytes\":100,\"rate_hz\":10}";
  }
  return R"({"name":"room-100","seed":1,"duration_ms":10000,"nodes":[)" + nodes + R"(],"default_link":{"profile":"lan"},"workloads":[)" +
         workloads + "]}";
}

}  // namespace

core::Result<Scenario, ScenarioError> parse_scenario(std::string_view json_text, std::string_view origin) {
  json root;
  try {
    root = json::parse(json_text);
  } catch (const json::parse_error& error) {
    return core::fail(ScenarioErrorCode::not_json, std::string(origin) + ": not valid JSON: " + error.what());
  }
  try {
    Scenario scenario = Parser{}.parse(root);
    scenario.canonical_json = root.dump();
    return scenario;
  } catch (const Invalid& error) {
    return core::fail(error.code, std::string(origin) + ": " + error.path + ": " + error.message);
  }
}

std::span<const std::string_view> builtin_scenario_names() { return builtin_names; }

std::optional<std::string_view> builtin_scenario_json(std::string_view name) {
  static const std::string room = room_json();
  if (name == "default") return default_json;
  if (name == "two-hosts") return two_hosts_json;
  if (name == "room-100") return std::string_view(room);
  return std::nullopt;
}

core::Result<Scenario, ScenarioError> load_scenario(const std::string& path_or_builtin) {
  std::ifstream file(path_or_builtin, std::ios::binary);
  if (!file) {
    if (const auto builtin = builtin_scenario_json(path_or_builtin)) {
      return parse_scenario(*builtin, "builtin:" + path_or_builtin);
    }
    std::string known;
    for (const std::string_view name : builtin_names) known += (known.empty() ? "" : ", ") + std::string(name);
    return core::fail(ScenarioErrorCode::io, path_or_builtin + ": no such file, and not a built-in scenario (built-ins: " + known + ")");
  }
  std::ostringstream text;
  text << file.rdbuf();
  return parse_scenario(text.str(), path_or_builtin);
}

}  // namespace dclcomms::sim
