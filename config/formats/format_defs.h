// The property-string formats of spec §4 (PVE JSONSchema format hashes).
// Each function returns a reference to an immutable table that lives forever.
#pragma once

#include "config/schema.h"

namespace qmd::config::formats {

const Format& ide();
const Format& sata();
const Format& scsi();
const Format& virtio();
const Format& efidisk();
const Format& tpmstate();
const Format& unused();
const Format& all_drive();   // union of the drive formats: used to print drives
const Format& net();
const Format& ipconfig();
const Format& cicustom();
const Format& boot();
const Format& cpu();
const Format& machine();
const Format& memory();
const Format& numa();
const Format& agent();
const Format& vga();
const Format& smbios1();
const Format& usb();
const Format& hostpci();
const Format& watchdog();
const Format& rng();
const Format& audio();
const Format& ivshmem();
const Format& spice_enhancements();
const Format& amd_sev();
const Format& intel_tdx();
const Format& virtiofs();
const Format& meta();

}  // namespace qmd::config::formats
