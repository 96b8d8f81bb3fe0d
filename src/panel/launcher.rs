//! Opening a page in the system's browser: `xdg-open` (on a Mac, `open`), waited for off
//! the frame. When none can be opened the caller shows the file's path to copy.

use std::path::Path;
use std::process::{Command, Stdio};

/// Opens `page` in the system's browser; why not, when it cannot.
pub fn open_in_browser(page: &Path) -> Result<(), String> {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    let status = Command::new(opener)
        .arg(page)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    match status {
        Ok(status) if status.success() => Ok(()),
        Ok(status) => Err(format!("{opener} could not open it ({status})")),
        Err(error) => Err(format!("{opener} cannot be run: {error}")),
    }
}
