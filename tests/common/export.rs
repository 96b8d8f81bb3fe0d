//! The export tests' patient: a course of questionnaires and check-ins written as records
//! (in session, at the desk, with a safety alert and its acknowledgement), the totals worked
//! out here from the published rules, and `stillpoint export` run on it.

use super::{project_path, stillpoint};
use std::path::Path;
use stillpoint::instruments::InstrumentSet;
use stillpoint::session::questionnaire::{
    acknowledge_in_file, new_administration, record_at_desk, scored_event,
};
use stillpoint::session::record::{AnsweredVia, EndReason, Event, EventKind};
use stillpoint::session::unsaved::UnsavedRecords;
use stillpoint::session::writer::RecordWriter;

pub const PATIENT: &str = "P-014";

/// PHQ-9's LOINC item codes, in item order, and its answers' LOINC codes by score
/// (loinc.org, panel 44249-1).
pub const PHQ9_ITEMS: [&str; 9] = [
    "44250-9", "44255-8", "44259-0", "44254-1", "44251-7", "44258-2", "44252-5", "44253-3",
    "44260-8",
];

pub const FREQUENCY_ANSWERS: [(&str, &str); 4] = [
    ("LA6568-5", "Not at all"),
    ("LA6569-3", "Several days"),
    ("LA6570-1", "More than half the days"),
    ("LA6571-9", "Nearly every day"),
];

pub const PCL5_LABELS: [&str; 5] = [
    "Not at all",
    "A little bit",
    "Moderately",
    "Quite a bit",
    "Extremely",
];

pub const PHQ9_IN_SESSION: [u32; 9] = [2, 2, 3, 2, 1, 2, 1, 1, 0];

pub const PHQ9_WITH_ALERT: [u32; 9] = [1, 2, 1, 2, 1, 1, 1, 0, 2];

pub const PHQ9_LATER: [u32; 9] = [1, 0, 1, 1, 0, 0, 1, 0, 0];

pub const GAD7: [u32; 7] = [2, 1, 2, 1, 0, 1, 1];

pub const PCL5: [u32; 20] = [3, 2, 1, 2, 3, 2, 1, 0, 2, 3, 2, 1, 2, 2, 1, 0, 3, 2, 1, 2];

/// One administration expected in the export.
pub struct Expected {
    pub instrument: &'static str,
    pub answers: &'static [u32],
    pub via: &'static str,
}

pub const EXPECTED: [Expected; 5] = [
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

pub fn instruments() -> InstrumentSet {
    let (set, problems) = InstrumentSet::load(&[project_path("assets/instruments")]);
    assert!(problems.is_empty(), "{problems:?}");
    set
}

pub fn event(t: f64, kind: EventKind) -> Event {
    Event { t, kind }
}

pub fn session_started(started_at: &str) -> EventKind {
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

pub fn write_record(path: &Path, events: &[Event]) {
    let mut writer = RecordWriter::create(path).expect("record");
    for event in events {
        writer.append(event).expect("line");
    }
}

/// A course of P-014: two sessions (check-ins, a PHQ-9 and a PCL-5 in the headset, and a
/// PHQ-9 left half-way after its item 9 alerted) and three desk questionnaires (a PHQ-9
/// whose item 9 alerted, acknowledged; a GAD-7; a later PHQ-9).
pub fn make_course(records: &Path) {
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

pub fn export(data: &Path, out: &Path, formats: &str) -> std::process::Output {
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

#[cfg(unix)]
pub fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}
