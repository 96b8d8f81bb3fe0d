//! The safety alerts of a record: each `safety_alert` line matched to the questionnaire it
//! was raised in, acknowledged by the lines that name it and marked where the answer was
//! changed afterwards; and the alerts the answers call for that have no line.
//!
//! A line belongs to the questionnaire with its administration key. A record made before
//! keys falls back to instrument and time: a keyless line belongs to the first keyless
//! questionnaire of its instrument at or after it. An acknowledgement with a key
//! acknowledges that administration's alert on its item; a keyless one, every keyless alert
//! on its instrument and item before it.

use std::fmt::Write;
use std::path::{Path, PathBuf};

use super::words::{readable_time, wall_time};
use crate::instruments::{Instrument, InstrumentSet};
use crate::session::record::{EventKind, ReadRecord};

/// What reports and exports say of an alert found from the answers with no line.
pub const NOT_RECORDED: &str = "found from the answers: no alert line was recorded, so it may \
                                never have been shown to the clinician";

/// A safety alert of a record: raised (a `safety_alert` line), or found from the answers.
#[derive(Clone, Debug, PartialEq)]
pub struct RaisedAlert {
    /// The record it is in.
    pub record: PathBuf,
    /// Session time it was raised (for one found from the answers, the time of the answers'
    /// line), seconds.
    pub at: f64,
    /// Wall-clock time of `at`, RFC 3339 UTC, when the record says when it began.
    pub when: Option<String>,
    /// The instrument's id.
    pub instrument: String,
    /// The administration's key, when the record has one.
    pub administration: Option<String>,
    /// The item, from 1.
    pub item: u32,
    /// The answer that raised it.
    pub answer: u32,
    /// The answer the item was given in the end, when the patient went back and changed it.
    pub revised_to: Option<u32>,
    /// What the therapist was (or would have been) shown.
    pub message: String,
    /// True once the therapist acknowledged it.
    pub acknowledged: bool,
    /// True when a `safety_alert` line was recorded; false for an alert found from the
    /// answers alone ([`NOT_RECORDED`]).
    pub recorded: bool,
}

impl RaisedAlert {
    /// "answered 2 (Several days), then changed to 0 (Not at all)" when the answer was
    /// changed after the alert; `None` when it was not.
    pub fn revision_in_words(&self, instrument: Option<&Instrument>) -> Option<String> {
        let revised = self.revised_to?;
        let words = |answer: u32| match instrument.and_then(|known| known.answer_label(answer)) {
            Some(label) => format!("{answer} ({label})"),
            None => answer.to_string(),
        };
        Some(format!(
            "answered {}, then changed to {}",
            words(self.answer),
            words(revised)
        ))
    }
}

/// A safety alert with the words it is about, as a report shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct AlertShown {
    /// The alert.
    pub alert: RaisedAlert,
    /// The instrument's short name (its id when it is not available).
    pub name: String,
    /// The item's words, when the instrument is available.
    pub item_text: Option<String>,
    /// The words of the answer that raised it, e.g. "Several days", when the instrument is
    /// available.
    pub answer_words: Option<String>,
    /// The answer changed after it, in words ([`RaisedAlert::revision_in_words`]).
    pub revision: Option<String>,
    /// True when it was raised in a desk record (no session).
    pub at_desk: bool,
}

impl AlertShown {
    /// `alert` with the words of `instrument` (when it is available here).
    pub fn new(alert: RaisedAlert, instrument: Option<&Instrument>, at_desk: bool) -> Self {
        Self {
            name: instrument.map_or_else(|| alert.instrument.clone(), |known| known.short.clone()),
            item_text: instrument
                .and_then(|known| known.item_text(alert.item))
                .map(str::to_owned),
            answer_words: instrument
                .and_then(|known| known.answer_label(alert.answer))
                .map(str::to_owned),
            revision: alert.revision_in_words(instrument),
            at_desk,
            alert,
        }
    }

    /// The alert in one line, e.g. "PHQ-9 item 9 answered “Several days” (1), 2026-11-09
    /// 09:32 UTC: NOT acknowledged", saying too when the answer was changed after it and
    /// when no alert line was recorded.
    pub fn in_words(&self) -> String {
        let answer = self.answer_words.as_deref().map_or_else(
            || self.alert.answer.to_string(),
            |words| format!("“{words}” ({})", self.alert.answer),
        );
        let mut words = format!(
            "{} item {} answered {answer}{}: {}",
            self.name,
            self.alert.item,
            self.alert
                .when
                .as_deref()
                .map_or_else(String::new, |when| format!(", {}", readable_time(when))),
            if self.alert.acknowledged {
                "acknowledged"
            } else {
                "NOT acknowledged"
            }
        );
        if let Some(revision) = &self.revision {
            let _ = write!(words, "; {revision}");
        }
        if !self.alert.recorded {
            let _ = write!(words, "; {NOT_RECORDED}");
        }
        words
    }
}

/// One questionnaire taken in a record, sent or left, as alerts are matched to it.
struct Taking<'a> {
    t: f64,
    instrument: &'a str,
    administration: Option<&'a str>,
    answers: &'a [u32],
    /// Its index among the record's `questionnaire` lines; `None` for one left unsent.
    sent: Option<usize>,
}

/// Every safety line of `record`, in order: the `safety_alert` lines as recorded, each
/// acknowledged or not, its answer marked where it was changed. Alerts found from the answers
/// are left out (they need the instruments: see [`matched_alerts`]).
pub fn alerts_in(path: &Path, record: &ReadRecord) -> Vec<RaisedAlert> {
    matched_alerts(path, record, None)
        .into_iter()
        .map(|(_, alert)| alert)
        .collect()
}

/// Every alert of `record`, in time order, each with the `questionnaire` line it belongs to
/// (its index among them; `None` for a questionnaire left unsent, or none found): the
/// recorded ones, and with `instruments` the ones the final answers call for by the
/// instrument's safety rule that have no line for their administration and item.
pub fn matched_alerts(
    path: &Path,
    record: &ReadRecord,
    instruments: Option<&InstrumentSet>,
) -> Vec<(Option<usize>, RaisedAlert)> {
    let takings = takings(record);
    let mut alerts: Vec<(Option<usize>, RaisedAlert)> = Vec::new();
    let mut claimed_by: Vec<Option<usize>> = Vec::new();
    for event in &record.events {
        if let EventKind::SafetyAlert {
            instrument,
            administration,
            item,
            answer,
            message,
        } = &event.kind
        {
            let owner = owner_of(&takings, instrument, administration, event.t);
            claimed_by.push(owner);
            let taking = owner.and_then(|index| takings.get(index));
            let revised_to = taking
                .and_then(|taking| final_answer(taking.answers, *item))
                .filter(|last| last != answer);
            alerts.push((
                taking.and_then(|taking| taking.sent),
                RaisedAlert {
                    record: path.to_owned(),
                    at: event.t,
                    when: wall_time(record, event.t),
                    instrument: instrument.clone(),
                    administration: administration.clone(),
                    item: *item,
                    answer: *answer,
                    revised_to,
                    message: message.clone(),
                    acknowledged: false,
                    recorded: true,
                },
            ));
        }
    }
    for (index, taking) in takings.iter().enumerate() {
        let Some(instrument) = instruments.and_then(|set| set.get(taking.instrument)) else {
            continue;
        };
        for safety in &instrument.safety {
            let has_line = claimed_by
                .iter()
                .zip(&alerts)
                .any(|(owner, (_, alert))| *owner == Some(index) && alert.item == safety.item);
            let found = final_answer(taking.answers, safety.item)
                .and_then(|answer| instrument.alert_for(safety.item, answer));
            if let (false, Some(found)) = (has_line, found) {
                alerts.push((
                    taking.sent,
                    RaisedAlert {
                        record: path.to_owned(),
                        at: taking.t,
                        when: wall_time(record, taking.t),
                        instrument: taking.instrument.to_owned(),
                        administration: taking.administration.map(str::to_owned),
                        item: found.item,
                        answer: found.answer,
                        revised_to: None,
                        message: found.message,
                        acknowledged: false,
                        recorded: false,
                    },
                ));
            }
        }
    }
    acknowledge(record, &mut alerts);
    alerts.sort_by(|(_, a), (_, b)| a.at.total_cmp(&b.at));
    alerts
}

/// Every questionnaire of `record`: those sent, then those left unsent.
fn takings(record: &ReadRecord) -> Vec<Taking<'_>> {
    let mut takings: Vec<Taking> = record
        .events
        .iter()
        .filter_map(|event| match &event.kind {
            EventKind::Questionnaire {
                instrument,
                administration,
                answers,
                ..
            } => Some((event.t, instrument, administration, answers)),
            _ => None,
        })
        .enumerate()
        .map(|(index, (t, instrument, administration, answers))| Taking {
            t,
            instrument,
            administration: administration.as_deref(),
            answers,
            sent: Some(index),
        })
        .collect();
    takings.extend(record.left_questionnaires().into_iter().map(|left| Taking {
        t: left.t,
        instrument: left.instrument,
        administration: left.administration,
        answers: left.answers,
        sent: None,
    }));
    takings
}

/// The questionnaire a `safety_alert` line belongs to: the one of its instrument with its
/// key, or for a keyless line the first keyless one of its instrument at or after it.
fn owner_of(
    takings: &[Taking],
    instrument: &str,
    administration: &Option<String>,
    t: f64,
) -> Option<usize> {
    let candidates = takings
        .iter()
        .enumerate()
        .filter(|(_, taking)| taking.instrument == instrument);
    match administration {
        Some(key) => candidates
            .filter(|(_, taking)| taking.administration == Some(key.as_str()))
            .map(|(index, _)| index)
            .next(),
        None => candidates
            .filter(|(_, taking)| taking.administration.is_none() && taking.t >= t)
            .min_by(|(_, a), (_, b)| a.t.total_cmp(&b.t))
            .map(|(index, _)| index),
    }
}

/// The answer `answers` give item `item` (from 1), if it was answered.
fn final_answer(answers: &[u32], item: u32) -> Option<u32> {
    let index = usize::try_from(item).ok()?.checked_sub(1)?;
    answers.get(index).copied()
}

/// Marks the alerts each `safety_acknowledged` line acknowledges.
fn acknowledge(record: &ReadRecord, alerts: &mut [(Option<usize>, RaisedAlert)]) {
    for event in &record.events {
        let EventKind::SafetyAcknowledged {
            instrument,
            administration,
            item,
        } = &event.kind
        else {
            continue;
        };
        for (_, alert) in alerts.iter_mut() {
            let same = alert.instrument == *instrument && alert.item == *item;
            let named = match administration {
                Some(_) => alert.administration == *administration,
                None => alert.administration.is_none() && alert.recorded && alert.at <= event.t,
            };
            if same && named {
                alert.acknowledged = true;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::sync::Arc;

    use super::*;
    use crate::instruments::library::bundled;
    use crate::session::record::{AnsweredVia, Event};

    fn set() -> InstrumentSet {
        let map: BTreeMap<String, Arc<Instrument>> =
            std::iter::once(("phq-9".to_owned(), Arc::new(bundled("phq-9")))).collect();
        InstrumentSet(Arc::new(map))
    }

    fn record(lines: Vec<(f64, EventKind)>) -> ReadRecord {
        let start = EventKind::SessionStarted {
            script: "s".into(),
            title: "S".into(),
            phase: None,
            sha256: String::new(),
            patient: "P-1".into(),
            started_at: "2026-11-09T09:30:00Z".into(),
            steps: 1,
        };
        ReadRecord {
            events: std::iter::once((0.0, start))
                .chain(lines)
                .map(|(t, kind)| Event { t, kind })
                .collect(),
            damaged_lines: Vec::new(),
        }
    }

    fn line(answer: u32) -> EventKind {
        EventKind::SafetyAlert {
            instrument: "phq-9".into(),
            administration: None,
            item: 9,
            answer,
            message: "ask".into(),
        }
    }

    fn sent(answers: [u32; 9]) -> EventKind {
        EventKind::Questionnaire {
            instrument: "phq-9".into(),
            administration: None,
            name: "PHQ-9".into(),
            answers: answers.to_vec(),
            total: answers.iter().sum(),
            band: String::new(),
            subscales: Vec::new(),
            cluster_rule: None,
            above_cutoff: None,
            secs: 60.0,
            taken_at: "2026-11-09T09:32:00Z".into(),
            via: AnsweredVia::Headset,
        }
    }

    #[test]
    fn a_keyless_record_keeps_matching_by_instrument_and_time() {
        // Two PHQ-9s: the first's item 9 answered 1 (a line), the second's 2 then 0.
        let read = record(vec![
            (50.4, line(1)),
            (60.0, sent([0, 0, 0, 0, 0, 0, 0, 0, 1])),
            (
                70.0,
                EventKind::SafetyAcknowledged {
                    instrument: "phq-9".into(),
                    administration: None,
                    item: 9,
                },
            ),
            (80.0, line(2)),
            (90.0, sent([0; 9])),
        ]);
        let found = matched_alerts(Path::new("r.jsonl"), &read, Some(&set()));
        let owners: Vec<(Option<usize>, u32, Option<u32>, bool)> = found
            .iter()
            .map(|(owner, alert)| (*owner, alert.answer, alert.revised_to, alert.acknowledged))
            .collect();
        assert_eq!(
            owners,
            [(Some(0), 1, None, true), (Some(1), 2, Some(0), false)]
        );
        // Session time to wall time to the nearest second.
        assert_eq!(found[0].1.when.as_deref(), Some("2026-11-09T09:30:50Z"));
        assert_eq!(
            wall_time(&read, 50.6).as_deref(),
            Some("2026-11-09T09:30:51Z")
        );
        assert_eq!(
            found[1]
                .1
                .revision_in_words(Some(&bundled("phq-9")))
                .as_deref(),
            Some("answered 2 (More than half the days), then changed to 0 (Not at all)")
        );
        // Without the instruments, the lines alone: the same two.
        assert_eq!(alerts_in(Path::new("r.jsonl"), &read).len(), 2);
    }

    #[test]
    fn answers_that_call_for_an_alert_with_no_line_get_one_marked_not_recorded() {
        let read = record(vec![
            (60.0, sent([0, 0, 0, 0, 0, 0, 0, 0, 3])),
            (
                90.0,
                EventKind::QuestionnaireAbandoned {
                    instrument: "phq-9".into(),
                    administration: Some("k".into()),
                    answers: vec![0, 0, 0, 0, 0, 0, 0, 0, 1],
                },
            ),
        ]);
        let found = matched_alerts(Path::new("r.jsonl"), &read, Some(&set()));
        let seen: Vec<(Option<usize>, u32, bool, Option<&str>)> = found
            .iter()
            .map(|(owner, alert)| {
                (
                    *owner,
                    alert.answer,
                    alert.recorded,
                    alert.administration.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            seen,
            [(Some(0), 3, false, None), (None, 1, false, Some("k"))]
        );
        let shown = AlertShown::new(found[0].1.clone(), Some(&bundled("phq-9")), false);
        assert!(
            shown.in_words().ends_with(NOT_RECORDED),
            "{}",
            shown.in_words()
        );
        assert!(
            alerts_in(Path::new("r.jsonl"), &read).is_empty(),
            "no lines"
        );
    }
}
