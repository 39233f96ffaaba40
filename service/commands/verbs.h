// Handlers of the qm verbs, one file each in service/commands/.
// Each takes the opened App and the parsed Request and returns the Reply;
// rule violations are thrown as CommandError with the spec's message.
#pragma once

#include "service/app.h"
#include "service/request.h"

namespace qmd::service {

Reply run_create(App& app, const Request& req);        // create.cpp
Reply run_set(App& app, const Request& req);           // set.cpp
Reply run_config(App& app, const Request& req);        // config.cpp
Reply run_pending(App& app, const Request& req);       // pending.cpp
Reply run_list(App& app, const Request& req);          // list.cpp
Reply run_destroy(App& app, const Request& req);       // destroy.cpp
Reply run_unlock(App& app, const Request& req);        // unlock.cpp
Reply run_locks(App& app, const Request& req);         // locks.cpp
Reply run_diff(App& app, const Request& req);          // diff.cpp
Reply run_export(App& app, const Request& req);        // export.cpp
Reply run_rebuild(App& app, const Request& req);       // rebuild.cpp
Reply run_verify(App& app, const Request& req);        // verify.cpp
Reply run_import(App& app, const Request& req);        // import.cpp
Reply run_check_config(const Request& req);            // check_config.cpp (no database)

}  // namespace qmd::service
