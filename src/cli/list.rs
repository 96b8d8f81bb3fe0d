//! `stillpoint list`: the sessions (and with `--presets`, the scenes and soundscapes).

use std::io::Write;
use std::process::ExitCode;

use super::validate::check_sessions;
use crate::catalog;
use crate::config::{Paths, Settings};
use crate::script::duration::format_length;
use crate::script::library::Entry;

pub(super) fn list(paths: &Paths, settings: &Settings, presets: bool) -> ExitCode {
    let entries = match check_sessions(paths, settings, &[]) {
        Ok(entries) => entries,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::FAILURE;
        }
    };
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(session_table(&entries).as_bytes());
    for entry in entries.iter().filter(|entry| entry.outcome.is_err()) {
        eprintln!(
            "{}: not listed, it has problems (run `stillpoint validate` to see them)",
            entry.path.display()
        );
    }
    if presets {
        for (heading, presets) in [
            ("Environments", catalog::ENVIRONMENTS),
            ("Soundscapes", catalog::SOUNDSCAPES),
        ] {
            let _ = writeln!(out, "\n{heading}:");
            for preset in presets {
                let _ = writeln!(out, "  {:<18} {}", preset.id, preset.summary);
            }
        }
    }
    ExitCode::SUCCESS
}

/// The table `stillpoint list` prints: one line per valid session, in file order.
pub fn session_table(entries: &[Entry]) -> String {
    let rows: Vec<[String; 4]> = entries
        .iter()
        .filter_map(|entry| entry.outcome.as_ref().ok())
        .map(|checked| {
            let session = &checked.session;
            [
                session.id.clone(),
                session.title.clone(),
                session.phase.label().to_owned(),
                format_length(session.expected_secs()),
            ]
        })
        .collect();
    let header = ["ID", "TITLE", "PHASE", "LENGTH"].map(str::to_owned);
    let widths: Vec<usize> = (0..4)
        .map(|column| {
            std::iter::once(&header)
                .chain(&rows)
                .map(|row| row[column].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut table = String::new();
    for row in std::iter::once(&header).chain(&rows) {
        let line = format!(
            "{:<w0$}  {:<w1$}  {:<w2$}  {}",
            row[0],
            row[1],
            row[2],
            row[3],
            w0 = widths[0],
            w1 = widths[1],
            w2 = widths[2]
        );
        table.push_str(line.trim_end());
        table.push('\n');
    }
    table
}
