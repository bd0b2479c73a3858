// Mutants: the reference ws-room transport with one deliberate flaw each. The suite proves itself by
// catching every one of them with the case meant for it (test/mutants_test.cpp).
#include <memory>

#include "../src/reference_capabilities.hpp"
#include "livekit_mutants.hpp"
#include "dclcomms/conformance/registry.hpp"
#include "dclcomms/core/assert.hpp"
#include "dclcomms/codec/codec.hpp"
#include "dclcomms/transport/event_poster.hpp"
#include "dclcomms/ws_room/ws_room_transport.hpp"

namespace dclcomms::conformance {
namespace {

enum class Flaw { echo_own_packets, swap_reliability, reencode_packets, misattribute_sender, reconnect_after_kick,
                  drop_sends_on_disconnect };

class MutantTransport final : public transport::Transport {
 public:
  MutantTransport(Flaw flaw, transport::TransportUri uri, transport::TransportContext context)
      : flaw_(flaw), uri_(std::move(uri)), context_(std::move(context)),
        events_(*context_.runtime, [this](const transport::TransportEvent& e) { emit(e); }) {
    make_inner();
  }
  std::string_view type() const override { return "ws-room"; }
  transport::Status connect() override { return inner_->connect(); }
  void disconnect() override {
    stopping_ = true;
    inner_->disconnect();
  }
  transport::Status send(std::span<const std::uint8_t> packet, const transport::SendOptions& options) override {
    if (flaw_ == Flaw::drop_sends_on_disconnect) {
      // The flaw: sends are deferred to the next turn of the loop, and a disconnect() in between
      // closes first — so the last packets before a disconnect are lost.
      context_.runtime->post([this, bytes = transport::PacketBytes(packet.begin(), packet.end()), options] {
        (void)inner_->send(bytes, options);
      });
      return core::Ok{};
    }
    transport::SendOptions effective = options;
    if (flaw_ == Flaw::swap_reliability) {
      effective.reliability = options.reliability == transport::Reliability::reliable ? transport::Reliability::unreliable
                                                                                       : transport::Reliability::reliable;
    }
    auto status = inner_->send(packet, effective);
    if (status && flaw_ == Flaw::echo_own_packets && context_.identity) {
      events_.post(transport::MessageReceived{context_.identity->address, transport::PacketBytes(packet.begin(), packet.end())});
    }
    return status;
  }

 private:
  void make_inner() {
    inner_ = std::make_unique<ws_room::WsRoomTransport>(uri_, context_);
    inner_->set_event_handler([this](const transport::TransportEvent& event) { on_event(event); });
  }

  void on_event(const transport::TransportEvent& event) {
    if (const auto* m = std::get_if<transport::MessageReceived>(&event)) {
      transport::MessageReceived changed = *m;
      if (flaw_ == Flaw::misattribute_sender) changed.sender = "0x0000000000000000000000000000000000000001";
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

  Flaw flaw_;
  transport::TransportUri uri_;
  transport::TransportContext context_;
  std::unique_ptr<transport::Transport> inner_;
  bool stopping_ = false;
  transport::EventPoster events_;
};

TransportUnderTest mutant(const std::string& name, Flaw flaw) {
  return TransportUnderTest{name, ws_room_capabilities(), [flaw](transport::TransportFactory& factory, const HarnessServices&) {
                              factory.register_type("ws-room", [flaw](const transport::TransportUri& uri, const transport::TransportContext& context)
                                                                   -> core::Result<transport::TransportPtr, transport::UriError> {
                                return transport::TransportPtr(std::make_unique<MutantTransport>(flaw, uri, context));
                              });
                            }};
}

}  // namespace

std::vector<Mutant> mutants() {
  std::vector<Mutant> all{
      {mutant("mutant-echo-own-packets", Flaw::echo_own_packets), "wsroom.no_echo", "surfaces its own packets as messages"},
      {mutant("mutant-swap-reliability", Flaw::swap_reliability), "wsroom.pack.outbound_byte_identical", "sends reliable as unreliable and back"},
      {mutant("mutant-reencode-packets", Flaw::reencode_packets), "wsroom.pack.golden_inbound", "re-encodes received packets, altering their bytes"},
      {mutant("mutant-misattribute-sender", Flaw::misattribute_sender), "wsroom.pack.inbound_byte_identical", "attributes packets to the wrong sender"},
      {mutant("mutant-reconnect-after-kick", Flaw::reconnect_after_kick), "wsroom.kick.no_reconnect", "reconnects after being kicked"},
      {mutant("mutant-drop-sends-on-disconnect", Flaw::drop_sends_on_disconnect), "wsroom.lifecycle.sends_before_disconnect_arrive",
       "loses the reliable packets sent just before disconnect()"},
  };
  for (auto& m : livekit_mutants()) all.push_back(std::move(m));
  return all;
}

}  // namespace dclcomms::conformance
