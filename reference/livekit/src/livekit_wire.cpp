#include "dclcomms/livekit/livekit_wire.hpp"

#include <algorithm>
#include <string_view>

#include "dclcomms/core/assert.hpp"
#include "dclcomms/core/prng.hpp"

namespace dclcomms::livekit::wire {
namespace {

enum Tag : std::uint8_t {
  tag_join = 'J',
  tag_data_up = 'U',
  tag_leave = 'Q',
  tag_welcome = 'W',
  tag_rejected = 'X',
  tag_joined = '+',
  tag_left = '-',
  tag_data_down = 'D',
  tag_closed = 'K',
  tag_ping = 'P',
  tag_pong = 'O',
  tag_lossy = 'L',
};

class Writer {
 public:
  explicit Writer(std::uint8_t tag) { out_.push_back(tag); }
  void u8(std::uint8_t v) { out_.push_back(v); }
  void u16(std::uint16_t v) { uint(v, 2); }
  void u64(std::uint64_t v) { uint(v, 8); }
  void str(std::string_view s) {
    // Identities, reasons and tokens are far below 64 KiB; longer ones are cut, not mis-framed.
    const auto n = std::min<std::size_t>(s.size(), 0xFFFF);
    u16(static_cast<std::uint16_t>(n));
    out_.insert(out_.end(), s.begin(), s.begin() + static_cast<std::ptrdiff_t>(n));
  }
  void list(const std::vector<std::string>& items) {
    DCL_ASSERT(items.size() <= 0xFFFF);
    u16(static_cast<std::uint16_t>(items.size()));
    for (const auto& item : items) str(item);
  }
  void rest(std::span<const std::uint8_t> bytes) { out_.insert(out_.end(), bytes.begin(), bytes.end()); }
  Bytes take() { return std::move(out_); }

 private:
  void uint(std::uint64_t v, int bytes) {
    for (int i = 0; i < bytes; ++i) out_.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
  }
  Bytes out_;
};

class Reader {
 public:
  explicit Reader(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}
  bool u8(std::uint8_t& v) {
    if (left() < 1) return false;
    v = bytes_[at_++];
    return true;
  }
  bool u16(std::uint16_t& v) {
    std::uint64_t w = 0;
    if (!uint(w, 2)) return false;
    v = static_cast<std::uint16_t>(w);
    return true;
  }
  bool u64(std::uint64_t& v) { return uint(v, 8); }
  bool str(std::string& s) {
    std::uint16_t n = 0;
    if (!u16(n) || left() < n) return false;
    s.assign(bytes_.begin() + static_cast<std::ptrdiff_t>(at_), bytes_.begin() + static_cast<std::ptrdiff_t>(at_ + n));
    at_ += n;
    return true;
  }
  bool list(std::vector<std::string>& items) {
    std::uint16_t n = 0;
    if (!u16(n)) return false;
    items.resize(n);
    for (auto& item : items) {
      if (!str(item)) return false;
    }
    return true;
  }
  Bytes rest() {
    Bytes out(bytes_.begin() + static_cast<std::ptrdiff_t>(at_), bytes_.end());
    at_ = bytes_.size();
    return out;
  }
  bool done() const { return at_ == bytes_.size(); }

 private:
  std::size_t left() const { return bytes_.size() - at_; }
  bool uint(std::uint64_t& v, int bytes) {
    if (left() < static_cast<std::size_t>(bytes)) return false;
    v = 0;
    for (int i = 0; i < bytes; ++i) v |= static_cast<std::uint64_t>(bytes_[at_++]) << (8 * i);
    return true;
  }
  std::span<const std::uint8_t> bytes_;
  std::size_t at_ = 0;
};

std::uint64_t checksum(std::span<const std::uint8_t> bytes) {
  return core::fnv1a_64(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

}  // namespace

Bytes encode(const ClientFrame& frame) {
  struct Visitor {
    Bytes operator()(const Join& f) const {
      Writer w(tag_join);
      w.str(f.token);
      return w.take();
    }
    Bytes operator()(const DataUp& f) const {
      Writer w(tag_data_up);
      w.list(f.destinations);
      w.rest(f.payload);
      return w.take();
    }
    Bytes operator()(const Leave&) const { return Writer(tag_leave).take(); }
    Bytes operator()(const Ping&) const { return Writer(tag_ping).take(); }
  };
  return std::visit(Visitor{}, frame);
}

Bytes encode(const ServerFrame& frame) {
  struct Visitor {
    Bytes operator()(const Welcome& f) const {
      Writer w(tag_welcome);
      w.u64(f.session);
      w.str(f.identity);
      w.list(f.participants);
      return w.take();
    }
    Bytes operator()(const Rejected& f) const {
      Writer w(tag_rejected);
      w.str(f.reason);
      return w.take();
    }
    Bytes operator()(const ParticipantJoined& f) const {
      Writer w(tag_joined);
      w.str(f.identity);
      return w.take();
    }
    Bytes operator()(const ParticipantLeft& f) const {
      Writer w(tag_left);
      w.str(f.identity);
      return w.take();
    }
    Bytes operator()(const DataDown& f) const {
      Writer w(tag_data_down);
      w.str(f.sender);
      w.rest(f.payload);
      return w.take();
    }
    Bytes operator()(const Closed& f) const {
      Writer w(tag_closed);
      w.u8(static_cast<std::uint8_t>(f.reason));
      w.str(f.detail);
      return w.take();
    }
    Bytes operator()(const Pong&) const { return Writer(tag_pong).take(); }
  };
  return std::visit(Visitor{}, frame);
}

std::optional<ClientFrame> decode_client_frame(std::span<const std::uint8_t> bytes) {
  if (bytes.empty()) return std::nullopt;
  Reader r(bytes.subspan(1));
  switch (bytes[0]) {
    case tag_join: {
      Join f;
      if (!r.str(f.token) || !r.done()) return std::nullopt;
      return f;
    }
    case tag_data_up: {
      DataUp f;
      if (!r.list(f.destinations)) return std::nullopt;
      f.payload = r.rest();
      return f;
    }
    case tag_leave:
      if (!r.done()) return std::nullopt;
      return Leave{};
    case tag_ping:
      if (!r.done()) return std::nullopt;
      return Ping{};
    default: return std::nullopt;
  }
}

std::optional<ServerFrame> decode_server_frame(std::span<const std::uint8_t> bytes) {
  if (bytes.empty()) return std::nullopt;
  Reader r(bytes.subspan(1));
  switch (bytes[0]) {
    case tag_welcome: {
      Welcome f;
      if (!r.u64(f.session) || !r.str(f.identity) || !r.list(f.participants) || !r.done()) return std::nullopt;
      return f;
    }
    case tag_rejected: {
      Rejected f;
      if (!r.str(f.reason) || !r.done()) return std::nullopt;
      return f;
    }
    case tag_joined: {
      ParticipantJoined f;
      if (!r.str(f.identity) || !r.done()) return std::nullopt;
      return f;
    }
    case tag_left: {
      ParticipantLeft f;
      if (!r.str(f.identity) || !r.done()) return std::nullopt;
      return f;
    }
    case tag_data_down: {
      DataDown f;
      if (!r.str(f.sender)) return std::nullopt;
      f.payload = r.rest();
      return f;
    }
    case tag_closed: {
      Closed f;
      std::uint8_t reason = 0;
      if (!r.u8(reason) || reason > static_cast<std::uint8_t>(DisconnectReason::connection_lost) || !r.str(f.detail) || !r.done()) {
        return std::nullopt;
      }
      f.reason = static_cast<DisconnectReason>(reason);
      return f;
    }
    case tag_pong:
      if (!r.done()) return std::nullopt;
      return Pong{};
    default: return std::nullopt;
  }
}

std::vector<Bytes> fragment_lossy(std::uint64_t session, std::uint64_t sequence, std::span<const std::uint8_t> message,
                                  std::size_t chunk_bytes) {
  DCL_ASSERT(chunk_bytes > 0);
  const std::size_t count = std::max<std::size_t>(1, (message.size() + chunk_bytes - 1) / chunk_bytes);
  DCL_ASSERT(count <= lossy_fragments_max);
  std::vector<Bytes> datagrams;
  datagrams.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    const auto chunk = message.subspan(i * chunk_bytes, std::min(chunk_bytes, message.size() - i * chunk_bytes));
    Writer w(tag_lossy);
    w.u64(session);
    w.u64(sequence);
    w.u16(static_cast<std::uint16_t>(i));
    w.u16(static_cast<std::uint16_t>(count));
    w.rest(chunk);
    const Bytes body = w.take();
    Bytes datagram(8);
    const std::uint64_t sum = checksum(body);
    for (int b = 0; b < 8; ++b) datagram[b] = static_cast<std::uint8_t>(sum >> (8 * b));
    datagram.insert(datagram.end(), body.begin(), body.end());
    datagrams.push_back(std::move(datagram));
  }
  return datagrams;
}

std::optional<LossyFragment> decode_lossy_datagram(std::span<const std::uint8_t> datagram) {
  if (datagram.size() < lossy_header_bytes) return std::nullopt;
  Reader r(datagram);
  std::uint64_t sum = 0;
  (void)r.u64(sum);
  if (sum != checksum(datagram.subspan(8))) return std::nullopt;
  std::uint8_t tag = 0;
  LossyFragment f;
  if (!r.u8(tag) || tag != tag_lossy || !r.u64(f.session) || !r.u64(f.sequence) || !r.u16(f.index) || !r.u16(f.count)) {
    return std::nullopt;
  }
  if (f.count == 0 || f.index >= f.count || f.count > lossy_fragments_max) return std::nullopt;
  f.chunk = r.rest();
  return f;
}

std::optional<Bytes> LossyReassembler::add(LossyFragment fragment) {
  const std::uint64_t seq = fragment.sequence;
  if ((floor_ && seq <= *floor_) || completed_.contains(seq)) {
    ++duplicates_;
    return std::nullopt;
  }
  auto it = partial_.find(seq);
  if (it == partial_.end()) {
    if (partial_.size() == partial_max) {
      partial_.erase(partial_.begin());  // the oldest incomplete message is given up
      ++abandoned_;
    }
    Partial partial;
    partial.count = fragment.count;
    partial.chunks.resize(fragment.count);
    it = partial_.emplace(seq, std::move(partial)).first;
  }
  Partial& partial = it->second;
  if (partial.count != fragment.count) return std::nullopt;  // inconsistent: ignore the stray
  auto& slot = partial.chunks[fragment.index];
  if (slot) {
    ++duplicates_;
    return std::nullopt;
  }
  slot = std::move(fragment.chunk);
  if (++partial.received < partial.count) return std::nullopt;

  Bytes message;
  for (auto& chunk : partial.chunks) message.insert(message.end(), chunk->begin(), chunk->end());
  partial_.erase(it);
  completed_.insert(seq);
  if (completed_.size() > remembered_max) {
    floor_ = *completed_.begin();
    completed_.erase(completed_.begin());
  }
  return message;
}

}  // namespace dclcomms::livekit::wire
