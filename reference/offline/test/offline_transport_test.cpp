#include "dclcomms/offline/offline_transport.hpp"

#include <gtest/gtest.h>

#include "dclcomms/core/manual_runtime.hpp"
#include "dclcomms/transport/transport_limits.hpp"

namespace dclcomms::offline {
namespace {

using namespace transport;

struct Recorder {
  std::vector<TransportEvent> events;
  EventHandler handler() {
    return [this](const TransportEvent& e) { events.push_back(e); };
  }
};

TEST(OfflineTransport, ConnectsDiscardsSendsAndDisconnects) {
  core::ManualRuntime runtime;
  OfflineTransport offline(runtime);
  Recorder recorder;
  offline.set_event_handler(recorder.handler());

  ASSERT_TRUE(offline.connect().ok());
  EXPECT_TRUE(recorder.events.empty()) << "events must not be delivered from inside connect()";
  runtime.run_until_idle();
  ASSERT_EQ(recorder.events.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<Connected>(recorder.events[0]));

  const std::vector<std::uint8_t> packet{0x2a, 0x00};
  EXPECT_TRUE(offline.send(packet, {}).ok());
  EXPECT_TRUE(offline.send(packet, {Reliability::unreliable, {"0xabc"}}).ok());
  EXPECT_EQ(offline.discarded_count(), 2u);

  offline.disconnect();
  offline.disconnect();  // twice: one Disconnected only
  runtime.run_until_idle();
  ASSERT_EQ(recorder.events.size(), 2u);
  const auto& disconnected = std::get<Disconnected>(recorder.events[1]);
  EXPECT_FALSE(disconnected.kicked);
  EXPECT_EQ(disconnected.reason, "client disconnected");
}

TEST(OfflineTransport, RefusesMisuseWithTypedErrors) {
  core::ManualRuntime runtime;
  OfflineTransport offline(runtime);
  const std::vector<std::uint8_t> packet{0x2a, 0x00};
  EXPECT_EQ(offline.send(packet, {}).error().code, TransportErrorCode::not_connected);
  ASSERT_TRUE(offline.connect().ok());
  EXPECT_EQ(offline.connect().error().code, TransportErrorCode::already_connected);
  const std::vector<std::uint8_t> huge(packet_bytes_max + 1, 0);
  const auto status = offline.send(huge, {});
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, TransportErrorCode::packet_too_large);
  EXPECT_TRUE(offline.send(std::vector<std::uint8_t>(packet_bytes_max, 0), {}).ok());
  EXPECT_EQ(offline.discarded_count(), 1u) << "a refused send loses nothing and counts nothing";
}

TEST(OfflineTransport, DestroyingWithPendingEventsIsSafe) {
  core::ManualRuntime runtime;
  Recorder recorder;
  {
    OfflineTransport offline(runtime);
    offline.set_event_handler(recorder.handler());
    ASSERT_TRUE(offline.connect().ok());
  }
  runtime.run_until_idle();
  EXPECT_TRUE(recorder.events.empty());
}

}  // namespace
}  // namespace dclcomms::offline
