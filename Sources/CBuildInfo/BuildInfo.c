#include "CBuildInfo.h"

// Package.swift defines BOOKING_MONITOR_COMMIT from the environment of the build
// (scripts/package-deb.sh sets it to `git describe`); a plain `swift build` leaves it out.
#ifndef BOOKING_MONITOR_COMMIT
#define BOOKING_MONITOR_COMMIT ""
#endif

const char *booking_monitor_build_commit(void) {
    return BOOKING_MONITOR_COMMIT;
}
