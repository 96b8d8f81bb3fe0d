//! The clinic's log of the remote: turned on and off, pairings, refusals and revocations,
//! one line each after the time. It names devices and network addresses, never a patient.

use std::collections::HashMap;
use std::io::Write;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The log file in the data folder.
pub const LOG_FILE: &str = "remote.log";

/// How long the same refusal from the same address is written only once.
const QUIET_TIME: Duration = Duration::from_secs(60);

/// The clinic log, written on the server's thread.
#[derive(Debug)]
pub struct ClinicLog {
    path: PathBuf,
    last_refusals: HashMap<(IpAddr, &'static str), Instant>,
}

impl ClinicLog {
    /// The log at `path`.
    pub fn at(path: &Path) -> Self {
        Self {
            path: path.to_owned(),
            last_refusals: HashMap::new(),
        }
    }

    /// Adds a line. A log that cannot be written is said in the app's log, once per line.
    pub fn write(&self, what: &str) {
        bevy::log::info!("remote: {what}");
        let line = format!("{} {what}\n", crate::clock::wall_clock());
        let written = crate::private::file_options(&self.path)
            .append(true)
            .create(true)
            .open(&self.path)
            .and_then(|mut file| {
                crate::private::settle(&file, &self.path);
                file.write_all(line.as_bytes())
            });
        if let Err(error) = written {
            bevy::log::warn!(
                "the remote's clinic log {} cannot be written: {error}",
                self.path.display()
            );
        }
    }

    /// Adds a refusal of `kind` from `from`, unless the same was written in the last minute
    /// (a phone retrying, or someone trying many times, fills no disk).
    pub fn refusal(&mut self, from: IpAddr, kind: &'static str, what: &str) {
        let now = Instant::now();
        self.last_refusals
            .retain(|_, at| now.saturating_duration_since(*at) < QUIET_TIME);
        if self.last_refusals.contains_key(&(from, kind)) {
            return;
        }
        self.last_refusals.insert((from, kind), now);
        self.write(&format!("refused {from}: {what}"));
    }
}
