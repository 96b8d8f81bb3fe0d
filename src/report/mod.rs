//! `stillpoint report`: a patient's course, or one session, as a private, printable HTML
//! page with charts, made from the session records.

pub mod alerts;
pub mod charts;
pub mod html;
mod html_questionnaires;
pub mod outcomes;
pub mod paintings;
pub mod summary;
pub mod voice_notes;
pub mod words;

use std::path::{Path, PathBuf};

use outcomes::Questionnaires;
use summary::SessionSummary;

use crate::instruments::InstrumentSet;
use crate::session::record::ReadRecord;

/// The files a report consists of.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Written {
    /// The self-contained HTML page.
    pub page: PathBuf,
    /// Each chart as its own SVG file.
    pub charts: Vec<PathBuf>,
}

/// The record files of `patient` under `records_folder`.
pub fn patient_records(records_folder: &Path, patient: &str) -> Result<Vec<PathBuf>, String> {
    let folder = records_folder.join(patient);
    let entries = std::fs::read_dir(&folder).map_err(|error| {
        format!(
            "no records for patient \"{patient}\" in {}: {error}",
            records_folder.display()
        )
    })?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| {
            path.extension()
                .is_some_and(|extension| extension == "jsonl")
        })
        .collect();
    files.sort();
    Ok(files)
}

/// Summarises every readable session record, oldest first. Desk records (a questionnaire
/// taken with no session) are not sessions and are left to [`outcomes::Questionnaires`].
/// What is left out (files that cannot be read at all, damaged lines, paintings shown
/// without their picture, voice notes named outside the record's folder) is described in the second list and never hides the rest.
pub fn summarise(records: &[PathBuf]) -> (Vec<SessionSummary>, Vec<String>) {
    let (sessions, _, problems) = read_each(records);
    (sessions, problems)
}

/// What a report shows, read from a patient's records (or one record).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Reading {
    /// The sessions, oldest first.
    pub sessions: Vec<SessionSummary>,
    /// The questionnaires, in sessions and at the desk, with their safety alerts.
    pub questionnaires: Questionnaires,
    /// What is left out: files that could not be read or are not records, damaged lines,
    /// paintings shown without their picture.
    pub problems: Vec<String>,
}

/// Reads every record once: the sessions as [`summarise`] does, and the questionnaires
/// judged by the rules of `instruments`.
pub fn read(records: &[PathBuf], instruments: &InstrumentSet) -> Reading {
    let (sessions, read, problems) = read_each(records);
    Reading {
        sessions,
        questionnaires: Questionnaires::from_records(&read, instruments),
        problems,
    }
}

/// What a report or an export leaves out of `record` (read from `path`): its lines that
/// could not be read, when there are any.
pub fn damaged_lines(path: &Path, record: &ReadRecord) -> Option<String> {
    let lines: Vec<String> = match record.damaged_lines.as_slice() {
        [] => return None,
        lines => lines.iter().map(usize::to_string).collect(),
    };
    let noun = if lines.len() == 1 { "line" } else { "lines" };
    Some(format!(
        "{}: {noun} {} could not be read and {} left out",
        path.display(),
        lines.join(", "),
        if lines.len() == 1 { "is" } else { "are" }
    ))
}

/// The sessions (oldest first), every record read, and what could not be read.
fn read_each(
    records: &[PathBuf],
) -> (Vec<SessionSummary>, Vec<(PathBuf, ReadRecord)>, Vec<String>) {
    let mut sessions = Vec::new();
    let mut read = Vec::new();
    let mut problems = Vec::new();
    for path in records {
        let record = match ReadRecord::read(path) {
            Ok(record) => record,
            Err(error) => {
                problems.push(format!("{}: cannot read: {error}", path.display()));
                continue;
            }
        };
        problems.extend(damaged_lines(path, &record));
        if !record.is_desk() {
            match SessionSummary::from_record(path, &record) {
                Some(session) => {
                    problems.extend(paintings::left_out(&session));
                    problems.extend(voice_notes::left_out(&session));
                    sessions.push(session);
                }
                None => problems.push(format!(
                    "{}: not a session record (it does not begin with session_started)",
                    path.display()
                )),
            }
        }
        read.push((path.clone(), record));
    }
    sessions.sort_by(|a, b| {
        a.started_at
            .cmp(&b.started_at)
            .then_with(|| a.record.cmp(&b.record))
    });
    (sessions, read, problems)
}

/// Writes the report for `patient` into `folder` (created private to the user), without
/// questionnaires.
pub fn write(folder: &Path, patient: &str, sessions: &[SessionSummary]) -> Result<Written, String> {
    write_with_questionnaires(folder, patient, sessions, &Questionnaires::default())
}

/// Writes the report for `patient` into `folder` (created private to the user): the
/// sessions, and the questionnaires with their safety alerts.
pub fn write_with_questionnaires(
    folder: &Path,
    patient: &str,
    sessions: &[SessionSummary],
    questionnaires: &Questionnaires,
) -> Result<Written, String> {
    let check_ins = charts::course_check_ins(sessions)?;
    let phases = charts::sessions_by_phase(sessions)?;
    let totals = questionnaires
        .instruments
        .iter()
        .map(charts::questionnaire_totals)
        .collect::<Result<Vec<_>, _>>()?;
    let generated = crate::clock::wall_clock();
    let paintings: Vec<_> = sessions.iter().map(paintings::pictures_of).collect();
    let notes: Vec<_> = sessions.iter().map(voice_notes::players_of).collect();
    let page_text = html::page(
        patient,
        sessions,
        &html::Charts {
            check_ins: &check_ins,
            phases: &phases,
            questionnaires: &totals,
        },
        questionnaires,
        &html::Kept {
            pictures: &paintings,
            voice_notes: &notes,
        },
        &generated,
    );
    let failed =
        |path: &Path, error: std::io::Error| format!("cannot write {}: {error}", path.display());
    // Each file is replaced whole, as records are: a failed write leaves the last report.
    let write = |path: &Path, bytes: &[u8]| {
        crate::private::write_atomically(path, |out| out.write_all(bytes))
            .map_err(|error| failed(path, error))
    };
    crate::private::create_dir(folder).map_err(|error| failed(folder, error))?;
    let page = folder.join("report.html");
    let mut written = Written {
        page: page.clone(),
        charts: Vec::new(),
    };
    let mut files = vec![
        ("check-ins.svg".to_owned(), &check_ins),
        ("sessions-by-phase.svg".to_owned(), &phases),
    ];
    for (course, chart) in questionnaires.instruments.iter().zip(&totals) {
        files.push((
            format!("questionnaire-{}.svg", file_safe(&course.id)),
            chart,
        ));
    }
    for (name, chart) in files {
        let path = folder.join(name);
        write(&path, chart.svg.as_bytes())?;
        written.charts.push(path);
    }
    write(&page, page_text.as_bytes())?;
    Ok(written)
}

/// An instrument id as part of a file name: letters, digits and dashes kept, the rest `_`.
fn file_safe(id: &str) -> String {
    id.chars()
        .map(|character| {
            if character.is_ascii_alphanumeric() || character == '-' {
                character
            } else {
                '_'
            }
        })
        .collect()
}
