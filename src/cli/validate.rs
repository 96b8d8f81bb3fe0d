//! `stillpoint validate`: checks session and questionnaire instrument files and names every
//! problem as `path:line:column: message`.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use crate::config::{Paths, Settings};
use crate::instruments::library::{self as instruments, InstrumentEntry};
use crate::script::diagnostic::Diagnostic;
use crate::script::library::{self, Entry};
use crate::script::unvoiced::unvoiced_warnings;
use crate::voice::{VoiceSource, VoiceStore, session_texts};

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
        } else if !instruments::is_instrument_file(path) {
            files.push(path.clone());
        }
    }
    Ok(files)
}

/// The instrument files named on the command line (folders searched), or every bundled and
/// clinic instrument when none is named.
fn instrument_files(paths: &Paths, named: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let folders: Vec<PathBuf> = if named.is_empty() {
        paths.instrument_folders()
    } else {
        named.iter().filter(|path| path.is_dir()).cloned().collect()
    };
    let mut files = Vec::new();
    for folder in &folders {
        let found = instruments::instrument_files(folder)
            .map_err(|error| format!("{}: cannot read the folder: {error}", folder.display()))?;
        files.extend(found);
    }
    files.extend(
        named
            .iter()
            .filter(|path| !path.is_dir() && instruments::is_instrument_file(path))
            .cloned(),
    );
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
    let (instruments, _) = instruments::InstrumentSet::load(&paths.instrument_folders());
    Ok(library::check_all(
        &files,
        &settings.validation_context(paths, &instruments),
    ))
}

/// The entries with a warning added for each spoken text of a valid session that has no
/// voice, in file order with the other warnings.
fn with_voice_warnings(mut entries: Vec<Entry>, store: &VoiceStore) -> Vec<Entry> {
    for entry in &mut entries {
        let Ok(checked) = &mut entry.outcome else {
            continue;
        };
        let texts = session_texts(&checked.session);
        let unvoiced: Vec<(usize, &str)> = texts
            .iter()
            .filter(|spoken| store.find_key(&spoken.key).0 == VoiceSource::None)
            .map(|spoken| (spoken.step, spoken.text.as_str()))
            .collect();
        let shown = entry.path.display().to_string();
        let found = unvoiced_warnings(&shown, &entry.source, &checked.session, &unvoiced);
        checked.warnings.extend(found);
        checked.warnings.sort_by_key(|diagnostic| {
            diagnostic
                .location
                .as_ref()
                .map_or((0, 0), |location| (location.line, location.column))
        });
    }
    entries
}

pub(super) fn validate(
    paths: &Paths,
    settings: &Settings,
    named: &[PathBuf],
    brief: bool,
) -> ExitCode {
    let checked = check_sessions(paths, settings, named)
        .and_then(|entries| Ok((entries, instrument_files(paths, named)?)));
    let (entries, instrument_files) = match checked {
        Ok(checked) => checked,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::FAILURE;
        }
    };
    let entries = with_voice_warnings(
        entries,
        &VoiceStore::new(&paths.assets, &settings.data_root()),
    );
    let instrument_entries = instruments::read_all(&instrument_files);
    if entries.is_empty() && instrument_entries.is_empty() {
        eprintln!(
            "no session files (*.{}) or instrument files (*.{}) found",
            library::EXTENSION,
            instruments::EXTENSION
        );
        return ExitCode::FAILURE;
    }
    let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let mut out = std::io::stdout().lock();
    let mut show = |diagnostics: &[Diagnostic], source: &str| {
        for diagnostic in diagnostics {
            let text = if brief {
                format!("{}\n", diagnostic.headline())
            } else {
                diagnostic.render(source, color)
            };
            let _ = out.write_all(text.as_bytes());
        }
    };
    let mut invalid = 0;
    for entry in &entries {
        invalid += usize::from(entry.outcome.is_err());
        show(entry.diagnostics(), &entry.source);
    }
    let mut invalid_instruments = 0;
    for InstrumentEntry {
        source, outcome, ..
    } in &instrument_entries
    {
        if let Err(problems) = outcome {
            invalid_instruments += 1;
            show(problems, source);
        }
    }
    let summary = |count: usize, kind: &str, invalid: usize| match invalid {
        0 => format!("{count} {kind} file(s) checked: all valid"),
        _ => format!("{count} {kind} file(s) checked: {invalid} invalid"),
    };
    if !entries.is_empty() {
        let _ = writeln!(out, "{}", summary(entries.len(), "session", invalid));
    }
    if !instrument_entries.is_empty() {
        let _ = writeln!(
            out,
            "{}",
            summary(
                instrument_entries.len(),
                "questionnaire",
                invalid_instruments
            )
        );
    }
    if invalid + invalid_instruments == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
