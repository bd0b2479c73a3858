#pragma once
// What AsioRuntime hides: the io_context and the timers. Included by the carrier .cpp files only.

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include <map>
#include <memory>
#include <set>

#include "dclcomms/core/runtime.hpp"

namespace dclcomms::carriers::detail {

struct AsioContext {
  boost::asio::io_context io;
  core::TimerId last_timer_id = 0;
  std::map<core::TimerId, std::unique_ptr<boost::asio::steady_timer>> timers;
  std::set<core::TimerId> posted;  // due-now callbacks not yet run (cancel removes them)
  std::unique_ptr<boost::asio::signal_set> signals;
};

}  // namespace dclcomms::carriers::detail
