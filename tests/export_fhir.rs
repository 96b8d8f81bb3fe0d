//! `stillpoint export` as FHIR on a patient's course of questionnaires and check-ins: the
//! bundle is checked by a real FHIR R4 validator (`tools/fhir-validate.sh`, the Python
//! package fhir.resources), which rejects a broken one, and against totals worked out here
//! from the answers.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "a test stops at the first thing that is wrong"
)]

mod common;

use common::export::{
    EXPECTED, FREQUENCY_ANSWERS, PATIENT, PCL5, PCL5_LABELS, PHQ9_ITEMS, PHQ9_WITH_ALERT, export,
    make_course, mode,
};
use common::project_path;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

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
