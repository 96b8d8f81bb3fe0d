//! The item-9 safety alert over time: raised again at the next start when left
//! unacknowledged, still shown in plain words when its questionnaire is no longer loaded,
//! kept and marked as revised when the answer is changed to 0 in the headset, and a log
//! that says an alert waits but never what was answered.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "a test stops at the first thing that is wrong"
)]

mod common;

use bevy::prelude::*;
use common::questionnaire::{
    answer_in_the_headset, answer_phq9_in_the_headset, app_alert, desk, instruments, library_app,
    panel_app, press, until, waiting_alerts,
};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use stillpoint::instruments::InstrumentSet;
use stillpoint::panel::intent::PanelIntent;
use stillpoint::session::record::{EventKind, ReadRecord};
use stillpoint::session::{SessionAction, SessionRuntime};

#[test]
fn an_alert_left_unacknowledged_when_stillpoint_closed_is_raised_again_at_the_next_start() {
    use stillpoint::panel::live;
    let data = tempfile::tempdir().unwrap();
    let records = data.path().join("records");
    let start = |records: &Path| library_app(data.path(), records);
    // An alert raised, then Stillpoint closed before the therapist saw it.
    let mut first = start(&records);
    press(
        &mut first,
        desk("P-306", "phq-9", &[0, 0, 0, 0, 0, 0, 0, 0, 3]),
    );
    assert_eq!(waiting_alerts(&first), 1);
    drop(first);
    // Started again: the alert is back, from the record, with the item's words.
    let mut again = start(&records);
    until(&mut again, "the alert raised again", |app| {
        waiting_alerts(app) == 1
    });
    let alert = app_alert(&again);
    assert_eq!(
        (alert.patient.as_str(), alert.item, alert.answer),
        ("P-306", 9, 3)
    );
    assert_eq!(alert.answer_label, "Nearly every day");
    assert!(
        alert.raised_at.contains("earlier session"),
        "{}",
        alert.raised_at
    );
    press(&mut again, PanelIntent::AcknowledgeSafetyAlert);
    assert_eq!(waiting_alerts(&again), 0);
    // Later readings of the records do not raise it again, nor does the next start.
    for _ in 0..50 {
        std::thread::sleep(Duration::from_millis(5));
        again.update();
    }
    assert_eq!(waiting_alerts(&again), 0);
    drop(again);
    let mut third = start(&records);
    until(&mut third, "the library read", |app| {
        !app.world().resource::<live::Library>().items.is_empty()
    });
    for _ in 0..20 {
        third.update();
    }
    assert_eq!(waiting_alerts(&third), 0);
}

#[test]
fn an_alert_whose_questionnaire_is_no_longer_loaded_is_still_shown_in_plain_words() {
    let data = tempfile::tempdir().unwrap();
    let records = data.path().join("records");
    let mut first = library_app(data.path(), &records);
    press(
        &mut first,
        desk("P-307", "phq-9", &[0, 0, 0, 0, 0, 0, 0, 0, 2]),
    );
    assert_eq!(waiting_alerts(&first), 1);
    drop(first);
    // The clinic renamed or removed PHQ-9 before the next start.
    let mut again = library_app(data.path(), &records);
    let mut without = (*instruments().0).clone();
    without.remove("phq-9");
    again.insert_resource(InstrumentSet(Arc::new(without)));
    until(&mut again, "the alert raised again", |app| {
        waiting_alerts(app) == 1
    });
    let alert = app_alert(&again);
    assert_eq!(
        (alert.patient.as_str(), alert.item, alert.answer),
        ("P-307", 9, 2)
    );
    assert!(
        alert.item_text.contains("no longer loaded") && alert.item_text.contains("item 9"),
        "{}",
        alert.item_text
    );
    assert_eq!(alert.answer_label, "answer 2 of the scale");
    assert!(!alert.message.is_empty());
    press(&mut again, PanelIntent::AcknowledgeSafetyAlert);
    assert_eq!(waiting_alerts(&again), 0);
}

#[test]
fn an_item_nine_answer_changed_to_0_in_the_headset_keeps_its_alert_marked_as_revised() {
    let records = tempfile::tempdir().unwrap();
    let mut app = panel_app(records.path());
    answer_phq9_in_the_headset(&mut app, "P-308", &[1, 1, 1, 1, 1, 1, 1, 1, 2]);
    assert_eq!(waiting_alerts(&app), 1);
    assert_eq!(app_alert(&app).revised_to, None);
    // Back on item 9, answered "Not at all".
    app.world_mut().write_message(SessionAction::AnswerBack);
    app.update();
    answer_in_the_headset(&mut app, 0);
    assert_eq!(waiting_alerts(&app), 1, "the alert stays: it was raised");
    let alert = app_alert(&app);
    assert_eq!(alert.answer, 2);
    assert_eq!(alert.revised_to.as_deref(), Some("Not at all (0)"));
    // The record keeps the alert and the answers as given in the end, one key for both.
    app.world_mut().write_message(SessionAction::ConfirmAnswers);
    app.update();
    let record = app
        .world()
        .resource::<SessionRuntime>()
        .record_path()
        .expect("recording")
        .to_owned();
    let read = ReadRecord::read(&record).unwrap();
    let alert_key = read.events.iter().find_map(|event| match &event.kind {
        EventKind::SafetyAlert {
            administration,
            answer: 2,
            ..
        } => administration.clone(),
        _ => None,
    });
    let answers_key = read.events.iter().find_map(|event| match &event.kind {
        EventKind::Questionnaire {
            administration,
            answers,
            ..
        } => {
            assert_eq!(answers[8], 0);
            administration.clone()
        }
        _ => None,
    });
    assert!(alert_key.is_some());
    assert_eq!(alert_key, answers_key);
}

/// What the log receives, kept for a test to read.
#[derive(Clone, Default)]
struct CapturedLog(Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for CapturedLog {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn the_log_says_an_alert_waits_but_never_what_was_answered() {
    use bevy::log::tracing_subscriber::{self, util::SubscriberInitExt};
    let log = CapturedLog::default();
    let writer = log.clone();
    let _logging = tracing_subscriber::fmt()
        .with_max_level(bevy::log::Level::INFO)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish()
        .set_default();
    let records = tempfile::tempdir().unwrap();
    let mut app = panel_app(records.path());
    // Item 9 answered 2 in the headset, sent, then an answer where none is waiting.
    answer_phq9_in_the_headset(&mut app, "P-303", &[1, 1, 1, 1, 1, 1, 1, 1, 2]);
    app.world_mut().write_message(SessionAction::ConfirmAnswers);
    app.update();
    app.world_mut().write_message(SessionAction::Answer(3));
    app.update();
    // And at the desk, item 9 answered 3.
    press(
        &mut app,
        desk("P-304", "phq-9", &[0, 0, 0, 0, 0, 0, 0, 0, 3]),
    );
    assert_eq!(waiting_alerts(&app), 2);
    press(&mut app, PanelIntent::AcknowledgeSafetyAlert);
    press(&mut app, PanelIntent::AcknowledgeSafetyAlert);
    let log = String::from_utf8_lossy(&log.0.lock().unwrap()).into_owned();
    assert_eq!(log.matches("a safety alert waits").count(), 2, "{log}");
    assert!(log.contains("ignored Answer:"), "{log}");
    for clinical in [
        "item 9",
        "better off dead",
        "More than half",
        "Nearly every day",
        "Answer(3)",
        "answers: [",
    ] {
        assert!(
            !log.contains(clinical),
            "the log holds \"{clinical}\": {log}"
        );
    }
}
