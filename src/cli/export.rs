//! `stillpoint export`: a patient's questionnaires and check-ins for the clinic's records,
//! as a FHIR R4 Bundle and/or a CSV table of answers.

use std::path::Path;
use std::process::ExitCode;

use super::args::ExportFormat;
use crate::config::{Paths, Settings};
use crate::export::{Format, PatientExport};
use crate::instruments::InstrumentSet;
use crate::patient_code;

pub(super) fn export(
    paths: &Paths,
    settings: &Settings,
    patient: &str,
    formats: &[ExportFormat],
    out: &Path,
    allow_partial: bool,
) -> Result<ExitCode, String> {
    patient_code::check(patient)?;
    let records_folder = settings.records_folder();
    if !records_folder.join(patient).is_dir() {
        return Err(format!(
            "there are no records of patient {patient} in {}; `stillpoint patient list` shows the patients there",
            records_folder.display()
        ));
    }
    let records = crate::report::patient_records(&records_folder, patient)?;
    if records.is_empty() {
        return Err(format!(
            "there are no records of patient {patient} in {}",
            records_folder.display()
        ));
    }
    let (instruments, left_out) = InstrumentSet::load(&paths.instrument_folders());
    for problem in &left_out {
        eprintln!("{problem}");
    }
    let export = PatientExport::read(patient, &records, &instruments);
    super::left_out(&export.problems, allow_partial, "export")?;
    let formats: Vec<Format> = formats
        .iter()
        .map(|format| match format {
            ExportFormat::Fhir => Format::Fhir,
            ExportFormat::Csv => Format::Csv,
        })
        .collect();
    let written = export.write(out, &formats, &instruments)?;
    println!(
        "Exported {} questionnaires ({} answers), {} check-ins and {} safety alerts of patient {patient}:",
        export.administrations.len(),
        export.answer_count(),
        export.check_ins.len(),
        export.alerts.len()
    );
    for path in &written {
        println!("  {}", path.display());
    }
    Ok(ExitCode::SUCCESS)
}
