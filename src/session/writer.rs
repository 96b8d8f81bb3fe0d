//! Writing a session record: one flushed line at a time, nothing lost to a full disk, a
//! read-only folder or one removed while the session runs.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::record::{ActionSource, EndReason, Event, EventKind, ReadRecord};

/// One line as written: the event, and where its action came from when that is named.
#[derive(Serialize)]
struct SourcedLine<'a> {
    #[serde(flatten)]
    event: &'a Event,
    #[serde(skip_serializing_if = "Option::is_none")]
    from: Option<ActionSource>,
}

/// A record file, appended to one flushed line at a time. A line that cannot be written
/// (the disk is full, the folder read-only or gone) is kept in memory and written, in
/// order, once it can be: at the next line or at [`RecordWriter::flush`], which the session
/// plugin calls on a timer. A write cut short is taken back, so no half line is left between
/// two whole ones; a record whose file was removed is written again whole.
#[derive(Debug)]
pub struct RecordWriter {
    path: PathBuf,
    /// The open file; `None` while it could not be created.
    file: Option<File>,
    /// Everything this writer has put on the disk, to write the record again whole if its
    /// file disappears (a folder removed while the session runs).
    written: String,
    /// Lines not on the disk yet, oldest first, each ending in a newline.
    unwritten: Vec<String>,
    /// Why the last write failed, while lines wait.
    problem: Option<String>,
}

impl RecordWriter {
    /// Creates a new record file (and its folder), private to the user.
    pub fn create(path: &Path) -> io::Result<Self> {
        let mut writer = Self::held(path);
        writer.file = Some(create_private(path, true)?);
        Ok(writer)
    }

    /// A new record at `path` whose file is created now if it can be, and otherwise at the
    /// first flush that can: its lines wait in memory until then ([`RecordWriter::problem`]
    /// says why).
    pub fn create_or_hold(path: &Path) -> Self {
        let mut writer = Self::held(path);
        match create_private(path, true) {
            Ok(file) => writer.file = Some(file),
            Err(error) => writer.problem = Some(error.to_string()),
        }
        writer
    }

    fn held(path: &Path) -> Self {
        Self {
            path: path.to_owned(),
            file: None,
            written: String::new(),
            unwritten: Vec::new(),
            problem: None,
        }
    }

    /// Opens an existing record to continue it. A last line cut off by a crash is closed
    /// with a newline first, so that it stays one unreadable line instead of spoiling the
    /// next one.
    pub fn reopen(path: &Path) -> io::Result<Self> {
        let mut file = private_options(path).open(path)?;
        let mut existing = Vec::new();
        file.read_to_end(&mut existing)?;
        if existing.last().is_some_and(|last| *last != b'\n') {
            file.write_all(b"\n")?;
            existing.push(b'\n');
        }
        Ok(Self {
            path: path.to_owned(),
            file: Some(file),
            written: String::from_utf8_lossy(&existing).into_owned(),
            unwritten: Vec::new(),
            problem: None,
        })
    }

    /// The record's file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Writes one event as one line, after any earlier lines that could not be written,
    /// and makes sure they are on the disk. On failure the line is kept for the next time.
    pub fn append(&mut self, event: &Event) -> io::Result<String> {
        self.append_from(event, None)
    }

    /// Writes one event as [`RecordWriter::append`] does, noting where the action that
    /// caused it came from (`"from": "remote"`) when `source` names one.
    pub fn append_from(
        &mut self,
        event: &Event,
        source: Option<ActionSource>,
    ) -> io::Result<String> {
        let line = serde_json::to_string(&SourcedLine {
            event,
            from: source,
        })
        .map_err(io::Error::other)?;
        self.unwritten.push(format!("{line}\n"));
        self.flush()?;
        Ok(line)
    }

    /// Writes `events` in one write: all of them reach the disk, or none (they wait).
    pub fn append_all(&mut self, events: &[Event]) -> io::Result<()> {
        for event in events {
            let line = serde_json::to_string(event).map_err(io::Error::other)?;
            self.unwritten.push(format!("{line}\n"));
        }
        self.flush()
    }

    /// True once the record's file exists (it could be created, or was reopened).
    pub fn is_created(&self) -> bool {
        self.file.is_some()
    }

    /// How many lines wait to be written.
    pub fn unwritten_lines(&self) -> usize {
        self.unwritten.len()
    }

    /// Why the lines waiting could not be written, while some wait.
    pub fn problem(&self) -> Option<&str> {
        self.problem.as_deref()
    }

    /// Writes the lines waiting, if any, creating the file (and its folder) first when it
    /// could not be created or has been removed since.
    pub fn flush(&mut self) -> io::Result<()> {
        let result = self.write_unwritten();
        self.problem = result.as_ref().err().map(ToString::to_string);
        result
    }

    fn write_unwritten(&mut self) -> io::Result<()> {
        let removed = self.file.is_some() && !self.path.exists();
        if removed {
            bevy::log::warn!(
                "the record {} was removed while it was written: it is written again whole",
                self.path.display()
            );
            self.unwritten.insert(0, std::mem::take(&mut self.written));
            self.file = None;
        }
        if self.unwritten.is_empty() {
            return Ok(());
        }
        let file = match &mut self.file {
            Some(file) => file,
            None => self.file.insert(create_private(&self.path, false)?),
        };
        let length = file.metadata()?.len();
        // One write call: a kill can cut the last line short but never interleave two.
        let text = self.unwritten.concat();
        // On the disk before the session moves on: even a power cut keeps these lines.
        let written = file
            .write_all(text.as_bytes())
            .and_then(|()| file.sync_data());
        match written {
            Ok(()) => {
                self.unwritten.clear();
                self.written.push_str(&text);
                Ok(())
            }
            Err(error) => {
                // Take back what part of it reached the file, so that the next line does
                // not join a half one.
                if let Err(truncating) = file.set_len(length) {
                    bevy::log::error!(
                        "cannot take back a part-written line of {}: {truncating}",
                        self.path.display()
                    );
                }
                Err(error)
            }
        }
    }
}

/// Creates the record file at `path` and its folder, private to the user; `new` refuses a
/// file already there.
fn create_private(path: &Path, new: bool) -> io::Result<File> {
    if let Some(folder) = path.parent() {
        crate::private::create_dir(folder)?;
    }
    let mut options = private_options(path);
    if new {
        options.create_new(true);
    } else {
        options.create(true);
    }
    let file = options.open(path)?;
    crate::private::settle(&file, path);
    Ok(file)
}

/// Closes the unfinished record at `path` without resuming it: a `session_ended` line with
/// the reason `abandoned`, at the time of its last event. Nothing is deleted.
pub fn close_unfinished(path: &Path) -> Result<(), String> {
    let shown = path.display();
    let record = ReadRecord::read(path)
        .map_err(|error| format!("cannot read the record {shown}: {error}"))?;
    if record.start().is_none() {
        return Err(format!("{shown} does not start like a session record"));
    }
    if record.is_finished() {
        return Err(format!("{shown} is already finished"));
    }
    let mut writer = RecordWriter::reopen(path)
        .map_err(|error| format!("cannot close the record {shown}: {error}"))?;
    writer
        .append(&Event {
            t: record.last_t(),
            kind: EventKind::SessionEnded {
                reason: EndReason::Abandoned,
            },
        })
        .map_err(|error| format!("cannot close the record {shown}: {error}"))?;
    Ok(())
}

fn private_options(path: &Path) -> OpenOptions {
    let mut options = crate::private::file_options(path);
    options.append(true).read(true);
    options
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(t: f64, kind: EventKind) -> Event {
        Event { t, kind }
    }

    #[test]
    fn a_cut_off_line_is_reported_and_the_rest_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("records/p1/r.jsonl");
        let mut writer = RecordWriter::create(&path).unwrap();
        writer.append(&event(0.0, EventKind::Paused)).unwrap();
        writer.append(&event(1.0, EventKind::Resumed)).unwrap();
        writer.append(&event(2.0, EventKind::CalmOn)).unwrap();
        drop(writer);
        // A kill in the middle of the last write.
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..bytes.len() - 7]).unwrap();
        let record = ReadRecord::read(&path).unwrap();
        assert_eq!(record.events.len(), 2);
        assert_eq!(record.damaged_lines, vec![3]);
        // Continuing the record closes the broken line first.
        let mut writer = RecordWriter::reopen(&path).unwrap();
        writer.append(&event(3.0, EventKind::CalmOff)).unwrap();
        let record = ReadRecord::read(&path).unwrap();
        assert_eq!(record.events.len(), 3);
        assert_eq!(record.events[2].kind, EventKind::CalmOff);
        assert_eq!(record.damaged_lines, vec![3]);
    }

    #[cfg(unix)]
    #[test]
    fn records_are_private_to_the_user() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("records/p1/r.jsonl");
        RecordWriter::create(&path).unwrap();
        let mode = |path: &Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(path.parent().unwrap()), 0o700);
    }
}
