// Reading a request's arguments and options with Proxmox's parameter
// messages (`400 Parameter verification failed.` + `<param>: <problem>`):
// what verbs and the runtime's verbs alike read from a Request.
#pragma once

#include <cstdint>
#include <string>

#include "service/request.h"

namespace qmd::service {

// A VMID argument: 100 … 999999999 (Proxmox: first digit 1-9, then 2-8 digits).
// Throws CommandError `400 Parameter verification failed.\n<param>: ...`.
int64_t parse_vmid(const std::string& text, const std::string& param = "vmid");

// A boolean option value (1/0/on/off/yes/no/true/false), or the default when absent.
// Throws CommandError naming the option on any other spelling.
bool flag(const Request& req, const std::string& name, bool dflt = false);

// An integer option (>= min) or the default. Throws CommandError naming the option.
int64_t int_option(const Request& req, const std::string& name, int64_t dflt, int64_t min = 0);

// The `400 Parameter verification failed.\n<param>: <message>` error.
CommandError param_error(const std::string& param, const std::string& message);

}  // namespace qmd::service
