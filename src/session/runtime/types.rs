//! What the session runtime is told ([`SessionAction`]) and the plain state it keeps beside
//! it: where records go, the session's state and the mixer's levels.

use std::path::PathBuf;

use bevy::prelude::*;

use crate::artwork::PaintAction;
use crate::config::AudioSettings;
use crate::script::Posture;
use crate::session::record::{ActionSource, Bus};
use crate::voice::wav::MonoSound;

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
    /// The recorder's take of the voice note showing: mono, at the rate it was captured.
    VoiceNoteTaken(MonoSound),
    /// The recorder could not make the voice note showing: the reason in plain words, and
    /// whether it is for want of a microphone (the therapist is told).
    VoiceNoteMissed {
        /// Why, e.g. "nothing was said".
        reason: String,
        /// No microphone, or it would not open.
        no_microphone: bool,
    },
    /// The patient is done speaking their voice note (a key, the controller's trigger).
    StopRecording,
    /// The headset's runtime stopped: recorded, and a running session pauses.
    HeadsetLost,
    /// The headset's runtime is back: recorded; the session stays as it is until the
    /// therapist resumes it.
    HeadsetBack,
    /// An action the therapist sent from the remote (a paired phone or tablet): applied as
    /// the action inside it is, and every record line it writes says `"from": "remote"`.
    FromRemote(Box<SessionAction>),
}

/// A volume from an action, made safe: 0..1, and 1 (the clinic's level) for nonsense.
impl SessionAction {
    /// The action as the log may name it: what a patient answered is clinical and stays in
    /// the private record, never in the log.
    pub fn without_answers(&self) -> String {
        match self {
            Self::Answer(_) => "Answer".to_owned(),
            Self::DeskQuestionnaire { .. } => "DeskQuestionnaire".to_owned(),
            Self::VoiceNoteTaken(_) => "VoiceNoteTaken".to_owned(),
            Self::FromRemote(action) => format!("{} (from the remote)", action.without_answers()),
            other => format!("{other:?}"),
        }
    }

    /// The action to apply and where it came from: what [`SessionAction::FromRemote`]
    /// holds, with [`ActionSource::Remote`], or this action itself with no source named.
    pub fn with_source(&self) -> (&Self, Option<ActionSource>) {
        match self {
            Self::FromRemote(action) => (action.with_source().0, Some(ActionSource::Remote)),
            other => (other, None),
        }
    }
}

pub(super) fn volume_level(level: f32) -> f32 {
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
    pub(super) fn level_mut(&mut self, bus: Bus) -> &mut f32 {
        match bus {
            Bus::Master => &mut self.master,
            Bus::Narration => &mut self.narration,
            Bus::Soundscape => &mut self.soundscape,
            Bus::Cues => &mut self.cues,
        }
    }
}
