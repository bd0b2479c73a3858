#include "workload_driver.hpp"

#include <string>
#include <utility>

#include "dclcomms/core/assert.hpp"
#include "dclcomms/core/prng.hpp"

namespace dclcomms::sim::detail {

namespace {
void put_u64(Bytes& out, std::size_t at, std::uint64_t value) {
  for (std::size_t i = 0; i < 8; ++i) out[at + i] = static_cast<std::uint8_t>(value >> (8 * i));
}
std::uint64_t get_u64(std::span<const std::uint8_t> in, std::size_t at) {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < 8; ++i) value |= std::uint64_t{in[at + i]} << (8 * i);
  return value;
}
}  // namespace

WorkloadDriver::WorkloadDriver(Simulation& simulation, const Scenario& scenario, std::vector<HostId> hosts)
    : simulation_(simulation), scenario_(scenario), hosts_(std::move(hosts)) {
  DCL_ASSERT(hosts_.size() == scenario_.nodes.size());
  std::map<std::string, HostId, std::less<>> by_name;
  for (std::size_t i = 0; i < hosts_.size(); ++i) by_name[scenario_.nodes[i].name] = hosts_[i];
  for (const WorkloadSpec& workload : scenario_.workloads) {
    const HostId from = by_name.at(workload.from);
    std::vector<HostId> targets;
    if (workload.to.size() == 1 && workload.to[0] == "*") {
      for (const HostId host : hosts_) {
        if (host != from) targets.push_back(host);
      }
    } else {
      for (const std::string& name : workload.to) targets.push_back(by_name.at(name));
    }
    senders_.push_back(from);
    targets_.push_back(std::move(targets));
    periods_.push_back(core::Duration(1'000'000'000 / workload.rate_hz));
    sequence_.push_back(0);
  }
}

void WorkloadDriver::start() {
  for (const HostId host : hosts_) {
    HostHandlers handlers;
    handlers.datagram = [this, host](HostId from, std::span<const std::uint8_t> payload) { receive(host, from, 0, payload); };
    handlers.message = [this, host](StreamId stream, HostId from, std::span<const std::uint8_t> payload) {
      receive(host, from, stream, payload);
    };
    handlers.restarted = [this, host]() { arm(host, true); };
    simulation_.set_handlers(host, std::move(handlers));
  }
  for (const HostId host : hosts_) arm(host, false);
}

void WorkloadDriver::arm(HostId host, bool restarted) {
  core::Runtime& runtime = simulation_.runtime(host);
  for (std::size_t w = 0; w < senders_.size(); ++w) {
    if (senders_[w] != host) continue;
    // A fixed phase per (workload, host) spreads senders over the period, identically every run.
    core::Prng prng = core::Prng::derive(simulation_.seed(), "workload:" + std::to_string(w) + ":" + simulation_.host_name(host));
    const core::Duration phase(static_cast<std::int64_t>(prng.uniform_below(static_cast<std::uint64_t>(periods_[w].count()))));
    const core::Duration start = scenario_.workloads[w].start;
    const core::Duration elapsed = simulation_.now().time_since_epoch();
    const core::Duration wait = restarted || elapsed >= start ? phase : start - elapsed + phase;
    runtime.schedule_at(runtime.now() + wait, [this, w, host]() { tick(w, host); });
  }
}

void WorkloadDriver::tick(std::size_t workload, HostId from) {
  const WorkloadSpec& spec = scenario_.workloads[workload];
  if (simulation_.now().time_since_epoch() >= spec.stop) return;
  core::Runtime& runtime = simulation_.runtime(from);
  const auto stamp = static_cast<std::uint64_t>(core::to_ns(runtime.now()));
  for (const HostId to : targets_[workload]) {
    if (spec.kind == WorkloadKind::periodic) {
      send(workload, from, to, Type::oneway, sequence_[workload]++, spec.bytes, 0);
    } else {
      send(workload, from, to, Type::request, stamp, spec.bytes, 0);
    }
  }
  runtime.schedule_at(runtime.now() + periods_[workload], [this, workload, from]() { tick(workload, from); });
}

std::optional<StreamId> WorkloadDriver::stream_for(std::size_t workload, HostId from, HostId to) {
  const auto key = std::make_tuple(workload, from, to);
  const auto found = streams_.find(key);
  if (found != streams_.end() && simulation_.is_stream_open(found->second)) return found->second;
  const auto opened = simulation_.open_stream(from, to);
  if (!opened) {
    simulation_.trace_app(from, "open_failed", to_string(opened.error().code));
    return std::nullopt;
  }
  streams_[key] = *opened;
  return *opened;
}

void WorkloadDriver::send(std::size_t workload, HostId from, HostId to, Type type, std::uint64_t stamp, std::uint32_t bytes,
                          StreamId reply_stream) {
  DCL_ASSERT(bytes >= workload_header_bytes);
  Bytes payload(bytes, 0);
  for (std::size_t i = workload_header_bytes; i < payload.size(); ++i) payload[i] = static_cast<std::uint8_t>(i);
  for (std::size_t i = 0; i < 4; ++i) payload[i] = static_cast<std::uint8_t>(workload >> (8 * i));
  payload[4] = static_cast<std::uint8_t>(type);
  put_u64(payload, 8, stamp);
  if (scenario_.workloads[workload].carrier == Carrier::datagram) {
    simulation_.send_datagram(from, to, std::move(payload));
    return;
  }
  const std::optional<StreamId> stream = reply_stream != 0 ? std::optional<StreamId>(reply_stream) : stream_for(workload, from, to);
  if (!stream) return;
  const auto sent = simulation_.send_message(*stream, from, std::move(payload));
  if (!sent) simulation_.trace_app(from, "send_failed", to_string(sent.error().code));
}

void WorkloadDriver::receive(HostId at, HostId from, StreamId stream, std::span<const std::uint8_t> payload) {
  // Datagrams may arrive corrupted: the header is checked, never trusted.
  std::size_t workload = 0;
  if (payload.size() >= workload_header_bytes) {
    for (std::size_t i = 0; i < 4; ++i) workload |= std::size_t{payload[i]} << (8 * i);
  }
  if (payload.size() < workload_header_bytes || workload >= senders_.size() || payload[4] < 1 || payload[4] > 3) {
    simulation_.trace_app(at, "garbled");
    return;
  }
  const auto type = static_cast<Type>(payload[4]);
  const std::uint64_t stamp = get_u64(payload, 8);
  if (type == Type::request) {
    send(workload, at, from, Type::response, stamp, scenario_.workloads[workload].response_bytes, stream);
  } else if (type == Type::response) {
    const auto now_local = static_cast<std::uint64_t>(core::to_ns(simulation_.runtime(at).now()));
    const auto rtt_ns = static_cast<std::int64_t>(now_local - stamp);
    simulation_.trace_app(at, "rtt", "workload=" + std::to_string(workload) + " rtt_ns=" + std::to_string(rtt_ns));
  }
}

}  // namespace dclcomms::sim::detail
