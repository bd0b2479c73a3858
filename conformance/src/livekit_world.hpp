#pragma once
// LivekitWorld: the simulated world of a livekit case. A LiveKit deployment (our SFU model,
// livekit_deployment.hpp) runs on one host; the transport under test joins it from its own host
// through HarnessServices; reference participants join from further hosts as bare LiveKit
// sessions, so a case sees exactly what LiveKit delivered to them — including the data kind
// (reliable or lossy) that a transport event would hide. Every publish and delivery at the
// transport under test's LiveKit seam, every delivery to a participant and every event of the
// transport under test is recorded into the case's transcript.

#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <vector>

#include "dclcomms/conformance/case_context.hpp"
#include "livekit_deployment.hpp"
#include "room_world.hpp"

namespace dclcomms::conformance {

/// A reference LiveKit participant: a bare session, recording what the SFU told it.
struct Participant {
  struct Data {
    std::string sender;
    codec::Bytes payload;
    livekit::DataKind kind;
  };
  std::string name;  // "peer-<n>", its host's name
  sim::HostId host = 0;
  std::string identity;
  std::unique_ptr<livekit::LivekitSession> session;
  std::optional<std::vector<std::string>> joined_with;  // the participants present at its join
  std::vector<std::string> saw_join, saw_leave;
  std::vector<Data> received;
  std::optional<livekit::DisconnectReason> closed;

  bool joined() const { return joined_with.has_value(); }
};

class LivekitWorld {
 public:
  LivekitWorld(CaseContext& context, const sim::LinkFaults& faults);
  ~LivekitWorld();

  /// The identity the transport under test joins as (the token's `sub`, a lowercase address).
  const std::string& tut_identity() const { return tut_.address; }
  /// Creates the transport under test for `uri` (default: a fresh token for tut_identity()); on
  /// refusal returns the factory's message.
  std::optional<std::string> create_tut(std::optional<std::string> uri = std::nullopt);
  Endpoint& tut() { return tut_; }
  void connect_tut();
  /// create_tut + connect_tut, then runs until Connected: "" or what went wrong.
  std::string join_tut();
  /// How many times the transport under test called the LiveKit connector (joins attempted).
  int tut_join_attempts() const { return tut_join_attempts_; }

  /// A reference participant joining the room from its own host with a fresh token (identity:
  /// sim_room::member_identity(seed, n) unless given).
  Participant& add_participant(std::optional<std::string> identity = std::nullopt);
  /// Steps until every participant added so far has joined (or closed). Returns whether all joined.
  bool settle_participants();

  LivekitDeployment& deployment() { return deployment_; }
  sim::Simulation& simulation() { return simulation_; }
  bool run_until(const std::function<bool()>& done, core::Duration limit = std::chrono::seconds(30));
  void run_for(core::Duration duration);

 private:
  void record_data(const std::string& from, const std::string& to, const std::string& label, const codec::Bytes& payload);
  void record_event(const transport::TransportEvent& event);
  void record_participant(const Participant& participant, const std::string& label, const nlohmann::json& json);

  CaseContext& context_;
  sim::Simulation simulation_;
  LivekitDeployment deployment_;
  Endpoint tut_;
  std::vector<std::unique_ptr<Participant>> participants_;
  std::vector<std::unique_ptr<transport::TransportFactory>> factories_;
  int tut_join_attempts_ = 0;
};

}  // namespace dclcomms::conformance
