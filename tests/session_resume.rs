//! Kill-safety and resume: a killed simulation leaves a readable record, an unfinished
//! record resumes at the step where it stopped or, closed without resuming, ends as
//! abandoned, and resuming while a session runs is ignored.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "a test stops at the first thing that is wrong"
)]

mod common;

use bevy::prelude::*;
use common::session::{Harness, entered_steps, session};
use std::path::Path;
use std::time::Duration;
use stillpoint::script::Session;
use stillpoint::session::record::{EndReason, EventKind, ReadRecord};
use stillpoint::session::{ReadyScript, SessionAction, SessionState};

fn assert_every_complete_line_is_json(path: &Path) -> usize {
    let bytes = std::fs::read(path).expect("record");
    let text = String::from_utf8_lossy(&bytes);
    let complete = text.matches('\n').count();
    for line in text
        .split_inclusive('\n')
        .filter(|line| line.ends_with('\n'))
    {
        serde_json::from_str::<serde_json::Value>(line).expect("a complete line is JSON");
    }
    complete
}

#[test]
fn a_killed_simulation_leaves_a_readable_record() {
    let dir = tempfile::tempdir().expect("temp dir");
    let record = dir.path().join("killed.jsonl");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_stillpoint"))
        .current_dir(common::root())
        .args([
            "simulate",
            "--session",
            "rest-during-dosing",
            "--hz",
            "10000",
        ])
        .args([
            "--action",
            "1=pause",
            "--action",
            "2=resume",
            "--action",
            "3=calm",
            "--action",
            "4=calm-end",
        ])
        .arg("--record")
        .arg(&record)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("simulate starts");
    // Kill it as soon as it has written something, mid-run.
    let started = std::time::Instant::now();
    let lines_written =
        || std::fs::read(&record).map_or(0, |bytes| bytes.iter().filter(|&&b| b == b'\n').count());
    while lines_written() < 3 && started.elapsed().as_secs() < 30 {
        std::thread::sleep(Duration::from_millis(1));
    }
    let still_running = child.try_wait().expect("its status").is_none();
    child.kill().expect("kill");
    let _ = child.wait();
    assert!(
        still_running,
        "the simulation was killed mid-run, not after it had finished"
    );
    let lines = assert_every_complete_line_is_json(&record);
    assert!(lines >= 3, "events were written before the kill: {lines}");
    let read = ReadRecord::read(&record).expect("readable");
    assert!(read.start().is_some());
    assert!(!read.is_finished(), "the record has no end: it was cut");
    let unfinished = stillpoint::session::resume::unfinished_in(&record)
        .expect("the killed session is offered to resume");
    assert_eq!(unfinished.path, record);
}

#[test]
fn an_unfinished_record_resumes_at_the_step_where_it_stopped() {
    let mut harness = Harness::new(session(
        r#"Rest(duration: "20s"), Rest(duration: "20s"), Rest(duration: "20s"), Closing(text: "Bye.", duration: "10s")"#,
    ));
    harness.start();
    harness.run_until(30.0);
    assert_eq!(harness.runtime().step_index(), 1);
    let record = harness.record.clone();
    let prepared = harness.app.world().resource::<ReadyScript>().clone();
    // The app dies: cut the record mid-line as a kill during a write would.
    drop(harness.app);
    let mut bytes = std::fs::read(&record).expect("record");
    bytes.extend_from_slice(br#"{"t":30.0,"event":"pa"#);
    std::fs::write(&record, bytes).expect("write");

    let unfinished = stillpoint::session::resume::unfinished_records(
        record
            .parent()
            .and_then(Path::parent)
            .expect("records folder"),
        Some("P-001"),
    );
    assert_eq!(unfinished.len(), 1);
    assert_eq!(
        (unfinished[0].script.as_str(), unfinished[0].step),
        ("test", 1)
    );

    let mut resumed = Harness::new(Session::clone(
        &prepared.0.as_ref().expect("script").session,
    ));
    resumed.act(SessionAction::ResumeRecord {
        path: record.clone(),
    });
    assert_eq!(resumed.runtime().state(), SessionState::Running);
    assert_eq!(resumed.runtime().step_index(), 1);
    assert_eq!(resumed.runtime().patient(), "P-001");
    resumed.record = record.clone();
    resumed.run_to_end();
    let read = ReadRecord::read(&record).expect("record");
    assert_eq!(
        read.damaged_lines.len(),
        1,
        "the cut line stays one unreadable line"
    );
    assert!(read.is_finished());
    let kinds: Vec<EventKind> = read.events.iter().map(|event| event.kind.clone()).collect();
    assert_eq!(entered_steps(&kinds), [0, 1, 1, 2, 3]);
    assert!(kinds.iter().any(|kind| matches!(
        kind,
        EventKind::SessionResumed {
            step: 1,
            same_script: true,
            ..
        }
    )));
    let times: Vec<f64> = read.events.iter().map(|event| event.t).collect();
    assert!(times.windows(2).all(|pair| pair[0] <= pair[1]), "{times:?}");
}

/// Two rests and a closing: 50 s in all.
const REST_REST_CLOSING: &str =
    r#"Rest(duration: "20s"), Rest(duration: "20s"), Closing(text: "Bye.", duration: "10s")"#;

/// A session of `steps` started and run to `t` seconds.
fn run_to(steps: &str, t: f64) -> Harness {
    let mut harness = Harness::new(session(steps));
    harness.start();
    harness.run_until(t);
    harness
}

#[test]
fn an_unfinished_record_closed_without_resuming_ends_as_abandoned_and_is_no_longer_offered() {
    let harness = run_to(REST_REST_CLOSING, 25.0);
    let record = harness.record.clone();
    let folder = record
        .parent()
        .and_then(Path::parent)
        .expect("records folder")
        .to_path_buf();
    drop(harness.app);
    let offered = |folder: &Path| stillpoint::session::resume::unfinished_records(folder, None);
    assert_eq!(offered(&folder).len(), 1);
    let lines_before = std::fs::read_to_string(&record)
        .expect("record")
        .lines()
        .count();

    let mut panel = Harness::new(session(REST_REST_CLOSING));
    panel.act(SessionAction::CloseUnfinished {
        path: record.clone(),
    });
    let read = ReadRecord::read(&record).expect("record");
    assert_eq!(
        read.events.len(),
        lines_before + 1,
        "one line added, nothing removed"
    );
    let last = read.events.last().expect("events");
    assert_eq!(
        last.kind,
        EventKind::SessionEnded {
            reason: EndReason::Abandoned
        }
    );
    let before = &read.events[read.events.len() - 2];
    assert!(
        (last.t - before.t).abs() < 1e-9 && last.t >= 20.0,
        "at the time of its last event ({}), not {}",
        before.t,
        last.t
    );
    assert!(
        offered(&folder).is_empty(),
        "no longer offered for resuming"
    );

    // An ended record cannot be resumed, nor closed a second time.
    panel.act(SessionAction::ResumeRecord {
        path: record.clone(),
    });
    assert_eq!(panel.runtime().state(), SessionState::Idle);
    panel.act(SessionAction::CloseUnfinished {
        path: record.clone(),
    });
    let again = ReadRecord::read(&record).expect("record");
    assert_eq!(again.events.len(), lines_before + 1);
}

/// Resume, like Start, never replaces a session under way (its painting and record would be
/// dropped unfinished).
#[test]
fn resuming_while_a_session_runs_is_ignored() {
    let interrupted = run_to(REST_REST_CLOSING, 25.0);
    let other_record = interrupted.record.clone();
    drop(interrupted.app);

    let mut harness = run_to(REST_REST_CLOSING, 5.0);
    harness.act(SessionAction::ResumeRecord {
        path: other_record.clone(),
    });
    let runtime = harness.runtime();
    assert_eq!(runtime.record_path(), Some(harness.record.as_path()));
    assert_eq!(
        runtime.step_index(),
        0,
        "still the session under way, at its step"
    );
    assert!(runtime.session_secs() < 6.0);
    let resumed = ReadRecord::read(&other_record).expect("record");
    assert!(
        !resumed
            .events
            .iter()
            .any(|event| matches!(event.kind, EventKind::SessionResumed { .. })),
        "the other record was not taken up"
    );
}
