//! Stillpoint: calm, therapist-guided VR sessions for ketamine-assisted psychotherapy.
//!
//! The crate is a set of Bevy plugins, one per capability, so that the command line, the
//! desktop/headset app and the tests all build the same pieces.

pub mod artwork;
pub mod audio;
pub mod bench;
pub mod capture;
pub mod catalog;
pub mod cli;
pub mod clock;
pub mod comfort;
pub mod config;
pub mod controls;
pub mod desktop_check;
pub mod easing;
pub mod environment;
pub mod exercises;
pub mod export;
pub mod instruments;
pub mod launch;
pub mod limits;
pub mod linker;
pub mod paint;
pub mod panel;
pub mod patient_code;
pub mod patients;
pub mod pointing;
pub mod posture;
pub mod private;
pub mod probe;
pub mod remote;
pub mod report;
pub mod requests;
pub mod script;
pub mod session;
pub mod simulate;
pub mod viewpoint;
pub mod visuals;
pub mod voice;
pub mod xr;

use bevy::ecs::schedule::SingleThreadedExecutor;
use bevy::prelude::*;

/// The stages of every frame, in order. Each plugin puts its `Update` systems in one.
#[derive(SystemSet, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AppSystems {
    /// Inputs become [`session::SessionAction`] messages: panel, keyboard, headset, simulate.
    Input,
    /// The session runtime applies actions and advances time.
    Runtime,
    /// Presentation reads the runtime: visuals, sound, panel.
    Present,
}

/// The `Last` systems that keep what closing must not lose (the painting under way, record
/// lines waiting for the disk): after the window's exit systems, before the process ends.
#[derive(SystemSet, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeepBeforeExit;

/// The logic of Stillpoint, with no window, GPU or audio device: the frame stages, session
/// scripts as assets, and the session runtime writing records into `records_folder`.
pub struct LogicPlugin {
    /// Where session records are written.
    pub records_folder: std::path::PathBuf,
}

impl Plugin for LogicPlugin {
    fn build(&self, app: &mut App) {
        app.configure_sets(
            Update,
            (AppSystems::Input, AppSystems::Runtime, AppSystems::Present).chain(),
        )
        .configure_sets(Last, KeepBeforeExit.after(bevy::window::ExitSystems))
        .insert_resource(session::RecordsFolder(self.records_folder.clone()))
        .add_plugins(session::plugin);
    }
}

/// Runs the `Update` frame stages on the main thread. Our per-frame systems are small:
/// handing them to the thread pool costs more than they do, and the render thread and the
/// GPU driver want the cores.
pub fn frame_stages_on_one_thread(app: &mut App) {
    app.edit_schedule(Update, |schedule| {
        schedule.set_executor(SingleThreadedExecutor::new());
    });
}
