#pragma once
// `dclcomms sim ...`: run, replay and compare deterministic simulations (simulator/engine).

#include <CLI/CLI.hpp>

/// Registers `sim run`, `sim replay` and `sim diff`. Failures are reported as one line on stderr
/// and then thrown as CLI::RuntimeError carrying the exit code (2 bad input, 1 traces differ,
/// 3 nondeterminism detected).
void register_sim_commands(CLI::App& app);
