// What a verb handler usually needs, in one include: reading options
// (support/request_options.h), loading the VM (support/vm_access.h), retrying
// on a conflict (support/conflict_retry.h), output (support/output.h) and
// times and points of the log (support/log_time.h). These live below the
// verbs because the runtime and autoballoon need them too; those include the
// support/ headers themselves, never this one.
#pragma once

#include "service/support/conflict_retry.h"
#include "service/support/log_time.h"
#include "service/support/output.h"
#include "service/support/request_options.h"
#include "service/support/vm_access.h"
