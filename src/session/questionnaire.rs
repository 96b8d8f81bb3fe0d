//! Questionnaires in the session's record: scoring confirmed answers into the
//! `questionnaire` event, the desk record of one taken with no session, and the safety
//! alerts waiting for the therapist's acknowledgement.

use std::path::{Path, PathBuf};

use bevy::prelude::*;

use super::record::{AnsweredVia, Event, EventKind, ReadRecord};
use super::unsaved::UnsavedRecords;
use super::writer::RecordWriter;
use crate::clock::wall_clock;
use crate::instruments::{Instrument, SafetyAlert, ScoreError};

/// What became of a questionnaire entered at the desk.
#[derive(Message, Clone, Debug, PartialEq)]
pub struct DeskQuestionnaireRecorded(pub DeskOutcome);

/// Where a desk questionnaire's answers are.
#[derive(Clone, Debug, PartialEq)]
pub enum DeskOutcome {
    /// On the disk, in the record named.
    Recorded(String),
    /// Scored, and any safety alert shown, but not on the disk yet: kept in memory and
    /// written again every few seconds (the form closes; sending again would double them).
    Waiting {
        /// Where they will be written.
        place: String,
        /// Why they could not be written yet.
        problem: String,
    },
    /// Not taken (no such instrument, answers that do not fit it): the form stays open.
    Refused(String),
}

/// A new key for one administration of `instrument`: shared by its progress, its answers,
/// its alerts and their acknowledgements, so that no two administrations (a retake, a desk
/// questionnaire during a session) are taken for one another.
pub fn new_administration(instrument: &str) -> String {
    static COUNT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let count = COUNT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |since| since.subsec_nanos());
    let stamp: String = wall_clock()
        .chars()
        .filter(char::is_ascii_digit)
        .take(14)
        .collect();
    format!("{instrument}-{stamp}-{:08x}", nanos ^ count.rotate_left(24))
}

/// A safety alert on screen until the therapist acknowledges it.
#[derive(Clone, Debug, PartialEq)]
pub struct PendingAlert {
    /// The record the alert is written in, or will be once it can be.
    pub record: Option<PathBuf>,
    /// The administration it was raised in (`None` in records made before keys).
    pub administration: Option<String>,
    /// The patient's code.
    pub patient: String,
    /// The instrument's id.
    pub instrument: String,
    /// Its short name, e.g. "PHQ-9".
    pub name: String,
    /// The item, from 1.
    pub item: u32,
    /// The item's words.
    pub item_text: String,
    /// The answer given, and its words.
    pub answer: u32,
    /// The words of the answer given, e.g. "Several days".
    pub answer_label: String,
    /// The answer the patient changed it to since, in words (the alert stays: it was raised).
    pub revised_to: Option<String>,
    /// What the therapist is asked to do.
    pub message: String,
    /// When it was raised, as the therapist reads it, e.g. "at 2026-12-01T10:12:03Z (UTC)".
    pub raised_at: String,
}

impl PendingAlert {
    /// The alert for `alert` on `instrument`, written in `record` for `patient`.
    pub fn new(
        instrument: &Instrument,
        alert: &SafetyAlert,
        patient: &str,
        record: Option<PathBuf>,
        administration: Option<String>,
    ) -> Self {
        Self {
            name: instrument.short.clone(),
            item_text: instrument
                .item_text(alert.item)
                .unwrap_or_default()
                .to_owned(),
            answer_label: instrument
                .answer_label(alert.answer)
                .unwrap_or_default()
                .to_owned(),
            ..Self::raised(&instrument.id, alert, patient, record, administration)
        }
    }

    /// An alert of an instrument that is no longer loaded (renamed, removed or now invalid):
    /// shown in plain words from what the record holds.
    pub fn without_instrument(
        instrument: &str,
        alert: &SafetyAlert,
        patient: &str,
        record: Option<PathBuf>,
        administration: Option<String>,
    ) -> Self {
        let raised = Self::raised(instrument, alert, patient, record, administration);
        Self {
            name: format!("\"{instrument}\""),
            item_text: format!(
                "The questionnaire \"{instrument}\" is no longer loaded, so its wording cannot \
                 be shown: see item {} on the paper form.",
                alert.item
            ),
            answer_label: format!("answer {} of the scale", alert.answer),
            message: if alert.message.is_empty() {
                "A safety item was answered above its threshold. Please check in with the \
                 patient."
                    .to_owned()
            } else {
                raised.message.clone()
            },
            ..raised
        }
    }

    /// What every alert holds from the record, its wording left for the caller.
    fn raised(
        instrument: &str,
        alert: &SafetyAlert,
        patient: &str,
        record: Option<PathBuf>,
        administration: Option<String>,
    ) -> Self {
        Self {
            record,
            administration,
            patient: patient.to_owned(),
            instrument: instrument.to_owned(),
            name: String::new(),
            item: alert.item,
            item_text: String::new(),
            answer: alert.answer,
            answer_label: String::new(),
            revised_to: None,
            message: alert.message.clone(),
            raised_at: format!("at {} (UTC)", wall_clock()),
        }
    }

    /// Marks the alert's answer as since changed to `answer` (below the threshold: the alert
    /// stays), in the words of `instrument` when it is loaded.
    pub fn revise(&mut self, instrument: Option<&Instrument>, answer: u32) {
        let words = instrument
            .and_then(|instrument| instrument.answer_label(answer))
            .unwrap_or_default();
        self.revised_to = Some(format!("{words} ({answer})"));
    }

    /// The same alert: its record, administration, instrument and item.
    pub fn is_for(
        &self,
        record: Option<&Path>,
        administration: Option<&str>,
        instrument: &str,
        item: u32,
    ) -> bool {
        self.record.as_deref() == record
            && self.administration.as_deref() == administration
            && self.instrument == instrument
            && self.item == item
    }

    /// True for the same alert as `other`.
    pub fn same_as(&self, other: &Self) -> bool {
        self.patient == other.patient
            && self.is_for(
                other.record.as_deref(),
                other.administration.as_deref(),
                &other.instrument,
                other.item,
            )
    }

    /// The record event of this alert.
    pub fn event(&self) -> EventKind {
        EventKind::SafetyAlert {
            instrument: self.instrument.clone(),
            administration: self.administration.clone(),
            item: self.item,
            answer: self.answer,
            message: self.message.clone(),
        }
    }

    /// The record event of its acknowledgement.
    pub fn acknowledged(&self) -> EventKind {
        EventKind::SafetyAcknowledged {
            instrument: self.instrument.clone(),
            administration: self.administration.clone(),
            item: self.item,
        }
    }
}

/// Safety alerts raised and not yet acknowledged, oldest first; the panel shows the first
/// over everything else until the therapist acknowledges it.
#[derive(Resource, Debug, Default, Clone, PartialEq)]
pub struct SafetyAlerts(pub Vec<PendingAlert>, Vec<PendingAlert>);

impl SafetyAlerts {
    /// Takes the first alert waiting off the screen, remembering it as acknowledged (so that a
    /// reading of its record made before the acknowledgement was written does not raise it
    /// again).
    pub fn acknowledge_first(&mut self) -> Option<PendingAlert> {
        if self.0.is_empty() {
            return None;
        }
        let alert = self.0.remove(0);
        self.1.push(alert.clone());
        Some(alert)
    }

    /// True when this alert waits now or was acknowledged since Stillpoint started.
    pub fn knows(&self, alert: &PendingAlert) -> bool {
        self.0
            .iter()
            .chain(&self.1)
            .any(|known| known.same_as(alert))
    }

    /// Adds `alerts`. One for an item whose alert is still waiting (the patient went back and
    /// answered it again) updates that one, so the therapist sees it once: a new answer above
    /// the threshold replaces the old; one below it is shown as a revision of the alert, which
    /// stays.
    pub fn raise(&mut self, alerts: impl IntoIterator<Item = PendingAlert>) {
        for alert in alerts {
            match self.0.iter_mut().find(|waiting| waiting.same_as(&alert)) {
                Some(waiting) if alert.revised_to.is_some() => {
                    waiting.revised_to = alert.revised_to;
                }
                Some(waiting) => *waiting = alert,
                None if alert.revised_to.is_some() => {}
                None => self.0.push(alert),
            }
        }
    }
}

/// The `questionnaire` event for `answers` to `instrument` (one per item), taken in `secs`
/// as the administration `administration`.
pub fn scored_event(
    instrument: &Instrument,
    administration: &str,
    answers: &[u32],
    secs: f64,
    via: AnsweredVia,
) -> Result<(EventKind, Vec<SafetyAlert>), ScoreError> {
    let scored = instrument.score(answers)?;
    let event = EventKind::Questionnaire {
        instrument: instrument.id.clone(),
        administration: Some(administration.to_owned()),
        name: instrument.short.clone(),
        answers: answers.to_vec(),
        total: scored.total,
        band: scored.band,
        subscales: scored.clusters,
        cluster_rule: scored.cluster_rule,
        above_cutoff: scored.above_cutoff,
        secs: (secs.max(0.0) * 10.0).round() / 10.0,
        taken_at: wall_clock(),
        via,
    };
    Ok((event, scored.alerts))
}

/// A desk questionnaire scored: its record event and the safety alerts it raises, which the
/// panel shows before anything is written.
#[derive(Clone, Debug, PartialEq)]
pub struct DeskAnswers {
    /// The `questionnaire` event.
    pub event: EventKind,
    /// Its safety alerts, for the panel and the record.
    pub alerts: Vec<PendingAlert>,
}

impl DeskAnswers {
    /// Scores `answers` to `instrument` taken at the desk by `patient` in `secs`, as a new
    /// administration whose alerts belong to `record`.
    pub fn score(
        instrument: &Instrument,
        patient: &str,
        answers: &[u32],
        secs: f64,
        record: &Path,
    ) -> Result<Self, String> {
        crate::patient_code::check_or_practice(patient)?;
        let administration = new_administration(&instrument.id);
        let (event, alerts) = scored_event(
            instrument,
            &administration,
            answers,
            secs,
            AnsweredVia::Desk,
        )
        .map_err(|error| error.to_string())?;
        let alerts = alerts
            .iter()
            .map(|alert| {
                PendingAlert::new(
                    instrument,
                    alert,
                    patient,
                    Some(record.to_owned()),
                    Some(administration.clone()),
                )
            })
            .collect();
        Ok(Self { event, alerts })
    }

    /// The lines of a desk record: the answers (the first line makes it a desk record), then
    /// each alert. They go to the disk in one write, so the alerts are written with them.
    pub fn desk_record_lines(&self) -> impl Iterator<Item = EventKind> + '_ {
        std::iter::once(self.event.clone()).chain(self.alerts.iter().map(PendingAlert::event))
    }
}

/// `<folder>/<patient>/questionnaire-<instrument>-<YYYYMMDD-HHMMSS>.jsonl`, made unique.
pub fn desk_record_path(folder: &Path, patient: &str, instrument: &str) -> PathBuf {
    super::record::new_record_path(folder, patient, &format!("questionnaire-{instrument}"))
}

/// Writes a desk record of `answers` in one write: the whole record reaches the disk or
/// none of it does. When it cannot be written, the writer is kept in `unsaved`, which writes
/// it again every few seconds, and the reason is returned.
pub fn write_desk_record(
    path: &Path,
    answers: &DeskAnswers,
    unsaved: &mut UnsavedRecords,
) -> Result<(), String> {
    let mut record = RecordWriter::create_or_hold(path);
    let events: Vec<Event> = answers
        .desk_record_lines()
        .map(|kind| Event { t: 0.0, kind })
        .collect();
    let written = record.append_all(&events).map_err(|error| {
        format!(
            "the record {} cannot be written ({error}); the answers are kept in memory \
             and written as soon as it can be",
            path.display()
        )
    });
    unsaved.keep(record);
    written
}

/// Scores and writes a desk record of `answers` to `instrument` for `patient` (no session
/// under way): the record and its alerts. An error says why it is not on the disk yet (the
/// record then waits in `unsaved`).
pub fn record_at_desk(
    folder: &Path,
    patient: &str,
    instrument: &Instrument,
    answers: &[u32],
    secs: f64,
    unsaved: &mut UnsavedRecords,
) -> Result<(PathBuf, Vec<PendingAlert>), String> {
    let path = desk_record_path(folder, patient, &instrument.id);
    let scored = DeskAnswers::score(instrument, patient, answers, secs, &path)?;
    write_desk_record(&path, &scored, unsaved)?;
    Ok((path, scored.alerts))
}

/// Appends the acknowledgement of `alert` to a record that is not being written now (a
/// desk record, or a session that has ended). When the record is among `unsaved` (its lines
/// still wait), the acknowledgement waits after them; when it cannot be written, it is kept
/// there and written again every few seconds, and the reason is returned.
pub fn acknowledge_in_file(
    path: &Path,
    alert: &PendingAlert,
    unsaved: &mut UnsavedRecords,
) -> Result<(), String> {
    let shown = path.display();
    let failed = |error: std::io::Error| {
        format!(
            "the acknowledgement cannot be written in {shown} ({error}); it is kept in memory \
             and written as soon as it can be"
        )
    };
    if let Some(waiting) = unsaved.writer_for(path) {
        let event = Event {
            t: 0.0,
            kind: alert.acknowledged(),
        };
        return waiting.append(&event).map(|_| ()).map_err(failed);
    }
    let t = ReadRecord::read(path).map_or(0.0, |read| read.last_t());
    let mut record =
        RecordWriter::reopen(path).unwrap_or_else(|_| RecordWriter::create_or_hold(path));
    let written = record
        .append(&Event {
            t,
            kind: alert.acknowledged(),
        })
        .map(|_| ())
        .map_err(failed);
    unsaved.keep(record);
    written
}
