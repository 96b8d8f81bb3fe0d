//! The FHIR R4 Bundle of a patient's export: one `Patient` identified by the pseudonymous
//! code alone, a `QuestionnaireResponse` per questionnaire answered, an `Observation`
//! (category `survey`) per total, per check-in and per safety alert.

use serde_json::{Value, json};

use std::fmt::Write;

use super::{PatientExport, administration_keys, record_name};
use crate::instruments::{Instrument, InstrumentSet};
use crate::report::alerts::NOT_RECORDED;
use crate::report::outcomes::{Administration, RaisedAlert};
use crate::session::record::AnsweredVia;

/// LOINC.
pub const LOINC: &str = "http://loinc.org";
/// The Patient's only identifier: the pseudonymous code.
pub const PATIENT_CODE: &str = "urn:stillpoint:patient-code";
/// Where each resource came from: `<record file>#<key>` (identifiers, not codes).
pub const RECORD_SOURCE: &str = "urn:stillpoint:record";
/// A questionnaire that is not sent as LOINC's form (no LOINC panel, or items without LOINC
/// codes, as PCL-5's): `urn:stillpoint:questionnaire:<instrument id>`, whose `linkId`s are
/// the item numbers.
pub const LOCAL_QUESTIONNAIRE: &str = "urn:stillpoint:questionnaire";
/// Answers without a LOINC answer code: `urn:stillpoint:answer:<instrument id>`, the code
/// the answer's score (`0`, `1`, …), the display its words.
pub const LOCAL_ANSWER: &str = "urn:stillpoint:answer";
/// Totals without a LOINC code: the code is the instrument's id.
pub const LOCAL_TOTAL: &str = "urn:stillpoint:total";
/// Subscales (PCL-5's DSM-5 clusters): `urn:stillpoint:subscale:<instrument id>`, the code
/// the criterion (`B`…`E`).
pub const LOCAL_SUBSCALE: &str = "urn:stillpoint:subscale";
/// The cluster rule's result (PCL-5: the DSM-5 rule): the code is the instrument's id.
pub const LOCAL_CLUSTER_RULE: &str = "urn:stillpoint:cluster-rule";
/// The cut-point's result (the total at or above it): the code is the instrument's id.
pub const LOCAL_CUT_POINT: &str = "urn:stillpoint:cut-point";
/// Check-ins (SUDS and other 0–10 ratings): the code is the check-in's id from the script.
pub const LOCAL_CHECK_IN: &str = "urn:stillpoint:check-in";
/// Safety alerts: the code is `<instrument id>-item-<n>`.
pub const LOCAL_SAFETY_ALERT: &str = "urn:stillpoint:safety-alert";
/// FHIR's observation categories.
pub const OBSERVATION_CATEGORY: &str = "http://terminology.hl7.org/CodeSystem/observation-category";

/// The Bundle (type `collection`) of `export`. Every entry's `fullUrl` is a `urn:uuid:`
/// made from the patient, the record file and what in it the entry stands for, so that a
/// second export of the same records gives the same identifiers.
pub fn bundle(export: &PatientExport, instruments: &InstrumentSet) -> Value {
    let patient = &export.patient;
    let patient_url = urn(&[patient, "Patient"]);
    let mut entries = vec![entry(
        &patient_url,
        json!({
            "resourceType": "Patient",
            "identifier": [{ "system": PATIENT_CODE, "value": patient }],
        }),
    )];
    let keys = administration_keys(&export.administrations);
    for (taken, key) in export.administrations.iter().zip(&keys) {
        let instrument = instruments.get(&taken.instrument).map(AsRef::as_ref);
        let file = record_name(&taken.record);
        let response_url = urn(&[patient, &file, key, "QuestionnaireResponse"]);
        entries.push(entry(
            &response_url,
            questionnaire_response(taken, instrument, &patient_url, &file, key),
        ));
        let own: Vec<&RaisedAlert> = taken.alerts.iter().collect();
        entries.push(entry(
            &urn(&[patient, &file, key, "total"]),
            total(
                taken,
                instrument,
                &own,
                &patient_url,
                &response_url,
                &file,
                key,
            ),
        ));
        for alert in &own {
            entries.push(alert_entry(
                patient,
                alert,
                instrument,
                Some(&taken.taken_at),
                &patient_url,
                Some(&response_url),
            ));
        }
    }
    // Alerts of questionnaires left before their answers were confirmed: never lost.
    for alert in export.alerts_left() {
        let instrument = instruments.get(&alert.instrument).map(AsRef::as_ref);
        entries.push(alert_entry(
            patient,
            alert,
            instrument,
            alert.when.as_ref(),
            &patient_url,
            None,
        ));
    }
    for (index, check_in) in export.check_ins.iter().enumerate() {
        let file = record_name(&check_in.record);
        let key = format!("check-in/{index}/{}/{}", check_in.id, check_in.at);
        let mut observation = json!({
            "resourceType": "Observation",
            "identifier": [source(&file, &key)],
            "status": "final",
            "category": [survey()],
            "code": {
                "coding": [{ "system": LOCAL_CHECK_IN, "code": check_in.id }],
                "text": format!("Check-in \"{}\" (0-10)", check_in.id),
            },
            "subject": reference(&patient_url),
            "valueInteger": check_in.value,
            "note": [{ "text": format!(
                "Answered in the session \"{}\" ({}), {} s after it began.",
                check_in.title, check_in.script, check_in.at.round()
            ) }],
        });
        if let (Some(at), Some(map)) = (&check_in.answered_at, observation.as_object_mut()) {
            map.insert("effectiveDateTime".to_owned(), json!(at));
        }
        entries.push(entry(&urn(&[patient, &file, &key]), observation));
    }
    json!({
        "resourceType": "Bundle",
        "type": "collection",
        "entry": entries,
    })
}

fn questionnaire_response(
    taken: &Administration,
    instrument: Option<&Instrument>,
    patient_url: &str,
    file: &str,
    key: &str,
) -> Value {
    // LOINC's form only when every item has its LOINC code, to be its `linkId`.
    let loinc = instrument.filter(|known| known.has_loinc_items());
    let canonical = match loinc.and_then(|known| known.loinc_panel.as_deref()) {
        Some(panel) => format!("http://loinc.org/q/{panel}"),
        None => format!("{LOCAL_QUESTIONNAIRE}:{}", taken.instrument),
    };
    let items: Vec<Value> = (1u32..)
        .zip(&taken.answers)
        .map(|(number, &score)| {
            let link_id = loinc
                .and_then(|known| {
                    known
                        .items
                        .get(usize::try_from(number).ok()?.checked_sub(1)?)
                })
                .and_then(|item| item.loinc.clone())
                .unwrap_or_else(|| number.to_string());
            let response = instrument.and_then(|instrument| {
                instrument
                    .responses
                    .get(usize::try_from(score).ok()?)
                    .cloned()
            });
            let label = instrument.and_then(|known| known.answer_label(score));
            let coding = match response
                .as_ref()
                .and_then(|response| response.loinc.clone())
            {
                Some(code) => json!({ "system": LOINC, "code": code, "display": label }),
                None => {
                    let mut coding = json!({
                        "system": format!("{LOCAL_ANSWER}:{}", taken.instrument),
                        "code": score.to_string(),
                    });
                    if let (Some(label), Some(map)) = (label, coding.as_object_mut()) {
                        map.insert("display".to_owned(), json!(label));
                    }
                    coding
                }
            };
            let mut item = json!({
                "linkId": link_id,
                "answer": [{ "valueCoding": coding }],
            });
            let text = instrument.and_then(|known| known.item_text(number));
            if let (Some(text), Some(map)) = (text, item.as_object_mut()) {
                map.insert("text".to_owned(), json!(text));
            }
            item
        })
        .collect();
    let mut response = json!({
        "resourceType": "QuestionnaireResponse",
        "identifier": source(file, key),
        "questionnaire": canonical,
        "status": "completed",
        "subject": reference(patient_url),
        "item": items,
    });
    if let Some(map) = response.as_object_mut() {
        if is_date_time(&taken.taken_at) {
            map.insert("authored".to_owned(), json!(taken.taken_at));
        }
        if items_empty(map) {
            map.remove("item");
        }
    }
    response
}

fn items_empty(map: &serde_json::Map<String, Value>) -> bool {
    map.get("item")
        .and_then(Value::as_array)
        .is_some_and(Vec::is_empty)
}

fn total(
    taken: &Administration,
    instrument: Option<&Instrument>,
    alerts: &[&RaisedAlert],
    patient_url: &str,
    response_url: &str,
    file: &str,
    key: &str,
) -> Value {
    let coding = match instrument.and_then(|instrument| instrument.loinc_total.as_deref()) {
        Some(code) => json!({ "system": LOINC, "code": code }),
        None => json!({ "system": LOCAL_TOTAL, "code": taken.instrument }),
    };
    let mut interpretation = vec![json!({ "text": taken.band })];
    let mut notes = vec![json!({ "text": format!(
        "{} answered {} ({} s).",
        taken.name,
        match taken.via {
            AnsweredVia::Headset => "in the headset during a session",
            AnsweredVia::Desk => "at the desk",
        },
        taken.secs
    ) })];
    for alert in alerts {
        interpretation.push(json!({ "text": format!(
            "Safety alert: item {} answered {}",
            alert.item, alert.answer
        ) }));
        notes.push(json!({ "text": alert_words(alert, instrument) }));
    }
    let mut components = Vec::new();
    for cluster in &taken.subscales {
        let name = instrument
            .and_then(|instrument| instrument.cluster(&cluster.criterion))
            .map_or_else(String::new, |known| format!(" ({})", known.name));
        components.push(json!({
            "code": {
                "coding": [{
                    "system": format!("{LOCAL_SUBSCALE}:{}", taken.instrument),
                    "code": cluster.criterion,
                }],
                "text": format!("Criterion {}{name} score", cluster.criterion),
            },
            "valueInteger": cluster.score,
            "interpretation": [{ "text": format!(
                "{} items endorsed; criterion {}",
                cluster.endorsed,
                if cluster.met { "met" } else { "not met" }
            ) }],
        }));
    }
    if let Some(met) = taken.cluster_rule {
        components.push(json!({
            "code": {
                "coding": [{ "system": LOCAL_CLUSTER_RULE, "code": taken.instrument }],
                "text": format!("{} DSM-5 cluster rule met (every cluster)", taken.name),
            },
            "valueBoolean": met,
        }));
    }
    if let Some(above) = taken.above_cutoff {
        let cutoff = instrument
            .and_then(|instrument| instrument.cutoff)
            .map_or_else(String::new, |cutoff| format!(" ({cutoff})"));
        components.push(json!({
            "code": {
                "coding": [{ "system": LOCAL_CUT_POINT, "code": taken.instrument }],
                "text": format!("{} total at or above the cut-point{cutoff}", taken.name),
            },
            "valueBoolean": above,
        }));
    }
    let mut observation = json!({
        "resourceType": "Observation",
        "identifier": [source(file, &format!("{key}/total"))],
        "status": "final",
        "category": [survey()],
        "code": {
            "coding": [coding],
            "text": format!("{} total score", taken.name),
        },
        "subject": reference(patient_url),
        "valueInteger": taken.total,
        "interpretation": interpretation,
        "note": notes,
        "derivedFrom": [reference(response_url)],
    });
    if let Some(map) = observation.as_object_mut() {
        if is_date_time(&taken.taken_at) {
            map.insert("effectiveDateTime".to_owned(), json!(taken.taken_at));
        }
        if !components.is_empty() {
            map.insert("component".to_owned(), Value::Array(components));
        }
    }
    observation
}

fn alert_entry(
    patient: &str,
    alert: &RaisedAlert,
    instrument: Option<&Instrument>,
    when: Option<&String>,
    patient_url: &str,
    response_url: Option<&str>,
) -> Value {
    let file = record_name(&alert.record);
    let key = format!(
        "safety-alert/{}/{}/{}",
        alert.instrument, alert.item, alert.at
    );
    let name = instrument.map_or(alert.instrument.as_str(), |instrument| {
        instrument.short.as_str()
    });
    let mut observation = json!({
        "resourceType": "Observation",
        "identifier": [source(&file, &key)],
        "status": "final",
        "category": [survey()],
        "code": {
            "coding": [{
                "system": LOCAL_SAFETY_ALERT,
                "code": format!("{}-item-{}", alert.instrument, alert.item),
            }],
            "text": format!("{name} item {} safety alert", alert.item),
        },
        "subject": reference(patient_url),
        "valueInteger": alert.answer,
        "interpretation": [{ "text": format!(
            "Safety alert {}; {}",
            if alert.recorded { "raised" } else { "found from the answers, no alert line recorded" },
            if alert.acknowledged {
                "acknowledged by the therapist"
            } else {
                "NOT acknowledged in Stillpoint"
            }
        ) }],
        "note": [{ "text": alert_words(alert, instrument) }, { "text": alert.message }],
    });
    if let Some(map) = observation.as_object_mut() {
        if let Some(when) = when.filter(|when| is_date_time(when)) {
            map.insert("effectiveDateTime".to_owned(), json!(when));
        }
        match response_url {
            Some(url) => {
                map.insert("derivedFrom".to_owned(), json!([reference(url)]));
            }
            None => {
                if let Some(Value::Array(notes)) = map.get_mut("note") {
                    notes.push(json!({ "text": format!(
                        "The questionnaire was left before its answers were confirmed ({} s into the session in {file}).",
                        alert.at
                    ) }));
                }
            }
        }
    }
    entry(&urn(&[patient, &file, &key]), observation)
}

/// The alert in a sentence: the item, the answer, whether it was acknowledged, and where
/// it applies, that the answer was changed after it and that no line was recorded.
fn alert_words(alert: &RaisedAlert, instrument: Option<&Instrument>) -> String {
    let label = instrument
        .and_then(|known| known.answer_label(alert.answer))
        .map(|label| format!(" (\"{label}\")"))
        .unwrap_or_default();
    let mut words = format!(
        "Safety alert: item {} answered {}{label}, above its safety threshold; {}.",
        alert.item,
        alert.answer,
        if alert.acknowledged {
            "acknowledged by the therapist in Stillpoint"
        } else {
            "not acknowledged in Stillpoint"
        }
    );
    if let Some(revision) = alert.revision_in_words(instrument) {
        let _ = write!(words, " Revised: the patient {revision}.");
    }
    if !alert.recorded {
        let _ = write!(words, " This alert was {NOT_RECORDED}.");
    }
    words
}

fn entry(full_url: &str, resource: Value) -> Value {
    json!({ "fullUrl": full_url, "resource": resource })
}

fn urn(parts: &[&str]) -> String {
    format!("urn:uuid:{}", super::stable_uuid(parts))
}

fn reference(url: &str) -> Value {
    json!({ "reference": url })
}

fn source(file: &str, key: &str) -> Value {
    json!({ "system": RECORD_SOURCE, "value": format!("{file}#{key}") })
}

fn survey() -> Value {
    json!({
        "coding": [{ "system": OBSERVATION_CATEGORY, "code": "survey", "display": "Survey" }],
    })
}

/// True for an RFC 3339 time as records write them (FHIR's `dateTime` takes it as is).
fn is_date_time(text: &str) -> bool {
    humantime::parse_rfc3339(text).is_ok()
}
