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
pub fn write_atomically(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(".partial");
    let temporary = std::path::PathBuf::from(temporary);
    // A partial file left by a crash may not be private: start afresh.
    let _ = std::fs::remove_file(&temporary);
    let written = (|| {
        let mut file = file_options()
            .write(true)
            .create(true)
            .truncate(true)
            .open(&temporary)?;
        let mut buffered = io::BufWriter::new(&mut file);
        write(&mut buffered)?;
        buffered.flush()?;
        drop(buffered);
        file.sync_all()?;
        std::fs::rename(&temporary, path)
    })();
    if let Err(error) = written {
        // Best effort: the next save truncates a partial file it finds anyway.
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
