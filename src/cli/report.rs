//! `stillpoint report`: a patient's course as one HTML page.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::config::{Paths, Settings};
use crate::instruments::InstrumentSet;
use crate::patient_code;

pub(super) fn report(
    paths: &Paths,
    settings: &Settings,
    patient: Option<String>,
    record: Option<PathBuf>,
    out: Option<PathBuf>,
    allow_partial: bool,
) -> Result<ExitCode, String> {
    let records = match (&patient, &record) {
        (Some(code), _) => {
            patient_code::check(code)?;
            crate::report::patient_records(&settings.records_folder(), code)?
        }
        (None, Some(file)) => vec![file.clone()],
        (None, None) => return Err("give --patient CODE or --record FILE".to_owned()),
    };
    let (instruments, left_out) = InstrumentSet::load(&paths.instrument_folders());
    for problem in &left_out {
        eprintln!("{problem}");
    }
    // Desk records (questionnaires taken with no session) are reported with the sessions.
    let crate::report::Reading {
        sessions,
        questionnaires,
        problems,
    } = crate::report::read(&records, &instruments);
    if sessions.is_empty() && questionnaires.is_empty() {
        for problem in &problems {
            eprintln!("{problem}");
        }
        return Err("there is no readable session record to report on".to_owned());
    }
    super::left_out(&problems, allow_partial, "report")?;
    let from_record = || {
        record
            .as_ref()
            .and_then(|file| file.parent()?.file_name()?.to_str().map(str::to_owned))
    };
    let code = patient
        .or_else(|| sessions.first().map(|first| first.patient.clone()))
        .or_else(from_record)
        .filter(|code| patient_code::check(code).is_ok())
        .ok_or("cannot tell whose record this is: give --out DIR")?;
    let folder = out.unwrap_or_else(|| {
        let base = settings.reports_folder().join(&code);
        match record.as_ref().and_then(|file| file.file_stem()) {
            Some(stem) => base.join(stem),
            None => base,
        }
    });
    let written =
        crate::report::write_with_questionnaires(&folder, &code, &sessions, &questionnaires)?;
    println!("Report: {}", written.page.display());
    for chart in &written.charts {
        println!("Chart:  {}", chart.display());
    }
    Ok(ExitCode::SUCCESS)
}
