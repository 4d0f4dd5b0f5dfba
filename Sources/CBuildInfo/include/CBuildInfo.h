#ifndef CBUILDINFO_H
#define CBUILDINFO_H

/// The commit this binary was built from (`BOOKING_MONITOR_COMMIT` at build time), or "".
const char *booking_monitor_build_commit(void);

#endif
