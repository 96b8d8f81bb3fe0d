//! Session records: one file per run, one JSON object per line, written and flushed as
//! each event happens so that a crash or a kill loses nothing already said.

use std::fs::File;
use std::io::{self, BufRead, BufReader};
use std::path::{Path, PathBuf};

use crate::clock::wall_clock;
use crate::instruments::SafetyAlert;

mod events;

pub use events::{ActionSource, AnsweredVia, Bus, EndReason, Event, EventKind, StepEnd};

/// A record read back: every complete line that parses, and what could not be read.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReadRecord {
    /// The events, in order.
    pub events: Vec<Event>,
    /// Lines (1-based) that could not be read, e.g. one cut off by a crash.
    pub damaged_lines: Vec<usize>,
}

impl ReadRecord {
    /// Reads a record file.
    pub fn read(path: &Path) -> io::Result<Self> {
        let reader = BufReader::new(File::open(path)?);
        let mut record = Self::default();
        for (index, line) in reader.split(b'\n').enumerate() {
            let line = line?;
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            match serde_json::from_slice::<Event>(&line) {
                Ok(event) => record.events.push(event),
                Err(_) => record.damaged_lines.push(index + 1),
            }
        }
        Ok(record)
    }

    /// The first event, when it starts a session.
    pub fn start(&self) -> Option<&EventKind> {
        self.events
            .first()
            .map(|event| &event.kind)
            .filter(|kind| matches!(kind, EventKind::SessionStarted { .. }))
    }

    /// True when the record ends with `session_ended` (a safety alert acknowledged after
    /// the session ended may follow it).
    pub fn is_finished(&self) -> bool {
        self.events
            .iter()
            .rev()
            .find(|event| !matches!(event.kind, EventKind::SafetyAcknowledged { .. }))
            .is_some_and(|event| matches!(event.kind, EventKind::SessionEnded { .. }))
    }

    /// True for a desk record: a questionnaire taken in the panel with no session, its
    /// first line the `questionnaire` event.
    pub fn is_desk(&self) -> bool {
        self.events
            .first()
            .is_some_and(|event| matches!(event.kind, EventKind::Questionnaire { .. }))
    }

    /// The step the session was in when the record stops.
    pub fn last_step(&self) -> Option<usize> {
        self.events.iter().rev().find_map(|event| match event.kind {
            EventKind::StepEntered { step, .. } | EventKind::SessionResumed { step, .. } => {
                Some(step)
            }
            _ => None,
        })
    }

    /// The session time of the last event.
    pub fn last_t(&self) -> f64 {
        self.events.last().map_or(0.0, |event| event.t)
    }

    /// How far the questionnaire of `instrument` in `step` had got when the record stopped,
    /// since the step was last begun (a session resumed into the step goes on with the same
    /// questionnaire); `None` when the step is not the one under way or nothing was answered.
    pub fn questionnaire_so_far(
        &self,
        step: usize,
        instrument: &str,
    ) -> Option<QuestionnaireSoFar> {
        let entered = |index: usize| {
            matches!(
                self.events[index].kind,
                EventKind::StepEntered { step: entered, .. } if entered == step
            )
        };
        let resumed_into = |index: usize| {
            index
                .checked_sub(1)
                .and_then(|before| self.events.get(before))
                .is_some_and(|event| {
                    matches!(
                        event.kind,
                        EventKind::SessionResumed { step: resumed, .. } if resumed == step
                    )
                })
        };
        let began = (0..self.events.len())
            .rev()
            .find(|&index| entered(index) && !resumed_into(index))?;
        let mut so_far = QuestionnaireSoFar {
            began: self.events[began].t,
            administration: None,
            answers: Vec::new(),
            sent: false,
            alerts: Vec::new(),
        };
        for event in &self.events[began + 1..] {
            match &event.kind {
                EventKind::QuestionnaireProgress {
                    instrument: id,
                    administration,
                    answers,
                } if id == instrument => {
                    so_far.answers.clone_from(answers);
                    so_far.administration.clone_from(administration);
                }
                // A desk questionnaire recorded meanwhile has a key of its own.
                EventKind::SafetyAlert {
                    instrument: id,
                    administration,
                    item,
                    answer,
                    message,
                } if id == instrument && *administration == so_far.administration => {
                    so_far.alerts.push(SafetyAlert {
                        item: *item,
                        answer: *answer,
                        message: message.clone(),
                    });
                }
                EventKind::Questionnaire {
                    instrument: id,
                    answers,
                    via: AnsweredVia::Headset,
                    ..
                } if id == instrument => {
                    so_far.answers.clone_from(answers);
                    so_far.sent = true;
                }
                // The step was left: what it had is in its own `questionnaire_abandoned`.
                EventKind::StepFinished { .. } => return None,
                EventKind::StepEntered { step: other, .. } if *other != step => return None,
                _ => {}
            }
        }
        (!so_far.answers.is_empty()).then_some(so_far)
    }

    /// Every questionnaire left before its answers were sent, in order: each
    /// `questionnaire_abandoned` line, and the one a session closed without resuming was
    /// taking (its last `questionnaire_progress`, at that line's time). A questionnaire
    /// under way in a record that can still resume is not left.
    pub fn left_questionnaires(&self) -> Vec<LeftQuestionnaire<'_>> {
        let mut left = Vec::new();
        let mut under_way = None;
        for event in &self.events {
            match &event.kind {
                EventKind::QuestionnaireProgress {
                    instrument,
                    administration,
                    answers,
                } => {
                    under_way = Some(LeftQuestionnaire {
                        t: event.t,
                        instrument,
                        administration: administration.as_deref(),
                        answers,
                    });
                }
                EventKind::QuestionnaireAbandoned {
                    instrument,
                    administration,
                    answers,
                } => {
                    under_way = None;
                    left.push(LeftQuestionnaire {
                        t: event.t,
                        instrument,
                        administration: administration.as_deref(),
                        answers,
                    });
                }
                // Sent from the headset (one recorded at the desk meanwhile is another's).
                EventKind::Questionnaire {
                    via: AnsweredVia::Headset,
                    ..
                }
                | EventKind::StepFinished { .. } => under_way = None,
                _ => {}
            }
        }
        if self.is_finished() {
            left.extend(under_way);
        }
        left
    }
}

/// A questionnaire left before its answers were sent.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LeftQuestionnaire<'a> {
    /// Session time it was left.
    pub t: f64,
    /// The instrument's id.
    pub instrument: &'a str,
    /// Its administration's key, when the record has one.
    pub administration: Option<&'a str>,
    /// The answers given, in item order.
    pub answers: &'a [u32],
}

/// A questionnaire's answers as a record left them.
#[derive(Clone, Debug, PartialEq)]
pub struct QuestionnaireSoFar {
    /// Session time its step began.
    pub began: f64,
    /// Its administration's key (`None` in records made before keys).
    pub administration: Option<String>,
    /// The safety alerts its answers raised, in order.
    pub alerts: Vec<SafetyAlert>,
    /// The answers given, in item order.
    pub answers: Vec<u32>,
    /// True when they were sent (confirmed and scored).
    pub sent: bool,
}

/// `<folder>/<patient>/<session>-<YYYYMMDD-HHMMSS>.jsonl`, made unique if needed.
pub fn new_record_path(folder: &Path, patient: &str, session: &str) -> PathBuf {
    let stamp: String = wall_clock()
        .chars()
        .filter(char::is_ascii_digit)
        .take(14)
        .collect();
    let (date, time) = stamp.split_at(stamp.len().min(8));
    let base = folder
        .join(patient)
        .join(format!("{session}-{date}-{time}"));
    (1..)
        .map(|attempt| match attempt {
            1 => base.with_extension("jsonl"),
            n => PathBuf::from(format!("{}-{n}.jsonl", base.display())),
        })
        .find(|path| !path.exists())
        .unwrap_or_else(|| base.with_extension("jsonl"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(t: f64, kind: EventKind) -> Event {
        Event { t, kind }
    }

    #[test]
    fn lines_are_flat_json_with_t_and_event() {
        let line = serde_json::to_string(&event(
            12.5,
            EventKind::CheckIn {
                id: "suds".into(),
                value: Some(4),
            },
        ))
        .unwrap();
        assert_eq!(
            line,
            r#"{"t":12.5,"event":"check_in","id":"suds","value":4}"#
        );
        let paused = serde_json::to_string(&event(3.0, EventKind::Paused)).unwrap();
        assert_eq!(paused, r#"{"t":3.0,"event":"paused"}"#);
    }

    fn entered(t: f64, step: usize) -> Event {
        event(
            t,
            EventKind::StepEntered {
                step,
                kind: "Questionnaire".into(),
            },
        )
    }

    fn progress(t: f64, instrument: &str, answers: &[u32]) -> Event {
        event(
            t,
            EventKind::QuestionnaireProgress {
                instrument: instrument.into(),
                administration: None,
                answers: answers.to_vec(),
            },
        )
    }

    fn resumed(t: f64, step: usize) -> Event {
        event(
            t,
            EventKind::SessionResumed {
                resumed_at: "2026-12-01T10:00:00Z".into(),
                step,
                same_script: true,
            },
        )
    }

    fn finished(t: f64, step: usize) -> Event {
        event(
            t,
            EventKind::StepFinished {
                step,
                kind: "Questionnaire".into(),
                how: StepEnd::WentBack,
            },
        )
    }

    fn record(events: Vec<Event>) -> ReadRecord {
        ReadRecord {
            events,
            damaged_lines: Vec::new(),
        }
    }

    #[test]
    fn a_questionnaire_goes_on_from_its_last_answers_across_resumes_but_not_after_it_was_left() {
        let stopped_twice = record(vec![
            entered(12.0, 1),
            progress(13.0, "phq-9", &[2]),
            progress(14.0, "phq-9", &[2, 1]),
            resumed(14.0, 1),
            entered(14.0, 1),
            progress(16.0, "phq-9", &[2, 1, 0]),
            resumed(16.0, 1),
            entered(16.0, 1),
        ]);
        let so_far = stopped_twice.questionnaire_so_far(1, "phq-9");
        assert_eq!(
            so_far,
            Some(QuestionnaireSoFar {
                began: 12.0,
                administration: None,
                alerts: Vec::new(),
                answers: vec![2, 1, 0],
                sent: false,
            }),
            "the step's clock runs from when it was first begun"
        );
        assert_eq!(stopped_twice.questionnaire_so_far(1, "gad-7"), None);
        assert_eq!(stopped_twice.questionnaire_so_far(2, "phq-9"), None);

        // Back to the step before and forward again: the questionnaire starts afresh.
        let begun_again = record(vec![
            entered(12.0, 1),
            progress(13.0, "phq-9", &[2]),
            finished(14.0, 1),
            entered(14.0, 0),
            finished(20.0, 0),
            entered(20.0, 1),
        ]);
        assert_eq!(begun_again.questionnaire_so_far(1, "phq-9"), None);
    }

    fn sent(t: f64, instrument: &str, answers: &[u32], via: AnsweredVia) -> Event {
        event(
            t,
            EventKind::Questionnaire {
                instrument: instrument.into(),
                administration: None,
                name: instrument.to_uppercase(),
                answers: answers.to_vec(),
                total: answers.iter().sum(),
                band: "Mild".into(),
                subscales: Vec::new(),
                cluster_rule: None,
                above_cutoff: None,
                secs: 5.0,
                taken_at: "2026-12-01T10:00:00Z".into(),
                via,
            },
        )
    }

    #[test]
    fn answers_given_are_left_only_once_the_record_can_no_longer_resume() {
        let mut events = vec![
            // GAD-7 sent from the headset: not left.
            entered(2.0, 0),
            progress(3.0, "gad-7", &[1]),
            sent(4.0, "gad-7", &[1], AnsweredVia::Headset),
            finished(5.0, 0),
            entered(5.0, 1),
            progress(13.0, "phq-9", &[2]),
            progress(14.0, "phq-9", &[2, 1]),
            // A form recorded at the desk meanwhile leaves PHQ-9 under way.
            sent(14.0, "gad-7", &[0], AnsweredVia::Desk),
        ];
        assert_eq!(record(events.clone()).left_questionnaires(), []);
        events.push(event(
            14.0,
            EventKind::SessionEnded {
                reason: EndReason::Abandoned,
            },
        ));
        assert_eq!(
            record(events).left_questionnaires(),
            [LeftQuestionnaire {
                t: 14.0,
                instrument: "phq-9",
                administration: None,
                answers: &[2, 1],
            }]
        );
    }
}
