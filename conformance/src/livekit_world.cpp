#include "livekit_world.hpp"

#include <nlohmann/json.hpp>

#include "dclcomms/codec/json.hpp"
#include "dclcomms/core/hex.hpp"
#include "dclcomms/sim_room/identities.hpp"

namespace dclcomms::conformance {
namespace {

// Wraps the transport under test's session so that every publish is recorded, whatever the
// transport's implementation.
class RecordingSession final : public livekit::LivekitSession {
 public:
  using Recorder = std::function<void(const std::vector<std::uint8_t>&, livekit::DataKind, const std::vector<std::string>&)>;
  RecordingSession(std::unique_ptr<livekit::LivekitSession> inner, Recorder on_publish)
      : inner_(std::move(inner)), on_publish_(std::move(on_publish)) {}
  void publish_data(std::vector<std::uint8_t> payload, livekit::DataKind kind, std::vector<std::string> destinations) override {
    on_publish_(payload, kind, destinations);
    inner_->publish_data(std::move(payload), kind, std::move(destinations));
  }
  void leave() override { inner_->leave(); }

 private:
  std::unique_ptr<livekit::LivekitSession> inner_;
  Recorder on_publish_;
};

std::string joined_list(const std::vector<std::string>& identities) {
  std::string out;
  for (const auto& identity : identities) out += (out.empty() ? "" : ",") + identity;
  return out;
}

}  // namespace

LivekitWorld::LivekitWorld(CaseContext& context, const sim::LinkFaults& faults)
    : context_(context), simulation_(sim::SimulationConfig{.seed = context.seed()}), deployment_(simulation_, faults) {
  context_.name_host("livekit-sfu", "sfu");
  context_.attach(simulation_);
  tut_.name = "transport under test";
  tut_.host = deployment_.add_client_host("tut");
  tut_.address = sim_room::member_identity(context.seed(), 0).address;
}

LivekitWorld::~LivekitWorld() {
  // Transports and sessions first: they are attached to the deployment's network.
  tut_.transport.reset();
  participants_.clear();
  context_.mix_into_digest(simulation_.digest());
}

std::optional<std::string> LivekitWorld::create_tut(std::optional<std::string> uri) {
  transport::TransportContext transport_context;
  transport_context.runtime = &simulation_.runtime(tut_.host);
  transport_context.identity = sim_room::member_identity(context_.seed(), 0);
  transport_context.unix_ms_now = [this] { return deployment_.unix_seconds_now() * 1000; };
  HarnessServices services;
  services.unix_seconds_now = [this] { return deployment_.unix_seconds_now(); };
  services.livekit = [this, inner = deployment_.connector(tut_.host)](const livekit::JoinRequest& request,
                                                                      livekit::SessionHandler handler) {
    ++tut_join_attempts_;
    context_.trace({core::to_ns(simulation_.now()), "tut", "sfu", "join " + request.url, "", ""});
    auto on_data = std::move(handler.on_data);
    handler.on_data = [this, on_data](std::string sender, std::vector<std::uint8_t> payload, livekit::DataKind kind) {
      record_data("sfu", "tut", std::string(livekit::to_string(kind)) + " data from " + sender, payload);
      if (on_data) on_data(std::move(sender), std::move(payload), kind);
    };
    return std::unique_ptr<livekit::LivekitSession>(
        std::make_unique<RecordingSession>(inner(request, std::move(handler)), [this](const std::vector<std::uint8_t>& payload,
                                                                                      livekit::DataKind kind,
                                                                                      const std::vector<std::string>& destinations) {
          record_data("tut", "sfu",
                      "publish " + std::string(livekit::to_string(kind)) + (destinations.empty() ? "" : " to " + joined_list(destinations)),
                      payload);
        }));
  };
  return create_tut_transport(context_, std::move(transport_context), services,
                              uri.value_or(LivekitDeployment::uri(deployment_.fresh_token(tut_.address))), tut_, factories_,
                              [this](const transport::TransportEvent& e) { record_event(e); });
}

void LivekitWorld::connect_tut() {
  if (auto status = tut_.transport->connect(); !status) {
    context_.trace({core::to_ns(simulation_.now()), "tut", "tut", "connect() refused", "", status.error().message});
  }
}

std::string LivekitWorld::join_tut() {
  if (auto refused = create_tut()) return "the factory refused a valid livekit URI: " + *refused;
  connect_tut();
  if (!run_until([&] { return tut_.connected() || tut_.disconnected(); }, std::chrono::seconds(20))) {
    return "no Connected within 20 s of connect()";
  }
  if (!tut_.connected()) return "Disconnected instead of Connected: " + tut_.all<transport::Disconnected>().front().reason;
  return "";
}

Participant& LivekitWorld::add_participant(std::optional<std::string> identity) {
  auto participant = std::make_unique<Participant>();
  const auto index = static_cast<std::uint32_t>(participants_.size() + 1);
  participant->name = "peer-" + std::to_string(index);
  participant->host = deployment_.add_client_host(participant->name);
  participant->identity = identity.value_or(sim_room::member_identity(context_.seed(), index).address);
  Participant* raw = participant.get();
  livekit::SessionHandler handler;
  handler.on_joined = [this, raw](std::string, std::vector<std::string> present) {
    record_participant(*raw, "joined", nlohmann::json{{"identity", raw->identity}, {"participants", present}});
    raw->joined_with = std::move(present);
  };
  handler.on_participant_joined = [this, raw](std::string who) {
    record_participant(*raw, "participant joined", nlohmann::json{{"identity", who}});
    raw->saw_join.push_back(std::move(who));
  };
  handler.on_participant_left = [this, raw](std::string who) {
    record_participant(*raw, "participant left", nlohmann::json{{"identity", who}});
    raw->saw_leave.push_back(std::move(who));
  };
  handler.on_data = [this, raw](std::string sender, std::vector<std::uint8_t> payload, livekit::DataKind kind) {
    record_data("sfu", raw->name, std::string(livekit::to_string(kind)) + " data from " + sender, payload);
    raw->received.push_back({std::move(sender), std::move(payload), kind});
  };
  handler.on_closed = [this, raw](livekit::DisconnectReason reason, std::string detail) {
    record_participant(*raw, "closed", nlohmann::json{{"reason", livekit::to_string(reason)}, {"detail", detail}});
    raw->closed = reason;
  };
  const auto token = deployment_.fresh_token(participant->identity);
  participant->session = deployment_.connector(participant->host)({world_livekit_url, token}, std::move(handler));
  participants_.push_back(std::move(participant));
  return *raw;
}

bool LivekitWorld::settle_participants() {
  const auto settled = [&] {
    for (const auto& p : participants_) {
      if (!p->joined() && !p->closed) return false;
    }
    return true;
  };
  run_until(settled, std::chrono::seconds(20));
  for (const auto& p : participants_) {
    if (!p->joined()) return false;
  }
  return true;
}

bool LivekitWorld::run_until(const std::function<bool()>& done, core::Duration limit) {
  const core::TimePoint deadline = simulation_.now() + limit;
  simulation_.run_until([&] { return done() || simulation_.now() >= deadline; }, 20'000'000);
  return done();
}

void LivekitWorld::run_for(core::Duration duration) { simulation_.run_until(simulation_.now() + duration); }

void LivekitWorld::record_data(const std::string& from, const std::string& to, const std::string& label, const codec::Bytes& payload) {
  auto packet = codec::decode_packet(payload);
  context_.trace({core::to_ns(simulation_.now()), from, to, label, core::to_hex(payload), packet ? codec::to_json(*packet) : ""});
}

void LivekitWorld::record_participant(const Participant& participant, const std::string& label, const nlohmann::json& json) {
  context_.trace({core::to_ns(simulation_.now()), "sfu", participant.name, label, "",
                  json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)});
}

void LivekitWorld::record_event(const transport::TransportEvent& event) {
  std::string json = event_json(event);
  if (const auto* d = std::get_if<transport::Disconnected>(&event)) {
    json = nlohmann::json{{"kicked", d->kicked}, {"reason", d->reason}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  } else if (const auto* c = std::get_if<transport::Connected>(&event)) {
    json = nlohmann::json{{"peers", c->peers}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  context_.trace({core::to_ns(simulation_.now()), "tut", "app", "event: " + std::string(transport::event_name(event)), "", json});
}

}  // namespace dclcomms::conformance
