//! The session player: which step is showing, its clock, pause and calm, and the record.
//!
//! All changes come through [`SessionAction`] messages (panel, keyboard, headset, simulate)
//! and the passage of time; presentation layers only read [`SessionRuntime`].

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use bevy::prelude::*;

use super::painting::PaintStep;
use super::questionnaire::{DeskAnswers, PendingAlert, new_administration, scored_event};
use super::record::AnsweredVia;
use super::record::{Bus, EndReason, Event, EventKind, ReadRecord, StepEnd};
use super::writer::RecordWriter;
use crate::artwork::PaintAction;
use crate::clock::wall_clock;
use crate::config::AudioSettings;
use crate::exercises::questionnaire::{self, Answers, Page};
use crate::exercises::{self, Detail, Input, Status, StepView};
use crate::instruments::{Instrument, InstrumentSet};
use crate::script::{IntentionAnswer, Posture, SessionScript, Step};

/// Where records are written: `<folder>/<patient>/<session>-<time>.jsonl`.
#[derive(Resource, Debug, Clone, PartialEq, Eq)]
pub struct RecordsFolder(pub PathBuf);

/// Everything a therapist or patient can do to a session. Every input (panel buttons,
/// keyboard shortcuts, headset controllers, `simulate`) becomes one of these.
#[derive(Message, Clone, Debug, PartialEq)]
pub enum SessionAction {
    /// Start the prepared session for a patient (pseudonymous code, never a name).
    Start {
        /// The patient's code, e.g. "P-014".
        patient: String,
        /// Write the record to this file instead of the records folder.
        record: Option<PathBuf>,
    },
    /// Continue an unfinished record at the step where it stopped.
    ResumeRecord {
        /// The record file.
        path: PathBuf,
    },
    /// Close an unfinished record without resuming it (it ends as `abandoned`).
    CloseUnfinished {
        /// The record file.
        path: PathBuf,
    },
    /// Freeze the step.
    Pause,
    /// Unfreeze the step.
    Resume,
    /// Move on to the next step (or continue a step that waits for the therapist).
    Next,
    /// Go back to the previous step.
    Back,
    /// Suspend the step and fade to the safe place.
    Calm,
    /// Return from the safe place to where the session was.
    EndCalm,
    /// End the session now.
    End,
    /// Set a volume, 0..1, and record it.
    SetVolume {
        /// Which bus.
        bus: Bus,
        /// The level.
        level: f32,
    },
    /// Hear a volume, 0..1, while the therapist is still moving its slider: it changes the
    /// sound at once but is not recorded; the [`SessionAction::SetVolume`] sent when the
    /// slider is let go records where it settled.
    TryVolume {
        /// Which bus.
        bus: Bus,
        /// The level.
        level: f32,
    },
    /// The patient's check-in answer, 0–10, or their answer to the questionnaire item
    /// showing (0 for its first response).
    Answer(u32),
    /// Go back to the questionnaire's item before, to answer it again.
    AnswerBack,
    /// Send the questionnaire's answers (every item answered): scored and recorded.
    ConfirmAnswers,
    /// A questionnaire taken in the panel at the desk: recorded in the session under way
    /// for this patient, or else in a desk record of its own.
    DeskQuestionnaire {
        /// The patient's code.
        patient: String,
        /// The instrument's id.
        instrument: String,
        /// One answer per item, in order.
        answers: Vec<u32>,
        /// Seconds the form was open.
        secs: f64,
    },
    /// The therapist has seen the first safety alert waiting in the panel.
    AcknowledgeSafetyAlert,
    /// The patient's intention choice, by index.
    Choose(u32),
    /// Continue a step that is holding (used by `simulate` after its waiting delay).
    AutoContinue,
    /// Paint, erase, undo, choose a colour… in the paint step showing.
    Paint(PaintAction),
    /// Change the patient's posture (the words and choices move to follow it); recorded
    /// while a session is under way.
    SetPosture(Posture),
    /// The headset's runtime stopped: recorded, and a running session pauses.
    HeadsetLost,
    /// The headset's runtime is back: recorded; the session stays as it is until the
    /// therapist resumes it.
    HeadsetBack,
}

/// A volume from an action, made safe: 0..1, and 1 (the clinic's level) for nonsense.
impl SessionAction {
    /// The action as the log may name it: what a patient answered is clinical and stays in
    /// the private record, never in the log.
    pub fn without_answers(&self) -> String {
        match self {
            Self::Answer(_) => "Answer".to_owned(),
            Self::DeskQuestionnaire { .. } => "DeskQuestionnaire".to_owned(),
            other => format!("{other:?}"),
        }
    }
}

fn volume_level(level: f32) -> f32 {
    if level.is_finite() {
        level.clamp(0.0, 1.0)
    } else {
        1.0
    }
}

/// Where the session is.
#[derive(Default, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SessionState {
    /// No session started yet.
    #[default]
    Idle,
    /// A step is playing.
    Running,
    /// The therapist paused the step.
    Paused,
    /// The safe place is showing; the step waits.
    Calm,
    /// The session is over.
    Finished,
}

/// Volumes the therapist set, 0..1 per bus (1 = the clinic's configured level).
#[derive(Resource, Debug, Clone, PartialEq)]
pub struct Volumes {
    /// Everything.
    pub master: f32,
    /// Spoken guidance.
    pub narration: f32,
    /// Ambient sound.
    pub soundscape: f32,
    /// Breathing cues.
    pub cues: f32,
}

impl Volumes {
    /// The levels a session starts with: the clinic's settings, the master level never
    /// above the clinic's cap.
    pub fn starting(audio: &AudioSettings) -> Self {
        Self {
            master: audio.master.min(audio.master_cap),
            narration: audio.narration,
            soundscape: audio.soundscape,
            cues: audio.cues,
        }
    }
}

impl Default for Volumes {
    fn default() -> Self {
        Self {
            master: 1.0,
            narration: 1.0,
            soundscape: 1.0,
            cues: 1.0,
        }
    }
}

impl Volumes {
    fn level_mut(&mut self, bus: Bus) -> &mut f32 {
        match bus {
            Bus::Master => &mut self.master,
            Bus::Narration => &mut self.narration,
            Bus::Soundscape => &mut self.soundscape,
            Bus::Cues => &mut self.cues,
        }
    }
}

/// The running session.
#[derive(Resource, Debug, Default)]
pub struct SessionRuntime {
    script: Option<Arc<SessionScript>>,
    state: SessionState,
    calm_from: SessionState,
    step: usize,
    step_elapsed: Duration,
    session_elapsed: Duration,
    /// A resumed record continues its clock from here.
    clock_offset: f64,
    input: Input,
    view: Option<StepView>,
    patient: String,
    record: Option<RecordWriter>,
    record_problem: Option<String>,
    /// The painting of the paint step showing.
    painting: Option<PaintStep>,
    /// Paintings being exported (GLB and PNG) in the background.
    exports: Vec<std::thread::JoinHandle<()>>,
    /// How the patient rests: the script's, until the therapist changes it.
    posture: Posture,
    /// The questionnaires a session can use.
    instruments: InstrumentSet,
    /// The answers to the questionnaire showing.
    answers: Answers,
    /// Session time the questionnaire showing began.
    questionnaire_began: f64,
    /// The key of the questionnaire showing's administration.
    administration: String,
    /// The safety alerts the questionnaire showing has raised.
    alerted: Vec<PendingAlert>,
    /// Safety alerts raised (or revised) and not yet handed to the panel.
    raised: Vec<PendingAlert>,
    /// Records of sessions that ended with lines still waiting, for the session plugin.
    unsaved: Vec<RecordWriter>,
}

impl SessionRuntime {
    /// Where the session is.
    pub fn state(&self) -> SessionState {
        self.state
    }

    /// How the patient rests now.
    pub fn posture(&self) -> Posture {
        self.posture
    }

    /// The script being run.
    pub fn script(&self) -> Option<&SessionScript> {
        self.script.as_deref()
    }

    /// The current step's index, from 0.
    pub fn step_index(&self) -> usize {
        self.step
    }

    /// The current step.
    pub fn step(&self) -> Option<&Step> {
        self.script.as_ref()?.session.steps.get(self.step)
    }

    /// What the current step shows.
    pub fn view(&self) -> Option<&StepView> {
        self.view.as_ref()
    }

    /// Seconds the current step has run (frozen while paused or calm).
    pub fn step_secs(&self) -> f64 {
        self.step_elapsed.as_secs_f64()
    }

    /// Seconds since the session started, pauses and calm included (the record's clock).
    pub fn session_secs(&self) -> f64 {
        self.clock_offset + self.session_elapsed.as_secs_f64()
    }

    /// Expected seconds left: the current step's remaining time plus the later steps.
    pub fn remaining_secs(&self) -> f64 {
        let Some(script) = &self.script else {
            return 0.0;
        };
        if self.state == SessionState::Finished {
            return 0.0;
        }
        let steps = &script.session.steps;
        let current = match (&self.view, steps.get(self.step)) {
            (
                Some(StepView {
                    remaining: Some(remaining),
                    ..
                }),
                _,
            ) => *remaining,
            (_, Some(step)) => (step.expected_secs() - self.step_secs()).max(0.0),
            _ => 0.0,
        };
        current
            + steps
                .iter()
                .skip(self.step + 1)
                .map(Step::expected_secs)
                .sum::<f64>()
    }

    /// The patient's code for this session.
    pub fn patient(&self) -> &str {
        &self.patient
    }

    /// The record being written, if any.
    pub fn record_path(&self) -> Option<&Path> {
        self.record.as_ref().map(RecordWriter::path)
    }

    /// Uses `instruments` for the questionnaires of the sessions started from now on.
    pub fn use_instruments(&mut self, instruments: InstrumentSet) {
        self.instruments = instruments;
    }

    /// The instrument of the questionnaire step showing, if one is and it is available.
    pub fn questionnaire(&self) -> Option<&Instrument> {
        match self.step()? {
            Step::Questionnaire(step) => self.instruments.get(&step.instrument).map(AsRef::as_ref),
            _ => None,
        }
    }

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

    /// The painting of the paint step showing, if one is.
    pub fn painting(&self) -> Option<&PaintStep> {
        self.painting.as_ref()
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

    /// True while a session is running, paused or calm (started and not finished).
    pub fn is_under_way(&self) -> bool {
        matches!(
            self.state,
            SessionState::Running | SessionState::Paused | SessionState::Calm
        )
    }

    fn steps(&self) -> &[Step] {
        self.script
            .as_ref()
            .map_or(&[], |script| script.session.steps.as_slice())
    }

    /// Session time for the record, to the millisecond.
    fn now(&self) -> f64 {
        (self.session_secs() * 1000.0).round() / 1000.0
    }

    fn write(&mut self, kind: EventKind) {
        let event = Event {
            t: self.now(),
            kind,
        };
        let Some(record) = &mut self.record else {
            return;
        };
        match record.append(&event) {
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
                    "the session record {} could not be written ({} lines wait to be \
                     written when it can be): {error}",
                    record.path().display(),
                    record.unwritten_lines()
                );
                if self.record_problem.is_none() {
                    error!("{problem}");
                }
                self.record_problem = Some(problem);
            }
        }
    }

    fn refresh_view(&mut self) {
        let elapsed = self.step_elapsed.as_secs_f64();
        self.view = self.step().map(|step| match step {
            Step::Questionnaire(questionnaire) => {
                let instrument = self.instruments.get(&questionnaire.instrument);
                questionnaire::view(
                    questionnaire,
                    instrument.map(AsRef::as_ref),
                    elapsed,
                    &self.answers,
                )
            }
            other => exercises::view(other, elapsed, self.input),
        });
    }

    fn enter_step(&mut self, index: usize, carried: Duration) {
        self.step = index;
        self.step_elapsed = carried;
        self.input = Input::default();
        self.answers = Answers::default();
        self.questionnaire_began = self.session_secs();
        self.alerted.clear();
        if let Some(Step::Questionnaire(questionnaire)) = self.steps().get(index) {
            self.administration = new_administration(&questionnaire.instrument);
        }
        let kind = self.step().map(Step::kind).unwrap_or_default().to_owned();
        self.write(EventKind::StepEntered { step: index, kind });
        if let Some(Step::Paint(paint)) = self.step() {
            let session = self.script.as_ref().map(|script| script.session.id.clone());
            let (painting, opened) = PaintStep::begin(
                paint,
                index,
                self.record_path(),
                &self.patient,
                &session.unwrap_or_default(),
                self.session_secs(),
            );
            self.painting = Some(painting);
            if let Some(opened) = opened {
                self.write(opened);
            }
        }
        self.refresh_view();
    }

    fn finish_step(&mut self, how: StepEnd) {
        let Some(step) = self.step().cloned() else {
            return;
        };
        match &step {
            Step::CheckIn(check_in) if self.input.answer.is_none() => {
                let id = check_in.id.clone();
                self.write(EventKind::CheckIn { id, value: None });
            }
            Step::Intention(intention)
                if self.input.answer.is_none()
                    && matches!(intention.answer, IntentionAnswer::Choose(_)) =>
            {
                self.write(EventKind::IntentionChosen { choice: None });
            }
            Step::Questionnaire(questionnaire) if self.answers.confirmed_at.is_none() => {
                self.write(EventKind::QuestionnaireAbandoned {
                    instrument: questionnaire.instrument.clone(),
                    administration: Some(self.administration.clone()),
                    answers: self.answers.given.clone(),
                });
            }
            _ => {}
        }
        if let Some(painting) = self.painting.take() {
            let (events, exports) = painting.finish(std::mem::take(&mut self.exports));
            for event in events {
                self.write(event);
            }
            self.exports = exports;
        }
        self.write(EventKind::StepFinished {
            step: self.step,
            kind: step.kind().to_owned(),
            how,
        });
    }

    /// Moves past the current step, ending the session after the last.
    fn advance_from_step(&mut self, how: StepEnd, carried: Duration) {
        self.finish_step(how);
        if self.step + 1 < self.steps().len() {
            self.enter_step(self.step + 1, carried);
        } else {
            self.end(EndReason::Completed);
        }
    }

    fn end(&mut self, reason: EndReason) {
        self.write(EventKind::SessionEnded { reason });
        self.state = SessionState::Finished;
        self.view = None;
        // Lines that wait are kept until they are written; the panel goes on saying so.
        if let Some(record) = self
            .record
            .take()
            .filter(|record| record.unwritten_lines() > 0)
        {
            self.unsaved.push(record);
            self.record_problem = None;
        }
        info!("session ended: {reason:?}");
    }

    /// Starts `script` for `patient`, writing a new record at `record_path`.
    pub fn start(&mut self, script: Arc<SessionScript>, patient: &str, record_path: &Path) {
        *self = Self {
            script: Some(script.clone()),
            state: SessionState::Running,
            patient: patient.to_owned(),
            exports: std::mem::take(&mut self.exports),
            posture: script.session.posture,
            instruments: std::mem::take(&mut self.instruments),
            ..Self::default()
        };
        let record = RecordWriter::create_or_hold(record_path);
        match record.problem() {
            None => info!("recording to {}", record_path.display()),
            Some(error) => {
                let problem = format!(
                    "the session record {} could not be created (its lines wait in memory \
                     and are written as soon as it can be): {error}",
                    record_path.display()
                );
                error!("{problem}");
                self.record_problem = Some(problem);
            }
        }
        self.record = Some(record);
        self.write(EventKind::SessionStarted {
            script: script.session.id.clone(),
            title: script.session.title.clone(),
            phase: Some(script.session.phase),
            sha256: script.sha256.clone(),
            patient: patient.to_owned(),
            started_at: wall_clock(),
            steps: script.session.steps.len(),
        });
        self.enter_step(0, Duration::ZERO);
    }

    /// Continues the unfinished record at `path` with `script`, at the step it stopped in.
    pub fn resume_record(&mut self, script: Arc<SessionScript>, path: &Path) -> Result<(), String> {
        let shown = path.display();
        let record = ReadRecord::read(path)
            .map_err(|error| format!("cannot read the record {shown}: {error}"))?;
        let Some(EventKind::SessionStarted {
            script: id,
            sha256,
            patient,
            ..
        }) = record.start()
        else {
            return Err(format!("{shown} does not start like a session record"));
        };
        if record.is_finished() {
            return Err(format!("{shown} is already finished"));
        }
        if *id != script.session.id {
            return Err(format!(
                "{shown} is a record of \"{id}\", not \"{}\"",
                script.session.id
            ));
        }
        let step = record
            .last_step()
            .unwrap_or(0)
            .min(script.session.steps.len().saturating_sub(1));
        let writer = RecordWriter::reopen(path)
            .map_err(|error| format!("cannot continue the record {shown}: {error}"))?;
        // What the stop left half-done beside the record: temporary files of writes, and the
        // exports of paintings finished before it.
        if let Some(folder) = path.parent() {
            crate::private::remove_stale_partials(folder, "");
        }
        let painted: std::collections::BTreeSet<usize> = record
            .events
            .iter()
            .filter_map(|event| match event.kind {
                EventKind::ArtworkSaved { step: painted, .. } if painted < step => Some(painted),
                _ => None,
            })
            .collect();
        let mut exports = std::mem::take(&mut self.exports);
        for painted in painted {
            exports.extend(super::painting::export_if_outdated(path, painted));
        }
        // The posture the therapist chose last, else the script's.
        let posture = record
            .events
            .iter()
            .rev()
            .find_map(|event| match event.kind {
                EventKind::PostureSet { posture } => Some(posture),
                _ => None,
            })
            .unwrap_or(script.session.posture);
        *self = Self {
            exports,
            posture,
            instruments: std::mem::take(&mut self.instruments),
            ..Self::default()
        };
        self.script = Some(script.clone());
        self.state = SessionState::Running;
        self.patient.clone_from(patient);
        self.clock_offset = record.last_t();
        self.record = Some(writer);
        self.write(EventKind::SessionResumed {
            resumed_at: wall_clock(),
            step,
            same_script: *sha256 == script.sha256,
        });
        self.enter_step(step, Duration::ZERO);
        self.restore_questionnaire(&record);
        info!("resumed {shown} at step {}", step + 1);
        Ok(())
    }

    /// Applies one action; actions that make no sense now are ignored with a log line.
    pub fn apply(&mut self, action: &SessionAction, volumes: &mut Volumes) {
        use SessionState::*;
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
            (SessionAction::Choose(index), Running) => self.choose_intention(*index, &ignored),
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

    fn answer_check_in(&mut self, value: u32, ignored: &dyn Fn(&str)) {
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
    fn questionnaire_page(&self) -> Option<Page> {
        match self.view.as_ref()?.detail {
            Detail::Questionnaire { page, chosen, .. } if chosen.is_none() => Some(page),
            _ => None,
        }
    }

    fn answer_item(&mut self, value: u32, ignored: &dyn Fn(&str)) {
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
            let words = instrument.answer_label(value).unwrap_or_default();
            earlier.revised_to = Some(format!("{words} ({value})"));
            self.raised.push(earlier.clone());
        }
    }

    fn answer_back(&mut self, ignored: &dyn Fn(&str)) {
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
    fn write_progress(&mut self) {
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
    fn restore_questionnaire(&mut self, record: &ReadRecord) {
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

    fn confirm_answers(&mut self, ignored: &dyn Fn(&str)) {
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

    fn choose_intention(&mut self, index: u32, ignored: &dyn Fn(&str)) {
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

    /// Lets `delta` pass: the session clock always runs once started; the step's clock only
    /// while running. Steps that end hand their leftover time to the next.
    pub fn tick(&mut self, delta: Duration) {
        if !self.is_under_way() {
            return;
        }
        self.session_elapsed += delta;
        let now = self.session_secs();
        if let Some(event) = self
            .painting
            .as_mut()
            .and_then(|painting| painting.autosave(now))
        {
            self.write(event);
        }
        if self.state != SessionState::Running {
            return;
        }
        self.step_elapsed += delta;
        loop {
            self.refresh_view();
            let Some(view) = &self.view else { return };
            let how = match view.status {
                Status::Done => StepEnd::Completed,
                Status::TimedOut => StepEnd::TimedOut,
                Status::Running | Status::Holding => return,
            };
            let length = view.length.unwrap_or(0.0);
            let carried = self
                .step_elapsed
                .saturating_sub(Duration::from_secs_f64(length.max(0.0)));
            self.advance_from_step(how, carried);
            if self.state != SessionState::Running {
                return;
            }
        }
    }
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

/// Checks a patient code: a pseudonym such as "P-014", never a name.
pub fn check_patient_code(code: &str) -> Result<(), String> {
    let usable = !code.is_empty()
        && code.len() <= 32
        && code
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_')
        && code.bytes().any(|byte| byte.is_ascii_digit());
    if usable {
        Ok(())
    } else {
        Err(format!(
            "\"{code}\" is not a patient code: use the pseudonymous code from the patient's file, such as \"P-014\" (letters, digits, - or _, with at least one digit; never a name)"
        ))
    }
}
