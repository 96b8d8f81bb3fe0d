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
