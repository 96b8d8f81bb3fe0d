//! `stillpoint patient`: a patient's files listed, exported, imported and deleted.

use std::io::{BufRead, Write};
use std::process::ExitCode;

use super::args::PatientCommand;
use super::human_size;
use crate::config::Settings;
use crate::patients::{self, PatientFolders, Practice};

pub(super) fn patient(settings: &Settings, action: PatientCommand) -> Result<ExitCode, String> {
    let folders = PatientFolders::in_data_folder(&settings.data_root());
    match action {
        PatientCommand::List { include_practice } => {
            let practice = if include_practice {
                Practice::Included
            } else {
                Practice::LeftOut
            };
            let listed = patients::list(&folders, practice)
                .map_err(|error| format!("{}: {error}", folders.records.display()))?;
            let mut out = std::io::stdout().lock();
            if listed.is_empty() {
                let _ = writeln!(out, "No patients in {}.", folders.records.display());
                return Ok(ExitCode::SUCCESS);
            }
            let _ = writeln!(
                out,
                "{:<16} {:>8}  {:>4}  {:>5}  {:<10}  {:>9}",
                "patient", "sessions", "desk", "notes", "last", "space"
            );
            for patient in listed {
                let _ = writeln!(
                    out,
                    "{:<16} {:>8}  {:>4}  {:>5}  {:<10}  {:>9}",
                    patient.code,
                    patient.sessions,
                    patient.desk_questionnaires,
                    patient.voice_notes,
                    patient.last.as_deref().unwrap_or("-"),
                    human_size(patient.bytes)
                );
                if patient.practice {
                    let _ = writeln!(out, "{:<16} (practice records, kept apart)", "");
                }
            }
        }
        PatientCommand::Export { code, out } => {
            let files = patients::export(&folders, &code, &out)?;
            println!(
                "Exported {files} files of patient {code} to {}",
                out.display()
            );
        }
        PatientCommand::Import { archive } => {
            let (code, files) = patients::import(&folders, &archive)?;
            println!("Imported {files} files of patient {code}");
        }
        PatientCommand::Delete { code } => {
            crate::patient_code::check(&code)?;
            eprint!(
                "This deletes every record, painting, voice note and report of patient {code} for \
                 good.\n\
                 Type the code again to confirm: "
            );
            let mut typed = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut typed)
                .map_err(|error| format!("cannot read the confirmation: {error}"))?;
            if typed.trim() != code {
                return Err(format!("not deleted: \"{}\" is not {code}", typed.trim()));
            }
            let files = patients::delete(&folders, &code)?;
            println!(
                "Deleted {files} files of patient {code}; {} notes the deletion",
                folders.deletion_log.display()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
