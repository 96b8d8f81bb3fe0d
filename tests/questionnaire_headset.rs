//! PHQ-9 taken in the headset, through `simulate`'s actions: one item per answer, Back to
//! correct one, answers out of range or before an item shows, and a session stopped
//! mid-questionnaire resumed at the next item with every answer kept. Expected totals and
//! bands are computed here from the published rules, not by the product's scoring.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "a test stops at the first thing that is wrong"
)]

mod common;

use bevy::prelude::*;
use common::questionnaire::events;
use common::{stdout, stillpoint};
use serde_json::Value;
use std::path::Path;

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
