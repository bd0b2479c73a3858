// Connection-string cases (spec §2): the factory fails fast on bad URIs and accepts real ones,
// without touching the network either way.
#include <fstream>
#include <nlohmann/json.hpp>

#include "../src/room_world.hpp"
#include "dclcomms/core/hex.hpp"
#include "dclcomms/sim/weather.hpp"
#include "cases.hpp"

namespace dclcomms::conformance {
namespace {

struct CorpusLine {
  std::string uri;
  std::string type;
};

std::vector<CorpusLine> corpus(const char* file) {
  std::vector<CorpusLine> lines;
  std::ifstream in(std::string(DCLCOMMS_SOURCE_DIR) + "/fixtures/uris/" + file);
  std::string text;
  while (std::getline(in, text)) {
    const auto json = nlohmann::json::parse(text, nullptr, false);
    if (!json.is_object()) continue;
    CorpusLine line;
    if (json.contains("uri")) {
      line.uri = json["uri"].get<std::string>();
    } else if (json.contains("uri_hex")) {
      const auto bytes = core::from_hex(json["uri_hex"].get<std::string>());
      line.uri.assign(bytes->begin(), bytes->end());
    }
    line.type = json.value("type", "");
    lines.push_back(std::move(line));
  }
  return lines;
}

// The world serves ws-room already; a transport declaring livekit also gets a LiveKit SFU, so that
// creation is judged on the connection string alone (without one, a livekit transport can only
// refuse: it has nothing to join with).
void serve_declared_types(CaseContext& context, RoomWorld& world) {
  if (context.transport().capabilities.types.contains("livekit")) world.serve_livekit();
}

CaseOutcome rejects_corpus(CaseContext& context) {
  const auto lines = corpus("reject.jsonl");
  if (lines.size() < 200) return fail("the bad-URI corpus is missing (fixtures/uris/reject.jsonl)");
  RoomWorld world(context, RoomWorld::ServerKind::scripted, *sim::weather_profile("lan"));
  serve_declared_types(context, world);
  for (const auto& line : lines) {
    if (!world.create_tut(line.uri)) return fail("accepted the bad connection string '" + line.uri + "'");
  }
  world.run_for(std::chrono::seconds(1));
  if (world.tut_connection_attempts() != 0) return fail("a rejected connection string opened a connection");
  if (!world.scripted().opened.empty()) return fail("the harness's server saw a connection");
  return pass(std::to_string(lines.size()) + " bad connection strings refused at creation, no connection attempted");
}

CaseOutcome accepts_real_world_forms(CaseContext& context) {
  RoomWorld world(context, RoomWorld::ServerKind::scripted, *sim::weather_profile("lan"));
  serve_declared_types(context, world);
  int checked = 0;
  for (const auto& line : corpus("accept.jsonl")) {
    if (!context.transport().capabilities.types.contains(line.type)) continue;
    if (auto refused = world.create_tut(line.uri)) return fail("refused the valid connection string '" + line.uri + "': " + *refused);
    ++checked;
  }
  if (checked == 0) return unsupported("no real-world form of the declared types in fixtures/uris/accept.jsonl");
  world.run_for(std::chrono::seconds(1));
  if (world.tut_connection_attempts() != 0) return fail("creating a transport (before connect) opened a connection");
  return pass(std::to_string(checked) + " real-world connection strings accepted without I/O");
}

}  // namespace

void add_uri_cases(std::vector<Case>& cases) {
  cases.push_back({"uri.fail_fast.rejects_corpus", Level::must,
                   "Every bad connection string in the corpus is refused at creation, before any connection.",
                   "comms-transports.md §2.1, §2.3 (the kernel throws when it creates the adapter)",
                   "", rejects_corpus, /*real_time=*/false, /*needs_virtual_time=*/false});
  cases.push_back({"uri.accepts_real_world_forms", Level::must,
                   "The real-world connection strings of the declared types are accepted, and creating does no I/O.",
                   "comms-transports.md §2.1, §2.2", "", accepts_real_world_forms, /*real_time=*/false,
                   /*needs_virtual_time=*/false});
}

}  // namespace dclcomms::conformance
