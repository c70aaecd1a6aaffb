// A worker: the desk's work taken from the store, on any machine, beside any
// number of others. Each role claims its work in batches under a lease
// (store::Claim): feeds that are due ("poll"), pages of new entries to fetch,
// extract and store ("fetch"), the story writer's role ("cluster": one
// leader at a time keeps the clusterer in memory), editions to build and
// send at their send time ("send"). Sites are held by one worker at a time,
// for a batch, so that all workers together ask a site no faster than one
// desk would; each worker says it is alive and takes no more than its fair
// share of the sites with work, so that every worker gets some. A
// worker that dies leaves its claims to the others when their leases run out;
// a lost database connection is reopened with back-off, and the work in hand
// is retried (by this worker or another) once its lease has run out.
#pragma once

#include <atomic>
#include <cstddef>
#include <set>
#include <string>

#include "core/clock.hpp"
#include "core/config.hpp"
#include "core/error.hpp"

namespace newsdesk::app {

enum class Role { kPoll, kFetch, kCluster, kSend };
// "poll", "fetch", "cluster", "send".
const char* to_string(Role role);
// A comma-separated list of role names; kInvalidInput naming an unknown one.
core::Result<std::set<Role>> parse_roles(const std::string& list);

struct WorkerOptions {
  std::set<Role> roles = {Role::kPoll, Role::kFetch, Role::kCluster, Role::kSend};
  bool once = false;  // work until nothing is left to do now, then return
  // Set by someone else to stop (newsdesk serve). Without it the worker
  // stops on SIGINT/SIGTERM itself, after the batch in hand.
  const std::atomic<bool>* stop = nullptr;
  std::string name;  // the worker's name in leases; default "HOST:PID"
};

struct WorkerReport {
  size_t feeds = 0;         // polled
  size_t new_entries = 0;
  size_t pages = 0;         // fetched
  size_t articles = 0;      // new articles stored
  size_t clustered = 0;     // articles placed into stories
  size_t new_stories = 0;
  size_t rebuilds = 0;      // times the story writer built its state from the store
  size_t released = 0;      // claims given back: another worker held their site, or a batch had its fill of it
};

core::Result<WorkerReport> run_worker(const core::Config& config, const WorkerOptions& options,
                                      const core::Clock& clock);

}  // namespace newsdesk::app
