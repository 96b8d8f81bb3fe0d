//! `stillpoint report`: a patient's course as one HTML page (made by
//! [`crate::patients::work::course_report`], as the panel makes it).

use std::path::PathBuf;
use std::process::ExitCode;

use crate::config::{Paths, Settings};
use crate::instruments::InstrumentSet;
use crate::patients::work::{self, Partial, ReportOf, WorkError};

pub(super) fn report(
    paths: &Paths,
    settings: &Settings,
    patient: Option<String>,
    record: Option<PathBuf>,
    out: Option<PathBuf>,
    allow_partial: bool,
) -> Result<ExitCode, String> {
    let of = match (patient, record) {
        (Some(code), _) => {
            crate::patient_code::check(&code)?;
            ReportOf::Patient(code)
        }
        (None, Some(file)) => ReportOf::Record(file),
        (None, None) => return Err("give --patient CODE or --record FILE".to_owned()),
    };
    let (instruments, left_out) = InstrumentSet::load(&paths.instrument_folders());
    for problem in &left_out {
        eprintln!("{problem}");
    }
    let partial = if allow_partial {
        Partial::Allowed
    } else {
        Partial::Refused
    };
    let made = match work::course_report(settings, &instruments, &of, out, partial) {
        Ok(made) => made,
        Err(WorkError::WouldLeaveOut(problems)) => {
            // Always refused: says what and how to write it anyway.
            return super::left_out(&problems, false, "report").map(|()| ExitCode::FAILURE);
        }
        Err(WorkError::Failed(problem)) => return Err(problem),
    };
    super::left_out(&made.left_out, true, "report")?;
    println!("Report: {}", made.written.page.display());
    for chart in &made.written.charts {
        println!("Chart:  {}", chart.display());
    }
    Ok(ExitCode::SUCCESS)
}
