//! The `stillpoint` command line: the arguments ([`args`]) and one file per command.

mod args;
mod doctor;
mod export;
mod export_audio;
mod list;
mod patient;
mod report;
mod simulate;
mod spoken_prompts;
mod validate;
mod voice;
mod window;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::config::{Paths, Settings};
use crate::script::SessionScript;
use crate::script::library;

pub use args::{Cli, Command, ExportFormat, PatientCommand, WindowArgs};
use doctor::doctor;
use export::export;
use export_audio::export_audio;
use list::list;
use patient::patient;
use report::report;
use simulate::simulate;
use spoken_prompts::spoken_prompts;
use validate::{check_sessions, validate};
pub use voice::VoiceCommand;
use voice::voice;
use window::open_window;

/// Runs the command line; the return value is the process's exit code.
pub fn run(cli: Cli) -> ExitCode {
    if let Some(problem) = cli.misplaced_window_options() {
        eprintln!("error: {problem}");
        return ExitCode::from(2);
    }
    let mut paths = Paths::resolve(cli.assets, cli.config);
    let settings = match load_settings(&paths, cli.data) {
        Ok(settings) => settings,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::FAILURE;
        }
    };
    paths.clinic_sessions = settings.clinic_sessions_folder();
    let command = cli.command.unwrap_or(Command::Run {
        session: None,
        patient: None,
        resume: false,
        window: cli.window,
    });
    let outcome = match command {
        Command::Validate {
            paths: files,
            brief,
        } => Ok(validate(&paths, &settings, &files, brief)),
        Command::List { presets } => Ok(list(&paths, &settings, presets)),
        Command::SpokenPrompts => spoken_prompts(&paths, &settings),
        Command::ExportAudio {
            session,
            out,
            sample_rate,
        } => export_audio(&paths, &settings, &session, &out, sample_rate),
        Command::Run {
            session,
            patient,
            resume,
            window,
        } => open_window(paths, settings, session, patient, resume, window),
        Command::Report {
            patient,
            record,
            out,
            allow_partial,
        } => report(&paths, &settings, patient, record, out, allow_partial),
        Command::Patient { action } => patient(&settings, action),
        Command::Export {
            patient,
            format,
            out,
            allow_partial,
        } => export(&paths, &settings, &patient, &format, &out, allow_partial),
        Command::Doctor => doctor(&paths, &settings),
        Command::Voice { action } => voice(&paths, &settings, action),
        Command::Simulate {
            session,
            actions,
            hz,
            record,
            patient,
            auto_continue,
            resume,
            synthetic_paint,
            artwork_from,
            voice_from,
        } => simulate(
            &paths,
            &settings,
            &session,
            &actions,
            hz,
            record,
            patient,
            auto_continue,
            resume,
            synthetic_paint,
            artwork_from,
            voice_from.as_deref(),
        ),
    };
    outcome.unwrap_or_else(|message| {
        eprintln!("{message}");
        ExitCode::FAILURE
    })
}

/// The clinic's settings, with the data folder given on the command line, if any.
fn load_settings(paths: &Paths, data: Option<PathBuf>) -> Result<Settings, String> {
    let mut settings = Settings::load(&paths.settings).map_err(|problem| problem.headline())?;
    if let Some(data) = data {
        settings.data_folder = Some(data);
    }
    Ok(settings)
}

/// The file of the session with `id`, checked; explains what is wrong when it cannot be used.
pub(super) fn find_session(
    paths: &Paths,
    settings: &Settings,
    id: &str,
) -> Result<(PathBuf, SessionScript), String> {
    let entries = check_sessions(paths, settings, &[])?;
    for entry in entries.iter() {
        if let Ok(checked) = &entry.outcome
            && checked.session.id == id
        {
            return Ok((entry.path.clone(), checked.clone()));
        }
    }
    let broken = entries
        .iter()
        .find(|entry| file_stem(&entry.path) == id && entry.outcome.is_err());
    Err(match broken {
        Some(entry) => format!(
            "the session \"{id}\" has problems; run `stillpoint validate {}` to see them",
            entry.path.display()
        ),
        None => format!(
            "there is no session \"{id}\" in {} or {}; `stillpoint list` shows the sessions found",
            paths.sessions().display(),
            settings.clinic_sessions_folder().display()
        ),
    })
}

pub(super) fn file_stem(path: &Path) -> &str {
    path.file_name()
        .and_then(|name| name.to_str())
        .and_then(|name| name.strip_suffix(&format!(".{}", library::EXTENSION)))
        .unwrap_or_default()
}

/// A size in bytes as people read it: "812 KB", "3.4 MB".
pub(super) fn human_size(bytes: u64) -> String {
    match bytes {
        0..1_000 => format!("{bytes} B"),
        1_000..1_000_000 => format!("{} KB", bytes / 1_000),
        1_000_000..1_000_000_000 => format!("{:.1} MB", bytes as f64 / 1e6),
        _ => format!("{:.1} GB", bytes as f64 / 1e9),
    }
}

/// Lists on standard error what the `what` (a report, an export) leaves out; an error, with
/// nothing written, when something is and `allow_partial` was not given.
fn left_out(problems: &[String], allow_partial: bool, what: &str) -> Result<(), String> {
    if problems.is_empty() {
        return Ok(());
    }
    eprintln!("Left out of the {what}:");
    for problem in problems {
        eprintln!("  {problem}");
    }
    if allow_partial {
        Ok(())
    } else {
        Err(format!(
            "nothing was written: the {what} would be missing what is listed above; give \
             --allow-partial to write it without that"
        ))
    }
}
