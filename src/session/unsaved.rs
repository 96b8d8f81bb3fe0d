//! Records whose lines could not all be written yet (the disk is full, the data folder
//! read-only or removed): a session that ended or a desk questionnaire. They are kept in
//! memory and written again every few seconds until every line is on the disk, and the
//! panel says plainly, until then, that they are not saved and where they belong.

use std::path::{Path, PathBuf};
use std::time::Duration;

use bevy::prelude::*;

use super::SessionRuntime;
use super::writer::RecordWriter;
use crate::AppSystems;

/// How often the lines waiting are written again.
pub const RETRY_EVERY: Duration = Duration::from_secs(2);

/// Writes the waiting lines again on a timer, the session under way's and those of records
/// no longer written to.
pub(super) fn plugin(app: &mut App) {
    app.init_resource::<UnsavedRecords>()
        .add_systems(Update, retry_on_timer.in_set(AppSystems::Runtime))
        .add_systems(Last, last_try_before_exit.in_set(crate::KeepBeforeExit));
}

/// Records with lines only in memory, kept until they are all on the disk.
#[derive(Resource, Debug, Default)]
pub struct UnsavedRecords {
    writers: Vec<RecordWriter>,
    since_retry: Duration,
}

/// A record not saved yet, as the panel shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct Unsaved {
    /// Where the record belongs.
    pub path: PathBuf,
    /// Its lines that wait in memory.
    pub lines: usize,
    /// Why they could not be written.
    pub problem: String,
}

impl UnsavedRecords {
    /// Keeps `writer` until its lines are written; one with nothing waiting is closed.
    pub fn keep(&mut self, writer: RecordWriter) {
        if writer.unwritten_lines() > 0 {
            self.writers.push(writer);
        }
    }

    /// The record at `path`, when its lines still wait.
    pub fn writer_for(&mut self, path: &Path) -> Option<&mut RecordWriter> {
        self.writers.iter_mut().find(|writer| writer.path() == path)
    }

    /// Writes every waiting line that can be written now; records done are closed.
    pub fn retry(&mut self) {
        self.writers.retain_mut(|writer| match writer.flush() {
            Ok(()) => {
                info!("the record {} is saved now", writer.path().display());
                false
            }
            Err(_) => true,
        });
    }

    /// The records not saved yet.
    pub fn unsaved(&self) -> Vec<Unsaved> {
        self.writers
            .iter()
            .map(|writer| Unsaved {
                path: writer.path().to_owned(),
                lines: writer.unwritten_lines(),
                problem: writer.problem().unwrap_or("not written yet").to_owned(),
            })
            .collect()
    }

    /// True when every record kept is saved.
    pub fn is_empty(&self) -> bool {
        self.writers.is_empty()
    }
}

fn retry_on_timer(
    time: Res<Time<Real>>,
    mut unsaved: ResMut<UnsavedRecords>,
    mut runtime: ResMut<SessionRuntime>,
) {
    for writer in runtime.take_unsaved_records() {
        unsaved.keep(writer);
    }
    unsaved.since_retry += time.delta();
    if unsaved.since_retry < RETRY_EVERY {
        return;
    }
    unsaved.since_retry = Duration::ZERO;
    unsaved.retry();
    if runtime.record_problem().is_some() {
        runtime.retry_record();
    }
}

/// When the program closes, the lines waiting get one last try; what still cannot be
/// written is named in the log (the records' places only, never their contents).
fn last_try_before_exit(
    mut exits: MessageReader<AppExit>,
    mut unsaved: ResMut<UnsavedRecords>,
    mut runtime: ResMut<SessionRuntime>,
) {
    if exits.read().last().is_none() {
        return;
    }
    runtime.retry_record();
    for writer in runtime.take_unsaved_records() {
        unsaved.keep(writer);
    }
    unsaved.retry();
    for record in unsaved.unsaved() {
        error!(
            "Stillpoint closed with {} lines of the record {} not saved: {}",
            record.lines,
            record.path.display(),
            record.problem
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::record::{Event, EventKind};

    #[test]
    fn lines_kept_while_the_folder_cannot_be_made_are_saved_once_it_can() {
        let dir = tempfile::tempdir().expect("temp dir");
        // A file where the records folder should be: no folder can be made there.
        let blocked = dir.path().join("records");
        std::fs::write(&blocked, "").expect("a file in the way");
        let path = blocked.join("P-1/q.jsonl");
        let mut writer = RecordWriter::create_or_hold(&path);
        assert!(writer.problem().is_some(), "the record cannot be created");
        let event = Event {
            t: 0.0,
            kind: EventKind::Paused,
        };
        writer.append(&event).expect_err("still not");
        let mut unsaved = UnsavedRecords::default();
        unsaved.keep(writer);
        unsaved.retry();
        let waiting = unsaved.unsaved();
        assert_eq!((waiting.len(), waiting[0].lines), (1, 1));
        assert_eq!(waiting[0].path, path);
        std::fs::remove_file(&blocked).expect("the way is cleared");
        unsaved.retry();
        assert!(unsaved.is_empty());
        let text = std::fs::read_to_string(&path).expect("written");
        assert_eq!(text, "{\"t\":0.0,\"event\":\"paused\"}\n");
    }

    #[test]
    fn a_record_whose_folder_is_removed_is_written_again_whole() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("records/P-1/r.jsonl");
        let mut writer = RecordWriter::create(&path).expect("created");
        let line = |t: f64| Event {
            t,
            kind: EventKind::Paused,
        };
        writer.append(&line(1.0)).expect("written");
        std::fs::remove_dir_all(dir.path().join("records")).expect("removed");
        writer.append(&line(2.0)).expect("written again");
        let text = std::fs::read_to_string(&path).expect("there again");
        assert_eq!(
            text.lines().count(),
            2,
            "both lines, neither doubled: {text}"
        );
    }
}
