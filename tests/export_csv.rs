//! `stillpoint export` as CSV on a patient's course of questionnaires and check-ins: one row
//! per answer and one per safety alert; and an unknown or wrong patient is one sentence and
//! exit 1, with nothing written.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "a test stops at the first thing that is wrong"
)]

mod common;

use common::export::{
    EXPECTED, FREQUENCY_ANSWERS, PATIENT, PCL5_LABELS, PHQ9_WITH_ALERT, export, make_course, mode,
};
use common::stillpoint;
use std::collections::BTreeMap;

/// RFC 4180 fields and records (quoted fields may hold commas, quotes and line breaks).
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => assert_eq!(chars.next(), Some('\n'), "CRLF line ends"),
            (false, '\n') => panic!("a bare LF ends a line"),
            (false, c) => field.push(c),
        }
        if !quoted && c == '\r' {
            row.push(std::mem::take(&mut field));
            rows.push(std::mem::take(&mut row));
        }
    }
    assert!(
        field.is_empty() && row.is_empty(),
        "the last line ends in CRLF"
    );
    rows
}

/// The CSV's rows as maps from column name to field, after the header.
fn csv_rows(text: &str) -> Vec<BTreeMap<String, String>> {
    let rows = parse_csv(text);
    let header = rows[0].clone();
    rows[1..]
        .iter()
        .map(|row| {
            assert_eq!(row.len(), header.len(), "{row:?}");
            header.iter().cloned().zip(row.iter().cloned()).collect()
        })
        .collect()
}

#[test]
fn the_csv_has_one_row_per_answer() {
    let data = tempfile::tempdir().unwrap();
    make_course(&data.path().join("records"));
    let out = data.path().join("export");
    let run = export(data.path(), &out, "csv");
    assert!(run.status.success(), "{run:?}");
    let file = out.join(format!("{PATIENT}-answers.csv"));
    assert!(!out.join(format!("{PATIENT}-fhir.json")).exists());
    #[cfg(unix)]
    assert_eq!(mode(&file), 0o600);
    let text = std::fs::read_to_string(&file).unwrap();
    assert_eq!(
        parse_csv(&text)[0],
        [
            "patient",
            "row",
            "taken_at",
            "instrument",
            "item",
            "item_text",
            "answer_score",
            "answer_label",
            "total",
            "band",
            "cluster_rule",
            "above_cutoff",
            "alert_recorded",
            "acknowledged (who acknowledged is not recorded)",
            "note",
            "via",
            "record"
        ]
    );
    let rows = csv_rows(&text);
    assert!(rows.iter().all(|row| row["patient"] == PATIENT));
    let of = |kind: &str| -> Vec<&BTreeMap<String, String>> {
        rows.iter().filter(|row| row["row"] == kind).collect()
    };
    let answers: usize = EXPECTED.iter().map(|expected| expected.answers.len()).sum();
    assert_eq!(of("answer").len(), answers, "one row per answer");
    assert_eq!(of("safety_alert").len(), 2, "one row per alert");
    assert_eq!(rows.len(), answers + 2 + 2, "and one per check-in");

    // Group the questionnaire rows by administration (record file and time taken).
    let mut groups: BTreeMap<(String, String, String), Vec<&BTreeMap<String, String>>> =
        BTreeMap::new();
    for row in of("answer") {
        groups
            .entry((
                row["record"].clone(),
                row["taken_at"].clone(),
                row["instrument"].clone(),
            ))
            .or_default()
            .push(row);
    }
    assert_eq!(groups.len(), EXPECTED.len());
    for expected in &EXPECTED {
        let found: Vec<_> = groups
            .iter()
            .filter(|((_, _, instrument), group)| {
                instrument == expected.instrument
                    && group
                        .iter()
                        .map(|row| row["answer_score"].parse::<u32>().unwrap())
                        .eq(expected.answers.iter().copied())
            })
            .collect();
        let [(_, group)] = found.as_slice() else {
            panic!("one administration of {:?}", expected.answers);
        };
        let sum: u32 = expected.answers.iter().sum();
        for (index, row) in group.iter().enumerate() {
            assert_eq!(row["item"], (index + 1).to_string());
            assert!(!row["item_text"].is_empty(), "the item's words");
            let label = match expected.instrument {
                "pcl-5" => PCL5_LABELS[expected.answers[index] as usize],
                _ => FREQUENCY_ANSWERS[expected.answers[index] as usize].1,
            };
            assert_eq!(row["answer_label"], label);
            assert_eq!(row["total"], sum.to_string());
            if expected.instrument == "phq-9" {
                assert_eq!(row["band"], common::phq9_band(sum));
                assert_eq!(
                    (row["cluster_rule"].as_str(), row["above_cutoff"].as_str()),
                    ("", "")
                );
            }
            assert_eq!(row["via"], expected.via);
            assert!(row["record"].ends_with(".jsonl"));
            assert_eq!(row["note"], "", "no answer was changed");
        }
    }
    // A comma in an item's words comes back whole.
    assert!(
        rows.iter()
            .any(|row| row["item_text"] == "Feeling down, depressed, or hopeless")
    );

    let check_ins: Vec<[&str; 3]> = of("check_in")
        .iter()
        .map(|row| {
            [
                row["taken_at"].as_str(),
                row["instrument"].as_str(),
                row["answer_score"].as_str(),
            ]
        })
        .collect();
    assert_eq!(
        check_ins,
        [
            ["2026-11-02T09:30:40Z", "suds-arrival", "7"],
            ["2026-11-02T09:35:00Z", "suds-centered", "3"],
        ]
    );
}

#[test]
fn the_csv_has_a_row_for_each_safety_alert() {
    let data = tempfile::tempdir().unwrap();
    make_course(&data.path().join("records"));
    let out = data.path().join("export");
    let run = export(data.path(), &out, "csv");
    assert!(run.status.success(), "{run:?}");
    let text = std::fs::read_to_string(out.join(format!("{PATIENT}-answers.csv"))).unwrap();
    let rows = csv_rows(&text);
    let alerts: Vec<&BTreeMap<String, String>> = rows
        .iter()
        .filter(|row| row["row"] == "safety_alert")
        .collect();
    let acknowledged = "acknowledged (who acknowledged is not recorded)";
    // The desk PHQ-9 whose item 9 was answered 2: raised, recorded, acknowledged, right
    // after that administration's answers.
    let desk = alerts
        .iter()
        .find(|row| row["answer_score"] == "2")
        .expect("the row of the alert on item 9 answered 2");
    assert_eq!(desk["instrument"], "phq-9");
    assert_eq!(desk["item"], "9");
    assert!(desk["item_text"].contains("better off dead"), "{desk:?}");
    assert_eq!(desk["answer_label"], "More than half the days");
    assert_eq!(desk["alert_recorded"], "yes");
    assert_eq!(desk[acknowledged], "yes");
    assert_eq!(desk["via"], "desk");
    assert_eq!(
        desk["total"],
        PHQ9_WITH_ALERT.iter().sum::<u32>().to_string()
    );
    let position =
        |wanted: &BTreeMap<String, String>| rows.iter().position(|row| row == wanted).unwrap();
    let before = &rows[position(desk) - 1];
    assert_eq!(
        (
            before["row"].as_str(),
            before["item"].as_str(),
            before["taken_at"].as_str()
        ),
        ("answer", "9", desk["taken_at"].as_str())
    );
    // The PHQ-9 left half-way: its alert row too, not acknowledged, said to be unsent.
    let left = alerts
        .iter()
        .find(|row| row["answer_score"] == "1")
        .expect("the alert of the questionnaire left half-way");
    assert_eq!(left[acknowledged], "no");
    assert_eq!(left["taken_at"], "2026-11-09T10:01:00Z");
    assert!(
        left["note"].contains("left before its answers were sent"),
        "{left:?}"
    );
    assert_eq!(left["total"], "");
}

#[test]
fn an_unknown_or_wrong_patient_is_one_sentence_and_exit_1() {
    let data = tempfile::tempdir().unwrap();
    make_course(&data.path().join("records"));
    let out = data.path().join("export");
    for patient in ["P-999", "Jane Doe"] {
        let run = stillpoint(&[
            "--data",
            data.path().to_str().unwrap(),
            "export",
            "--patient",
            patient,
            "--out",
            out.to_str().unwrap(),
        ]);
        let said = String::from_utf8_lossy(&run.stderr);
        assert_eq!(run.status.code(), Some(1), "{said}");
        assert_eq!(said.trim().lines().count(), 1, "{said}");
        assert!(
            said.contains(patient) && !said.contains("panicked"),
            "{said}"
        );
        assert!(!out.exists(), "nothing written");
    }
}
