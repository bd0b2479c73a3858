// PeerConnection (see the header): the layers wired together, and DCEP (RFC 8832).
#include "dclcomms/webrtc/peer_connection.hpp"

#include "dclcomms/core/assert.hpp"
#include "dclcomms/core/prng.hpp"
#include "dclcomms/core/queue.hpp"
#include "dclcomms/webrtc/plain_transport.hpp"
#include "dclcomms/webrtc/secure_transport.hpp"

namespace dclcomms::webrtc {

std::string_view to_string(PeerConnectionErrorCode code) {
  switch (code) {
    case PeerConnectionErrorCode::sdp: return "sdp";
    case PeerConnectionErrorCode::state: return "state";
    case PeerConnectionErrorCode::ice: return "ice";
    case PeerConnectionErrorCode::dtls: return "dtls";
    case PeerConnectionErrorCode::sctp: return "sctp";
    case PeerConnectionErrorCode::channel: return "channel";
  }
  return "?";
}

namespace {

// RFC 8831 §8 payload protocol identifiers.
constexpr std::uint32_t ppid_dcep = 50, ppid_string = 51, ppid_binary = 53, ppid_string_empty = 56, ppid_binary_empty = 57;
// RFC 8832 §5 message types and channel types.
constexpr std::uint8_t dcep_open = 0x03, dcep_ack = 0x02;
constexpr std::uint8_t channel_reliable = 0x00, channel_rexmit = 0x01, channel_timed = 0x02, channel_unordered_bit = 0x80;

std::uint16_t read_u16(std::span<const std::uint8_t> bytes, std::size_t at) {
  return static_cast<std::uint16_t>((bytes[at] << 8) | bytes[at + 1]);
}

std::uint32_t read_u32(std::span<const std::uint8_t> bytes, std::size_t at) {
  return (std::uint32_t{bytes[at]} << 24) | (std::uint32_t{bytes[at + 1]} << 16) | (std::uint32_t{bytes[at + 2]} << 8) | bytes[at + 3];
}

std::vector<std::uint8_t> encode_open(const std::string& label, const DataChannelOptions& options) {
  std::uint8_t type = options.max_retransmits ? channel_rexmit : channel_reliable;
  if (!options.ordered) type |= channel_unordered_bit;
  const std::uint32_t reliability = options.max_retransmits.value_or(0);
  std::vector<std::uint8_t> bytes = {dcep_open,
                                     type,
                                     0,
                                     0,  // priority
                                     static_cast<std::uint8_t>(reliability >> 24),
                                     static_cast<std::uint8_t>(reliability >> 16),
                                     static_cast<std::uint8_t>(reliability >> 8),
                                     static_cast<std::uint8_t>(reliability),
                                     static_cast<std::uint8_t>(label.size() >> 8),
                                     static_cast<std::uint8_t>(label.size()),
                                     0,
                                     0};  // protocol length
  bytes.insert(bytes.end(), label.begin(), label.end());
  return bytes;
}

// What descriptions say when the plain layer carries the channels: it authenticates nothing.
constexpr std::string_view plain_fingerprint =
    "00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00:00";

}  // namespace

PeerConnection::PeerConnection(PeerConnectionConfig config, core::TimePoint now) : config_(std::move(config)) {
  DCL_ASSERT(config_.lower == LowerLayer::plain || config_.identity != nullptr);
  core::Prng prng = core::Prng::derive(config_.seed, "ice-credentials");
  local_ice_ = make_ice_credentials(prng);
  (void)now;
}

PeerConnection::~PeerConnection() = default;

void PeerConnection::fail(PeerConnectionErrorCode code, std::string message) {
  if (failed_) return;
  failed_ = true;
  events_.push_back(PeerFailed{{code, std::move(message)}});
}

LocalDescription PeerConnection::local_description() const {
  return LocalDescription{.session_id = config_.seed & 0x7fffffffffffffffULL,
                          .ice_ufrag = local_ice_.ufrag,
                          .ice_pwd = local_ice_.pwd,
                          .fingerprint = config_.identity ? config_.identity->fingerprint() : std::string(plain_fingerprint),
                          .ice_lite = config_.ice_lite,
                          .host_candidates = config_.host_candidates,
                          .max_message_size = config_.max_message_size};
}

std::string PeerConnection::create_offer() {
  offered_ = true;
  return build_offer(local_description());
}

core::Result<std::string, PeerConnectionError> PeerConnection::handle_offer(std::string_view sdp, core::TimePoint now) {
  if (remote_)
    return core::fail(PeerConnectionErrorCode::state, "renegotiation is not supported: the peer connection already has a description");
  auto offer = parse_sdp(sdp);
  if (!offer)
    return core::fail(PeerConnectionErrorCode::sdp, "offer: " + std::string(to_string(offer.error().code)) + ": " + offer.error().message);
  // The server (ICE-lite) is the DTLS server; a full agent takes the client role (JSEP §5.3.1 lets
  // the answerer choose, and WebRTC stacks answer active).
  const std::string_view setup = config_.ice_lite ? "passive" : "active";
  if (offer->setup == "passive" && setup == "passive")
    return core::fail(PeerConnectionErrorCode::sdp, "offer: a=setup:passive leaves no DTLS client");
  if (offer->setup == "active" && setup == "active")
    return core::fail(PeerConnectionErrorCode::sdp, "offer: a=setup:active leaves no DTLS server");
  std::string answer = build_answer(*offer, local_description(), setup);
  const std::string remote_text(sdp);
  if (auto set = set_remote(remote_text, setup == "active", now); !set) return core::fail(set.error().code, set.error().message);
  return answer;
}

core::Result<core::Ok, PeerConnectionError> PeerConnection::handle_answer(std::string_view sdp, core::TimePoint now) {
  if (!offered_ || remote_) return core::fail(PeerConnectionErrorCode::state, "an answer without an outstanding offer");
  auto answer = parse_sdp(sdp);
  if (!answer)
    return core::fail(PeerConnectionErrorCode::sdp,
                      "answer: " + std::string(to_string(answer.error().code)) + ": " + answer.error().message);
  if (answer->setup == "actpass") return core::fail(PeerConnectionErrorCode::sdp, "answer: a=setup:actpass is for offers (RFC 8842 §5.3)");
  // The answer's role is the peer's: "active" makes it the DTLS client.
  return set_remote(sdp, answer->setup == "passive", now);
}

core::Result<core::Ok, PeerConnectionError> PeerConnection::set_remote(std::string_view sdp, bool local_is_dtls_client,
                                                                       core::TimePoint now) {
  auto description = parse_sdp(sdp);
  DCL_ASSERT(static_cast<bool>(description));  // the callers parsed it already
  remote_ = std::move(*description);
  std::vector<SocketAddress> candidates;
  for (const SdpCandidate& candidate : remote_->candidates) candidates.push_back(candidate.address);
  if (!config_.ice_lite && candidates.empty()) {
    return core::fail(PeerConnectionErrorCode::sdp, "the peer's description has no UDP candidate to check");
  }
  dtls_role_ = local_is_dtls_client ? DtlsRole::client : DtlsRole::server;
  if (config_.lower == LowerLayer::plain) {
    transport_ =
        std::make_unique<PlainTransport>(PlainTransportConfig{.initiator = !config_.ice_lite,
                                                              .peer = candidates.empty() ? std::nullopt : std::optional(candidates.front()),
                                                              .peer_ufrag = remote_->ice_ufrag},
                                         now);
  } else {
    transport_ =
        std::make_unique<SecureTransport>(SecureTransportConfig{.identity = config_.identity,
                                                                .ice_lite = config_.ice_lite,
                                                                .local_ice = local_ice_,
                                                                .remote_ice = {remote_->ice_ufrag, remote_->ice_pwd},
                                                                .remote_candidates = std::move(candidates),
                                                                .ice_seed = core::Prng::derive(config_.seed, "ice-checks").next_u64(),
                                                                .dtls_role = dtls_role_,
                                                                .remote_fingerprint = remote_->fingerprint,
                                                                .remote_sctp_port = remote_->sctp_port},
                                          now);
  }
  pump(now);
  return core::Ok{};
}

const std::optional<SocketAddress>& PeerConnection::remote_address() const {
  static const std::optional<SocketAddress> none;
  return transport_ ? transport_->remote_address() : none;
}

core::Result<ChannelId, PeerConnectionError> PeerConnection::open_channel(std::string label, DataChannelOptions options) {
  if (label.size() > 65535) return core::fail(PeerConnectionErrorCode::channel, "a channel label is at most 65535 bytes");
  // RFC 8832 §6: the DTLS client takes even stream ids, the server odd ones. Before negotiation the
  // role is not known: channels are opened after the descriptions are exchanged.
  if (!transport_) return core::fail(PeerConnectionErrorCode::state, "open_channel before the descriptions are exchanged");
  ChannelId id = dtls_role_ == DtlsRole::client ? 0 : 1;
  while (channels_.contains(id)) {
    if (id >= 1022) return core::fail(PeerConnectionErrorCode::channel, "no free stream id");
    id = static_cast<ChannelId>(id + 2);
  }
  Channel& channel = channels_[id];
  channel.label = std::move(label);
  channel.options = options;
  if (transport_->up()) send_open(id, channel);
  return id;
}

void PeerConnection::send_open(ChannelId id, Channel& channel) {
  const auto open = encode_open(channel.label, channel.options);
  channel.open_sent = transport_->send(id, ppid_dcep, open, {});
}

bool PeerConnection::send(ChannelId id, std::span<const std::uint8_t> bytes, bool binary) {
  const auto found = channels_.find(id);
  if (found == channels_.end() || !transport_ || !transport_->up()) return false;
  if (remote_ && bytes.size() > remote_->max_message_size && remote_->max_message_size != 0) return false;
  const Channel& channel = found->second;
  const SctpSendOptions options =
      channel.acked ? SctpSendOptions{.unordered = !channel.options.ordered, .max_retransmits = channel.options.max_retransmits}
                    : SctpSendOptions{};
  static constexpr std::uint8_t empty_payload[1] = {0};  // RFC 8831 §6.6: an empty message is one byte with PPID 56/57
  const bool sent = bytes.empty() ? transport_->send(id, binary ? ppid_binary_empty : ppid_string_empty, empty_payload, options)
                                  : transport_->send(id, binary ? ppid_binary : ppid_string, bytes, options);
  collect_transmits();
  return sent;
}

void PeerConnection::close() {
  if (transport_) transport_->close();
  collect_transmits();
  failed_ = true;  // nothing more goes in or out
}

void PeerConnection::collect_transmits() {
  if (!transport_) return;
  while (auto transmit = transport_->poll_transmit()) {
    if (transmits_.size() < queue_max) transmits_.push_back(std::move(*transmit));
  }
}

void PeerConnection::handle_message(SctpMessage message) {
  const std::span<const std::uint8_t> bytes(message.bytes);
  if (message.ppid == ppid_dcep) {
    if (bytes.empty()) return;
    if (bytes[0] == dcep_ack) {
      const auto found = channels_.find(message.stream);
      if (found != channels_.end() && !found->second.acked) {
        found->second.acked = true;
        events_.push_back(ChannelOpened{message.stream, found->second.label, found->second.options, false});
      }
      return;
    }
    if (bytes[0] != dcep_open) return;  // unknown DCEP message types are ignored (RFC 8832 §5)
    if (bytes.size() < 12) {
      fail(PeerConnectionErrorCode::channel, "a DATA_CHANNEL_OPEN of " + std::to_string(bytes.size()) + " bytes (at least 12)");
      return;
    }
    const std::uint8_t type = bytes[1];
    const std::uint32_t reliability = read_u32(bytes, 4);
    const std::size_t label_size = read_u16(bytes, 8), protocol_size = read_u16(bytes, 10);
    if (12 + label_size + protocol_size > bytes.size()) {
      fail(PeerConnectionErrorCode::channel, "a DATA_CHANNEL_OPEN whose label and protocol run past its end");
      return;
    }
    DataChannelOptions options;
    options.ordered = (type & channel_unordered_bit) == 0;
    const std::uint8_t kind = type & 0x7f;
    if (kind == channel_rexmit) options.max_retransmits = static_cast<std::uint16_t>(std::min<std::uint32_t>(reliability, 65535));
    if (kind == channel_timed) options.max_retransmits = 0;  // timed reliability: treated as no retransmission
    Channel& channel = channels_[message.stream];
    channel.label.assign(reinterpret_cast<const char*>(bytes.data() + 12), label_size);
    channel.options = options;
    channel.open_sent = true;
    channel.acked = true;
    static constexpr std::uint8_t ack[1] = {dcep_ack};
    transport_->send(message.stream, ppid_dcep, ack, {});
    events_.push_back(ChannelOpened{message.stream, channel.label, options, true});
    return;
  }
  const auto found = channels_.find(message.stream);
  if (found == channels_.end()) return;  // data on a stream no channel opened: dropped
  const bool binary = message.ppid == ppid_binary || message.ppid == ppid_binary_empty;
  if (message.ppid == ppid_string_empty || message.ppid == ppid_binary_empty) message.bytes.clear();
  if (message.bytes.size() > config_.max_message_size) return;
  events_.push_back(ChannelMessage{message.stream, found->second.label, std::move(message.bytes), binary});
}

void PeerConnection::handle_datagram(std::span<const std::uint8_t> datagram, const SocketAddress& from, core::TimePoint now) {
  if (failed_ || !transport_) return;
  transport_->handle_datagram(datagram, from, now);
  pump(now);
}

void PeerConnection::handle_timeout(core::TimePoint now) {
  if (failed_ || !transport_) return;
  transport_->handle_timeout(now);
  pump(now);
}

void PeerConnection::pump(core::TimePoint now) {
  (void)now;
  if (failed_ || !transport_) return;
  while (auto event = transport_->poll_event()) {
    if (std::holds_alternative<SctpUp>(*event)) {
      if (was_up_) continue;
      was_up_ = true;
      events_.push_back(PeerConnected{});
      for (auto& [id, channel] : channels_) {
        if (!channel.open_sent) send_open(id, channel);
      }
    } else if (auto* message = std::get_if<SctpMessage>(&*event)) {
      handle_message(std::move(*message));
    } else if (auto* failed = std::get_if<TransportFailed>(&*event)) {
      fail(failed->error.code, failed->error.message);
      break;
    }
  }
  collect_transmits();
}

std::optional<DatagramTransmit> PeerConnection::poll_transmit() { return core::pop_front(transmits_); }

std::optional<PeerConnectionEvent> PeerConnection::poll_event() { return core::pop_front(events_); }

std::optional<core::TimePoint> PeerConnection::poll_timeout() const {
  if (failed_ || !transport_) return std::nullopt;
  return transport_->poll_timeout();
}

}  // namespace dclcomms::webrtc
