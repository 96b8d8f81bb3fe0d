//! Finding and checking the session files in a folder.

use std::path::{Path, PathBuf};

use super::SessionScript;
use super::diagnostic::Diagnostic;
use super::diagnostic::Location;
use super::outline::Outline;
use super::parse::{SESSION_KIND, parse_session, size_problem};
use super::validate::Context;

/// The file name ending that marks a session script.
pub const EXTENSION: &str = "session.ron";

/// One session file and what checking it found.
#[derive(Clone, Debug)]
pub struct Entry {
    /// The file.
    pub path: PathBuf,
    /// The file's text as read (empty when it could not be read).
    pub source: String,
    /// The checked session, or every problem that makes it invalid.
    pub outcome: Result<SessionScript, Vec<Diagnostic>>,
}

impl Entry {
    /// All problems found, errors and warnings.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match &self.outcome {
            Ok(checked) => &checked.warnings,
            Err(diagnostics) => diagnostics,
        }
    }
}

/// Reads and checks one file.
pub fn check_file(path: &Path, context: &Context) -> Entry {
    let shown = path.display().to_string();
    match read_bounded(path, SESSION_KIND) {
        Ok(bytes) => Entry {
            path: path.to_owned(),
            source: String::from_utf8_lossy(&bytes).into_owned(),
            outcome: parse_session(&shown, &bytes, context),
        },
        Err(problem) => Entry {
            path: path.to_owned(),
            source: String::new(),
            outcome: Err(vec![problem]),
        },
    }
}

/// The bytes of a `kind` of file; a file far too big to be one is refused without reading
/// it into memory.
pub fn read_bounded(path: &Path, kind: &str) -> Result<Vec<u8>, Diagnostic> {
    let shown = path.display().to_string();
    let unreadable = |error: std::io::Error| {
        Diagnostic::error(&shown, None, format!("cannot read the file: {error}"))
    };
    let metadata = std::fs::metadata(path).map_err(unreadable)?;
    if let Some(problem) = size_problem(&shown, metadata.len(), kind) {
        return Err(problem);
    }
    std::fs::read(path).map_err(unreadable)
}

/// The session files directly inside `folder`, sorted by name.
pub fn session_files(folder: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(folder)?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| is_session_file(path))
        .collect();
    files.sort();
    Ok(files)
}

/// The session files of several folders, in folder order: the first folder (the bundled
/// sessions) must be readable; a later one (the clinic's own) may not exist yet.
pub fn session_files_in(folders: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut files = Vec::new();
    for (index, folder) in folders.iter().enumerate() {
        match session_files(folder) {
            Ok(found) => files.extend(found),
            Err(error) if index > 0 && error.kind() == std::io::ErrorKind::NotFound => {}
            Err(error) => {
                return Err(format!(
                    "{}: cannot read the sessions folder: {error}",
                    folder.display()
                ));
            }
        }
    }
    Ok(files)
}

/// True for `*.session.ron` files.
pub fn is_session_file(path: &Path) -> bool {
    path.is_file()
        && path
            .file_name()
            .and_then(|name| name.to_str())
            .is_some_and(|name| name.ends_with(&format!(".{EXTENSION}")))
}

/// Checks every file, then flags session ids used by more than one file.
pub fn check_all(files: &[PathBuf], context: &Context) -> Vec<Entry> {
    let mut entries: Vec<Entry> = files.iter().map(|path| check_file(path, context)).collect();
    let mut first_with_id: std::collections::HashMap<String, PathBuf> = Default::default();
    for entry in &mut entries {
        let Ok(checked) = &entry.outcome else {
            continue;
        };
        let id = checked.session.id.clone();
        match first_with_id.get(&id) {
            Some(first) => {
                let shown = entry.path.display().to_string();
                let outline = Outline::of(&entry.source);
                let location = outline
                    .field(&entry.source, "id")
                    .map(|bytes| Location::at_offset(&entry.source, bytes.start, bytes.len()));
                let mut diagnostics = checked.warnings.clone();
                diagnostics.push(
                    Diagnostic::error(
                        &shown,
                        location,
                        format!(
                            "the session id \"{id}\" is already used by {}",
                            first.display()
                        ),
                    )
                    .with_help("give each session its own id"),
                );
                entry.outcome = Err(diagnostics);
            }
            None => {
                first_with_id.insert(id, entry.path.clone());
            }
        }
    }
    entries
}
