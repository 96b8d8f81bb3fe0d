//! `stillpoint simulate`: a session run headless on simulated time, its record printed.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::find_session;
use crate::config::{Paths, Settings};
use crate::patient_code;
use crate::session::preview::ThrowawayRecord;

#[expect(
    clippy::too_many_arguments,
    reason = "one argument per command-line option"
)]
pub(super) fn simulate(
    paths: &Paths,
    settings: &Settings,
    id: &str,
    actions: &[String],
    hz: f64,
    record: Option<PathBuf>,
    patient: String,
    auto_continue: f64,
    resume: bool,
    synthetic_paint: usize,
    artwork_from: Option<PathBuf>,
    voice_from: Option<&Path>,
) -> Result<ExitCode, String> {
    patient_code::check(&patient)?;
    check_artwork_from(artwork_from.as_deref())?;
    let voice = voice_from
        .map(|path| {
            crate::voice::wav::read_mono(path).map_err(|error| {
                format!(
                    "--voice-from {}: cannot read it as a WAV file: {error}",
                    path.display()
                )
            })
        })
        .transpose()?;
    let actions = actions
        .iter()
        .map(|action| crate::simulate::parse_timed_action(action))
        .collect::<Result<Vec<_>, _>>()?;
    if !(auto_continue.is_finite() && auto_continue >= 0.0) {
        return Err(format!(
            "--auto-continue {auto_continue} must be zero or more seconds"
        ));
    }
    let (_, checked) = find_session(paths, settings, id)?;
    let throwaway = ThrowawayRecord::new("simulation.jsonl")?;
    let record = record.unwrap_or_else(|| throwaway.path().to_owned());
    let simulation = crate::simulate::Simulation {
        script: checked,
        patient,
        actions,
        hz,
        record: record.clone(),
        resume,
        auto_continue_secs: auto_continue,
        synthetic_paint,
        artwork_from,
        instruments: load_instruments(paths),
        voice,
    };
    let outcome = crate::simulate::run(&simulation);
    // The record is printed even when the simulation could not finish: it shows why.
    if let Ok(text) = std::fs::read_to_string(&record) {
        let _ = std::io::stdout().lock().write_all(text.as_bytes());
    }
    let outcome = outcome?;
    eprintln!(
        "frames={} frame_us_p50={:.2} frame_us_p99={:.2}",
        outcome.frames, outcome.frame_us_p50, outcome.frame_us_p99
    );
    Ok(ExitCode::SUCCESS)
}

/// Refuses an `--artwork-from` that names no file.
pub(super) fn check_artwork_from(path: Option<&Path>) -> Result<(), String> {
    match path {
        Some(path) if !path.is_file() => Err(format!(
            "--artwork-from {}: no such file; give a session record (.jsonl) or an artwork file (.artwork.json)",
            path.display()
        )),
        _ => Ok(()),
    }
}

/// The valid questionnaires of `paths`; a file left out is said on standard error.
pub(super) fn load_instruments(paths: &Paths) -> crate::instruments::InstrumentSet {
    let (instruments, problems) =
        crate::instruments::InstrumentSet::load(&paths.instrument_folders());
    for problem in problems {
        eprintln!("{problem}");
    }
    instruments
}
