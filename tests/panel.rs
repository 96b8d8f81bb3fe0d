//! The therapist's panel, headless: every button's request goes through the one action path
//! into the session runtime and lands in the record.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "a test stops at the first thing that is wrong"
)]

mod common;

use std::sync::Arc;
use std::time::Duration;

use bevy::prelude::*;
use bevy::time::TimeUpdateStrategy;
use common::project_path;
use stillpoint::LogicPlugin;
use stillpoint::panel::intent::{self, PanelIntent};
use stillpoint::panel::progress::{last_session_summary, session_series};
use stillpoint::report::summary::SessionSummary;
use stillpoint::requests::RecentreRequest;
use stillpoint::script::library::check_file;
use stillpoint::script::validate::Context;
use stillpoint::script::{Posture, SessionScript};
use stillpoint::session::record::{Bus, EventKind, ReadRecord};
use stillpoint::session::{ReadyScript, SessionRuntime, SessionState, Volumes};

fn panel_app(records: &std::path::Path) -> App {
    let path = project_path("assets/sessions/centering-before-dosing.session.ron");
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
    .insert_resource(ReadyScript(Some(Arc::new(SessionScript {
        session,
        sha256: "0".repeat(64),
        warnings: Vec::new(),
    }))));
    stillpoint::simulate::single_threaded(&mut app);
    app
}

fn press(app: &mut App, intent: PanelIntent) {
    app.world_mut().write_message(intent);
    app.update();
    app.update();
}

/// The panel's app with a session started for `patient` through the panel.
fn started_from_the_panel(records: &std::path::Path, patient: &str) -> App {
    let mut app = panel_app(records);
    app.update();
    press(
        &mut app,
        PanelIntent::Start {
            patient: patient.into(),
        },
    );
    app
}

fn state(app: &App) -> SessionState {
    app.world().resource::<SessionRuntime>().state()
}

#[test]
fn every_panel_button_reaches_the_runtime_and_the_record() {
    let records = tempfile::tempdir().expect("temp dir");
    let mut app = started_from_the_panel(records.path(), " P-021 ");
    assert_eq!(state(&app), SessionState::Running);
    assert_eq!(app.world().resource::<SessionRuntime>().patient(), "P-021");

    press(&mut app, PanelIntent::PauseOrResume);
    assert_eq!(state(&app), SessionState::Paused);
    press(&mut app, PanelIntent::PauseOrResume);
    assert_eq!(state(&app), SessionState::Running);

    press(&mut app, PanelIntent::Calm);
    assert_eq!(state(&app), SessionState::Calm);
    press(&mut app, PanelIntent::Calm);
    assert_eq!(state(&app), SessionState::Running);

    press(&mut app, PanelIntent::Next);
    assert_eq!(app.world().resource::<SessionRuntime>().step_index(), 1);
    press(&mut app, PanelIntent::Back);
    assert_eq!(app.world().resource::<SessionRuntime>().step_index(), 0);

    // A slider dragged over thirty frames is heard as it moves and recorded once, where it
    // settles.
    for frame in 0..30 {
        let level = 0.55 - 0.01 * frame as f32;
        press(
            &mut app,
            PanelIntent::Volume {
                bus: Bus::Soundscape,
                level,
                settled: false,
            },
        );
        assert_eq!(app.world().resource::<Volumes>().soundscape, level);
    }
    press(
        &mut app,
        PanelIntent::Volume {
            bus: Bus::Soundscape,
            level: 0.25,
            settled: true,
        },
    );
    assert_eq!(app.world().resource::<Volumes>().soundscape, 0.25);

    press(&mut app, PanelIntent::Recentre);
    // Recentring is for the headset, not the session: it is passed on, the session is as it was.
    assert_eq!(state(&app), SessionState::Running);

    press(&mut app, PanelIntent::Posture(Posture::Reclined));
    assert_eq!(
        app.world().resource::<SessionRuntime>().posture(),
        Posture::Reclined
    );

    press(&mut app, PanelIntent::End);
    assert_eq!(state(&app), SessionState::Finished);

    let record_path = std::fs::read_dir(records.path().join("P-021"))
        .expect("the patient's folder")
        .next()
        .expect("one record")
        .expect("entry")
        .path();
    let record = ReadRecord::read(&record_path).expect("record reads");
    let kinds: Vec<&EventKind> = record.events.iter().map(|event| &event.kind).collect();
    let count = |wanted: fn(&EventKind) -> bool| kinds.iter().filter(|kind| wanted(kind)).count();
    assert_eq!(count(|kind| matches!(kind, EventKind::Paused)), 1);
    assert_eq!(count(|kind| matches!(kind, EventKind::Resumed)), 1);
    assert_eq!(count(|kind| matches!(kind, EventKind::CalmOn)), 1);
    assert_eq!(count(|kind| matches!(kind, EventKind::CalmOff)), 1);
    assert_eq!(
        count(|kind| matches!(
            kind,
            EventKind::VolumeSet {
                bus: Bus::Soundscape,
                ..
            }
        )),
        1
    );
    assert_eq!(
        count(|kind| matches!(
            kind,
            EventKind::PostureSet {
                posture: Posture::Reclined
            }
        )),
        1
    );
    assert!(matches!(kinds.last(), Some(EventKind::SessionEnded { .. })));

    // The summary the panel shows for the last session agrees with the record.
    let summary = SessionSummary::read(&record_path)
        .expect("readable")
        .expect("a session record");
    let text = last_session_summary(&summary, 1);
    assert!(text.contains("1 pause(s), 1 calm moment(s)"), "{text}");
    assert!(
        text.contains("Arriving and centering") && text.contains("ended by the therapist"),
        "{text}"
    );
}

#[test]
fn pause_means_nothing_before_a_session_and_recentring_is_passed_to_the_headset() {
    let records = tempfile::tempdir().expect("temp dir");
    let mut app = panel_app(records.path());
    app.update();
    press(&mut app, PanelIntent::PauseOrResume);
    assert_eq!(state(&app), SessionState::Idle);

    app.world_mut().write_message(PanelIntent::Recentre);
    app.update();
    let recentres = app
        .world()
        .resource::<Messages<RecentreRequest>>()
        .iter_current_update_messages()
        .count();
    assert_eq!(recentres, 1);
}

#[test]
fn the_live_chart_has_one_line_per_check_in_with_its_answers_in_time() {
    let records = tempfile::tempdir().expect("temp dir");
    let record = records.path().join("record.jsonl");
    let output = common::stillpoint(&[
        "simulate",
        "--session",
        "centering-before-dosing",
        "--record",
        record.to_str().expect("utf-8 path"),
        "--action",
        "30=answer:7",
    ]);
    assert!(output.status.success(), "{output:?}");
    let summary = SessionSummary::read(&record)
        .expect("readable")
        .expect("a session record");
    let series = session_series(&summary);
    let answered: Vec<_> = summary
        .answers
        .iter()
        .filter(|answer| answer.value.is_some())
        .collect();
    assert_eq!(
        series.iter().map(|line| line.points.len()).sum::<usize>(),
        answered.len()
    );
    let first = &series[0];
    assert_eq!(first.points[0].1, 7, "{series:?}");
    assert!(first.points.windows(2).all(|pair| pair[0].0 <= pair[1].0));
}

#[test]
fn painting_buttons_reach_the_canvas_through_the_one_action_path() {
    use stillpoint::artwork::{PaintAction, Tool};
    let records = tempfile::tempdir().expect("temp dir");
    let mut app = panel_app(records.path());
    let session: stillpoint::script::Session = stillpoint::script::parse::parse_ron(
        "paint.session.ron",
        r##"Session(id: "paint", title: "Paint", phase: Integration,
           environment: "forest-clearing", soundscape: "silence",
           steps: [Paint(prompt: "Paint.", palette: ["#f2c6a0", "#8fb8de", "#9fd0c0"])])"##,
    )
    .expect("a valid session");
    app.insert_resource(ReadyScript(Some(Arc::new(SessionScript {
        session,
        sha256: String::new(),
        warnings: Vec::new(),
    }))));
    press(
        &mut app,
        PanelIntent::Start {
            patient: "P-3".into(),
        },
    );
    let canvas = |app: &App| {
        app.world()
            .resource::<SessionRuntime>()
            .painting()
            .expect("the paint step")
            .canvas()
            .clone()
    };
    press(&mut app, PanelIntent::Paint(PaintAction::Colour(2)));
    press(&mut app, PanelIntent::Paint(PaintAction::Width(0.02)));
    let centre = stillpoint::artwork::model::CANVAS_CENTRE;
    press(
        &mut app,
        PanelIntent::Paint(PaintAction::Press {
            at: centre,
            pressure: 1.0,
        }),
    );
    for step in 1..30 {
        let at = centre + Vec3::X * (step as f32 * 0.01);
        press(
            &mut app,
            PanelIntent::Paint(PaintAction::Drag { at, pressure: 1.0 }),
        );
    }
    press(&mut app, PanelIntent::Paint(PaintAction::Release));
    let painted = canvas(&app);
    assert_eq!(painted.artwork().strokes.len(), 1);
    let stroke = &painted.artwork().strokes[0];
    assert_eq!(String::from(stroke.colour), "#9fd0c0");
    assert!((stroke.width - 0.02).abs() < 1e-6);

    // Clear (the panel has asked first), undo brings it back, redo clears again.
    press(&mut app, PanelIntent::Paint(PaintAction::Clear));
    assert!(canvas(&app).artwork().strokes.is_empty());
    press(&mut app, PanelIntent::Paint(PaintAction::Undo));
    assert_eq!(canvas(&app).artwork(), painted.artwork());
    press(&mut app, PanelIntent::Paint(PaintAction::Redo));
    assert!(canvas(&app).artwork().strokes.is_empty());
    press(
        &mut app,
        PanelIntent::Paint(PaintAction::Tool(Tool::Eraser)),
    );
    assert_eq!(canvas(&app).tool(), Tool::Eraser);

    // Brought back once more, it is what ending the session saves beside the record.
    press(&mut app, PanelIntent::Paint(PaintAction::Undo));
    press(&mut app, PanelIntent::End);
    let record = ReadRecord::read(
        &std::fs::read_dir(records.path().join("P-3"))
            .expect("the patient's folder")
            .flatten()
            .map(|entry| entry.path())
            .find(|path| path.extension().is_some_and(|ending| ending == "jsonl"))
            .expect("a record"),
    )
    .expect("readable");
    let saved: Vec<(usize, usize)> = record
        .events
        .iter()
        .filter_map(|event| match event.kind {
            EventKind::ArtworkSaved {
                strokes, points, ..
            } => Some((strokes, points)),
            _ => None,
        })
        .collect();
    assert_eq!(saved.last(), Some(&(1, painted.point_count())), "{saved:?}");
}

#[test]
fn close_without_resuming_ends_an_interrupted_record_as_abandoned() {
    let records = tempfile::tempdir().expect("temp dir");
    let mut app = started_from_the_panel(records.path(), "P-022");
    press(&mut app, PanelIntent::Next);
    // The app stops without ending the session, as when the computer is switched off.
    drop(app);
    let unfinished = stillpoint::session::resume::unfinished_records(records.path(), None);
    let [interrupted] = unfinished.as_slice() else {
        panic!("one unfinished record: {unfinished:?}");
    };

    let mut panel = panel_app(records.path());
    panel.update();
    press(
        &mut panel,
        PanelIntent::CloseUnfinished {
            record: interrupted.path.clone(),
        },
    );
    assert_eq!(state(&panel), SessionState::Idle, "nothing starts");
    let record = ReadRecord::read(&interrupted.path).expect("record reads");
    assert!(matches!(
        record.events.last().map(|event| &event.kind),
        Some(EventKind::SessionEnded {
            reason: stillpoint::session::record::EndReason::Abandoned
        })
    ));
    assert!(stillpoint::session::resume::unfinished_records(records.path(), None).is_empty());
    let summary = SessionSummary::read(&interrupted.path)
        .expect("readable")
        .expect("a session record");
    assert!(last_session_summary(&summary, 1).contains("closed without resuming"));
}

/// The panel never reads the disk inside a frame: a patient's course (200 earlier records)
/// is read on the I/O task pool and arrives in a later frame; the frame the code is typed in
/// only starts the reading.
#[test]
fn the_course_is_read_in_the_background_not_in_the_frame() {
    use stillpoint::config::Settings;
    use stillpoint::panel::live::{self, Course, PatientCode};
    let data = tempfile::tempdir().expect("temp dir");
    let records = data.path().join("records");
    let folder = records.join("P-030");
    std::fs::create_dir_all(&folder).expect("folder");
    common::simulated_record(&folder.join("first.jsonl"), "P-030");
    let record = std::fs::read(folder.join("first.jsonl")).expect("record");
    for n in 1..200 {
        std::fs::write(folder.join(format!("box-{n:03}.jsonl")), &record).expect("copy");
    }

    let mut app = panel_app(&records);
    app.insert_resource(Settings {
        data_folder: Some(data.path().to_path_buf()),
        ..Settings::default()
    })
    .add_plugins(live::plugin);
    app.update();
    app.world_mut().resource_mut::<PatientCode>().0 = "P-030".into();
    app.update();
    let course = app.world().resource::<Course>();
    assert_eq!(course.patient, "P-030");
    assert!(course.sessions.is_empty(), "not read inside the frame");
    let mut frames = 1;
    while app.world().resource::<Course>().sessions.len() < 200 {
        assert!(frames < 2_000, "the course never arrived");
        std::thread::sleep(Duration::from_millis(5));
        app.update();
        frames += 1;
    }
    assert_eq!(app.world().resource::<Course>().sessions.len(), 200);
}
