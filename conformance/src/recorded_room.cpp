// Importing a recorded ws-room session, and the recorded room's file (recorded_room.hpp).
#include "dclcomms/conformance/recorded_room.hpp"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>

#include "dclcomms/codec/codec.hpp"
#include "dclcomms/core/hex.hpp"

namespace dclcomms::conformance {

using namespace std::chrono_literals;
using recording::Direction;
using recording::RecordedKind;

std::string_view to_string(RecordedRoomErrorCode code) {
  switch (code) {
    case RecordedRoomErrorCode::io: return "io";
    case RecordedRoomErrorCode::not_json: return "not_json";
    case RecordedRoomErrorCode::bad_value: return "bad_value";
    case RecordedRoomErrorCode::no_session: return "no_session";
  }
  return "?";
}

DurationSummary summarize(std::vector<std::int64_t> samples_ns) {
  DurationSummary summary;
  summary.samples = samples_ns.size();
  if (samples_ns.empty()) return summary;
  std::sort(samples_ns.begin(), samples_ns.end());
  // Nearest rank: the smallest sample with at least p % of the samples at or below it.
  const auto rank = [&](std::size_t percent) {
    const std::size_t n = samples_ns.size();
    const std::size_t index = (percent * n + 99) / 100;
    return samples_ns[std::max<std::size_t>(index, 1) - 1];
  };
  summary.p50_ns = rank(50);
  summary.p90_ns = rank(90);
  summary.p99_ns = rank(99);
  summary.max_ns = samples_ns.back();
  return summary;
}

sim::LinkFaults RecordedRoom::exact_link() const {
  sim::LinkFaults link;
  link.latency = core::Duration(fitted.one_way_latency.p50_ns);
  return link;
}

sim::LinkFaults RecordedRoom::weather_link() const {
  sim::LinkFaults link = exact_link();
  if (fitted.inter_arrival_jitter.p99_ns > 0) {
    link.jitter.kind = sim::JitterKind::uniform;
    link.jitter.max = core::Duration(fitted.inter_arrival_jitter.p99_ns);
  }
  if (fitted.positions_expected > 0 && fitted.positions_missing > 0) {
    link.loss = core::Ratio{fitted.positions_missing, fitted.positions_expected};
  }
  return link;
}

namespace {

// A silence this long (and this many times the usual gap) while peers are sending is a stall.
constexpr std::int64_t stall_threshold_min_ns = 250'000'000;
constexpr std::int64_t stall_gap_multiple = 5;
// Fewer packets of one kind from one peer than this say nothing about jitter.
constexpr std::size_t jitter_stream_packets_min = 5;

std::int64_t median(std::vector<std::int64_t> values) {
  std::sort(values.begin(), values.end());
  return values.empty() ? 0 : values[(values.size() - 1) / 2];
}

}  // namespace

DurationSummary inter_arrival_jitter(const std::vector<RecordedMessage>& messages) {
  std::map<std::pair<std::size_t, int>, std::vector<std::int64_t>> streams;
  for (const auto& message : messages) {
    auto packet = codec::decode_packet(message.packet);
    streams[{message.peer, packet ? static_cast<int>(packet->message_case()) : -1}].push_back(message.at_ns);
  }
  std::vector<std::int64_t> deviations;
  for (const auto& [key, times] : streams) {
    if (times.size() < jitter_stream_packets_min) continue;
    std::vector<std::int64_t> gaps;
    for (std::size_t i = 1; i < times.size(); ++i) gaps.push_back(times[i] - times[i - 1]);
    const std::int64_t usual = median(gaps);
    for (const std::int64_t gap : gaps) deviations.push_back(gap > usual ? gap - usual : usual - gap);
  }
  return summarize(std::move(deviations));
}

namespace {

void fit_link(RecordedRoom& room, const std::vector<std::int64_t>& one_way_samples_ns) {
  FittedLink& fitted = room.fitted;
  fitted.one_way_latency = summarize(one_way_samples_ns);
  fitted.inter_arrival_jitter = inter_arrival_jitter(room.messages);
  std::map<std::size_t, std::vector<std::uint32_t>> position_indices;
  for (const auto& message : room.messages) {
    auto packet = codec::decode_packet(message.packet);
    if (packet && packet->has_position()) position_indices[message.peer].push_back(packet->position().index());
  }
  // Loss: position indices only go up by one per position a peer sends (RFC-4 Position.index).
  for (const auto& [peer, indices] : position_indices) {
    for (std::size_t i = 1; i < indices.size(); ++i) {
      if (indices[i] <= indices[i - 1]) continue;  // a restart or a reorder: not a gap
      fitted.positions_expected += indices[i] - indices[i - 1];
      fitted.positions_missing += indices[i] - indices[i - 1] - 1;
    }
  }
  // Stalls: silences far over the usual gap between arrivals.
  std::vector<std::int64_t> gaps;
  for (std::size_t i = 1; i < room.messages.size(); ++i) gaps.push_back(room.messages[i].at_ns - room.messages[i - 1].at_ns);
  const std::int64_t threshold = std::max(stall_threshold_min_ns, stall_gap_multiple * median(gaps));
  for (std::size_t i = 1; i < room.messages.size(); ++i) {
    const std::int64_t gap = room.messages[i].at_ns - room.messages[i - 1].at_ns;
    if (gap > threshold) fitted.stalls.push_back({room.messages[i - 1].at_ns, gap});
  }
}

}  // namespace

core::Result<RecordedRoom, RecordedRoomError> import_ws_room_recording(const recording::Recording& recording, std::string_view source,
                                                                       std::optional<std::uint64_t> connection) {
  // The user's connection: the one asked for, or the first one welcomed.
  if (!connection) {
    for (const auto& event : recording.events) {
      if (event.kind != RecordedKind::frame || event.direction != Direction::server_to_client) continue;
      auto packet = codec::decode_ws_packet(event.frame);
      if (packet && packet->has_welcome_message()) {
        connection = event.connection;
        break;
      }
    }
    if (!connection) {
      return core::fail(RecordedRoomErrorCode::no_session,
                        std::string(source) + ": no connection in the recording reached a ws-room welcome (is it a ws-room session?)");
    }
  }
  RecordedRoom room;
  room.source = std::string(source);
  room.user_connection = *connection;
  std::vector<std::int64_t> one_way_ns;
  std::map<std::uint32_t, std::size_t> peer_by_alias;
  std::optional<std::int64_t> identification_sent, signed_challenge_sent;
  bool welcomed = false, seen = false;
  const auto peer_for = [&](std::uint32_t alias, std::int64_t at_ns) -> std::size_t {
    if (const auto found = peer_by_alias.find(alias); found != peer_by_alias.end() && !room.peers[found->second].left_ns) {
      return found->second;
    }
    room.peers.push_back({alias, "", at_ns, std::nullopt});  // never announced: there from its first packet
    peer_by_alias[alias] = room.peers.size() - 1;
    return room.peers.size() - 1;
  };
  for (const auto& event : recording.events) {
    if (event.connection != *connection) continue;
    seen = true;
    const std::int64_t after_ns = event.time_ns - room.welcome_ns;
    if (welcomed) room.end_ns = after_ns;
    if (event.kind == RecordedKind::open) {
      room.target = event.target;
      // A TCP connect and a websocket upgrade: two round trips.
      if (!event.subprotocol.empty()) one_way_ns.push_back(event.upstream_open_ns / 4);
      continue;
    }
    if (event.kind == RecordedKind::close) break;
    auto packet = codec::decode_ws_packet(event.frame);
    if (!packet) continue;  // not ours to judge here: the room replays what it understands
    if (event.direction == Direction::client_to_server) {
      if (packet->has_peer_identification()) identification_sent = event.time_ns;
      if (packet->has_signed_challenge_for_server()) signed_challenge_sent = event.time_ns;
      if (packet->has_peer_update_message() && welcomed) ++room.user_sent;
      continue;
    }
    if (packet->has_challenge_message() && identification_sent) {
      one_way_ns.push_back((event.time_ns - *identification_sent) / 2);
      identification_sent.reset();
    } else if (packet->has_welcome_message() && !welcomed) {
      // After the signed challenge; or, from a server that asks for none, after the identification.
      const auto asked = signed_challenge_sent ? signed_challenge_sent : identification_sent;
      if (asked) one_way_ns.push_back((event.time_ns - *asked) / 2);
      welcomed = true;
      room.welcome_ns = event.time_ns;
      room.user_alias = packet->welcome_message().alias();
      std::map<std::uint32_t, std::string> present;  // by alias: the protobuf map has no order of its own
      for (const auto& [alias, address] : packet->welcome_message().peer_identities()) present[alias] = address;
      for (const auto& [alias, address] : present) {
        room.peers.push_back({alias, address, std::nullopt, std::nullopt});
        peer_by_alias[alias] = room.peers.size() - 1;
      }
    } else if (!welcomed) {
      continue;
    } else if (packet->has_peer_join_message()) {
      const auto& join = packet->peer_join_message();
      room.peers.push_back({join.alias(), join.address(), after_ns, std::nullopt});
      peer_by_alias[join.alias()] = room.peers.size() - 1;
    } else if (packet->has_peer_leave_message()) {
      if (const auto found = peer_by_alias.find(packet->peer_leave_message().alias()); found != peer_by_alias.end()) {
        room.peers[found->second].left_ns = after_ns;
        peer_by_alias.erase(found);
      }
    } else if (packet->has_peer_update_message()) {
      const auto& update = packet->peer_update_message();
      const std::size_t peer = peer_for(update.from_alias(), after_ns);
      room.messages.push_back({after_ns, peer, update.unreliable(), {update.body().begin(), update.body().end()}});
    }
  }
  if (!seen) return core::fail(RecordedRoomErrorCode::no_session, std::string(source) + ": no connection " + std::to_string(*connection));
  if (!welcomed) {
    return core::fail(RecordedRoomErrorCode::no_session,
                      std::string(source) + ": connection " + std::to_string(*connection) + " never reached its ws-room welcome");
  }
  fit_link(room, one_way_ns);
  return room;
}

// ---- The room file ---------------------------------------------------------------------------

namespace {

using ojson = nlohmann::ordered_json;
using nlohmann::json;

ojson summary_json(const DurationSummary& s) {
  return ojson{{"samples", s.samples}, {"p50_ns", s.p50_ns}, {"p90_ns", s.p90_ns}, {"p99_ns", s.p99_ns}, {"max_ns", s.max_ns}};
}

// Reads a JSON document with every key checked; the first problem is kept as "$.path: what".
class Reader {
 public:
  const json* at(const json& object, const std::string& path, const char* key, json::value_t type) {
    if (!problem.empty()) return nullptr;
    const auto it = object.find(key);
    const std::string where = path + "." + key;
    if (it == object.end()) {
      problem = where + ": missing";
      return nullptr;
    }
    const bool integer_wanted = type == json::value_t::number_integer;
    const bool ok = integer_wanted ? it->is_number_integer() : it->type() == type;
    if (!ok) {
      problem = where + ": wrong type (" + std::string(it->type_name()) + ")";
      return nullptr;
    }
    return &*it;
  }
  std::int64_t integer(const json& object, const std::string& path, const char* key, std::int64_t min = 0) {
    const json* value = at(object, path, key, json::value_t::number_integer);
    if (!value) return 0;
    const auto number = value->is_number_unsigned() ? static_cast<std::int64_t>(value->get<std::uint64_t>()) : value->get<std::int64_t>();
    if (number < min && problem.empty()) problem = path + "." + key + ": must be >= " + std::to_string(min);
    return number;
  }
  std::optional<std::int64_t> optional_integer(const json& object, const std::string& path, const char* key) {
    const auto it = object.find(key);
    if (it == object.end() || it->is_null()) return std::nullopt;
    return integer(object, path, key);
  }
  std::string text(const json& object, const std::string& path, const char* key) {
    const json* value = at(object, path, key, json::value_t::string);
    return value ? value->get<std::string>() : "";
  }
  bool boolean(const json& object, const std::string& path, const char* key) {
    const json* value = at(object, path, key, json::value_t::boolean);
    return value && value->get<bool>();
  }
  DurationSummary summary(const json& object, const std::string& path, const char* key) {
    DurationSummary s;
    const json* value = at(object, path, key, json::value_t::object);
    if (!value) return s;
    const std::string where = path + "." + key;
    s.samples = static_cast<std::size_t>(integer(*value, where, "samples"));
    s.p50_ns = integer(*value, where, "p50_ns");
    s.p90_ns = integer(*value, where, "p90_ns");
    s.p99_ns = integer(*value, where, "p99_ns");
    s.max_ns = integer(*value, where, "max_ns");
    return s;
  }
  void only_keys(const json& object, const std::string& path, std::initializer_list<const char*> keys) {
    if (!problem.empty()) return;
    for (const auto& [key, value] : object.items()) {
      if (std::find_if(keys.begin(), keys.end(), [&](const char* k) { return key == k; }) == keys.end()) {
        problem = path + "." + key + ": unknown key";
        return;
      }
    }
  }
  std::string problem;
};

}  // namespace

std::string to_json(const RecordedRoom& room) {
  ojson out;
  out["format"] = "dclcomms-recorded-room";
  out["version"] = recorded_room_format_version;
  out["source"] = room.source;
  out["target"] = room.target;
  out["user"] = ojson{{"connection", room.user_connection},
                      {"alias", room.user_alias},
                      {"welcome_ns", room.welcome_ns},
                      {"end_ns", room.end_ns},
                      {"sent", room.user_sent}};
  ojson fitted;
  fitted["one_way_latency"] = summary_json(room.fitted.one_way_latency);
  fitted["inter_arrival_jitter"] = summary_json(room.fitted.inter_arrival_jitter);
  fitted["positions_expected"] = room.fitted.positions_expected;
  fitted["positions_missing"] = room.fitted.positions_missing;
  fitted["stalls"] = ojson::array();
  for (const auto& stall : room.fitted.stalls)
    fitted["stalls"].push_back(ojson{{"at_ns", stall.at_ns}, {"duration_ns", stall.duration_ns}});
  out["fitted"] = fitted;
  out["peers"] = ojson::array();
  for (const auto& peer : room.peers) {
    out["peers"].push_back(ojson{{"alias", peer.alias},
                                 {"address", peer.address},
                                 {"joined_ns", peer.joined_ns ? ojson(*peer.joined_ns) : ojson(nullptr)},
                                 {"left_ns", peer.left_ns ? ojson(*peer.left_ns) : ojson(nullptr)}});
  }
  out["messages"] = ojson::array();
  for (const auto& m : room.messages) {
    out["messages"].push_back(
        ojson{{"at_ns", m.at_ns}, {"peer", m.peer}, {"unreliable", m.unreliable}, {"packet", core::to_hex(m.packet)}});
  }
  // One message per line: files of thousands of packets stay readable and diff well.
  std::string text = "{\n";
  bool first = true;
  for (const auto& [key, value] : out.items()) {
    text += first ? "" : ",\n";
    first = false;
    text += "  " + ojson(key).dump() + ": ";
    if (key == "messages" || key == "peers") {
      text += "[";
      for (std::size_t i = 0; i < value.size(); ++i) text += (i ? ",\n    " : "\n    ") + value[i].dump();
      text += value.empty() ? "]" : "\n  ]";
    } else {
      text += value.dump();
    }
  }
  return text + "\n}\n";
}

core::Result<RecordedRoom, RecordedRoomError> parse_recorded_room(std::string_view text, std::string_view origin) {
  const json document = json::parse(text, nullptr, false);
  const auto bad = [&](RecordedRoomErrorCode code, const std::string& what) { return core::fail(code, std::string(origin) + ": " + what); };
  if (document.is_discarded() || !document.is_object()) return bad(RecordedRoomErrorCode::not_json, "not a JSON object");
  Reader r;
  RecordedRoom room;
  if (r.text(document, "$", "format") != "dclcomms-recorded-room" && r.problem.empty()) {
    return bad(RecordedRoomErrorCode::bad_value,
               "$.format: not \"dclcomms-recorded-room\" (is it a recorded room from `dclcomms sim import`?)");
  }
  if (const auto version = r.integer(document, "$", "version"); r.problem.empty() && version != recorded_room_format_version) {
    return bad(RecordedRoomErrorCode::bad_value, "$.version: " + std::to_string(version) + " is not one this build reads (" +
                                                     std::to_string(recorded_room_format_version) + ")");
  }
  r.only_keys(document, "$", {"format", "version", "source", "target", "user", "fitted", "peers", "messages"});
  room.source = r.text(document, "$", "source");
  room.target = r.text(document, "$", "target");
  if (const json* user = r.at(document, "$", "user", json::value_t::object)) {
    room.user_connection = static_cast<std::uint64_t>(r.integer(*user, "$.user", "connection", 1));
    room.user_alias = static_cast<std::uint32_t>(r.integer(*user, "$.user", "alias"));
    room.welcome_ns = r.integer(*user, "$.user", "welcome_ns");
    room.end_ns = r.integer(*user, "$.user", "end_ns");
    room.user_sent = static_cast<std::uint64_t>(r.integer(*user, "$.user", "sent"));
    r.only_keys(*user, "$.user", {"connection", "alias", "welcome_ns", "end_ns", "sent"});
  }
  if (const json* fitted = r.at(document, "$", "fitted", json::value_t::object)) {
    room.fitted.one_way_latency = r.summary(*fitted, "$.fitted", "one_way_latency");
    room.fitted.inter_arrival_jitter = r.summary(*fitted, "$.fitted", "inter_arrival_jitter");
    room.fitted.positions_expected = static_cast<std::uint64_t>(r.integer(*fitted, "$.fitted", "positions_expected"));
    room.fitted.positions_missing = static_cast<std::uint64_t>(r.integer(*fitted, "$.fitted", "positions_missing"));
    if (r.problem.empty() && room.fitted.positions_missing > room.fitted.positions_expected) {
      r.problem = "$.fitted.positions_missing: more than positions_expected";
    }
    if (const json* stalls = r.at(*fitted, "$.fitted", "stalls", json::value_t::array)) {
      for (std::size_t i = 0; i < stalls->size(); ++i) {
        const std::string path = "$.fitted.stalls[" + std::to_string(i) + "]";
        if (!(*stalls)[i].is_object()) r.problem = path + ": not an object";
        if (!r.problem.empty()) break;
        room.fitted.stalls.push_back({r.integer((*stalls)[i], path, "at_ns"), r.integer((*stalls)[i], path, "duration_ns")});
      }
    }
  }
  if (const json* peers = r.at(document, "$", "peers", json::value_t::array)) {
    for (std::size_t i = 0; i < peers->size() && r.problem.empty(); ++i) {
      const std::string path = "$.peers[" + std::to_string(i) + "]";
      const json& peer = (*peers)[i];
      if (!peer.is_object()) {
        r.problem = path + ": not an object";
        break;
      }
      RecordedPeer p;
      p.alias = static_cast<std::uint32_t>(r.integer(peer, path, "alias"));
      p.address = r.text(peer, path, "address");
      p.joined_ns = r.optional_integer(peer, path, "joined_ns");
      p.left_ns = r.optional_integer(peer, path, "left_ns");
      r.only_keys(peer, path, {"alias", "address", "joined_ns", "left_ns"});
      room.peers.push_back(std::move(p));
    }
  }
  if (const json* messages = r.at(document, "$", "messages", json::value_t::array)) {
    std::int64_t last_ns = 0;
    for (std::size_t i = 0; i < messages->size() && r.problem.empty(); ++i) {
      const std::string path = "$.messages[" + std::to_string(i) + "]";
      const json& message = (*messages)[i];
      if (!message.is_object()) {
        r.problem = path + ": not an object";
        break;
      }
      RecordedMessage m;
      m.at_ns = r.integer(message, path, "at_ns");
      m.peer = static_cast<std::size_t>(r.integer(message, path, "peer"));
      m.unreliable = r.boolean(message, path, "unreliable");
      const std::string hex = r.text(message, path, "packet");
      r.only_keys(message, path, {"at_ns", "peer", "unreliable", "packet"});
      if (!r.problem.empty()) break;
      auto bytes = core::from_hex(hex);
      if (!bytes) {
        r.problem = path + ".packet: not an even-length hex string";
      } else if (m.peer >= room.peers.size()) {
        r.problem = path + ".peer: " + std::to_string(m.peer) + " is not a peer (there are " + std::to_string(room.peers.size()) + ")";
      } else if (m.at_ns < last_ns) {
        r.problem = path + ".at_ns: before the previous message's";
      } else {
        m.packet = std::move(*bytes);
        last_ns = m.at_ns;
        room.messages.push_back(std::move(m));
      }
    }
  }
  if (!r.problem.empty()) return bad(RecordedRoomErrorCode::bad_value, r.problem);
  return room;
}

core::Result<RecordedRoom, RecordedRoomError> load_recorded_room(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return core::fail(RecordedRoomErrorCode::io, path + ": cannot read the file");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return parse_recorded_room(text, path);
}

}  // namespace dclcomms::conformance
