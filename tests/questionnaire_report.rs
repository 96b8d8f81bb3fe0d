//! Questionnaires in the report: a course with three PHQ-9s taken in the headset, a GAD-7 at
//! the desk and a PCL-5 with its clusters; a safety alert on PHQ-9 item 9 shown until it is
//! acknowledged; desk records counted as questionnaires, not sessions and not problems.
//!
//! Expected totals, bands and course marks are worked out here from the answers and the
//! published rules (docs/questionnaires.md), not with the product's scoring.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "a test stops at the first thing that is wrong"
)]

mod common;

use std::path::{Path, PathBuf};

use common::project_path;
use stillpoint::export::PatientExport;
use stillpoint::instruments::InstrumentSet;
use stillpoint::patients::{PatientFolders, Practice, list};
use stillpoint::report::outcomes::Questionnaires;
use stillpoint::report::{summarise, write_with_questionnaires};
use stillpoint::script::Phase;
use stillpoint::session::questionnaire::{new_administration, record_at_desk, scored_event};
use stillpoint::session::record::{AnsweredVia, EndReason, Event, EventKind};
use stillpoint::session::unsaved::UnsavedRecords;
use stillpoint::session::writer::RecordWriter;

const PATIENT: &str = "P-31";

/// PHQ-9 answers: totals 18, 11 (item 9 answered 1, "Several days") and 4.
const PHQ: [[u32; 9]; 3] = [
    [3, 3, 2, 2, 2, 2, 2, 2, 0],
    [2, 2, 1, 1, 1, 1, 1, 1, 1],
    [1, 1, 1, 1, 0, 0, 0, 0, 0],
];
/// GAD-7 at the desk: total 7.
const GAD: [u32; 7] = [1, 1, 1, 1, 1, 1, 1];
/// PCL-5: B 3,3,3,2,2 · C 3,2 · D 2,2,2,1,1,1,1 · E 2,2,1,1,0,0; total 34.
const PCL: [u32; 20] = [3, 3, 3, 2, 2, 3, 2, 2, 2, 2, 1, 1, 1, 1, 2, 2, 1, 1, 0, 0];

/// The course marks by the documented rules: reliable change 5 (PHQ-9), response a fall of
/// half or more, remission under 5.
fn phq_marks(first: u32, total: u32) -> Vec<&'static str> {
    let change = i64::from(total) - i64::from(first);
    let mut marks = Vec::new();
    if change <= -5 {
        marks.push("reliable improvement");
    } else if change >= 5 {
        marks.push("reliable worsening");
    }
    if f64::from(total) <= f64::from(first) / 2.0 {
        marks.push("response");
    }
    if total < 5 {
        marks.push("remission");
    }
    marks
}

fn instruments() -> InstrumentSet {
    let (set, problems) = InstrumentSet::load(&[project_path("assets/instruments")]);
    assert!(problems.is_empty(), "{problems:?}");
    set
}

/// A session record on 2026-11-`day` with these events after its start, `t` in seconds.
fn session(records: &Path, day: u32, title: &str, events: Vec<(f64, EventKind)>) -> PathBuf {
    let path = records
        .join(PATIENT)
        .join(format!("session-day{day:02}.jsonl"));
    let mut writer = RecordWriter::create(&path).expect("record");
    let start = EventKind::SessionStarted {
        script: "centering-before-dosing".into(),
        title: title.into(),
        phase: Some(Phase::BeforeDosing),
        sha256: String::new(),
        patient: PATIENT.into(),
        started_at: format!("2026-11-{day:02}T09:30:00Z"),
        steps: 4,
    };
    let end = events.last().map_or(0.0, |(t, _)| t + 60.0);
    let ended = EventKind::SessionEnded {
        reason: EndReason::Completed,
    };
    let lines = std::iter::once((0.0, start))
        .chain(events)
        .chain(std::iter::once((end, ended)));
    for (t, kind) in lines {
        writer.append(&Event { t, kind }).expect("line");
    }
    path
}

/// The questionnaire event for `answers`, dated 2026-11-`day` `at` seconds after 09:30,
/// with no administration key, as records made before keys ([`keyed`] gives it one).
fn taken(set: &InstrumentSet, id: &str, answers: &[u32], day: u32, at: u32) -> EventKind {
    let instrument = set.get(id).expect("bundled");
    let (mut event, _) = scored_event(
        instrument,
        &new_administration(id),
        answers,
        95.0,
        AnsweredVia::Headset,
    )
    .unwrap();
    if let EventKind::Questionnaire {
        taken_at,
        administration,
        ..
    } = &mut event
    {
        *taken_at = format!("2026-11-{day:02}T09:{:02}:{:02}Z", 30 + at / 60, at % 60);
        *administration = None;
    }
    event
}

/// The whole course: PHQ-9 on days 2, 9 (with the alert) and 16 (with the PCL-5); a GAD-7
/// left after 3 items on day 9 and taken in full at the desk on day 10.
fn course(records: &Path) -> Vec<PathBuf> {
    let set = instruments();
    let message = set
        .get("phq-9")
        .and_then(|phq| phq.alert_for(9, 1))
        .expect("item 9 alerts")
        .message;
    let mut files = vec![session(
        records,
        2,
        "Centering before dosing",
        vec![(120.0, taken(&set, "phq-9", &PHQ[0], 2, 120))],
    )];
    files.push(session(
        records,
        9,
        "Centering before dosing",
        vec![
            (
                150.0,
                EventKind::SafetyAlert {
                    instrument: "phq-9".into(),
                    administration: None,
                    item: 9,
                    answer: 1,
                    message,
                },
            ),
            (160.0, taken(&set, "phq-9", &PHQ[1], 9, 160)),
            (
                300.0,
                EventKind::QuestionnaireAbandoned {
                    instrument: "gad-7".into(),
                    administration: None,
                    answers: vec![1, 2, 1],
                },
            ),
        ],
    ));
    files.push(session(
        records,
        16,
        "Centering before dosing",
        vec![
            (100.0, taken(&set, "phq-9", &PHQ[2], 16, 100)),
            (400.0, taken(&set, "pcl-5", &PCL, 16, 400)),
        ],
    ));
    let gad = set.get("gad-7").expect("bundled");
    let (desk, alerts) = record_at_desk(
        records,
        PATIENT,
        gad,
        &GAD,
        70.0,
        &mut UnsavedRecords::default(),
    )
    .expect("desk");
    assert!(alerts.is_empty());
    // Taken on day 10.
    let text = std::fs::read_to_string(&desk).expect("desk record");
    let start = text.find("\"taken_at\":\"").expect("taken_at") + 12;
    let dated = format!(
        "{}2026-11-10T08:15:00Z{}",
        &text[..start],
        &text[start + 20..]
    );
    std::fs::write(&desk, dated).expect("write");
    files.push(desk);
    files.sort();
    files
}

/// The part of `html` from `from` up to the next `to`.
fn between<'a>(html: &'a str, from: &str, to: &str) -> &'a str {
    let start = html
        .find(from)
        .unwrap_or_else(|| panic!("{from} in the page"));
    let rest = &html[start..];
    &rest[..rest[from.len()..]
        .find(to)
        .map_or(rest.len(), |end| end + from.len())]
}

/// The report written for `records` into `out`: its page and chart files.
fn report(records: &[PathBuf], out: &Path) -> (String, Vec<PathBuf>) {
    let (sessions, problems) = summarise(records);
    assert!(problems.is_empty(), "{problems:?}");
    let questionnaires = Questionnaires::read(records, &instruments());
    let written =
        write_with_questionnaires(out, PATIENT, &sessions, &questionnaires).expect("report");
    (
        std::fs::read_to_string(&written.page).expect("page"),
        written.charts,
    )
}

#[test]
fn the_course_report_charts_and_tabulates_each_questionnaire() {
    let data = tempfile::tempdir().expect("temp dir");
    let records = course(&data.path().join("records"));
    let out = data.path().join("out");
    let (html, charts) = report(&records, &out);
    if let Some(keep) = std::env::var_os("STILLPOINT_KEEP_REPORT") {
        // The report, and the records for a look at the panel's course view.
        let kept = Path::new(&keep).join("records").join(PATIENT);
        let _ = std::fs::create_dir_all(&kept);
        for (from, to) in [
            (out.clone(), PathBuf::from(&keep)),
            (records[0].parent().unwrap().to_path_buf(), kept),
        ] {
            for file in std::fs::read_dir(&from).expect("folder").flatten() {
                let _ = std::fs::copy(file.path(), to.join(file.file_name()));
            }
        }
    }

    // One chart per instrument, in the order first taken.
    let names: Vec<String> = charts
        .iter()
        .filter_map(|chart| chart.file_name()?.to_str().map(str::to_owned))
        .filter(|name| name.starts_with("questionnaire-"))
        .collect();
    assert_eq!(
        names,
        [
            "questionnaire-phq-9.svg",
            "questionnaire-gad-7.svg",
            "questionnaire-pcl-5.svg"
        ]
    );
    assert_eq!(html.matches("<div class=\"instrument\"").count(), 3);

    // PHQ-9: three points on 0–27, every band line labelled, the dates on the x axis.
    let phq_svg = std::fs::read_to_string(out.join("questionnaire-phq-9.svg")).expect("svg");
    assert_eq!(phq_svg.matches(r#"r="5""#).count(), 3, "three points");
    for label in [
        "Mild (5)",
        "Moderate (10)",
        "Moderately severe (15)",
        "Severe (20)",
    ] {
        assert!(phq_svg.contains(label), "band line {label}");
    }
    assert!(phq_svg.contains("stroke-dasharray") || phq_svg.matches("<polyline").count() > 4);
    for date in ["2026-11-02", "2026-11-09", "2026-11-16"] {
        assert!(phq_svg.contains(date), "x labelled {date}");
    }
    assert!(
        phq_svg.contains(">27<") || phq_svg.contains("0-27"),
        "the whole scale"
    );
    // The total with the safety alert is ringed.
    assert_eq!(phq_svg.matches(r#"r="9""#).count(), 1);

    // PHQ-9 rows: date, headset, total, band, change, marks.
    let phq = between(&html, "id=\"questionnaire-phq-9\"", "</table>");
    let rows: Vec<&str> = phq.split("<tr>").skip(2).collect();
    assert_eq!(rows.len(), 3);
    let totals: Vec<u32> = PHQ.iter().map(|answers| answers.iter().sum()).collect();
    assert_eq!(totals, [18, 11, 4]);
    for ((row, total), day) in rows.iter().zip(&totals).zip([2, 9, 16]) {
        assert!(row.contains(&format!("2026-11-{day:02}")), "{row}");
        assert!(row.contains("<td>headset</td>"), "{row}");
        assert!(row.contains(&format!(">{total} / 27<")), "{row}");
        assert!(
            row.contains(&format!("<td>{}</td>", common::phq9_band(*total))),
            "{row}"
        );
        for mark in phq_marks(totals[0], *total) {
            assert!(row.contains(mark), "{mark} in {row}");
        }
    }
    assert!(rows[0].contains("baseline"));
    assert!(!rows[0].contains("class=\"mark\""), "no marks at baseline");
    assert!(rows[1].contains("−7") && rows[1].contains("reliable improvement"));
    assert!(!rows[1].contains("response") && !rows[1].contains("remission"));
    assert!(rows[1].contains("safety alert: item 9, NOT acknowledged"));
    assert!(rows[2].contains("−14"));
    assert_eq!(
        phq_marks(18, 4),
        ["reliable improvement", "response", "remission"]
    );

    // GAD-7 at the desk: 7, Mild (5–9), the first of its course.
    let gad = between(&html, "id=\"questionnaire-gad-7\"", "</table>");
    assert_eq!(GAD.iter().sum::<u32>(), 7);
    assert!(
        gad.contains("<td>desk</td>") && gad.contains(">7 / 21<") && gad.contains("<td>Mild</td>")
    );
    assert!(gad.contains("2026-11-10"));

    // PCL-5: clusters B–E with their endorsed items (answers of 2 or more), and its two
    // screening results apart: the DSM-5 cluster rule (every cluster met) and the cut-point
    // (a total of 33 or more).
    let pcl = between(&html, "id=\"questionnaire-pcl-5\"", "</table>");
    let clusters = [
        ("B", 0..5, 1),
        ("C", 5..7, 1),
        ("D", 7..14, 2),
        ("E", 14..20, 2),
    ];
    let mut all_met = true;
    for (criterion, items, needed) in clusters {
        let score: u32 = PCL[items.clone()].iter().sum();
        let endorsed = PCL[items].iter().filter(|&&answer| answer >= 2).count();
        all_met &= endorsed >= needed;
        assert!(
            pcl.contains(&format!("{criterion} {score} <small>({endorsed} endorsed")),
            "cluster {criterion} {score} {endorsed} in {pcl}"
        );
    }
    let total: u32 = PCL.iter().sum();
    assert_eq!(total, 34);
    assert!(all_met && total >= 33);
    assert!(pcl.contains(">34 / 80<") && pcl.contains("Total 33 or more"));
    assert!(
        pcl.contains("<th>DSM-5 cluster rule</th>") && pcl.contains("<th>Cut-point (33)</th>"),
        "{pcl}"
    );
    assert!(
        pcl.contains("<td><b>met</b></td><td><b>at or above</b></td>"),
        "{pcl}"
    );
    assert!(!html.contains("Probable PTSD") && !html.contains("rovisional"));
    let pcl_svg = std::fs::read_to_string(out.join("questionnaire-pcl-5.svg")).expect("svg");
    assert!(pcl_svg.contains("Total 33 or more (33)") && pcl_svg.contains("cut-off"));
    assert_eq!(
        pcl_svg.matches("<rect").count() - 1,
        1,
        "the cluster rule met: one square"
    );

    // The rules' sources under each table, and the questionnaire left unfinished.
    assert_eq!(html.matches("class=\"rules\"").count(), 3);
    assert!(phq.len() < html.len() && html.contains("Löwe et al. 2004"));
    assert!(html.contains("GAD-7: 3 of 7 items answered"));
}

#[test]
fn a_safety_alert_shows_in_every_report_until_acknowledged() {
    let data = tempfile::tempdir().expect("temp dir");
    let records = course(&data.path().join("records"));
    let alerted = records
        .iter()
        .find(|path| path.ends_with("session-day09.jsonl"))
        .expect("day 9")
        .clone();
    let set = instruments();
    let phq = set.get("phq-9").expect("bundled");
    let item_text = &phq.items[8].text;
    let answer_words = &phq.responses[1].label;
    assert_eq!(answer_words, "Several days");

    for (name, files) in [
        ("session", vec![alerted.clone()]),
        ("course", records.clone()),
    ] {
        let (html, _) = report(&files, &data.path().join(name));
        let alerts = between(&html, "<section class=\"alerts\"", "</section>");
        assert!(
            html.find("class=\"alerts\"") < html.find("<section class=\"cards\">"),
            "{name}: the alert comes first"
        );
        assert!(alerts.contains("PHQ-9 item 9"), "{name}: {alerts}");
        assert!(
            alerts.contains(&stillpoint::report::words::escape(item_text)),
            "{name}: the item's words"
        );
        assert!(alerts.contains("“Several days” (1)"), "{name}: {alerts}");
        assert!(alerts.contains("2026-11-09 09:32 UTC"), "{name}: {alerts}");
        assert!(alerts.contains("NOT acknowledged"), "{name}: {alerts}");
    }

    // The therapist acknowledges it after the session.
    let mut writer = RecordWriter::reopen(&alerted).expect("reopen");
    writer
        .append(&Event {
            t: 310.0,
            kind: EventKind::SafetyAcknowledged {
                instrument: "phq-9".into(),
                administration: None,
                item: 9,
            },
        })
        .expect("line");
    for (name, files) in [
        ("session-after", vec![alerted.clone()]),
        ("course-after", records),
    ] {
        let (html, _) = report(&files, &data.path().join(name));
        let alerts = between(&html, "<section class=\"alerts\"", "</section>");
        assert!(alerts.contains("PHQ-9 item 9"), "{name}: still listed");
        assert!(alerts.contains("all acknowledged"), "{name}: {alerts}");
        assert!(!html.contains("NOT acknowledged"), "{name}");
        assert!(
            html.contains("safety alert: item 9"),
            "{name}: the row keeps its mark"
        );
    }
}

#[test]
fn desk_records_are_questionnaires_not_sessions_or_problems() {
    let data = tempfile::tempdir().expect("temp dir");
    let records_folder = data.path().join("records");
    let records = course(&records_folder);
    let (sessions, problems) = summarise(&records);
    assert_eq!(sessions.len(), 3);
    assert!(problems.is_empty(), "{problems:?}");
    let questionnaires = Questionnaires::read(&records, &instruments());
    assert_eq!(questionnaires.desk_records, 1);
    let (html, _) = report(&records, &data.path().join("out"));
    assert!(
        html.contains("3 session(s)"),
        "the desk record is not a session"
    );
    assert!(html.contains("(1 at the desk)"));

    let listed = list(
        &PatientFolders::in_data_folder(data.path()),
        Practice::LeftOut,
    )
    .expect("list");
    assert_eq!(listed.len(), 1);
    assert_eq!(
        (listed[0].sessions, listed[0].desk_questionnaires),
        (3, 1),
        "sessions and desk questionnaires apart"
    );
    assert_eq!(listed[0].last.as_deref(), Some("2026-11-16"));
}

/// `event` (a `questionnaire` line) with the administration key `key`.
fn keyed(mut event: EventKind, key: &str) -> EventKind {
    if let EventKind::Questionnaire { administration, .. } = &mut event {
        *administration = Some(key.to_owned());
    }
    event
}

#[test]
fn alerts_follow_their_administration_and_show_revised_and_unrecorded_answers() {
    let data = tempfile::tempdir().expect("temp dir");
    let set = instruments();
    let phq = set.get("phq-9").expect("bundled");
    let message = phq.alert_for(9, 1).expect("item 9 alerts").message;
    // In the headset (key s1) the patient answers item 9 "More than half the days", goes
    // back and answers "Not at all"; meanwhile a desk PHQ-9 (d1, item 9 at 0) is recorded
    // into the session. A retake (s2) answers item 9 "Several days" with no alert line (the
    // line was lost). The therapist acknowledged s1's alert.
    let s1 = [1, 1, 1, 1, 1, 1, 1, 1, 0];
    let d1 = [0, 0, 0, 0, 0, 0, 0, 0, 0];
    let s2 = [1, 1, 1, 1, 1, 1, 1, 1, 1];
    let alert = |key: &str, answer: u32| EventKind::SafetyAlert {
        instrument: "phq-9".into(),
        administration: Some(key.into()),
        item: 9,
        answer,
        message: message.clone(),
    };
    let record = session(
        &data.path().join("records"),
        20,
        "Outcome measures",
        vec![
            (100.0, alert("s1", 2)),
            (110.0, keyed(taken(&set, "phq-9", &d1, 20, 110), "d1")),
            (
                120.0,
                EventKind::SafetyAcknowledged {
                    instrument: "phq-9".into(),
                    administration: Some("s1".into()),
                    item: 9,
                },
            ),
            (150.0, keyed(taken(&set, "phq-9", &s1, 20, 150), "s1")),
            (300.0, keyed(taken(&set, "phq-9", &s2, 20, 300), "s2")),
        ],
    );
    let records = vec![record];
    let found = Questionnaires::read(&records, &set);
    let phq_course = &found.instruments[0];
    let alerts_of = |answers: &[u32]| {
        phq_course
            .taken
            .iter()
            .find(|taken| taken.administration.answers == answers)
            .map(|taken| taken.administration.alerts.clone())
            .expect("the administration")
    };
    // The desk PHQ-9 recorded in between does not take the headset's alert.
    assert!(alerts_of(&d1).is_empty());
    let [revised] = alerts_of(&s1).try_into().expect("s1 keeps its alert");
    assert_eq!((revised.answer, revised.revised_to), (2, Some(0)));
    assert!(revised.recorded && revised.acknowledged);
    let [unrecorded] = alerts_of(&s2)
        .try_into()
        .expect("s2's alert, from its answers");
    assert_eq!((unrecorded.answer, unrecorded.recorded), (1, false));
    assert!(!unrecorded.acknowledged, "s1's acknowledgement is not s2's");
    assert_eq!(found.unacknowledged(), 1);

    let (html, _) = report(&records, &data.path().join("out"));
    let listed = between(&html, "<section class=\"alerts\"", "</section>");
    assert!(listed.contains("2 raised"), "{listed}");
    assert!(
        listed.contains(
            "The patient answered 2 (More than half the days), then changed to 0 (Not at all)."
        ),
        "{listed}"
    );
    assert!(
        listed.contains("no alert line was recorded, so it may never have been shown"),
        "{listed}"
    );
    let rows = between(&html, "id=\"questionnaire-phq-9\"", "</table>");
    assert!(
        rows.contains("safety alert: item 9, answer 2 changed to 0"),
        "{rows}"
    );
    assert!(
        rows.contains("safety alert: item 9, NOT acknowledged, found from the answers"),
        "{rows}"
    );
    assert_eq!(
        rows.matches("mark alert").count(),
        2,
        "none on the desk row"
    );

    // The export says the same.
    let export = PatientExport::read(PATIENT, &records, &set);
    assert_eq!(export.alerts.len(), 2);
    let table = stillpoint::export::csv::table(&export, &set);
    assert!(
        table.contains(
            "revised: answered 2 (More than half the days), then changed to 0 (Not at all)"
        ),
        "{table}"
    );
    let alert_rows: Vec<&str> = table
        .lines()
        .filter(|row| row.contains(",safety_alert,"))
        .collect();
    assert_eq!(alert_rows.len(), 2, "{table}");
    assert!(
        alert_rows.iter().any(|row| row.contains(",no,no,")),
        "{table}"
    );
    let bundle = stillpoint::export::fhir::bundle(&export, &set).to_string();
    assert!(
        bundle.contains("then changed to 0 (Not at all)"),
        "{bundle}"
    );
    assert!(
        bundle.contains("found from the answers, no alert line recorded"),
        "{bundle}"
    );
}
