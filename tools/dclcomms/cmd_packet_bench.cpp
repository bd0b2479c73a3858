// dclcomms packet bench [--golden DIR] [--upstream SCRIPT] [--iterations N]: encode and decode
// time per RFC-4 message type, ours against the upstream @dcl/protocol codec (Node) on the same
// packets in the same run, as a table of ratios (docs/bench.md). A benchmark, not a test: run it
// on a Release build.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "child_process.hpp"
#include "cli_error.hpp"
#include "commands.hpp"
#include "dclcomms/codec/codec.hpp"
#include "dclcomms/core/hex.hpp"

namespace dclcomms::cli {
namespace {

struct PacketBenchOptions {
  std::string golden = "fixtures/golden/rfc4";
  std::string upstream = "tools/golden/bench_codec.js";
  std::size_t iterations = 20000;
};

struct BenchPacket {
  codec::Bytes bytes;
  codec::Packet message;
};

// The golden cases that stand for a type as it is sent (…_basic, …_typical, …_all_fields), by
// type: the same bytes both codecs get.
std::map<std::string, std::vector<BenchPacket>> load_corpus(const std::string& dir, std::string& error) {
  std::map<std::string, std::vector<BenchPacket>> by_type;
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) files.push_back(entry.path());
  if (ec) {
    error = "cannot read " + dir + ": " + ec.message();
    return {};
  }
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    const std::string stem = file.stem().string();
    std::string type;
    for (const std::string suffix : {"_basic", "_typical", "_all_fields"}) {
      if (stem.size() > suffix.size() && stem.ends_with(suffix)) type = stem.substr(0, stem.size() - suffix.size());
    }
    if (type.empty()) continue;
    std::ifstream in(file);
    const auto doc = nlohmann::json::parse(in, nullptr, false);
    const auto bytes = doc.is_object() ? core::from_hex(doc.value("upstream_hex", "")) : std::nullopt;
    if (!bytes) {
      error = file.string() + ": no upstream_hex";
      return {};
    }
    auto message = codec::decode_packet(*bytes);
    if (!message) {
      error = file.string() + ": our codec cannot decode it: " + message.error().message;
      return {};
    }
    by_type[type].push_back({*bytes, std::move(message).value()});
  }
  if (by_type.empty()) error = "no *_basic / *_typical / *_all_fields case in " + dir;
  return by_type;
}

template <class Work>
double ns_per_packet(const std::vector<BenchPacket>& packets, std::size_t iterations, Work work) {
  volatile std::size_t sink = 0;  // keeps the work from being optimised away
  for (std::size_t i = 0; i < std::min<std::size_t>(iterations, 1000); ++i) {
    for (const auto& p : packets) sink = sink + work(p);  // warm-up
  }
  const auto start = std::chrono::steady_clock::now();
  for (std::size_t i = 0; i < iterations; ++i) {
    for (const auto& p : packets) sink = sink + work(p);
  }
  const auto elapsed = std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - start).count();
  return elapsed / static_cast<double>(iterations * packets.size());
}

ExitCode packet_bench(const PacketBenchOptions& options) {
  std::string error;
  const auto corpus = load_corpus(options.golden, error);
  if (!error.empty()) {
    report_error("packet bench", error);
    return ExitCode::bad_input;
  }
  // The upstream side first, in its own process, on the same packets.
  nlohmann::json upstream = nullptr;
  if (!options.upstream.empty()) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& [type, packets] : corpus) {
      for (const auto& p : packets) list.push_back({{"type", type}, {"hex", core::to_hex(p.bytes)}});
    }
    char path[] = "/tmp/dclcomms-packet-bench-XXXXXX";
    const int fd = mkstemp(path);
    if (fd >= 0) close(fd);  // a unique name; the stream below writes it whole
    std::ofstream corpus_file(path, std::ios::binary | std::ios::trunc);
    corpus_file << list.dump();
    corpus_file.close();
    if (fd < 0 || !corpus_file) {
      report_error("packet bench", "cannot write the corpus for the upstream codec");
      return ExitCode::io_error;
    }
    std::cerr << "upstream codec (node " << options.upstream << ")…\n";
    auto node = ChildProcess::spawn({"node", options.upstream, path, std::to_string(options.iterations)}, {});
    std::optional<std::string> line;
    if (node) line = node->wait_for_line("{\"results\"", std::chrono::minutes(10));
    std::filesystem::remove(path);
    if (!line) {
      report_error("packet bench", "the upstream codec did not answer: node " + options.upstream + " (npm ci in tools/golden?)");
      return ExitCode::io_error;
    }
    upstream = nlohmann::json::parse(*line, nullptr, false).value("results", nlohmann::json::object());
  }
  std::cerr << "ours…\n";
  std::cout << "packet bench: ns per packet, " << options.iterations << " iterations over the golden packets of each type; "
            << "ratio = upstream / ours (higher is better for us)\n";
  std::cout << std::left << std::setw(22) << "type" << std::right << std::setw(8) << "packets" << std::setw(12) << "encode us"
            << std::setw(14) << "encode JS" << std::setw(9) << "ratio" << std::setw(12) << "decode us" << std::setw(14) << "decode JS"
            << std::setw(9) << "ratio" << '\n';
  std::cout << std::fixed << std::setprecision(1);
  for (const auto& [type, packets] : corpus) {
    const double encode_ns =
        ns_per_packet(packets, options.iterations, [](const BenchPacket& p) { return codec::encode_packet(p.message).size(); });
    const double decode_ns = ns_per_packet(packets, options.iterations, [](const BenchPacket& p) {
      return codec::decode_packet(p.bytes) ? std::size_t{1} : std::size_t{0};
    });
    std::cout << std::left << std::setw(22) << type << std::right << std::setw(8) << packets.size() << std::setw(12) << encode_ns;
    const auto theirs = upstream.is_object() ? upstream.value(type, nlohmann::json::object()) : nlohmann::json::object();
    if (theirs.contains("encode_ns")) {
      const double js_encode = theirs["encode_ns"].get<double>(), js_decode = theirs["decode_ns"].get<double>();
      std::cout << std::setw(14) << js_encode << std::setw(8) << js_encode / encode_ns << "x" << std::setw(12) << decode_ns << std::setw(14)
                << js_decode << std::setw(8) << js_decode / decode_ns << "x\n";
    } else {
      std::cout << std::setw(14) << "-" << std::setw(9) << "-" << std::setw(12) << decode_ns << std::setw(14) << "-" << std::setw(9) << "-"
                << '\n';
    }
  }
  return ExitCode::ok;
}

}  // namespace

void register_packet_bench_command(CLI::App& packet, ExitCode& exit_code) {
  auto options = std::make_shared<PacketBenchOptions>();
  auto* bench =
      packet.add_subcommand("bench",
                            "Encode/decode time per RFC-4 message type, ours against the upstream @dcl/protocol codec on the same "
                            "golden packets in the same run (ratios; run on a Release build)");
  bench->add_option("--golden", options->golden, "Folder of RFC-4 golden cases (…_basic/_typical/_all_fields are used)")
      ->capture_default_str();
  bench->add_option("--upstream", options->upstream, "The Node script timing the upstream codec; empty: ours only")->capture_default_str();
  bench->add_option("--iterations", options->iterations, "Passes over each type's packets")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000000));
  bench->callback([options, &exit_code] { exit_code = packet_bench(*options); });
}

}  // namespace dclcomms::cli
