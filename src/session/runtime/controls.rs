//! The live controls: each [`SessionAction`] applied to the session under way (pause, calm,
//! next, back, end, volumes, posture, the headset coming and going, answers and brush strokes).

use std::time::Duration;

use bevy::prelude::*;

use super::SessionRuntime;
use super::types::{SessionAction, SessionState, Volumes, volume_level};
use crate::exercises::Status;
use crate::script::Step;
use crate::session::record::{EndReason, EventKind, StepEnd};

impl SessionRuntime {
    /// Applies one action; actions that make no sense now are ignored with a log line.
    pub fn apply(&mut self, action: &SessionAction, volumes: &mut Volumes) {
        use SessionState::*;
        if let (inner, Some(source)) = action.with_source() {
            let before = self.source.replace(source);
            self.apply(inner, volumes);
            self.source = before;
            return;
        }
        let ignored = |why: &str| info!("ignored {}: {why}", action.without_answers());
        match (action, self.state) {
            (
                SessionAction::Start { .. }
                | SessionAction::ResumeRecord { .. }
                | SessionAction::CloseUnfinished { .. },
                _,
            ) => {
                // Starting needs the prepared script and the records folder: see `apply_actions`.
                ignored("handled by the session plugin");
            }
            (SessionAction::Pause, Running) => {
                self.state = Paused;
                self.write(EventKind::Paused);
            }
            (SessionAction::Resume, Paused) => {
                self.state = Running;
                self.write(EventKind::Resumed);
            }
            (SessionAction::Next, Running | Paused) => {
                let holding = self
                    .view
                    .as_ref()
                    .is_some_and(|view| view.status == Status::Holding);
                let how = if holding {
                    StepEnd::Continued
                } else {
                    StepEnd::Skipped
                };
                self.advance_from_step(how, Duration::ZERO);
            }
            (SessionAction::AutoContinue, Running)
                if self
                    .view
                    .as_ref()
                    .is_some_and(|view| view.status == Status::Holding) =>
            {
                self.advance_from_step(StepEnd::AutoContinued, Duration::ZERO);
            }
            (SessionAction::Back, Running | Paused) if self.step > 0 => {
                self.finish_step(StepEnd::WentBack);
                self.enter_step(self.step - 1, Duration::ZERO);
            }
            (SessionAction::Back, Running | Paused) => ignored("already at the first step"),
            (SessionAction::Calm, Running | Paused) => {
                self.calm_from = self.state;
                self.state = Calm;
                self.write(EventKind::CalmOn);
            }
            (SessionAction::EndCalm, Calm) => {
                self.state = self.calm_from;
                self.write(EventKind::CalmOff);
            }
            (SessionAction::End, Running | Paused | Calm) => {
                self.finish_step(StepEnd::SessionEnded);
                self.end(EndReason::EndedByTherapist);
            }
            (SessionAction::SetVolume { bus, level }, _) => {
                let level = volume_level(*level);
                *volumes.level_mut(*bus) = level;
                if self.is_under_way() {
                    self.write(EventKind::VolumeSet { bus: *bus, level });
                }
            }
            (SessionAction::TryVolume { bus, level }, _) => {
                *volumes.level_mut(*bus) = volume_level(*level);
            }
            (SessionAction::Answer(value), Running)
                if matches!(self.step(), Some(Step::Questionnaire(_))) =>
            {
                self.answer_item(*value, &ignored);
            }
            (SessionAction::Answer(value), Running) => self.answer_check_in(*value, &ignored),
            (SessionAction::AnswerBack, Running) => self.answer_back(&ignored),
            (SessionAction::ConfirmAnswers, Running) => self.confirm_answers(&ignored),
            (
                SessionAction::DeskQuestionnaire { .. } | SessionAction::AcknowledgeSafetyAlert,
                _,
            ) => {
                // They need the instruments, the records folder and the alerts waiting: see
                // `apply_actions`.
                ignored("handled by the session plugin");
            }
            (SessionAction::Choose(index), Running)
                if matches!(self.step(), Some(Step::VoiceNote(_))) =>
            {
                self.choose_in_note(*index, &ignored);
            }
            (SessionAction::Choose(index), Running) => self.choose_intention(*index, &ignored),
            (SessionAction::VoiceNoteTaken(sound), Running) => self.note_taken(sound, &ignored),
            (
                SessionAction::VoiceNoteMissed {
                    reason,
                    no_microphone,
                },
                Running,
            ) => self.note_missed(reason, *no_microphone, &ignored),
            (SessionAction::StopRecording, Running) => self.stop_recording(&ignored),
            (SessionAction::Paint(paint), Running) => {
                let Some(painting) = &mut self.painting else {
                    return ignored("no paint step is showing");
                };
                if let Some(event) = painting.apply(paint) {
                    self.write(event);
                }
                // Brush strokes change nothing the step view shows.
                return;
            }
            (SessionAction::SetPosture(posture), _) => {
                if self.posture == *posture {
                    return ignored("the posture is already that");
                }
                self.posture = *posture;
                info!("posture: {}", posture.label());
                if self.is_under_way() {
                    self.write(EventKind::PostureSet { posture: *posture });
                }
            }
            (SessionAction::HeadsetLost, Running) => {
                self.write(EventKind::HeadsetLost);
                self.state = Paused;
                self.write(EventKind::Paused);
            }
            (SessionAction::HeadsetLost, Paused) => self.write(EventKind::HeadsetLost),
            (SessionAction::HeadsetLost, Calm) => {
                // The safe place stays; leaving it returns to a pause, not to a session
                // running on with nobody to see it.
                self.write(EventKind::HeadsetLost);
                if self.calm_from == Running {
                    self.calm_from = Paused;
                    self.write(EventKind::Paused);
                }
            }
            (SessionAction::HeadsetBack, Running | Paused | Calm) => {
                self.write(EventKind::HeadsetBack);
            }
            (_, state) => ignored(&format!("not possible while the session is {state:?}")),
        }
        self.refresh_view();
    }
}
