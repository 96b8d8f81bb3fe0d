//! The safety path on a failing disk: a safety alert shows whatever becomes of the write,
//! and what could not be written waits in memory, is named in the panel, and reaches the
//! disk whole and once when it can. A data folder on a full disk, a read-only one, and one
//! removed while a session runs.
//!
//! The first two mount small file systems, which needs root: they are marked `ignore` so
//! that `cargo test` as a user passes over them visibly, and `tools/test.sh` runs them as
//! root (in CI), where they fail if they cannot mount.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "a test stops at the first thing that is wrong"
)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use bevy::prelude::*;
use common::Mounted;
use common::questionnaire::panel_app;
use stillpoint::session::questionnaire::{DeskOutcome, DeskQuestionnaireRecorded, SafetyAlerts};
use stillpoint::session::record::ReadRecord;
use stillpoint::session::unsaved::{RETRY_EVERY, UnsavedRecords};
use stillpoint::session::{SessionAction, SessionRuntime};

fn send(app: &mut App, action: SessionAction) {
    app.world_mut().write_message(action);
    app.update();
}

/// PHQ-9 at the desk for `patient`, item 9 answered 2.
fn desk_phq9(patient: &str) -> SessionAction {
    SessionAction::DeskQuestionnaire {
        patient: patient.into(),
        instrument: "phq-9".into(),
        answers: vec![1, 0, 0, 0, 0, 0, 0, 0, 2],
        secs: 60.0,
    }
}

fn last_outcome(app: &App) -> DeskOutcome {
    let messages = app
        .world()
        .resource::<Messages<DeskQuestionnaireRecorded>>();
    messages
        .get_cursor()
        .read(messages)
        .last()
        .map(|DeskQuestionnaireRecorded(outcome)| outcome.clone())
        .expect("an outcome")
}

fn waiting_alerts(app: &App) -> usize {
    app.world().resource::<SafetyAlerts>().0.len()
}

fn unsaved(app: &App) -> Vec<stillpoint::session::unsaved::Unsaved> {
    app.world().resource::<UnsavedRecords>().unsaved()
}

/// Lets the retry timer run (real time) until nothing waits, or fails after 10 s.
fn until_saved(app: &mut App) {
    let started = std::time::Instant::now();
    while !unsaved(app).is_empty() {
        assert!(
            started.elapsed() < RETRY_EVERY * 5,
            "still not saved: {:?}",
            unsaved(app)
        );
        std::thread::sleep(Duration::from_millis(50));
        app.update();
    }
}

/// The record files of `patient` under `records`.
fn records_of(records: &Path, patient: &str) -> Vec<PathBuf> {
    std::fs::read_dir(records.join(patient))
        .map(|entries| entries.flatten().map(|entry| entry.path()).collect())
        .unwrap_or_default()
}

fn event_names(record: &Path) -> Vec<String> {
    let read = ReadRecord::read(record).expect("reads");
    assert!(read.damaged_lines.is_empty(), "{:?}", read.damaged_lines);
    read.events
        .iter()
        .map(|event| {
            serde_json::to_value(event).unwrap()["event"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect()
}

/// Fills the file system holding `folder` to the last byte; the filler's path.
fn fill(folder: &Path) -> PathBuf {
    let filler = folder.join("filler");
    let mut file = std::fs::File::create(&filler).expect("a filler file");
    let chunk = vec![0u8; 4096];
    while std::io::Write::write_all(&mut file, &chunk).is_ok() {}
    while std::io::Write::write_all(&mut file, &[0]).is_ok() {}
    filler
}

#[test]
#[ignore = "mounts a small tmpfs, which needs root: tools/test.sh runs it as root"]
fn on_a_full_disk_the_desk_alert_shows_and_the_session_end_waits_until_there_is_room() {
    let dir = tempfile::tempdir().expect("temp dir");
    let records = dir.path().join("records");
    let _mounted = Mounted::tmpfs(&records, "1m", "");
    let mut app = panel_app(&records);
    // A session under way for one patient, whose record has its first lines.
    send(
        &mut app,
        SessionAction::Start {
            patient: "P-401".into(),
            record: None,
        },
    );
    let session_record = app
        .world()
        .resource::<SessionRuntime>()
        .record_path()
        .expect("recording")
        .to_owned();
    let filler = fill(&records);

    // A desk PHQ-9 for another patient: the alert shows; the answers are kept, never
    // called recorded.
    send(&mut app, desk_phq9("P-402"));
    assert_eq!(waiting_alerts(&app), 1, "the alert shows on a full disk");
    match last_outcome(&app) {
        DeskOutcome::Waiting { problem, .. } => {
            assert!(problem.contains("No space left"), "{problem}")
        }
        other => panic!("kept in memory, said {other:?}"),
    }
    send(&mut app, SessionAction::AcknowledgeSafetyAlert);
    // The record's last page may still have room for a few lines: pause and resume until a
    // line does not fit.
    let mut pauses = 0;
    while app
        .world()
        .resource::<SessionRuntime>()
        .record_problem()
        .is_none()
    {
        assert!(pauses < 1000, "the record fills up");
        send(&mut app, SessionAction::Pause);
        send(&mut app, SessionAction::Resume);
        pauses += 1;
    }
    // The session ends while the disk is full: its last lines wait, the panel says where.
    send(&mut app, SessionAction::End);
    app.update();
    let waiting = unsaved(&app);
    let places: Vec<&Path> = waiting.iter().map(|record| record.path.as_path()).collect();
    assert!(places.contains(&session_record.as_path()), "{waiting:?}");
    assert_eq!(
        waiting.len(),
        2,
        "the desk record and the session: {waiting:?}"
    );
    assert!(waiting.iter().all(|record| record.lines > 0));
    for _ in 0..5 {
        std::thread::sleep(RETRY_EVERY / 4);
        app.update();
    }
    assert_eq!(
        unsaved(&app).len(),
        2,
        "still waiting while the disk is full"
    );

    // Room again: everything is written by the timer, whole and once.
    std::fs::remove_file(&filler).expect("frees the space");
    until_saved(&mut app);
    let desk = records_of(&records, "P-402");
    assert_eq!(desk.len(), 1, "{desk:?}");
    assert_eq!(
        event_names(&desk[0]),
        ["questionnaire", "safety_alert", "safety_acknowledged"]
    );
    let session = event_names(&session_record);
    assert_eq!(session.first().map(String::as_str), Some("session_started"));
    assert_eq!(session.last().map(String::as_str), Some("session_ended"));
    assert_eq!(
        session
            .iter()
            .filter(|name| *name == "session_ended")
            .count(),
        1
    );
    assert_eq!(
        session
            .iter()
            .filter(|name| *name == "step_entered")
            .count(),
        1
    );
}

#[test]
#[ignore = "mounts a read-only tmpfs, which needs root: tools/test.sh runs it as root"]
fn in_a_read_only_folder_the_desk_alert_shows_and_the_answers_are_saved_once_it_is_writable() {
    let dir = tempfile::tempdir().expect("temp dir");
    let records = dir.path().join("records");
    let _mounted = Mounted::tmpfs(&records, "1m", ",ro");
    let mut app = panel_app(&records);
    send(&mut app, desk_phq9("P-403"));
    assert_eq!(waiting_alerts(&app), 1, "the alert shows");
    let place = match last_outcome(&app) {
        DeskOutcome::Waiting { place, problem } => {
            assert!(problem.contains("Read-only"), "{problem}");
            place
        }
        other => panic!("kept in memory, said {other:?}"),
    };
    let waiting = unsaved(&app);
    assert_eq!(waiting.len(), 1);
    assert!(place.contains(&waiting[0].path.display().to_string()));
    assert_eq!(waiting[0].lines, 2, "the answers and the alert, together");

    let status = Command::new("mount")
        .args(["-o", "remount,rw"])
        .arg(&records)
        .status()
        .expect("mount runs");
    assert!(status.success());
    until_saved(&mut app);
    let desk = records_of(&records, "P-403");
    assert_eq!(desk.len(), 1, "{desk:?}");
    assert_eq!(event_names(&desk[0]), ["questionnaire", "safety_alert"]);
}

#[test]
fn a_records_folder_removed_during_a_session_gets_the_whole_record_back() {
    let dir = tempfile::tempdir().expect("temp dir");
    let records = dir.path().join("records");
    let mut app = panel_app(&records);
    send(
        &mut app,
        SessionAction::Start {
            patient: "P-404".into(),
            record: None,
        },
    );
    send(&mut app, SessionAction::Pause);
    let record = app
        .world()
        .resource::<SessionRuntime>()
        .record_path()
        .expect("recording")
        .to_owned();
    std::fs::remove_dir_all(&records).expect("removed");
    // A desk PHQ-9 for the same patient goes into the session's record.
    send(&mut app, desk_phq9("P-404"));
    assert_eq!(waiting_alerts(&app), 1);
    assert!(matches!(last_outcome(&app), DeskOutcome::Recorded(_)));
    send(&mut app, SessionAction::AcknowledgeSafetyAlert);
    send(&mut app, SessionAction::End);
    assert!(unsaved(&app).is_empty());
    assert_eq!(
        event_names(&record),
        [
            "session_started",
            "step_entered",
            "paused",
            "safety_alert",
            "questionnaire",
            "safety_acknowledged",
            "step_finished",
            "session_ended"
        ]
    );
}
