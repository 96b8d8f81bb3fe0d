//! One patient's data, as a clinic manages it: every patient's sessions at a glance, one
//! patient's files exported as an archive (for a backup or a transfer) and imported again,
//! and deleted on request with a line in the deletion log that names no content.
//!
//! A patient's files are their folder of records (with the paintings and their exports, and
//! the voice notes, beside them) and their folder of reports: `<data>/records/<code>/` and
//! `<data>/reports/<code>/`. An archive holds exactly those two folders, under those names.
//!
//! The practice patient ([`patient_code::PRACTICE`]) is kept the same way, apart: it is left
//! out of listings unless asked for, and cleared with [`clear_practice`].
//!
//! The command line (`stillpoint patient`, `report`, `export`) and the panel's Patients
//! window both do their work through these functions and [`work`].

mod archive;
mod delete;
pub mod work;

use std::collections::BTreeSet;
use std::io;
use std::path::{Path, PathBuf};

pub use archive::{MAX_ARCHIVE_BYTES, MAX_ARCHIVE_FILE_BYTES, export, import};
pub use delete::{clear_practice, delete};

use crate::instruments::InstrumentSet;
use crate::patient_code;
use crate::report::outcomes::Questionnaires;
use crate::session::record::{EventKind, ReadRecord};

/// Where patients' files are kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PatientFolders {
    /// The data folder itself, where an import unpacks before its files are moved in place.
    pub data: PathBuf,
    /// `<data>/records`: a folder per patient.
    pub records: PathBuf,
    /// `<data>/reports`: a folder per patient.
    pub reports: PathBuf,
    /// The deletion log, `<data>/deletions.log`.
    pub deletion_log: PathBuf,
}

impl PatientFolders {
    /// The folders in the data folder `data`.
    pub fn in_data_folder(data: &Path) -> Self {
        Self {
            data: data.to_owned(),
            records: data.join("records"),
            reports: data.join("reports"),
            deletion_log: data.join("deletions.log"),
        }
    }

    /// The folders holding `code`'s files, each with its name in an archive.
    fn of(&self, code: &str) -> [(PathBuf, String); 2] {
        [
            (self.records.join(code), format!("records/{code}")),
            (self.reports.join(code), format!("reports/{code}")),
        ]
    }
}

/// One patient, as `stillpoint patient list` shows them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PatientSummary {
    /// The pseudonymous code.
    pub code: String,
    /// How many sessions were recorded.
    pub sessions: usize,
    /// How many questionnaires were taken at the desk, with no session (desk records).
    pub desk_questionnaires: usize,
    /// How many voice notes the patient kept, as their records name them.
    pub voice_notes: usize,
    /// The day of the latest session (`YYYY-MM-DD`), if any record says.
    pub last: Option<String>,
    /// The bytes their records, paintings and reports take.
    pub bytes: u64,
    /// True for the practice patient.
    pub practice: bool,
}

/// Whether a listing holds the practice patient.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Practice {
    /// Real patients only.
    LeftOut,
    /// Real patients, and the practice patient last.
    Included,
}

/// Every patient with a records folder, by code (the practice patient last, when asked for).
pub fn list(folders: &PatientFolders, practice: Practice) -> io::Result<Vec<PatientSummary>> {
    let entries = match std::fs::read_dir(&folders.records) {
        Ok(entries) => entries,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(error) => return Err(error),
    };
    let mut patients = Vec::new();
    for entry in entries.flatten() {
        let Some(code) = entry.file_name().to_str().map(str::to_owned) else {
            continue;
        };
        let accepted = match practice {
            Practice::LeftOut => patient_code::check(&code),
            Practice::Included => patient_code::check_or_practice(&code),
        };
        if !entry.path().is_dir() || accepted.is_err() {
            continue;
        }
        let records = crate::report::patient_records(&folders.records, &code).unwrap_or_default();
        let read: Vec<ReadRecord> = records
            .iter()
            .filter_map(|record| ReadRecord::read(record).ok())
            .collect();
        let started = |read: &ReadRecord| match read.start() {
            Some(EventKind::SessionStarted { started_at, .. }) => Some(started_at.clone()),
            _ => None,
        };
        // Only session records are sessions; a desk record is one questionnaire.
        let sessions = read.iter().filter(|read| started(read).is_some()).count();
        let desk_questionnaires = read.iter().filter(|read| read.is_desk()).count();
        let voice_notes = read.iter().map(voice_notes).sum();
        let last = read
            .iter()
            .filter_map(started)
            .filter_map(|started_at| started_at.get(..10).map(str::to_owned))
            .max();
        let bytes = folders
            .of(&code)
            .iter()
            .map(|(folder, _)| {
                files_under(folder)
                    .iter()
                    .map(|(_, size)| size)
                    .sum::<u64>()
            })
            .sum();
        patients.push(PatientSummary {
            sessions,
            desk_questionnaires,
            voice_notes,
            last,
            bytes,
            practice: patient_code::is_practice(&code),
            code,
        });
    }
    patients.sort_by(|a, b| (a.practice, &a.code).cmp(&(b.practice, &b.code)));
    Ok(patients)
}

/// One patient at a glance, as the panel's Patients window shows them.
#[derive(Clone, Debug, PartialEq)]
pub struct PatientOverview {
    /// Their sessions, last date and space.
    pub summary: PatientSummary,
    /// Safety alerts in their records not yet acknowledged.
    pub open_alerts: usize,
    /// The latest total of each questionnaire taken, in the order first taken.
    pub measures: Vec<LatestMeasure>,
}

/// A questionnaire's latest total, with its band in words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LatestMeasure {
    /// The instrument's short name, e.g. "PHQ-9".
    pub name: String,
    /// The latest total.
    pub total: u32,
    /// Its band, e.g. "Moderate".
    pub band: String,
    /// The day it was taken (`YYYY-MM-DD`).
    pub date: String,
}

/// Every patient of [`list`], with their open safety alerts and latest measures scored by
/// `instruments`.
pub fn overview(
    folders: &PatientFolders,
    instruments: &InstrumentSet,
    practice: Practice,
) -> io::Result<Vec<PatientOverview>> {
    let listed = list(folders, practice)?;
    Ok(listed
        .into_iter()
        .map(|summary| {
            let records =
                crate::report::patient_records(&folders.records, &summary.code).unwrap_or_default();
            let questionnaires = Questionnaires::read(&records, instruments);
            let measures = questionnaires
                .instruments
                .iter()
                .filter_map(|course| {
                    let latest = &course.latest()?.administration;
                    Some(LatestMeasure {
                        name: course.name.clone(),
                        total: latest.total,
                        band: latest.band.clone(),
                        date: latest.date().to_owned(),
                    })
                })
                .collect();
            PatientOverview {
                open_alerts: questionnaires.unacknowledged(),
                measures,
                summary,
            }
        })
        .collect())
}

/// How many voice notes `record` names: each file once (a note recorded again replaces its
/// file).
fn voice_notes(record: &ReadRecord) -> usize {
    record
        .events
        .iter()
        .filter_map(|event| match &event.kind {
            EventKind::VoiceNote { file, .. } => Some(file),
            _ => None,
        })
        .collect::<BTreeSet<_>>()
        .len()
}

/// Every file under `folder` (none when it is missing), with its size, in name order.
fn files_under(folder: &Path) -> Vec<(PathBuf, u64)> {
    let mut found = Vec::new();
    let mut folders = vec![folder.to_owned()];
    while let Some(folder) = folders.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries.flatten() {
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            if kind.is_dir() {
                folders.push(entry.path());
            } else if kind.is_file() {
                let size = entry.metadata().map_or(0, |meta| meta.len());
                found.push((entry.path(), size));
            }
        }
    }
    found.sort();
    found
}
