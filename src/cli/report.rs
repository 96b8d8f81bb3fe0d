//! `stillpoint report`: a patient's course as one HTML page.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::config::Settings;
use crate::session::runtime::check_patient_code;

pub(super) fn report(
    settings: &Settings,
    patient: Option<String>,
    record: Option<PathBuf>,
    out: Option<PathBuf>,
) -> Result<ExitCode, String> {
    let records = match (&patient, &record) {
        (Some(code), _) => {
            check_patient_code(code)?;
            crate::report::patient_records(&settings.records_folder(), code)?
        }
        (None, Some(file)) => vec![file.clone()],
        (None, None) => return Err("give --patient CODE or --record FILE".to_owned()),
    };
    let (sessions, problems) = crate::report::summarise(&records);
    for problem in &problems {
        eprintln!("{problem}");
    }
    let Some(first) = sessions.first() else {
        return Err("there is no readable session record to report on".to_owned());
    };
    let code = patient.unwrap_or_else(|| first.patient.clone());
    let folder = out.unwrap_or_else(|| {
        let base = settings.reports_folder().join(&code);
        match record.as_ref().and_then(|file| file.file_stem()) {
            Some(stem) => base.join(stem),
            None => base,
        }
    });
    let written = crate::report::write(&folder, &code, &sessions)?;
    println!("Report: {}", written.page.display());
    for chart in &written.charts {
        println!("Chart:  {}", chart.display());
    }
    Ok(ExitCode::SUCCESS)
}
