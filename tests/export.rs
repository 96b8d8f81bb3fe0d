//! `stillpoint export` on a patient's course of questionnaires and check-ins: the FHIR
//! bundle is checked by a real FHIR R4 validator (`tools/fhir-validate.sh`, the Python
//! package fhir.resources) and against totals worked out here from the answers, and the
//! CSV holds one row per answer.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "a test stops at the first thing that is wrong"
)]

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use common::{project_path, stillpoint};
use stillpoint::instruments::InstrumentSet;
use stillpoint::session::questionnaire::{
    acknowledge_in_file, new_administration, record_at_desk, scored_event,
};
use stillpoint::session::record::{AnsweredVia, EndReason, Event, EventKind};
use stillpoint::session::unsaved::UnsavedRecords;
use stillpoint::session::writer::RecordWriter;

const PATIENT: &str = "P-014";

/// PHQ-9's LOINC item codes, in item order, and its answers' LOINC codes by score
/// (loinc.org, panel 44249-1).
const PHQ9_ITEMS: [&str; 9] = [
    "44250-9", "44255-8", "44259-0", "44254-1", "44251-7", "44258-2", "44252-5", "44253-3",
    "44260-8",
];
const FREQUENCY_ANSWERS: [(&str, &str); 4] = [
    ("LA6568-5", "Not at all"),
    ("LA6569-3", "Several days"),
    ("LA6570-1", "More than half the days"),
    ("LA6571-9", "Nearly every day"),
];
const PCL5_LABELS: [&str; 5] = [
    "Not at all",
    "A little bit",
    "Moderately",
    "Quite a bit",
    "Extremely",
];

const PHQ9_IN_SESSION: [u32; 9] = [2, 2, 3, 2, 1, 2, 1, 1, 0];
const PHQ9_WITH_ALERT: [u32; 9] = [1, 2, 1, 2, 1, 1, 1, 0, 2];
const PHQ9_LATER: [u32; 9] = [1, 0, 1, 1, 0, 0, 1, 0, 0];
const GAD7: [u32; 7] = [2, 1, 2, 1, 0, 1, 1];
const PCL5: [u32; 20] = [3, 2, 1, 2, 3, 2, 1, 0, 2, 3, 2, 1, 2, 2, 1, 0, 3, 2, 1, 2];

/// One administration expected in the export.
struct Expected {
    instrument: &'static str,
    answers: &'static [u32],
    via: &'static str,
}

const EXPECTED: [Expected; 5] = [
    Expected {
        instrument: "phq-9",
        answers: &PHQ9_IN_SESSION,
        via: "headset",
    },
    Expected {
        instrument: "pcl-5",
        answers: &PCL5,
        via: "headset",
    },
    Expected {
        instrument: "phq-9",
        answers: &PHQ9_WITH_ALERT,
        via: "desk",
    },
    Expected {
        instrument: "gad-7",
        answers: &GAD7,
        via: "desk",
    },
    Expected {
        instrument: "phq-9",
        answers: &PHQ9_LATER,
        via: "desk",
    },
];

fn instruments() -> InstrumentSet {
    let (set, problems) = InstrumentSet::load(&[project_path("assets/instruments")]);
    assert!(problems.is_empty(), "{problems:?}");
    set
}

fn event(t: f64, kind: EventKind) -> Event {
    Event { t, kind }
}

fn session_started(started_at: &str) -> EventKind {
    EventKind::SessionStarted {
        script: "centering-before-dosing".into(),
        title: "Centering before dosing".into(),
        phase: None,
        sha256: "0".repeat(64),
        patient: PATIENT.into(),
        started_at: started_at.into(),
        steps: 9,
    }
}

fn write_record(path: &Path, events: &[Event]) {
    let mut writer = RecordWriter::create(path).expect("record");
    for event in events {
        writer.append(event).expect("line");
    }
}

/// A course of P-014: two sessions (check-ins, a PHQ-9 and a PCL-5 in the headset, and a
/// PHQ-9 left half-way after its item 9 alerted) and three desk questionnaires (a PHQ-9
/// whose item 9 alerted, acknowledged; a GAD-7; a later PHQ-9).
fn make_course(records: &Path) {
    let set = instruments();
    let get = |id: &str| set.get(id).expect("bundled").clone();
    let folder = records.join(PATIENT);

    let (phq9, alerts) = scored_event(
        &get("phq-9"),
        &new_administration("test"),
        &PHQ9_IN_SESSION,
        95.0,
        AnsweredVia::Headset,
    )
    .unwrap();
    assert!(alerts.is_empty());
    write_record(
        &folder.join("centering-before-dosing-20261102-093000.jsonl"),
        &[
            event(0.0, session_started("2026-11-02T09:30:00Z")),
            event(
                40.0,
                EventKind::CheckIn {
                    id: "suds-arrival".into(),
                    value: Some(7),
                },
            ),
            event(150.0, phq9),
            event(
                300.0,
                EventKind::CheckIn {
                    id: "suds-centered".into(),
                    value: Some(3),
                },
            ),
            event(
                330.0,
                EventKind::CheckIn {
                    id: "suds-extra".into(),
                    value: None,
                },
            ),
            event(
                400.0,
                EventKind::SessionEnded {
                    reason: EndReason::Completed,
                },
            ),
        ],
    );

    let (pcl5, _) = scored_event(
        &get("pcl-5"),
        &new_administration("test"),
        &PCL5,
        300.0,
        AnsweredVia::Headset,
    )
    .unwrap();
    write_record(
        &folder.join("creative-integration-20261109-100000.jsonl"),
        &[
            event(0.0, session_started("2026-11-09T10:00:00Z")),
            event(
                60.0,
                EventKind::SafetyAlert {
                    instrument: "phq-9".into(),
                    administration: None,
                    item: 9,
                    answer: 1,
                    message: "PHQ-9 item 9: please review".into(),
                },
            ),
            event(
                70.0,
                EventKind::QuestionnaireAbandoned {
                    instrument: "phq-9".into(),
                    administration: None,
                    answers: vec![0, 1, 0, 0, 1, 0, 0, 0, 1],
                },
            ),
            event(500.0, pcl5),
            event(
                600.0,
                EventKind::SessionEnded {
                    reason: EndReason::EndedByTherapist,
                },
            ),
        ],
    );

    let (path, pending) = record_at_desk(
        records,
        PATIENT,
        &get("phq-9"),
        &PHQ9_WITH_ALERT,
        80.0,
        &mut UnsavedRecords::default(),
    )
    .unwrap();
    assert_eq!(pending.len(), 1, "item 9 above 0 alerts");
    acknowledge_in_file(&path, &pending[0], &mut UnsavedRecords::default()).unwrap();
    record_at_desk(
        records,
        PATIENT,
        &get("gad-7"),
        &GAD7,
        50.0,
        &mut UnsavedRecords::default(),
    )
    .unwrap();
    record_at_desk(
        records,
        PATIENT,
        &get("phq-9"),
        &PHQ9_LATER,
        70.0,
        &mut UnsavedRecords::default(),
    )
    .unwrap();
}

fn export(data: &Path, out: &Path, formats: &str) -> std::process::Output {
    stillpoint(&[
        "--data",
        data.to_str().unwrap(),
        "export",
        "--patient",
        PATIENT,
        "--format",
        formats,
        "--out",
        out.to_str().unwrap(),
    ])
}

/// `tools/fhir-validate.sh` on `files`: its exit status and what it printed.
fn fhir_validate(files: &[&Path]) -> (bool, String) {
    let output = Command::new(project_path("tools/fhir-validate.sh"))
        .args(files)
        .output()
        .expect("tools/fhir-validate.sh runs");
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.status.code().is_some_and(|code| code <= 1),
        "the validator could not be set up: {said}"
    );
    (output.status.success(), said)
}

fn resources<'a>(bundle: &'a Value, kind: &str) -> Vec<(&'a str, &'a Value)> {
    bundle["entry"]
        .as_array()
        .expect("entries")
        .iter()
        .filter(|entry| entry["resource"]["resourceType"] == kind)
        .map(|entry| {
            (
                entry["fullUrl"].as_str().expect("fullUrl"),
                &entry["resource"],
            )
        })
        .collect()
}

fn coded(resource: &Value, system: &str) -> Option<String> {
    resource["code"]["coding"]
        .as_array()?
        .iter()
        .find(|coding| coding["system"] == system)
        .and_then(|coding| coding["code"].as_str())
        .map(str::to_owned)
}

/// The scores of a QuestionnaireResponse's answers, read back from their codes.
fn scores_of(response: &Value) -> Vec<u32> {
    response["item"]
        .as_array()
        .expect("items")
        .iter()
        .map(|item| {
            let coding = &item["answer"][0]["valueCoding"];
            let code = coding["code"].as_str().expect("code");
            if coding["system"] == "http://loinc.org" {
                let score = FREQUENCY_ANSWERS
                    .iter()
                    .position(|(loinc, _)| *loinc == code)
                    .expect("a known LOINC answer");
                assert_eq!(coding["display"], FREQUENCY_ANSWERS[score].1);
                score as u32
            } else {
                code.parse().expect("a score")
            }
        })
        .collect()
}

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

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn the_fhir_bundle_is_valid_r4_and_holds_every_answer() {
    let data = tempfile::tempdir().unwrap();
    make_course(&data.path().join("records"));
    let out = data.path().join("export");
    let run = export(data.path(), &out, "fhir");
    assert!(run.status.success(), "{run:?}");
    let file = out.join(format!("{PATIENT}-fhir.json"));
    assert!(
        !out.join(format!("{PATIENT}-answers.csv")).exists(),
        "only the format asked for"
    );
    #[cfg(unix)]
    assert_eq!(mode(&file), 0o600);

    let (valid, said) = fhir_validate(&[&file]);
    assert!(valid, "{said}");
    assert!(said.contains("valid FHIR R4 Bundle"), "{said}");

    let bundle: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(bundle["resourceType"], "Bundle");
    assert_eq!(bundle["type"], "collection");
    let entries = bundle["entry"].as_array().unwrap();
    let mut urls: Vec<&str> = entries
        .iter()
        .map(|entry| entry["fullUrl"].as_str().unwrap())
        .collect();
    for url in &urls {
        let uuid = url.strip_prefix("urn:uuid:").expect("a urn:uuid");
        assert_eq!(uuid.len(), 36, "{url}");
        assert_eq!(&uuid[14..15], "4", "version 4 layout: {url}");
    }
    urls.sort_unstable();
    urls.dedup();
    assert_eq!(urls.len(), entries.len(), "fullUrls are unique");

    // The Patient: the pseudonymous code, and nothing else.
    let patients = resources(&bundle, "Patient");
    let [(patient_url, patient)] = patients.as_slice() else {
        panic!("one Patient: {patients:?}");
    };
    let keys: Vec<&String> = patient.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["identifier", "resourceType"]);
    assert_eq!(
        patient["identifier"],
        serde_json::json!([{ "system": "urn:stillpoint:patient-code", "value": PATIENT }])
    );

    // A QuestionnaireResponse per administration.
    let responses = resources(&bundle, "QuestionnaireResponse");
    assert_eq!(responses.len(), EXPECTED.len());
    let mut by_url = BTreeMap::new();
    for expected in &EXPECTED {
        let found: Vec<_> = responses
            .iter()
            .filter(|(_, response)| scores_of(response) == expected.answers)
            .collect();
        let [(url, response)] = found.as_slice() else {
            panic!("one response with {:?}", expected.answers);
        };
        assert_eq!(response["status"], "completed");
        assert_eq!(response["subject"]["reference"], *patient_url);
        assert!(
            humantime::parse_rfc3339(response["authored"].as_str().unwrap()).is_ok(),
            "{}",
            response["authored"]
        );
        // LOINC's form where every item has its LOINC code; PCL-5's items have none here,
        // so its answers name Stillpoint's own form, whose linkIds are the item numbers.
        let questionnaire = match expected.instrument {
            "phq-9" => "http://loinc.org/q/44249-1",
            "gad-7" => "http://loinc.org/q/69737-5",
            _ => "urn:stillpoint:questionnaire:pcl-5",
        };
        assert_eq!(response["questionnaire"], questionnaire);
        let items = response["item"].as_array().unwrap();
        assert_eq!(items.len(), expected.answers.len());
        for (index, item) in items.iter().enumerate() {
            assert!(item["text"].as_str().is_some_and(|text| !text.is_empty()));
            match expected.instrument {
                "phq-9" => assert_eq!(item["linkId"], PHQ9_ITEMS[index]),
                "pcl-5" => {
                    assert_eq!(item["linkId"], (index + 1).to_string());
                    let coding = &item["answer"][0]["valueCoding"];
                    assert_eq!(coding["system"], "urn:stillpoint:answer:pcl-5");
                    assert_eq!(
                        coding["display"],
                        PCL5_LABELS[expected.answers[index] as usize]
                    );
                }
                _ => {}
            }
        }
        by_url.insert(url.to_string(), expected);
    }

    // An Observation per total, derived from its response, with the total worked out here.
    let observations = resources(&bundle, "Observation");
    let totals: Vec<&Value> = observations
        .iter()
        .map(|(_, observation)| *observation)
        .filter(|observation| coded(observation, "http://loinc.org").is_some())
        .collect();
    assert_eq!(totals.len(), EXPECTED.len());
    for total in &totals {
        let from = total["derivedFrom"][0]["reference"].as_str().unwrap();
        let expected = by_url.get(from).expect("derived from a response");
        let sum: u32 = expected.answers.iter().sum();
        let code = match expected.instrument {
            "phq-9" => "44261-6",
            "gad-7" => "70274-6",
            _ => "101698-9",
        };
        assert_eq!(
            coded(total, "http://loinc.org").as_deref(),
            Some(code),
            "{total}"
        );
        assert_eq!(total["valueInteger"], sum);
        assert_eq!(total["status"], "final");
        assert_eq!(total["subject"]["reference"], *patient_url);
        assert_eq!(
            total["category"][0]["coding"][0],
            serde_json::json!({
                "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                "code": "survey",
                "display": "Survey",
            })
        );
        assert!(humantime::parse_rfc3339(total["effectiveDateTime"].as_str().unwrap()).is_ok());
        if expected.instrument == "phq-9" {
            assert_eq!(total["interpretation"][0]["text"], common::phq9_band(sum));
        }
        let notes = total["note"].to_string();
        if expected.answers == PHQ9_WITH_ALERT {
            assert!(
                notes.contains("item 9 answered 2")
                    && notes.contains("acknowledged by the therapist"),
                "the alert is on the total: {notes}"
            );
        } else {
            assert!(!notes.contains("Safety alert"), "{notes}");
        }
        if expected.instrument == "pcl-5" {
            // Criteria B-E: items 1-5, 6-7, 8-14, 15-20; an item counts from 2.
            let clusters: [(&str, std::ops::RangeInclusive<usize>, usize); 4] = [
                ("B", 1..=5, 1),
                ("C", 6..=7, 1),
                ("D", 8..=14, 2),
                ("E", 15..=20, 2),
            ];
            let components = total["component"].as_array().expect("components");
            let mut all_met = true;
            for (criterion, items, needed) in clusters {
                let answers = &PCL5[items.start() - 1..*items.end()];
                let component = components
                    .iter()
                    .find(|component| component["code"]["coding"][0]["code"] == criterion)
                    .expect("a component per criterion");
                assert_eq!(
                    component["valueInteger"],
                    answers.iter().sum::<u32>(),
                    "{criterion}"
                );
                all_met &= answers.iter().filter(|&&answer| answer >= 2).count() >= needed;
            }
            let result = |system: &str| {
                components
                    .iter()
                    .find(|component| component["code"]["coding"][0]["system"] == system)
                    .map(|component| component["valueBoolean"].clone())
            };
            assert_eq!(
                result("urn:stillpoint:cluster-rule"),
                Some(Value::from(all_met))
            );
            assert_eq!(
                result("urn:stillpoint:cut-point"),
                Some(Value::from(sum >= 33))
            );
            assert!(result("urn:stillpoint:provisional-diagnosis").is_none());
        }
    }

    // Both safety alerts are there: the one of the desk PHQ-9 (acknowledged) and the one
    // of the PHQ-9 left half-way in a session (not).
    let alerts: Vec<&Value> = observations
        .iter()
        .map(|(_, observation)| *observation)
        .filter(|observation| coded(observation, "urn:stillpoint:safety-alert").is_some())
        .collect();
    assert_eq!(alerts.len(), 2, "{alerts:?}");
    for alert in &alerts {
        assert_eq!(
            coded(alert, "urn:stillpoint:safety-alert").as_deref(),
            Some("phq-9-item-9")
        );
    }
    let acknowledged = alerts
        .iter()
        .find(|alert| alert["valueInteger"] == 2)
        .expect("the desk alert");
    assert!(
        acknowledged["interpretation"][0]["text"]
            .as_str()
            .unwrap()
            .contains("acknowledged by the therapist")
    );
    let left = alerts
        .iter()
        .find(|alert| alert["valueInteger"] == 1)
        .expect("the alert of the questionnaire left half-way");
    assert!(left["derivedFrom"].is_null());
    assert!(
        left["interpretation"][0]["text"]
            .as_str()
            .unwrap()
            .contains("NOT acknowledged")
    );
    assert_eq!(left["effectiveDateTime"], "2026-11-09T10:01:00Z");

    // Check-ins, at the session's start plus their time; the unanswered one is left out.
    let check_ins: Vec<(String, &Value)> = observations
        .iter()
        .filter_map(|(_, observation)| {
            Some((coded(observation, "urn:stillpoint:check-in")?, *observation))
        })
        .collect();
    let seen: Vec<(&str, &Value, &Value)> = check_ins
        .iter()
        .map(|(code, observation)| {
            (
                code.as_str(),
                &observation["valueInteger"],
                &observation["effectiveDateTime"],
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            (
                "suds-arrival",
                &Value::from(7),
                &Value::from("2026-11-02T09:30:40Z")
            ),
            (
                "suds-centered",
                &Value::from(3),
                &Value::from("2026-11-02T09:35:00Z")
            ),
        ]
    );
    for (_, observation) in &check_ins {
        assert_eq!(observation["category"][0]["coding"][0]["code"], "survey");
        assert_eq!(observation["subject"]["reference"], *patient_url);
    }
    assert_eq!(
        entries.len(),
        1 + 2 * EXPECTED.len() + alerts.len() + check_ins.len(),
        "nothing else in the bundle"
    );

    // Exported again: the same bytes.
    let again = data.path().join("again");
    assert!(export(data.path(), &again, "fhir").status.success());
    assert_eq!(
        std::fs::read(&file).unwrap(),
        std::fs::read(again.join(format!("{PATIENT}-fhir.json"))).unwrap()
    );
}

#[test]
fn the_validator_rejects_a_broken_bundle() {
    let data = tempfile::tempdir().unwrap();
    make_course(&data.path().join("records"));
    let out = data.path().join("export");
    assert!(export(data.path(), &out, "fhir").status.success());
    let file = out.join(format!("{PATIENT}-fhir.json"));
    let bundle: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();

    let broken = |name: &str, change: &dyn Fn(&mut Value)| -> PathBuf {
        let mut copy = bundle.clone();
        change(&mut copy);
        let path = data.path().join(name);
        std::fs::write(&path, serde_json::to_vec_pretty(&copy).unwrap()).unwrap();
        path
    };
    let first_observation = |bundle: &mut Value| -> usize {
        bundle["entry"]
            .as_array()
            .unwrap()
            .iter()
            .position(|entry| entry["resource"]["resourceType"] == "Observation")
            .unwrap()
    };
    let no_status = broken("no-status.json", &|copy| {
        let at = first_observation(copy);
        copy["entry"][at]["resource"]
            .as_object_mut()
            .unwrap()
            .remove("status");
    });
    let unknown_type = broken("unknown-type.json", &|copy| {
        let at = first_observation(copy);
        copy["entry"][at]["resource"]["resourceType"] = "Observaton".into();
    });
    let bad_date = broken("bad-date.json", &|copy| {
        let at = first_observation(copy);
        copy["entry"][at]["resource"]["effectiveDateTime"] = "last Tuesday".into();
    });

    let (valid, said) = fhir_validate(&[&file, &no_status, &unknown_type, &bad_date]);
    assert!(!valid, "{said}");
    let lines: Vec<&str> = said
        .lines()
        .filter(|line| line.contains(".json:"))
        .collect();
    assert_eq!(lines.len(), 4, "one line per file: {said}");
    assert!(lines[0].contains("valid FHIR R4 Bundle"), "{said}");
    for (line, why) in lines[1..]
        .iter()
        .zip(["status", "Observaton", "effectiveDateTime"])
    {
        assert!(line.contains("INVALID") && line.contains(why), "{line}");
    }
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
