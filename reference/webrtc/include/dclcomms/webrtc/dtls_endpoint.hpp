#pragma once
// DTLS 1.2 for WebRTC (RFC 8827 §6.5, RFC 8842): OpenSSL on memory, sans-I/O. Datagrams in through
// handle_datagram, records out through poll_transmit, one datagram each. The peer is authenticated
// by the SHA-256 fingerprint of its self-signed certificate that its SDP carried, not by a CA. SRTP
// profiles are offered (use_srtp) because WebRTC stacks expect the extension even on data-only
// transports; no SRTP keys are ever used.
//
// Timers: OpenSSL's DTLS retransmission timer reads the system clock internally. poll_timeout()
// converts what OpenSSL reports into the caller's time base, so the carrier still owns scheduling;
// in the simulator this layer is below the documented seam (docs/livekit.md).

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "dclcomms/core/result.hpp"
#include "dclcomms/core/time.hpp"

namespace dclcomms::webrtc {

enum class DtlsErrorCode : std::uint8_t {
  certificate,  // generating our certificate failed
  handshake,    // the handshake failed (the message carries OpenSSL's reason)
  fingerprint,  // the peer's certificate does not match the fingerprint its SDP announced
  closed,       // the peer closed (close_notify) or the endpoint failed earlier
};
std::string_view to_string(DtlsErrorCode code);
using DtlsError = core::Error<DtlsErrorCode>;

/// Our certificate: ECDSA P-256, self-signed, valid 30 days, and its "sha-256" fingerprint as SDP
/// writes it ("AB:CD:…"). One per process is enough; endpoints share it.
class DtlsIdentity {
 public:
  static core::Result<std::shared_ptr<const DtlsIdentity>, DtlsError> generate();
  ~DtlsIdentity();
  const std::string& fingerprint() const { return fingerprint_; }
  struct Native;
  const Native& native() const { return *native_; }

 private:
  DtlsIdentity() = default;
  std::unique_ptr<Native> native_;
  std::string fingerprint_;
};

enum class DtlsRole : std::uint8_t { client, server };

class DtlsEndpoint {
 public:
  /// `remote_fingerprint`: the peer's SDP a=fingerprint (sha-256, "AB:CD:…").
  DtlsEndpoint(std::shared_ptr<const DtlsIdentity> identity, DtlsRole role, std::string remote_fingerprint);
  ~DtlsEndpoint();
  DtlsEndpoint(const DtlsEndpoint&) = delete;
  DtlsEndpoint& operator=(const DtlsEndpoint&) = delete;

  /// Starts the handshake (a client sends its ClientHello).
  void start(core::TimePoint now);
  /// One DTLS datagram from the peer. Application data it carries comes out of poll_received().
  void handle_datagram(std::span<const std::uint8_t> datagram, core::TimePoint now);
  void handle_timeout(core::TimePoint now);
  /// Sends application data (one record); false before the handshake completes or after failure.
  bool send(std::span<const std::uint8_t> data);
  /// Sends close_notify.
  void close();

  std::optional<std::vector<std::uint8_t>> poll_transmit();
  std::optional<std::vector<std::uint8_t>> poll_received();
  std::optional<core::TimePoint> poll_timeout() const { return timeout_; }

  bool connected() const { return connected_; }
  const std::optional<DtlsError>& failure() const { return failure_; }

  /// For the output BIO: one datagram written by OpenSSL.
  void queue_datagram(const std::uint8_t* data, std::size_t size);

 private:
  void advance(core::TimePoint now);
  void fail(DtlsErrorCode code, std::string message);

  struct Native;
  std::unique_ptr<Native> native_;
  std::shared_ptr<const DtlsIdentity> identity_;
  DtlsRole role_;
  std::string remote_fingerprint_;
  bool connected_ = false;
  std::optional<DtlsError> failure_;
  std::optional<core::TimePoint> timeout_;
  std::deque<std::vector<std::uint8_t>> transmits_;
  std::deque<std::vector<std::uint8_t>> received_;
  static constexpr std::size_t queue_datagrams_max = 4096;
};

}  // namespace dclcomms::webrtc
