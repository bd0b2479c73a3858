#pragma once
// One SCTP association over DTLS (RFC 8261), on usrsctp (Debian's libusrsctp), sans-I/O: packets
// in through handle_packet, out through poll_transmit (each one DTLS application record). usrsctp
// runs without threads of its own (usrsctp_init_nothreads): its timers advance only when an
// association's handle_timeout passes the time in, so the carrier owns scheduling.
//
// usrsctp is one library-wide state: the timer wheel is shared by every association of the process
// and advanced by the latest time any of them is given.

#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "dclcomms/core/time.hpp"

struct socket;  // usrsctp's

namespace dclcomms::webrtc {

struct SctpMessage {
  std::uint16_t stream = 0;
  std::uint32_t ppid = 0;  // payload protocol identifier (RFC 8831 §8: 50 DCEP, 51 string, 53 binary, 56/57 empty)
  std::vector<std::uint8_t> bytes;
};
struct SctpUp {};
struct SctpClosed {
  std::string reason;
};
using SctpEvent = std::variant<SctpUp, SctpMessage, SctpClosed>;

struct SctpSendOptions {
  bool unordered = false;
  std::optional<std::uint16_t> max_retransmits;  // partial reliability (RFC 3758): none = reliable
};

class SctpAssociation {
 public:
  /// Ports as the two SDPs' a=sctp-port say (5000 by default).
  SctpAssociation(std::uint16_t local_port, std::uint16_t remote_port);
  ~SctpAssociation();
  SctpAssociation(const SctpAssociation&) = delete;
  SctpAssociation& operator=(const SctpAssociation&) = delete;

  /// Sends INIT (both WebRTC endpoints do; SCTP resolves the collision).
  void start(core::TimePoint now);
  void handle_packet(std::span<const std::uint8_t> packet, core::TimePoint now);
  void handle_timeout(core::TimePoint now);
  /// Queues one message; false when the association is not up or its send buffer is full (the
  /// message is not sent).
  bool send(std::uint16_t stream, std::uint32_t ppid, std::span<const std::uint8_t> bytes, SctpSendOptions options);

  std::optional<std::vector<std::uint8_t>> poll_transmit();
  std::optional<SctpEvent> poll_event();
  std::optional<core::TimePoint> poll_timeout() const;
  bool up() const { return up_; }
  /// No data of ours queued or unacknowledged (SCTP_STATUS).
  bool idle() const;

  // For usrsctp's callbacks (sctp_association.cpp) only.
  void on_output(const void* data, std::size_t size);
  void on_receive(const void* data, std::size_t size, std::uint16_t stream, std::uint32_t ppid, int flags);
  void on_notification(const void* data, std::size_t size);

 private:
  struct socket* socket_ = nullptr;
  std::uint16_t local_port_, remote_port_;
  bool up_ = false;
  bool closed_ = false;
  std::optional<core::TimePoint> last_time_;
  std::vector<std::uint8_t> partial_;  // a message delivered in pieces (partial delivery)
  std::deque<std::vector<std::uint8_t>> transmits_;
  std::deque<SctpEvent> events_;
  static constexpr std::size_t queue_max = 8192;
  static constexpr std::size_t message_bytes_max = 1 << 20;
};

}  // namespace dclcomms::webrtc
