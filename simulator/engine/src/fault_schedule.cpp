#include "dclcomms/sim/fault_schedule.hpp"

#include <nlohmann/json.hpp>

#include <fstream>
#include <set>
#include <sstream>

namespace dclcomms::sim {
namespace {

using json = nlohmann::ordered_json;

constexpr std::string_view format_name = "dclcomms-fault-schedule";
constexpr int format_version = 1;

json entry_json(const FaultKey& key, const FaultDecision& decision) {
  json entry;
  entry["from"] = key.from;
  entry["to"] = key.to;
  entry[std::string(to_string(key.unit))] = key.number;
  if (key.copy != 0) entry["copy"] = key.copy;
  if (!decision.drop.empty()) entry["drop"] = decision.drop;
  if (decision.duplicate) entry["duplicate"] = true;
  if (decision.extra_delay != core::Duration::zero()) entry["extra_delay_ns"] = core::to_ns(decision.extra_delay);
  if (decision.corrupt_bit) entry["corrupt_bit"] = *decision.corrupt_bit;
  return entry;
}

core::Unexpected<FaultScheduleError> entry_error(std::size_t index, std::string what) {
  return core::fail(FaultScheduleErrorCode::bad_field, "faults[" + std::to_string(index) + "]: " + std::move(what));
}

}  // namespace

std::string_view to_string(FaultUnit unit) { return unit == FaultUnit::segment ? "segment" : "datagram"; }

void FaultSchedule::record(const FaultKey& key, const FaultDecision& decision) {
  if (!decision.is_fault()) return;
  FaultDecision& kept = decisions_[key];
  if (!decision.drop.empty()) kept.drop = decision.drop;
  kept.duplicate = kept.duplicate || decision.duplicate;
  if (decision.extra_delay != core::Duration::zero()) kept.extra_delay = decision.extra_delay;
  if (decision.corrupt_bit) kept.corrupt_bit = decision.corrupt_bit;
}

FaultDecision FaultSchedule::decision(const FaultKey& key) const {
  const auto it = decisions_.find(key);
  return it == decisions_.end() ? FaultDecision{} : it->second;
}

std::string FaultSchedule::to_json() const {
  std::string out = "{\"format\":\"" + std::string(format_name) + "\",\"version\":" + std::to_string(format_version) + ",\"faults\":[";
  bool first = true;
  for (const auto& [key, decision] : decisions_) {
    out += first ? "\n  " : ",\n  ";
    out += entry_json(key, decision).dump();
    first = false;
  }
  out += decisions_.empty() ? "]}\n" : "\n]}\n";
  return out;
}

core::Result<FaultSchedule, FaultScheduleError> FaultSchedule::from_json(std::string_view text) {
  const json doc = json::parse(text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    return core::fail(FaultScheduleErrorCode::bad_json, "not a JSON object");
  }
  if (doc.value("format", json()) != format_name) {
    return core::fail(FaultScheduleErrorCode::bad_field, "\"format\" must be \"" + std::string(format_name) + "\"");
  }
  if (doc.value("version", json()) != format_version) {
    return core::fail(FaultScheduleErrorCode::bad_field, "\"version\" must be " + std::to_string(format_version));
  }
  const auto faults = doc.find("faults");
  if (faults == doc.end() || !faults->is_array()) return core::fail(FaultScheduleErrorCode::bad_field, "\"faults\" must be an array");
  static const std::set<std::string> known{"from", "to",        "datagram",       "segment",    "copy",
                                           "drop", "duplicate", "extra_delay_ns", "corrupt_bit"};
  FaultSchedule schedule;
  for (std::size_t i = 0; i < faults->size(); ++i) {
    const json& entry = (*faults)[i];
    if (!entry.is_object()) return entry_error(i, "not an object");
    for (const auto& [name, value] : entry.items()) {
      if (!known.contains(name)) return entry_error(i, "unknown field \"" + name + "\"");
    }
    FaultKey key;
    for (const auto* end : {"from", "to"}) {
      const auto field = entry.find(end);
      if (field == entry.end() || !field->is_string() || field->get<std::string>().empty()) {
        return entry_error(i, std::string("\"") + end + "\" must be a host name");
      }
    }
    key.from = entry["from"].get<std::string>();
    key.to = entry["to"].get<std::string>();
    if (key.from == key.to) return entry_error(i, "\"from\" and \"to\" are the same host");
    const bool is_datagram = entry.contains("datagram"), is_segment = entry.contains("segment");
    if (is_datagram == is_segment) return entry_error(i, "exactly one of \"datagram\" and \"segment\" must give the number");
    key.unit = is_datagram ? FaultUnit::datagram : FaultUnit::segment;
    const json& number = entry[is_datagram ? "datagram" : "segment"];
    if (!number.is_number_unsigned() || number.get<std::uint64_t>() == 0) return entry_error(i, "the number must be an integer >= 1");
    key.number = number.get<std::uint64_t>();
    if (entry.contains("copy")) {
      const json& copy = entry["copy"];
      if (!is_datagram || !copy.is_number_unsigned() || copy.get<std::uint64_t>() > 1) {
        return entry_error(i, "\"copy\" is 0 or 1, and only for datagrams");
      }
      key.copy = static_cast<std::uint8_t>(copy.get<std::uint64_t>());
    }
    FaultDecision decision;
    if (entry.contains("drop")) {
      const json& drop = entry["drop"];
      if (!drop.is_string() || (drop != "loss" && drop != "burst_loss")) return entry_error(i, "\"drop\" is \"loss\" or \"burst_loss\"");
      if (key.copy != 0) return entry_error(i, "a copy cannot be dropped (the datagram is)");
      decision.drop = drop.get<std::string>();
    }
    if (entry.contains("duplicate")) {
      if (!entry["duplicate"].is_boolean()) return entry_error(i, "\"duplicate\" must be true or false");
      if (!is_datagram || key.copy != 0) return entry_error(i, "only a datagram (copy 0) can be duplicated");
      decision.duplicate = entry["duplicate"].get<bool>();
    }
    if (entry.contains("extra_delay_ns")) {
      if (!entry["extra_delay_ns"].is_number_integer()) return entry_error(i, "\"extra_delay_ns\" must be an integer");
      decision.extra_delay = core::Duration(entry["extra_delay_ns"].get<std::int64_t>());
    }
    if (entry.contains("corrupt_bit")) {
      if (!is_datagram || !entry["corrupt_bit"].is_number_unsigned()) {
        return entry_error(i, "\"corrupt_bit\" must be a bit index, and only for datagrams");
      }
      decision.corrupt_bit = entry["corrupt_bit"].get<std::uint64_t>();
    }
    if (!decision.drop.empty() && (decision.duplicate || decision.extra_delay != core::Duration::zero() || decision.corrupt_bit)) {
      return entry_error(i, "a dropped packet has no other fault");
    }
    if (!decision.is_fault()) return entry_error(i, "no fault given (drop, duplicate, extra_delay_ns or corrupt_bit)");
    if (schedule.decisions_.contains(key)) {
      return core::fail(FaultScheduleErrorCode::duplicate_key, "faults[" + std::to_string(i) + "]: a second entry for " + key.from + "->" +
                                                                   key.to + " " + std::string(to_string(key.unit)) + " " +
                                                                   std::to_string(key.number) + " copy " + std::to_string(key.copy));
    }
    schedule.decisions_.emplace(std::move(key), std::move(decision));
  }
  return schedule;
}

core::Result<FaultSchedule, FaultScheduleError> FaultSchedule::load(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return core::fail(FaultScheduleErrorCode::io, "cannot read fault schedule " + path);
  std::ostringstream text;
  text << file.rdbuf();
  auto schedule = from_json(text.str());
  if (!schedule) return core::fail(schedule.error().code, path + ": " + schedule.error().message);
  return schedule;
}

}  // namespace dclcomms::sim
