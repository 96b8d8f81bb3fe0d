//! What the window needs from the system, checked before it opens.
//!
//! The windowing and rendering libraries open some system libraries only at run time, and
//! panic deep inside when one is missing ("Library libxkbcommon-x11.so could not be
//! loaded"). Stillpoint looks for them first and, when one is missing, names the package to
//! install in one sentence and exits with an error code.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::linker;

/// A library the window opens at run time, and the Debian/Ubuntu package that brings it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuntimeLibrary {
    /// The file the dynamic linker looks for.
    pub file: &'static str,
    /// The package that installs it (the same name on Debian 12/13 and Ubuntu 24.04).
    pub package: &'static str,
}

/// Everything an X11 window with Vulkan rendering opens at run time.
pub const WINDOW_LIBRARIES: [RuntimeLibrary; 8] = [
    library("libX11.so.6", "libx11-6"),
    library("libX11-xcb.so.1", "libx11-xcb1"),
    library("libXcursor.so.1", "libxcursor1"),
    library("libXrandr.so.2", "libxrandr2"),
    library("libXi.so.6", "libxi6"),
    library("libxkbcommon.so.0", "libxkbcommon0"),
    library("libxkbcommon-x11.so.0", "libxkbcommon-x11-0"),
    library("libvulkan.so.1", "libvulkan1"),
];

const fn library(file: &'static str, package: &'static str) -> RuntimeLibrary {
    RuntimeLibrary { file, package }
}

/// Where Vulkan drivers describe themselves (the loader's default search folders).
const VULKAN_DRIVER_FOLDERS: [&str; 4] = [
    "/usr/share/vulkan/icd.d",
    "/usr/local/share/vulkan/icd.d",
    "/etc/vulkan/icd.d",
    "/etc/xdg/vulkan/icd.d",
];

/// Checks that a window can open here: a display, the libraries above and a Vulkan driver.
/// The error is one sentence saying what to install or do.
pub fn check_window_prerequisites() -> Result<(), String> {
    if !cfg!(target_os = "linux") {
        return Ok(());
    }
    let Some(display) = std::env::var_os("DISPLAY") else {
        return Err(
            "Stillpoint's window needs a desktop session, and none was found (DISPLAY \
             is not set). Start it from the desktop, or use `stillpoint simulate` to run a \
             session without a window."
                .to_owned(),
        );
    };
    let display = display.to_string_lossy();
    if let Some(socket) = local_display_socket(&display)
        && !x_server_answers(&socket)
    {
        return Err(format!(
            "Stillpoint's window needs a desktop session, and none answers on display \
             {display} (no {}): start Stillpoint from the desktop, or use `stillpoint \
             simulate` to run a session without a window.",
            socket.display()
        ));
    }
    let folders: Vec<PathBuf> = linker::library_path()
        .into_iter()
        .chain(linker::SYSTEM_FOLDERS.map(PathBuf::from))
        .collect();
    let known = known_libraries(&linker::cache_listing(), &folders);
    let missing = missing_libraries(&known);
    if !missing.is_empty() {
        return Err(missing_message(&missing));
    }
    if !vulkan_driver_installed() {
        return Err(
            "Stillpoint's window needs a Vulkan driver, and none is installed: install \
             your graphics card's Vulkan driver, or Mesa's (sudo apt install \
             mesa-vulkan-drivers), then start Stillpoint again."
                .to_owned(),
        );
    }
    Ok(())
}

/// The socket of a display on this computer (`:0`, `:1.0`, `unix:2`), where its X server
/// listens; `None` for a display elsewhere, reached over the network.
pub fn local_display_socket(display: &str) -> Option<PathBuf> {
    let number = display
        .strip_prefix("unix:")
        .or_else(|| display.strip_prefix(':'))?;
    let number = number.split('.').next()?;
    number
        .bytes()
        .all(|byte| byte.is_ascii_digit())
        .then(|| PathBuf::from(format!("/tmp/.X11-unix/X{number}")))
        .filter(|_| !number.is_empty())
}

/// Whether an X server takes connections at `socket`: by its abstract name (as X servers
/// on Linux also listen, reachable inside containers without the file) or by the file.
fn x_server_answers(socket: &Path) -> bool {
    use std::os::unix::net::UnixStream;
    #[cfg(target_os = "linux")]
    {
        use std::os::linux::net::SocketAddrExt;
        let by_name = std::os::unix::net::SocketAddr::from_abstract_name(
            socket.as_os_str().as_encoded_bytes(),
        )
        .and_then(|address| UnixStream::connect_addr(&address));
        if by_name.is_ok() {
            return true;
        }
    }
    UnixStream::connect(socket).is_ok()
}

/// The sentence for missing libraries: what is missing and the one command that adds it.
pub fn missing_message(missing: &[RuntimeLibrary]) -> String {
    let files: Vec<&str> = missing.iter().map(|library| library.file).collect();
    let mut packages: Vec<&str> = missing.iter().map(|library| library.package).collect();
    packages.dedup();
    let them = if files.len() == 1 { "it" } else { "them" };
    format!(
        "Stillpoint's window needs {} (not installed): install {them} with `sudo apt install \
         {}`, then start Stillpoint again.",
        files.join(", "),
        packages.join(" ")
    )
}

/// Those of [`WINDOW_LIBRARIES`] that are not among `known` file names.
pub fn missing_libraries(known: &HashSet<String>) -> Vec<RuntimeLibrary> {
    WINDOW_LIBRARIES
        .into_iter()
        .filter(|library| !known.contains(library.file))
        .collect()
}

/// The library file names the dynamic linker can find: those in its cache listing
/// (`ldconfig -p`) and those in `folders` (`LD_LIBRARY_PATH`, the usual system folders).
pub fn known_libraries(cache_listing: &str, folders: &[PathBuf]) -> HashSet<String> {
    let mut known: HashSet<String> = cache_listing
        .lines()
        .filter(|line| line.contains("=>"))
        .filter_map(|line| line.split_whitespace().next())
        .map(str::to_owned)
        .collect();
    for folder in folders {
        let Ok(entries) = std::fs::read_dir(folder) else {
            continue;
        };
        known.extend(
            entries
                .filter_map(Result::ok)
                .filter_map(|entry| entry.file_name().into_string().ok()),
        );
    }
    known
}

/// Whether a Vulkan driver manifest is there, in the folders the Vulkan loader reads or in
/// the files named by `VK_DRIVER_FILES` / `VK_ICD_FILENAMES`.
fn vulkan_driver_installed() -> bool {
    let named = ["VK_DRIVER_FILES", "VK_ICD_FILENAMES"]
        .iter()
        .filter_map(std::env::var_os)
        .flat_map(|value| std::env::split_paths(&value).collect::<Vec<_>>())
        .any(|path| path.exists());
    let data_dirs = std::env::var_os("XDG_DATA_DIRS")
        .map(|value| {
            std::env::split_paths(&value)
                .map(|dir| dir.join("vulkan/icd.d"))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    named
        || VULKAN_DRIVER_FOLDERS
            .iter()
            .map(PathBuf::from)
            .chain(data_dirs)
            .any(|folder| has_manifest(&folder))
}

fn has_manifest(folder: &Path) -> bool {
    std::fs::read_dir(folder).is_ok_and(|entries| {
        entries
            .filter_map(Result::ok)
            .any(|entry| entry.path().extension().is_some_and(|ext| ext == "json"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn libraries_in_the_linker_cache_or_a_folder_count_as_installed() {
        let listing = "1234 libs found in cache `/etc/ld.so.cache'\n\
            \tlibxkbcommon.so.0 (libc6,x86-64) => /lib/x86_64-linux-gnu/libxkbcommon.so.0\n\
            \tlibX11.so.6 (libc6,x86-64) => /lib/x86_64-linux-gnu/libX11.so.6\n";
        let folder = tempfile::tempdir().expect("temp dir");
        std::fs::write(folder.path().join("libvulkan.so.1"), b"").expect("write");
        let known = known_libraries(listing, &[folder.path().to_path_buf()]);
        let missing: Vec<&str> = missing_libraries(&known)
            .iter()
            .map(|library| library.package)
            .collect();
        assert_eq!(
            missing,
            [
                "libx11-xcb1",
                "libxcursor1",
                "libxrandr2",
                "libxi6",
                "libxkbcommon-x11-0"
            ]
        );
    }

    #[test]
    fn the_message_names_the_file_and_the_package_to_install() {
        let message = missing_message(&[library("libxkbcommon-x11.so.0", "libxkbcommon-x11-0")]);
        assert_eq!(
            message,
            "Stillpoint's window needs libxkbcommon-x11.so.0 (not installed): install it with \
             `sudo apt install libxkbcommon-x11-0`, then start Stillpoint again."
        );
    }

    #[test]
    fn a_local_display_is_found_by_its_socket_and_a_remote_one_is_not_looked_for() {
        let socket = |display| local_display_socket(display).map(|path| path.display().to_string());
        assert_eq!(socket(":0").as_deref(), Some("/tmp/.X11-unix/X0"));
        assert_eq!(socket(":12.0").as_deref(), Some("/tmp/.X11-unix/X12"));
        assert_eq!(socket("unix:3").as_deref(), Some("/tmp/.X11-unix/X3"));
        assert_eq!(socket("clinic-pc:0"), None, "over the network");
        assert_eq!(socket(":"), None);
        assert_eq!(socket(":x"), None);
    }
}
