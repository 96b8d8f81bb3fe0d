//! What the patient answers during a step: a check-in, a questionnaire's items (with their
//! progress lines, safety alerts and Send), and an intention's choice.

use std::path::Path;

use bevy::prelude::*;

use super::SessionRuntime;
use crate::exercises::questionnaire::Page;
use crate::exercises::{self, Detail, Input};
use crate::script::{IntentionAnswer, Step};
use crate::session::questionnaire::{PendingAlert, scored_event};
use crate::session::record::{AnsweredVia, EventKind, ReadRecord};

impl SessionRuntime {
    pub(super) fn answer_check_in(&mut self, value: u32, ignored: &dyn Fn(&str)) {
        let Some(Step::CheckIn(check_in)) = self.step() else {
            return ignored("no check-in is showing");
        };
        if self.input.answer.is_some() {
            return ignored("the check-in is already answered");
        }
        if value > exercises::check_in::MAX_VALUE {
            return ignored("answers go from 0 to 10");
        }
        let id = check_in.id.clone();
        self.input = Input {
            answer: Some(value),
            answered_at: Some(self.step_secs()),
        };
        self.write(EventKind::CheckIn {
            id,
            value: Some(value),
        });
    }

    /// The page of the questionnaire showing, if one is.
    pub(super) fn questionnaire_page(&self) -> Option<Page> {
        match self.view.as_ref()?.detail {
            Detail::Questionnaire { page, chosen, .. } if chosen.is_none() => Some(page),
            _ => None,
        }
    }

    pub(super) fn answer_item(&mut self, value: u32, ignored: &dyn Fn(&str)) {
        let Some(instrument) = self.questionnaire().cloned() else {
            return ignored("the questionnaire is not available");
        };
        if self.questionnaire_page() != Some(Page::Item) {
            return ignored("no questionnaire item is waiting for an answer");
        }
        if value > instrument.max_answer() {
            return ignored("there is no such answer");
        }
        self.answers.given.push(value);
        self.answers.last_at = Some(self.step_secs());
        self.write_progress();
        let item = u32::try_from(self.answers.given.len()).unwrap_or(u32::MAX);
        // A safety item is the therapist's at once, before the answers are sent. The log
        // says only that one waits: what was answered stays in the record.
        if let Some(alert) = instrument.alert_for(item, value) {
            let record = self.record_path().map(Path::to_owned);
            let administration = Some(self.administration.clone());
            let pending =
                PendingAlert::new(&instrument, &alert, &self.patient, record, administration);
            warn!("a safety alert waits for the therapist in the panel");
            self.write(pending.event());
            self.alerted.retain(|earlier| earlier.item != item);
            self.alerted.push(pending.clone());
            self.raised.push(pending);
        } else if let Some(earlier) = self.alerted.iter_mut().find(|alert| alert.item == item) {
            // Answered again below the threshold: the alert stays, marked as revised.
            earlier.revise(Some(&instrument), value);
            self.raised.push(earlier.clone());
        }
    }

    pub(super) fn answer_back(&mut self, ignored: &dyn Fn(&str)) {
        if !matches!(self.questionnaire_page(), Some(Page::Item | Page::Confirm)) {
            return ignored("no questionnaire is waiting for an answer");
        }
        if self.answers.given.pop().is_none() {
            return ignored("this is the first item");
        }
        self.answers.last_at = None;
        self.write_progress();
    }

    /// Writes the answers given so far to the questionnaire showing, so that a stop loses
    /// none of them.
    pub(super) fn write_progress(&mut self) {
        let Some(Step::Questionnaire(questionnaire)) = self.step() else {
            return;
        };
        let instrument = questionnaire.instrument.clone();
        self.write(EventKind::QuestionnaireProgress {
            instrument,
            administration: Some(self.administration.clone()),
            answers: self.answers.given.clone(),
        });
    }

    /// Takes up the questionnaire of the step a session resumed in where `record` left it:
    /// the answers given so far, or, when they were already sent, the thanks.
    pub(super) fn restore_questionnaire(&mut self, record: &ReadRecord) {
        let Some(instrument) = self.questionnaire().cloned() else {
            return;
        };
        let Some(so_far) = record.questionnaire_so_far(self.step, &instrument.id) else {
            return;
        };
        let fits = so_far.answers.len() <= instrument.items.len()
            && so_far
                .answers
                .iter()
                .all(|&answer| answer <= instrument.max_answer());
        if !fits {
            warn!(
                "the {} answers in the record do not fit {} as it is now: it starts again",
                so_far.answers.len(),
                instrument.short
            );
            return;
        }
        info!(
            "{}: {} answers given before the stop are kept{}",
            instrument.short,
            so_far.answers.len(),
            if so_far.sent { ", and were sent" } else { "" }
        );
        self.questionnaire_began = so_far.began;
        if let Some(administration) = so_far.administration {
            self.administration = administration;
        }
        let record = self.record_path().map(Path::to_owned);
        let administration = Some(self.administration.clone());
        self.alerted = so_far
            .alerts
            .iter()
            .map(|alert| {
                PendingAlert::new(
                    &instrument,
                    alert,
                    &self.patient,
                    record.clone(),
                    administration.clone(),
                )
            })
            .collect();
        self.answers.given = so_far.answers;
        if so_far.sent {
            self.answers.confirmed_at = Some(self.step_secs());
        }
        self.refresh_view();
    }

    pub(super) fn confirm_answers(&mut self, ignored: &dyn Fn(&str)) {
        if self.questionnaire_page() != Some(Page::Confirm) {
            return ignored("the questionnaire is not answered yet");
        }
        let Some(instrument) = self.questionnaire().cloned() else {
            return ignored("the questionnaire is not available");
        };
        let secs = self.session_secs() - self.questionnaire_began;
        let answers = &self.answers.given;
        match scored_event(
            &instrument,
            &self.administration,
            answers,
            secs,
            AnsweredVia::Headset,
        ) {
            Ok((event, _)) => {
                self.write(event);
                self.answers.confirmed_at = Some(self.step_secs());
            }
            Err(error) => error!("the questionnaire's answers cannot be scored: {error}"),
        }
    }

    pub(super) fn choose_intention(&mut self, index: u32, ignored: &dyn Fn(&str)) {
        let Some(Step::Intention(intention)) = self.step() else {
            return ignored("no intention is showing");
        };
        let IntentionAnswer::Choose(choices) = &intention.answer else {
            return ignored("this intention is spoken aloud");
        };
        if self.input.answer.is_some() {
            return ignored("a choice is already made");
        }
        let Some(choice) = choices.get(index as usize).cloned() else {
            return ignored("there is no such choice");
        };
        self.input = Input {
            answer: Some(index),
            answered_at: Some(self.step_secs()),
        };
        self.write(EventKind::IntentionChosen {
            choice: Some(choice),
        });
    }
}
