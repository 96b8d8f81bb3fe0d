//! Questionnaires in the session's record: scoring confirmed answers into the
//! `questionnaire` event, the desk record of one taken with no session, and the safety
//! alerts waiting for the therapist's acknowledgement.

use std::path::{Path, PathBuf};

use bevy::prelude::*;

use super::record::{AnsweredVia, Event, EventKind, ReadRecord, RecordWriter};
use crate::clock::wall_clock;
use crate::instruments::{Instrument, SafetyAlert, ScoreError};

/// What became of a questionnaire entered at the desk: where it was recorded, or why it
/// could not be (the form stays open with its answers, to try again).
#[derive(Message, Clone, Debug, PartialEq)]
pub struct DeskQuestionnaireRecorded(pub Result<String, String>);

/// A safety alert on screen until the therapist acknowledges it.
#[derive(Clone, Debug, PartialEq)]
pub struct PendingAlert {
    /// The record the alert is written in (`None` when it could not be written).
    pub record: Option<PathBuf>,
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
    ) -> Self {
        let text_of = |item: u32| {
            usize::try_from(item)
                .ok()
                .and_then(|item| instrument.items.get(item.checked_sub(1)?))
                .map(|item| item.text.clone())
                .unwrap_or_default()
        };
        let label_of = |answer: u32| {
            usize::try_from(answer)
                .ok()
                .and_then(|answer| instrument.responses.get(answer))
                .map(|response| response.label.clone())
                .unwrap_or_default()
        };
        Self {
            record,
            patient: patient.to_owned(),
            instrument: instrument.id.clone(),
            name: instrument.short.clone(),
            item: alert.item,
            item_text: text_of(alert.item),
            answer: alert.answer,
            answer_label: label_of(alert.answer),
            message: alert.message.clone(),
            raised_at: format!("at {} (UTC)", wall_clock()),
        }
    }

    /// The same alert, for its record, instrument and item.
    pub fn is_for(&self, record: Option<&Path>, instrument: &str, item: u32) -> bool {
        self.record.as_deref() == record && self.instrument == instrument && self.item == item
    }

    /// The record event of this alert.
    pub fn event(&self) -> EventKind {
        EventKind::SafetyAlert {
            instrument: self.instrument.clone(),
            item: self.item,
            answer: self.answer,
            message: self.message.clone(),
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
    pub fn knows(&self, record: Option<&Path>, instrument: &str, item: u32) -> bool {
        self.0
            .iter()
            .chain(&self.1)
            .any(|alert| alert.is_for(record, instrument, item))
    }

    /// Adds `alerts`; one for an item whose alert is still waiting (the patient went back and
    /// answered it again) replaces that one, so the therapist sees the latest answer once.
    pub fn raise(&mut self, alerts: impl IntoIterator<Item = PendingAlert>) {
        for alert in alerts {
            let same = |waiting: &PendingAlert| {
                waiting.patient == alert.patient
                    && waiting.is_for(alert.record.as_deref(), &alert.instrument, alert.item)
            };
            match self.0.iter_mut().find(|waiting| same(waiting)) {
                Some(waiting) => *waiting = alert,
                None => self.0.push(alert),
            }
        }
    }
}

/// The `questionnaire` event for `answers` to `instrument` (one per item), taken in `secs`.
pub fn scored_event(
    instrument: &Instrument,
    answers: &[u32],
    secs: f64,
    via: AnsweredVia,
) -> Result<(EventKind, Vec<SafetyAlert>), ScoreError> {
    let scored = instrument.score(answers)?;
    let event = EventKind::Questionnaire {
        instrument: instrument.id.clone(),
        name: instrument.short.clone(),
        answers: answers.to_vec(),
        total: scored.total,
        band: scored.band,
        subscales: scored.clusters,
        provisional: scored.provisional,
        secs: (secs.max(0.0) * 10.0).round() / 10.0,
        taken_at: wall_clock(),
        via,
    };
    Ok((event, scored.alerts))
}

/// `<folder>/<patient>/questionnaire-<instrument>-<YYYYMMDD-HHMMSS>.jsonl`, made unique.
fn desk_record_path(folder: &Path, patient: &str, instrument: &str) -> PathBuf {
    super::runtime::new_record_path(folder, patient, &format!("questionnaire-{instrument}"))
}

/// Writes a desk record: `answers` to `instrument` taken at the desk by `patient` with no
/// session, scored, with a line for each safety alert. Returns the record and the alerts.
pub fn write_desk_record(
    folder: &Path,
    patient: &str,
    instrument: &Instrument,
    answers: &[u32],
    secs: f64,
) -> Result<(PathBuf, Vec<PendingAlert>), String> {
    super::runtime::check_patient_code(patient)?;
    let (event, alerts) = scored_event(instrument, answers, secs, AnsweredVia::Desk)
        .map_err(|error| error.to_string())?;
    let path = desk_record_path(folder, patient, &instrument.id);
    let shown = path.display();
    let mut record = RecordWriter::create(&path)
        .map_err(|error| format!("cannot create the record {shown}: {error}"))?;
    let pending: Vec<PendingAlert> = alerts
        .iter()
        .map(|alert| PendingAlert::new(instrument, alert, patient, Some(path.clone())))
        .collect();
    let lines = std::iter::once(event).chain(pending.iter().map(PendingAlert::event));
    for kind in lines {
        record
            .append(&Event { t: 0.0, kind })
            .map_err(|error| format!("cannot write the record {shown}: {error}"))?;
    }
    Ok((path, pending))
}

/// Appends the acknowledgement of `alert` to a record that is not being written now (a
/// desk record, or a session that has ended).
pub fn acknowledge_in_file(path: &Path, alert: &PendingAlert) -> Result<(), String> {
    let shown = path.display();
    let read = ReadRecord::read(path)
        .map_err(|error| format!("cannot read the record {shown}: {error}"))?;
    let mut record = RecordWriter::reopen(path)
        .map_err(|error| format!("cannot reopen the record {shown}: {error}"))?;
    record
        .append(&Event {
            t: read.last_t(),
            kind: EventKind::SafetyAcknowledged {
                instrument: alert.instrument.clone(),
                item: alert.item,
            },
        })
        .map(|_| ())
        .map_err(|error| format!("cannot write the record {shown}: {error}"))
}
