//! One patient's data, as a clinic manages it: every patient's sessions at a glance, one
//! patient's files exported as an archive (for a backup or a transfer) and imported again,
//! and deleted on request with a line in the deletion log that names no content.
//!
//! A patient's files are their folder of records (with the paintings and their exports
//! beside them) and their folder of reports: `<data>/records/<code>/` and
//! `<data>/reports/<code>/`. An archive holds exactly those two folders, under those names.

use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};
use std::time::SystemTime;

use flate2::Compression;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;

use crate::session::record::{EventKind, ReadRecord};
use crate::session::runtime::check_patient_code;

/// Where patients' files are kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PatientFolders {
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
    /// The day of the latest session (`YYYY-MM-DD`), if any record says.
    pub last: Option<String>,
    /// The bytes their records, paintings and reports take.
    pub bytes: u64,
}

/// Every patient with a records folder, by code.
pub fn list(folders: &PatientFolders) -> io::Result<Vec<PatientSummary>> {
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
        if !entry.path().is_dir() || check_patient_code(&code).is_err() {
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
            code,
            sessions,
            desk_questionnaires,
            last,
            bytes,
        });
    }
    patients.sort_by(|a, b| a.code.cmp(&b.code));
    Ok(patients)
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

/// Writes every file of `code` into a gzip-compressed tar archive at `out` (written
/// atomically, private to the user); returns how many files it holds.
pub fn export(folders: &PatientFolders, code: &str, out: &Path) -> Result<usize, String> {
    check_patient_code(code)?;
    let mut files = Vec::new();
    for (folder, name) in folders.of(code) {
        for (path, _) in files_under(&folder) {
            let inside = path
                .strip_prefix(&folder)
                .map_err(|error| format!("{}: {error}", path.display()))?;
            files.push((path.clone(), Path::new(&name).join(inside)));
        }
    }
    if files.is_empty() {
        return Err(format!(
            "there are no files for patient \"{code}\" in {}",
            folders.records.display()
        ));
    }
    let count = files.len();
    crate::private::write_atomically(out, |sink: &mut dyn Write| {
        let mut archive = tar::Builder::new(GzEncoder::new(sink, Compression::default()));
        for (path, name) in &files {
            archive.append_path_with_name(path, name)?;
        }
        archive.into_inner()?.finish()?;
        Ok(())
    })
    .map_err(|error| format!("{}: {error}", out.display()))?;
    Ok(count)
}

/// Restores a patient's files from an archive made by [`export`]; returns the patient's
/// code and how many files were restored. Nothing is overwritten: an archive that would
/// replace a file already there is refused before anything is written.
pub fn import(folders: &PatientFolders, archive: &Path) -> Result<(String, usize), String> {
    let shown = archive.display();
    let entries = read_archive(archive)?;
    let mut code: Option<String> = None;
    let mut planned = Vec::new();
    for (name, bytes, modified) in entries {
        let parts: Vec<&str> = name
            .components()
            .map(|part| match part {
                Component::Normal(part) => part.to_str().ok_or(()),
                _ => Err(()),
            })
            .collect::<Result<_, _>>()
            .map_err(|()| {
                format!(
                    "{shown}: \"{}\" is not a file Stillpoint keeps",
                    name.display()
                )
            })?;
        let (root, this_code, rest) = match parts.as_slice() {
            [root, this_code, rest @ ..] if !rest.is_empty() => (*root, *this_code, rest),
            _ => {
                return Err(format!(
                    "{shown}: \"{}\" is not a file Stillpoint keeps",
                    name.display()
                ));
            }
        };
        check_patient_code(this_code).map_err(|problem| format!("{shown}: {problem}"))?;
        if code.as_deref().is_some_and(|code| code != this_code) {
            return Err(format!("{shown} holds more than one patient"));
        }
        code = Some(this_code.to_owned());
        let base = match root {
            "records" => &folders.records,
            "reports" => &folders.reports,
            _ => {
                return Err(format!(
                    "{shown}: \"{}\" is not a file Stillpoint keeps",
                    name.display()
                ));
            }
        };
        let target = rest
            .iter()
            .fold(base.join(this_code), |path, part| path.join(part));
        if target.exists() {
            return Err(format!(
                "{} is already there; nothing was imported (delete or move the patient's \
                 files first)",
                target.display()
            ));
        }
        planned.push((target, bytes, modified));
    }
    let code = code.ok_or_else(|| format!("{shown} holds no patient's files"))?;
    for (target, bytes, modified) in &planned {
        if let Some(folder) = target.parent() {
            crate::private::create_dir(folder)
                .map_err(|error| format!("{}: {error}", folder.display()))?;
        }
        crate::private::write_atomically(target, |out: &mut dyn Write| out.write_all(bytes))
            .and_then(|()| {
                // Keep when each file was last written, as a backup should.
                std::fs::File::options()
                    .write(true)
                    .open(target)?
                    .set_modified(*modified)
            })
            .map_err(|error| format!("{}: {error}", target.display()))?;
    }
    Ok((code, planned.len()))
}

/// The files of an archive, by name, with when each was last written; only plain files and
/// folders are accepted.
fn read_archive(archive: &Path) -> Result<Vec<(PathBuf, Vec<u8>, SystemTime)>, String> {
    let shown = archive.display();
    let file = std::fs::File::open(archive).map_err(|error| format!("{shown}: {error}"))?;
    let mut reader = tar::Archive::new(GzDecoder::new(file));
    let mut files = Vec::new();
    let entries = reader
        .entries()
        .map_err(|error| format!("{shown}: not a patient archive ({error})"))?;
    for entry in entries {
        let mut entry =
            entry.map_err(|error| format!("{shown}: not a patient archive ({error})"))?;
        let kind = entry.header().entry_type();
        let name = entry
            .path()
            .map_err(|error| format!("{shown}: {error}"))?
            .into_owned();
        if kind.is_dir() {
            continue;
        }
        if !kind.is_file() {
            return Err(format!(
                "{shown}: \"{}\" is not a plain file",
                name.display()
            ));
        }
        let modified = entry.header().mtime().map_or(SystemTime::now(), |secs| {
            SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(secs)
        });
        let mut bytes = Vec::new();
        io::Read::read_to_end(&mut entry, &mut bytes)
            .map_err(|error| format!("{shown}: {error}"))?;
        files.push((name, bytes, modified));
    }
    Ok(files)
}

/// Deletes every file of `code` (records, paintings and their exports, reports) and adds a
/// line to the deletion log with the code, the time and the number of files, nothing else.
/// Returns how many files were deleted.
pub fn delete(folders: &PatientFolders, code: &str) -> Result<usize, String> {
    check_patient_code(code)?;
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
    for folder in &present {
        std::fs::remove_dir_all(folder)
            .map_err(|error| format!("{}: {error}", folder.display()))?;
    }
    let line = format!(
        "{} deleted patient {code}: {count} files\n",
        crate::clock::wall_clock()
    );
    let mut log = crate::private::file_options(&folders.deletion_log)
        .append(true)
        .create(true)
        .open(&folders.deletion_log)
        .map_err(|error| format!("{}: {error}", folders.deletion_log.display()))?;
    crate::private::settle(&log, &folders.deletion_log);
    log.write_all(line.as_bytes())
        .and_then(|()| log.sync_data())
        .map_err(|error| format!("{}: {error}", folders.deletion_log.display()))?;
    Ok(count)
}
