#include "event_recorder.hpp"

#include <gtest/gtest.h>

#include "dclcomms/core/hex.hpp"

namespace dclcomms::simulator_transport::test {

std::string describe(const Recorded& recorded) {
  std::string line = std::to_string(core::to_ns(recorded.at)) + " " + std::string(transport::event_name(recorded.event));
  if (const auto* e = std::get_if<transport::Connected>(&recorded.event)) {
    for (const auto& peer : e->peers) line += " " + peer;
  } else if (const auto* e = std::get_if<transport::MessageReceived>(&recorded.event)) {
    line += " " + e->sender + " " + core::to_hex(e->packet);
  } else if (const auto* e = std::get_if<transport::PeerJoined>(&recorded.event)) {
    line += " " + e->address;
  } else if (const auto* e = std::get_if<transport::PeerLeft>(&recorded.event)) {
    line += " " + e->address;
  } else if (const auto* e = std::get_if<transport::Disconnected>(&recorded.event)) {
    line += " " + e->reason + (e->kicked ? " kicked" : "");
  } else if (const auto* e = std::get_if<transport::ErrorReported>(&recorded.event)) {
    line += " " + std::string(transport::to_string(e->error.code)) + " " + e->error.message;
  }
  return line;
}

Harness::Harness(const std::string& uri) {
  transport::TransportContext context;
  context.runtime = &runtime_;
  factory_ = std::make_unique<transport::TransportFactory>(context);
  register_simulator_transport(*factory_);
  auto created = factory_->create(uri);
  if (!created) ADD_FAILURE() << "create(" << uri << "): " << created.error().message;
  DCL_ASSERT(created);
  auto* typed = dynamic_cast<SimulatorTransport*>(created->get());
  DCL_ASSERT(typed != nullptr);
  created->release();
  transport_.reset(typed);
  transport_->set_event_handler([this](const transport::TransportEvent& event) { events_.push_back(Recorded{runtime_.now(), event}); });
}

void Harness::connect() {
  auto status = transport_->connect();
  ASSERT_TRUE(status) << status.error().message;
  runtime_.run_ready();
}

transport::Status Harness::send(const codec::Packet& packet, transport::Reliability reliability, std::vector<std::string> targets) {
  transport::SendOptions options;
  options.reliability = reliability;
  options.targets = std::move(targets);
  return transport_->send(codec::encode_packet(packet), options);
}

std::string Harness::transcript() const {
  std::string out;
  for (const auto& recorded : events_) out += describe(recorded) + "\n";
  return out;
}

std::vector<std::string> Harness::connected_peers() const {
  for (const auto& recorded : events_) {
    if (const auto* e = std::get_if<transport::Connected>(&recorded.event)) return e->peers;
  }
  ADD_FAILURE() << "no Connected event";
  return {};
}

std::vector<std::pair<core::TimePoint, codec::Packet>> Harness::packets_from(const std::string& sender) const {
  std::vector<std::pair<core::TimePoint, codec::Packet>> out;
  for (const auto& recorded : events_) {
    const auto* e = std::get_if<transport::MessageReceived>(&recorded.event);
    if (e == nullptr || (!sender.empty() && e->sender != sender)) continue;
    auto packet = codec::decode_packet(e->packet);
    if (!packet) {
      ADD_FAILURE() << "undecodable packet from " << e->sender << ": " << packet.error().message;
      continue;
    }
    out.emplace_back(recorded.at, std::move(*packet));
  }
  return out;
}

}  // namespace dclcomms::simulator_transport::test
