// PlainTransport (see the header).
#include "dclcomms/webrtc/plain_transport.hpp"

#include <algorithm>

#include "dclcomms/core/assert.hpp"
#include "dclcomms/core/prng.hpp"
#include "dclcomms/core/queue.hpp"

namespace dclcomms::webrtc {

namespace {

constexpr std::uint8_t magic = 0x7E;
constexpr std::uint8_t kind_hello = 1, kind_hello_ack = 2, kind_data = 3, kind_ack = 4, kind_close = 5;
constexpr std::size_t header_bytes = 6;        // magic, kind, checksum
constexpr std::size_t data_header_bytes = 15;  // flags, stream, ppid, sequence, index, count
constexpr std::size_t unreliable_tracked_max = 256, unreliable_done_max = 1024;

std::uint32_t checksum(std::span<const std::uint8_t> bytes) {
  const std::uint64_t hash = core::fnv1a_64(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
  return static_cast<std::uint32_t>(hash ^ (hash >> 32));
}

void put_u16(std::vector<std::uint8_t>& out, std::uint16_t value) {
  out.push_back(static_cast<std::uint8_t>(value >> 8));
  out.push_back(static_cast<std::uint8_t>(value));
}
void put_u32(std::vector<std::uint8_t>& out, std::uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(value >> shift));
}
std::uint16_t get_u16(std::span<const std::uint8_t> in, std::size_t at) { return static_cast<std::uint16_t>((in[at] << 8) | in[at + 1]); }
std::uint32_t get_u32(std::span<const std::uint8_t> in, std::size_t at) {
  return (std::uint32_t{in[at]} << 24) | (std::uint32_t{in[at + 1]} << 16) | (std::uint32_t{in[at + 2]} << 8) | in[at + 3];
}

/// The body of a well-formed datagram of ours (magic, known kind, checksum right), else none.
std::optional<std::pair<std::uint8_t, std::span<const std::uint8_t>>> open_datagram(std::span<const std::uint8_t> datagram) {
  if (datagram.size() < header_bytes || datagram[0] != magic) return std::nullopt;
  const std::uint8_t kind = datagram[1];
  if (kind < kind_hello || kind > kind_close) return std::nullopt;
  const auto body = datagram.subspan(header_bytes);
  if (get_u32(datagram, 2) != checksum(body)) return std::nullopt;
  return std::pair{kind, body};
}

}  // namespace

bool looks_like_plain(std::span<const std::uint8_t> datagram) { return !datagram.empty() && datagram[0] == magic; }

std::optional<std::string> plain_hello_ufrag(std::span<const std::uint8_t> datagram) {
  const auto opened = open_datagram(datagram);
  if (!opened || opened->first != kind_hello) return std::nullopt;
  return std::string(opened->second.begin(), opened->second.end());
}

PlainTransport::PlainTransport(PlainTransportConfig config, core::TimePoint now) : config_(std::move(config)), started_(now), now_(now) {
  DCL_ASSERT(config_.fragment_bytes > 0 && config_.window_fragments > 0);
  if (config_.initiator) {
    DCL_ASSERT(config_.peer.has_value());
    peer_ = config_.peer;
    next_hello_ = now;
    handle_timeout(now);
  }
}

std::vector<std::uint8_t> PlainTransport::frame(std::uint8_t kind, std::span<const std::uint8_t> body) const {
  std::vector<std::uint8_t> out = {magic, kind};
  put_u32(out, checksum(body));
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

void PlainTransport::transmit(std::vector<std::uint8_t> datagram) {
  if (!peer_) return;
  transmits_.push_back({*peer_, std::move(datagram)});
}

void PlainTransport::fail(std::string message) {
  if (failed_) return;
  failed_ = true;
  up_ = false;
  events_.push_back(TransportFailed{{PeerConnectionErrorCode::sctp, std::move(message)}});
}

void PlainTransport::handle_timeout(core::TimePoint now) {
  now_ = std::max(now_, now);
  if (failed_) return;
  if (!up_ && config_.initiator) {
    if (now - started_ >= config_.connect_timeout) {
      fail("no answer to HELLO from " + to_string(*peer_) + " in " +
           std::to_string(std::chrono::duration_cast<std::chrono::seconds>(config_.connect_timeout).count()) + " s");
      return;
    }
    if (next_hello_ && now >= *next_hello_) {
      const std::span<const std::uint8_t> ufrag(reinterpret_cast<const std::uint8_t*>(config_.peer_ufrag.data()),
                                                config_.peer_ufrag.size());
      transmit(frame(kind_hello, ufrag));
      next_hello_ = now + config_.hello_interval;
    }
    return;
  }
  for (auto& [sequence, flight] : in_flight_) {
    if (flight.due > now) continue;
    if (++flight.retransmissions > config_.retransmissions_max) {
      fail("reliable data unacknowledged after " + std::to_string(config_.retransmissions_max) + " retransmissions");
      return;
    }
    flight.rto = std::min(flight.rto * 2, config_.rto_max);
    flight.due = now + flight.rto;
    transmit(flight.datagram);
  }
}

std::optional<core::TimePoint> PlainTransport::poll_timeout() const {
  if (failed_) return std::nullopt;
  if (!up_) return config_.initiator ? std::optional(std::min(*next_hello_, started_ + config_.connect_timeout)) : std::nullopt;
  std::optional<core::TimePoint> earliest;
  for (const auto& [sequence, flight] : in_flight_) {
    if (!earliest || flight.due < *earliest) earliest = flight.due;
  }
  return earliest;
}

void PlainTransport::handle_datagram(std::span<const std::uint8_t> datagram, const SocketAddress& from, core::TimePoint now) {
  now_ = std::max(now_, now);
  if (failed_) return;
  const auto opened = open_datagram(datagram);
  if (!opened) return;  // not ours, or corrupted: dropped
  const auto [kind, body] = *opened;
  if (peer_ && from != *peer_) return;  // one peer per association
  switch (kind) {
    case kind_hello:
      if (config_.initiator) return;
      peer_ = from;
      transmit(frame(kind_hello_ack, {}));
      if (!up_) events_.push_back(SctpUp{});
      up_ = true;
      break;
    case kind_hello_ack:
      if (!config_.initiator || up_) return;
      up_ = true;
      next_hello_.reset();
      events_.push_back(SctpUp{});
      fill_window(now);
      break;
    case kind_data:
      if (up_) on_data(body, now);
      break;
    case kind_ack: {
      if (!up_ || body.size() != 4) return;
      const std::uint32_t next_expected = get_u32(body, 0);
      in_flight_.erase(in_flight_.begin(), in_flight_.lower_bound(next_expected));
      fill_window(now);
      break;
    }
    case kind_close: fail("the peer closed the association"); break;
    default: break;
  }
}

void PlainTransport::on_data(std::span<const std::uint8_t> body, core::TimePoint now) {
  (void)now;
  if (body.size() < data_header_bytes) return;
  const bool reliable = (body[0] & 1) != 0;
  Fragment fragment{get_u16(body, 1), get_u32(body, 3), get_u16(body, 11), get_u16(body, 13),
                    std::vector<std::uint8_t>(body.begin() + data_header_bytes, body.end())};
  const std::uint32_t sequence = get_u32(body, 7);
  if (fragment.count == 0 || fragment.index >= fragment.count) return;
  if (!reliable) {
    if (unreliable_done_.contains(sequence)) return;  // a duplicate of a delivered message
    Unreliable& message = unreliable_[sequence];
    if (message.fragments.empty()) {
      message.stream = fragment.stream;
      message.ppid = fragment.ppid;
      message.fragments.resize(fragment.count);
    }
    if (message.fragments.size() != fragment.count || message.fragments[fragment.index]) return;
    message.fragments[fragment.index] = std::move(fragment.bytes);
    if (++message.received == message.fragments.size()) {
      SctpMessage whole{message.stream, message.ppid, {}};
      for (auto& piece : message.fragments) whole.bytes.insert(whole.bytes.end(), piece->begin(), piece->end());
      events_.push_back(std::move(whole));
      unreliable_.erase(sequence);
      unreliable_done_.insert(sequence);
      if (unreliable_done_.size() > unreliable_done_max) unreliable_done_.erase(unreliable_done_.begin());
    }
    // A message missing a fragment is lost whole: the oldest incomplete ones make room.
    while (unreliable_.size() > unreliable_tracked_max) unreliable_.erase(unreliable_.begin());
    return;
  }
  if (sequence >= expected_ && (reorder_.size() < config_.reorder_fragments_max || sequence == expected_)) {
    reorder_.emplace(sequence, std::move(fragment));
    deliver_in_order();
  }
  std::vector<std::uint8_t> ack;
  put_u32(ack, expected_);
  transmit(frame(kind_ack, ack));
}

void PlainTransport::deliver_in_order() {
  for (auto next = reorder_.find(expected_); next != reorder_.end(); next = reorder_.find(expected_)) {
    Fragment& fragment = next->second;
    reassembly_.insert(reassembly_.end(), fragment.bytes.begin(), fragment.bytes.end());
    if (fragment.index + 1 == fragment.count) {
      events_.push_back(SctpMessage{fragment.stream, fragment.ppid, std::move(reassembly_)});
      reassembly_.clear();
    }
    reorder_.erase(next);
    ++expected_;
  }
}

bool PlainTransport::send(std::uint16_t stream, std::uint32_t ppid, std::span<const std::uint8_t> bytes, SctpSendOptions options) {
  if (!up_ || failed_) return false;
  const bool reliable = !options.max_retransmits.has_value();
  const std::size_t count = std::max<std::size_t>(1, (bytes.size() + config_.fragment_bytes - 1) / config_.fragment_bytes);
  if (count > 65535) return false;
  if (reliable && waiting_.size() + count > config_.queue_fragments_max) return false;
  const std::uint32_t unreliable_id = reliable ? 0 : next_unreliable_id_++;
  for (std::size_t index = 0; index < count; ++index) {
    const std::size_t begin = index * config_.fragment_bytes;
    const std::size_t end = std::min(bytes.size(), begin + config_.fragment_bytes);
    const std::uint32_t sequence = reliable ? next_sequence_++ : unreliable_id;
    std::vector<std::uint8_t> body = {static_cast<std::uint8_t>(reliable ? 1 : 0)};
    put_u16(body, stream);
    put_u32(body, ppid);
    put_u32(body, sequence);
    put_u16(body, static_cast<std::uint16_t>(index));
    put_u16(body, static_cast<std::uint16_t>(count));
    body.insert(body.end(), bytes.begin() + static_cast<std::ptrdiff_t>(begin), bytes.begin() + static_cast<std::ptrdiff_t>(end));
    if (reliable) {
      waiting_.emplace_back(sequence, frame(kind_data, body));
    } else {
      transmit(frame(kind_data, body));
    }
  }
  fill_window(now_);
  return true;
}

void PlainTransport::fill_window(core::TimePoint now) {
  while (!waiting_.empty() && in_flight_.size() < config_.window_fragments) {
    auto [sequence, datagram] = std::move(waiting_.front());
    waiting_.pop_front();
    transmit(datagram);
    in_flight_.emplace(sequence, InFlight{std::move(datagram), now + config_.rto_initial, config_.rto_initial, 0});
  }
}

void PlainTransport::close() {
  if (failed_) return;
  if (up_) transmit(frame(kind_close, {}));
  failed_ = true;
  up_ = false;
}

std::optional<DatagramTransmit> PlainTransport::poll_transmit() { return core::pop_front(transmits_); }

std::optional<TransportEvent> PlainTransport::poll_event() { return core::pop_front(events_); }

}  // namespace dclcomms::webrtc
