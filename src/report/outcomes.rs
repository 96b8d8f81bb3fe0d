//! Questionnaires across a patient's records: every administration (in a session or at the
//! desk) with its scores, and every safety alert with whether it was acknowledged.

use std::path::{Path, PathBuf};

use crate::instruments::ClusterScore;
use crate::session::record::{AnsweredVia, EventKind, ReadRecord};

/// A safety alert raised in a record.
#[derive(Clone, Debug, PartialEq)]
pub struct RaisedAlert {
    /// The record it is in.
    pub record: PathBuf,
    /// Session time it was raised, seconds.
    pub at: f64,
    /// The instrument's id.
    pub instrument: String,
    /// The item, from 1.
    pub item: u32,
    /// The answer given.
    pub answer: u32,
    /// What the therapist was shown.
    pub message: String,
    /// True once the therapist acknowledged it.
    pub acknowledged: bool,
}

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
    /// The provisional-diagnosis rule's result, when it has one.
    pub provisional: Option<bool>,
    /// Seconds it took.
    pub secs: f64,
    /// Wall-clock time it was confirmed, RFC 3339 UTC.
    pub taken_at: String,
    /// Where it was answered.
    pub via: AnsweredVia,
    /// Safety alerts raised while it was answered.
    pub alerts: Vec<RaisedAlert>,
}

impl Administration {
    /// The calendar day it was taken, `YYYY-MM-DD`.
    pub fn date(&self) -> &str {
        self.taken_at.get(..10).unwrap_or(&self.taken_at)
    }
}

/// Every safety alert in `record`, in order, each marked acknowledged when a later
/// acknowledgement names its instrument and item.
pub fn alerts_in(path: &Path, record: &ReadRecord) -> Vec<RaisedAlert> {
    let mut alerts: Vec<RaisedAlert> = Vec::new();
    for event in &record.events {
        match &event.kind {
            EventKind::SafetyAlert {
                instrument,
                item,
                answer,
                message,
            } => alerts.push(RaisedAlert {
                record: path.to_owned(),
                at: event.t,
                instrument: instrument.clone(),
                item: *item,
                answer: *answer,
                message: message.clone(),
                acknowledged: false,
            }),
            EventKind::SafetyAcknowledged { instrument, item } => {
                for alert in alerts.iter_mut().filter(|alert| {
                    !alert.acknowledged && alert.instrument == *instrument && alert.item == *item
                }) {
                    alert.acknowledged = true;
                }
            }
            _ => {}
        }
    }
    alerts
}

/// Every questionnaire answered in full in `record`, in order. A safety alert belongs to
/// the administration of its instrument that follows it (the alert is raised as the item is
/// answered, before the answers are confirmed); an alert with none after it (the
/// questionnaire was abandoned) is still returned by [`alerts_in`].
pub fn administrations_in(path: &Path, record: &ReadRecord) -> Vec<Administration> {
    let alerts = alerts_in(path, record);
    let mut taken: Vec<Administration> = Vec::new();
    let mut claimed = vec![false; alerts.len()];
    for event in &record.events {
        let EventKind::Questionnaire {
            instrument,
            name,
            answers,
            total,
            band,
            subscales,
            provisional,
            secs,
            taken_at,
            via,
        } = &event.kind
        else {
            continue;
        };
        let mut own = Vec::new();
        for (alert, claimed) in alerts.iter().zip(claimed.iter_mut()) {
            if !*claimed && alert.instrument == *instrument && alert.at <= event.t {
                *claimed = true;
                own.push(alert.clone());
            }
        }
        taken.push(Administration {
            record: path.to_owned(),
            instrument: instrument.clone(),
            name: name.clone(),
            answers: answers.clone(),
            total: *total,
            band: band.clone(),
            subscales: subscales.clone(),
            provisional: *provisional,
            secs: *secs,
            taken_at: taken_at.clone(),
            via: *via,
            alerts: own,
        });
    }
    taken
}

/// Every administration in `records`, oldest first, and every safety alert; records that
/// cannot be read are described in the last list and never hide the others.
pub fn course(records: &[PathBuf]) -> (Vec<Administration>, Vec<RaisedAlert>, Vec<String>) {
    let mut taken = Vec::new();
    let mut alerts = Vec::new();
    let mut problems = Vec::new();
    for path in records {
        match ReadRecord::read(path) {
            Ok(record) => {
                taken.extend(administrations_in(path, &record));
                alerts.extend(alerts_in(path, &record));
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
