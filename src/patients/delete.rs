//! A patient's files deleted on request, with a line in the deletion log that names no
//! content.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::{PatientFolders, files_under};
use crate::patient_code;

/// Deletes every file of `code` (records, paintings and their exports, voice notes,
/// reports). The
/// deletion log gets a line before (the attempt) and one after (the outcome, done or failed),
/// each with the time, the code and numbers of files, nothing else: no file's name, no
/// session, no date of care. Nothing is deleted when the attempt cannot be logged. Returns
/// how many files were deleted.
pub fn delete(folders: &PatientFolders, code: &str) -> Result<usize, String> {
    patient_code::check(code)?;
    delete_files(folders, code)
}

/// Deletes every record, painting, voice note and report of the practice patient, logged as
/// [`delete`] logs a patient's. Returns how many files were deleted (none when there were
/// none).
pub fn clear_practice(folders: &PatientFolders) -> Result<usize, String> {
    let code = patient_code::PRACTICE;
    if folders.of(code).iter().all(|(folder, _)| !folder.exists()) {
        return Ok(0);
    }
    delete_files(folders, code)
}

/// Deletes every file kept under `code` (already checked), logged.
fn delete_files(folders: &PatientFolders, code: &str) -> Result<usize, String> {
    let present: Vec<PathBuf> = folders
        .of(code)
        .into_iter()
        .map(|(folder, _)| folder)
        .filter(|folder| folder.exists())
        .collect();
    if present.is_empty() {
        return Err(format!("there are no files for patient \"{code}\""));
    }
    let count: usize = present.iter().map(|folder| files_under(folder).len()).sum();
    let log = &folders.deletion_log;
    let unlogged = |error: io::Error| {
        format!(
            "cannot write to the deletion log {}: {error}",
            log.display()
        )
    };
    log_deletion(log, &format!("deleting patient {code}: {count} files"))
        .map_err(|error| format!("{}; nothing was deleted", unlogged(error)))?;
    let removed = present
        .iter()
        .try_for_each(|folder| std::fs::remove_dir_all(folder).map_err(|error| (folder, error)));
    match removed {
        Ok(()) => {
            log_deletion(log, &format!("deleted patient {code}: {count} files")).map_err(
                |error| {
                    format!(
                        "deleted {count} files of patient {code}, but {}",
                        unlogged(error)
                    )
                },
            )?;
            Ok(count)
        }
        Err((folder, error)) => {
            let left: usize = present.iter().map(|folder| files_under(folder).len()).sum();
            // The kind of error only: its message would name a file.
            let logged = log_deletion(
                log,
                &format!(
                    "deleting patient {code} failed: {left} of {count} files left ({})",
                    error.kind()
                ),
            );
            let also = logged
                .err()
                .map_or(String::new(), |error| format!("; {}", unlogged(error)));
            Err(format!(
                "{}: {error}; {left} of the patient's {count} files are left{also}",
                folder.display()
            ))
        }
    }
}

/// Adds `what`, after the time, as a line of the deletion log at `log`, on the disk.
fn log_deletion(log: &Path, what: &str) -> io::Result<()> {
    let line = format!("{} {what}\n", crate::clock::wall_clock());
    let mut file = crate::private::file_options(log)
        .append(true)
        .create(true)
        .open(log)?;
    crate::private::settle(&file, log);
    file.write_all(line.as_bytes())?;
    file.sync_data()
}
