//! A clinic's work on one patient's files, done one way for the command line and the panel:
//! the course report (`stillpoint report`), the export of questionnaires for the clinic's
//! records (`stillpoint export`) and the archive's name when the panel writes one.

use std::path::{Path, PathBuf};

use crate::config::Settings;
use crate::export::{Format, PatientExport};
use crate::instruments::InstrumentSet;
use crate::patient_code;
use crate::report::Written;

/// What to do when part of the patient's records cannot be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Partial {
    /// Write nothing, and say what would be left out.
    Refused,
    /// Write what can be read, and say what was left out.
    Allowed,
}

/// Why a piece of work wrote nothing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WorkError {
    /// It could not be done, for this reason.
    Failed(String),
    /// Part of the records cannot be read (each named), and [`Partial::Refused`] was given.
    WouldLeaveOut(Vec<String>),
}

impl From<String> for WorkError {
    fn from(problem: String) -> Self {
        Self::Failed(problem)
    }
}

impl std::fmt::Display for WorkError {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Failed(problem) => formatter.write_str(problem),
            Self::WouldLeaveOut(left_out) => write!(
                formatter,
                "nothing was written: {} would be left out ({})",
                left_out.len(),
                left_out.join("; ")
            ),
        }
    }
}

/// Whose report: a patient's whole course, or one record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReportOf {
    /// Every record of the patient with this code.
    Patient(String),
    /// One record file.
    Record(PathBuf),
}

/// A report written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportMade {
    /// The patient's code.
    pub patient: String,
    /// The page and its charts.
    pub written: Written,
    /// What could not be read and is not in it.
    pub left_out: Vec<String>,
}

/// Writes the report of `of` into `out` (by default `<data>/reports/<code>`, and a folder of
/// its own there for one record), scoring questionnaires by `instruments`.
pub fn course_report(
    settings: &Settings,
    instruments: &InstrumentSet,
    of: &ReportOf,
    out: Option<PathBuf>,
    partial: Partial,
) -> Result<ReportMade, WorkError> {
    let records = match of {
        ReportOf::Patient(code) => {
            patient_code::check_or_practice(code)?;
            crate::report::patient_records(&settings.records_folder(), code)?
        }
        ReportOf::Record(file) => vec![file.clone()],
    };
    // Desk records (questionnaires taken with no session) are reported with the sessions.
    let crate::report::Reading {
        sessions,
        questionnaires,
        problems,
    } = crate::report::read(&records, instruments);
    if sessions.is_empty() && questionnaires.is_empty() {
        let mut problem = "there is no readable session record to report on".to_owned();
        for unread in &problems {
            problem.push_str("\n  ");
            problem.push_str(unread);
        }
        return Err(WorkError::Failed(problem));
    }
    if partial == Partial::Refused && !problems.is_empty() {
        return Err(WorkError::WouldLeaveOut(problems));
    }
    let record = match of {
        ReportOf::Record(file) => Some(file),
        ReportOf::Patient(_) => None,
    };
    let from_record =
        || record.and_then(|file| file.parent()?.file_name()?.to_str().map(str::to_owned));
    let code = match of {
        ReportOf::Patient(code) => Some(code.clone()),
        ReportOf::Record(_) => None,
    }
    .or_else(|| sessions.first().map(|first| first.patient.clone()))
    .or_else(from_record)
    .filter(|code| patient_code::check_or_practice(code).is_ok())
    .ok_or_else(|| "cannot tell whose record this is: give --out DIR".to_owned())?;
    let folder = out.unwrap_or_else(|| {
        let base = settings.reports_folder().join(&code);
        match record.and_then(|file| file.file_stem()) {
            Some(stem) => base.join(stem),
            None => base,
        }
    });
    let written =
        crate::report::write_with_questionnaires(&folder, &code, &sessions, &questionnaires)?;
    Ok(ReportMade {
        patient: code,
        written,
        left_out: problems,
    })
}

/// A patient's questionnaires, check-ins and safety alerts, written for the clinic's records.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportMade {
    /// The files written.
    pub written: Vec<PathBuf>,
    /// How many questionnaires were answered in full.
    pub questionnaires: usize,
    /// How many answers they hold.
    pub answers: usize,
    /// How many check-ins were answered.
    pub check_ins: usize,
    /// How many safety alerts were raised.
    pub alerts: usize,
    /// What could not be read and is not in it.
    pub left_out: Vec<String>,
}

/// Writes `patient`'s questionnaires, check-ins and safety alerts into `out` in `formats`.
pub fn questionnaire_export(
    settings: &Settings,
    instruments: &InstrumentSet,
    patient: &str,
    formats: &[Format],
    out: &Path,
    partial: Partial,
) -> Result<ExportMade, WorkError> {
    patient_code::check_or_practice(patient)?;
    let records_folder = settings.records_folder();
    if !records_folder.join(patient).is_dir() {
        return Err(WorkError::Failed(format!(
            "there are no records of patient {patient} in {}; `stillpoint patient list` shows the patients there",
            records_folder.display()
        )));
    }
    let records = crate::report::patient_records(&records_folder, patient)?;
    if records.is_empty() {
        return Err(WorkError::Failed(format!(
            "there are no records of patient {patient} in {}",
            records_folder.display()
        )));
    }
    let export = PatientExport::read(patient, &records, instruments);
    if partial == Partial::Refused && !export.problems.is_empty() {
        return Err(WorkError::WouldLeaveOut(export.problems));
    }
    let written = export.write(out, formats, instruments)?;
    Ok(ExportMade {
        written,
        questionnaires: export.administrations.len(),
        answers: export.answer_count(),
        check_ins: export.check_ins.len(),
        alerts: export.alerts.len(),
        left_out: export.problems,
    })
}

/// The name of an archive of `code`'s files made on `day` (`YYYY-MM-DD`), e.g.
/// `P-014-2026-11-20.tar.gz`.
pub fn archive_name(code: &str, day: &str) -> String {
    format!("{code}-{day}.tar.gz")
}

/// Today as `YYYY-MM-DD` (UTC), as records date a session.
pub fn today() -> String {
    let now = crate::clock::wall_clock();
    now.get(..10).unwrap_or(&now).to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_archive_is_named_after_the_patient_and_the_day() {
        assert_eq!(
            archive_name("P-014", "2026-11-20"),
            "P-014-2026-11-20.tar.gz"
        );
        assert_eq!(today().len(), 10);
    }

    #[test]
    fn a_report_of_a_patient_with_no_records_says_so() {
        let data = tempfile::tempdir().expect("temp dir");
        let settings = Settings {
            data_folder: Some(data.path().to_path_buf()),
            ..Settings::default()
        };
        let refused = course_report(
            &settings,
            &InstrumentSet::default(),
            &ReportOf::Patient("P-404".to_owned()),
            None,
            Partial::Allowed,
        );
        assert!(
            matches!(&refused, Err(WorkError::Failed(problem)) if problem.contains("no records for patient \"P-404\"")),
            "{refused:?}"
        );
        let typed = course_report(
            &settings,
            &InstrumentSet::default(),
            &ReportOf::Patient("Jane Doe".to_owned()),
            None,
            Partial::Allowed,
        );
        assert!(matches!(typed, Err(WorkError::Failed(_))), "{typed:?}");
    }
}
