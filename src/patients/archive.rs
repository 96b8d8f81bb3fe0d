//! A patient's files as one archive: written for a backup or a transfer, and restored.

use std::collections::BTreeSet;
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};
use std::time::SystemTime;

use flate2::Compression;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;

use super::{PatientFolders, files_under};
use crate::patient_code;

/// Writes every file of `code` into a gzip-compressed tar archive at `out` (written
/// atomically, private to the user); returns how many files it holds.
pub fn export(folders: &PatientFolders, code: &str, out: &Path) -> Result<usize, String> {
    patient_code::check(code)?;
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

/// The most one file of a patient archive may hold, unpacked: far more than any record,
/// painting or report (a long painting's artwork file takes a few megabytes).
pub const MAX_ARCHIVE_FILE_BYTES: u64 = 512 << 20;

/// The most all the files of a patient archive may hold together, unpacked.
pub const MAX_ARCHIVE_BYTES: u64 = 2 << 30;

/// How an import's temporary folder in the data folder begins
/// (`.import.<process>-<n>.partial`); one left by a killed import is removed by the next.
const IMPORTING: &str = ".import";

/// How much an archive may unpack to: per file, and in all.
#[derive(Clone, Copy, Debug)]
struct Limits {
    file: u64,
    total: u64,
}

/// Restores a patient's files from an archive made by [`export`]; returns the patient's
/// code and how many files were restored. The archive is unpacked into a temporary folder
/// in the data folder, then renamed into place: an import that fails leaves nothing behind.
/// It is refused when the patient already has files here (before anything is unpacked),
/// when it names one file twice, or when a file holds more than [`MAX_ARCHIVE_FILE_BYTES`]
/// or all of them more than [`MAX_ARCHIVE_BYTES`] (each told by the archive before it is
/// unpacked).
pub fn import(folders: &PatientFolders, archive: &Path) -> Result<(String, usize), String> {
    let limits = Limits {
        file: MAX_ARCHIVE_FILE_BYTES,
        total: MAX_ARCHIVE_BYTES,
    };
    import_within(folders, archive, limits)
}

/// [`import`], within `limits`.
fn import_within(
    folders: &PatientFolders,
    archive: &Path,
    limits: Limits,
) -> Result<(String, usize), String> {
    let file =
        std::fs::File::open(archive).map_err(|error| format!("{}: {error}", archive.display()))?;
    crate::private::create_dir(&folders.data)
        .map_err(|error| format!("{}: {error}", folders.data.display()))?;
    crate::private::remove_stale_partials(&folders.data, IMPORTING);
    let staging = Staging::new(&folders.data)?;
    let (code, count) = unpack(folders, archive, file, &staging.0, limits)?;
    let mut moved: Vec<(PathBuf, PathBuf)> = Vec::new();
    for (base, root) in [(&folders.records, "records"), (&folders.reports, "reports")] {
        let from = staging.0.join(root).join(&code);
        if !from.exists() {
            continue;
        }
        let to = base.join(&code);
        let placed = not_there(&to).and_then(|()| {
            crate::private::create_dir(base)
                .and_then(|()| std::fs::rename(&from, &to))
                .map_err(|error| {
                    format!(
                        "cannot move the patient's files into {}: {error}; nothing was imported",
                        to.display()
                    )
                })
        });
        if let Err(problem) = placed {
            for (from, to) in moved.iter().rev() {
                let _ = std::fs::rename(to, from);
            }
            return Err(problem);
        }
        sync_folder(base);
        moved.push((from, to));
    }
    Ok((code, count))
}

/// The temporary folder an import unpacks into, removed with anything left in it when
/// dropped (after a failure, or emptied by the renames into place).
struct Staging(PathBuf);

impl Staging {
    /// A new temporary folder in the data folder `data`.
    fn new(data: &Path) -> Result<Self, String> {
        static IMPORTS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let number = IMPORTS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let folder = data.join(format!(
            "{IMPORTING}.{}-{number}.partial",
            std::process::id()
        ));
        // One of this name is a leftover of an earlier process with this process's id.
        let _ = std::fs::remove_dir_all(&folder);
        crate::private::create_dir(&folder)
            .map_err(|error| format!("{}: {error}", folder.display()))?;
        Ok(Self(folder))
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Refuses when `folder` (a patient's records or reports) holds anything already.
fn not_there(folder: &Path) -> Result<(), String> {
    let empty = match std::fs::read_dir(folder) {
        Ok(mut entries) => entries.next().is_none(),
        Err(error) => error.kind() == io::ErrorKind::NotFound,
    };
    if empty {
        Ok(())
    } else {
        Err(format!(
            "{} is already there; nothing was imported (delete or move the patient's files \
             first)",
            folder.display()
        ))
    }
}

/// Puts `folder`'s entries (a file or folder just made or renamed in it) on the disk. Best
/// effort: the files themselves are already there.
fn sync_folder(folder: &Path) {
    if let Ok(folder) = std::fs::File::open(folder) {
        let _ = folder.sync_all();
    }
}

/// Unpacks `archive` (opened as `file`) into `staging` as `records/<code>/…` and
/// `reports/<code>/…`, checking each file before a byte of it is written; returns the
/// patient's code and the number of files. Only plain files and folders are accepted.
fn unpack(
    folders: &PatientFolders,
    archive: &Path,
    file: std::fs::File,
    staging: &Path,
    limits: Limits,
) -> Result<(String, usize), String> {
    let shown = archive.display();
    let not_ours = |name: &Path| {
        format!(
            "{shown}: \"{}\" is not a file Stillpoint keeps",
            name.display()
        )
    };
    let mut reader = tar::Archive::new(GzDecoder::new(file));
    let entries = reader
        .entries()
        .map_err(|error| format!("{shown}: not a patient archive ({error})"))?;
    let mut code: Option<String> = None;
    let mut seen = BTreeSet::new();
    let mut made = BTreeSet::new();
    let mut total: u64 = 0;
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
        let parts: Vec<&str> = name
            .components()
            .map(|part| match part {
                Component::Normal(part) => part.to_str().ok_or(()),
                _ => Err(()),
            })
            .collect::<Result<_, _>>()
            .map_err(|()| not_ours(&name))?;
        let this_code = match parts.as_slice() {
            ["records" | "reports", this_code, rest @ ..] if !rest.is_empty() => *this_code,
            _ => return Err(not_ours(&name)),
        };
        patient_code::check(this_code).map_err(|problem| format!("{shown}: {problem}"))?;
        match &code {
            Some(code) if code != this_code => {
                return Err(format!("{shown} holds more than one patient"));
            }
            Some(_) => {}
            None => {
                for (folder, _) in folders.of(this_code) {
                    not_there(&folder)?;
                }
                code = Some(this_code.to_owned());
            }
        }
        let inside: PathBuf = parts.iter().collect();
        let size = entry.size();
        total = total.saturating_add(size);
        if size > limits.file {
            return Err(format!(
                "{shown}: \"{}\" holds {}, more than the {} a file of a patient archive may \
                 hold; nothing was imported",
                inside.display(),
                size_text(size),
                size_text(limits.file)
            ));
        }
        if total > limits.total {
            return Err(format!(
                "{shown} holds more than the {} a patient archive may hold in all; nothing \
                 was imported",
                size_text(limits.total)
            ));
        }
        if !seen.insert(inside.clone()) {
            return Err(format!(
                "{shown}: \"{}\" is in the archive twice; nothing was imported",
                inside.display()
            ));
        }
        let modified = entry.header().mtime().map_or(SystemTime::now(), |secs| {
            SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(secs)
        });
        let target = staging.join(&inside);
        let unpacked = (|| {
            if let Some(folder) = target.parent() {
                crate::private::create_dir(folder)?;
                made.insert(folder.to_owned());
            }
            let mut out = crate::private::file_options(&target)
                .write(true)
                .create_new(true)
                .open(&target)?;
            crate::private::settle(&out, &target);
            io::copy(&mut entry, &mut out)?;
            // Keep when each file was last written, as a backup should.
            out.set_modified(modified)?;
            out.sync_all()
        })();
        unpacked.map_err(|error| {
            format!(
                "cannot unpack \"{}\" from {shown} into {}: {error}; nothing was imported",
                inside.display(),
                folders.data.display()
            )
        })?;
    }
    let code = code.ok_or_else(|| format!("{shown} holds no patient's files"))?;
    for folder in &made {
        sync_folder(folder);
    }
    Ok((code, seen.len()))
}

/// `bytes` as a person reads it: whole mebibytes, or bytes when less than one.
fn size_text(bytes: u64) -> String {
    if bytes >= 1 << 20 {
        format!("{} MiB", bytes >> 20)
    } else {
        format!("{bytes} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::patients::{Practice, list};

    /// Writes a gzip-compressed tar archive at `path` holding `files` (name, bytes).
    fn archive(path: &Path, files: &[(&str, &[u8])]) {
        let file = std::fs::File::create(path).expect("creates");
        let mut builder = tar::Builder::new(GzEncoder::new(file, Compression::fast()));
        for (name, bytes) in files {
            let mut header = tar::Header::new_gnu();
            header.set_size(bytes.len() as u64);
            header.set_mode(0o600);
            builder
                .append_data(&mut header, name, *bytes)
                .expect("appends");
        }
        builder
            .into_inner()
            .expect("finishes")
            .finish()
            .expect("compresses");
    }

    /// The names in the data folder `data`, sorted.
    fn names_in(data: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(data)
            .map(|entries| {
                entries
                    .flatten()
                    .map(|entry| entry.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        names
    }

    #[test]
    fn an_archive_over_its_limits_or_with_a_name_twice_is_refused_and_leaves_nothing() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let folders = PatientFolders::in_data_folder(&dir.path().join("data"));
        let limits = Limits {
            file: 100,
            total: 150,
        };
        let path = dir.path().join("P-1.tar.gz");
        for (files, why) in [
            (
                vec![("records/P-1/a.jsonl", &[b'a'; 101][..])],
                "holds 101 bytes, more than the 100 bytes a file",
            ),
            (
                vec![
                    ("records/P-1/a.jsonl", &[b'a'; 80][..]),
                    ("reports/P-1/report.html", &[b'r'; 80][..]),
                ],
                "more than the 150 bytes a patient archive may hold in all",
            ),
            (
                vec![
                    ("records/P-1/a.jsonl", &b"first"[..]),
                    ("records/P-1/a.jsonl", &b"second"[..]),
                ],
                "\"records/P-1/a.jsonl\" is in the archive twice",
            ),
        ] {
            archive(&path, &files);
            let refused = import_within(&folders, &path, limits);
            assert!(
                refused.as_ref().is_err_and(
                    |problem| problem.contains(why) && problem.contains("nothing was imported")
                ),
                "{why}: {refused:?}"
            );
            assert!(!folders.records.exists() && !folders.reports.exists());
            assert!(
                names_in(&folders.data).is_empty(),
                "no temporary folder stays"
            );
        }
        archive(
            &path,
            &[
                ("records/P-1/a.jsonl", &[b'a'; 100][..]),
                ("reports/P-1/report.html", &[b'r'; 50][..]),
            ],
        );
        assert_eq!(
            import_within(&folders, &path, limits),
            Ok(("P-1".to_owned(), 2)),
            "at the limits, imported"
        );
        assert_eq!(names_in(&folders.data), ["records", "reports"]);
    }

    /// A killed import leaves its temporary folder behind: it is never a patient, and the
    /// next import removes it and goes ahead.
    #[test]
    fn an_import_killed_part_way_blocks_nothing_and_is_cleaned_up_by_the_next() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let folders = PatientFolders::in_data_folder(&dir.path().join("data"));
        let mut killed = std::process::Command::new("true")
            .spawn()
            .expect("a process that was killed");
        let killed_id = killed.id();
        killed.wait().expect("it has ended");
        let stale = folders
            .data
            .join(format!("{IMPORTING}.{killed_id}-0.partial"));
        std::fs::create_dir_all(stale.join("records/P-1")).expect("makes");
        std::fs::write(stale.join("records/P-1/a.jsonl"), b"half").expect("writes");
        assert_eq!(list(&folders, Practice::LeftOut).expect("lists"), []);
        let path = dir.path().join("P-1.tar.gz");
        archive(&path, &[("records/P-1/a.jsonl", &b"whole"[..])]);
        assert_eq!(import(&folders, &path), Ok(("P-1".to_owned(), 1)));
        assert_eq!(
            std::fs::read(folders.records.join("P-1/a.jsonl")).expect("reads"),
            b"whole"
        );
        assert_eq!(names_in(&folders.data), ["records"], "the leftover is gone");
        // A second import of the same patient is refused before anything is unpacked.
        let again = import(&folders, &path);
        assert!(
            again
                .as_ref()
                .is_err_and(|problem| problem.contains("already there")),
            "{again:?}"
        );
        assert_eq!(names_in(&folders.data), ["records"]);
    }
}
