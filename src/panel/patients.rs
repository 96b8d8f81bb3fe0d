//! The Patients window's state: every patient at a glance and the work the therapist asks
//! for (the course report opened in the browser, an export to a folder, an import, a
//! deletion, clearing the practice records). Every piece of work is done by the same
//! functions as `stillpoint patient|report|export` ([`crate::patients`]), off the frame on
//! the I/O task pool; the window shows that it is under way and then what came of it.

use std::path::{Path, PathBuf};

use bevy::prelude::*;

use super::folders::{FolderChooser, Picks};
use super::intent::PanelIntent;
use super::live::Background;
use crate::AppSystems;
use crate::config::Settings;
use crate::export::Format;
use crate::instruments::InstrumentSet;
use crate::patients::work::{self, Partial, ReportOf};
use crate::patients::{self, PatientFolders, PatientOverview, Practice};
use crate::session::SessionRuntime;

/// What an export writes: each kind can be left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExportKinds {
    /// The answers as a CSV table.
    pub csv: bool,
    /// The FHIR R4 bundle.
    pub fhir: bool,
    /// An archive of every file (a backup, or a transfer to another computer).
    pub archive: bool,
}

impl Default for ExportKinds {
    fn default() -> Self {
        Self {
            csv: true,
            fhir: true,
            archive: true,
        }
    }
}

/// What the folder chooser is open for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Errand {
    /// Exporting this patient's files.
    Export(String),
    /// Importing an archive.
    Import,
}

/// What came of a piece of work, in words, with the files it made (to open or copy).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// True when it was done.
    pub done: bool,
    /// What happened, for the therapist.
    pub words: String,
    /// Files to show, for copying their path.
    pub files: Vec<PathBuf>,
}

impl Outcome {
    fn done(words: String, files: Vec<PathBuf>) -> Self {
        Self {
            done: true,
            words,
            files,
        }
    }

    fn failed(words: String) -> Self {
        Self {
            done: false,
            words,
            files: Vec::new(),
        }
    }
}

/// A deletion waiting for its code to be typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deleting {
    /// Whose files.
    pub code: String,
    /// What has been typed so far.
    pub typed: String,
}

/// What the therapist asks in the window.
#[derive(Debug, Clone, PartialEq)]
pub enum Ask {
    /// Read every patient again.
    Refresh,
    /// Make the course report and open it in the browser.
    Report(String),
    /// Choose a folder to export this patient's files to.
    ChooseExport(String),
    /// Choose an archive to import.
    ChooseImport,
    /// The folder (or archive) chosen for the errand under way.
    Picked(PathBuf),
    /// Put the chooser away.
    CancelChoice,
    /// Ask to delete this patient's files (the code is then typed).
    AskDelete(String),
    /// Delete, once the code typed is the patient's.
    Delete,
    /// Put the deletion away.
    CancelDelete,
    /// Ask to clear the practice records.
    AskClearPractice,
    /// Clear them (already confirmed).
    ClearPractice,
    /// Put the question away.
    CancelClearPractice,
    /// Close the window.
    Close,
}

/// What the work needs: the clinic's settings, the questionnaires, the patient in a session
/// now (never deleted under it) and how a page is opened in the browser.
#[derive(Clone)]
pub struct Work {
    /// The clinic's settings (the data folder).
    pub settings: Settings,
    /// The questionnaires, to score.
    pub instruments: InstrumentSet,
    /// The patient of the session under way, if one is.
    pub in_session: Option<String>,
    /// Opens a page in the system's browser.
    pub open_page: fn(&Path) -> Result<(), String>,
}

/// The Patients window.
#[derive(Resource, Default)]
pub struct PatientsWindow {
    /// True while it shows.
    pub open: bool,
    /// Every patient (the practice patient last), or why they could not be read.
    pub listing: Option<Result<Vec<PatientOverview>, String>>,
    reading: Background<Result<Vec<PatientOverview>, String>>,
    /// The folder chooser, and what it is for.
    pub chooser: Option<(Errand, FolderChooser)>,
    /// What an export writes.
    pub kinds: ExportKinds,
    /// A deletion waiting for the code to be typed.
    pub deleting: Option<Deleting>,
    /// The question "Clear practice records?" is showing.
    pub clearing_practice: bool,
    job: Background<Outcome>,
    /// The work under way, in words.
    pub busy: Option<String>,
    /// What came of the last piece of work.
    pub outcome: Option<Outcome>,
}

impl PatientsWindow {
    /// Opens the window and reads every patient.
    pub fn show(&mut self, work: &Work) {
        self.open = true;
        self.refresh(work);
    }

    /// Reads every patient again, off the frame.
    fn refresh(&mut self, work: &Work) {
        let (settings, instruments) = (work.settings.clone(), work.instruments.clone());
        self.reading.start(move || {
            let folders = PatientFolders::in_data_folder(&settings.data_root());
            patients::overview(&folders, &instruments, Practice::Included)
                .map_err(|error| format!("{}: {error}", folders.records.display()))
        });
    }

    /// Does what the therapist asked.
    pub fn ask(&mut self, ask: Ask, work: &Work) {
        match ask {
            Ask::Refresh => self.refresh(work),
            Ask::Report(code) => self.start(work, format!("Making the report of {code}…"), {
                move |work| report(work, &code)
            }),
            Ask::ChooseExport(code) => {
                self.chooser = Some((Errand::Export(code), chooser_at(Picks::Folder)));
            }
            Ask::ChooseImport => self.chooser = Some((Errand::Import, chooser_at(Picks::Archive))),
            Ask::Picked(path) => match self.chooser.take() {
                Some((Errand::Export(code), _)) => {
                    let kinds = self.kinds;
                    self.start(work, format!("Exporting {code}…"), move |work| {
                        export(work, &code, kinds, &path)
                    });
                }
                Some((Errand::Import, _)) => {
                    self.start(work, "Importing the archive…".to_owned(), move |work| {
                        import(work, &path)
                    });
                }
                None => {}
            },
            Ask::CancelChoice => self.chooser = None,
            Ask::AskDelete(code) => {
                self.deleting = Some(Deleting {
                    code,
                    typed: String::new(),
                });
            }
            Ask::Delete => self.delete(work),
            Ask::CancelDelete => self.deleting = None,
            Ask::AskClearPractice => self.clearing_practice = true,
            Ask::ClearPractice => {
                self.clearing_practice = false;
                if work.in_session.as_deref() == Some(crate::patient_code::PRACTICE) {
                    self.outcome = Some(Outcome::failed(
                        "A practice session is under way: end it before clearing.".to_owned(),
                    ));
                    return;
                }
                self.start(work, "Clearing the practice records…".to_owned(), |work| {
                    let folders = PatientFolders::in_data_folder(&work.settings.data_root());
                    match patients::clear_practice(&folders) {
                        Ok(files) => Outcome::done(
                            format!("Practice records cleared ({files} files)."),
                            Vec::new(),
                        ),
                        Err(problem) => Outcome::failed(problem),
                    }
                });
            }
            Ask::CancelClearPractice => self.clearing_practice = false,
            Ask::Close => {
                self.open = false;
                self.chooser = None;
                self.deleting = None;
                self.clearing_practice = false;
            }
        }
    }

    /// Deletes the patient whose code has been typed again; refuses otherwise.
    fn delete(&mut self, work: &Work) {
        let Some(deleting) = self.deleting.take() else {
            return;
        };
        let code = deleting.code;
        if deleting.typed.trim() != code {
            self.outcome = Some(Outcome::failed(format!(
                "Not deleted: \"{}\" is not {code}.",
                deleting.typed.trim()
            )));
            return;
        }
        if work.in_session.as_deref() == Some(code.as_str()) {
            self.outcome = Some(Outcome::failed(format!(
                "Not deleted: {code}'s session is under way. End it first."
            )));
            return;
        }
        self.start(work, format!("Deleting {code}…"), move |work| {
            let folders = PatientFolders::in_data_folder(&work.settings.data_root());
            match patients::delete(&folders, &code) {
                Ok(files) => Outcome::done(
                    format!(
                        "Deleted {files} files of {code}. The deletion log notes it: {}",
                        folders.deletion_log.display()
                    ),
                    Vec::new(),
                ),
                Err(problem) => Outcome::failed(format!("Not deleted: {problem}")),
            }
        });
    }

    /// Starts `job` off the frame (unless one is under way), saying `words` meanwhile.
    fn start(
        &mut self,
        work: &Work,
        words: String,
        job: impl FnOnce(&Work) -> Outcome + Send + 'static,
    ) {
        if self.busy.is_some() {
            return;
        }
        let work = work.clone();
        self.busy = Some(words);
        self.outcome = None;
        self.job.start(move || job(&work));
    }

    /// True when no work or reading is under way or waiting to be collected.
    pub fn settled(&self) -> bool {
        self.busy.is_none() && !self.reading.is_busy() && !self.job.is_busy()
    }

    /// Collects finished readings and work; true when work finished (the patients are
    /// then read again).
    pub fn collect(&mut self) -> bool {
        if let Some(listing) = self.reading.finished() {
            self.listing = Some(listing);
        }
        let Some(outcome) = self.job.finished() else {
            return false;
        };
        self.busy = None;
        self.outcome = Some(outcome);
        true
    }
}

/// A chooser that starts in the therapist's home folder.
fn chooser_at(picks: Picks) -> FolderChooser {
    let home = std::env::var_os("HOME").map_or_else(|| PathBuf::from("/"), PathBuf::from);
    FolderChooser::new(picks, &home)
}

/// Makes the course report as `stillpoint report --patient` does and opens it.
fn report(work: &Work, code: &str) -> Outcome {
    let of = ReportOf::Patient(code.to_owned());
    match work::course_report(
        &work.settings,
        &work.instruments,
        &of,
        None,
        Partial::Allowed,
    ) {
        Ok(made) => {
            let page = made.written.page;
            let left_out = left_out_words(&made.left_out);
            match (work.open_page)(&page) {
                Ok(()) => Outcome::done(
                    format!("The report of {code} is open in the browser.{left_out}"),
                    vec![page],
                ),
                Err(problem) => Outcome::done(
                    format!(
                        "The report of {code} is made, but no browser could be opened \
                         ({problem}). Open this file in a browser:{left_out}"
                    ),
                    vec![page],
                ),
            }
        }
        Err(problem) => Outcome::failed(format!("No report of {code}: {problem}")),
    }
}

/// Writes what `kinds` asks of `code` into `folder`, as `stillpoint patient export` and
/// `stillpoint export` do.
fn export(work: &Work, code: &str, kinds: ExportKinds, folder: &Path) -> Outcome {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    let mut left_out = Vec::new();
    if kinds.archive {
        let folders = PatientFolders::in_data_folder(&work.settings.data_root());
        let archive = folder.join(work::archive_name(code, &work::today()));
        match patients::export(&folders, code, &archive) {
            Ok(_) => files.push(archive),
            Err(problem) => problems.push(format!("archive: {problem}")),
        }
    }
    let formats: Vec<Format> = [(kinds.csv, Format::Csv), (kinds.fhir, Format::Fhir)]
        .into_iter()
        .filter_map(|(wanted, format)| wanted.then_some(format))
        .collect();
    if !formats.is_empty() {
        match work::questionnaire_export(
            &work.settings,
            &work.instruments,
            code,
            &formats,
            folder,
            Partial::Allowed,
        ) {
            Ok(made) => {
                files.extend(made.written);
                left_out = made.left_out;
            }
            Err(problem) => problems.push(format!("questionnaires: {problem}")),
        }
    }
    match (files.is_empty(), problems.is_empty()) {
        (_, true) if !files.is_empty() => Outcome::done(
            format!(
                "Exported {} files of {code} to {}.{}",
                files.len(),
                folder.display(),
                left_out_words(&left_out)
            ),
            files,
        ),
        (true, _) => Outcome::failed(format!(
            "Nothing was exported: {}",
            if problems.is_empty() {
                "choose at least one kind of file".to_owned()
            } else {
                problems.join("; ")
            }
        )),
        (false, _) => Outcome {
            done: false,
            words: format!(
                "Exported {} files of {code}, but not all: {}",
                files.len(),
                problems.join("; ")
            ),
            files,
        },
    }
}

/// Imports the archive as `stillpoint patient import` does.
fn import(work: &Work, archive: &Path) -> Outcome {
    let folders = PatientFolders::in_data_folder(&work.settings.data_root());
    match patients::import(&folders, archive) {
        Ok((code, files)) => {
            Outcome::done(format!("Imported {files} files of {code}."), Vec::new())
        }
        Err(problem) => Outcome::failed(format!("Not imported: {problem}")),
    }
}

/// " Left out (cannot be read): …" when something was, for the end of an outcome's words.
fn left_out_words(left_out: &[String]) -> String {
    if left_out.is_empty() {
        String::new()
    } else {
        format!(" Left out (cannot be read): {}.", left_out.join("; "))
    }
}

/// How the window opens a page in the browser (the tests give their own).
#[derive(Resource, Clone, Copy)]
pub struct PageOpener(pub fn(&Path) -> Result<(), String>);

impl Default for PageOpener {
    fn default() -> Self {
        Self(super::launcher::open_in_browser)
    }
}

/// What [`Work`] is made of, read from the app.
#[derive(bevy::ecs::system::SystemParam)]
pub struct WorkParam<'w> {
    settings: Option<Res<'w, Settings>>,
    instruments: Option<Res<'w, InstrumentSet>>,
    runtime: Res<'w, SessionRuntime>,
    opener: Res<'w, PageOpener>,
}

impl WorkParam<'_> {
    /// The work's needs now; none without settings (a bare test app).
    pub fn work(&self) -> Option<Work> {
        Some(Work {
            settings: self.settings.as_deref()?.clone(),
            instruments: self.instruments.as_deref().cloned().unwrap_or_default(),
            in_session: self
                .runtime
                .is_under_way()
                .then(|| self.runtime.patient().to_owned()),
            open_page: self.opener.0,
        })
    }
}

/// The window, its work and its opener.
pub fn plugin(app: &mut App) {
    app.init_resource::<PatientsWindow>()
        .init_resource::<PageOpener>()
        .add_systems(Update, follow_window.in_set(AppSystems::Present));
}

/// Opens the window when the panel's Patients… button asks, and collects finished work.
fn follow_window(
    mut intents: MessageReader<PanelIntent>,
    mut window: ResMut<PatientsWindow>,
    param: WorkParam,
) {
    let opened = intents
        .read()
        .any(|intent| *intent == PanelIntent::Patients);
    let finished = window.collect();
    if !(opened || finished) {
        return;
    }
    let Some(work) = param.work() else { return };
    if opened {
        window.show(&work);
    } else {
        window.refresh(&work);
    }
}
