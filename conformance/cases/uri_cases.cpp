// Connection-string cases (spec §2): the factory fails fast on bad URIs and accepts real ones,
// without touching the network either way.
#include <boost/url/parse.hpp>
#include <fstream>
#include <nlohmann/json.hpp>

#include "../src/room_world.hpp"
#include "cases.hpp"
#include "dclcomms/core/hex.hpp"
#include "dclcomms/sim/weather.hpp"

namespace dclcomms::conformance {
namespace {

struct CorpusLine {
  std::string uri;
  std::string type;
  std::string endpoint;  // accept.jsonl: the URL a client opens or requests (empty: none)
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
    line.endpoint = json.value("endpoint", "");
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

std::string lower_ascii(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  return lower;
}

// How `opened` differs from `expected` as a URL to connect to, or "" when it is the same one:
// scheme and host compared without case (RFC 3986 §6.2.2.1), the port by number with the scheme's
// default filled in, the path (empty = "/") and the query exactly as written.
std::string endpoint_difference(const std::string& opened, const std::string& expected) {
  const auto a = boost::urls::parse_uri(opened);
  const auto b = boost::urls::parse_uri(expected);
  if (!a) return "it is not a URL";
  if (!b) return "the corpus's endpoint is not a URL (a corpus problem)";
  const auto port = [](const boost::urls::url_view& url) -> std::uint32_t {
    if (url.has_port()) return url.port_number();
    const std::string scheme = lower_ascii(url.scheme());
    return scheme == "wss" || scheme == "https" ? 443 : 80;
  };
  const auto path = [](const boost::urls::url_view& url) {
    return url.encoded_path().empty() ? std::string("/") : std::string(url.encoded_path());
  };
  if (lower_ascii(a->scheme()) != lower_ascii(b->scheme())) return "scheme '" + std::string(a->scheme()) + "'";
  if (lower_ascii(a->encoded_host()) != lower_ascii(b->encoded_host())) return "host '" + std::string(a->encoded_host()) + "'";
  if (port(*a) != port(*b)) return "port " + std::to_string(port(*a));
  if (path(*a) != path(*b)) return "path '" + path(*a) + "'";
  if (a->has_query() != b->has_query() || a->encoded_query() != b->encoded_query())
    return "query '" + std::string(a->encoded_query()) + "'";
  return "";
}

CaseOutcome opens_the_endpoint(CaseContext& context, const std::string& type) {
  // The corpus's hosts are not in the world, so each attempt ends after its first request.
  RoomWorld world(context, RoomWorld::ServerKind::scripted, *sim::weather_profile("lan"));
  int checked = 0;
  for (const auto& line : corpus("accept.jsonl")) {
    if (line.endpoint.empty() || line.type != type) continue;
    const std::size_t urls_before = world.tut_urls().size();
    if (auto refused = world.create_tut(line.uri)) return fail("refused the valid connection string '" + line.uri + "': " + *refused);
    world.connect_tut();
    world.run_until([&] { return world.tut_urls().size() > urls_before; }, std::chrono::seconds(10));
    if (world.tut_urls().size() == urls_before)
      return fail("'" + line.uri + "': connect() opened no connection and requested nothing within 10 s");
    const std::string& opened = world.tut_urls()[urls_before];
    if (const auto difference = endpoint_difference(opened, line.endpoint); !difference.empty()) {
      return fail("'" + line.uri + "' opened " + opened + " (" + difference + "), expected " + line.endpoint);
    }
    ++checked;
  }
  if (checked == 0) return fail("no " + type + " form in fixtures/uris/accept.jsonl (a corpus problem)");
  return pass(std::to_string(checked) + " connection strings opened exactly their endpoint");
}

}  // namespace

void add_uri_cases(std::vector<Case>& cases) {
  cases.push_back({"uri.fail_fast.rejects_corpus", Level::must,
                   "Every bad connection string in the corpus is refused at creation, before any connection.",
                   "comms-transports.md §2.1, §2.3 (the kernel throws when it creates the adapter)", "", rejects_corpus,
                   /*real_time=*/false, /*needs_virtual_time=*/false});
  cases.push_back({"uri.accepts_real_world_forms", Level::must,
                   "The real-world connection strings of the declared types are accepted, and creating does no I/O.",
                   "comms-transports.md §2.1, §2.2", "", accepts_real_world_forms, /*real_time=*/false,
                   /*needs_virtual_time=*/false});
  // ws-room opens its endpoint, signed-login POSTs to it (livekit's join goes through the SDK).
  cases.push_back({"uri.opens_the_endpoint.ws_room", Level::must,
                   "For every real-world ws-room string, connect() opens exactly the corpus's endpoint: scheme and host in any case, "
                   "the port, the path and the query kept.",
                   "comms-transports.md §2.1 (wss:// prepended when no scheme), §2.3, §3.1", "ws-room",
                   [](CaseContext& context) { return opens_the_endpoint(context, "ws-room"); }});
  cases.push_back({"uri.opens_the_endpoint.signed_login", Level::must,
                   "For every real-world signed-login string, connect() POSTs to exactly the corpus's endpoint: scheme and host in any "
                   "case, the port, the path and the query kept.",
                   "comms-transports.md §2.1, §2.3, §5.1 (the POST goes to the URL as given)", "signed-login",
                   [](CaseContext& context) { return opens_the_endpoint(context, "signed-login"); }});
}

}  // namespace dclcomms::conformance
