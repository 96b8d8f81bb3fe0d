//! `stillpoint validate`: checks session files and names every problem as
//! `path:line:column: message`.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use crate::config::{Paths, Settings};
use crate::script::library::{self, Entry};

/// The files named on the command line (folders expanded), or every bundled and clinic
/// session.
pub(super) fn files_to_check(paths: &Paths, named: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    if named.is_empty() {
        return library::session_files_in(&paths.session_folders());
    }
    let mut files = Vec::new();
    for path in named {
        if path.is_dir() {
            let found = library::session_files(path)
                .map_err(|error| format!("{}: cannot read the folder: {error}", path.display()))?;
            files.extend(found);
        } else {
            files.push(path.clone());
        }
    }
    Ok(files)
}

/// The named session files (or every bundled and clinic one), each parsed and checked
/// against the clinic's settings.
pub(super) fn check_sessions(
    paths: &Paths,
    settings: &Settings,
    named: &[PathBuf],
) -> Result<Vec<Entry>, String> {
    let files = files_to_check(paths, named)?;
    Ok(library::check_all(
        &files,
        &settings.validation_context(paths),
    ))
}

pub(super) fn validate(
    paths: &Paths,
    settings: &Settings,
    named: &[PathBuf],
    brief: bool,
) -> ExitCode {
    let entries = match check_sessions(paths, settings, named) {
        Ok(entries) => entries,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::FAILURE;
        }
    };
    if entries.is_empty() {
        eprintln!("no session files (*.{}) found", library::EXTENSION);
        return ExitCode::FAILURE;
    }
    let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let mut out = std::io::stdout().lock();
    let mut invalid = 0;
    for entry in &entries {
        invalid += usize::from(entry.outcome.is_err());
        for diagnostic in entry.diagnostics() {
            let text = if brief {
                format!("{}\n", diagnostic.headline())
            } else {
                diagnostic.render(&entry.source, color)
            };
            let _ = out.write_all(text.as_bytes());
        }
    }
    let summary = match invalid {
        0 => format!("{} session file(s) checked: all valid", entries.len()),
        _ => format!(
            "{} session file(s) checked: {invalid} invalid",
            entries.len()
        ),
    };
    let _ = writeln!(out, "{summary}");
    if invalid == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
