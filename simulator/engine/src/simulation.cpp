#include "dclcomms/sim/simulation.hpp"

#include <algorithm>
#include <string>

#include "dclcomms/core/assert.hpp"
#include "dclcomms/core/prng.hpp"
#include "simulation_internal.hpp"

namespace dclcomms::sim {

std::string_view to_string(StreamErrorCode code) {
  switch (code) {
    case StreamErrorCode::no_such_stream: return "no_such_stream";
    case StreamErrorCode::not_an_end: return "not_an_end";
    case StreamErrorCode::host_down: return "host_down";
    case StreamErrorCode::buffer_full: return "buffer_full";
    case StreamErrorCode::too_large: return "too_large";
    case StreamErrorCode::no_route: return "no_route";
    case StreamErrorCode::limit_reached: return "limit_reached";
  }
  DCL_ASSERT(false);
  return {};
}

namespace {
std::string describe(const LinkFaults& faults) {
  std::string out = "latency_ns=" + std::to_string(faults.latency.count());
  out += " jitter=" + std::string(to_string(faults.jitter.kind));
  out += " loss=" + core::to_string(faults.loss);
  if (faults.burst.enabled) out += " burst=on";
  out += " rate_bits_per_s=" + std::to_string(faults.rate_bits_per_s);
  out += " mtu_bytes=" + std::to_string(faults.mtu_bytes);
  return out;
}
}  // namespace

Simulation::Simulation(SimulationConfig config, TraceSink* sink) : config_(config), queue_(config.events_max) {
  DCL_ASSERT(config_.hosts_max > 0);
  DCL_ASSERT(config_.stream_messages_max > 0);
  DCL_ASSERT(config_.stream_rto_min > core::Duration::zero());
  DCL_ASSERT(config_.stream_rto_max >= config_.stream_rto_min);
  tracer_.set_sink(sink);
}

Simulation::~Simulation() = default;

Simulation::Host& Simulation::host(HostId id) {
  DCL_ASSERT(id < hosts_.size());
  return *hosts_[id];
}
const Simulation::Host& Simulation::host(HostId id) const {
  DCL_ASSERT(id < hosts_.size());
  return *hosts_[id];
}

HostId Simulation::add_host(std::string_view name, HostClock clock) {
  DCL_ASSERT(!name.empty());
  DCL_ASSERT(hosts_.size() < config_.hosts_max);
  DCL_ASSERT(host_ids_.find(name) == host_ids_.end());
  const auto id = static_cast<HostId>(hosts_.size());
  auto entry = std::make_unique<Host>();
  entry->name = std::string(name);
  entry->clock = clock;
  hosts_.push_back(std::move(entry));
  host_ids_.emplace(std::string(name), id);
  // Created after push_back: HostRuntime asserts that its host exists.
  hosts_.back()->runtime = std::make_unique<HostRuntime>(*this, id);
  return id;
}

std::optional<HostId> Simulation::find_host(std::string_view name) const {
  const auto found = host_ids_.find(name);
  if (found == host_ids_.end()) return std::nullopt;
  return found->second;
}

const std::string& Simulation::host_name(HostId id) const { return host(id).name; }
HostState Simulation::host_state(HostId id) const { return host(id).state; }

core::Runtime& Simulation::runtime(HostId id) { return *host(id).runtime; }

void Simulation::set_handlers(HostId id, Port port, HostHandlers handlers) { host(id).handlers[port] = std::move(handlers); }

const HostHandlers* Simulation::handlers(HostId id, Port port) const {
  const auto& by_port = host(id).handlers;
  const auto found = by_port.find(port);
  return found == by_port.end() ? nullptr : &found->second;
}

Link* Simulation::link(HostId from, HostId to) {
  const auto found = links_.find({from, to});
  return found == links_.end() ? nullptr : &found->second;
}

bool Simulation::has_link(HostId from, HostId to) const { return links_.count({from, to}) == 1; }

const LinkFaults& Simulation::link_faults(HostId from, HostId to) const {
  const auto found = links_.find({from, to});
  DCL_ASSERT(found != links_.end());
  return found->second.faults();
}

void Simulation::set_link(HostId from, HostId to, const LinkFaults& faults) {
  DCL_ASSERT(from != to);
  DCL_ASSERT(!validate(faults));
  const Host& source = host(from);
  const Host& target = host(to);
  if (Link* existing = link(from, to)) {
    existing->set_faults(faults);
  } else {
    const std::string stream_name = "link:" + source.name + "->" + target.name;
    links_.emplace(std::pair{from, to}, Link(faults, core::Prng::derive(config_.seed, stream_name)));
  }
  trace(TraceKind::fault, Carrier::none, from, to, 0, 0, "link " + describe(faults));
}

void Simulation::connect(HostId a, HostId b, const LinkFaults& faults) {
  set_link(a, b, faults);
  set_link(b, a, faults);
}

void Simulation::trace(TraceKind kind, Carrier carrier, HostId from, std::optional<HostId> to, std::uint64_t id, std::uint64_t bytes,
                       std::string_view detail) {
  TraceEvent event;
  event.time = now_;
  event.kind = kind;
  event.carrier = carrier;
  event.from = host(from).name;
  if (to) event.to = host(*to).name;
  event.id = id;
  event.bytes = bytes;
  event.detail = detail;
  tracer_.record(event);
}

void Simulation::trace_fault(std::string_view detail, std::string_view host_name_or_empty) {
  TraceEvent event;
  event.time = now_;
  event.kind = TraceKind::fault;
  event.from = host_name_or_empty;
  event.detail = detail;
  tracer_.record(event);
}

void Simulation::trace_app(HostId id, std::string_view label, std::string_view detail) {
  std::string text(label);
  if (!detail.empty()) {
    text += ' ';
    text += detail;
  }
  trace(TraceKind::app, Carrier::none, id, std::nullopt, 0, 0, text);
}

// --- Event loop -------------------------------------------------------------------------------

EventId Simulation::schedule_at(core::TimePoint when, std::function<void()> action) {
  return queue_.schedule(std::max(when, now_), std::move(action));
}

EventId Simulation::schedule_on_host(core::TimePoint when, HostId target, std::function<void()> action) {
  // Tagged with the host and its epoch: step() runs it through run_on_host.
  return queue_.schedule(std::max(when, now_), std::move(action), target, host(target).epoch);
}

template <class Action>
void Simulation::run_on_host(HostId target, std::uint64_t epoch, Action&& action) {
  Host& entry = host(target);
  if (entry.epoch != epoch || entry.state == HostState::down) return;
  // Anything behind held work waits too, so that a resumed host sees events in their order.
  if (entry.state == HostState::paused || !entry.held.empty()) {
    if (entry.held.size() >= config_.held_deliveries_max) {
      trace(TraceKind::drop, Carrier::none, target, std::nullopt, 0, 0, "held_overflow");
      return;
    }
    entry.held.emplace_back(current_event_id_, std::function<void()>(std::forward<Action>(action)));
    return;
  }
  action();
}

bool Simulation::step() {
  if (queue_.empty()) return false;
  EventQueue::Due due = queue_.pop();
  DCL_ASSERT(due.time >= now_);
  now_ = due.time;
  current_event_id_ = due.id;
  ++stats_.events_run;
  if (due.owner == EventQueue::no_owner) {
    due.action();
  } else {
    run_on_host(due.owner, due.owner_epoch, std::move(due.action));
  }
  current_event_id_ = 0;
  return true;
}

bool Simulation::run_until(const std::function<bool()>& done, std::uint64_t steps_max) {
  DCL_ASSERT(done);
  for (std::uint64_t steps = 0; steps < steps_max; ++steps) {
    if (done()) return true;
    if (!step()) return done();
  }
  return done();
}

std::uint64_t Simulation::run_until(core::TimePoint end) { return run_until(end, 0, nullptr); }

std::uint64_t Simulation::run_until(core::TimePoint end, std::uint64_t every_events, const std::function<void(core::TimePoint)>& progress) {
  std::uint64_t count = 0;
  while (queue_.next_time() <= end) {
    step();
    ++count;
    if (every_events > 0 && progress && count % every_events == 0) progress(now_);
  }
  now_ = std::max(now_, end);
  return count;
}

// --- Datagrams --------------------------------------------------------------------------------

void Simulation::send_datagram(HostId from, HostId to, Bytes payload, Port port) {
  DCL_ASSERT(from != to);
  const std::uint64_t id = next_datagram_id_++;
  const std::uint64_t size = payload.size();
  ++stats_.datagrams_sent;
  trace(TraceKind::send, Carrier::datagram, from, to, id, size, {});
  const auto drop = [&](std::string_view reason) {
    ++stats_.datagrams_dropped;
    trace(TraceKind::drop, Carrier::datagram, from, to, id, size, reason);
  };
  if (host(from).state == HostState::down) return drop("source_down");
  Link* path = link(from, to);
  if (path == nullptr) return drop("no_route");
  if (size > path->faults().mtu_bytes) return drop("mtu");
  if (is_blocked(from, to)) return drop("partitioned");
  const std::optional<core::TimePoint> departure = path->enqueue(now_, size);
  if (!departure) return drop("queue_full");
  const std::uint64_t number = path->number_datagram();
  std::string_view loss;
  bool duplicate = false;
  FaultDecision scripted;
  if (fault_replay_) {
    scripted = fault_replay_->decision(fault_key(from, to, FaultUnit::datagram, number, 0));
    loss = scripted.drop;
    duplicate = scripted.duplicate;
  } else {
    loss = path->decide_loss();
    if (loss.empty()) duplicate = path->chance(path->faults().duplication);
  }
  if (decisions_watched()) {
    note_decision(from, to, FaultUnit::datagram, number, 0, FaultDecision{.drop = std::string(loss), .duplicate = duplicate});
  }
  if (!loss.empty()) return drop(loss);
  auto shared = std::make_shared<const Bytes>(std::move(payload));
  transmit_datagram_copy(from, to, port, id, shared, *departure, number, 0);
  if (duplicate) {
    trace(TraceKind::duplicate, Carrier::datagram, from, to, id, size, {});
    transmit_datagram_copy(from, to, port, id, shared, *departure, number, 1);
  }
}

FaultKey Simulation::fault_key(HostId from, HostId to, FaultUnit unit, std::uint64_t number, std::uint8_t copy) const {
  return FaultKey{host(from).name, host(to).name, unit, number, copy};
}

void Simulation::note_decision(HostId from, HostId to, FaultUnit unit, std::uint64_t number, std::uint8_t copy,
                               const FaultDecision& decision) {
  if (!decision.is_fault()) return;
  const FaultKey key = fault_key(from, to, unit, number, copy);
  if (fault_record_) fault_record_->record(key, decision);
  if (fault_observer_) fault_observer_(now_, key, decision);
}

void Simulation::transmit_datagram_copy(HostId from, HostId to, Port port, std::uint64_t id, std::shared_ptr<const Bytes> payload,
                                        core::TimePoint departure, std::uint64_t number, std::uint8_t copy_index) {
  Link* path = link(from, to);
  DCL_ASSERT(path != nullptr);
  const LinkFaults& faults = path->faults();
  core::Duration delay{0};
  std::optional<std::uint64_t> corrupt_bit;
  if (fault_replay_) {
    const FaultDecision scripted = fault_replay_->decision(fault_key(from, to, FaultUnit::datagram, number, copy_index));
    delay = std::max(core::Duration::zero(), faults.latency + scripted.extra_delay);
    // A bit beyond this payload (a schedule edited by hand, or from another run) flips nothing.
    if (scripted.corrupt_bit && *scripted.corrupt_bit < payload->size() * 8) corrupt_bit = scripted.corrupt_bit;
  } else {
    delay = path->sample_delay();
    if (path->chance(faults.reordering)) delay += faults.reorder_delay;
    if (!payload->empty() && path->chance(faults.corruption)) corrupt_bit = path->uniform_below(payload->size() * 8);
  }
  if (decisions_watched()) {
    note_decision(from, to, FaultUnit::datagram, number, copy_index,
                  FaultDecision{.extra_delay = delay - faults.latency, .corrupt_bit = corrupt_bit});
  }
  // Copies share the sent bytes; only a corrupted copy gets bytes of its own.
  std::shared_ptr<const Bytes> copy = payload;
  if (corrupt_bit) {
    auto flipped = std::make_shared<Bytes>(*payload);
    const std::uint64_t bit = *corrupt_bit;
    (*flipped)[bit / 8] ^= static_cast<std::uint8_t>(1U << (bit % 8));
    trace(TraceKind::corrupt, Carrier::datagram, from, to, id, flipped->size(), "bit=" + std::to_string(bit));
    copy = std::move(flipped);
  }
  queue_.schedule(departure + delay, [this, from, to, port, id, copy]() { arrive_datagram(from, to, port, id, copy); });
}

void Simulation::arrive_datagram(HostId from, HostId to, Port port, std::uint64_t id, std::shared_ptr<const Bytes> payload) {
  const auto drop = [&](std::string_view reason) {
    ++stats_.datagrams_dropped;
    trace(TraceKind::drop, Carrier::datagram, from, to, id, payload->size(), reason);
  };
  if (is_blocked(from, to)) return drop("partitioned");
  bool overflow = false;
  if (!holding_.empty()) {  // (the retry closure is built only when some link is on hold)
    std::function<void()> later = [this, from, to, port, id, payload]() { arrive_datagram(from, to, port, id, payload); };
    if (hold_arrival(from, to, later, overflow)) return;
  }
  if (overflow) return drop("held_overflow");
  if (host(to).state == HostState::down) return drop("host_down");
  run_on_host(to, host(to).epoch, [this, from, to, port, id, payload]() {
    ++stats_.datagrams_delivered;
    trace(TraceKind::deliver, Carrier::datagram, from, to, id, payload->size(), {});
    const auto* on_port = handlers(to, port);
    if (on_port && on_port->datagram) on_port->datagram(from, std::span<const std::uint8_t>(*payload));
  });
}

// --- Partitions -------------------------------------------------------------------------------

namespace {
std::string names_of(const Simulation& simulation, std::span<const HostId> ids) {
  std::string out;
  for (const HostId id : ids) {
    if (!out.empty()) out += ',';
    out += simulation.host_name(id);
  }
  return out;
}
}  // namespace

void Simulation::partition(std::span<const HostId> side_a, std::span<const HostId> side_b) {
  for (const HostId a : side_a) {
    for (const HostId b : side_b) {
      if (a == b) continue;
      blocked_.insert({a, b});
      blocked_.insert({b, a});
    }
  }
  trace_fault("partition " + names_of(*this, side_a) + "|" + names_of(*this, side_b));
}

void Simulation::partition_oneway(std::span<const HostId> from, std::span<const HostId> to) {
  for (const HostId a : from) {
    for (const HostId b : to) {
      if (a != b) blocked_.insert({a, b});
    }
  }
  trace_fault("partition_oneway " + names_of(*this, from) + ">" + names_of(*this, to));
}

void Simulation::heal() {
  blocked_.clear();
  trace_fault("heal");
}

bool Simulation::is_blocked(HostId from, HostId to) const { return !blocked_.empty() && blocked_.count({from, to}) == 1; }

bool Simulation::hold_arrival(HostId from, HostId to, std::function<void()>& arrival, bool& overflow) {
  overflow = false;
  if (holding_.empty()) return false;
  const auto found = holding_.find({from, to});
  if (found == holding_.end()) return false;
  if (found->second.size() >= config_.held_deliveries_max) {
    overflow = true;
    return false;
  }
  found->second.push_back(std::move(arrival));
  return true;
}

void Simulation::hold(HostId from, HostId to) {
  DCL_ASSERT(from != to);
  holding_.try_emplace({from, to});
  trace(TraceKind::fault, Carrier::none, from, to, 0, 0, "hold");
}

void Simulation::release(HostId from, HostId to) {
  const auto found = holding_.find({from, to});
  if (found == holding_.end()) return;
  std::deque<std::function<void()>> arrivals = std::move(found->second);
  holding_.erase(found);
  trace(TraceKind::fault, Carrier::none, from, to, 0, 0, "release held=" + std::to_string(arrivals.size()));
  // Arrive again now, in their original order (partition and host state are checked then).
  for (auto& arrival : arrivals) queue_.schedule(now_, std::move(arrival));
}

// --- Host faults ------------------------------------------------------------------------------

void Simulation::crash(HostId id) {
  Host& entry = host(id);
  DCL_ASSERT(entry.state != HostState::down);
  const std::size_t held_dropped = entry.held.size();
  entry.state = HostState::down;
  ++entry.epoch;
  entry.held.clear();
  trace_fault("crash held_dropped=" + std::to_string(held_dropped), entry.name);
  std::vector<StreamId> doomed;
  for (const auto& [stream_id, stream] : streams_) {
    if (stream.ends[0] == id || stream.ends[1] == id) doomed.push_back(stream_id);
  }
  for (const StreamId stream_id : doomed) reset_stream(stream_id, id, "peer_crashed");
}

void Simulation::restart(HostId id) {
  Host& entry = host(id);
  DCL_ASSERT(entry.state == HostState::down);
  entry.state = HostState::up;
  ++entry.epoch;  // anything scheduled for the host while it was down belongs to no boot
  trace_fault("restart", entry.name);
  // One event for the whole boot, as with a single handler slot; each port's software in turn.
  bool any_restarted = false;
  for (const auto& [port, on_port] : entry.handlers) any_restarted = any_restarted || bool(on_port.restarted);
  if (any_restarted) {
    schedule_on_host(now_, id, [this, id]() {
      std::vector<Port> ports;
      for (const auto& [port, on_port] : host(id).handlers) ports.push_back(port);
      // Looked up again per port: a restarted handler may replace handlers.
      for (const Port port : ports) {
        const auto* on_port = handlers(id, port);
        if (on_port && on_port->restarted) on_port->restarted();
      }
    });
  }
}

void Simulation::pause(HostId id) {
  Host& entry = host(id);
  DCL_ASSERT(entry.state == HostState::up);
  entry.state = HostState::paused;
  trace_fault("pause", entry.name);
}

void Simulation::resume(HostId id) {
  Host& entry = host(id);
  DCL_ASSERT(entry.state == HostState::paused);
  entry.state = HostState::up;
  trace_fault("resume held=" + std::to_string(entry.held.size()), entry.name);
  const std::uint64_t epoch = entry.epoch;
  // One drain event runs the held work in order; anything arriving meanwhile queues behind it.
  queue_.schedule(now_, [this, id, epoch]() {
    Host& target = host(id);
    while (target.epoch == epoch && target.state == HostState::up && !target.held.empty()) {
      std::function<void()> action = std::move(target.held.front().second);
      target.held.pop_front();
      action();
    }
  });
}

// --- Streams ----------------------------------------------------------------------------------

bool Simulation::is_stream_open(StreamId id) const { return streams_.count(id) == 1; }

core::Result<StreamId, StreamError> Simulation::open_stream(HostId from, HostId to, Port port) {
  DCL_ASSERT(from != to);
  if (host(from).state == HostState::down) {
    return core::fail(StreamErrorCode::host_down, "cannot open a stream from a crashed host");
  }
  if (!has_link(from, to) || !has_link(to, from)) {
    return core::fail(StreamErrorCode::no_route, "no link in both directions between " + host(from).name + " and " + host(to).name);
  }
  if (streams_.size() >= config_.streams_max) {
    return core::fail(StreamErrorCode::limit_reached, "streams_max streams are open");
  }
  const StreamId id = next_stream_id_++;
  Stream& stream = streams_[id];
  stream.id = id;
  stream.port = port;
  stream.ends[0] = from;
  stream.ends[1] = to;
  stream.links[0] = link(from, to);
  stream.links[1] = link(to, from);
  trace(TraceKind::stream_open, Carrier::stream, from, to, std::uint64_t{id} << 32, 0, {});
  const core::Duration latency = link(from, to)->faults().latency;
  queue_.schedule(now_ + latency, [this, id, to, from, port]() {
    if (!is_stream_open(id)) return;
    // Nobody answers at a crashed host: the opener learns it as a reset.
    if (host(to).state == HostState::down) return reset_stream(id, to, "peer_down");
    run_on_host(to, host(to).epoch, [this, id, to, from, port]() {
      const auto* on_port = handlers(to, port);
      if (on_port && on_port->stream_opened && is_stream_open(id)) on_port->stream_opened(id, from);
    });
  });
  return id;
}

core::Result<core::Ok, StreamError> Simulation::send_message(StreamId id, HostId from, Bytes payload) {
  const auto found = streams_.find(id);
  if (found == streams_.end()) {
    return core::fail(StreamErrorCode::no_such_stream, "stream " + std::to_string(id));
  }
  Stream& stream = found->second;
  if (from != stream.ends[0] && from != stream.ends[1]) {
    return core::fail(StreamErrorCode::not_an_end, host(from).name + " is not an end");
  }
  if (host(from).state == HostState::down) {
    return core::fail(StreamErrorCode::host_down, host(from).name + " is down");
  }
  if (payload.size() > config_.stream_message_bytes_max) {
    return core::fail(StreamErrorCode::too_large, std::to_string(payload.size()) + " bytes");
  }
  const int direction = from == stream.ends[0] ? 0 : 1;
  Stream::Direction& lane = stream.directions[direction];
  if (lane.undelivered >= config_.stream_messages_max) {
    return core::fail(StreamErrorCode::buffer_full, "stream_messages_max undelivered");
  }
  const HostId to = stream.ends[1 - direction];
  const LinkFaults& faults = stream.links[direction]->faults();
  auto message = std::make_shared<Message>();
  message->path = stream.links[direction];
  message->stream = id;
  message->direction = direction;
  message->seq = lane.next_send_seq++;
  message->from = from;
  message->to = to;
  const std::uint64_t size = payload.size();
  const std::uint64_t segments = std::max<std::uint64_t>(1, (size + faults.mtu_bytes - 1) / faults.mtu_bytes);
  message->segments_missing = static_cast<std::uint32_t>(segments);
  message->segment_bytes = (size + segments - 1) / segments;
  message->payload = std::move(payload);
  ++lane.undelivered;
  ++stats_.messages_sent;
  trace(TraceKind::send, Carrier::stream, from, to, message->trace_id(), size, {});
  transmit_segments(message, message->segments_missing);
  return core::Ok{};
}

core::Duration Simulation::rto(HostId from, HostId to, std::uint32_t attempt) {
  const LinkFaults& there = link(from, to)->faults();
  const LinkFaults& back = link(to, from)->faults();
  const core::Duration spread = std::max(there.jitter.max, there.jitter.stddev * 4);
  core::Duration base = there.latency + back.latency + spread * 2;
  base = std::max(base, config_.stream_rto_min);
  const std::uint32_t doublings = std::min<std::uint32_t>(attempt, 16);
  return std::min(base * (std::int64_t{1} << doublings), config_.stream_rto_max);
}

void Simulation::transmit_segments(std::shared_ptr<Message> message, std::uint32_t segments) {
  // Callers know the stream is open (send_message found it; a retransmission checks first).
  DCL_ASSERT(segments > 0 && segments <= message->segments_missing);
  Link* path = message->path;
  DCL_ASSERT(path != nullptr);
  std::uint32_t lost = 0;
  std::uint32_t sent = 0;
  core::TimePoint latest = now_;
  if (is_blocked(message->from, message->to)) {
    lost = segments;
  } else {
    for (std::uint32_t i = 0; i < segments; ++i) {
      const std::optional<core::TimePoint> departure = path->enqueue(now_, message->segment_bytes);
      if (!departure) {
        ++lost;  // tail drop: the rate limit's, not a draw
        continue;
      }
      const std::uint64_t number = path->number_segment();
      std::string_view loss;
      core::Duration delay{0};
      FaultDecision scripted;  // outlives `loss`, which may view its drop reason
      if (fault_replay_) {
        scripted = fault_replay_->decision(fault_key(message->from, message->to, FaultUnit::segment, number, 0));
        loss = scripted.drop;
        delay = std::max(core::Duration::zero(), path->faults().latency + scripted.extra_delay);
      } else {
        loss = path->decide_loss();
        if (loss.empty()) delay = path->sample_delay();
      }
      if (decisions_watched()) {
        FaultDecision decided{.drop = std::string(loss)};
        if (loss.empty()) decided.extra_delay = delay - path->faults().latency;
        note_decision(message->from, message->to, FaultUnit::segment, number, 0, decided);
      }
      if (!loss.empty()) {
        ++lost;
        continue;
      }
      latest = std::max(latest, *departure + delay);
      ++sent;
    }
  }
  const core::TimePoint sent_at = now_;
  if (sent > 0) {
    queue_.schedule(latest, [this, message, sent, sent_at]() { arrive_segments(message, sent, sent_at); });
  }
  if (lost > 0) {
    ++message->attempt;
    queue_.schedule(now_ + rto(message->from, message->to, message->attempt), [this, message, lost]() {
      if (!is_stream_open(message->stream)) return;
      stats_.segments_retransmitted += lost;
      trace(TraceKind::retransmit, Carrier::stream, message->from, message->to, message->trace_id(), lost * message->segment_bytes,
            "attempt=" + std::to_string(message->attempt));
      transmit_segments(message, lost);
    });
  }
}

void Simulation::arrive_segments(std::shared_ptr<Message> message, std::uint32_t segments, core::TimePoint sent_at) {
  const auto open = streams_.find(message->stream);
  if (open == streams_.end()) return;  // reset meanwhile; counted in stream_reset
  if (is_blocked(message->from, message->to)) return cut_segments(message, segments, sent_at);
  bool overflow = false;
  if (!holding_.empty()) {  // (the retry closure is built only when some link is on hold)
    std::function<void()> later = [this, message, segments, sent_at]() { arrive_segments(message, segments, sent_at); };
    if (hold_arrival(message->from, message->to, later, overflow)) return;
  }
  if (overflow) return cut_segments(message, segments, sent_at);
  DCL_ASSERT(segments <= message->segments_missing);
  message->segments_missing -= segments;
  if (message->segments_missing == 0) complete_message(message, open->second);
}

void Simulation::cut_segments(std::shared_ptr<Message> message, std::uint32_t segments, core::TimePoint sent_at) {
  // Lost in flight: the sender notices by its retransmission timer, counted from sending.
  ++message->attempt;
  const core::TimePoint retry = std::max(now_, sent_at + rto(message->from, message->to, message->attempt));
  queue_.schedule(retry, [this, message, segments]() {
    if (!is_stream_open(message->stream)) return;
    stats_.segments_retransmitted += segments;
    trace(TraceKind::retransmit, Carrier::stream, message->from, message->to, message->trace_id(), segments * message->segment_bytes,
          "attempt=" + std::to_string(message->attempt));
    transmit_segments(message, segments);
  });
}

void Simulation::complete_message(const std::shared_ptr<Message>& shared, Stream& stream) {
  const Message& message = *shared;
  if (host(message.to).state == HostState::down) {
    return reset_stream(message.stream, message.to, "peer_down");
  }
  Stream::Direction& lane = stream.directions[message.direction];
  DCL_ASSERT(message.seq >= lane.next_deliver_seq);
  DCL_ASSERT(lane.arrived.count(message.seq) == 0);
  // The common case, in order with nothing waiting, skips the reorder map.
  std::shared_ptr<const Bytes> in_order;
  if (message.seq == lane.next_deliver_seq && lane.arrived.empty()) {
    in_order = std::shared_ptr<const Bytes>(shared, &message.payload);
  } else {
    lane.arrived.emplace(message.seq, std::shared_ptr<const Bytes>(shared, &message.payload));
  }
  // Hand over every message that is now in sequence: head-of-line blocking, as in TCP.
  while (in_order || (!lane.arrived.empty() && lane.arrived.begin()->first == lane.next_deliver_seq)) {
    std::shared_ptr<const Bytes> payload;
    if (in_order) {
      payload = std::move(in_order);
    } else {
      payload = std::move(lane.arrived.begin()->second);
      lane.arrived.erase(lane.arrived.begin());
    }
    const std::uint64_t trace_id = (std::uint64_t{stream.id} << 32) | lane.next_deliver_seq;
    ++lane.next_deliver_seq;
    DCL_ASSERT(lane.undelivered > 0);
    --lane.undelivered;
    const HostId from = message.from;
    const HostId to = message.to;
    const StreamId id = stream.id;
    const Port port = stream.port;
    run_on_host(to, host(to).epoch, [this, from, to, port, id, trace_id, payload = std::move(payload)]() {
      ++stats_.messages_delivered;
      trace(TraceKind::deliver, Carrier::stream, from, to, trace_id, payload->size(), {});
      const auto* on_port = handlers(to, port);
      if (on_port && on_port->message) on_port->message(id, from, std::span<const std::uint8_t>(*payload));
    });
  }
}

void Simulation::reset_stream(StreamId id, HostId crashed, std::string_view why) {
  const auto found = streams_.find(id);
  DCL_ASSERT(found != streams_.end());
  const Stream& stream = found->second;
  const HostId peer = stream.ends[0] == crashed ? stream.ends[1] : stream.ends[0];
  const Port port = stream.port;
  const std::uint32_t undelivered = stream.directions[0].undelivered + stream.directions[1].undelivered;
  streams_.erase(found);
  trace(TraceKind::stream_reset, Carrier::stream, crashed, peer, std::uint64_t{id} << 32, 0,
        std::string(why) + " undelivered=" + std::to_string(undelivered));
  const core::Duration latency = link(crashed, peer)->faults().latency;
  schedule_on_host(now_ + latency, peer, [this, id, peer, crashed, port]() {
    const auto* on_port = handlers(peer, port);
    if (on_port && on_port->stream_reset) on_port->stream_reset(id, crashed);
  });
}

}  // namespace dclcomms::sim
