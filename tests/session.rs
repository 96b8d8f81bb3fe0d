//! The session runtime under manual time, headless: whole sessions, breathing phases at
//! exact times, pause, calm, the edges of next/back, check-ins, kill-safety and resume.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "a test stops at the first thing that is wrong"
)]

mod common;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use bevy::prelude::*;
use bevy::time::TimeUpdateStrategy;
use common::project_path;
use stillpoint::LogicPlugin;
use stillpoint::exercises::Detail;
use stillpoint::exercises::breathing::BreathPhase;
use stillpoint::script::SessionScript;
use stillpoint::script::library::check_file;
use stillpoint::script::parse::parse_ron;
use stillpoint::script::validate::Context;
use stillpoint::script::{Posture, Session, Step};
use stillpoint::session::record::{EndReason, Event, EventKind, ReadRecord, StepEnd};
use stillpoint::session::{ReadyScript, SessionAction, SessionRuntime, SessionState};

/// One frame of simulated time.
const FRAME: Duration = Duration::from_millis(100);

struct Harness {
    app: App,
    record: PathBuf,
    _dir: tempfile::TempDir,
}

impl Harness {
    fn new(session: Session) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let record = dir.path().join("P-001/record.jsonl");
        let mut app = App::new();
        app.add_plugins((
            MinimalPlugins,
            LogicPlugin {
                records_folder: dir.path().to_path_buf(),
            },
        ))
        .insert_resource(TimeUpdateStrategy::ManualDuration(FRAME))
        .insert_resource(ReadyScript(Some(Arc::new(SessionScript {
            session,
            sha256: "0".repeat(64),
            warnings: Vec::new(),
        }))));
        stillpoint::simulate::single_threaded(&mut app);
        Self {
            app,
            record,
            _dir: dir,
        }
    }

    fn bundled(id: &str) -> Self {
        let path = project_path(&format!("assets/sessions/{id}.session.ron"));
        let checked = check_file(&path, &Context::default())
            .outcome
            .expect("bundled session is valid");
        Self::new(checked.session)
    }

    fn start(&mut self) {
        let record = Some(self.record.clone());
        self.act(SessionAction::Start {
            patient: "P-001".into(),
            record,
        });
    }

    /// Sends an action; it takes effect in the next frame.
    fn act(&mut self, action: SessionAction) {
        self.app.world_mut().write_message(action);
        self.app.update();
    }

    fn runtime(&self) -> &SessionRuntime {
        self.app.world().resource::<SessionRuntime>()
    }

    /// Runs frames until the session clock reaches `t` seconds.
    fn run_until(&mut self, t: f64) {
        while self.runtime().session_secs() < t - 1e-9 {
            assert_ne!(
                self.runtime().state(),
                SessionState::Finished,
                "finished before {t}"
            );
            self.app.update();
        }
    }

    /// Runs frames until the session finishes, answering nothing.
    fn run_to_end(&mut self) {
        for _ in 0..200_000 {
            if self.runtime().state() == SessionState::Finished {
                return;
            }
            if self
                .runtime()
                .view()
                .is_some_and(|view| view.remaining.is_none())
            {
                self.act(SessionAction::Next);
            } else {
                self.app.update();
            }
        }
        panic!("the session did not finish");
    }

    fn events(&self) -> Vec<Event> {
        let record = ReadRecord::read(&self.record).expect("record readable");
        assert!(record.damaged_lines.is_empty());
        record.events
    }

    fn event_kinds(&self) -> Vec<EventKind> {
        self.events().into_iter().map(|event| event.kind).collect()
    }

    fn breath(&self) -> (BreathPhase, f32) {
        match self.runtime().view().map(|view| &view.detail) {
            Some(Detail::Breath(breath)) => (breath.phase, breath.phase_progress),
            other => panic!("not breathing: {other:?}"),
        }
    }
}

fn session(steps: &str) -> Session {
    let text = format!(
        r#"Session(id: "test", title: "Test", phase: BeforeDosing, environment: "dusk-lake",
           soundscape: "silence", steps: [{steps}])"#
    );
    parse_ron("test.session.ron", &text).expect("test session parses")
}

fn entered_steps(events: &[EventKind]) -> Vec<usize> {
    events
        .iter()
        .filter_map(|kind| match kind {
            EventKind::StepEntered { step, .. } => Some(*step),
            _ => None,
        })
        .collect()
}

#[test]
fn the_centering_session_plays_every_step_in_order() {
    let mut harness = Harness::bundled("centering-before-dosing");
    harness.start();
    let steps = harness
        .runtime()
        .script()
        .expect("script")
        .session
        .steps
        .clone();
    // Answer the check-ins and choose an intention as a patient would.
    for _ in 0..200_000 {
        let runtime = harness.runtime();
        if runtime.state() == SessionState::Finished {
            break;
        }
        let settled = runtime.step_secs() > 5.0;
        let action = match (runtime.step(), runtime.view().map(|view| &view.detail)) {
            (Some(Step::CheckIn(_)), Some(Detail::CheckIn { answer: None, .. })) if settled => {
                Some(SessionAction::Answer(3))
            }
            (Some(Step::Intention(_)), Some(Detail::Choices { chosen: None, .. })) if settled => {
                Some(SessionAction::Choose(1))
            }
            (Some(Step::WaitForTherapist(_)), _) => Some(SessionAction::Next),
            _ => None,
        };
        match action {
            Some(action) => harness.act(action),
            None => harness.app.update(),
        }
    }
    let events = harness.event_kinds();
    assert!(
        matches!(&events[0], EventKind::SessionStarted { script, steps: 12, .. } if script == "centering-before-dosing")
    );
    assert_eq!(entered_steps(&events), (0..steps.len()).collect::<Vec<_>>());
    let answers: Vec<_> = events
        .iter()
        .filter_map(|kind| match kind {
            EventKind::CheckIn { id, value } => Some((id.as_str(), *value)),
            _ => None,
        })
        .collect();
    assert_eq!(
        answers,
        [("suds-arrival", Some(3)), ("suds-centered", Some(3))]
    );
    assert!(events.contains(&EventKind::IntentionChosen {
        choice: Some("Safety".into())
    }));
    assert!(events.contains(&EventKind::StepFinished {
        step: 11,
        kind: "WaitForTherapist".into(),
        how: StepEnd::Continued
    }));
    assert_eq!(
        events.last(),
        Some(&EventKind::SessionEnded {
            reason: EndReason::Completed
        })
    );
    // The record's clock never runs backwards.
    let times: Vec<f64> = harness.events().iter().map(|event| event.t).collect();
    assert!(times.windows(2).all(|pair| pair[0] <= pair[1]));
}

#[test]
fn every_bundled_session_finishes() {
    for id in [
        "centering-before-dosing",
        "rest-during-dosing",
        "creative-integration",
        "box-breathing-reset",
    ] {
        let mut harness = Harness::bundled(id);
        harness.start();
        harness.run_to_end();
        let events = harness.event_kinds();
        let count = harness
            .runtime()
            .script()
            .expect("script")
            .session
            .steps
            .len();
        assert_eq!(
            entered_steps(&events),
            (0..count).collect::<Vec<_>>(),
            "{id}"
        );
    }
}

#[test]
fn breathing_phases_fall_at_exact_times() {
    let mut harness = Harness::new(session(
        r#"Breathing(pattern: Resonance(breaths_per_minute: 6.0), cycles: 2),
           Breathing(pattern: Box(side: "4s"), cycles: 1),
           Breathing(pattern: FourSevenEight, cycles: 1)"#,
    ));
    harness.start();
    // Resonance 6/min: 5 s in, 5 s out.
    harness.run_until(2.5);
    assert_eq!(harness.breath(), (BreathPhase::Inhale, 0.5));
    harness.run_until(7.5);
    assert_eq!(harness.breath(), (BreathPhase::Exhale, 0.5));
    harness.run_until(12.0);
    assert_eq!(harness.breath(), (BreathPhase::Inhale, 0.4));
    // Box starts at 20 s: in 4, hold 4, out 4, hold 4.
    harness.run_until(21.0);
    assert_eq!(harness.runtime().step_index(), 1);
    assert_eq!(harness.breath(), (BreathPhase::Inhale, 0.25));
    harness.run_until(26.0);
    assert_eq!(harness.breath(), (BreathPhase::HoldIn, 0.5));
    harness.run_until(30.0);
    assert_eq!(harness.breath(), (BreathPhase::Exhale, 0.5));
    harness.run_until(35.0);
    assert_eq!(harness.breath(), (BreathPhase::HoldOut, 0.75));
    // 4-7-8 starts at 36 s: in 4, hold 7, out 8.
    harness.run_until(38.0);
    assert_eq!(harness.runtime().step_index(), 2);
    assert_eq!(harness.breath(), (BreathPhase::Inhale, 0.5));
    harness.run_until(43.0);
    assert_eq!(harness.breath().0, BreathPhase::HoldIn);
    harness.run_until(51.0);
    assert_eq!(harness.breath(), (BreathPhase::Exhale, 0.5));
    harness.run_until(55.0);
    assert_eq!(harness.runtime().state(), SessionState::Finished);
}

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
fn next_and_back_at_the_edges() {
    let mut harness = Harness::new(session(
        r#"Rest(duration: "60s"), WaitForTherapist(), Rest(duration: "60s")"#,
    ));
    harness.start();
    harness.act(SessionAction::Back);
    assert_eq!(
        harness.runtime().step_index(),
        0,
        "no step before the first"
    );
    harness.act(SessionAction::Next);
    assert_eq!(harness.runtime().step_index(), 1);
    harness.run_until(500.0);
    assert_eq!(harness.runtime().step_index(), 1, "waits for the therapist");
    harness.act(SessionAction::Back);
    assert_eq!(harness.runtime().step_index(), 0);
    harness.act(SessionAction::Next);
    harness.act(SessionAction::Next);
    harness.act(SessionAction::Next);
    assert_eq!(harness.runtime().state(), SessionState::Finished);
    // Nothing happens after the end.
    let before = harness.events().len();
    harness.act(SessionAction::Next);
    harness.act(SessionAction::Answer(4));
    harness.act(SessionAction::End);
    assert_eq!(harness.events().len(), before);
    let hows: Vec<StepEnd> = harness
        .event_kinds()
        .into_iter()
        .filter_map(|kind| match kind {
            EventKind::StepFinished { how, .. } => Some(how),
            _ => None,
        })
        .collect();
    assert_eq!(
        hows,
        [
            StepEnd::Skipped,
            StepEnd::WentBack,
            StepEnd::Skipped,
            StepEnd::Continued,
            StepEnd::Skipped
        ]
    );
}

#[test]
fn check_ins_record_answers_and_timeouts() {
    let mut harness = Harness::new(session(
        r#"CheckIn(id: "first", scale: Suds, timeout: "30s"),
           CheckIn(id: "second", scale: Mood, timeout: "30s"),
           Rest(duration: "10s")"#,
    ));
    harness.start();
    harness.act(SessionAction::Answer(11));
    harness.act(SessionAction::Choose(0));
    harness.run_until(5.0);
    harness.act(SessionAction::Answer(7));
    harness.act(SessionAction::Answer(2));
    harness.run_until(7.0);
    assert_eq!(
        harness.runtime().step_index(),
        1,
        "moves on after acknowledging"
    );
    harness.run_until(38.0);
    assert_eq!(harness.runtime().step_index(), 2, "times out after 30 s");
    let events = harness.events();
    let check_ins: Vec<(f64, &EventKind)> = events
        .iter()
        .filter(|event| matches!(event.kind, EventKind::CheckIn { .. }))
        .map(|event| (event.t, &event.kind))
        .collect();
    assert_eq!(check_ins.len(), 2);
    assert_eq!(
        check_ins[0].1,
        &EventKind::CheckIn {
            id: "first".into(),
            value: Some(7)
        }
    );
    assert!((check_ins[0].0 - 5.0).abs() < 0.21);
    assert_eq!(
        check_ins[1].1,
        &EventKind::CheckIn {
            id: "second".into(),
            value: None
        }
    );
    assert!(events.iter().any(|event| event.kind
        == EventKind::StepFinished {
            step: 1,
            kind: "CheckIn".into(),
            how: StepEnd::TimedOut
        }));
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

/// The patient answers in the world: a gaze resting on "7" for a second and a half answers
/// the first check-in, a pointer click on "2" the second; both reach the record through
/// the same action path as keys and the panel.
#[test]
fn gaze_dwell_and_pointer_clicks_answer_check_ins() {
    use stillpoint::pointing::{
        BOARD_CENTRE, DWELL_SECS, GazeSource, PointerRay, PointerRays, Reach, ShownBoard,
    };
    let mut harness = Harness::new(session(
        r#"CheckIn(id: "first", scale: Suds), CheckIn(id: "second", scale: Mood), Rest(duration: "10s")"#,
    ));
    harness.app.add_plugins(stillpoint::pointing::plugin);
    harness.start();
    harness.app.update();
    let eye = Vec3::new(0.0, 1.2, 0.0);
    let looking_at = |cell: usize, app: &App| -> Transform {
        let board = app
            .world()
            .resource::<ShownBoard>()
            .0
            .clone()
            .expect("a board");
        let target = BOARD_CENTRE + board.cells[cell].rect.center().extend(0.0);
        Transform::from_translation(eye).looking_at(target, Vec3::Y)
    };
    // The head first looks straight ahead, over the board; then down at the 7.
    let head = harness
        .app
        .world_mut()
        .spawn((GazeSource, GlobalTransform::from_translation(eye)))
        .id();
    harness.app.update();
    let at_seven = looking_at(7, &harness.app);
    *harness
        .app
        .world_mut()
        .get_mut::<GlobalTransform>(head)
        .unwrap() = at_seven.into();
    let began = harness.runtime().session_secs();
    while harness.runtime().step_index() == 0
        && !matches!(
            harness.runtime().view().map(|view| &view.detail),
            Some(Detail::CheckIn {
                answer: Some(_),
                ..
            })
        )
    {
        assert!(
            harness.runtime().session_secs() - began < 5.0,
            "the dwell never chose"
        );
        harness.app.update();
    }
    let dwelt = harness.runtime().session_secs() - began;
    assert!(
        dwelt >= f64::from(DWELL_SECS) && dwelt < f64::from(DWELL_SECS) + 0.5,
        "chosen after {dwelt} s"
    );
    // The gaze moves away; on the next question the mouse clicks the 2.
    harness.app.world_mut().despawn(head);
    harness.run_until(dwelt + began + 3.0);
    assert_eq!(harness.runtime().step_index(), 1);
    let target = looking_at(2, &harness.app);
    harness
        .app
        .world_mut()
        .resource_mut::<PointerRays>()
        .0
        .push(PointerRay {
            ray: Ray3d::new(eye, target.forward()),
            select: true,
            pressure: 1.0,
            reach: Reach::Hand,
        });
    harness.app.update();
    harness.app.update();
    let values: Vec<Option<u32>> = harness
        .events()
        .into_iter()
        .filter_map(|event| match event.kind {
            EventKind::CheckIn { value, .. } => Some(value),
            _ => None,
        })
        .collect();
    assert_eq!(values, [Some(7), Some(2)]);
}
