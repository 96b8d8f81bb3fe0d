//! Finding records that did not finish (a crash, a closed window, a lost headset), so the
//! therapist can pick the session up where it stopped.

use std::path::{Path, PathBuf};

use super::record::{EventKind, ReadRecord};

/// A record that stops before the session ended.
#[derive(Clone, Debug, PartialEq)]
pub struct Unfinished {
    /// The record file.
    pub path: PathBuf,
    /// The session's script id.
    pub script: String,
    /// The patient's code.
    pub patient: String,
    /// When the session started (RFC 3339).
    pub started_at: String,
    /// The step it stopped in, from 0.
    pub step: usize,
    /// Session time of the last event.
    pub last_t: f64,
}

/// Unfinished records under `folder` (for one patient when given), newest first.
pub fn unfinished_records(folder: &Path, patient: Option<&str>) -> Vec<Unfinished> {
    let mut found: Vec<Unfinished> = record_files(folder, patient)
        .iter()
        .filter_map(|path| unfinished_in(path))
        .collect();
    newest_first(&mut found);
    found
}

/// Every record file (`*.jsonl`) under `folder`, of one patient when given.
pub fn record_files(folder: &Path, patient: Option<&str>) -> Vec<PathBuf> {
    let patients: Vec<PathBuf> = match patient {
        Some(code) => vec![folder.join(code)],
        None => std::fs::read_dir(folder)
            .map(|entries| {
                entries
                    .filter_map(Result::ok)
                    .map(|entry| entry.path())
                    .collect()
            })
            .unwrap_or_default(),
    };
    patients
        .iter()
        .filter_map(|dir| std::fs::read_dir(dir).ok())
        .flat_map(|entries| entries.filter_map(Result::ok).map(|entry| entry.path()))
        .filter(|path| {
            path.extension()
                .is_some_and(|extension| extension == "jsonl")
        })
        .collect()
}

/// Sorts records newest first (by start time, then by file).
pub fn newest_first(records: &mut [Unfinished]) {
    records.sort_by(|a, b| {
        b.started_at
            .cmp(&a.started_at)
            .then_with(|| b.path.cmp(&a.path))
    });
}

/// The record at `path`, if it is a session record that stopped before its end.
pub fn unfinished_in(path: &Path) -> Option<Unfinished> {
    let record = ReadRecord::read(path).ok()?;
    if record.is_finished() {
        return None;
    }
    let Some(EventKind::SessionStarted {
        script,
        patient,
        started_at,
        ..
    }) = record.start()
    else {
        return None;
    };
    Some(Unfinished {
        path: path.to_owned(),
        script: script.clone(),
        patient: patient.clone(),
        started_at: started_at.clone(),
        step: record.last_step().unwrap_or(0),
        last_t: record.last_t(),
    })
}
