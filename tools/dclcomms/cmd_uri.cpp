// dclcomms uri check URI... | --batch FILE
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "commands.hpp"
#include "dclcomms/core/utf8.hpp"
#include "dclcomms/registry/reference_transports.hpp"
#include "dclcomms/transport/transport_uri.hpp"

namespace dclcomms::cli {
namespace {

struct UriCheckOptions {
  std::vector<std::string> uris;
  std::string batch_path;
};

nlohmann::json verdict_json(const std::string& uri) {
  const auto parsed = registry::parse_transport_uri(uri);
  // The type is reported whenever the generic grammar holds, even if the type's own rules fail.
  const auto generic = transport::parse_transport_uri_generic(uri);
  nlohmann::json line;
  // Invalid UTF-8 cannot go into JSON text as is: replace it, the error already says what was wrong.
  line["uri"] = core::to_valid_utf8(uri);
  line["ok"] = parsed.ok();
  line["type"] = generic.ok() ? nlohmann::json(generic->type) : nlohmann::json(nullptr);
  if (parsed.ok()) {
    line["endpoint"] = parsed->endpoint;
    line["error"] = nullptr;
    line["error_code"] = nullptr;
  } else {
    line["error"] = parsed.error().message;
    line["error_code"] = std::string(transport::to_string(parsed.error().code));
  }
  return line;
}

ExitCode check_batch(const std::string& path) {
  std::ifstream file;
  std::istream* in = &std::cin;
  if (path != "-") {
    file.open(path);
    if (!file) {
      report_error("uri check", "cannot open batch file '" + path + "'");
      return ExitCode::io_error;
    }
    in = &file;
  }
  bool all_ok = true;
  std::string line;
  while (std::getline(*in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const auto verdict = verdict_json(line);
    all_ok = all_ok && verdict["ok"].get<bool>();
    std::cout << verdict.dump() << '\n';
  }
  return all_ok ? ExitCode::ok : ExitCode::bad_input;
}

ExitCode check_each(const std::vector<std::string>& uris) {
  bool all_ok = true;
  for (const auto& uri : uris) {
    const auto parsed = registry::parse_transport_uri(uri);
    if (parsed.ok()) {
      std::cout << "valid " << parsed->type << (parsed->endpoint.empty() ? "" : " " + parsed->endpoint) << '\n';
    } else {
      all_ok = false;
      report_error("invalid URI", std::string(transport::to_string(parsed.error().code)) + ": " + parsed.error().message);
    }
  }
  return all_ok ? ExitCode::ok : ExitCode::bad_input;
}

}  // namespace

void register_uri_commands(CLI::App& app, ExitCode& exit_code) {
  auto* uri = app.add_subcommand("uri", "Connection strings (transport URIs)");
  uri->require_subcommand(1);
  auto options = std::make_shared<UriCheckOptions>();
  auto* check = uri->add_subcommand("check",
                                    "Validate connection strings. Exit 0 when all are valid, 2 otherwise. With --batch, one JSON "
                                    "line per input line: {\"uri\", \"ok\", \"type\", \"endpoint\"|\"error\", \"error_code\"}");
  check->add_option("uris", options->uris, "Connection strings, e.g. ws-room:wss://host/rooms/1");
  check->add_option("--batch", options->batch_path, "File with one URI per line ('-' = stdin)");
  check->callback([options, &exit_code] {
    if (options->batch_path.empty() == options->uris.empty()) {
      throw CLI::ValidationError("uri check", "give URIs or --batch FILE (exactly one of the two)");
    }
    exit_code = options->batch_path.empty() ? check_each(options->uris) : check_batch(options->batch_path);
  });
}

}  // namespace dclcomms::cli
