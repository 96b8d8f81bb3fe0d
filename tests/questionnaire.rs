//! Questionnaires end to end: PHQ-9 taken in the headset path through `simulate`'s actions,
//! GAD-7, PHQ-9 and PCL-5 at the desk through the panel's requests, the item-9 safety alert
//! from the answer to the acknowledgement in the record. Expected totals, bands and the
//! PCL-5 rule are computed here from the published rules, not by the product's scoring.

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
use common::{project_path, stdout, stillpoint};
use serde_json::Value;
use stillpoint::LogicPlugin;
use stillpoint::export::{PatientExport, csv, fhir};
use stillpoint::instruments::InstrumentSet;
use stillpoint::panel::intent::{self, PanelIntent};
use stillpoint::report::outcomes::Questionnaires;
use stillpoint::script::SessionScript;
use stillpoint::script::library::check_file;
use stillpoint::script::validate::Context;
use stillpoint::session::questionnaire::{DeskOutcome, DeskQuestionnaireRecorded, SafetyAlerts};
use stillpoint::session::record::{EventKind, ReadRecord};
use stillpoint::session::resume::unfinished_in;
use stillpoint::session::unsaved::UnsavedRecords;
use stillpoint::session::{ReadyScript, SessionAction, SessionRuntime};

/// GAD-7's severity bands (Spitzer et al. 2006).
fn gad7_band(total: u32) -> &'static str {
    match total {
        0..=4 => "Minimal",
        5..=9 => "Mild",
        10..=14 => "Moderate",
        _ => "Severe",
    }
}

fn events(text: &str) -> Vec<Value> {
    text.lines()
        .filter(|line| line.starts_with('{'))
        .map(|line| serde_json::from_str(line).expect("a record line is JSON"))
        .collect()
}

fn named<'a>(events: &'a [Value], name: &str) -> Vec<&'a Value> {
    events
        .iter()
        .filter(|event| event["event"] == name)
        .collect()
}

fn numbers(value: &Value) -> Vec<u32> {
    value
        .as_array()
        .expect("a list")
        .iter()
        .map(|number| number.as_u64().expect("a number") as u32)
        .collect()
}

/// `simulate` on the outcome-measures session (a 12 s narration, then PHQ-9, then GAD-7),
/// with `options` and `actions`; what it printed.
fn simulate_with(options: &[&str], actions: &[String]) -> String {
    let mut args = vec![
        "simulate",
        "--session",
        "outcome-measures",
        "--auto-continue",
        "120",
    ];
    args.extend(options);
    for action in actions {
        args.extend(["--action", action]);
    }
    let output = stillpoint(&args);
    assert!(
        output.status.success(),
        "{}\n{}",
        stdout(&output),
        String::from_utf8_lossy(&output.stderr)
    );
    stdout(&output)
}

/// The outcome-measures session simulated with `actions`; the record's events.
fn simulate(actions: &[String]) -> Vec<Value> {
    events(&simulate_with(&["--patient", "P-300"], actions))
}

/// One `answer:N` per second from `from`, for `answers`.
fn answering(from: f64, answers: &[u32]) -> Vec<String> {
    (0..)
        .zip(answers)
        .map(|(index, answer)| format!("{}=answer:{answer}", from + f64::from(index)))
        .collect()
}

#[test]
fn a_patient_takes_phq9_in_the_headset_one_item_per_action_and_corrects_one_with_back() {
    // Item 3 answered 3 by mistake, then Back and 1 instead; item 9 answered 1.
    let mut actions = answering(13.0, &[2, 1, 3]);
    actions.push("16=item-back".into());
    actions.extend(answering(17.0, &[1, 0, 2, 1, 0, 3, 1]));
    // Nothing is written before Send, not even with every item answered.
    actions.push("30=confirm".into());
    actions.push("31=acknowledge".into());
    // GAD-7 (from 31.3 s): three items, then the session ends.
    actions.extend(answering(33.0, &[2, 2, 1]));
    actions.push("40=end".into());
    let record = simulate(&actions);
    let phq9 = named(&record, "questionnaire");
    assert_eq!(
        phq9.len(),
        1,
        "one questionnaire answered in full: {phq9:?}"
    );
    let phq9 = phq9[0];
    let answers = [2, 1, 1, 0, 2, 1, 0, 3, 1];
    let total: u32 = answers.iter().sum();
    assert_eq!(phq9["instrument"], "phq-9");
    assert_eq!(numbers(&phq9["answers"]), answers);
    assert_eq!(phq9["total"], total);
    assert_eq!(phq9["band"], common::phq9_band(total));
    assert_eq!(phq9["via"], "headset");
    assert!(phq9["taken_at"].as_str().unwrap().ends_with('Z'));
    // From the first item (12 s) to Send (30 s).
    let secs = phq9["secs"].as_f64().unwrap();
    assert!((17.5..18.5).contains(&secs), "took {secs} s");
    assert!(phq9["t"].as_f64().unwrap() >= 30.0);
    // Item 9 answered above 0 alerted at once, before the answers were sent, and the
    // acknowledgement followed.
    let alerts = named(&record, "safety_alert");
    assert_eq!(alerts.len(), 1, "{alerts:?}");
    assert_eq!(
        (alerts[0]["item"].as_u64(), alerts[0]["answer"].as_u64()),
        (Some(9), Some(1))
    );
    assert!(alerts[0]["t"].as_f64() < phq9["t"].as_f64());
    let acknowledged = named(&record, "safety_acknowledged");
    assert_eq!(acknowledged.len(), 1);
    assert_eq!(acknowledged[0]["item"], 9);
    assert!(acknowledged[0]["t"].as_f64() >= Some(31.0));
    // GAD-7 was left part-way: its answers so far, never as complete.
    let abandoned = named(&record, "questionnaire_abandoned");
    assert_eq!(abandoned.len(), 1, "{abandoned:?}");
    assert_eq!(abandoned[0]["instrument"], "gad-7");
    assert_eq!(numbers(&abandoned[0]["answers"]), [2, 2, 1]);
}

#[test]
fn answers_out_of_range_or_before_an_item_shows_change_nothing() {
    let mut actions = vec!["5=answer:1".to_owned(), "13=answer:7".to_owned()];
    actions.extend(answering(14.0, &[0; 9]));
    // Send only once the confirming page shows, then nothing more counts for PHQ-9.
    actions.push("23.5=confirm".into());
    actions.push("26=answer:3".into());
    actions.push("27=end".into());
    let record = simulate(&actions);
    let taken = named(&record, "questionnaire");
    assert_eq!(taken.len(), 1);
    assert_eq!(numbers(&taken[0]["answers"]), [0; 9]);
    assert_eq!(taken[0]["band"], "Minimal");
    assert!(named(&record, "safety_alert").is_empty());
    // GAD-7's first item took the answer given at 26 s.
    let abandoned = named(&record, "questionnaire_abandoned");
    assert_eq!(numbers(&abandoned[0]["answers"]), [3]);
}

/// The outcome-measures session simulated into `record` (continuing it when `resume`),
/// with `actions`; the record's events as the file holds them.
fn simulate_into(record: &Path, resume: bool, actions: &[String]) -> Vec<Value> {
    let mut options = vec![
        "--patient",
        "P-302",
        "--record",
        record.to_str().expect("a UTF-8 path"),
    ];
    if resume {
        options.push("--resume");
    }
    simulate_with(&options, actions);
    events(&std::fs::read_to_string(record).expect("the record"))
}

/// Cuts `record` after the first line for which `last` holds, as a kill just after that
/// line was written would leave it.
fn cut_after(record: &Path, last: impl Fn(&Value) -> bool) {
    let text = std::fs::read_to_string(record).expect("the record");
    let mut kept = String::new();
    for line in text.lines() {
        kept.push_str(line);
        kept.push('\n');
        if last(&serde_json::from_str(line).expect("a record line is JSON")) {
            std::fs::write(record, kept).expect("cut the record");
            return;
        }
    }
    panic!("no line to cut after in {text}");
}

#[test]
fn a_session_stopped_mid_questionnaire_resumes_at_the_next_item_with_every_answer_kept() {
    let dir = tempfile::tempdir().unwrap();
    let record = dir.path().join("P-302").join("stopped.jsonl");
    // Three PHQ-9 items, one corrected with Back; then the app stops.
    let mut actions = answering(13.0, &[2, 1, 3]);
    actions.push("16=item-back".into());
    actions.extend(answering(17.0, &[1, 0]));
    actions.push("19=item-back".into());
    actions.push("20=end".into());
    let before = simulate_into(&record, false, &actions);
    let progress: Vec<Vec<u32>> = named(&before, "questionnaire_progress")
        .iter()
        .map(|line| numbers(&line["answers"]))
        .collect();
    assert_eq!(
        progress,
        [
            vec![2],
            vec![2, 1],
            vec![2, 1, 3],
            vec![2, 1],
            vec![2, 1, 1],
            vec![2, 1, 1, 0],
            vec![2, 1, 1],
        ],
        "each answer and each step back is written as it happens"
    );
    assert!(named(&before, "questionnaire").is_empty());
    cut_after(&record, |line| {
        line["event"] == "questionnaire_progress" && numbers(&line["answers"]) == [2, 1, 1]
    });

    // Resumed: item 4 shows, and six more answers complete PHQ-9 (item 9 answered 2).
    let mut actions = answering(21.0, &[0, 2, 1, 0, 3, 2]);
    actions.push("27.5=confirm".into());
    actions.push("28=acknowledge".into());
    actions.push("30=end".into());
    let after = simulate_into(&record, true, &actions);
    let taken = named(&after, "questionnaire");
    assert_eq!(taken.len(), 1, "{taken:?}");
    assert_eq!(numbers(&taken[0]["answers"]), [2, 1, 1, 0, 2, 1, 0, 3, 2]);
    assert_eq!(taken[0]["total"], 12);
    // From the first item (12 s) to Send, across the stop.
    let secs = taken[0]["secs"].as_f64().unwrap();
    assert!((15.0..16.0).contains(&secs), "took {secs} s");
    let alerts = named(&after, "safety_alert");
    assert_eq!(alerts.len(), 1, "{alerts:?}");
    assert_eq!(alerts[0]["answer"], 2);
    assert!(
        named(&after, "questionnaire_abandoned")
            .iter()
            .all(|left| left["instrument"] != "phq-9"),
        "PHQ-9 was finished, not left"
    );
    assert_eq!(named(&after, "session_resumed").len(), 1);
}

#[test]
fn answers_sent_just_before_a_stop_are_not_asked_again() {
    let dir = tempfile::tempdir().unwrap();
    let record = dir.path().join("P-302").join("sent.jsonl");
    let mut actions = answering(13.0, &[1; 9]);
    actions.push("22.5=confirm".into());
    actions.push("23=acknowledge".into());
    actions.push("40=end".into());
    simulate_into(&record, false, &actions);
    cut_after(&record, |line| line["event"] == "questionnaire");

    // Resumed into PHQ-9's thanks: GAD-7 follows, and its first answer is GAD-7's.
    let mut actions = answering(30.0, &[3, 2]);
    actions.push("40=end".into());
    let after = simulate_into(&record, true, &actions);
    let taken = named(&after, "questionnaire");
    assert_eq!(taken.len(), 1, "PHQ-9 is recorded once: {taken:?}");
    let left = named(&after, "questionnaire_abandoned");
    assert_eq!(left.len(), 1, "{left:?}");
    assert_eq!(left[0]["instrument"], "gad-7");
    assert_eq!(numbers(&left[0]["answers"]), [3, 2]);
}

fn instruments() -> InstrumentSet {
    let (set, problems) = InstrumentSet::load(&[project_path("assets/instruments")]);
    assert!(problems.is_empty(), "{problems:?}");
    set
}

/// The panel's headless app: the runtime, the panel's requests, the bundled instruments.
fn panel_app(records: &Path) -> App {
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

fn press(app: &mut App, intent: PanelIntent) {
    app.world_mut().write_message(intent);
    app.update();
    app.update();
}

fn desk(patient: &str, instrument: &str, answers: &[u32]) -> PanelIntent {
    PanelIntent::DeskQuestionnaire {
        patient: patient.into(),
        instrument: instrument.into(),
        answers: answers.to_vec(),
        secs: 95.0,
    }
}

/// The patient's record files, in name order.
fn records_of(folder: &Path, patient: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(folder.join(patient))
        .map(|entries| entries.map(|entry| entry.unwrap().path()).collect())
        .unwrap_or_default();
    files.sort();
    files
}

fn waiting_alerts(app: &App) -> usize {
    app.world().resource::<SafetyAlerts>().0.len()
}

#[test]
fn gad7_at_the_desk_through_the_panel_is_a_desk_record_of_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = panel_app(dir.path());
    let answers = [3, 2, 2, 1, 0, 2, 1];
    press(&mut app, desk("P-301", "gad-7", &answers));
    let files = records_of(dir.path(), "P-301");
    assert_eq!(files.len(), 1, "{files:?}");
    let name = files[0].file_name().unwrap().to_str().unwrap().to_owned();
    assert!(name.starts_with("questionnaire-gad-7-"), "{name}");
    let read = ReadRecord::read(&files[0]).unwrap();
    assert!(read.is_desk());
    // Not a session left unfinished: nothing to resume.
    assert!(unfinished_in(&files[0]).is_none());
    let total: u32 = answers.iter().sum();
    match &read.events[0].kind {
        EventKind::Questionnaire {
            instrument,
            answers: recorded,
            total: scored,
            band,
            secs,
            via,
            ..
        } => {
            assert_eq!(instrument, "gad-7");
            assert_eq!(recorded, &answers);
            assert_eq!(*scored, total);
            assert_eq!(band, gad7_band(total));
            assert_eq!(*secs, 95.0);
            assert_eq!(format!("{via:?}"), "Desk");
        }
        other => panic!("the desk record starts with {other:?}"),
    }
    assert_eq!(waiting_alerts(&app), 0);
    // A wrong patient code or an unknown questionnaire records nothing.
    press(&mut app, desk("Jane Doe", "gad-7", &answers));
    press(&mut app, desk("P-301", "phq-99", &answers));
    press(&mut app, desk("P-301", "gad-7", &answers[..6]));
    assert_eq!(records_of(dir.path(), "P-301").len(), 1);
    assert!(!dir.path().join("Jane Doe").exists());
}

/// What became of each desk questionnaire sent, in order.
fn desk_outcomes(app: &App) -> Vec<DeskOutcome> {
    let messages = app
        .world()
        .resource::<Messages<DeskQuestionnaireRecorded>>();
    messages
        .get_cursor()
        .read(messages)
        .map(|DeskQuestionnaireRecorded(outcome)| outcome.clone())
        .collect()
}

/// The event names of `record`, in order.
fn event_names(record: &Path) -> Vec<String> {
    ReadRecord::read(record)
        .unwrap()
        .events
        .iter()
        .map(|event| {
            serde_json::to_value(event).unwrap()["event"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect()
}

#[test]
fn item_nine_at_a_desk_that_cannot_be_written_alerts_at_once_and_is_saved_once_whole_later() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = panel_app(dir.path());
    // The patient's folder cannot be made: a file stands where it would be.
    std::fs::write(dir.path().join("P-309"), b"").unwrap();
    press(
        &mut app,
        desk("P-309", "phq-9", &[0, 0, 0, 0, 0, 0, 1, 0, 2]),
    );
    // The alert shows whatever became of the write.
    assert_eq!(waiting_alerts(&app), 1);
    let outcomes = desk_outcomes(&app);
    let place = match outcomes.as_slice() {
        [DeskOutcome::Waiting { place, problem }] => {
            assert!(problem.contains("kept in memory"), "{problem}");
            place.clone()
        }
        other => panic!("kept to be written, said: {other:?}"),
    };
    // Never called recorded; the panel names the record not saved.
    let unsaved = app.world().resource::<UnsavedRecords>().unsaved();
    assert_eq!(unsaved.len(), 1);
    assert!(
        place.contains(&unsaved[0].path.display().to_string()),
        "{place}"
    );
    assert_eq!(unsaved[0].lines, 2, "the alert line and the answers");
    // Acknowledged while still unsaved: the acknowledgement waits behind them.
    press(&mut app, PanelIntent::AcknowledgeSafetyAlert);
    assert_eq!(waiting_alerts(&app), 0);
    assert_eq!(
        app.world().resource::<UnsavedRecords>().unsaved()[0].lines,
        3
    );

    // The disk is usable again: the timer writes the record, whole and once.
    std::fs::remove_file(dir.path().join("P-309")).unwrap();
    let started = std::time::Instant::now();
    while !app.world().resource::<UnsavedRecords>().is_empty() {
        assert!(
            started.elapsed().as_secs() < 10,
            "the record is written again in time"
        );
        std::thread::sleep(Duration::from_millis(100));
        app.update();
    }
    let records = records_of(dir.path(), "P-309");
    assert_eq!(records.len(), 1);
    assert_eq!(
        event_names(&records[0]),
        ["questionnaire", "safety_alert", "safety_acknowledged"]
    );
}

#[test]
fn item_nine_at_the_desk_alerts_until_acknowledged_and_the_record_keeps_both() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = panel_app(dir.path());
    // A total of 2, low, but item 9 answered "Several days".
    press(
        &mut app,
        desk("P-302", "phq-9", &[0, 0, 0, 0, 0, 0, 1, 0, 1]),
    );
    assert_eq!(waiting_alerts(&app), 1);
    let alert = app.world().resource::<SafetyAlerts>().0[0].clone();
    assert_eq!((alert.item, alert.answer), (9, 1));
    assert_eq!(alert.answer_label, "Several days");
    assert!(
        alert.item_text.contains("better off dead"),
        "{}",
        alert.item_text
    );
    // The alert waits through anything else the panel does.
    press(&mut app, PanelIntent::PauseOrResume);
    assert_eq!(waiting_alerts(&app), 1);
    press(&mut app, PanelIntent::AcknowledgeSafetyAlert);
    assert_eq!(waiting_alerts(&app), 0);
    let files = records_of(dir.path(), "P-302");
    let kinds: Vec<String> = ReadRecord::read(&files[0])
        .unwrap()
        .events
        .iter()
        .map(|event| {
            serde_json::to_value(event).unwrap()["event"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(
        kinds,
        ["questionnaire", "safety_alert", "safety_acknowledged"]
    );
    let read = ReadRecord::read(&files[0]).unwrap();
    match &read.events[0].kind {
        EventKind::Questionnaire { total, band, .. } => {
            assert_eq!((*total, band.as_str()), (2, common::phq9_band(2)));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn at_the_desk_during_the_patients_session_the_answers_go_into_its_record() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = panel_app(dir.path());
    press(
        &mut app,
        PanelIntent::Start {
            patient: "P-303".into(),
        },
    );
    press(
        &mut app,
        desk("P-303", "phq-9", &[1, 1, 1, 1, 1, 1, 1, 1, 2]),
    );
    // Another patient's form during this session has a desk record of its own.
    press(&mut app, desk("P-304", "gad-7", &[0; 7]));
    let session = app
        .world()
        .resource::<SessionRuntime>()
        .record_path()
        .unwrap()
        .to_owned();
    assert_eq!(
        records_of(dir.path(), "P-303"),
        std::slice::from_ref(&session)
    );
    assert_eq!(records_of(dir.path(), "P-304").len(), 1);
    press(&mut app, PanelIntent::AcknowledgeSafetyAlert);
    let read = ReadRecord::read(&session).unwrap();
    let kinds: Vec<&EventKind> = read.events.iter().map(|event| &event.kind).collect();
    let alert = kinds.iter().position(|kind| {
        matches!(
            kind,
            EventKind::SafetyAlert {
                item: 9,
                answer: 2,
                ..
            }
        )
    });
    let taken = kinds.iter().position(|kind| {
        matches!(kind, EventKind::Questionnaire { total: 10, band, .. } if band == "Moderate")
    });
    let acknowledged = kinds
        .iter()
        .position(|kind| matches!(kind, EventKind::SafetyAcknowledged { item: 9, .. }));
    assert!(
        alert.is_some() && taken.is_some() && acknowledged > taken,
        "{kinds:#?}"
    );
    // The session goes on, still unfinished: the desk answers did not end it.
    assert!(unfinished_in(&session).is_some());
}

/// PCL-5's two screening results, each on its own (Weathers et al. 2013; National Center
/// for PTSD): the DSM-5 cluster rule (an item scored 2 or more counts as endorsed; B needs 1
/// of items 1-5, C 1 of 6-7, D 2 of 8-14, E 2 of 15-20) and the cut-point (a total of 33 or
/// more). Returns the total, the cluster rule's result and the cut-point's.
fn pcl5_expected(answers: &[u32; 20]) -> (u32, bool, bool) {
    let endorsed = |items: std::ops::RangeInclusive<usize>| {
        items.filter(|&item| answers[item - 1] >= 2).count()
    };
    let total = answers.iter().sum();
    let clusters = endorsed(1..=5) >= 1
        && endorsed(6..=7) >= 1
        && endorsed(8..=14) >= 2
        && endorsed(15..=20) >= 2;
    (total, clusters, total >= 33)
}

#[test]
fn pcl5_records_reports_and_exports_the_cluster_rule_and_the_cut_point_apart() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = panel_app(dir.path());
    let cases: [[u32; 20]; 4] = [
        // Every cluster met and 40 in all: both.
        [2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2],
        // 43 in all, but only one item of E endorsed: the cut-point alone.
        [4, 4, 4, 4, 3, 3, 3, 3, 3, 3, 2, 1, 1, 1, 2, 1, 0, 0, 1, 0],
        // Every cluster met with 20 in all, under 33: the cluster rule alone.
        [2, 0, 0, 0, 0, 2, 0, 2, 2, 0, 0, 0, 0, 0, 2, 2, 4, 2, 2, 0],
        // 33 exactly, with one item of D endorsed: the cut-point alone.
        [4, 2, 2, 2, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 2, 2, 2, 1, 1, 1],
    ];
    let expected: Vec<(u32, bool, bool)> = cases.iter().map(pcl5_expected).collect();
    assert_eq!(
        expected,
        [
            (40, true, true),
            (43, false, true),
            (20, true, false),
            (33, false, true)
        ]
    );
    for answers in &cases {
        press(&mut app, desk("P-305", "pcl-5", answers));
    }
    let files = records_of(dir.path(), "P-305");
    assert_eq!(files.len(), 4);
    let position = |answers: &[u32]| {
        cases
            .iter()
            .position(|case| case.as_slice() == answers)
            .expect("one of the cases")
    };
    // Recorded: both results in the `questionnaire` line, never `provisional`.
    for file in &files {
        let line = std::fs::read_to_string(file).unwrap();
        let first: Value = serde_json::from_str(line.lines().next().unwrap()).unwrap();
        let answers: Vec<u32> = serde_json::from_value(first["answers"].clone()).unwrap();
        let (total, rule, cut) = expected[position(&answers)];
        assert_eq!(first["total"], total);
        assert_eq!(first["cluster_rule"], rule, "{line}");
        assert_eq!(first["above_cutoff"], cut, "{line}");
        assert!(first.get("provisional").is_none(), "{line}");
        // The band speaks of the total alone, so it agrees with the cut-point.
        let band = if cut {
            "Total 33 or more"
        } else {
            "Total under 33"
        };
        assert_eq!(first["band"], band);
    }
    // Reported: each administration carries both, and the page shows both columns.
    let found = Questionnaires::read(&files, &instruments());
    let pcl = &found.instruments[0];
    assert_eq!(pcl.taken.len(), 4);
    for taken in &pcl.taken {
        let administration = &taken.administration;
        let (_, rule, cut) = expected[position(&administration.answers)];
        assert_eq!(administration.cluster_rule, Some(rule));
        assert_eq!(administration.above_cutoff, Some(cut));
    }
    // Exported: two components in FHIR, two columns in the CSV.
    let export = PatientExport::read("P-305", &files, &instruments());
    let bundle = fhir::bundle(&export, &instruments());
    let totals: Vec<&Value> = bundle["entry"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| &entry["resource"])
        .filter(|resource| resource["code"]["coding"][0]["code"] == "101698-9")
        .collect();
    assert_eq!(totals.len(), 4);
    for total in totals {
        let value = total["valueInteger"].as_u64().unwrap();
        let component = |system: &str| {
            total["component"]
                .as_array()
                .unwrap()
                .iter()
                .find(|component| component["code"]["coding"][0]["system"] == system)
                .map(|component| component["valueBoolean"].clone())
        };
        let case = expected
            .iter()
            .filter(|(total, _, _)| u64::from(*total) == value)
            .map(|(_, rule, cut)| (Value::from(*rule), Value::from(*cut)))
            .collect::<Vec<_>>();
        let got = (
            component(fhir::LOCAL_CLUSTER_RULE).unwrap(),
            component(fhir::LOCAL_CUT_POINT).unwrap(),
        );
        assert!(case.contains(&got), "{value}: {got:?}");
    }
    let table = csv::table(&export, &instruments());
    // Counted from the end: the words of an item may hold commas, these columns never do.
    let header: Vec<&str> = table.lines().next().unwrap().rsplit(',').collect();
    let column = |name: &str| header.iter().position(|column| *column == name).unwrap();
    for row in table.lines().skip(1).filter(|row| row.contains(",answer,")) {
        let fields: Vec<&str> = row.rsplit(',').collect();
        let total: u32 = fields[column("total")].parse().unwrap();
        let rows: Vec<(&str, &str)> = expected
            .iter()
            .filter(|(expected, _, _)| *expected == total)
            .map(|(_, rule, cut)| {
                (
                    if *rule { "met" } else { "not met" },
                    if *cut { "yes" } else { "no" },
                )
            })
            .collect();
        let got = (
            fields[column("cluster_rule")],
            fields[column("above_cutoff")],
        );
        assert!(rows.contains(&got), "{row}");
    }
}

/// Waits (frames of the real task pool) until `done` holds.
fn until(app: &mut App, what: &str, done: impl Fn(&App) -> bool) {
    let mut frames = 0;
    while !done(app) {
        assert!(frames < 2_000, "{what} never happened");
        std::thread::sleep(Duration::from_millis(5));
        app.update();
        frames += 1;
    }
}

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

/// The panel's headless app with its live library (which reads the records) on `data`.
fn library_app(data: &Path, records: &Path) -> App {
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

/// Starts the outcome-measures session for `patient` and answers PHQ-9's items in the
/// headset with `answers`, each after the last one's acknowledgement.
fn answer_phq9_in_the_headset(app: &mut App, patient: &str, answers: &[u32]) {
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

fn answer_in_the_headset(app: &mut App, value: u32) {
    app.world_mut().write_message(SessionAction::Answer(value));
    for _ in 0..20 {
        app.update();
    }
}

fn app_alert(app: &App) -> stillpoint::session::questionnaire::PendingAlert {
    app.world().resource::<SafetyAlerts>().0[0].clone()
}
