// Runs one parsed request against an App: finds the verb, calls its handler,
// and turns every error into a Reply (never throws, never crashes on bad input).
#pragma once

#include "service/app.h"
#include "service/request.h"

namespace qmd::service {

// `app` may be null for verbs that run offline (VerbSpec::run_offline); a verb
// that needs the database then fails with a clear message.
Reply dispatch(App* app, const Request& req);

// Whether the verb of `req` needs the database (an App).
bool needs_app(const Request& req);

}  // namespace qmd::service
