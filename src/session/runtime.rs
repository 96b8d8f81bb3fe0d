//! The session player: which step is showing, its clock, pause and calm, and the record.
//!
//! All changes come through [`SessionAction`] messages (panel, keyboard, headset, simulate)
//! and the passage of time; presentation layers only read [`SessionRuntime`].

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use bevy::prelude::*;

use super::painting::PaintStep;
use super::record::{Bus, EndReason, Event, EventKind, ReadRecord, RecordWriter, StepEnd};
use crate::artwork::PaintAction;
use crate::clock::wall_clock;
use crate::config::AudioSettings;
use crate::exercises::{self, Input, Status, StepView};
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
    /// The patient's check-in answer, 0–10.
    Answer(u32),
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
        self.view = self
            .step()
            .map(|step| exercises::view(step, self.step_elapsed.as_secs_f64(), self.input));
    }

    fn enter_step(&mut self, index: usize, carried: Duration) {
        self.step = index;
        self.step_elapsed = carried;
        self.input = Input::default();
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
        self.record = None;
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
            ..Self::default()
        };
        match RecordWriter::create(record_path) {
            Ok(record) => {
                info!("recording to {}", record.path().display());
                self.record = Some(record);
            }
            Err(error) => {
                let problem = format!(
                    "the session record {} could not be created: {error}",
                    record_path.display()
                );
                error!("{problem}");
                self.record_problem = Some(problem);
            }
        }
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
        info!("resumed {shown} at step {}", step + 1);
        Ok(())
    }

    /// Applies one action; actions that make no sense now are ignored with a log line.
    pub fn apply(&mut self, action: &SessionAction, volumes: &mut Volumes) {
        use SessionState::*;
        let ignored = |why: &str| info!("ignored {action:?}: {why}");
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
            (SessionAction::Answer(value), Running) => self.answer_check_in(*value, &ignored),
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
