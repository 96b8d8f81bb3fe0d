//! Where the dynamic linker finds shared libraries: `LD_LIBRARY_PATH`, its cache
//! (`ldconfig -p`) and the usual system folders. Used to look for libraries that are opened
//! at run time (the OpenXR loader, the window's libraries) before they are needed.

use std::path::PathBuf;

/// The folders the linker searches by default, most specific first.
pub const SYSTEM_FOLDERS: [&str; 8] = [
    "/usr/local/lib",
    "/usr/lib/x86_64-linux-gnu",
    "/usr/lib/aarch64-linux-gnu",
    "/usr/lib64",
    "/usr/lib",
    "/lib/x86_64-linux-gnu",
    "/lib64",
    "/lib",
];

/// The folders of `LD_LIBRARY_PATH`, in order; empty entries (which would mean the current
/// folder) are left out.
pub fn library_path() -> Vec<PathBuf> {
    std::env::var_os("LD_LIBRARY_PATH")
        .map(|value| {
            std::env::split_paths(&value)
                .filter(|folder| !folder.as_os_str().is_empty())
                .collect()
        })
        .unwrap_or_default()
}

/// The linker cache's listing (`ldconfig -p`), empty when `ldconfig` cannot be run.
pub fn cache_listing() -> String {
    ["ldconfig", "/sbin/ldconfig", "/usr/sbin/ldconfig"]
        .iter()
        .find_map(|program| std::process::Command::new(program).arg("-p").output().ok())
        .map(|output| String::from_utf8_lossy(&output.stdout).into_owned())
        .unwrap_or_default()
}
