//! Finding the OpenXR loader before the headset plugins look for it.
//!
//! The `openxr` crate opens the unversioned `libopenxr_loader.so`, which Debian-family
//! systems ship only in the `-dev` package; most users have only the runtime library
//! `libopenxr_loader.so.1` (package `libopenxr-loader1`). When only that is installed,
//! Stillpoint links the unversioned name to it in its own cache folder and starts itself
//! again with that folder on the library path, so the headset works without the `-dev`
//! package. With no loader at all the app runs on the desktop and names what to install.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// The name the `openxr` crate opens.
pub const UNVERSIONED: &str = "libopenxr_loader.so";
/// The name the runtime package installs.
pub const VERSIONED: &str = "libopenxr_loader.so.1";
/// Set in the environment of the restarted program, so it never restarts twice.
const RESTARTED: &str = "STILLPOINT_OPENXR_LOADER_LINK";
/// When set, the only folders searched for the loader (separated by `:`; empty for none):
/// for tests, which must not depend on whether the machine has a headset installed.
pub const SEARCH_OVERRIDE: &str = "STILLPOINT_OPENXR_LOADER_FOLDERS";

/// Where the OpenXR loader is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Loader {
    /// `libopenxr_loader.so` can be opened as it is.
    Ready,
    /// Only the versioned library is installed, here.
    VersionedOnly(PathBuf),
    /// No loader is installed.
    Missing,
}

/// What to tell the user when no loader is installed.
pub const MISSING_MESSAGE: &str = "no OpenXR loader is installed, so Stillpoint runs on the \
     desktop only; to use a headset install the OpenXR loader (Debian/Ubuntu: sudo apt install \
     libopenxr-loader1) and an OpenXR runtime such as Monado or SteamVR";

/// Looks for the loader in `folders`, in order.
pub fn locate_in(folders: &[PathBuf]) -> Loader {
    if folders
        .iter()
        .any(|folder| folder.join(UNVERSIONED).exists())
    {
        return Loader::Ready;
    }
    folders
        .iter()
        .map(|folder| folder.join(VERSIONED))
        .find(|path| path.exists())
        .map_or(Loader::Missing, Loader::VersionedOnly)
}

/// The folders the dynamic linker searches: `LD_LIBRARY_PATH`, the linker cache's folders
/// (`ldconfig -p`), then the usual system folders; or only those in [`SEARCH_OVERRIDE`].
pub fn library_folders() -> Vec<PathBuf> {
    if let Some(only) = std::env::var_os(SEARCH_OVERRIDE) {
        return std::env::split_paths(&only)
            .filter(|folder| !folder.as_os_str().is_empty())
            .collect();
    }
    let mut folders = crate::linker::library_path();
    folders.extend(linker_cache_folders(&crate::linker::cache_listing()));
    folders.extend(crate::linker::SYSTEM_FOLDERS.map(PathBuf::from));
    let mut seen = std::collections::HashSet::new();
    folders.retain(|folder| seen.insert(folder.clone()));
    folders
}

/// The folders of the OpenXR loader entries in an `ldconfig -p` listing that this program
/// can load: a 32-bit loader beside a 64-bit one is passed over.
fn linker_cache_folders(listing: &str) -> Vec<PathBuf> {
    listing
        .lines()
        .filter(|line| line.trim_start().starts_with("libopenxr_loader"))
        .filter(|line| for_this_architecture(line))
        .filter_map(|line| line.split("=>").nth(1))
        .filter_map(|path| Path::new(path.trim()).parent().map(Path::to_path_buf))
        .collect()
}

/// Whether a linker cache entry, such as `libm.so.6 (libc6,x86-64) => …`, is for this
/// program's architecture (by its tag in brackets; entries of unknown tags are kept).
fn for_this_architecture(line: &str) -> bool {
    let tag = line
        .split_once('(')
        .and_then(|(_, rest)| rest.split_once(')'))
        .map_or("", |(tag, _)| tag);
    let wanted = if cfg!(target_arch = "x86_64") {
        "x86-64"
    } else if cfg!(target_arch = "aarch64") {
        "AArch64"
    } else {
        return true;
    };
    tag.split(',').any(|part| part.trim() == wanted)
}

/// `LD_LIBRARY_PATH` with `link_folder` first; an empty or missing one adds nothing (an
/// empty entry would make the linker search the current folder).
fn library_path_with(link_folder: &Path, existing: Option<OsString>) -> OsString {
    let mut library_path = OsString::from(link_folder);
    if let Some(existing) = existing.filter(|existing| !existing.is_empty()) {
        library_path.push(":");
        library_path.push(existing);
    }
    library_path
}

/// The folder Stillpoint keeps its link to the loader in: the user's cache folder (on Linux
/// `~/.cache/stillpoint/openxr-loader`), never the data folder, which a clinic may keep on a
/// drive that cannot hold links.
pub fn link_folder() -> PathBuf {
    directories::ProjectDirs::from("", "", "stillpoint").map_or_else(
        || std::env::temp_dir().join("stillpoint-openxr-loader"),
        |dirs| dirs.cache_dir().join("openxr-loader"),
    )
}

/// Makes `libopenxr_loader.so` openable when only the versioned library is installed, by
/// restarting the program with a link to it on the library path. Returns what was found
/// (the restart does not return when it succeeds); problems are described, never fatal.
pub fn prepare(link_folder: &Path) -> Result<Loader, String> {
    let found = locate_in(&library_folders());
    let Loader::VersionedOnly(versioned) = &found else {
        return Ok(found);
    };
    if std::env::var_os(RESTARTED).is_some() {
        return Err(format!(
            "{} links to {} but the OpenXR loader still cannot be opened",
            link_folder.join(UNVERSIONED).display(),
            versioned.display()
        ));
    }
    link_loader(link_folder, versioned)?;
    restart_with_library_path(link_folder)
}

/// Points `link_folder/libopenxr_loader.so` at `versioned`.
pub fn link_loader(link_folder: &Path, versioned: &Path) -> Result<(), String> {
    let link = link_folder.join(UNVERSIONED);
    crate::private::create_dir(link_folder)
        .map_err(|error| format!("cannot create {}: {error}", link_folder.display()))?;
    if std::fs::read_link(&link).is_ok_and(|target| target == versioned) {
        return Ok(());
    }
    let _ = std::fs::remove_file(&link);
    std::os::unix::fs::symlink(versioned, &link)
        .map_err(|error| format!("cannot link {}: {error}", link.display()))
}

fn restart_with_library_path(link_folder: &Path) -> Result<Loader, String> {
    use std::os::unix::process::CommandExt;
    let program = std::env::current_exe()
        .map_err(|error| format!("cannot find this program to restart it: {error}"))?;
    let library_path = library_path_with(link_folder, std::env::var_os("LD_LIBRARY_PATH"));
    let error = std::process::Command::new(program)
        .args(std::env::args_os().skip(1))
        .env("LD_LIBRARY_PATH", library_path)
        .env(RESTARTED, link_folder)
        .exec();
    Err(format!(
        "cannot restart with the OpenXR loader linked: {error}"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_unversioned_loader_is_used_as_it_is_and_the_versioned_one_is_found() {
        let dir = tempfile::tempdir().expect("temp dir");
        let (first, second) = (dir.path().join("a"), dir.path().join("b"));
        std::fs::create_dir_all(&first).expect("folder");
        std::fs::create_dir_all(&second).expect("folder");
        let folders = [first.clone(), second.clone()];
        assert_eq!(locate_in(&folders), Loader::Missing);
        std::fs::write(second.join(VERSIONED), b"").expect("file");
        assert_eq!(
            locate_in(&folders),
            Loader::VersionedOnly(second.join(VERSIONED))
        );
        std::fs::write(first.join(UNVERSIONED), b"").expect("file");
        assert_eq!(locate_in(&folders), Loader::Ready);
    }

    #[test]
    fn the_link_points_at_the_versioned_loader_and_is_renewed_when_it_moves() {
        let dir = tempfile::tempdir().expect("temp dir");
        let links = dir.path().join("links");
        let (old, new) = (dir.path().join("old.so.1"), dir.path().join("new.so.1"));
        std::fs::write(&old, b"").expect("file");
        std::fs::write(&new, b"").expect("file");
        link_loader(&links, &old).expect("linked");
        link_loader(&links, &new).expect("relinked");
        assert_eq!(
            std::fs::read_link(links.join(UNVERSIONED)).expect("a link"),
            new
        );
        assert_eq!(locate_in(&[links]), Loader::Ready);
    }

    #[test]
    fn the_linker_cache_names_the_loaders_folder() {
        let listing = "1234 libs found in cache `/etc/ld.so.cache'\n\
            \tlibopenxr_loader.so.1 (libc6,x86-64) => /usr/lib/x86_64-linux-gnu/libopenxr_loader.so.1\n\
            \tlibm.so.6 (libc6,x86-64) => /lib/x86_64-linux-gnu/libm.so.6\n";
        assert_eq!(
            linker_cache_folders(listing),
            vec![PathBuf::from("/usr/lib/x86_64-linux-gnu")]
        );
    }

    #[cfg(target_arch = "x86_64")]
    #[test]
    fn a_loader_of_another_architecture_is_passed_over() {
        let listing = "\tlibopenxr_loader.so.1 (libc6) => /usr/lib/i386-linux-gnu/libopenxr_loader.so.1\n\
            \tlibopenxr_loader.so.1 (libc6,x86-64) => /usr/lib/x86_64-linux-gnu/libopenxr_loader.so.1\n";
        assert_eq!(
            linker_cache_folders(listing),
            vec![PathBuf::from("/usr/lib/x86_64-linux-gnu")]
        );
    }

    #[test]
    fn an_empty_library_path_does_not_add_the_current_folder() {
        let link = Path::new("/home/t/.cache/stillpoint/openxr-loader");
        assert_eq!(
            library_path_with(link, Some(OsString::new())),
            link.as_os_str()
        );
        assert_eq!(library_path_with(link, None), link.as_os_str());
        assert_eq!(
            library_path_with(link, Some(OsString::from("/opt/lib"))),
            OsString::from("/home/t/.cache/stillpoint/openxr-loader:/opt/lib")
        );
    }

    #[test]
    fn the_link_lives_in_the_cache_folder_not_the_data_folder() {
        let folder = link_folder();
        assert!(folder.ends_with("openxr-loader"), "{}", folder.display());
        assert!(
            !folder.starts_with(crate::config::Settings::default().data_root()),
            "{}",
            folder.display()
        );
    }
}
