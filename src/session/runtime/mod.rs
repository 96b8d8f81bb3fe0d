//! The session player: which step is showing, its clock, pause and calm, and the record.
//!
//! All changes come through [`SessionAction`] messages (panel, keyboard, headset, simulate)
//! and the passage of time; presentation layers only read [`SessionRuntime`].

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use bevy::prelude::*;

mod answers;
mod controls;
mod recording;
mod types;
mod voice_notes;

pub use types::{RecordsFolder, SessionAction, SessionState, Volumes};
pub use voice_notes::{NEEDS_A_MICROPHONE, NoteRecording};

use super::painting::PaintStep;
use super::questionnaire::{PendingAlert, new_administration};
use super::record::{ActionSource, EndReason, EventKind, ReadRecord, StepEnd};
use super::voice_note::{EarlierNote, SavedNote};
use super::writer::RecordWriter;
use crate::clock::wall_clock;
use crate::exercises::questionnaire::{self, Answers};
use crate::exercises::voice_note::NoteProgress;
use crate::exercises::{self, Input, Status, StepView};
use crate::instruments::{Instrument, InstrumentSet};
use crate::script::{IntentionAnswer, Posture, SessionScript, Step};

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
    /// What has happened in the voice-note step showing.
    note: NoteProgress,
    /// The voice note's take waiting for the patient's choice, saved beside the record.
    note_take: Option<SavedNote>,
    /// Why the last voice note could not be recorded, for the therapist.
    note_notice: Option<String>,
    /// The earlier notes the replay step showing plays, newest first.
    replay: Vec<EarlierNote>,
    /// Where the action being applied came from, noted on the lines it writes.
    source: Option<ActionSource>,
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

    /// Notes where the actions applied from now on came from, on every line they write
    /// (`None` once they are applied).
    pub fn set_source(&mut self, source: Option<ActionSource>) {
        self.source = source;
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

    /// The painting of the paint step showing, if one is.
    pub fn painting(&self) -> Option<&PaintStep> {
        self.painting.as_ref()
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
            Step::VoiceNote(note) => self.voice_note_view(note, elapsed),
            Step::VoiceNoteReplay(_) => self.replay_view(elapsed),
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
        self.enter_voice_step();
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
            Step::VoiceNote(_) => self.finish_voice_step(how),
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
            source: self.source,
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
            source: self.source,
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
        self.resume_voice_step(path, &record);
        info!("resumed {shown} at step {}", step + 1);
        Ok(())
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
