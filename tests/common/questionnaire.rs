//! The questionnaire tests' headless app: the runtime and the panel's requests on the
//! outcome-measures session, with the bundled instruments, and what they record and raise.

use super::project_path;
use bevy::prelude::*;
use bevy::time::TimeUpdateStrategy;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use stillpoint::LogicPlugin;
use stillpoint::instruments::InstrumentSet;
use stillpoint::panel::intent::{self, PanelIntent};
use stillpoint::script::SessionScript;
use stillpoint::script::library::check_file;
use stillpoint::script::validate::Context;
use stillpoint::session::questionnaire::SafetyAlerts;
use stillpoint::session::{ReadyScript, SessionAction};

pub fn events(text: &str) -> Vec<Value> {
    text.lines()
        .filter(|line| line.starts_with('{'))
        .map(|line| serde_json::from_str(line).expect("a record line is JSON"))
        .collect()
}

pub fn instruments() -> InstrumentSet {
    let (set, problems) = InstrumentSet::load(&[project_path("assets/instruments")]);
    assert!(problems.is_empty(), "{problems:?}");
    set
}

/// The panel's headless app: the runtime, the panel's requests, the bundled instruments.
pub fn panel_app(records: &Path) -> App {
    let path = project_path("assets/sessions/outcome-measures.session.ron");
    let session = check_file(&path, &Context::default())
        .outcome
        .expect("bundled session is valid")
        .session;
    let mut app = App::new();
    app.add_plugins((
        MinimalPlugins,
        LogicPlugin {
            records_folder: records.to_path_buf(),
        },
        intent::plugin,
    ))
    .insert_resource(TimeUpdateStrategy::ManualDuration(Duration::from_millis(
        100,
    )))
    .insert_resource(instruments())
    .insert_resource(ReadyScript(Some(Arc::new(SessionScript {
        session,
        sha256: "0".repeat(64),
        warnings: Vec::new(),
    }))));
    stillpoint::simulate::single_threaded(&mut app);
    app.update();
    app
}

pub fn press(app: &mut App, intent: PanelIntent) {
    app.world_mut().write_message(intent);
    app.update();
    app.update();
}

pub fn desk(patient: &str, instrument: &str, answers: &[u32]) -> PanelIntent {
    PanelIntent::DeskQuestionnaire {
        patient: patient.into(),
        instrument: instrument.into(),
        answers: answers.to_vec(),
        secs: 95.0,
    }
}

/// The patient's record files, in name order.
pub fn records_of(folder: &Path, patient: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(folder.join(patient))
        .map(|entries| entries.map(|entry| entry.unwrap().path()).collect())
        .unwrap_or_default();
    files.sort();
    files
}

pub fn waiting_alerts(app: &App) -> usize {
    app.world().resource::<SafetyAlerts>().0.len()
}

/// Waits (frames of the real task pool) until `done` holds.
pub fn until(app: &mut App, what: &str, done: impl Fn(&App) -> bool) {
    let mut frames = 0;
    while !done(app) {
        assert!(frames < 2_000, "{what} never happened");
        std::thread::sleep(Duration::from_millis(5));
        app.update();
        frames += 1;
    }
}

/// The panel's headless app with its live library (which reads the records) on `data`.
pub fn library_app(data: &Path, records: &Path) -> App {
    use stillpoint::config::{Paths, Settings};
    let mut app = panel_app(records);
    app.insert_resource(Settings {
        data_folder: Some(data.to_path_buf()),
        ..Settings::default()
    })
    .insert_resource(Paths {
        assets: project_path("assets"),
        settings: data.join("settings.ron"),
        clinic_sessions: data.join("sessions"),
    })
    .add_plugins(stillpoint::panel::live::plugin);
    app.update();
    app
}

/// Starts the outcome-measures session for `patient` and answers PHQ-9's items in the
/// headset with `answers`, each after the last one's acknowledgement.
pub fn answer_phq9_in_the_headset(app: &mut App, patient: &str, answers: &[u32]) {
    app.world_mut().write_message(SessionAction::Start {
        patient: patient.into(),
        record: None,
    });
    // Past the narration, to PHQ-9's first item.
    for _ in 0..140 {
        app.update();
    }
    for &value in answers {
        answer_in_the_headset(app, value);
    }
}

pub fn answer_in_the_headset(app: &mut App, value: u32) {
    app.world_mut().write_message(SessionAction::Answer(value));
    for _ in 0..20 {
        app.update();
    }
}

pub fn app_alert(app: &App) -> stillpoint::session::questionnaire::PendingAlert {
    app.world().resource::<SafetyAlerts>().0[0].clone()
}
