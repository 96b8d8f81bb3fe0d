//! `stillpoint simulate`: the real runtime, headless, at full speed, printing the record.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "a test stops at the first thing that is wrong"
)]

mod common;

use common::{stdout, stillpoint};
use serde_json::Value;

fn record_lines(output: &std::process::Output) -> Vec<Value> {
    stdout(output)
        .lines()
        .map(|line| serde_json::from_str(line).expect("each record line is JSON"))
        .collect()
}

fn events_named<'a>(lines: &'a [Value], name: &str) -> Vec<&'a Value> {
    lines.iter().filter(|line| line["event"] == name).collect()
}

fn stats(output: &std::process::Output) -> (u64, f64, f64) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    let last = stderr.lines().last().expect("a stats line");
    let mut fields = last
        .split(' ')
        .map(|field| field.split_once('=').expect("key=value"));
    let mut next = |key: &str| {
        let (name, value) = fields.next().expect("field");
        assert_eq!(name, key, "{last}");
        value.to_owned()
    };
    let frames = next("frames").parse().expect("frames");
    let p50 = next("frame_us_p50").parse().expect("p50");
    let p99 = next("frame_us_p99").parse().expect("p99");
    (frames, p50, p99)
}

#[test]
fn therapist_actions_land_in_the_record_at_their_times() {
    let output = stillpoint(&[
        "simulate",
        "--session",
        "centering-before-dosing",
        "--action",
        "30=pause",
        "--action",
        "40=resume",
        "--action",
        "200=calm",
        "--action",
        "230=calm-end",
        "--action",
        "300=end",
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let lines = record_lines(&output);
    assert_eq!(lines[0]["event"], "session_started");
    assert_eq!(lines[0]["script"], "centering-before-dosing");
    assert_eq!(lines[0]["sha256"].as_str().map(str::len), Some(64));
    for (name, t) in [
        ("paused", 30.0),
        ("resumed", 40.0),
        ("calm_on", 200.0),
        ("calm_off", 230.0),
    ] {
        let found = events_named(&lines, name);
        assert_eq!(found.len(), 1, "{name}");
        let at = found[0]["t"].as_f64().expect("t");
        assert!((at - t).abs() <= 0.012, "{name} at {at}, expected {t}");
    }
    let last = lines.last().expect("lines");
    assert_eq!(last["event"], "session_ended");
    assert_eq!(last["reason"], "ended_by_therapist");
    assert!((last["t"].as_f64().expect("t") - 300.0).abs() <= 0.012);
    // Every line has a numeric t and an event name, and time never runs backwards.
    let times: Vec<f64> = lines
        .iter()
        .map(|line| line["t"].as_f64().expect("t"))
        .collect();
    assert!(times.windows(2).all(|pair| pair[0] <= pair[1]));
    // 300 s at 90 Hz.
    let (frames, p50, p99) = stats(&output);
    assert!((26_990..=27_010).contains(&frames), "{frames} frames");
    assert!(p50 > 0.0 && p99 >= p50);
}

#[test]
fn without_actions_waiting_steps_auto_continue_and_check_ins_time_out() {
    let output = stillpoint(&[
        "simulate",
        "--session",
        "centering-before-dosing",
        "--hz",
        "30",
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let lines = record_lines(&output);
    let check_ins = events_named(&lines, "check_in");
    assert_eq!(check_ins.len(), 2);
    assert!(check_ins.iter().all(|line| line["value"].is_null()));
    let finished = events_named(&lines, "step_finished");
    assert_eq!(finished.len(), 12);
    let last_step = finished.last().expect("steps");
    assert_eq!(last_step["kind"], "WaitForTherapist");
    assert_eq!(last_step["how"], "auto_continued");
    assert_eq!(lines.last().expect("lines")["reason"], "completed");
}

#[test]
fn answers_and_a_resume_from_the_command_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let record = dir.path().join("P-7.jsonl");
    let record_arg = record.to_str().expect("utf-8 path");
    // A run that stops early (its end is cut off, as by a crash).
    let first = stillpoint(&[
        "simulate",
        "--session",
        "box-breathing-reset",
        "--record",
        record_arg,
        "--patient",
        "P-7",
        "--action",
        "12=answer:6",
        "--action",
        "40=end",
    ]);
    assert!(first.status.success());
    let text = std::fs::read_to_string(&record).expect("record");
    let unfinished: String = text
        .lines()
        .filter(|line| !line.contains("session_ended"))
        .map(|line| format!("{line}\n"))
        .collect();
    std::fs::write(&record, unfinished).expect("write");
    let lines = record_lines(&first);
    let answer = events_named(&lines, "check_in");
    assert_eq!(answer[0]["id"], "suds-before");
    assert_eq!(answer[0]["value"], 6);

    let resumed = stillpoint(&[
        "simulate",
        "--session",
        "box-breathing-reset",
        "--record",
        record_arg,
        "--resume",
    ]);
    assert!(
        resumed.status.success(),
        "{}",
        String::from_utf8_lossy(&resumed.stderr)
    );
    let lines = record_lines(&resumed);
    let resume = events_named(&lines, "session_resumed");
    assert_eq!(resume.len(), 1);
    assert_eq!(resume[0]["same_script"], true);
    assert_eq!(lines.last().expect("lines")["reason"], "completed");
    assert_eq!(lines[0]["patient"], "P-7");
}

#[test]
fn bad_arguments_are_explained() {
    for (args, words) in [
        (
            vec![
                "simulate",
                "--session",
                "centering-before-dosing",
                "--action",
                "30=dance",
            ],
            "is not an action",
        ),
        (
            vec!["simulate", "--session", "nowhere"],
            "there is no session \"nowhere\"",
        ),
        (
            vec![
                "simulate",
                "--session",
                "centering-before-dosing",
                "--patient",
                "Jane Doe",
            ],
            "is not a patient code",
        ),
        (
            vec![
                "simulate",
                "--session",
                "centering-before-dosing",
                "--action",
                "10=pause",
            ],
            "was still Paused",
        ),
    ] {
        let output = stillpoint(&args);
        assert_eq!(output.status.code(), Some(1), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(words), "{args:?}: {stderr}");
    }
}

#[test]
fn an_earlier_painting_that_is_not_there_is_named_before_anything_runs() {
    let output = stillpoint(&[
        "simulate",
        "--session",
        "creative-integration",
        "--artwork-from",
        "no/such/week-1.jsonl",
    ]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("--artwork-from no/such/week-1.jsonl: no such file"),
        "{stderr}"
    );
    assert!(stdout(&output).is_empty(), "nothing ran");
}
