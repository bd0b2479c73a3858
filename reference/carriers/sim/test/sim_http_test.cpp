// Plain HTTP over the sim carrier: what reaches the server, what comes back, and the client's
// limits (timeout, response size, unknown hosts, header injection) — all on the virtual clock.
#include <gtest/gtest.h>

#include <tuple>

#include "dclcomms/carriers/sim_websocket_network.hpp"
#include "dclcomms/sim/weather.hpp"

namespace dclcomms::carriers {
namespace {

using namespace std::chrono_literals;
using Outcome = core::Result<transport::HttpResult, transport::HttpError>;

struct World {
  sim::Simulation simulation{sim::SimulationConfig{.seed = 3}};
  SimWebSocketNetwork network{simulation};
  sim::HostId client = simulation.add_host("client");
  sim::HostId server = simulation.add_host("api");
  std::vector<transport::HttpServerRequest> seen;
  std::unique_ptr<transport::MessageServer> listener;
  std::optional<Outcome> outcome;

  World() { simulation.connect(client, server, *sim::weather_profile("lan")); }
  void serve(transport::MessageServerCallbacks callbacks) { listener = network.listen(server, std::move(callbacks)); }
  void fetch(transport::HttpRequest request, transport::HttpClientOptions options = {}) {
    network.http_fetcher(client)(std::move(request), options, [this](Outcome o) { outcome = std::move(o); });
  }
  void run(core::Duration limit = 30s) { simulation.run_until(simulation.now() + limit); }
};

TEST(SimHttp, TheServerSeesTheRequestAndTheClientTheResponse) {
  World w;
  transport::MessageServerCallbacks callbacks;
  callbacks.on_http_request = [&](const transport::HttpServerRequest& r) {
    w.seen.push_back(r);
    return transport::HttpResponse{201, "application/json", R"({"ok":true})", {{"Retry-After", "7"}}};
  };
  w.serve(std::move(callbacks));
  w.fetch({"POST", "http://api:8080/worlds/x/comms?realm=main", {{"X-Identity-Timestamp", "17"}, {"x-empty", ""}}, "body\r\n\r\nmore"});
  EXPECT_FALSE(w.outcome) << "the answer comes from the runtime's loop, never inside the call";
  w.run();
  ASSERT_EQ(w.seen.size(), 1u);
  EXPECT_EQ(w.seen[0].method, "POST");
  EXPECT_EQ(w.seen[0].target, "/worlds/x/comms?realm=main");
  ASSERT_NE(w.seen[0].header("x-identity-timestamp"), nullptr) << "header names arrive lowercased";
  EXPECT_EQ(*w.seen[0].header("x-identity-timestamp"), "17");
  EXPECT_EQ(*w.seen[0].header("host"), "api:8080");
  EXPECT_EQ(*w.seen[0].header("x-empty"), "");
  EXPECT_EQ(w.seen[0].body, "body\r\n\r\nmore");
  ASSERT_TRUE(w.outcome && w.outcome->ok()) << (w.outcome ? w.outcome->error().message : "no outcome");
  EXPECT_EQ((*w.outcome)->status, 201u);
  EXPECT_EQ((*w.outcome)->body, R"({"ok":true})");
  EXPECT_EQ((*w.outcome)->header("retry-after"), "7");
  EXPECT_EQ((*w.outcome)->header("content-type"), "application/json");
}

TEST(SimHttp, WithoutOnHttpRequestGetsGoToOnHttpGetAndOtherMethodsAreRefused) {
  World w;
  transport::MessageServerCallbacks callbacks;
  callbacks.on_http_get = [](const std::string& target) { return transport::HttpResponse{200, "text/plain", "got " + target, {}}; };
  w.serve(std::move(callbacks));
  w.fetch({"GET", "http://api/status", {}, ""});
  w.run();
  ASSERT_TRUE(w.outcome && w.outcome->ok());
  EXPECT_EQ((*w.outcome)->body, "got /status");
  w.outcome.reset();
  w.fetch({"POST", "http://api/status", {}, ""});
  w.run();
  ASSERT_TRUE(w.outcome && w.outcome->ok());
  EXPECT_EQ((*w.outcome)->status, 405u);
}

TEST(SimHttp, AHostThatNeverAnswersTimesOutOnTheVirtualClock) {
  World w;  // nothing listens on "api": the request goes into a black hole
  transport::HttpClientOptions options;
  options.timeout = 2s;
  const auto started = w.simulation.now();
  w.fetch({"POST", "http://api/x", {}, ""}, options);
  w.run(1900ms);
  EXPECT_FALSE(w.outcome) << "no outcome before the timeout";
  w.run(200ms);
  ASSERT_TRUE(w.outcome);
  ASSERT_FALSE(w.outcome->ok());
  EXPECT_EQ(w.outcome->error().code, transport::HttpErrorCode::timeout);
  EXPECT_NE(w.outcome->error().message.find("timeout"), std::string::npos) << w.outcome->error().message;
  EXPECT_LE(w.simulation.now() - started, 2100ms);
}

TEST(SimHttp, LimitsAndBadInputAreErrorsNotCrashes) {
  World w;
  transport::MessageServerCallbacks callbacks;
  callbacks.on_http_request = [](const transport::HttpServerRequest&) {
    return transport::HttpResponse{200, "text/plain", std::string(100, 'x'), {}};
  };
  w.serve(std::move(callbacks));
  transport::HttpClientOptions small;
  small.response_bytes_max = 99;
  w.fetch({"GET", "http://api/big", {}, ""}, small);
  w.run();
  ASSERT_TRUE(w.outcome && !w.outcome->ok());
  EXPECT_EQ(w.outcome->error().code, transport::HttpErrorCode::too_large);
  EXPECT_NE(w.outcome->error().message.find("larger than 99"), std::string::npos) << w.outcome->error().message;

  using Code = transport::HttpErrorCode;
  for (const auto& [url, header, code] :
       std::vector<std::tuple<std::string, std::string, Code>>{{"http://nowhere/x", "ok", Code::dns},
                                                               {"ftp://api/x", "ok", Code::bad_url},
                                                               {"http://api/x", "a\r\nx-injected: 1", Code::bad_request}}) {
    w.outcome.reset();
    w.fetch({"GET", url, {{"x-value", header}}, ""});
    EXPECT_FALSE(w.outcome) << "failures are delivered from the loop too";
    w.run(1s);
    ASSERT_TRUE(w.outcome) << url;
    ASSERT_FALSE(w.outcome->ok()) << url << " " << header;
    EXPECT_EQ(w.outcome->error().code, code) << url << ": " << w.outcome->error().message;
  }
}

TEST(SimHttp, ANetworkGoneMidRequestLeavesNothingBehind) {
  sim::Simulation simulation{sim::SimulationConfig{.seed = 3}};
  const auto client = simulation.add_host("client");
  simulation.connect(client, simulation.add_host("api"), *sim::weather_profile("lan"));
  bool answered = false;
  {
    SimWebSocketNetwork network(simulation);
    transport::HttpClientOptions options;
    options.timeout = 2s;
    network.http_fetcher(client)({"POST", "http://api/x", {}, ""}, options, [&](Outcome) { answered = true; });
    simulation.run_until(simulation.now() + 1s);
  }
  simulation.run_until(simulation.now() + 5s);  // the exchange's timer must not fire into freed memory
  EXPECT_FALSE(answered);
}

}  // namespace
}  // namespace dclcomms::carriers
