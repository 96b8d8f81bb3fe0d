//! `stillpoint export`: a patient's questionnaires and check-ins for the clinic's records,
//! as a FHIR R4 Bundle and/or a CSV table of answers (written by
//! [`crate::patients::work::questionnaire_export`], as the panel writes them).

use std::path::Path;
use std::process::ExitCode;

use super::args::ExportFormat;
use crate::config::{Paths, Settings};
use crate::export::Format;
use crate::instruments::InstrumentSet;
use crate::patients::work::{self, Partial, WorkError};

pub(super) fn export(
    paths: &Paths,
    settings: &Settings,
    patient: &str,
    formats: &[ExportFormat],
    out: &Path,
    allow_partial: bool,
) -> Result<ExitCode, String> {
    crate::patient_code::check(patient)?;
    let (instruments, left_out) = InstrumentSet::load(&paths.instrument_folders());
    for problem in &left_out {
        eprintln!("{problem}");
    }
    let formats: Vec<Format> = formats
        .iter()
        .map(|format| match format {
            ExportFormat::Fhir => Format::Fhir,
            ExportFormat::Csv => Format::Csv,
        })
        .collect();
    let partial = if allow_partial {
        Partial::Allowed
    } else {
        Partial::Refused
    };
    let made =
        match work::questionnaire_export(settings, &instruments, patient, &formats, out, partial) {
            Ok(made) => made,
            Err(WorkError::WouldLeaveOut(problems)) => {
                // Always refused: says what and how to write it anyway.
                return super::left_out(&problems, false, "export").map(|()| ExitCode::FAILURE);
            }
            Err(WorkError::Failed(problem)) => return Err(problem),
        };
    super::left_out(&made.left_out, true, "export")?;
    println!(
        "Exported {} questionnaires ({} answers), {} check-ins and {} safety alerts of patient {patient}:",
        made.questionnaires, made.answers, made.check_ins, made.alerts
    );
    for path in &made.written {
        println!("  {}", path.display());
    }
    Ok(ExitCode::SUCCESS)
}
