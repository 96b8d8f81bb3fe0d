//! The runtime's record side: writing each event, keeping lines a failing disk refused,
//! acknowledgements, desk answers during the session, and the painting's saves at exit.

use bevy::prelude::*;

use super::SessionRuntime;
use crate::session::painting::PaintStep;
use crate::session::questionnaire::{DeskAnswers, PendingAlert};
use crate::session::record::{Event, EventKind};
use crate::session::writer::RecordWriter;

impl SessionRuntime {
    /// The safety alerts raised since the last call, for the panel.
    pub fn take_raised_alerts(&mut self) -> Vec<PendingAlert> {
        std::mem::take(&mut self.raised)
    }

    /// Records that the therapist acknowledged `alert`, when it is in this session's record;
    /// false when it belongs to another record.
    pub fn acknowledge(&mut self, alert: &PendingAlert) -> bool {
        if alert.record.is_none() || alert.record.as_deref() != self.record_path() {
            return false;
        }
        self.write(alert.acknowledged());
        true
    }

    /// Records ended with lines that could not be written yet, to keep until they are.
    pub fn take_unsaved_records(&mut self) -> Vec<RecordWriter> {
        std::mem::take(&mut self.unsaved)
    }

    /// Writes the lines of this session's record that wait, if any.
    pub fn retry_record(&mut self) {
        let Some(record) = &mut self.record else {
            return;
        };
        if record.flush().is_ok() && self.record_problem.take().is_some() {
            info!(
                "the session record {} is written again",
                record.path().display()
            );
        }
    }

    /// Writes a questionnaire taken at the desk during this session (the same patient's) in
    /// its record: the alert lines first, then the answers. An error says the lines wait in
    /// memory.
    pub fn record_desk_answers(&mut self, answers: &DeskAnswers) -> Result<(), String> {
        for alert in &answers.alerts {
            self.write(alert.event());
        }
        self.write(answers.event.clone());
        match &self.record_problem {
            Some(problem) => Err(problem.clone()),
            None => Ok(()),
        }
    }

    /// Saves the painting under way now, if anything of it is unsaved (before the program
    /// exits).
    pub fn save_painting_now(&mut self) {
        let events = self
            .painting
            .as_mut()
            .map(PaintStep::save_now)
            .unwrap_or_default();
        for event in events {
            self.write(event);
        }
    }

    /// Waits until every finished painting is exported (before the program exits).
    pub fn wait_for_exports(&mut self) {
        for export in self.exports.drain(..) {
            if export.join().is_err() {
                error!("a painting's export stopped unexpectedly");
            }
        }
    }

    /// Why the record could not be written, if it could not.
    pub fn record_problem(&self) -> Option<&str> {
        self.record_problem.as_deref()
    }

    /// Session time for the record, to the millisecond.
    pub(super) fn now(&self) -> f64 {
        (self.session_secs() * 1000.0).round() / 1000.0
    }

    pub(super) fn write(&mut self, kind: EventKind) {
        let event = Event {
            t: self.now(),
            kind,
        };
        let Some(record) = &mut self.record else {
            return;
        };
        match record.append_from(&event, self.source) {
            Ok(_) => {
                if self.record_problem.take().is_some() {
                    info!(
                        "the session record {} is written again",
                        record.path().display()
                    );
                }
            }
            Err(error) => {
                let problem = format!(
                    "the session record {} could not be {} ({} lines wait in memory and \
                     are written as soon as it can be): {error}",
                    record.path().display(),
                    if record.is_created() {
                        "written"
                    } else {
                        "created"
                    },
                    record.unwritten_lines()
                );
                if self.record_problem.is_none() {
                    error!("{problem}");
                }
                self.record_problem = Some(problem);
            }
        }
    }
}
