//! Opening the desktop window on a session: which plugins, which resources, what starts.

use std::path::PathBuf;
use std::process::ExitCode;

use bevy::asset::io::AssetSourceBuilder;
use bevy::prelude::*;
use bevy::window::{PresentMode, WindowResolution};

use crate::LogicPlugin;
use crate::audio::capture::{SoundIn, WavSource};
use crate::bench::{RenderBench, RenderBenchPlugin};
use crate::capture::{Capture, CapturePlugin};
use crate::config::{Paths, Settings};
use crate::panel::voice::VoiceWindow;
use crate::script::ScriptPlugin;
use crate::session::preview::ThrowawayRecord;
use crate::session::{ActiveScript, PendingStart, SessionAction, Volumes};
use crate::xr::XrStatus;

/// What the window opens on.
#[derive(Debug)]
pub struct Launch {
    /// Where files are.
    pub paths: Paths,
    /// Clinic settings.
    pub settings: Settings,
    /// The session file to open, inside the assets folder.
    pub script: PathBuf,
    /// Sent once the script has loaded: start it, or resume a record.
    pub start: Option<SessionAction>,
    /// Save a picture of the window (at a moment of the session), then exit.
    pub capture: Option<Capture>,
    /// Measure rendering for some frames, then exit.
    pub bench: Option<RenderBench>,
    /// Use the headset: `Ok` when the OpenXR loader was found, otherwise why the app runs on
    /// the desktop only.
    pub headset: Result<(), String>,
    /// Show the therapist's panel beside the mirror.
    pub panel: bool,
    /// Close the app once the session clock passes this many seconds (or the session ends).
    pub quit_after: Option<f64>,
    /// Actions applied when the running session's clock reaches their times.
    pub actions: Vec<(f64, SessionAction)>,
    /// Degrees the desktop view looks up, as a reclined patient's head would.
    pub head_pitch: Option<f32>,
    /// Report what the app found, then close (`stillpoint doctor`).
    pub probe: bool,
    /// An earlier painting for paint steps to continue (artwork file or record).
    pub artwork_from: Option<PathBuf>,
    /// Record from this WAV file instead of the microphone.
    pub microphone_from: Option<PathBuf>,
    /// Open the Voice window on the session at start.
    pub voice_window: bool,
    /// Open the Patients window at start.
    pub patients_window: bool,
    /// Start in practice mode.
    pub practice: bool,
}

/// Builds the desktop app for `launch`.
pub fn desktop_app(launch: Launch) -> App {
    let mut app = App::new();
    let window = WindowPlugin {
        primary_window: Some(Window {
            title: "Stillpoint".to_owned(),
            resolution: WindowResolution::new(1280, 720),
            present_mode: PresentMode::AutoVsync,
            ..default()
        }),
        // With a headset, closing ends the XR session first.
        close_when_requested: launch.headset.is_err(),
        ..default()
    };
    let instruments = load_instruments(&launch.paths);
    let defaults = DefaultPlugins.set(AssetPlugin {
        file_path: launch.paths.assets.display().to_string(),
        ..default()
    });
    // The clinic's sessions folder is made if it is not there yet, so that a session saved
    // into it while Stillpoint runs can be opened at once. Its asset source is registered
    // before the asset plugin, which reads its sources once.
    let clinic = &launch.paths.clinic_sessions;
    if let Err(error) = crate::private::create_dir(clinic) {
        warn!(
            "cannot make the clinic's sessions folder {}: {error}",
            clinic.display()
        );
    }
    if clinic.is_dir() {
        app.register_asset_source(
            crate::config::CLINIC_SOURCE,
            AssetSourceBuilder::platform_default(&clinic.display().to_string(), None),
        );
    }
    app.add_plugins((
        crate::requests::plugin,
        crate::requests::end_once_the_window_has_closed,
    ));
    match &launch.headset {
        Ok(()) => {
            app.add_plugins(crate::xr::configure(
                bevy_mod_openxr::add_xr_plugins(defaults).set(window),
            ))
            .init_resource::<XrStatus>()
            .add_plugins(crate::xr::plugin);
        }
        Err(reason) => {
            app.add_plugins(defaults.set(window))
                .insert_resource(XrStatus::desktop_only(reason.clone()))
                .add_plugins(crate::requests::quit_on_the_desktop);
        }
    }
    app.add_plugins((
        LogicPlugin {
            records_folder: launch.settings.records_folder(),
        },
        ScriptPlugin {
            context: launch
                .settings
                .validation_context(&launch.paths, &instruments),
        },
        crate::session::selection::plugin,
        crate::viewpoint::plugin,
        crate::posture::plugin,
        crate::environment::plugin,
        crate::visuals::plugin,
        crate::pointing::plugin,
        crate::controls::plugin,
        crate::audio::plugin,
        crate::audio::voice_note::plugin,
        crate::panel::plugin(launch.panel),
        crate::paint::plugin,
        crate::remote::plugin,
    ))
    .insert_resource(Volumes::starting(&launch.settings.audio))
    .insert_resource(crate::comfort::dimming(launch.settings.brightness_ceiling))
    .insert_resource(instruments)
    .insert_resource(launch.settings.clone())
    .insert_resource(launch.paths.clone());
    if let Some(pitch) = launch.head_pitch {
        app.insert_resource(crate::viewpoint::HeadPitch(pitch));
    }
    if let Some(file) = &launch.microphone_from {
        app.insert_resource(match WavSource::open(file) {
            Ok(source) => SoundIn::from_source(source),
            Err(error) => SoundIn::none(format!(
                "The sound file {} cannot be read ({error}), so voice recording and voice \
                 notes are off.",
                file.display()
            )),
        });
    }
    app.add_plugins(crate::audio::capture::plugin);
    if launch.voice_window {
        app.insert_resource(VoiceWindow::on(launch.script.clone()));
    }
    if launch.patients_window {
        app.world_mut()
            .write_message(crate::panel::intent::PanelIntent::Patients);
    }
    if launch.practice {
        app.world_mut()
            .write_message(crate::panel::intent::PanelIntent::Practice(true));
    }
    if let Some(from) = launch.artwork_from {
        app.insert_resource(crate::session::painting::ArtworkToReopen(from));
    }
    let relative = launch.paths.asset_path(&launch.script);
    let handle = app.world().resource::<AssetServer>().load(relative);
    app.insert_resource(ActiveScript(handle));
    let mut start = launch.start;
    let shows_a_moment = launch
        .capture
        .as_ref()
        .is_some_and(|capture| capture.at.is_some());
    if (shows_a_moment || launch.bench.is_some()) && start.is_none() {
        // A picture of a moment, or a benchmark: run the session for a preview patient
        // whose record is thrown away with this folder.
        match ThrowawayRecord::new("preview.jsonl") {
            Ok(record) => {
                start = Some(record.preview_start());
                app.insert_resource(record);
            }
            Err(error) => warn!("no folder for the preview's record: {error}"),
        }
    }
    if let Some(capture) = launch.capture {
        app.add_plugins(CapturePlugin(capture));
    }
    if let Some(bench) = launch.bench {
        app.add_plugins(RenderBenchPlugin(bench));
    }
    if let Some(secs) = launch.quit_after {
        app.add_plugins(crate::requests::quit_after(secs));
    }
    if !launch.actions.is_empty() {
        app.add_plugins(crate::simulate::scripted_actions_plugin)
            .insert_resource(crate::simulate::ScriptedActions::new(launch.actions));
    }
    if launch.probe {
        app.add_plugins(crate::probe::plugin);
    }
    app.insert_resource(PendingStart(start));
    crate::frame_stages_on_one_thread(&mut app);
    app
}

/// Runs the desktop app until the window closes.
pub fn run_window(launch: Launch) -> ExitCode {
    exit_code(desktop_app(launch).run())
}

/// The process exit code for how an app ended.
pub fn exit_code(exit: AppExit) -> ExitCode {
    match exit {
        AppExit::Success => ExitCode::SUCCESS,
        AppExit::Error(code) => ExitCode::from(code.get()),
    }
}

/// The valid questionnaires; a file left out is logged (`stillpoint validate` names why).
fn load_instruments(paths: &Paths) -> crate::instruments::InstrumentSet {
    let (instruments, problems) =
        crate::instruments::InstrumentSet::load(&paths.instrument_folders());
    for problem in problems {
        warn!("{problem}");
    }
    instruments
}
