//! The time of day as records, artwork files and reports write it.

use std::time::SystemTime;

/// The wall clock as RFC 3339 UTC, e.g. "2026-11-22T09:30:00Z".
pub fn wall_clock() -> String {
    humantime::format_rfc3339_seconds(SystemTime::now()).to_string()
}
