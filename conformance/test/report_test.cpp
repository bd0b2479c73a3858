#include "dclcomms/conformance/report.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "dclcomms/conformance/registry.hpp"

namespace dclcomms::conformance {
namespace {

std::vector<RunSummary> small_runs() {
  return {run_catalogue(*find_transport("ws-room"), RunOptions{.seed = 2, .cases_glob = "wsroom.kick.*"}),
          run_catalogue(*find_transport("mutant-reconnect-after-kick"), RunOptions{.seed = 2, .cases_glob = "wsroom.kick.*"})};
}

TEST(Report, JsonHasEveryCaseWithItsTranscript) {
  const auto json = nlohmann::json::parse(report_json(small_runs()));
  ASSERT_EQ(json.size(), 2u);
  EXPECT_EQ(json[0]["transport"], "ws-room");
  EXPECT_TRUE(json[0]["conformant"].get<bool>());
  EXPECT_FALSE(json[1]["conformant"].get<bool>());
  EXPECT_EQ(json[1]["cases"][0]["verdict"], "FAIL");
  EXPECT_FALSE(json[0]["cases"][0]["transcript"].empty());
}

TEST(Report, JunitCountsFailures) {
  const std::string xml = report_junit(small_runs());
  EXPECT_NE(xml.find("<testsuite name=\"ws-room\" tests=\"1\" failures=\"0\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("<testsuite name=\"mutant-reconnect-after-kick\" tests=\"1\" failures=\"1\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("<failure message=\"FAIL: reconnected after being kicked\">"), std::string::npos) << xml;
}

TEST(Report, HtmlIsSelfContainedWithMatrixDiagramAndReproduceCommand) {
  const std::string html = report_html(small_runs());
  EXPECT_NE(html.find("<table id=\"matrix\">"), std::string::npos);
  EXPECT_NE(html.find("<svg class=\"seq\""), std::string::npos);
  EXPECT_NE(html.find(
                "dclcomms conformance run --transport mutant-reconnect-after-kick --cases &#39;wsroom.kick.no_reconnect&#39; --seed 2"),
            std::string::npos);
  EXPECT_EQ(html.find("http://"), std::string::npos) << "no external resources";
  EXPECT_EQ(html.find("https://"), std::string::npos) << "no external resources";
}

TEST(Report, WireCasesAreMarkedAsSuch) {
  RunSummary run;
  run.transport = "ws-room";
  CaseResult simulated{"wsroom.no_echo", Level::must, "p", "s", Verdict::pass, "", {}, 1, "r", false};
  CaseResult wire{"wire.wsroom.reset_reports_disconnected", Level::must, "p", "s", Verdict::pass, "", {}, 2, "r", true};
  run.results = {simulated, wire};
  const auto json = nlohmann::json::parse(report_json({run}));
  EXPECT_EQ(json[0]["cases"][0]["mode"], "simulated");
  EXPECT_EQ(json[0]["cases"][1]["mode"], "wire");
  const std::string html = report_html({run});
  EXPECT_NE(html.find("<code>wire.wsroom.reset_reports_disconnected</code> <span class=\"wire\">wire</span>"), std::string::npos);
  EXPECT_EQ(html.find("<code>wsroom.no_echo</code> <span class=\"wire\">"), std::string::npos);
  EXPECT_NE(html.find("wire mode: real sockets, real time, run once"), std::string::npos);
}

// The page shows the start of long frames (a 64 KiB packet decodes to some 130,000 characters of
// JSON) and report.json keeps them whole.
TEST(Report, HtmlCutsLongFramesWhereTheJsonKeepsThem) {
  RunSummary run;
  run.transport = "ws-room";
  CaseResult r{"wsroom.pack.sizes_up_to_the_limit", Level::must, "p", "s", Verdict::fail, "lost", {}, 1, "r", false};
  // Multi-byte characters from byte 1 on: a cut at an even byte count would split one.
  const std::string decoded = "{" + std::string(2000, 'x') + "}";
  std::string accented = "y";
  for (int i = 0; i < 1000; ++i) accented += "\u00e9";  // é: 2 bytes in UTF-8
  r.transcript = {{1000, "tut", "room-server", "packet", std::string(4000, 'a'), decoded},
                  {2000, "room-server", "tut", "packet", "00", accented}};
  run.results = {r};
  const std::string html = report_html({run});
  EXPECT_EQ(html.find(decoded), std::string::npos) << "the whole decoded frame is on the page";
  EXPECT_NE(html.find("<code>{" + std::string(479, 'x') + "…</code>"), std::string::npos);
  EXPECT_NE(html.find("<code>" + std::string(96, 'a') + "…</code>"), std::string::npos);
  EXPECT_EQ(html.find(std::string(97, 'a')), std::string::npos);
  // 1 + 239 × 2 = 479 bytes: the 240th é would take bytes 479 and 480, one past the 480 shown.
  std::string accented_shown = "y";
  for (int i = 0; i < 239; ++i) accented_shown += "\u00e9";
  EXPECT_NE(html.find("<code>" + accented_shown + "…</code>"), std::string::npos);
  const auto json = nlohmann::json::parse(report_json({run}));
  EXPECT_EQ(json[0]["cases"][0]["transcript"][0]["json"], decoded);
  EXPECT_EQ(json[0]["cases"][0]["transcript"][0]["hex"], std::string(4000, 'a'));
  EXPECT_EQ(json[0]["cases"][0]["transcript"][1]["json"], accented);
}

}  // namespace
}  // namespace dclcomms::conformance
