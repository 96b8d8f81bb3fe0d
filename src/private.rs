//! Files only the user running Stillpoint can read: records, artwork, reports.

use std::fs::OpenOptions;
use std::io::{self, Write};
use std::path::Path;

/// Options that create files readable and writable by the user alone (mode 600 on Unix).
pub fn file_options() -> OpenOptions {
    let mut options = OpenOptions::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options
}

/// Creates `folder` and its parents, usable by the user alone (mode 700 on Unix).
pub fn create_dir(folder: &Path) -> io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(folder)
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
        let mut file = file_options()
            .write(true)
            .create_new(true)
            .open(&temporary)?;
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
        && let Ok(folder) = std::fs::File::open(folder)
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
/// process that no longer runs, and any older than [`STALE_PARTIAL`]. Best effort; a
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
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Whether process `id` runs (always true where that cannot be told).
fn process_runs(id: u32) -> bool {
    let processes = Path::new("/proc");
    !processes.join("self").exists() || processes.join(id.to_string()).exists()
}

/// Writes `contents` to a private file at `path`, replacing what was there.
pub fn write_file(path: &Path, contents: &[u8]) -> io::Result<()> {
    let mut file = file_options()
        .write(true)
        .create(true)
        .truncate(true)
        .open(path)?;
    file.write_all(contents)?;
    file.sync_data()
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
        std::fs::File::options()
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
}
