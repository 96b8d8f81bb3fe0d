//! Finding and reading instrument files: the bundled ones in `assets/instruments/` and a
//! clinic's own.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::model::Instrument;
use super::parse::{INSTRUMENT_KIND, parse_instrument};
use crate::script::diagnostic::Diagnostic;
use crate::script::library::read_bounded;

/// The file name ending of instrument files.
pub const EXTENSION: &str = "instrument.ron";

/// One instrument file, read and checked.
#[derive(Debug)]
pub struct InstrumentEntry {
    /// The file.
    pub path: PathBuf,
    /// Its text, for showing problems in context.
    pub source: String,
    /// The instrument, or every problem found.
    pub outcome: Result<Instrument, Vec<Diagnostic>>,
}

/// True for `*.instrument.ron` files.
pub fn is_instrument_file(path: &Path) -> bool {
    path.file_name()
        .and_then(|name| name.to_str())
        .is_some_and(|name| name.ends_with(&format!(".{EXTENSION}")))
}

/// The instrument files directly inside `folder`, sorted by name; none when it does not exist.
pub fn instrument_files(folder: &Path) -> std::io::Result<Vec<PathBuf>> {
    let entries = match std::fs::read_dir(folder) {
        Ok(entries) => entries,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(error) => return Err(error),
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.is_file() && is_instrument_file(path))
        .collect();
    files.sort();
    Ok(files)
}

/// Reads and checks one file.
pub fn read_file(path: &Path) -> InstrumentEntry {
    match read_bounded(path, INSTRUMENT_KIND) {
        Ok(bytes) => InstrumentEntry {
            path: path.to_owned(),
            source: String::from_utf8_lossy(&bytes).into_owned(),
            outcome: parse_instrument(&path.display().to_string(), &bytes),
        },
        Err(problem) => InstrumentEntry {
            path: path.to_owned(),
            source: String::new(),
            outcome: Err(vec![problem]),
        },
    }
}

/// Reads every file, then flags an id used by more than one file.
pub fn read_all(files: &[PathBuf]) -> Vec<InstrumentEntry> {
    let mut entries: Vec<InstrumentEntry> = files.iter().map(|path| read_file(path)).collect();
    let mut seen = std::collections::HashMap::<String, PathBuf>::new();
    for entry in &mut entries {
        let Ok(instrument) = &entry.outcome else {
            continue;
        };
        if let Some(first) = seen.get(&instrument.id) {
            let message = format!(
                "the id `{}` is already used by {}",
                instrument.id,
                first.display()
            );
            entry.outcome = Err(vec![
                Diagnostic::error(&entry.path.display().to_string(), None, message)
                    .with_help("give each instrument its own id"),
            ]);
        } else {
            seen.insert(instrument.id.clone(), entry.path.clone());
        }
    }
    entries
}

/// The instruments a session can use, by id: the bundled ones and the clinic's own that
/// are valid (the invalid ones are reported by `stillpoint validate` and left out).
#[derive(bevy::prelude::Resource, Debug, Clone, Default)]
pub struct InstrumentSet(pub Arc<BTreeMap<String, Arc<Instrument>>>);

impl InstrumentSet {
    /// Reads every instrument file in `folders`; returns the valid ones and a message for
    /// each file left out.
    pub fn load(folders: &[PathBuf]) -> (Self, Vec<String>) {
        let mut files = Vec::new();
        let mut problems = Vec::new();
        for folder in folders {
            match instrument_files(folder) {
                Ok(found) => files.extend(found),
                Err(error) => problems.push(format!("cannot read {}: {error}", folder.display())),
            }
        }
        let mut set = BTreeMap::new();
        for entry in read_all(&files) {
            match entry.outcome {
                Ok(instrument) => {
                    set.insert(instrument.id.clone(), Arc::new(instrument));
                }
                Err(found) => problems.extend(found.iter().map(|problem| {
                    format!(
                        "questionnaire left out: {}",
                        problem.render(&entry.source, false)
                    )
                })),
            }
        }
        (Self(Arc::new(set)), problems)
    }

    /// The instrument with id `id`.
    pub fn get(&self, id: &str) -> Option<&Arc<Instrument>> {
        self.0.get(id)
    }

    /// The ids, in order.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.0.keys().map(String::as_str)
    }
}

/// A bundled instrument, for tests.
#[cfg(test)]
pub(crate) fn bundled(id: &str) -> Instrument {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("assets/instruments")
        .join(format!("{id}.{EXTENSION}"));
    match read_file(&path).outcome {
        Ok(instrument) => instrument,
        Err(problems) => panic!("{problems:#?}"),
    }
}
