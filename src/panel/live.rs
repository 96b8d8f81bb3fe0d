//! What the panel reads from disk, kept fresh without blocking a frame: the session library
//! (every file with its validation status), the record being written now (for the live
//! check-in chart), and the current patient's earlier sessions (the course chart and the
//! last session's summary).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use bevy::prelude::*;
use bevy::tasks::futures::check_ready;
use bevy::tasks::{IoTaskPool, Task};
use bevy::time::common_conditions::on_real_timer;

use crate::AppSystems;
use crate::config::{Paths, Settings};
use crate::instruments::{InstrumentSet, SafetyAlert};
use crate::patient_code;
use crate::report::outcomes::{Questionnaires, RaisedAlert, alerts_in};
use crate::report::summary::SessionSummary;
use crate::script::Phase;
use crate::script::library::{self, Entry};
use crate::session::questionnaire::{PendingAlert, SafetyAlerts};
use crate::session::record::ReadRecord;
use crate::session::resume::{Unfinished, unfinished_in};
use crate::session::{SessionRuntime, SessionState};

/// How often the panel looks at the disk again.
const REFRESH: Duration = Duration::from_secs(2);

/// One session file as the library shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct LibraryItem {
    /// The file.
    pub path: PathBuf,
    /// The session's id, or the file name when it does not parse.
    pub id: String,
    /// Title, phase label and expected length, when the file is valid.
    pub summary: Option<ItemSummary>,
    /// Every problem, as `path:line:column: message` (warnings too, for a valid file).
    pub problems: Vec<String>,
    /// The preview picture, if one has been made (`assets/previews/<id>.png`).
    pub preview: Option<PathBuf>,
}

/// What a valid session file is.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemSummary {
    /// The title.
    pub title: String,
    /// Where it belongs in a course.
    pub phase: Phase,
    /// Expected length, seconds.
    pub length_secs: f64,
}

impl LibraryItem {
    fn from_entry(entry: &Entry, previews: &Path) -> Self {
        let problems = entry
            .diagnostics()
            .iter()
            .map(|diagnostic| diagnostic.headline())
            .collect();
        let file_stem = entry
            .path
            .file_name()
            .map(|name| {
                name.to_string_lossy()
                    .trim_end_matches(".session.ron")
                    .to_owned()
            })
            .unwrap_or_default();
        let (id, summary) = match &entry.outcome {
            Ok(checked) => (
                checked.session.id.clone(),
                Some(ItemSummary {
                    title: checked.session.title.clone(),
                    phase: checked.session.phase,
                    length_secs: checked.session.expected_secs(),
                }),
            ),
            Err(_) => (file_stem, None),
        };
        let preview = previews.join(format!("{id}.png"));
        Self {
            path: entry.path.clone(),
            summary,
            problems,
            preview: preview.is_file().then_some(preview),
            id,
        }
    }
}

/// Every session file in the sessions folder, valid or not (invalid ones are listed with
/// their problems, never hidden), and the unfinished records that can be resumed.
#[derive(Resource, Debug, Default, Clone)]
pub struct Library {
    /// The files, in name order.
    pub items: Vec<LibraryItem>,
    /// Why the folder could not be read, if it could not.
    pub problem: Option<String>,
    /// Records that stopped before their end, newest first.
    pub unfinished: Vec<Unfinished>,
    /// Safety alerts in the records never acknowledged (Stillpoint was closed while one
    /// showed): raised again in the panel.
    pub unacknowledged: Vec<RaisedAlert>,
}

impl Library {
    /// The session file for a session id, if it is in the library and valid.
    pub fn file_of(&self, id: &str) -> Option<&Path> {
        self.items
            .iter()
            .find(|item| item.id == id && item.summary.is_some())
            .map(|item| item.path.as_path())
    }
}

/// The record being written now, summarised (pauses, calm, check-in answers with times).
#[derive(Resource, Default)]
pub struct LiveRecord {
    /// The summary, once the record has its first line.
    pub summary: Option<SessionSummary>,
    /// The record's path and length when last read.
    seen: Option<(PathBuf, u64)>,
    reading: Background<Option<SessionSummary>>,
}

/// The current patient's earlier sessions, oldest first.
#[derive(Resource, Debug, Default, Clone, PartialEq)]
pub struct Course {
    /// The patient code they belong to.
    pub patient: String,
    /// Their sessions.
    pub sessions: Vec<SessionSummary>,
    /// Their paintings, newest first (not those of the session under way).
    pub artworks: Vec<crate::artwork::save::SavedArtwork>,
    /// Their questionnaires (in earlier sessions and at the desk) and safety alerts.
    pub questionnaires: Questionnaires,
}

/// The patient code the panel is working with (typed in the field, or the running
/// session's). The course follows it.
#[derive(Resource, Debug, Default, Clone, PartialEq, Eq)]
pub struct PatientCode(pub String);

/// Keeps the library, the live record and the course fresh. Every reading of the disk runs
/// on the I/O task pool and is collected in a later frame, so no frame waits for the disk.
pub fn plugin(app: &mut App) {
    app.init_resource::<Library>()
        .init_resource::<SafetyAlerts>()
        .init_resource::<LibraryReading>()
        .init_resource::<LiveRecord>()
        .init_resource::<Course>()
        .init_resource::<CourseReading>()
        .init_resource::<PatientCode>()
        .add_systems(Startup, scan_library)
        .add_systems(
            Update,
            (
                // A reading is collected at the earliest in the frame after it started.
                (collect_library, collect_course),
                (
                    scan_library.run_if(on_real_timer(REFRESH)),
                    read_live_record,
                    follow_course,
                ),
            )
                .chain()
                .in_set(AppSystems::Present),
        );
}

/// Work on the I/O task pool whose result a later frame collects (at once where there is no
/// task pool, as in a bare test app).
pub struct Background<T> {
    task: Option<Task<T>>,
    done: Option<T>,
}

impl<T> Default for Background<T> {
    fn default() -> Self {
        Self {
            task: None,
            done: None,
        }
    }
}

impl<T: Send + 'static> Background<T> {
    /// Starts `work`, dropping (cancelling) a reading still under way.
    pub fn start(&mut self, work: impl FnOnce() -> T + Send + 'static) {
        match IoTaskPool::try_get() {
            Some(pool) => {
                self.task = Some(pool.spawn(async move { work() }));
                self.done = None;
            }
            None => {
                self.task = None;
                self.done = Some(work());
            }
        }
    }

    /// True while a reading is under way.
    pub fn is_busy(&self) -> bool {
        self.task.is_some() || self.done.is_some()
    }

    /// The result, once the work has finished.
    pub fn finished(&mut self) -> Option<T> {
        if let Some(done) = self.done.take() {
            return Some(done);
        }
        let done = check_ready(self.task.as_mut()?)?;
        self.task = None;
        Some(done)
    }
}

/// The library being read, and what each record said when it was last read (by size and
/// modification time), so that a refresh reads only the records that changed. The cache goes
/// with each reading and comes back with its result.
#[derive(Resource, Default)]
pub struct LibraryReading {
    reading: Background<(Library, RecordCache)>,
    records: RecordCache,
}

/// What each record file said, by path.
pub type RecordCache = HashMap<PathBuf, RecordRead>;

/// What a record file said when it had this size and modification time.
#[derive(Debug, Clone)]
pub struct RecordRead {
    size: u64,
    modified: Option<SystemTime>,
    unfinished: Option<Unfinished>,
    unacknowledged: Vec<RaisedAlert>,
}

/// The course being read for a patient code.
#[derive(Resource, Default)]
pub struct CourseReading {
    reading: Background<Course>,
}

/// Reads the session folders (bundled and the clinic's own): each file checked as `stillpoint
/// validate` would; and the unfinished records, reading again only those that changed since
/// they were read into `cache`.
pub fn read_library(
    paths: &Paths,
    settings: &Settings,
    instruments: &InstrumentSet,
    records: &Path,
    cache: &mut RecordCache,
) -> Library {
    let context = settings.validation_context(paths, instruments);
    let previews = paths.assets.join("previews");
    let (items, problem) = match library::session_files_in(&paths.session_folders()) {
        Ok(files) => (
            library::check_all(&files, &context)
                .iter()
                .map(|entry| LibraryItem::from_entry(entry, &previews))
                .collect(),
            None,
        ),
        Err(problem) => (Vec::new(), Some(problem)),
    };
    let (unfinished, unacknowledged) = records_cached(records, cache);
    Library {
        items,
        problem,
        unfinished,
        unacknowledged,
    }
}

/// The unfinished records under `records`, newest first, and the safety alerts in them
/// never acknowledged; a record is read again only when its size or modification time
/// changed.
fn records_cached(records: &Path, cache: &mut RecordCache) -> (Vec<Unfinished>, Vec<RaisedAlert>) {
    let mut seen = std::collections::HashSet::new();
    let mut found = Vec::new();
    let mut unacknowledged = Vec::new();
    for path in crate::session::resume::record_files(records, None) {
        let Ok(metadata) = std::fs::metadata(&path) else {
            continue;
        };
        let (size, modified) = (metadata.len(), metadata.modified().ok());
        seen.insert(path.clone());
        let read = match cache.get(&path) {
            Some(read) if (read.size, read.modified) == (size, modified) => read,
            _ => {
                let alerts = ReadRecord::read(&path)
                    .map(|record| alerts_in(&path, &record))
                    .unwrap_or_default();
                let read = RecordRead {
                    size,
                    modified,
                    unfinished: unfinished_in(&path),
                    unacknowledged: alerts
                        .into_iter()
                        .filter(|alert| !alert.acknowledged)
                        .collect(),
                };
                cache.entry(path).insert_entry(read).into_mut()
            }
        };
        found.extend(read.unfinished.clone());
        unacknowledged.extend(read.unacknowledged.iter().cloned());
    }
    cache.retain(|path, _| seen.contains(path));
    crate::session::resume::newest_first(&mut found);
    (found, unacknowledged)
}

/// Starts reading the library (unless a reading is under way).
fn scan_library(
    paths: Option<Res<Paths>>,
    settings: Option<Res<Settings>>,
    instruments: Option<Res<InstrumentSet>>,
    runtime: Res<SessionRuntime>,
    library: Res<Library>,
    mut reading: ResMut<LibraryReading>,
) {
    let (Some(paths), Some(settings)) = (paths, settings) else {
        return;
    };
    // The library is for choosing what comes next; it is not re-read during a session.
    if reading.reading.is_busy() || (runtime.is_under_way() && !library.items.is_empty()) {
        return;
    }
    let (paths, settings) = (paths.clone(), settings.clone());
    let instruments = instruments.map(|set| set.clone()).unwrap_or_default();
    let mut cache = std::mem::take(&mut reading.records);
    reading.reading.start(move || {
        let library = read_library(
            &paths,
            &settings,
            &instruments,
            &settings.records_folder(),
            &mut cache,
        );
        (library, cache)
    });
}

/// Takes the library read in the background, when it is ready, and raises again the safety
/// alerts its records hold that were never acknowledged.
fn collect_library(
    runtime: Res<SessionRuntime>,
    instruments: Option<Res<InstrumentSet>>,
    mut reading: ResMut<LibraryReading>,
    mut library: ResMut<Library>,
    mut alerts: ResMut<SafetyAlerts>,
) {
    let Some((mut fresh, cache)) = reading.reading.finished() else {
        return;
    };
    reading.records = cache;
    // The record being written is not "unfinished": it is this session.
    let current = runtime.record_path();
    fresh
        .unfinished
        .retain(|record| Some(record.path.as_path()) != current);
    for raised in &fresh.unacknowledged {
        let patient = raised
            .record
            .parent()
            .and_then(Path::file_name)
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default();
        let alert = SafetyAlert {
            item: raised.item,
            answer: raised.answer,
            message: raised.message.clone(),
        };
        let record = Some(raised.record.clone());
        let administration = raised.administration.clone();
        let instrument = instruments
            .as_ref()
            .and_then(|instruments| instruments.get(&raised.instrument));
        // An instrument no longer loaded (renamed, removed, now invalid) still shows its
        // alert, in plain words from the record.
        let mut pending = match instrument {
            Some(instrument) => {
                PendingAlert::new(instrument, &alert, &patient, record, administration)
            }
            None => PendingAlert::without_instrument(
                &raised.instrument,
                &alert,
                &patient,
                record,
                administration,
            ),
        };
        if alerts.knows(&pending) {
            continue;
        }
        if let Some(answer) = raised.revised_to {
            pending.revise(instrument.map(AsRef::as_ref), answer);
        }
        pending.raised_at = "in an earlier session, and not yet acknowledged".to_owned();
        alerts.raise([pending]);
    }
    if fresh.items != library.items
        || fresh.problem != library.problem
        || fresh.unfinished != library.unfinished
        || fresh.unacknowledged != library.unacknowledged
    {
        *library = fresh;
    }
}

/// Re-reads the current record in the background whenever it has grown.
fn read_live_record(runtime: Res<SessionRuntime>, mut live: ResMut<LiveRecord>) {
    if let Some(summary) = live.reading.finished() {
        live.summary = summary;
    }
    let Some(path) = runtime.record_path() else {
        if live.seen.is_some() && runtime.state() == SessionState::Idle {
            *live = LiveRecord::default();
        }
        return;
    };
    // Its length is known without reading it: the runtime wrote every line.
    let length = std::fs::metadata(path).map_or(0, |metadata| metadata.len());
    if live.reading.is_busy() || live.seen.as_ref() == Some(&(path.to_path_buf(), length)) {
        return;
    }
    live.seen = Some((path.to_path_buf(), length));
    let path = path.to_path_buf();
    live.reading
        .start(move || match SessionSummary::read(&path) {
            Ok(summary) => summary,
            Err(error) => {
                warn!("cannot read the session record {}: {error}", path.display());
                None
            }
        });
}

/// Loads the patient's earlier sessions when the code changes or a session ends.
fn follow_course(
    code: Res<PatientCode>,
    runtime: Res<SessionRuntime>,
    settings: Option<Res<Settings>>,
    mut course: ResMut<Course>,
    mut reading: ResMut<CourseReading>,
    mut last_state: Local<Option<SessionState>>,
    instruments: Option<Res<InstrumentSet>>,
) {
    let state = runtime.state();
    let ended = *last_state != Some(state) && state == SessionState::Finished;
    *last_state = Some(state);
    // The running session's patient, or the code typed for the next one.
    let typed = code.0.trim();
    let patient = if runtime.is_under_way() || (typed.is_empty() && state == SessionState::Finished)
    {
        runtime.patient()
    } else {
        typed
    };
    if patient == course.patient && !ended {
        return;
    }
    *course = Course {
        patient: patient.to_owned(),
        ..Course::default()
    };
    let Some(settings) = settings else { return };
    if patient_code::check_or_practice(patient).is_err() {
        return;
    }
    // The session under way is shown live, not as part of the course so far.
    let current = runtime
        .record_path()
        .filter(|_| runtime.is_under_way())
        .map(Path::to_path_buf);
    let (patient, records) = (patient.to_owned(), settings.records_folder());
    let instruments = instruments.map(|set| set.clone()).unwrap_or_default();
    // A reading for a code typed a moment ago is dropped: only the newest one counts.
    reading
        .reading
        .start(move || read_course(&patient, &records, current.as_deref(), &instruments));
}

/// A patient's earlier sessions, questionnaires and paintings, leaving out the record
/// `current`.
fn read_course(
    patient: &str,
    records: &Path,
    current: Option<&Path>,
    instruments: &InstrumentSet,
) -> Course {
    let mut course = Course {
        patient: patient.to_owned(),
        ..Course::default()
    };
    if let Ok(mut files) = crate::report::patient_records(records, patient) {
        files.retain(|record| Some(record.as_path()) != current);
        let read = crate::report::read(&files, instruments);
        course.sessions = read.sessions;
        course.questionnaires = read.questionnaires;
    }
    course.artworks = crate::artwork::save::artworks_in(&records.join(patient))
        .into_iter()
        .filter(|artwork| Some(artwork.record.as_path()) != current)
        .collect();
    course
}

/// Takes the course read in the background, when it is ready and still for the code shown.
fn collect_course(mut reading: ResMut<CourseReading>, mut course: ResMut<Course>) {
    if let Some(read) = reading.reading.finished()
        && read.patient == course.patient
    {
        *course = read;
    }
}
