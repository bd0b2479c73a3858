#include "dclcomms/conformance/report.hpp"

#include "dclcomms/sim/fault_shrink.hpp"

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

namespace dclcomms::conformance {
namespace {

constexpr std::size_t transcript_lines_shown_max = 120;  // keeps the page light; the JSON has them all
constexpr std::size_t hex_chars_shown_max = 96;
// A 64 KiB packet decodes to some 130,000 characters of JSON: uncut, the few cases that send such
// packets made most of the page (8.8 MB of the full run's 12 MB).
constexpr std::size_t json_chars_shown_max = 480;

// `text` cut to at most `max` bytes (never inside a UTF-8 sequence) with "…" when cut.
std::string shortened(const std::string& text, std::size_t max) {
  if (text.size() <= max) return text;
  std::size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end) + "…";
}

std::string escape_xml(std::string_view text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t') {
          out += ' ';
        } else {
          out += c;
        }
    }
  }
  return out;
}

std::string ms(std::int64_t ns) {
  std::ostringstream s;
  s.setf(std::ios::fixed);
  s.precision(3);
  s << static_cast<double>(ns) / 1e6;
  return s.str();
}

std::string css_class(Verdict v) {
  switch (v) {
    case Verdict::pass: return "pass";
    case Verdict::fail: return "fail";
    case Verdict::non_strict: return "nonstrict";
    case Verdict::unsupported: return "unsupported";
    case Verdict::nondeterministic: return "nondet";
  }
  return "";
}

std::string anchor(const RunSummary& run, const CaseResult& r) { return "case-" + run.transport + "-" + r.id; }

std::string css_class(Conformance c) {
  switch (c) {
    case Conformance::conformant: return "pass";
    case Conformance::conformant_with_warnings: return "nonstrict";
    case Conformance::not_conformant: return "fail";
  }
  return "";
}

// A message sequence diagram: one lifeline per party, one arrow per transcript line.
// `id` makes the arrow marker unique in the page: a marker referenced from a diagram whose twin id
// sits in a closed <details> would not render.
std::string sequence_svg(const std::vector<TraceLine>& lines, const std::string& id) {
  std::vector<std::string> parties;
  for (const auto& l : lines) {
    for (const auto& p : {l.from, l.to}) {
      if (std::find(parties.begin(), parties.end(), p) == parties.end()) parties.push_back(p);
    }
  }
  if (parties.empty()) return "<p class=\"muted\">No messages.</p>";
  const std::size_t shown = std::min(lines.size(), transcript_lines_shown_max);
  const int column = 170, top = 30, row = 22;
  const int width = static_cast<int>(parties.size()) * column + 260;
  const int height = top + static_cast<int>(shown) * row + 20;
  std::ostringstream svg;
  svg << "<svg class=\"seq\" width=\"" << width << "\" height=\"" << height << "\">";
  auto x_of = [&](const std::string& p) {
    return 90 + column * static_cast<int>(std::find(parties.begin(), parties.end(), p) - parties.begin());
  };
  for (const auto& p : parties) {
    svg << "<text x=\"" << x_of(p) << "\" y=\"16\" text-anchor=\"middle\" class=\"party\">" << escape_xml(p) << "</text>";
    svg << "<line x1=\"" << x_of(p) << "\" y1=\"22\" x2=\"" << x_of(p) << "\" y2=\"" << height - 4 << "\" class=\"life\"/>";
  }
  for (std::size_t i = 0; i < shown; ++i) {
    const auto& l = lines[i];
    const int y = top + static_cast<int>(i) * row + 10;
    const int x1 = x_of(l.from), x2 = x_of(l.to);
    const bool fault = l.label.starts_with("fault: ");  // a replayed fault (CaseContext::attach)
    if (x1 == x2) {
      svg << "<circle cx=\"" << x1 << "\" cy=\"" << y << "\" r=\"4\" class=\"dot\"/>";
    } else if (fault) {
      svg << "<line x1=\"" << x1 << "\" y1=\"" << y << "\" x2=\"" << x2 << "\" y2=\"" << y << "\" class=\"fault\"/>";
      svg << "<text x=\"" << (x1 + x2) / 2 << "\" y=\"" << y + 5 << "\" text-anchor=\"middle\" class=\"faultmark\">✗</text>";
    } else {
      svg << "<line x1=\"" << x1 << "\" y1=\"" << y << "\" x2=\"" << x2 << "\" y2=\"" << y << "\" class=\"msg\" marker-end=\"url(#arrow-"
          << id << ")\"/>";
    }
    svg << "<text x=\"" << std::min(x1, x2) + 6 << "\" y=\"" << y - 4 << "\" class=\"label\">" << escape_xml(l.label) << "</text>";
    svg << "<text x=\"" << 4 << "\" y=\"" << y + 4 << "\" class=\"time\">" << ms(l.time_ns) << "</text>";
  }
  svg << "<defs><marker id=\"arrow-" << id
      << "\" markerWidth=\"8\" markerHeight=\"8\" refX=\"8\" refY=\"4\" orient=\"auto\">"
         "<path d=\"M0,0 L8,4 L0,8 z\" fill=\"#2d5bd7\"/></marker></defs></svg>";
  if (lines.size() > shown) svg << "<p class=\"muted\">" << lines.size() - shown << " more lines in report.json.</p>";
  return svg.str();
}

}  // namespace

std::string report_json(const std::vector<RunSummary>& runs) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& run : runs) {
    nlohmann::json cases = nlohmann::json::array();
    const auto transcript_json = [](const std::vector<TraceLine>& lines) {
      nlohmann::json transcript = nlohmann::json::array();
      for (const auto& l : lines) {
        transcript.push_back(
            {{"time_ns", l.time_ns}, {"from", l.from}, {"to", l.to}, {"label", l.label}, {"hex", l.hex}, {"json", l.json}});
      }
      return transcript;
    };
    for (const auto& r : run.results) {
      const nlohmann::json transcript = transcript_json(r.transcript);
      char digest[17];
      std::snprintf(digest, sizeof digest, "%016llx", static_cast<unsigned long long>(r.digest));
      nlohmann::json entry = {{"id", r.id},
                              {"level", to_string(r.level)},
                              {"verdict", to_string(r.verdict)},
                              {"proves", r.proves},
                              {"spec", r.spec},
                              {"detail", r.detail},
                              {"digest", digest},
                              {"reproduce", r.reproduce},
                              {"mode", r.real_time ? "wire" : "simulated"},
                              {"applicable", r.applicable},
                              {"transcript", transcript}};
      if (r.level == Level::capability) entry["capability"] = to_string(r.capability);
      if (r.sweep) {
        entry["sweep"] = {{"seed_first", r.sweep->seed_first},
                          {"seed_last", r.sweep->seed_last},
                          {"seeds_run", r.sweep->seeds_run},
                          {"seeds_failed", r.sweep->seeds_failed},
                          {"seeds_failed_count", r.sweep->seeds_failed_count},
                          {"shown_seed", r.sweep->shown_seed},
                          {"shown_detail", r.sweep->shown_detail}};
      }
      if (r.shrunk) {
        nlohmann::json faults = nlohmann::json::array();
        for (const auto& [key, decision] : r.shrunk->minimal.decisions()) faults.push_back(sim::describe_fault(key, decision));
        entry["shrunk"] = {{"reproduced", r.shrunk->reproduced},
                           {"decisions_before", r.shrunk->decisions_before},
                           {"decisions", r.shrunk->minimal.size()},
                           {"replays", r.shrunk->replays},
                           {"budget_exhausted", r.shrunk->budget_exhausted},
                           {"faults", faults},
                           {"schedule", nlohmann::json::parse(r.shrunk->minimal.to_json())},
                           {"transcript", transcript_json(r.shrunk->transcript)}};
      }
      cases.push_back(std::move(entry));
    }
    // "conformant" stays the exit-code predicate (true with warnings); "conformance" says which.
    out.push_back({{"transport", run.transport},
                   {"seed", run.seed},
                   {"shard", {{"index", run.shard.index}, {"count", run.shard.count}}},
                   {"conformant", run.conformant()},
                   {"conformance", json_name(run.conformance())},
                   {"warnings", run.warnings()},
                   {"cases", cases}});
  }
  return out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::string_view to_string(ConformanceErrorCode code) {
  switch (code) {
    case ConformanceErrorCode::bad_argument: return "bad_argument";
    case ConformanceErrorCode::driver_unusable: return "driver_unusable";
    case ConformanceErrorCode::bad_report: return "bad_report";
    case ConformanceErrorCode::shards_mismatch: return "shards_mismatch";
  }
  return "unknown";
}

core::Result<std::vector<RunSummary>, ConformanceError> read_report_json(std::string_view text) {
  const auto bad_report = [](std::string message) { return core::fail(ConformanceErrorCode::bad_report, std::move(message)); };
  const auto doc = nlohmann::json::parse(text, nullptr, false);
  if (!doc.is_array()) return bad_report("not a report.json: the top level is not an array of runs");
  std::vector<RunSummary> runs;
  try {
    for (const auto& run : doc) {
      RunSummary summary;
      summary.transport = run.at("transport").get<std::string>();
      summary.seed = run.at("seed").get<std::uint64_t>();
      if (const auto shard = run.find("shard"); shard != run.end()) {
        summary.shard.index = shard->at("index").get<std::size_t>();
        summary.shard.count = shard->at("count").get<std::size_t>();
      }
      for (const auto& c : run.at("cases")) {
        CaseResult r;
        r.id = c.at("id").get<std::string>();
        const auto level = c.at("level").get<std::string>();
        const auto verdict = c.at("verdict").get<std::string>();
        bool known_level = false, known_verdict = false;
        for (const Level l : {Level::must, Level::should, Level::capability}) {
          if (to_string(l) == level) r.level = l, known_level = true;
        }
        for (const Verdict v : {Verdict::pass, Verdict::fail, Verdict::non_strict, Verdict::unsupported, Verdict::nondeterministic}) {
          if (to_string(v) == verdict) r.verdict = v, known_verdict = true;
        }
        if (!known_level || !known_verdict)
          return bad_report("case " + r.id + ": unknown level '" + level + "' or verdict '" + verdict + "'");
        if (const auto cap = c.find("capability"); cap != c.end()) {
          for (const Capability k : {Capability::unreliable, Capability::targeted_sends, Capability::payload_limit,
                                     Capability::peer_joined_events, Capability::typed_send_refusals}) {
            if (to_string(k) == cap->get<std::string>()) r.capability = k;
          }
        }
        r.proves = c.value("proves", "");
        r.spec = c.value("spec", "");
        r.detail = c.value("detail", "");
        r.digest = std::strtoull(c.value("digest", "0").c_str(), nullptr, 16);
        r.reproduce = c.value("reproduce", "");
        r.real_time = c.value("mode", "") == "wire";
        r.applicable = c.value("applicable", true);
        for (const auto& l : c.value("transcript", nlohmann::json::array())) {
          r.transcript.push_back({l.at("time_ns").get<std::int64_t>(), l.value("from", ""), l.value("to", ""), l.value("label", ""),
                                  l.value("hex", ""), l.value("json", "")});
        }
        if (const auto sweep = c.find("sweep"); sweep != c.end()) {
          auto failed = sweep->at("seeds_failed").get<std::vector<std::uint64_t>>();
          // Reports written before the count listed every failing seed.
          const std::uint64_t failed_count = sweep->value("seeds_failed_count", static_cast<std::uint64_t>(failed.size()));
          if (failed.size() > SweepStats::failing_seeds_listed_max) failed.resize(SweepStats::failing_seeds_listed_max);
          r.sweep = SweepStats{sweep->at("seed_first").get<std::uint64_t>(),
                               sweep->at("seed_last").get<std::uint64_t>(),
                               sweep->at("seeds_run").get<std::uint64_t>(),
                               std::move(failed),
                               sweep->at("shown_seed").get<std::uint64_t>(),
                               sweep->at("shown_detail").get<std::string>(),
                               failed_count};
        }
        summary.results.push_back(std::move(r));
      }
      runs.push_back(std::move(summary));
    }
  } catch (const nlohmann::json::exception& e) {
    return bad_report(std::string("not a report.json: ") + e.what());
  }
  return runs;
}

std::string report_junit(const std::vector<RunSummary>& runs) {
  std::ostringstream xml;
  xml << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"dclcomms conformance\">\n";
  for (const auto& run : runs) {
    std::size_t failures = 0, skipped = 0;
    for (const auto& r : run.results) {
      failures += r.verdict == Verdict::fail || r.verdict == Verdict::nondeterministic;
      skipped += r.verdict == Verdict::unsupported;
    }
    xml << "  <testsuite name=\"" << escape_xml(run.transport) << "\" tests=\"" << run.results.size() << "\" failures=\"" << failures
        << "\" skipped=\"" << skipped << "\">\n";
    xml << "    <properties><property name=\"conformance\" value=\"" << escape_xml(conformance_summary(run)) << "\"/></properties>\n";
    for (const auto& r : run.results) {
      const std::string level = level_label(r.level, r.capability);
      xml << "    <testcase classname=\"" << escape_xml(run.transport) << "\" name=\"" << escape_xml(r.id) << "\">";
      // Level and clause as testcase properties (the form pytest's record_property writes).
      xml << "<properties><property name=\"level\" value=\"" << escape_xml(level) << "\"/><property name=\"spec\" value=\""
          << escape_xml(r.spec) << "\"/></properties>";
      if (r.verdict == Verdict::fail || r.verdict == Verdict::nondeterministic) {
        xml << "<failure message=\"" << escape_xml(std::string(to_string(r.verdict)) + ": " + r.detail) << "\">"
            << escape_xml(level + " · " + r.spec + "\n" + r.reproduce) << "</failure>";
      } else if (r.verdict == Verdict::unsupported) {
        xml << "<skipped message=\"" << escape_xml(r.detail) << "\"/>";
      } else if (r.verdict == Verdict::non_strict) {
        xml << "<system-out>" << escape_xml("NON-STRICT (a SHOULD failed; " + r.spec + "): " + r.detail) << "</system-out>";
      }
      xml << "</testcase>\n";
    }
    xml << "  </testsuite>\n";
  }
  xml << "</testsuites>\n";
  return xml.str();
}

// The cases are laid out and painted only when they come near the viewport (content-visibility):
// a report with many failing cases, each open with its diagram and frames, opens in half the time.
std::string report_html(const std::vector<RunSummary>& runs) {
  std::ostringstream html;
  html << R"(<!doctype html><html lang="en"><head><meta charset="utf-8"><title>dclcomms conformance report</title><style>
body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#1d2330;background:#fafbfc}
h1{font-size:22px}h2{font-size:18px;margin-top:32px}h3{font-size:15px;margin:0}
table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #d8dde6;padding:4px 8px;text-align:left;vertical-align:top}
td{max-width:560px;overflow-wrap:anywhere}
.pass{background:#d8f5dd}.fail{background:#fbd5d5}.nonstrict{background:#fdecc8}.unsupported{background:#e8e8ee}.na{color:#aab;text-align:center}.nondet{background:#e9d5fb}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;font-weight:600}
.case{border:1px solid #d8dde6;border-radius:6px;padding:12px;margin:12px 0;background:#fff;content-visibility:auto;contain-intrinsic-size:auto 240px}
code,pre{font:12px/1.4 ui-monospace,monospace}pre{background:#f2f4f8;padding:8px;overflow-x:auto}
.muted{color:#6a7385}.seq .party{font-weight:600;font-size:12px}.seq .life{stroke:#b8c0cf;stroke-dasharray:4 3}
.wire{display:inline-block;padding:0 6px;border-radius:8px;font-size:11px;font-weight:600;background:#dbeafe;color:#1e3a8a}
.seq .msg{stroke:#2d5bd7;stroke-width:1.4}.seq .head{fill:#2d5bd7}.seq .label{font-size:11px}.seq .time{font-size:10px;fill:#6a7385}.found{white-space:pre-line}.seq .dot{fill:#c2410c}.seq .fault{stroke:#c0262d;stroke-width:1.6;stroke-dasharray:5 3}.seq .faultmark{fill:#c0262d;font-weight:bold}
</style></head><body><h1>dclcomms conformance report</h1>)";
  // Summary matrix: cases down, transports across.
  std::vector<std::string> ids;
  std::map<std::pair<std::string, std::string>, const CaseResult*> cell;
  for (const auto& run : runs) {
    for (const auto& r : run.results) {
      if (std::find(ids.begin(), ids.end(), r.id) == ids.end()) ids.push_back(r.id);
      cell[{r.id, run.transport}] = &r;
    }
  }
  html << "<h2 id=\"summary\">Summary</h2><table id=\"matrix\"><tr><th>case</th>";
  for (const auto& run : runs) {
    html << "<th>" << escape_xml(run.transport) << "<br><span class=\"muted\">seed " << run.seed << "</span><br><span class=\"badge "
         << css_class(run.conformance()) << "\">" << escape_xml(conformance_summary(run)) << "</span></th>";
  }
  html << "<th>level</th><th>clause</th></tr>";
  std::map<std::string, const CaseResult*> any_result;  // level and clause are the case's, whichever run
  for (const auto& run : runs) {
    for (const auto& r : run.results) any_result.emplace(r.id, &r);
  }
  for (const auto& id : ids) {
    const bool wire = std::any_of(runs.begin(), runs.end(), [&](const RunSummary& run) {
      return std::any_of(run.results.begin(), run.results.end(), [&](const CaseResult& r) { return r.id == id && r.real_time; });
    });
    html << "<tr><td><code>" << escape_xml(id) << "</code>" << (wire ? " <span class=\"wire\">wire</span>" : "") << "</td>";
    for (const auto& run : runs) {
      const auto it = cell.find({id, run.transport});
      if (it == cell.end()) {
        html << "<td></td>";
        continue;
      }
      if (!it->second->applicable) {
        html << "<td class=\"na\" title=\"" << escape_xml(it->second->detail) << "\">—</td>";
        continue;
      }
      html << "<td class=\"" << css_class(it->second->verdict) << "\"><a href=\"#" << escape_xml(anchor(run, *it->second)) << "\">"
           << to_string(it->second->verdict) << "</a></td>";
    }
    const CaseResult& any = *any_result.at(id);
    html << "<td class=\"muted\">" << escape_xml(level_label(any.level, any.capability)) << "</td><td class=\"muted\">"
         << escape_xml(any.spec) << "</td></tr>";
  }
  html << "</table>";
  int diagrams = 0;
  for (const auto& run : runs) {
    html << "<h2>" << escape_xml(run.transport) << " <span class=\"badge " << css_class(run.conformance()) << "\">"
         << escape_xml(conformance_summary(run)) << "</span></h2>";
    const auto not_applicable = std::count_if(run.results.begin(), run.results.end(), [](const CaseResult& r) { return !r.applicable; });
    if (not_applicable > 0) {
      html << "<p class=\"muted\">" << not_applicable
           << " cases of types this transport does not declare are not applicable (— in the summary).</p>";
    }
    for (const auto& r : run.results) {
      if (!r.applicable) continue;
      html << "<div class=\"case\" id=\"" << escape_xml(anchor(run, r)) << "\"><h3><span class=\"badge " << css_class(r.verdict) << "\">"
           << to_string(r.verdict) << "</span> <code>" << escape_xml(r.id) << "</code> <span class=\"muted\">"
           << escape_xml(level_label(r.level, r.capability)) << " · " << escape_xml(r.spec) << "</span>"
           << (r.real_time ? " <span class=\"wire\">wire mode: real sockets, real time, run once (times are real ms)</span>" : "")
           << "</h3><p>" << escape_xml(r.proves) << "</p>";
      if (!r.detail.empty()) html << "<p class=\"found\"><b>Found:</b> " << escape_xml(r.detail) << "</p>";
      html << "<p><b>Reproduce:</b> <code>" << escape_xml(r.reproduce) << "</code></p>";
      if (!r.transcript.empty()) {
        html << "<details" << (r.verdict == Verdict::fail || r.verdict == Verdict::nondeterministic ? " open" : "")
             << "><summary>Message sequence (" << r.transcript.size() << " lines)</summary>"
             << sequence_svg(r.transcript, std::to_string(++diagrams))
             << "<table><tr><th>ms</th><th>from → to</th><th>what</th><th>hex</th><th>decoded</th></tr>";
        const std::size_t shown = std::min(r.transcript.size(), transcript_lines_shown_max);
        for (std::size_t i = 0; i < shown; ++i) {
          const auto& l = r.transcript[i];
          html << "<tr><td>" << ms(l.time_ns) << "</td><td>" << escape_xml(l.from) << " → " << escape_xml(l.to) << "</td><td>"
               << escape_xml(l.label) << "</td><td><code>" << escape_xml(shortened(l.hex, hex_chars_shown_max)) << "</code></td><td><code>"
               << escape_xml(shortened(l.json, json_chars_shown_max)) << "</code></td></tr>";
        }
        html << "</table></details>";
      }
      if (r.shrunk && r.shrunk->reproduced) {
        // The failure again, with only the faults it needs: each drawn as a red arrow on the link.
        html << "<details open><summary>Minimal failing run: " << r.shrunk->decisions_before << " fault decisions → "
             << r.shrunk->minimal.size() << " (" << r.shrunk->replays << " replays"
             << (r.shrunk->budget_exhausted ? ", budget exhausted" : "") << ")</summary>"
             << sequence_svg(r.shrunk->transcript, std::to_string(++diagrams)) << "</details>";
      }
      html << "</div>";
    }
  }
  html << "</body></html>\n";
  return html.str();
}

}  // namespace dclcomms::conformance
