// Mutants: the reference livekit transport with one deliberate flaw each, each caught by the
// livekit case named beside it in livekit_mutants() (test/mutants_test.cpp proves it).
#include "livekit_mutants.hpp"

#include <memory>

#include "deferred_connect.hpp"

#include "dclcomms/livekit/livekit_transport.hpp"
#include "dclcomms/transport/event_poster.hpp"

namespace dclcomms::conformance {
namespace {

enum class Flaw {
  unreliable_as_reliable,
  ignore_targets,
  echo_own_packets,
  reconnect_after_kick,
  hides_lost_connection,
  misattribute_sender,
  defers_publish,
  connect_outlives_disconnect,
  loses_sends_before_connected,
  truncates_over_32k
};

class LivekitMutant final : public transport::Transport {
 public:
  LivekitMutant(Flaw flaw, std::string uri, transport::TransportContext context, const HarnessServices& services)
      : flaw_(flaw),
        uri_(std::move(uri)),
        context_(std::move(context)),
        services_(services),
        events_(*context_.runtime, [this](const transport::TransportEvent& e) { emit(e); }) {}

  /// The reference transport for `uri_` (the factory's validation included).
  core::Result<core::Ok, transport::UriError> make_inner() {
    transport::TransportFactory factory(context_);
    livekit::register_livekit(factory, {services_.livekit, services_.unix_seconds_now});
    auto created = factory.create(uri_);
    if (!created) return core::fail(created.error().code, created.error().message);
    inner_ = std::move(created).value();
    inner_->set_event_handler([this](const transport::TransportEvent& event) { on_event(event); });
    return core::Ok{};
  }

  std::string_view type() const override { return "livekit"; }
  transport::Status connect() override {
    if (flaw_ == Flaw::connect_outlives_disconnect) {
      // The flaw (deferred_connect.hpp): the connect runs on the next turn of the loop.
      deferred_connect_.start(*context_.runtime, [this] { (void)inner_->connect(); });
      return core::Ok{};
    }
    return inner_->connect();
  }
  void disconnect() override {
    if (flaw_ == Flaw::connect_outlives_disconnect && deferred_connect_.pending()) return;
    stopping_ = true;
    inner_->disconnect();
  }
  transport::Status send(std::span<const std::uint8_t> packet, const transport::SendOptions& options) override {
    if (flaw_ == Flaw::defers_publish && connected_ && packet.size() <= 65535 && options.targets.empty()) {
      // The flaw (a publishData behind an await): what would be accepted is published on the next
      // turn of the loop, by which time a disconnect() made in the same tick has left the room.
      context_.runtime->post([this, bytes = transport::PacketBytes(packet.begin(), packet.end()), options] {
        if (!stopping_) (void)inner_->send(bytes, options);
      });
      return core::Ok{};
    }
    if (flaw_ == Flaw::loses_sends_before_connected && !connected_ && !ended_) {
      return core::Ok{};  // the flaw: "accepted" before the room is joined, and gone
    }
    if (flaw_ == Flaw::truncates_over_32k && packet.size() > 32768 && packet.size() <= 65535) {
      return inner_->send(packet.first(32768), options);  // the flaw: a fixed 32 KiB publish buffer
    }
    transport::SendOptions effective = options;
    if (flaw_ == Flaw::unreliable_as_reliable) effective.reliability = transport::Reliability::reliable;
    if (flaw_ == Flaw::ignore_targets) effective.targets.clear();  // every send becomes a broadcast
    auto status = inner_->send(packet, effective);
    if (status && flaw_ == Flaw::echo_own_packets && context_.identity) {
      events_.post(transport::MessageReceived{context_.identity->address, transport::PacketBytes(packet.begin(), packet.end())});
    }
    return status;
  }

 private:
  void on_event(const transport::TransportEvent& event) {
    if (std::holds_alternative<transport::Connected>(event)) connected_ = true;
    if (std::holds_alternative<transport::Disconnected>(event)) {
      connected_ = false;
      ended_ = true;
    }
    const auto* disconnected = std::get_if<transport::Disconnected>(&event);
    if (disconnected && disconnected->kicked && flaw_ == Flaw::reconnect_after_kick && !stopping_) {
      // The flaw: rejoin and evict the other session in turn (the ping-pong of unity-explorer #7470).
      emit(event);
      context_.runtime->post([this] {
        if (make_inner()) (void)inner_->connect();
      });
      return;
    }
    if (const auto* m = std::get_if<transport::MessageReceived>(&event); m && flaw_ == Flaw::misattribute_sender) {
      // The flaw: the sender comes from the wrong field (here: always the last participant that joined).
      transport::MessageReceived changed = *m;
      changed.sender = last_joined_.empty() ? m->sender : last_joined_;
      return emit(changed);
    }
    if (const auto* j = std::get_if<transport::PeerJoined>(&event)) last_joined_ = j->address;
    if (disconnected && !disconnected->kicked && !stopping_ && flaw_ == Flaw::hides_lost_connection) {
      // The flaw: only kicks and our own disconnects are surfaced; a session that died of a lost
      // connection leaves the application believing it is still in the room.
      return;
    }
    emit(event);
  }

  Flaw flaw_;
  std::string uri_;
  transport::TransportContext context_;
  HarnessServices services_;
  transport::TransportPtr inner_;
  bool stopping_ = false;
  DeferredConnect deferred_connect_;  // connect_outlives_disconnect
  bool connected_ = false;            // between Connected and Disconnected
  bool ended_ = false;                // a Disconnected was reported
  std::string last_joined_;
  transport::EventPoster events_;
};

Capabilities livekit_capabilities() {
  Capabilities c;
  c.types = {"livekit"};
  c.targeted_sends = true;
  return c;
}

TransportUnderTest mutant(const std::string& name, Flaw flaw) {
  return TransportUnderTest{name, livekit_capabilities(), [flaw](transport::TransportFactory& factory, const HarnessServices& services) {
                              factory.register_type("livekit",
                                                    [flaw, services](const transport::TransportUri& uri,
                                                                     const transport::TransportContext& context)
                                                        -> core::Result<transport::TransportPtr, transport::UriError> {
                                                      auto made = std::make_unique<LivekitMutant>(flaw, uri.type + ":" + uri.params,
                                                                                                  context, services);
                                                      if (auto inner = made->make_inner(); !inner)
                                                        return core::fail(inner.error().code, inner.error().message);
                                                      return transport::TransportPtr(std::move(made));
                                                    });
                            }};
}

}  // namespace

std::vector<Mutant> livekit_mutants() {
  return {
      {mutant("mutant-livekit-unreliable-as-reliable", Flaw::unreliable_as_reliable), "livekit.pack.outbound_byte_identical",
       "publishes unreliable packets as RELIABLE data"},
      {mutant("mutant-livekit-ignore-targets", Flaw::ignore_targets), "livekit.targeted.reach_only_targets",
       "broadcasts packets meant for some identities only"},
      {mutant("mutant-livekit-echo-own-packets", Flaw::echo_own_packets), "livekit.no_echo", "surfaces its own packets as messages"},
      {mutant("mutant-livekit-reconnect-after-kick", Flaw::reconnect_after_kick), "livekit.kick.duplicate_identity_no_reconnect",
       "rejoins after a DUPLICATE_IDENTITY eviction"},
      {mutant("mutant-livekit-hides-lost-connection", Flaw::hides_lost_connection), "livekit.faults.cut_off_is_reported",
       "never reports a session that ended because the connection was lost"},
      {mutant("mutant-livekit-misattribute-sender", Flaw::misattribute_sender), "livekit.pack.inbound_byte_identical",
       "attributes every packet to the participant that joined last"},
      {mutant("mutant-livekit-defers-publish", Flaw::defers_publish), "livekit.lifecycle.sends_before_disconnect_arrive",
       "publishes on the next turn of the loop: packets sent in the tick of disconnect() are lost"},
      {mutant("mutant-livekit-loses-sends-before-connected", Flaw::loses_sends_before_connected), "livekit.lifecycle.send_before_connected",
       "accepts a send before Connected and drops it without a word"},
      {mutant("mutant-livekit-truncates-over-32k", Flaw::truncates_over_32k), "livekit.pack.sizes_up_to_the_limit",
       "cuts every packet it publishes to 32 KiB (a fixed buffer)"},
      {mutant("mutant-livekit-connect-outlives-disconnect", Flaw::connect_outlives_disconnect),
       "livekit.lifecycle.connect_then_disconnect_in_one_tick",
       "starts its join on the next turn of the loop; a disconnect() before that is ignored"},
  };
}

}  // namespace dclcomms::conformance
