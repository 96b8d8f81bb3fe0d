//! Files that hold patient data: records, artwork, reports. They are readable only by the
//! user running Stillpoint (folders 700, files 600), except inside a **shared clinic data
//! folder**: a folder whose group may write and that passes its group on to what is made in
//! it (mode 2770, set up by the clinic's IT, see `docs/patient-data.md`). There folders are
//! made 2770 and files 660, so every member of that group reads and writes them, and
//! nobody else.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::Path;

/// Who may use a new file or folder.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sharing {
    /// The user alone.
    Private,
    /// The user and the group of the shared data folder it is made in.
    Group,
}

impl Sharing {
    /// The sharing of what is made at `path`: [`Sharing::Group`] when the nearest existing
    /// folder above it is a shared folder (its group may write, and passes its group on).
    pub fn at(path: &Path) -> Self {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            for folder in path.ancestors().skip(1) {
                if let Ok(meta) = std::fs::metadata(folder) {
                    let shared = meta.is_dir() && meta.permissions().mode() & 0o2070 == 0o2070;
                    return if shared { Self::Group } else { Self::Private };
                }
            }
        }
        Self::Private
    }

    /// The mode of a new file.
    pub fn file_mode(self) -> u32 {
        match self {
            Self::Private => 0o600,
            Self::Group => 0o660,
        }
    }

    /// The mode of a new folder.
    pub fn folder_mode(self) -> u32 {
        match self {
            Self::Private => 0o700,
            Self::Group => 0o2770,
        }
    }
}

/// Options that create a file at `path` readable and writable by the user alone, or by
/// the shared folder's group too (see [`Sharing`]). Pass what they open to [`settle`].
pub fn file_options(path: &Path) -> OpenOptions {
    let mut options = OpenOptions::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(Sharing::at(path).file_mode());
    }
    options
}

/// Gives a file just made at `path` exactly its mode: the user's umask may have taken the
/// group's rights away in a shared folder. Best effort on a file another member made.
pub fn settle(file: &File, path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = Sharing::at(path).file_mode();
        if file
            .metadata()
            .is_ok_and(|meta| meta.permissions().mode() & 0o7777 != mode)
        {
            let _ = file.set_permissions(std::fs::Permissions::from_mode(mode));
        }
    }
}

/// Creates `folder` and its parents: usable by the user alone (700), or by the shared
/// folder's group too (2770) inside a shared data folder.
pub fn create_dir(folder: &Path) -> io::Result<()> {
    let sharing = Sharing::at(folder);
    let missing: Vec<&Path> = folder
        .ancestors()
        .take_while(|ancestor| !ancestor.as_os_str().is_empty() && !ancestor.is_dir())
        .collect();
    for new in missing.into_iter().rev() {
        let mut builder = std::fs::DirBuilder::new();
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt;
            builder.mode(sharing.folder_mode());
        }
        match builder.create(new) {
            Ok(()) => {
                #[cfg(unix)]
                {
                    use std::os::unix::fs::PermissionsExt;
                    std::fs::set_permissions(
                        new,
                        std::fs::Permissions::from_mode(sharing.folder_mode()),
                    )?;
                }
            }
            Err(error) if error.kind() == io::ErrorKind::AlreadyExists && new.is_dir() => {}
            Err(error) => return Err(error),
        }
    }
    Ok(())
}

/// Replaces the private file at `path` with what `write` writes, atomically: it writes a
/// temporary file beside it, puts it on the disk, then renames it over `path`. A crash or
/// a failed write at any moment leaves either the old file or the new one, never a mix.
/// Each write has a temporary file of its own (`<file>.<process>-<n>.partial`), so two
/// writes of the same file at once never touch each other's half-written bytes.
pub fn write_atomically(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    static WRITES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let number = WRITES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(format!(".{}-{number}.partial", std::process::id()));
    let temporary = std::path::PathBuf::from(temporary);
    if let (Some(folder), Some(name)) = (path.parent(), path.file_name()) {
        remove_stale_partials(folder, &name.to_string_lossy());
    }
    let written = (|| {
        let mut file = file_options(path)
            .write(true)
            .create_new(true)
            .open(&temporary)?;
        settle(&file, path);
        let mut buffered = io::BufWriter::new(&mut file);
        write(&mut buffered)?;
        buffered.flush()?;
        drop(buffered);
        file.sync_all()?;
        std::fs::rename(&temporary, path)
    })();
    if let Err(error) = written {
        let _ = std::fs::remove_file(&temporary);
        return Err(error);
    }
    // The rename itself reaches the disk with the folder's entry.
    if let Some(folder) = path.parent()
        && let Ok(folder) = File::open(folder)
    {
        let _ = folder.sync_all();
    }
    Ok(())
}

/// How old a temporary file of [`write_atomically`] must be to count as left by a crash
/// whatever wrote it: far longer than any write takes.
const STALE_PARTIAL: std::time::Duration = std::time::Duration::from_secs(600);

/// Removes from `folder` the temporary files of [`write_atomically`] that a crash left
/// behind, of the files whose names start with `name` (every file's, for ""): those of a
/// process that no longer runs, and any older than [`STALE_PARTIAL`]. A temporary folder
/// named the same way (a patient import's) is removed with all it holds. Best effort; a
/// temporary file is never read, so one left behind only takes space.
pub fn remove_stale_partials(folder: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return;
    };
    for entry in entries.flatten() {
        let file = entry.file_name();
        let Some(file) = file.to_str() else { continue };
        let Some(tag) = file
            .strip_prefix(name)
            .and_then(|rest| rest.strip_suffix(".partial"))
            .and_then(|rest| rest.rsplit('.').next())
        else {
            continue;
        };
        let writer_gone = tag
            .split_once('-')
            .and_then(|(process, _)| process.parse::<u32>().ok())
            .is_some_and(|process| process != std::process::id() && !process_runs(process));
        let old = entry
            .metadata()
            .and_then(|meta| meta.modified())
            .ok()
            .and_then(|modified| modified.elapsed().ok())
            .is_some_and(|age| age > STALE_PARTIAL);
        if writer_gone || old {
            let _ = if entry.file_type().is_ok_and(|kind| kind.is_dir()) {
                std::fs::remove_dir_all(entry.path())
            } else {
                std::fs::remove_file(entry.path())
            };
        }
    }
}

/// Whether process `id` runs (always true where that cannot be told).
fn process_runs(id: u32) -> bool {
    let processes = Path::new("/proc");
    !processes.join("self").exists() || processes.join(id.to_string()).exists()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two writers of one file at once (two exports of the same painting), and a reader:
    /// every read sees one whole version, never a mix, and no temporary file stays.
    #[test]
    fn overlapping_writes_of_one_file_never_mix() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let path = dir.path().join("painting.glb");
        let writer = |byte: u8| {
            let path = path.clone();
            std::thread::spawn(move || {
                for _ in 0..60 {
                    write_atomically(&path, |out| out.write_all(&vec![byte; 256 * 1024]))
                        .expect("the write succeeds");
                }
            })
        };
        let (old, new) = (writer(b'o'), writer(b'n'));
        let mut reads = 0;
        while !(old.is_finished() && new.is_finished()) {
            if let Ok(bytes) = std::fs::read(&path) {
                assert_eq!(bytes.len(), 256 * 1024, "a whole version");
                assert!(bytes.iter().all(|&byte| byte == bytes[0]), "never a mix");
                reads += 1;
            }
        }
        old.join().expect("joins");
        new.join().expect("joins");
        let bytes = std::fs::read(&path).expect("the file is there");
        assert!(bytes.len() == 256 * 1024 && bytes.iter().all(|&byte| byte == bytes[0]));
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .expect("reads")
            .flatten()
            .map(|entry| entry.file_name())
            .collect();
        assert_eq!(
            names,
            ["painting.glb"],
            "no temporary file stays ({reads} reads)"
        );
    }

    #[test]
    fn a_temporary_file_left_by_a_crash_is_removed_once_stale() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let path = dir.path().join("r.paint-1.artwork.json");
        let partial_of = |process: u32| {
            dir.path()
                .join(format!("r.paint-1.artwork.json.{process}-0.partial"))
        };
        let mut writing = std::process::Command::new("sleep")
            .arg("30")
            .spawn()
            .expect("a process that is still writing");
        let mut killed = std::process::Command::new("true")
            .spawn()
            .expect("a process that was killed");
        let killed_id = killed.id();
        killed.wait().expect("it has ended");
        // An hour old (this process's own, so only its age makes it stale), left by a
        // process that has ended, and one of a process still running.
        let stale = partial_of(std::process::id());
        let of_an_ended_process = partial_of(killed_id);
        let recent = partial_of(writing.id());
        for partial in [&stale, &of_an_ended_process, &recent] {
            std::fs::write(partial, b"half a painting").expect("writes");
        }
        let an_hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        File::options()
            .write(true)
            .open(&stale)
            .and_then(|file| file.set_modified(an_hour_ago))
            .expect("ages the file");
        write_atomically(&path, |out| out.write_all(b"{}")).expect("writes");
        assert_eq!(std::fs::read(&path).expect("reads"), b"{}");
        assert!(!stale.exists(), "a crash's leftover is removed");
        assert!(
            !of_an_ended_process.exists(),
            "so is one whose process has ended"
        );
        assert!(
            recent.exists(),
            "a write that may still be under way is left alone"
        );
        let _ = writing.kill();
        let _ = writing.wait();
    }

    /// Inside a shared data folder (2770) new folders are 2770 and files 660, whatever the
    /// umask; elsewhere folders are 700 and files 600.
    #[cfg(unix)]
    #[test]
    fn a_shared_data_folder_passes_its_group_on_and_a_private_one_does_not() {
        use std::os::unix::fs::PermissionsExt;
        let mode =
            |path: &Path| std::fs::metadata(path).expect("there").permissions().mode() & 0o7777;
        let dir = tempfile::tempdir().expect("a temp dir");
        let shared = dir.path().join("clinic");
        std::fs::create_dir(&shared).expect("makes");
        std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o2770))
            .expect("shares it");
        let private = dir.path().join("mine");
        for (root, folder_mode, file_mode) in [(&shared, 0o2770, 0o660), (&private, 0o700, 0o600)] {
            let folder = root.join("records/P-1");
            create_dir(&folder).expect("makes the folders");
            assert_eq!(
                mode(&root.join("records")),
                folder_mode,
                "{}",
                root.display()
            );
            assert_eq!(mode(&folder), folder_mode);
            let record = folder.join("r.jsonl");
            write_atomically(&record, |out| out.write_all(b"{}")).expect("writes");
            assert_eq!(mode(&record), file_mode, "{}", record.display());
            let report = folder.join("report.html");
            write_atomically(&report, |out| out.write_all(b"<p>")).expect("writes");
            assert_eq!(mode(&report), file_mode);
        }
        assert_eq!(
            mode(&private),
            0o700,
            "the private root itself is made private"
        );
    }
}
