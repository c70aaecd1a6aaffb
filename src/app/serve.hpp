// `newsdesk serve`: the whole desk in one process on the embedded store: the
// web site, the poller (feeds, articles, stories) and the editions on
// schedule (built and sent at their send time, deferred copies retried).
// SIGTERM or SIGINT stops it cleanly: the poller finishes its round, a send
// finishes the copies in flight and leaves the rest queued (resumable).
#pragma once

#include "core/config.hpp"
#include "core/error.hpp"
#include "web/server.hpp"

namespace newsdesk::app {

struct ServeOptions {
  bool web = true;     // the site on web.listen:web.port
  bool poll = true;    // read feeds as they fall due
  bool send = true;    // build and send editions at their send time
};

core::Result<void> run_serve(const core::Config& config, const ServeOptions& options);

// Ranks a beat's stories of the last day for the site (web::LiveStories).
web::LiveStories live_stories(const core::Config& config);
// The admin's preview: the edition of a date as `edition build` would make it now, stored nowhere.
web::EditionPreview edition_preview(const core::Config& config);

}  // namespace newsdesk::app
