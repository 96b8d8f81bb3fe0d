//! Questionnaires at the desk through the panel's requests: GAD-7 as a desk record of its
//! own, PHQ-9 during the patient's session in its record, the item-9 safety alert until it is
//! acknowledged (and on a disk that cannot be written), and PCL-5 recorded, reported and
//! exported with its cluster rule and its cut-point apart. Expected totals, bands and the
//! PCL-5 rule are computed here from the published rules, not by the product's scoring.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "a test stops at the first thing that is wrong"
)]

mod common;

use bevy::prelude::*;
use common::questionnaire::{desk, instruments, panel_app, press, records_of, waiting_alerts};
use serde_json::Value;
use std::path::Path;
use std::time::Duration;
use stillpoint::export::{PatientExport, csv, fhir};
use stillpoint::panel::intent::PanelIntent;
use stillpoint::report::outcomes::Questionnaires;
use stillpoint::session::SessionRuntime;
use stillpoint::session::questionnaire::{DeskOutcome, DeskQuestionnaireRecorded, SafetyAlerts};
use stillpoint::session::record::{EventKind, ReadRecord};
use stillpoint::session::resume::unfinished_in;
use stillpoint::session::unsaved::UnsavedRecords;

/// GAD-7's severity bands (Spitzer et al. 2006).
fn gad7_band(total: u32) -> &'static str {
    match total {
        0..=4 => "Minimal",
        5..=9 => "Mild",
        10..=14 => "Moderate",
        _ => "Severe",
    }
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
