// Mutants: the reference ws-room transport with one deliberate flaw each (signed-login's are in
// signed_login_mutants.cpp). The suite proves itself by catching every one of them with the case
// meant for it (test/mutants_test.cpp).
#include <algorithm>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "../src/reference_capabilities.hpp"
#include "dclcomms/codec/codec.hpp"
#include "dclcomms/conformance/registry.hpp"
#include "dclcomms/core/assert.hpp"
#include "dclcomms/offline/offline_transport.hpp"
#include "dclcomms/transport/event_poster.hpp"
#include "dclcomms/transport/transport_uri.hpp"
#include "dclcomms/ws_room/ws_room_transport.hpp"
#include "dclcomms/ws_room/ws_room_uri.hpp"
#include "deferred_connect.hpp"
#include "livekit_mutants.hpp"
#include "signed_login_mutants.hpp"
#include "timer_mutants.hpp"

namespace dclcomms::conformance {
namespace {

enum class Flaw {
  echo_own_packets,
  swap_reliability,
  reencode_packets,
  misattribute_sender,
  reconnect_after_kick,
  drop_sends_on_disconnect,
  validates_uri_at_connect,
  mishandles_unknown_aliases,
  broadcasts_targeted_sends,
  truncates_at_zero_byte,
  reencode_outbound,
  delivers_sends_after_disconnect,
  ignores_disconnect_during_handshake,
  kick_before_welcome_not_kicked,
  case_sensitive_scheme,
  wedged_by_undecodable_frame,
  connect_outlives_disconnect,
  loses_sends_before_connected,
  stale_sender_cache,
  signs_wrong_payload,
  truncates_over_32k,
  keeps_join_address_case,
  abandons_socket_on_disconnect,
  one_message_per_tick
};

class MutantTransport final : public transport::Transport {
 public:
  MutantTransport(Flaw flaw, transport::TransportUri uri, transport::TransportContext context)
      : flaw_(flaw),
        uri_(std::move(uri)),
        context_(std::move(context)),
        events_(*context_.runtime, [this](const transport::TransportEvent& e) { emit(e); }) {
    make_inner();
  }
  std::string_view type() const override { return "ws-room"; }
  transport::Status connect() override {
    if (flaw_ == Flaw::validates_uri_at_connect) {
      // The flaw: the connection string is only checked here, long after the factory said yes.
      if (auto checked = ws_room::validate_ws_room_uri(uri_); !checked) {
        return core::fail(transport::TransportErrorCode::protocol_error, checked.error().message);
      }
    }
    if (flaw_ == Flaw::connect_outlives_disconnect) {
      // The flaw (deferred_connect.hpp): the connect runs on the next turn of the loop.
      deferred_connect_.start(*context_.runtime, [this] { (void)inner_->connect(); });
      return core::Ok{};
    }
    return inner_->connect();
  }
  void disconnect() override {
    // ... and a disconnect() in between finds nothing open, so it does nothing at all.
    if (flaw_ == Flaw::connect_outlives_disconnect && deferred_connect_.pending()) return;
    stopping_ = true;
    // The flaw (the explorer's ws-room adapter): the socket is only remembered once the welcome
    // came, so a disconnect() before that finds nothing to close, and Connected still follows.
    if (flaw_ == Flaw::ignores_disconnect_during_handshake && !connected_) return;
    if (flaw_ == Flaw::abandons_socket_on_disconnect && connected_ && !abandoned_) {
      // The flaw: the session is declared over to the application, but the socket is only
      // forgotten, not closed; the server and the room go on believing the member is there.
      abandoned_ = true;
      events_.post(transport::Disconnected{"client disconnected", false});
      return;
    }
    inner_->disconnect();
  }
  transport::Status send(std::span<const std::uint8_t> packet, const transport::SendOptions& options) override {
    if (abandoned_) return core::fail(transport::TransportErrorCode::not_connected, "ws-room: disconnected");
    if (flaw_ == Flaw::delivers_sends_after_disconnect && session_ended_) {
      // The flaw: the session was reported over, yet a send quietly opens a new one and delivers
      // the packet there (a "helpful" reconnection behind the application's back).
      late_sends_.push_back({transport::PacketBytes(packet.begin(), packet.end()), options});
      if (late_sends_.size() == 1) {
        make_inner();
        (void)inner_->connect();
      }
      return core::Ok{};
    }
    if (flaw_ == Flaw::loses_sends_before_connected && !connected_) {
      return core::Ok{};  // the flaw: "accepted", and gone — no refusal, no queue
    }
    if (flaw_ == Flaw::drop_sends_on_disconnect) {
      // The flaw: sends are deferred to the next turn of the loop, and a disconnect() in between
      // closes first — so the last packets before a disconnect are lost.
      context_.runtime->post(
          [this, bytes = transport::PacketBytes(packet.begin(), packet.end()), options] { (void)inner_->send(bytes, options); });
      return core::Ok{};
    }
    transport::SendOptions effective = options;
    if (flaw_ == Flaw::broadcasts_targeted_sends) effective.targets.clear();  // the flaw: a whisper to everyone
    if (flaw_ == Flaw::swap_reliability) {
      effective.reliability = options.reliability == transport::Reliability::reliable ? transport::Reliability::unreliable
                                                                                      : transport::Reliability::reliable;
    }
    if (flaw_ == Flaw::truncates_at_zero_byte) {
      // The flaw: the packet went through a C string somewhere (a binding's char*), so it ends at
      // its first zero byte. Only packets that contain one are hurt: shrinking finds the smallest.
      const auto zero = std::find(packet.begin(), packet.end(), std::uint8_t{0});
      return inner_->send(std::span<const std::uint8_t>(packet.begin(), zero), effective);
    }
    if (flaw_ == Flaw::truncates_over_32k && packet.size() > 32768 && packet.size() <= 65535) {
      // The flaw: a fixed 32 KiB send buffer; what is accepted beyond it is cut, silently (the
      // oversize check before it still refuses what is over the limit).
      return inner_->send(packet.first(32768), effective);
    }
    if (flaw_ == Flaw::reencode_outbound) {
      // The flaw: decode and re-encode before sending (a "normalising" layer) — canonical for our
      // encoder, but not the bytes the application handed over.
      if (auto decoded = codec::decode_packet(packet)) return inner_->send(codec::encode_packet(*decoded), effective);
    }
    auto status = inner_->send(packet, effective);
    if (status && flaw_ == Flaw::echo_own_packets && context_.identity) {
      events_.post(transport::MessageReceived{context_.identity->address, transport::PacketBytes(packet.begin(), packet.end())});
    }
    return status;
  }

 private:
  void make_inner() {
    if (flaw_ == Flaw::validates_uri_at_connect) {
      // Only the generic checks ran; a valid string gets the full parse the factory would have done.
      auto parsed = ws_room::validate_ws_room_uri(uri_);
      if (!parsed) {
        inner_ = std::make_unique<offline::OfflineTransport>(*context_.runtime);  // stands in until connect() refuses
        return;
      }
      uri_ = std::move(parsed).value();
    }
    transport::TransportContext context = context_;
    if (flaw_ == Flaw::mishandles_unknown_aliases || flaw_ == Flaw::wedged_by_undecodable_frame || flaw_ == Flaw::stale_sender_cache ||
        flaw_ == Flaw::keeps_join_address_case) {
      context = watching_context();
    }
    if (flaw_ == Flaw::case_sensitive_scheme) context = case_sensitive_scheme_context();
    if (flaw_ == Flaw::signs_wrong_payload && context.identity) {
      // The flaw: the challenge is signed with a trailing newline (a text API that adds one), so the
      // signature verifies for another payload and every real server refuses the login.
      context.identity->sign_payload = [sign = context.identity->sign_payload](std::string_view payload) {
        return sign(std::string(payload) + "\n");
      };
    }
    inner_ = std::make_unique<ws_room::WsRoomTransport>(uri_, context);
    inner_->set_event_handler([this](const transport::TransportEvent& event) { on_event(event); });
  }

  // The flaw of mishandles_unknown_aliases lives where the frames arrive: a "last member" cache
  // that a map lookup falls back to, so an update from an alias never announced is attributed to
  // whoever joined last instead of being dropped.
  transport::TransportContext watching_context() {
    transport::TransportContext context = context_;
    context.websocket = [this, connector = context_.websocket](const std::string& url, const transport::MessageStreamOptions& options,
                                                               transport::MessageStreamHandler handler) {
      handler.on_frame = [this, on_frame = handler.on_frame](std::vector<std::uint8_t> frame) {
        // The flaw of wedged_by_undecodable_frame: a frame reader that, once it met a frame it
        // cannot parse, discards that one and every later one, and says nothing.
        if (flaw_ == Flaw::wedged_by_undecodable_frame) {
          wedged_ = wedged_ || !codec::decode_ws_packet(frame);
          if (wedged_) return;
        }
        if (flaw_ == Flaw::mishandles_unknown_aliases) watch_frame(frame);
        if (flaw_ == Flaw::stale_sender_cache) cache_sender(frame);
        if (flaw_ == Flaw::keeps_join_address_case) {
          // The flaw (the explorer's adapter): a WsPeerJoin's address is kept as the server wrote it.
          if (const auto packet = codec::decode_ws_packet(frame); packet && packet->has_peer_join_message()) {
            const auto& written = packet->peer_join_message().address();
            as_written_[ws_room::to_lower_ascii(written)] = written;
          }
        }
        if (on_frame) on_frame(std::move(frame));
      };
      return connector(url, options, std::move(handler));
    };
    return context;
  }

  // The flaw of case_sensitive_scheme (the explorer's ws-room adapter): "wss://" is prepended to
  // the connection string's parameters unless they start with a lowercase "ws://" or "wss://", so
  // "WSS://Host/rooms/x" opens wss://WSS://Host/rooms/x, a connection to a host named "wss".
  transport::TransportContext case_sensitive_scheme_context() {
    transport::TransportContext context = context_;
    context.websocket = [params = uri_.params, connector = context_.websocket](const std::string&,
                                                                               const transport::MessageStreamOptions& options,
                                                                               transport::MessageStreamHandler handler) {
      const bool has_scheme = params.starts_with("ws://") || params.starts_with("wss://");
      return connector(has_scheme ? params : "wss://" + params, options, std::move(handler));
    };
    return context;
  }

  void watch_frame(const std::vector<std::uint8_t>& frame) {
    const auto packet = codec::decode_ws_packet(frame);
    if (!packet) return;
    if (packet->has_welcome_message()) {
      for (const auto& [alias, address] : packet->welcome_message().peer_identities()) {
        known_aliases_.insert(alias);
        last_member_ = address;
      }
    } else if (packet->has_peer_join_message()) {
      known_aliases_.insert(packet->peer_join_message().alias());
      last_member_ = packet->peer_join_message().address();
    } else if (packet->has_peer_update_message() && !known_aliases_.contains(packet->peer_update_message().from_alias()) &&
               !last_member_.empty()) {
      const auto& body = packet->peer_update_message().body();
      events_.post(transport::MessageReceived{ws_room::to_lower_ascii(last_member_), transport::PacketBytes(body.begin(), body.end())});
    }
  }

  // The flaw of stale_sender_cache: the alias -> address lookup is memoised and the memo is only
  // dropped when the membership changes, not when the sender does; right while one member talks.
  void cache_sender(const std::vector<std::uint8_t>& frame) {
    const auto packet = codec::decode_ws_packet(frame);
    if (!packet) return;
    if (packet->has_welcome_message()) {
      for (const auto& [alias, address] : packet->welcome_message().peer_identities()) members_[alias] = ws_room::to_lower_ascii(address);
      cached_sender_.clear();
    } else if (packet->has_peer_join_message()) {
      members_[packet->peer_join_message().alias()] = ws_room::to_lower_ascii(packet->peer_join_message().address());
      cached_sender_.clear();
    } else if (packet->has_peer_leave_message()) {
      members_.erase(packet->peer_leave_message().alias());
      cached_sender_.clear();
    } else if (packet->has_peer_update_message()) {
      const auto member = members_.find(packet->peer_update_message().from_alias());
      if (member == members_.end()) return;  // dropped by the transport: no event to rename
      if (cached_sender_.empty()) cached_sender_ = member->second;
      senders_.push_back(cached_sender_);
    }
  }

  void on_event(const transport::TransportEvent& event) {
    if (abandoned_) return;  // abandons_socket_on_disconnect: the application was told it is over
    if (std::holds_alternative<transport::Connected>(event)) connected_ = true;
    if (const auto* d = std::get_if<transport::Disconnected>(&event);
        d && d->kicked && !connected_ && flaw_ == Flaw::kick_before_welcome_not_kicked) {
      // The flaw (the kernel's handshake, spec §9.11): a kick before the welcome falls through to
      // "the server did not provide a challenge", a protocol error rather than a kick.
      transport::Disconnected changed = *d;
      changed.kicked = false;
      return emit(changed);
    }
    if (flaw_ == Flaw::delivers_sends_after_disconnect) {
      if (std::holds_alternative<transport::Disconnected>(event)) session_ended_ = true;
      if (std::holds_alternative<transport::Connected>(event) && !late_sends_.empty()) {
        for (const auto& [bytes, options] : late_sends_) (void)inner_->send(bytes, options);
        late_sends_.clear();
        session_ended_ = false;
      }
    }
    if (const auto* l = std::get_if<transport::PeerLeft>(&event); l && flaw_ == Flaw::keeps_join_address_case) {
      return emit(transport::PeerLeft{as_written(l->address)});
    }
    if (std::holds_alternative<transport::MessageReceived>(event) && flaw_ == Flaw::one_message_per_tick) {
      // The flaw: a receive loop that handles one message per 40 ms tick; one that arrives sooner
      // after the previous is lost without a word. Packets 50 ms apart never meet it; a loss does,
      // whose retransmission arrives together with the messages queued behind it.
      const core::TimePoint now = context_.runtime->now();
      const bool too_soon = last_message_at_ && now - *last_message_at_ < std::chrono::milliseconds(40);
      last_message_at_ = now;
      if (too_soon) return;
    }
    if (const auto* m = std::get_if<transport::MessageReceived>(&event)) {
      transport::MessageReceived changed = *m;
      if (flaw_ == Flaw::keeps_join_address_case) changed.sender = as_written(m->sender);
      if (flaw_ == Flaw::misattribute_sender) changed.sender = "0x0000000000000000000000000000000000000001";
      if (flaw_ == Flaw::stale_sender_cache && !senders_.empty()) {
        changed.sender = senders_.front();
        senders_.pop_front();
      }
      if (flaw_ == Flaw::reencode_packets) {
        if (auto packet = codec::decode_packet(m->packet)) changed.packet = codec::encode_packet(*packet);
      }
      return emit(changed);
    }
    if (const auto* d = std::get_if<transport::Disconnected>(&event); d && d->kicked && flaw_ == Flaw::reconnect_after_kick && !stopping_) {
      // The flaw: fight the other session instead of staying away (unity-explorer #7470, bevy #436).
      emit(event);
      context_.runtime->post([this] {
        make_inner();
        (void)inner_->connect();
      });
      return;
    }
    emit(event);
  }

  std::string as_written(const std::string& lowercase) const {
    const auto it = as_written_.find(lowercase);
    return it == as_written_.end() ? lowercase : it->second;
  }

  Flaw flaw_;
  transport::TransportUri uri_;
  transport::TransportContext context_;
  std::unique_ptr<transport::Transport> inner_;
  bool stopping_ = false;
  bool session_ended_ = false;
  bool connected_ = false;            // a Connected was reported
  DeferredConnect deferred_connect_;  // connect_outlives_disconnect
  bool abandoned_ = false;            // abandons_socket_on_disconnect: Disconnected reported, socket left open
  bool wedged_ = false;               // wedged_by_undecodable_frame: frames are discarded from now on
  std::vector<std::pair<transport::PacketBytes, transport::SendOptions>> late_sends_;
  std::set<std::uint32_t> known_aliases_;
  std::map<std::uint32_t, std::string> members_;   // stale_sender_cache: alias -> lowercase address
  std::string cached_sender_;                      // stale_sender_cache: the memo
  std::deque<std::string> senders_;                // stale_sender_cache: the sender of each update, in order
  std::map<std::string, std::string> as_written_;  // keeps_join_address_case: lowercase -> as the join wrote it
  std::string last_member_;
  std::optional<core::TimePoint> last_message_at_;  // one_message_per_tick
  transport::EventPoster events_;
};

TransportUnderTest mutant(const std::string& name, Flaw flaw) {
  Capabilities capabilities = ws_room_capabilities();
  // Its sends after the disconnect are "accepted" like the explorer's: only their delivery may
  // catch it, not a missing refusal.
  if (flaw == Flaw::delivers_sends_after_disconnect) capabilities.typed_send_refusals = false;
  return TransportUnderTest{name, capabilities, [flaw](transport::TransportFactory& factory, const HarnessServices&) {
                              factory.register_type(
                                  "ws-room",
                                  [flaw](const transport::TransportUri& uri, const transport::TransportContext& context)
                                      -> core::Result<transport::TransportPtr, transport::UriError> {
                                    return transport::TransportPtr(std::make_unique<MutantTransport>(flaw, uri, context));
                                  },
                                  // The URI mutant says yes to everything at creation: only the generic checks run.
                                  flaw == Flaw::validates_uri_at_connect ? transport::UriValidator{}
                                                                         : transport::UriValidator{ws_room::validate_ws_room_uri});
                            }};
}

}  // namespace

std::vector<Mutant> mutants() {
  std::vector<Mutant> all = {
      {mutant("mutant-echo-own-packets", Flaw::echo_own_packets), "wsroom.no_echo", "surfaces its own packets as messages"},
      {mutant("mutant-swap-reliability", Flaw::swap_reliability), "wsroom.pack.outbound_byte_identical",
       "sends reliable as unreliable and back"},
      {mutant("mutant-reencode-packets", Flaw::reencode_packets), "wsroom.pack.golden_inbound",
       "re-encodes received packets, altering their bytes"},
      {mutant("mutant-misattribute-sender", Flaw::misattribute_sender), "wsroom.pack.inbound_byte_identical",
       "attributes packets to the wrong sender"},
      {mutant("mutant-reconnect-after-kick", Flaw::reconnect_after_kick), "wsroom.kick.no_reconnect", "reconnects after being kicked"},
      {mutant("mutant-drop-sends-on-disconnect", Flaw::drop_sends_on_disconnect), "wsroom.lifecycle.sends_before_disconnect_arrive",
       "loses the reliable packets sent just before disconnect()"},
      {mutant("mutant-validates-uri-at-connect", Flaw::validates_uri_at_connect), "uri.fail_fast.rejects_corpus",
       "accepts bad connection strings at creation and fails only at connect()"},
      {mutant("mutant-mishandles-unknown-aliases", Flaw::mishandles_unknown_aliases), "wsroom.peers.stale_leave_and_unknown_alias",
       "attributes updates from unannounced aliases to the last member that joined"},
      {mutant("mutant-broadcasts-targeted-sends", Flaw::broadcasts_targeted_sends), "wsroom.pack.targeted_send_not_broadcast",
       "drops the targets of a send and broadcasts it to the whole room"},
      {mutant("mutant-truncates-at-zero-byte", Flaw::truncates_at_zero_byte), "wsroom.pack.outbound_byte_identical",
       "cuts every packet at its first zero byte (a C string on the way)"},
      {mutant("mutant-reencode-outbound", Flaw::reencode_outbound), "wsroom.pack.golden_outbound",
       "decodes and re-encodes packets before sending them"},
      {mutant("mutant-delivers-sends-after-disconnect", Flaw::delivers_sends_after_disconnect), "wsroom.lifecycle.server_close_is_reported",
       "accepts a send after Disconnected and delivers it through a new session it opens for it"},
      {mutant("mutant-ignores-disconnect-during-handshake", Flaw::ignores_disconnect_during_handshake),
       "wsroom.lifecycle.disconnect_after_identification",
       "ignores a disconnect() before the welcome: the socket stays open and Connected follows"},
      {mutant("mutant-kick-before-welcome-not-kicked", Flaw::kick_before_welcome_not_kicked), "wsroom.handshake.kicked_before_welcome",
       "reports a kick that answers the identification as kicked=false"},
      {mutant("mutant-case-sensitive-scheme", Flaw::case_sensitive_scheme), "uri.opens_the_endpoint.ws_room",
       "takes an upper-case scheme for a host name: WSS://Host/x opens wss://WSS://Host/x"},
      {mutant("mutant-wedged-by-undecodable-frame", Flaw::wedged_by_undecodable_frame), "wsroom.undecodable_frame_after_welcome",
       "discards every frame after one it cannot decode, silently, and stays connected"},
      {mutant("mutant-connect-outlives-disconnect", Flaw::connect_outlives_disconnect),
       "wsroom.lifecycle.connect_then_disconnect_in_one_tick",
       "opens its socket on the next turn of the loop; a disconnect() before that is ignored and the session joins anyway"},
      {mutant("mutant-loses-sends-before-connected", Flaw::loses_sends_before_connected), "wsroom.lifecycle.send_before_connected",
       "accepts a send before Connected and drops it without a word"},
      {mutant("mutant-signs-wrong-payload", Flaw::signs_wrong_payload), "wsroom.handshake.signs_dcl_challenge",
       "signs the challenge with a trailing newline: no server lets it in"},
      {mutant("mutant-truncates-over-32k", Flaw::truncates_over_32k), "wsroom.pack.sizes_up_to_the_limit",
       "cuts every packet it accepts to 32 KiB (a fixed send buffer)"},
      {mutant("mutant-abandons-socket-on-disconnect", Flaw::abandons_socket_on_disconnect), "wsroom.lifecycle.disconnect_leaves_room",
       "after joining, disconnect() reports Disconnected but leaves the socket open: the room still counts it in"},
      {mutant("mutant-keeps-join-address-case", Flaw::keeps_join_address_case), "wsroom.peers.mixed_case_join_lowercased",
       "reports a member by the address its WsPeerJoin wrote, mixed case and all (the explorer's adapter)"},
      {mutant("mutant-stale-sender-cache", Flaw::stale_sender_cache), "wsroom.pack.interleaved_senders_attributed",
       "memoises the sender's address until the membership changes: right with one member talking, wrong with several"},
      {mutant("mutant-one-message-per-tick", Flaw::one_message_per_tick), "wsroom.faults.reliable_exactly_once.lossy-5pct",
       "handles one received message per 40 ms tick and loses the rest: only a loss, whose retransmission bunches messages, shows it "
       "(`--shrink` reduces the weather to that one loss)"},
  };
  for (auto& m : signed_login_mutants()) all.push_back(std::move(m));
  for (auto& m : livekit_mutants()) all.push_back(std::move(m));
  for (auto& m : timer_mutants()) all.push_back(std::move(m));
  return all;
}

}  // namespace dclcomms::conformance
