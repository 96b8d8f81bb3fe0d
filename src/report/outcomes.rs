//! Questionnaires across a patient's records: every administration (in a session or at the
//! desk) with its scores, and every safety alert with whether it was acknowledged.

use std::fmt::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::alerts::matched_alerts;
pub use super::alerts::{AlertShown, RaisedAlert, alerts_in};
use super::words::wall_time;
use crate::instruments::{
    ClusterScore, CourseChange, Instrument, InstrumentSet, cluster_rule, course_change,
};
use crate::session::record::{AnsweredVia, EventKind, ReadRecord};

/// One questionnaire answered in full, as recorded.
#[derive(Clone, Debug, PartialEq)]
pub struct Administration {
    /// The record it is in.
    pub record: PathBuf,
    /// The instrument's id, e.g. "phq-9".
    pub instrument: String,
    /// Its short name, e.g. "PHQ-9".
    pub name: String,
    /// Every item's answer, in order.
    pub answers: Vec<u32>,
    /// The total score.
    pub total: u32,
    /// The severity band.
    pub band: String,
    /// Subscale scores, when the instrument has them.
    pub subscales: Vec<ClusterScore>,
    /// The cluster rule's result (PCL-5: DSM-5), when the instrument has clusters; for a
    /// record made before it was recorded, taken from the recorded `subscales`.
    pub cluster_rule: Option<bool>,
    /// The cut-point's result, when the instrument has one; for a record made before it was
    /// recorded, the total against the instrument's cut-point (`None` when not available).
    pub above_cutoff: Option<bool>,
    /// Seconds it took.
    pub secs: f64,
    /// Wall-clock time it was confirmed, RFC 3339 UTC.
    pub taken_at: String,
    /// Where it was answered.
    pub via: AnsweredVia,
    /// Its safety alerts: raised while it was answered, or found from its answers.
    pub alerts: Vec<RaisedAlert>,
}

impl Administration {
    /// The calendar day it was taken, `YYYY-MM-DD`.
    pub fn date(&self) -> &str {
        self.taken_at.get(..10).unwrap_or(&self.taken_at)
    }
}

/// Every questionnaire answered in full in `record`, in order, each with its safety alerts
/// ([`matched_alerts`]: by administration key, or by instrument and time in a record made
/// before keys); an alert of a questionnaire left unsent is in no administration.
pub fn administrations_in(
    path: &Path,
    record: &ReadRecord,
    instruments: &InstrumentSet,
) -> Vec<Administration> {
    let alerts = matched_alerts(path, record, Some(instruments));
    let mut taken: Vec<Administration> = Vec::new();
    for event in &record.events {
        let EventKind::Questionnaire {
            instrument,
            name,
            answers,
            total,
            band,
            subscales,
            cluster_rule: recorded_rule,
            above_cutoff,
            secs,
            taken_at,
            via,
            ..
        } = &event.kind
        else {
            continue;
        };
        let index = taken.len();
        let own = alerts
            .iter()
            .filter(|(owner, _)| *owner == Some(index))
            .map(|(_, alert)| alert.clone())
            .collect();
        let known = instruments.get(instrument);
        taken.push(Administration {
            record: path.to_owned(),
            instrument: instrument.clone(),
            name: name.clone(),
            answers: answers.clone(),
            total: *total,
            band: old_band(known.map(AsRef::as_ref), *recorded_rule, *total)
                .unwrap_or_else(|| band.clone()),
            subscales: subscales.clone(),
            cluster_rule: recorded_rule.or_else(|| cluster_rule(subscales)),
            above_cutoff: above_cutoff
                .or_else(|| known.and_then(|instrument| instrument.above_cutoff(*total))),
            secs: *secs,
            taken_at: taken_at.clone(),
            via: *via,
            alerts: own,
        });
    }
    taken
}

/// The band of `total` by `instrument` as it is now, for a line of an instrument with
/// clusters recorded before the cluster rule was (`recorded_rule` absent): such lines name a
/// band by the old rule ("Probable PTSD" by total alone), which could contradict the rule.
fn old_band(
    instrument: Option<&Instrument>,
    recorded_rule: Option<bool>,
    total: u32,
) -> Option<String> {
    let instrument = instrument.filter(|known| !known.clusters.is_empty())?;
    recorded_rule
        .is_none()
        .then(|| instrument.band_of(total).map(|band| band.label.clone()))
        .flatten()
}

/// Every administration in `records`, oldest first, and every safety alert (those found from
/// the answers by `instruments` too); records that cannot be read are described in the last
/// list and never hide the others.
pub fn course(
    records: &[PathBuf],
    instruments: &InstrumentSet,
) -> (Vec<Administration>, Vec<RaisedAlert>, Vec<String>) {
    let mut taken = Vec::new();
    let mut alerts = Vec::new();
    let mut problems = Vec::new();
    for path in records {
        match ReadRecord::read(path) {
            Ok(record) => {
                taken.extend(administrations_in(path, &record, instruments));
                alerts.extend(
                    matched_alerts(path, &record, Some(instruments))
                        .into_iter()
                        .map(|(_, alert)| alert),
                );
            }
            Err(error) => problems.push(format!("{}: cannot read: {error}", path.display())),
        }
    }
    taken.sort_by(|a: &Administration, b| {
        a.taken_at
            .cmp(&b.taken_at)
            .then_with(|| a.record.cmp(&b.record))
    });
    (taken, alerts, problems)
}

/// A questionnaire left before its answers were sent.
#[derive(Clone, Debug, PartialEq)]
pub struct Abandoned {
    /// The record it is in.
    pub record: PathBuf,
    /// Session time it was left, seconds.
    pub at: f64,
    /// The instrument's id.
    pub instrument: String,
    /// How many items were answered.
    pub answered: usize,
    /// Wall-clock time it was left, RFC 3339 UTC, when the record says when it began.
    pub when: Option<String>,
}

/// Every questionnaire abandoned in `record`, in order.
pub fn abandoned_in(path: &Path, record: &ReadRecord) -> Vec<Abandoned> {
    record
        .left_questionnaires()
        .into_iter()
        .map(|left| Abandoned {
            record: path.to_owned(),
            at: left.t,
            instrument: left.instrument.to_owned(),
            answered: left.answers.len(),
            when: wall_time(record, left.t),
        })
        .collect()
}

/// An administration with how it compares with the course's first on its instrument.
#[derive(Clone, Debug, PartialEq)]
pub struct Taken {
    /// The administration.
    pub administration: Administration,
    /// Compared with the first, by the instrument's course rules; `None` for the first
    /// itself, or when the instrument's rules are not available.
    pub change: Option<CourseChange>,
    /// Points from the first (negative is lower); `None` for the first itself.
    pub from_first: Option<i64>,
}

impl Taken {
    /// The marks the course rules give it, in words: "reliable improvement" or "reliable
    /// worsening", "response", "remission".
    pub fn marks(&self) -> Vec<&'static str> {
        let Some(change) = &self.change else {
            return Vec::new();
        };
        let mut marks = Vec::new();
        if change.reliably_improved {
            marks.push(RELIABLY_IMPROVED);
        } else if change.reliable && change.change > 0 {
            marks.push(RELIABLY_WORSE);
        }
        if change.response {
            marks.push(RESPONSE);
        }
        if change.remission {
            marks.push(REMISSION);
        }
        marks
    }

    /// True when a safety alert was raised as it was answered.
    pub fn has_alert(&self) -> bool {
        !self.administration.alerts.is_empty()
    }
}

/// The mark for a reliable change for the better.
pub const RELIABLY_IMPROVED: &str = "reliable improvement";
/// The mark for a reliable change for the worse.
pub const RELIABLY_WORSE: &str = "reliable worsening";
/// The mark for a fall of half or more from the first total.
pub const RESPONSE: &str = "response";
/// The mark for a total under the remission threshold.
pub const REMISSION: &str = "remission";

/// One instrument across a course (or one session): every administration, oldest first.
#[derive(Clone, Debug, PartialEq)]
pub struct InstrumentCourse {
    /// The instrument's id.
    pub id: String,
    /// Its short name, e.g. "PHQ-9".
    pub name: String,
    /// Its definition, when it is available here (a clinic's own instrument may be gone).
    pub instrument: Option<Arc<Instrument>>,
    /// The administrations, oldest first.
    pub taken: Vec<Taken>,
}

/// A line across a chart of totals: a severity band's lowest total, or the cut-off.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChartLine {
    /// The total it is drawn at.
    pub at: u32,
    /// Its label, e.g. "Moderate" or "cut-off 33".
    pub label: String,
    /// True for the cut-off (drawn apart from the band lines).
    pub cutoff: bool,
}

impl InstrumentCourse {
    /// The scale's top: the instrument's highest total, or the highest recorded when the
    /// instrument is not available.
    pub fn max_total(&self) -> u32 {
        let highest = self
            .taken
            .iter()
            .map(|taken| taken.administration.total)
            .max()
            .unwrap_or(0);
        self.instrument
            .as_ref()
            .map_or(highest, |instrument| instrument.max_total().max(highest))
            .max(1)
    }

    /// The lines a chart draws: every band's lowest total above 0, labelled with the band's
    /// name, and the cut-off where there is one.
    pub fn chart_lines(&self) -> Vec<ChartLine> {
        let Some(instrument) = &self.instrument else {
            return Vec::new();
        };
        let mut lines: Vec<ChartLine> = instrument
            .band_lines()
            .map(|band| ChartLine {
                at: band.from,
                label: band.label.clone(),
                cutoff: false,
            })
            .collect();
        if let Some(cutoff) = instrument.cutoff {
            lines.push(ChartLine {
                at: cutoff,
                label: format!("cut-off {cutoff}"),
                cutoff: true,
            });
        }
        lines
    }

    /// The latest administration.
    pub fn latest(&self) -> Option<&Taken> {
        self.taken.last()
    }

    /// The latest result in words, e.g. "PHQ-9 4 (Minimal) on 2026-11-20, 14 lower than the
    /// first (18): reliable improvement, response, remission." (PCL-5's band is followed by
    /// its two screening results.)
    pub fn latest_in_words(&self) -> String {
        let Some(latest) = self.latest() else {
            return format!("{}: not taken.", self.name);
        };
        let taken = &latest.administration;
        let results = std::iter::once(taken.band.clone())
            .chain(screening_in_words(taken))
            .collect::<Vec<_>>()
            .join("; ");
        let mut words = format!(
            "{} {} ({results}) on {}",
            self.name,
            taken.total,
            taken.date()
        );
        let first = self
            .taken
            .first()
            .map_or(0, |first| first.administration.total);
        match latest.from_first {
            None => words.push_str(", the first of the course"),
            Some(0) => {
                let _ = write!(words, ", the same as the first ({first})");
            }
            Some(change) => {
                let _ = write!(
                    words,
                    ", {} {} than the first ({first})",
                    change.unsigned_abs(),
                    if change < 0 { "lower" } else { "higher" }
                );
            }
        }
        let marks = latest.marks();
        if !marks.is_empty() {
            let _ = write!(words, ": {}", marks.join(", "));
        } else if latest.from_first.is_some() && latest.change.is_some() {
            words.push_str(": no reliable change");
        }
        words.push('.');
        words
    }
}

/// The screening results of `taken` in words, each on its own: "DSM-5 cluster rule met",
/// "total at or above the cut-point" (PCL-5); none for an instrument without them.
pub fn screening_in_words(taken: &Administration) -> Vec<String> {
    let rule = taken
        .cluster_rule
        .map(|met| format!("DSM-5 cluster rule {}", if met { "met" } else { "not met" }));
    let cut = taken.above_cutoff.map(|above| {
        format!(
            "total {} the cut-point",
            if above { "at or above" } else { "below" }
        )
    });
    rule.into_iter().chain(cut).collect()
}

/// Everything about questionnaires in a set of records: each instrument's course, the
/// safety alerts and the questionnaires abandoned.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Questionnaires {
    /// Each instrument taken, in the order first taken.
    pub instruments: Vec<InstrumentCourse>,
    /// Every safety alert, oldest first.
    pub alerts: Vec<AlertShown>,
    /// Every questionnaire abandoned, oldest first.
    pub abandoned: Vec<Abandoned>,
    /// How many desk records (questionnaires taken with no session) were read.
    pub desk_records: usize,
    /// Records that could not be read.
    pub problems: Vec<String>,
}

impl Questionnaires {
    /// Reads `records` and judges each instrument's course by its rules in `instruments`.
    pub fn read(records: &[PathBuf], instruments: &InstrumentSet) -> Self {
        let mut read = Vec::new();
        let mut problems = Vec::new();
        for path in records {
            match ReadRecord::read(path) {
                Ok(record) => read.push((path.clone(), record)),
                Err(error) => problems.push(format!("{}: cannot read: {error}", path.display())),
            }
        }
        let mut found = Self::from_records(&read, instruments);
        found.problems = problems;
        found
    }

    /// The same, from records already read.
    pub fn from_records(records: &[(PathBuf, ReadRecord)], instruments: &InstrumentSet) -> Self {
        let mut all: Vec<Administration> = Vec::new();
        let mut found = Self::default();
        for (path, record) in records {
            all.extend(administrations_in(path, record, instruments));
            let desk = record.is_desk();
            found.desk_records += usize::from(desk);
            for (_, alert) in matched_alerts(path, record, Some(instruments)) {
                let instrument = instruments.get(&alert.instrument).map(AsRef::as_ref);
                found.alerts.push(AlertShown::new(alert, instrument, desk));
            }
            found.abandoned.extend(abandoned_in(path, record));
        }
        all.sort_by(|a, b| {
            a.taken_at
                .cmp(&b.taken_at)
                .then_with(|| a.record.cmp(&b.record))
        });
        for administration in all {
            let position = found
                .instruments
                .iter()
                .position(|course| course.id == administration.instrument);
            let index = position.unwrap_or_else(|| {
                found.instruments.push(InstrumentCourse {
                    id: administration.instrument.clone(),
                    name: administration.name.clone(),
                    instrument: instruments.get(&administration.instrument).cloned(),
                    taken: Vec::new(),
                });
                found.instruments.len() - 1
            });
            let course = &mut found.instruments[index];
            let first = course.taken.first().map(|first| first.administration.total);
            let (change, from_first) = match first {
                Some(first) => (
                    course
                        .instrument
                        .as_ref()
                        .map(|instrument| course_change(instrument, first, administration.total)),
                    Some(i64::from(administration.total) - i64::from(first)),
                ),
                None => (None, None),
            };
            course.taken.push(Taken {
                administration,
                change,
                from_first,
            });
        }
        let when = |text: &Option<String>| text.clone().unwrap_or_default();
        found.alerts.sort_by_key(|shown| when(&shown.alert.when));
        found.abandoned.sort_by_key(|left| when(&left.when));
        found
    }

    /// True when there is nothing to show.
    pub fn is_empty(&self) -> bool {
        self.instruments.is_empty() && self.alerts.is_empty() && self.abandoned.is_empty()
    }

    /// The alerts not acknowledged.
    pub fn unacknowledged(&self) -> usize {
        self.alerts
            .iter()
            .filter(|shown| !shown.alert.acknowledged)
            .count()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::instruments::library::bundled;
    use crate::session::record::Event;

    fn set() -> InstrumentSet {
        let map: BTreeMap<String, Arc<Instrument>> = ["phq-9", "pcl-5"]
            .into_iter()
            .map(|id| (id.to_owned(), Arc::new(bundled(id))))
            .collect();
        InstrumentSet(Arc::new(map))
    }

    fn taken(instrument: &str, total: u32, band: &str, day: u32) -> EventKind {
        EventKind::Questionnaire {
            instrument: instrument.into(),
            administration: None,
            name: instrument.to_uppercase(),
            answers: Vec::new(),
            total,
            band: band.into(),
            subscales: Vec::new(),
            cluster_rule: None,
            above_cutoff: None,
            secs: 60.0,
            taken_at: format!("2026-11-{day:02}T09:31:00Z"),
            via: AnsweredVia::Headset,
        }
    }

    fn session(day: u32, lines: Vec<(f64, EventKind)>) -> (PathBuf, ReadRecord) {
        let start = EventKind::SessionStarted {
            script: "s".into(),
            title: "S".into(),
            phase: None,
            sha256: String::new(),
            patient: "P-1".into(),
            started_at: format!("2026-11-{day:02}T09:30:00Z"),
            steps: 1,
        };
        let events = std::iter::once((0.0, start))
            .chain(lines)
            .map(|(t, kind)| Event { t, kind })
            .collect();
        (
            PathBuf::from(format!("day{day:02}.jsonl")),
            ReadRecord {
                events,
                damaged_lines: Vec::new(),
            },
        )
    }

    #[test]
    fn each_total_is_judged_against_the_first_and_the_latest_told_in_words() {
        let records = vec![
            session(16, vec![(60.0, taken("phq-9", 4, "Minimal", 16))]),
            session(2, vec![(60.0, taken("phq-9", 18, "Moderately severe", 2))]),
            session(
                9,
                vec![
                    (
                        50.0,
                        EventKind::SafetyAlert {
                            instrument: "phq-9".into(),
                            administration: None,
                            item: 9,
                            answer: 1,
                            message: "ask".into(),
                        },
                    ),
                    (60.0, taken("phq-9", 11, "Moderate", 9)),
                    (90.0, taken("sleep-2", 3, "Unsettled", 9)),
                ],
            ),
        ];
        let found = Questionnaires::from_records(&records, &set());
        let ids: Vec<&str> = found.instruments.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["phq-9", "sleep-2"]);
        let phq = &found.instruments[0];
        let totals: Vec<u32> = phq.taken.iter().map(|t| t.administration.total).collect();
        assert_eq!(totals, [18, 11, 4], "date order");
        assert!(phq.taken[0].marks().is_empty() && phq.taken[0].from_first.is_none());
        assert_eq!(phq.taken[1].marks(), [RELIABLY_IMPROVED]);
        assert!(phq.taken[1].has_alert());
        assert_eq!(
            phq.taken[2].marks(),
            [RELIABLY_IMPROVED, RESPONSE, REMISSION]
        );
        assert_eq!(
            phq.latest_in_words(),
            "PHQ-9 4 (Minimal) on 2026-11-16, 14 lower than the first (18): reliable \
             improvement, response, remission."
        );
        assert_eq!(phq.max_total(), 27);
        let lines: Vec<u32> = phq.chart_lines().iter().map(|line| line.at).collect();
        assert_eq!(lines, [5, 10, 15, 20]);

        // An instrument not available here: its totals, no bands, no judgement.
        let sleep = &found.instruments[1];
        assert!(sleep.instrument.is_none() && sleep.chart_lines().is_empty());
        assert_eq!(sleep.max_total(), 3);
        assert_eq!(
            sleep.latest_in_words(),
            "SLEEP-2 3 (Unsettled) on 2026-11-09, the first of the course."
        );

        // The alert, with the item's and the answer's words and its time.
        let [alert] = found.alerts.as_slice() else {
            panic!("one alert: {:?}", found.alerts)
        };
        assert_eq!(alert.answer_words.as_deref(), Some("Several days"));
        assert!(
            alert
                .item_text
                .as_deref()
                .is_some_and(|text| text.contains("better off dead"))
        );
        assert_eq!(alert.alert.when.as_deref(), Some("2026-11-09T09:30:50Z"));
        assert_eq!(
            alert.in_words(),
            "PHQ-9 item 9 answered “Several days” (1), 2026-11-09 09:30 UTC: NOT acknowledged"
        );
        assert_eq!(found.unacknowledged(), 1);
    }

    #[test]
    fn a_worse_total_is_marked_and_pcl5_draws_its_cut_off() {
        let records = vec![
            session(2, vec![(1.0, taken("pcl-5", 30, "Total under 33", 2))]),
            // As recorded before the cluster rule was: a band by total alone.
            session(9, vec![(1.0, taken("pcl-5", 45, "Probable PTSD", 9))]),
        ];
        let found = Questionnaires::from_records(&records, &set());
        let pcl = &found.instruments[0];
        assert_eq!(pcl.taken[1].marks(), [RELIABLY_WORSE]);
        assert_eq!(pcl.taken[1].from_first, Some(15));
        let lines = pcl.chart_lines();
        assert!(lines.iter().any(|line| line.cutoff && line.at == 33));
        assert!(
            lines
                .iter()
                .any(|line| !line.cutoff && line.label == "Total 33 or more")
        );
        // A record made before the two results were recorded: the cut-point's from the
        // total, the cluster rule's not known (no clusters recorded).
        assert_eq!(pcl.taken[1].administration.above_cutoff, Some(true));
        assert_eq!(pcl.taken[1].administration.cluster_rule, None);
        assert_eq!(pcl.taken[1].administration.band, "Total 33 or more");
        assert!(
            pcl.latest_in_words().starts_with(
                "PCL-5 45 (Total 33 or more; total at or above the cut-point) on 2026-11-09, 15 \
                 higher than the first (30): reliable worsening"
            ),
            "{}",
            pcl.latest_in_words()
        );
    }

    #[test]
    fn desk_records_and_abandoned_questionnaires_are_counted() {
        let desk = (
            PathBuf::from("questionnaire-phq-9.jsonl"),
            ReadRecord {
                events: vec![Event {
                    t: 0.0,
                    kind: taken("phq-9", 7, "Mild", 3),
                }],
                damaged_lines: Vec::new(),
            },
        );
        let left = session(
            4,
            vec![(
                75.0,
                EventKind::QuestionnaireAbandoned {
                    instrument: "phq-9".into(),
                    administration: None,
                    answers: vec![1, 0, 2],
                },
            )],
        );
        let found = Questionnaires::from_records(&[desk, left], &set());
        assert_eq!(found.desk_records, 1);
        assert_eq!(found.abandoned.len(), 1);
        assert_eq!(found.abandoned[0].answered, 3);
        assert_eq!(
            found.abandoned[0].when.as_deref(),
            Some("2026-11-04T09:31:15Z")
        );
        assert_eq!(
            super::super::words::readable_time("2026-11-04T09:31:15Z"),
            "2026-11-04 09:31 UTC"
        );
    }
}
