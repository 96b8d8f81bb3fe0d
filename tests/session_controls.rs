//! The session runtime under manual time, headless, as the therapist and the headset change
//! its course: pause, calm (and calm from a pause), a lost headset, a posture changed
//! mid-session, the master volume, and a bad patient code that starts nothing.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "a test stops at the first thing that is wrong"
)]

mod common;

use bevy::prelude::*;
use common::session::{Harness, session};
use stillpoint::script::Posture;
use stillpoint::session::record::EventKind;
use stillpoint::session::{SessionAction, SessionState};

#[test]
fn pause_freezes_the_step_but_not_the_record_clock() {
    let mut harness = Harness::new(session(r#"Rest(duration: "60s"), Rest(duration: "60s")"#));
    harness.start();
    harness.run_until(10.0);
    harness.act(SessionAction::Pause);
    let frozen = harness.runtime().step_secs();
    let remaining = harness.runtime().remaining_secs();
    harness.run_until(100.0);
    assert_eq!(harness.runtime().state(), SessionState::Paused);
    assert_eq!(harness.runtime().step_secs(), frozen);
    assert_eq!(harness.runtime().remaining_secs(), remaining);
    assert_eq!(harness.runtime().step_index(), 0);
    harness.act(SessionAction::Resume);
    harness.run_until(149.5);
    assert_eq!(
        harness.runtime().step_index(),
        0,
        "50 s of the first rest are left"
    );
    harness.run_until(150.5);
    assert_eq!(harness.runtime().step_index(), 1);
    let events = harness.events();
    let paused = events
        .iter()
        .find(|event| event.kind == EventKind::Paused)
        .expect("paused");
    let resumed = events
        .iter()
        .find(|event| event.kind == EventKind::Resumed)
        .expect("resumed");
    assert!(
        (resumed.t - paused.t - 90.0).abs() < 0.21,
        "{} {}",
        paused.t,
        resumed.t
    );
}

#[test]
fn calm_suspends_the_step_and_returns_to_it() {
    let mut harness = Harness::new(session(
        r#"Narration(text: "One.", duration: "30s"), Breathing(pattern: Box(side: "4s"), cycles: 4)"#,
    ));
    harness.start();
    harness.run_until(40.0);
    let before = (
        harness.runtime().step_index(),
        harness.runtime().step_secs(),
    );
    harness.act(SessionAction::Calm);
    assert_eq!(harness.runtime().state(), SessionState::Calm);
    harness.run_until(200.0);
    assert_eq!(
        harness.runtime().state(),
        SessionState::Calm,
        "Calm holds until the therapist ends it"
    );
    assert_eq!(
        (
            harness.runtime().step_index(),
            harness.runtime().step_secs()
        ),
        before
    );
    // Pausing and skipping wait while calm; ending calm returns to the same moment.
    harness.act(SessionAction::Pause);
    harness.act(SessionAction::Next);
    assert_eq!(harness.runtime().state(), SessionState::Calm);
    harness.act(SessionAction::EndCalm);
    assert_eq!(harness.runtime().state(), SessionState::Running);
    assert_eq!(harness.runtime().step_index(), before.0);
    assert!((harness.runtime().step_secs() - before.1).abs() < 0.11);
    let kinds = harness.event_kinds();
    assert!(kinds.contains(&EventKind::CalmOn) && kinds.contains(&EventKind::CalmOff));
    assert!(!kinds.contains(&EventKind::Paused));
}

#[test]
fn calm_from_a_pause_returns_to_the_pause() {
    let mut harness = Harness::new(session(r#"Rest(duration: "60s")"#));
    harness.start();
    harness.act(SessionAction::Pause);
    harness.act(SessionAction::Calm);
    harness.act(SessionAction::EndCalm);
    assert_eq!(harness.runtime().state(), SessionState::Paused);
}

#[test]
fn a_lost_headset_pauses_the_session_and_its_return_is_recorded() {
    let mut harness = Harness::new(session(r#"Rest(duration: "60s"), Rest(duration: "60s")"#));
    harness.act(SessionAction::HeadsetLost);
    harness.start();
    harness.run_until(10.0);
    harness.act(SessionAction::HeadsetLost);
    assert_eq!(harness.runtime().state(), SessionState::Paused);
    let frozen = harness.runtime().step_secs();
    harness.run_until(30.0);
    harness.act(SessionAction::HeadsetBack);
    harness.run_until(40.0);
    assert_eq!(
        harness.runtime().state(),
        SessionState::Paused,
        "the session stays paused until the therapist resumes it"
    );
    assert_eq!(harness.runtime().step_secs(), frozen);
    harness.act(SessionAction::Resume);
    harness.act(SessionAction::Calm);
    harness.act(SessionAction::HeadsetLost);
    assert_eq!(harness.runtime().state(), SessionState::Calm);
    harness.act(SessionAction::EndCalm);
    assert_eq!(
        harness.runtime().state(),
        SessionState::Paused,
        "leaving the safe place without the headset returns to a pause"
    );
    let headset_and_pauses: Vec<EventKind> = harness
        .event_kinds()
        .into_iter()
        .filter(|kind| {
            matches!(
                kind,
                EventKind::HeadsetLost
                    | EventKind::HeadsetBack
                    | EventKind::Paused
                    | EventKind::Resumed
                    | EventKind::CalmOn
                    | EventKind::CalmOff
            )
        })
        .collect();
    assert_eq!(
        headset_and_pauses,
        [
            EventKind::HeadsetLost,
            EventKind::Paused,
            EventKind::HeadsetBack,
            EventKind::Resumed,
            EventKind::CalmOn,
            EventKind::HeadsetLost,
            EventKind::Paused,
            EventKind::CalmOff,
        ]
    );
}

#[test]
fn a_posture_changed_mid_session_is_recorded_and_kept_on_resume() {
    let dir = tempfile::tempdir().expect("temp dir");
    let record = dir.path().join("posture.jsonl");
    let steps = r#"Rest(duration: "60s"), Rest(duration: "60s")"#;
    let mut harness = Harness::new(session(steps));
    harness.act(SessionAction::SetPosture(Posture::Lying));
    harness.record = record.clone();
    harness.start();
    assert_eq!(
        harness.runtime().posture(),
        Posture::Seated,
        "a session starts in its script's posture"
    );
    harness.run_until(10.0);
    harness.act(SessionAction::SetPosture(Posture::Reclined));
    harness.act(SessionAction::SetPosture(Posture::Reclined));
    let set: Vec<EventKind> = harness
        .event_kinds()
        .into_iter()
        .filter(|kind| matches!(kind, EventKind::PostureSet { .. }))
        .collect();
    assert_eq!(
        set,
        [EventKind::PostureSet {
            posture: Posture::Reclined
        }],
        "once, when it changed"
    );
    let text = std::fs::read_to_string(&record).expect("record");
    assert!(
        text.contains(r#""event":"posture_set","posture":"Reclined""#),
        "{text}"
    );
    drop(harness);
    let mut resumed = Harness::new(session(steps));
    resumed.act(SessionAction::ResumeRecord {
        path: record.clone(),
    });
    assert_eq!(resumed.runtime().state(), SessionState::Running);
    assert_eq!(resumed.runtime().posture(), Posture::Reclined);
}

#[test]
fn the_master_volume_is_recorded_at_the_level_heard_never_above_the_cap() {
    let mut harness = Harness::new(session(r#"Rest(duration: "20s")"#));
    harness
        .app
        .insert_resource(stillpoint::config::Settings::default());
    harness.start();
    harness.act(SessionAction::SetVolume {
        bus: stillpoint::session::record::Bus::Master,
        level: 1.0,
    });
    let cap = stillpoint::config::Settings::default().audio.master_cap;
    assert!(cap < 1.0);
    let recorded: Vec<f32> = harness
        .event_kinds()
        .into_iter()
        .filter_map(|kind| match kind {
            EventKind::VolumeSet { level, .. } => Some(level),
            _ => None,
        })
        .collect();
    assert_eq!(recorded, [cap]);
    let heard = harness
        .app
        .world()
        .resource::<stillpoint::session::Volumes>()
        .master;
    assert_eq!(heard, cap);
}

#[test]
fn a_bad_patient_code_does_not_start_a_session() {
    let mut harness = Harness::new(session(r#"Rest(duration: "10s")"#));
    harness.act(SessionAction::Start {
        patient: "Jane Doe".into(),
        record: None,
    });
    assert_eq!(harness.runtime().state(), SessionState::Idle);
}
