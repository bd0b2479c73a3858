// ICE on host candidates, sans-I/O: the ICE-lite answerer and the controlling checker (ice_agent.hpp).
#include "dclcomms/webrtc/ice_agent.hpp"

#include <algorithm>
#include <utility>

#include "dclcomms/core/assert.hpp"
#include "dclcomms/core/queue.hpp"

namespace dclcomms::webrtc {

namespace {

// A carrier that stops draining poll_transmit must not make a flood of checks (anyone can send them
// to the lite server's port) grow memory without bound: past this, new datagrams are dropped, as a
// full socket buffer would drop them. The peer retransmits its checks.
constexpr std::size_t max_queued_transmits = 64;

// Checks whose answer we still accept. At the default 50 ms pacing this is 3.2 s of checks, far
// beyond any RTT a host-candidate path has; older ones are forgotten (their answers then count as
// unexpected, like answers to checks never sent).
constexpr std::size_t max_outstanding_checks = 64;

// RFC 8445 §7.1.1: a check's PRIORITY is that of a peer-reflexive candidate with the same base
// (type preference 110), local preference 65535 (one interface), component 1 (256 - 1).
constexpr std::uint32_t check_priority = (110U << 24) | (65535U << 8) | 255U;

constexpr std::string_view ice_chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void push_transmit(std::deque<DatagramTransmit>& queue, DatagramTransmit transmit) {
  if (queue.size() >= max_queued_transmits) return;
  queue.push_back(std::move(transmit));
}

void push_error_response(std::deque<DatagramTransmit>& queue, const StunMessage& request, std::uint16_t code, const SocketAddress& to) {
  StunMessage response;
  response.type = stun_binding_error;
  response.transaction_id = request.transaction_id;
  response.error_code = code;
  // RFC 8489 §9.1.3: a 400/401 carries no MESSAGE-INTEGRITY (the requester's key is not trusted).
  push_transmit(queue, {to, encode_stun(response, {}, true)});
}

// Answers a Binding request addressed to us: the one behaviour both agents share (RFC 8445 §7.3).
// USERNAME must be "<local ufrag>:<remote ufrag>" (any remote ufrag when we do not know it yet),
// MESSAGE-INTEGRITY keyed with the local password. Returns whether the valid check nominated.
core::Result<bool, StunError> answer_check(std::span<const std::uint8_t> datagram, const StunMessage& request, const SocketAddress& from,
                                           const IceCredentials& local, const IceCredentials& remote,
                                           std::deque<DatagramTransmit>& transmits) {
  DCL_ASSERT(request.type == stun_binding_request);
  if (!request.has_integrity) {
    // RFC 8489 §9.1.3: a request without MESSAGE-INTEGRITY is a Bad Request, not an Unauthorized one.
    push_error_response(transmits, request, 400, from);
    return core::fail(StunErrorCode::bad_integrity, "a Binding request from " + to_string(from) + " without MESSAGE-INTEGRITY");
  }
  if (!request.username) return core::fail(StunErrorCode::bad_username, "a Binding request from " + to_string(from) + " without USERNAME");
  const std::string& username = *request.username;
  const std::string prefix = local.ufrag + ":";
  const bool username_ok = remote.ufrag.empty() ? username.starts_with(prefix) : username == prefix + remote.ufrag;
  if (!username_ok) {
    return core::fail(StunErrorCode::bad_username, "USERNAME '" + username + "' from " + to_string(from) + " is not '" + prefix +
                                                       (remote.ufrag.empty() ? "<any>" : remote.ufrag) + "'");
  }
  if (!stun_integrity_ok(datagram, local.pwd)) {
    push_error_response(transmits, request, 401, from);
    return core::fail(StunErrorCode::bad_integrity, "MESSAGE-INTEGRITY of a check from " + to_string(from) + " is wrong for our password");
  }
  StunMessage response;
  response.type = stun_binding_success;
  response.transaction_id = request.transaction_id;
  response.xor_mapped_address = from;
  push_transmit(transmits, {from, encode_stun(response, local.pwd, true)});
  return request.use_candidate;
}

// How long, for people: "10 s" when whole seconds, else "1500 ms".
std::string describe(core::Duration duration) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(duration).count();
  return ms % 1000 == 0 ? std::to_string(ms / 1000) + " s" : std::to_string(ms) + " ms";
}

}  // namespace

IceCredentials make_ice_credentials(core::Prng& prng) {
  auto draw = [&prng](std::size_t count) {
    std::string text;
    for (std::size_t i = 0; i < count; ++i) text += ice_chars[prng.uniform_below(ice_chars.size())];
    return text;
  };
  IceCredentials credentials;
  credentials.ufrag = draw(8);
  credentials.pwd = draw(24);
  return credentials;
}

// --- IceLiteAgent ----------------------------------------------------------------------------------

IceLiteAgent::IceLiteAgent(IceCredentials local, IceCredentials remote) : local_(std::move(local)), remote_(std::move(remote)) {}

core::Result<core::Ok, StunError> IceLiteAgent::handle_stun(std::span<const std::uint8_t> datagram, const SocketAddress& from) {
  auto parsed = parse_stun(datagram);
  if (!parsed) return core::Unexpected<StunError>{parsed.error()};
  // Binding indications are the peer's keepalives (RFC 8445 §11): nothing to answer, nothing wrong.
  if (parsed->type == stun_binding_indication) return core::Ok{};
  if (parsed->type != stun_binding_request) {
    // A lite agent sends no request, so no response can be for it.
    return core::fail(StunErrorCode::unexpected, "STUN message type " + std::to_string(parsed->type) + " from " + to_string(from) +
                                                     " (a lite agent only answers Binding requests)");
  }
  auto nominated = answer_check(datagram, *parsed, from, local_, remote_, transmits_);
  if (!nominated) return core::Unexpected<StunError>{nominated.error()};
  // RFC 8445 §7.3.1.5: a valid check with USE-CANDIDATE nominates its pair; the latest one wins, so a
  // peer whose address changed (a NAT rebinding) can move the selection by checking again.
  if (*nominated) selected_ = from;
  return core::Ok{};
}

std::optional<DatagramTransmit> IceLiteAgent::poll_transmit() { return core::pop_front(transmits_); }

// --- IceControllingAgent ---------------------------------------------------------------------------

IceControllingAgent::IceControllingAgent(IceCredentials local, IceCredentials remote, std::vector<SocketAddress> remote_candidates,
                                         std::uint64_t seed, core::TimePoint now, IceControllingOptions options)
    : local_(std::move(local)),
      remote_(std::move(remote)),
      remote_candidates_(std::move(remote_candidates)),
      prng_(seed),
      options_(options),
      start_(now),
      next_check_at_(now) {
  DCL_ASSERT(options_.check_interval > core::Duration::zero());
  DCL_ASSERT(options_.consent_interval > core::Duration::zero());
  tie_breaker_ = prng_.next_u64();
  if (remote_candidates_.empty()) failure_ = "ICE has no remote candidate to check";
}

std::string IceControllingAgent::candidates_text() const {
  std::string text;
  for (const auto& candidate : remote_candidates_) text += (text.empty() ? "" : ", ") + to_string(candidate);
  return text;
}

void IceControllingAgent::send_check(const SocketAddress& to, bool nominate) {
  StunMessage request;
  request.type = stun_binding_request;
  // Two draws, the first 12 of their 16 bytes: the same seed gives the same ids, run after run.
  const std::uint64_t high = prng_.next_u64();
  const std::uint64_t low = prng_.next_u64();
  for (std::size_t i = 0; i < 8; ++i) request.transaction_id[i] = static_cast<std::uint8_t>(high >> (56 - 8 * i));
  for (std::size_t i = 0; i < 4; ++i) request.transaction_id[8 + i] = static_cast<std::uint8_t>(low >> (56 - 8 * i));
  request.username = remote_.ufrag + ":" + local_.ufrag;
  request.priority = check_priority;
  request.ice_controlling = tie_breaker_;
  request.use_candidate = nominate;
  if (outstanding_.size() >= max_outstanding_checks) outstanding_.pop_front();
  outstanding_.push_back({request.transaction_id, to});
  push_transmit(transmits_, {to, encode_stun(request, remote_.pwd, true)});
}

core::Result<core::Ok, StunError> IceControllingAgent::handle_stun(std::span<const std::uint8_t> datagram, const SocketAddress& from,
                                                                   core::TimePoint now) {
  auto parsed = parse_stun(datagram);
  if (!parsed) return core::Unexpected<StunError>{parsed.error()};
  if (failure_) return core::fail(StunErrorCode::unexpected, "a STUN message from " + to_string(from) + " after ICE failed");
  const StunMessage& message = *parsed;
  if (message.type == stun_binding_indication) return core::Ok{};
  if (message.type == stun_binding_request) {
    // A full peer checks us too; we answer, but only our own checks nominate (we control).
    auto answered = answer_check(datagram, message, from, local_, remote_, transmits_);
    if (!answered) return core::Unexpected<StunError>{answered.error()};
    return core::Ok{};
  }
  if (message.type != stun_binding_success && message.type != stun_binding_error) {
    return core::fail(StunErrorCode::unexpected, "STUN message type " + std::to_string(message.type) + " from " + to_string(from));
  }
  const auto found = std::find_if(outstanding_.begin(), outstanding_.end(),
                                  [&](const Outstanding& check) { return check.transaction_id == message.transaction_id; });
  if (found == outstanding_.end()) {
    return core::fail(StunErrorCode::unexpected, "a Binding response from " + to_string(from) + " to no check of ours");
  }
  // RFC 8445 §7.2.5.2.1: the answer must come from where the check went (symmetric paths).
  if (found->to != from) {
    return core::fail(StunErrorCode::unexpected, "the answer to a check sent to " + to_string(found->to) + " came from " + to_string(from));
  }
  if (message.type == stun_binding_error) {
    outstanding_.erase(found);
    // Not fatal: other checks (and later ones to the same candidate) may still succeed.
    return core::fail(StunErrorCode::unexpected, "the check to " + to_string(from) + " was answered with error " +
                                                     (message.error_code ? std::to_string(*message.error_code) : std::string("?")));
  }
  if (!stun_integrity_ok(datagram, remote_.pwd)) {
    // Kept outstanding: a forged answer must not cancel the real one still on its way.
    return core::fail(StunErrorCode::bad_integrity,
                      "MESSAGE-INTEGRITY of the answer from " + to_string(from) + " is wrong for its password");
  }
  outstanding_.erase(found);
  if (!selected_) {
    selected_ = from;
    next_consent_at_ = now + options_.consent_interval;
    last_consent_ = now;
  } else if (from == *selected_) {
    last_consent_ = now;
  }
  return core::Ok{};
}

void IceControllingAgent::handle_timeout(core::TimePoint now) {
  if (failure_) return;
  if (!selected_) {
    if (now >= start_ + options_.connect_timeout) {
      failure_ = "ICE checks to " + std::to_string(remote_candidates_.size()) + " candidate(s) (" + candidates_text() +
                 ") got no answer in " + describe(options_.connect_timeout);
      outstanding_.clear();
      return;
    }
    if (now >= next_check_at_) {
      send_check(remote_candidates_[next_candidate_ % remote_candidates_.size()], true);
      ++next_candidate_;
      // One check per call, Ta apart: a caller that comes late gets no burst of overdue checks.
      next_check_at_ += options_.check_interval;
      if (next_check_at_ <= now) next_check_at_ = now + options_.check_interval;
    }
    return;
  }
  if (now >= last_consent_ + options_.consent_timeout) {
    failure_ = "ICE consent lost: no answer from " + to_string(*selected_) + " for " + describe(options_.consent_timeout);
    outstanding_.clear();
    return;
  }
  if (now >= next_consent_at_) {
    // RFC 7675 consent check: a plain Binding request on the selected pair (already nominated).
    send_check(*selected_, false);
    next_consent_at_ += options_.consent_interval;
    if (next_consent_at_ <= now) next_consent_at_ = now + options_.consent_interval;
  }
}

std::optional<DatagramTransmit> IceControllingAgent::poll_transmit() { return core::pop_front(transmits_); }

std::optional<core::TimePoint> IceControllingAgent::poll_timeout() const {
  if (failure_) return std::nullopt;
  if (!selected_) return std::min(next_check_at_, start_ + options_.connect_timeout);
  return std::min(next_consent_at_, last_consent_ + options_.consent_timeout);
}

}  // namespace dclcomms::webrtc
