//! `stillpoint run` (and no command at all): the desktop window, with the headset when one
//! is there.

use std::path::Path;
use std::process::ExitCode;

use super::args::WindowArgs;
use super::find_session;
use crate::config::{Paths, Settings};
use crate::launch::{self, Launch};
use crate::patient_code;
use crate::session::SessionAction;
use crate::session::resume::unfinished_records;

pub(super) fn open_window(
    paths: Paths,
    settings: Settings,
    session: Option<String>,
    patient: Option<String>,
    resume: bool,
    window: WindowArgs,
) -> Result<ExitCode, String> {
    if let Some(code) = &patient {
        // The practice code is taken only in practice mode, as in the panel.
        if window.practice {
            patient_code::check_or_practice(code)?;
        } else {
            patient_code::check(code)?;
        }
    }
    window.check_moment()?;
    if let Some(file) = &window.microphone_from {
        crate::voice::wav::read_mono(file).map_err(|error| {
            format!("{}: not a WAV file to record from: {error}", file.display())
        })?;
    }
    let capture = window.capture()?;
    let bench = window.bench();
    // In a picture or a benchmark, actions lead to the moment shown; otherwise they are
    // applied live.
    let actions = if capture.is_none() && bench.is_none() {
        window.timed_actions()?
    } else {
        Vec::new()
    };
    crate::desktop_check::check_window_prerequisites()?;
    if let Some(bench) = bench.filter(|_| window.bare) {
        return Ok(launch::exit_code(crate::bench::bare_app(bench).run()));
    }
    // First, as it may start this program again (with the OpenXR loader linked): nothing is
    // said before it, so nothing is said twice.
    let headset = if window.desktop {
        Err("started with --desktop".to_owned())
    } else if capture.is_some() || bench.is_some() {
        Err("pictures and benchmarks are taken on the desktop".to_owned())
    } else {
        find_headset_loader()
    };
    let records = settings.records_folder();
    let (id, start) = if resume {
        let found = unfinished_records(&records, patient.as_deref())
            .into_iter()
            .find(|record| session.as_ref().is_none_or(|id| *id == record.script))
            .ok_or_else(|| {
                format!(
                    "there is no unfinished session record to resume in {}",
                    records.display()
                )
            })?;
        let start = SessionAction::ResumeRecord { path: found.path };
        (found.script, Some(start))
    } else {
        let id = session.unwrap_or_else(|| settings.default_session.clone());
        let start = patient.map(|patient| SessionAction::Start {
            patient,
            record: None,
        });
        if start.is_none() {
            announce_unfinished(&records);
        }
        (id, start)
    };
    let (script, _) = find_session(&paths, &settings, &id)?;
    let panel = if capture.is_some() {
        window.with_panel
    } else {
        !window.no_panel
    };
    Ok(launch::run_window(Launch {
        paths,
        settings,
        script,
        start,
        capture,
        bench,
        headset,
        panel,
        quit_after: window.quit_after,
        actions,
        head_pitch: window.head_pitch,
        probe: window.probe,
        artwork_from: window.artwork_from,
        microphone_from: window.microphone_from,
        voice_window: window.voice,
        patients_window: window.patients_window,
        practice: window.practice,
    }))
}

/// Whether the OpenXR loader can be opened (restarting this program with a link to the
/// versioned loader when only that is installed); the reason for desktop only if not.
pub(super) fn find_headset_loader() -> Result<(), String> {
    use crate::xr::loader::{self, Loader};
    match loader::prepare(&loader::link_folder()) {
        Ok(Loader::Ready) => Ok(()),
        Ok(Loader::Missing) => {
            eprintln!("{}", loader::MISSING_MESSAGE);
            Err(loader::MISSING_MESSAGE.to_owned())
        }
        Ok(Loader::VersionedOnly(path)) => Err(format!(
            "the OpenXR loader {} could not be linked for use",
            path.display()
        )),
        Err(problem) => {
            eprintln!("{problem}; running on the desktop only");
            Err(problem)
        }
    }
}

/// Tells the therapist, once at start, about sessions that were interrupted.
pub(super) fn announce_unfinished(records: &Path) {
    if let Some(record) = unfinished_records(records, None).first() {
        eprintln!(
            "An unfinished session was found: \"{}\" for {} (started {}, stopped in step {}). \
             Continue it with `stillpoint run --resume --patient {}`, or close it in the \
             panel with \"Close without resuming\".",
            record.script,
            record.patient,
            record.started_at,
            record.step + 1,
            record.patient
        );
    }
}
