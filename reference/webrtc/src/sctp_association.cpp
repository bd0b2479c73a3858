// SctpAssociation on usrsctp (see the header). usrsctp calls back synchronously from inside
// usrsctp_conninput / usrsctp_sendv / usrsctp_handle_timers (no threads of its own), with the
// association's address as the connection's identity; a registry of live associations keeps a
// late callback (after a close) from reaching a destroyed object.
#include "dclcomms/webrtc/sctp_association.hpp"

#include <usrsctp.h>

#include <arpa/inet.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <set>

#include "dclcomms/core/assert.hpp"
#include "dclcomms/core/queue.hpp"

namespace dclcomms::webrtc {

namespace {

std::set<SctpAssociation*>& live_associations() {
  static std::set<SctpAssociation*> live;
  return live;
}

int usrsctp_output(void* address, void* buffer, std::size_t length, std::uint8_t, std::uint8_t) {
  auto* association = static_cast<SctpAssociation*>(address);
  if (live_associations().contains(association)) association->on_output(buffer, length);
  return 0;
}

int usrsctp_receive(struct socket*, union sctp_sockstore, void* data, std::size_t length, struct sctp_rcvinfo info, int flags, void* ulp) {
  auto* association = static_cast<SctpAssociation*>(ulp);
  if (live_associations().contains(association)) {
    if (data == nullptr) {
      association->on_notification(nullptr, 0);
    } else if (flags & MSG_NOTIFICATION) {
      association->on_notification(data, length);
    } else {
      association->on_receive(data, length, info.rcv_sid, ntohl(info.rcv_ppid), flags);
    }
  }
  std::free(data);  // usrsctp hands over ownership of the buffer
  return 1;
}

// usrsctp's timer wheel is library-wide: advanced by the newest time any association is given.
std::optional<std::int64_t> timers_ms;

void advance_timers(core::TimePoint now) {
  const std::int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  if (!timers_ms || now_ms < *timers_ms) {  // first use, or another time base (a different runtime)
    timers_ms = now_ms;
    return;
  }
  if (now_ms > *timers_ms) {
    usrsctp_handle_timers(static_cast<std::uint32_t>(now_ms - *timers_ms));
    timers_ms = now_ms;
  }
}

void initialise_usrsctp() {
  static const bool done = [] {
    usrsctp_init_nothreads(0, usrsctp_output, nullptr);
    usrsctp_sysctl_set_sctp_ecn_enable(0);
    // What WebRTC peers expect: partial reliability and stream reconfiguration on, no ASCONF/AUTH
    // (dcSCTP and usrsctp-based browsers agree on this set).
    usrsctp_sysctl_set_sctp_pr_enable(1);
    usrsctp_sysctl_set_sctp_asconf_enable(0);
    usrsctp_sysctl_set_sctp_auth_enable(0);
    usrsctp_sysctl_set_sctp_delayed_sack_time_default(20);
    return true;
  }();
  (void)done;
}

template <class Value>
void set_option(struct socket* socket, int level, int name, const Value& value) {
  usrsctp_setsockopt(socket, level, name, &value, sizeof value);
}

sockaddr_conn conn_address(SctpAssociation* association, std::uint16_t port) {
  sockaddr_conn address{};
  address.sconn_family = AF_CONN;
  address.sconn_port = htons(port);
  address.sconn_addr = association;
  return address;
}

}  // namespace

SctpAssociation::SctpAssociation(std::uint16_t local_port, std::uint16_t remote_port) : local_port_(local_port), remote_port_(remote_port) {
  initialise_usrsctp();
  live_associations().insert(this);
  usrsctp_register_address(this);
  socket_ = usrsctp_socket(AF_CONN, SOCK_STREAM, IPPROTO_SCTP, usrsctp_receive, nullptr, 0, this);
  DCL_ASSERT(socket_ != nullptr);
  usrsctp_set_non_blocking(socket_, 1);
  set_option(socket_, SOL_SOCKET, SO_LINGER, linger{1, 0});  // close = ABORT: nothing lingers after us
  set_option(socket_, IPPROTO_SCTP, SCTP_RECVRCVINFO, int{1});
  set_option(socket_, IPPROTO_SCTP, SCTP_NODELAY, int{1});
  set_option(socket_, SOL_SOCKET, SO_RCVBUF, int{1 << 20});
  set_option(socket_, SOL_SOCKET, SO_SNDBUF, int{1 << 20});
  sctp_assoc_value reset{};
  reset.assoc_id = SCTP_ALL_ASSOC;
  reset.assoc_value = SCTP_ENABLE_RESET_STREAM_REQ;
  set_option(socket_, IPPROTO_SCTP, SCTP_ENABLE_STREAM_RESET, reset);
  for (const std::uint16_t type : {SCTP_ASSOC_CHANGE, SCTP_STREAM_RESET_EVENT}) {
    sctp_event event{};
    event.se_assoc_id = SCTP_ALL_ASSOC;
    event.se_on = 1;
    event.se_type = type;
    set_option(socket_, IPPROTO_SCTP, SCTP_EVENT, event);
  }
  sctp_initmsg init{};
  init.sinit_num_ostreams = 1024;  // what WebRTC stacks use (RFC 8831 §6.2 leaves it to them)
  init.sinit_max_instreams = 1024;
  set_option(socket_, IPPROTO_SCTP, SCTP_INITMSG, init);
  const sockaddr_conn local = conn_address(this, local_port_);
  usrsctp_bind(socket_, reinterpret_cast<sockaddr*>(const_cast<sockaddr_conn*>(&local)), sizeof local);
}

SctpAssociation::~SctpAssociation() {
  live_associations().erase(this);
  if (socket_) usrsctp_close(socket_);
  usrsctp_deregister_address(this);
}

void SctpAssociation::start(core::TimePoint now) {
  advance_timers(now);
  last_time_ = now;
  const sockaddr_conn remote = conn_address(this, remote_port_);
  const int result = usrsctp_connect(socket_, reinterpret_cast<sockaddr*>(const_cast<sockaddr_conn*>(&remote)), sizeof remote);
  if (result < 0 && errno != EINPROGRESS) {
    closed_ = true;
    events_.push_back(SctpClosed{"SCTP connect failed: " + std::string(std::strerror(errno))});
  }
}

void SctpAssociation::handle_packet(std::span<const std::uint8_t> packet, core::TimePoint now) {
  advance_timers(now);
  if (closed_) return;
  usrsctp_conninput(this, packet.data(), packet.size(), 0);
}

void SctpAssociation::handle_timeout(core::TimePoint now) {
  advance_timers(now);
  last_time_ = now;
}

std::optional<core::TimePoint> SctpAssociation::poll_timeout() const {
  if (closed_ || !last_time_) return std::nullopt;
  // usrsctp has no "next deadline" query: its timers are advanced in 10 ms steps while it lives.
  return *last_time_ + std::chrono::milliseconds(10);
}

bool SctpAssociation::send(std::uint16_t stream, std::uint32_t ppid, std::span<const std::uint8_t> bytes, SctpSendOptions options) {
  if (!up_ || closed_) return false;
  sctp_sendv_spa info{};
  info.sendv_flags = SCTP_SEND_SNDINFO_VALID;
  info.sendv_sndinfo.snd_sid = stream;
  info.sendv_sndinfo.snd_ppid = htonl(ppid);
  info.sendv_sndinfo.snd_flags = SCTP_EOR | (options.unordered ? SCTP_UNORDERED : 0);
  if (options.max_retransmits) {
    info.sendv_flags |= SCTP_SEND_PRINFO_VALID;
    info.sendv_prinfo.pr_policy = SCTP_PR_SCTP_RTX;
    info.sendv_prinfo.pr_value = *options.max_retransmits;
  }
  const ssize_t sent = usrsctp_sendv(socket_, bytes.data(), bytes.size(), nullptr, 0, &info, sizeof info, SCTP_SENDV_SPA, 0);
  return sent == static_cast<ssize_t>(bytes.size());
}

bool SctpAssociation::idle() const {
  if (!up_ || closed_) return true;
  sctp_status status{};
  socklen_t size = sizeof status;
  if (usrsctp_getsockopt(socket_, IPPROTO_SCTP, SCTP_STATUS, &status, &size) != 0) return true;
  return status.sstat_unackdata == 0 && status.sstat_penddata == 0;
}

void SctpAssociation::on_output(const void* data, std::size_t size) {
  if (transmits_.size() >= queue_max) return;  // not drained: dropped, SCTP retransmits
  const auto* bytes = static_cast<const std::uint8_t*>(data);
  transmits_.emplace_back(bytes, bytes + size);
}

void SctpAssociation::on_receive(const void* data, std::size_t size, std::uint16_t stream, std::uint32_t ppid, int flags) {
  const auto* bytes = static_cast<const std::uint8_t*>(data);
  if (partial_.size() + size > message_bytes_max) {
    partial_.clear();  // larger than any message we accept: dropped whole
    return;
  }
  partial_.insert(partial_.end(), bytes, bytes + size);
  if (!(flags & MSG_EOR)) return;
  if (events_.size() < queue_max) events_.push_back(SctpMessage{stream, ppid, std::move(partial_)});
  partial_.clear();
}

void SctpAssociation::on_notification(const void* data, std::size_t size) {
  if (data == nullptr) {
    if (!closed_) events_.push_back(SctpClosed{"the SCTP association ended"});
    closed_ = true;
    up_ = false;
    return;
  }
  const auto* notification = static_cast<const sctp_notification*>(data);
  if (size < sizeof(notification->sn_header)) return;
  if (notification->sn_header.sn_type != SCTP_ASSOC_CHANGE) return;
  switch (notification->sn_assoc_change.sac_state) {
    case SCTP_COMM_UP:
      if (!up_) events_.push_back(SctpUp{});
      up_ = true;
      break;
    case SCTP_COMM_LOST:
    case SCTP_SHUTDOWN_COMP:
    case SCTP_CANT_STR_ASSOC:
      if (!closed_)
        events_.push_back(
            SctpClosed{notification->sn_assoc_change.sac_state == SCTP_COMM_LOST ? "SCTP association lost" : "SCTP association closed"});
      closed_ = true;
      up_ = false;
      break;
    default: break;
  }
}

std::optional<std::vector<std::uint8_t>> SctpAssociation::poll_transmit() { return core::pop_front(transmits_); }

std::optional<SctpEvent> SctpAssociation::poll_event() { return core::pop_front(events_); }

}  // namespace dclcomms::webrtc
