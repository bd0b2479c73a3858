// dclcomms record --listen HOST:PORT --upstream ws://HOST:PORT --out FILE: a recording websocket
// proxy (reference/recording) on Beast; and dclcomms sim import FILE: a recording of a ws-room
// session turned into a recorded room the conformance suite replays (docs/recording.md).
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "commands.hpp"
#include "dclcomms/carriers/asio_runtime.hpp"
#include "dclcomms/carriers/websocket_client.hpp"
#include "dclcomms/carriers/websocket_server.hpp"
#include "dclcomms/conformance/recorded_room.hpp"
#include "dclcomms/recording/recording_proxy.hpp"
#include "listen_address.hpp"

namespace dclcomms::cli {
namespace {

struct RecordOptions {
  std::string listen = "127.0.0.1:0";
  std::string upstream;
  std::string out_path;
  double duration_seconds = 0;  // 0: until SIGINT/SIGTERM
};

void log_line(const nlohmann::json& line) { std::cout << line.dump() << std::endl; }

ExitCode record(const RecordOptions& options) {
  carriers::WebSocketServerOptions listen;
  if (!split_listen(options.listen, listen.host, listen.port)) {
    report_error("record", "--listen must be HOST:PORT (e.g. 127.0.0.1:6000), got '" + options.listen + "'");
    return ExitCode::bad_input;
  }
  if (options.upstream.rfind("ws://", 0) != 0 && options.upstream.rfind("wss://", 0) != 0) {
    report_error("record",
                 "--upstream must be a ws:// or wss:// URL (the server's base, e.g. ws://127.0.0.1:5555), got '" + options.upstream + "'");
    return ExitCode::bad_input;
  }
  std::ofstream out(options.out_path, std::ios::binary | std::ios::trunc);
  if (!out) {
    report_error("record", "cannot write " + options.out_path);
    return ExitCode::io_error;
  }
  carriers::AsioRuntime runtime;
  std::uint64_t frames = 0;
  bool write_failed = false;
  // Each line is flushed as it is written: a proxy stopped hard keeps everything up to its last frame.
  const auto write = [&](const std::string& line) {
    out << line << '\n' << std::flush;
    if (!out && !write_failed) {
      write_failed = true;
      runtime.stop();
    }
  };
  recording::RecordingProxy proxy(runtime, carriers::make_websocket_connector(runtime), {.upstream = options.upstream},
                                  [&](const recording::RecordedEvent& event) {
                                    frames += event.kind == recording::RecordedKind::frame ? 1 : 0;
                                    write(recording::event_line(event));
                                  });
  // The client's subprotocol list is offered upstream as the client offered it; the front accepts the same.
  listen.subprotocols = {"rfc5", "rfc4"};
  auto server = carriers::WebSocketServer::listen(runtime, listen, proxy.callbacks());
  if (!server) {
    report_error("record", server.error().message);
    return ExitCode::io_error;
  }
  proxy.attach(**server);
  const std::string where = listen.host + ":" + std::to_string((*server)->port());
  write(recording::header_line({recording::recording_format_version, options.upstream, where}));
  log_line({{"event", "listening"}, {"address", where}, {"upstream", options.upstream}, {"out", options.out_path}});
  runtime.on_termination_signal([&](int signal_number) {
    log_line({{"event", "stopping"}, {"signal", signal_number}});
    (*server)->stop();
    runtime.stop();
  });
  if (options.duration_seconds > 0) {
    runtime.run_for(std::chrono::duration_cast<core::Duration>(std::chrono::duration<double>(options.duration_seconds)));
    (*server)->stop();
  } else {
    runtime.run();
  }
  log_line({{"event", "stopped"}, {"connections", proxy.connections_total()}, {"frames", frames}});
  if (write_failed) {
    report_error("record", "failed writing " + options.out_path);
    return ExitCode::io_error;
  }
  return ExitCode::ok;
}

struct ImportOptions {
  std::string recording_path;
  std::string out_path;  // default: the recording's path + ".room.json"
  std::optional<std::uint64_t> connection;
};

std::string milliseconds(std::int64_t ns) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.3f", static_cast<double>(ns) / 1e6);
  return buffer;
}

ExitCode import_recording(const ImportOptions& options) {
  auto recorded = recording::load_recording(options.recording_path);
  if (!recorded) {
    report_error("sim import", recorded.error().message);
    return ExitCode::bad_input;
  }
  auto room = conformance::import_ws_room_recording(*recorded, options.recording_path, options.connection);
  if (!room) {
    report_error("sim import", room.error().message);
    return ExitCode::bad_input;
  }
  const std::string out_path = options.out_path.empty() ? options.recording_path + ".room.json" : options.out_path;
  std::ofstream out(out_path, std::ios::binary | std::ios::trunc);
  out << conformance::to_json(*room);
  out.close();
  if (!out) {
    report_error("sim import", "failed writing " + out_path);
    return ExitCode::io_error;
  }
  const auto& f = room->fitted;
  std::cout << "connection=" << room->user_connection << " target=" << room->target << "\n"
            << "peers=" << room->peers.size() << " packets=" << room->messages.size() << " user_sent=" << room->user_sent
            << " duration_ms=" << milliseconds(room->end_ns) << "\n"
            << "one_way_latency_ms p50=" << milliseconds(f.one_way_latency.p50_ns) << " p90=" << milliseconds(f.one_way_latency.p90_ns)
            << " max=" << milliseconds(f.one_way_latency.max_ns) << " (" << f.one_way_latency.samples << " round trips)\n"
            << "inter_arrival_jitter_ms p50=" << milliseconds(f.inter_arrival_jitter.p50_ns)
            << " p90=" << milliseconds(f.inter_arrival_jitter.p90_ns) << " p99=" << milliseconds(f.inter_arrival_jitter.p99_ns) << " ("
            << f.inter_arrival_jitter.samples << " gaps)\n"
            << "positions missing=" << f.positions_missing << " of " << f.positions_expected << " stalls=" << f.stalls.size() << "\n"
            << "room=" << out_path << "\n"
            << "replay: dclcomms conformance run --transport ws-room --recorded-room " << out_path << " --cases 'recorded.*'\n";
  return ExitCode::ok;
}

}  // namespace

void register_record_commands(CLI::App& app, ExitCode& exit_code) {
  auto options = std::make_shared<RecordOptions>();
  auto* record_cmd =
      app.add_subcommand("record",
                         "A transparent websocket proxy that records every session through it (frames both ways, times, closes) to a file "
                         "(docs/recording.md). Logs one JSON line per event on stdout; SIGINT/SIGTERM stop it");
  record_cmd->add_option("--listen", options->listen, "HOST:PORT to listen on (port 0 = any free port)")->capture_default_str();
  record_cmd->add_option("--upstream", options->upstream, "The real server's base URL; a client's path and query are appended")->required();
  record_cmd->add_option("--out", options->out_path, "The recording file (JSON Lines)")->required();
  record_cmd->add_option("--duration-seconds", options->duration_seconds, "Stop after this long (0: on a signal)")->capture_default_str();
  record_cmd->callback([options, &exit_code] { exit_code = record(*options); });

  CLI::App* sim = app.get_subcommand("sim");
  auto import_options = std::make_shared<ImportOptions>();
  auto* import_cmd = sim->add_subcommand(
      "import",
      "Turn a recording of a ws-room session (`dclcomms record`) into a recorded room: the peers' packets at their recorded "
      "times and a link model fitted from the session; replay it with `conformance run --recorded-room`");
  import_cmd->add_option("recording", import_options->recording_path, "Recording file")->required();
  import_cmd->add_option("--out", import_options->out_path, "Recorded room file (default: RECORDING.room.json)");
  import_cmd->add_option("--connection", import_options->connection, "The user's connection number (default: the first one welcomed)");
  import_cmd->callback([import_options, &exit_code] { exit_code = import_recording(*import_options); });
}

}  // namespace dclcomms::cli
