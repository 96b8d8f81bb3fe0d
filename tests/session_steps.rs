//! The session runtime under manual time, headless, playing sessions through: whole sessions
//! step by step, breathing phases at exact times, the edges of next and back, and check-ins
//! answered (by a choice, by gaze dwell or a pointer click) or left to time out.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "a test stops at the first thing that is wrong"
)]

mod common;

use bevy::prelude::*;
use common::session::{Harness, entered_steps, session};
use stillpoint::exercises::Detail;
use stillpoint::exercises::breathing::BreathPhase;
use stillpoint::script::Step;
use stillpoint::session::record::{EndReason, EventKind, StepEnd};
use stillpoint::session::{SessionAction, SessionState};

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
