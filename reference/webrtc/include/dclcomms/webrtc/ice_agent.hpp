#pragma once
// ICE for data-only peer connections on host candidates, sans-I/O (time passed in, datagrams out
// through poll_transmit). Two roles, because our room server is an ICE-lite agent (RFC 8445 §2.5;
// LiveKit's own server offers `rtc.use_ice_lite` too) and so every peer it meets is the full,
// controlling agent that runs the checks:
//   * IceLiteAgent (the server): answers Binding requests whose USERNAME is "<local ufrag>:<remote
//     ufrag>" and whose MESSAGE-INTEGRITY is keyed with the local password; the peer's address of a
//     check carrying USE-CANDIDATE becomes the selected one (RFC 8445 §7.3.1.5). Never sends a check.
//   * IceControllingAgent (our client, against a lite peer): sends Binding requests with
//     USE-CANDIDATE (aggressive nomination) to each remote candidate, paced, retransmitted; the first
//     success selects that candidate; afterwards a consent check every 5 s (RFC 7675); fails when no
//     check succeeds for `connect_timeout`, or when consent is lost for 30 s. It answers Binding
//     requests from the peer too (a full peer would send them).

#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "dclcomms/core/prng.hpp"
#include "dclcomms/core/result.hpp"
#include "dclcomms/core/time.hpp"
#include "dclcomms/webrtc/socket_address.hpp"
#include "dclcomms/webrtc/stun.hpp"

namespace dclcomms::webrtc {

struct IceCredentials {
  std::string ufrag;  // a=ice-ufrag (4+ chars)
  std::string pwd;    // a=ice-pwd (22+ chars)
};

/// Random ICE credentials from `prng` (ufrag 8 chars, pwd 24 chars of the ice-char set).
IceCredentials make_ice_credentials(core::Prng& prng);

class IceLiteAgent {
 public:
  IceLiteAgent(IceCredentials local, IceCredentials remote);

  /// A STUN datagram from `from`. A valid check is answered (poll_transmit) with a success carrying
  /// XOR-MAPPED-ADDRESS = `from`; a check with bad integrity is answered 401 and reported; other
  /// errors (not a request, bad username) are only reported.
  core::Result<core::Ok, StunError> handle_stun(std::span<const std::uint8_t> datagram, const SocketAddress& from);

  std::optional<DatagramTransmit> poll_transmit();
  /// The nominated remote address (a valid check with USE-CANDIDATE), else none.
  const std::optional<SocketAddress>& selected() const { return selected_; }

 private:
  IceCredentials local_, remote_;
  std::optional<SocketAddress> selected_;
  std::deque<DatagramTransmit> transmits_;
};

struct IceControllingOptions {
  core::Duration check_interval = std::chrono::milliseconds(50);  // pacing between checks (RFC 8445 Ta)
  core::Duration connect_timeout = std::chrono::seconds(10);
  core::Duration consent_interval = std::chrono::seconds(5);
  core::Duration consent_timeout = std::chrono::seconds(30);
};

class IceControllingAgent {
 public:
  /// `remote_candidates`: the peer's host candidates (from its SDP), tried in this order.
  IceControllingAgent(IceCredentials local, IceCredentials remote, std::vector<SocketAddress> remote_candidates, std::uint64_t seed,
                      core::TimePoint now, IceControllingOptions options = {});

  /// A STUN datagram from `from`: a response to one of our checks, or a request from the peer.
  core::Result<core::Ok, StunError> handle_stun(std::span<const std::uint8_t> datagram, const SocketAddress& from, core::TimePoint now);
  void handle_timeout(core::TimePoint now);
  std::optional<DatagramTransmit> poll_transmit();
  std::optional<core::TimePoint> poll_timeout() const;

  const std::optional<SocketAddress>& selected() const { return selected_; }
  /// Set when connecting timed out or consent was lost: why.
  const std::optional<std::string>& failure() const { return failure_; }

 private:
  // (the implementation's state)
  IceCredentials local_, remote_;
  std::vector<SocketAddress> remote_candidates_;
  core::Prng prng_;
  IceControllingOptions options_;
  std::optional<SocketAddress> selected_;
  std::optional<std::string> failure_;
  std::deque<DatagramTransmit> transmits_;

  // A check sent and not yet answered: its answer must carry this id and come from `to`.
  struct Outstanding {
    StunTransactionId transaction_id;
    SocketAddress to;
  };
  void send_check(const SocketAddress& to, bool nominate);
  std::string candidates_text() const;

  core::TimePoint start_;
  core::TimePoint next_check_at_;        // before a selection: the next paced check
  std::size_t next_candidate_ = 0;       // round-robin over remote_candidates_
  core::TimePoint next_consent_at_{};    // after: the next consent check
  core::TimePoint last_consent_{};       // after: the last answer from the selected address
  std::uint64_t tie_breaker_ = 0;        // ICE-CONTROLLING's value, drawn once (RFC 8445 §7.1.3)
  std::deque<Outstanding> outstanding_;  // bounded (ice_agent.cpp), oldest first
};

}  // namespace dclcomms::webrtc
