//! The timing of each kind of step: given how long a step has run (and the patient's
//! answer, if any), what it shows and whether it is over. Pure functions, one module per
//! step kind; the session runtime calls [`view`], the presentation layers read the result.

pub mod body_scan;
pub mod breathing;
pub mod check_in;
pub mod closing;
pub mod grounding;
pub mod intention;
pub mod narration;
pub mod paint;
pub mod questionnaire;
pub mod reflection;
pub mod rest;
pub mod voice_note;
pub mod voice_note_replay;
pub mod wait;

use serde::Serialize;

use crate::script::{BodyRegion, Step};
use breathing::BreathState;

/// Seconds an answer stays acknowledged on screen before the session moves on.
pub const ACKNOWLEDGE_SECS: f64 = 1.5;

/// Whether a step is still going.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Running on its own clock.
    Running,
    /// Waiting for a person (the patient's answer or the therapist) with no time limit.
    Holding,
    /// Over: its time is up or it was answered.
    Done,
    /// Over without the answer it asked for.
    TimedOut,
}

/// The patient's input to the current step.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Input {
    /// A check-in value, or the index of a chosen intention.
    pub answer: Option<u32>,
    /// Step time at which it was given.
    pub answered_at: Option<f64>,
}

/// What a step shows, specific to its kind.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Detail {
    /// Words only.
    Caption,
    /// The breathing pacer.
    Breath(BreathState),
    /// One prompt of several, shown in turn.
    Prompt {
        /// Which prompt, from 0.
        index: usize,
        /// How many prompts.
        count: usize,
    },
    /// Where a body scan's attention rests.
    Region {
        /// The region.
        region: BodyRegion,
        /// Which region, from 0.
        index: usize,
        /// How many regions.
        count: usize,
    },
    /// A 0–10 scale.
    CheckIn {
        /// What 0 means.
        low: String,
        /// What 10 means.
        high: String,
        /// The patient's answer, once given.
        answer: Option<u32>,
    },
    /// Choices for an intention (empty when spoken aloud).
    Choices {
        /// The choices.
        choices: Vec<String>,
        /// The index chosen, once chosen.
        chosen: Option<u32>,
    },
    /// One page of a questionnaire.
    Questionnaire {
        /// The instrument's short name, e.g. "PHQ-9".
        name: String,
        /// The question every item answers, e.g. "Over the last 2 weeks, how often…".
        stem: String,
        /// Which page shows.
        page: questionnaire::Page,
        /// The item showing, from 0 (the item count once every item is answered).
        item: usize,
        /// How many items.
        count: usize,
        /// The answers on offer for the item (empty on the other pages).
        responses: Vec<String>,
        /// The answer just given to the item, shown chosen a moment.
        chosen: Option<u32>,
    },
    /// Painting with light.
    Paint {
        /// Mirror symmetry, 1 for none.
        symmetry: u32,
    },
    /// A voice note: the prompt, the recording, the choice after it.
    VoiceNote {
        /// Where the note is.
        phase: voice_note::NotePhase,
        /// The choices on the board (Done while recording; Keep, Listen back, Record again).
        choices: Vec<String>,
        /// Seconds into the recording, into the note playing back, or since the take.
        seconds: f64,
    },
    /// One of the patient's earlier notes played back.
    NoteReplay {
        /// Which note, from 0 (the newest).
        index: usize,
        /// How many notes.
        count: usize,
        /// The prompt the patient answered.
        prompt: String,
        /// When it was said.
        date: String,
        /// Seconds into the note while it plays.
        playing_at: Option<f64>,
    },
    /// The end of the session: how far the final fade has gone, 0..1.
    Closing {
        /// 0 while the words show, rising to 1 as the scene fades out.
        fade: f32,
    },
}

/// A step at one moment, for the runtime and the presentation layers.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StepView {
    /// The words to show (may change within a step, e.g. grounding prompts).
    pub caption: String,
    /// Kind-specific state.
    pub detail: Detail,
    /// How far through the step, 0..1 (0 while holding with no time limit).
    pub progress: f32,
    /// Seconds until the step ends on its own, if it will.
    pub remaining: Option<f64>,
    /// The step's whole length in seconds, once known (not while holding).
    pub length: Option<f64>,
    /// Whether it is over.
    pub status: Status,
}

impl StepView {
    /// A step that simply lasts `length` seconds.
    pub fn timed(caption: String, detail: Detail, elapsed: f64, length: f64) -> Self {
        let done = elapsed >= length;
        Self {
            caption,
            detail,
            progress: if length > 0.0 {
                (elapsed / length).clamp(0.0, 1.0) as f32
            } else {
                1.0
            },
            remaining: Some((length - elapsed).max(0.0)),
            length: Some(length),
            status: if done { Status::Done } else { Status::Running },
        }
    }

    /// A step that lasts `length` seconds when given one, or holds for the therapist.
    pub fn timed_or_holding(
        caption: String,
        detail: Detail,
        elapsed: f64,
        length: Option<f64>,
    ) -> Self {
        match length {
            Some(length) => Self::timed(caption, detail, elapsed, length),
            None => Self {
                caption,
                detail,
                progress: 0.0,
                remaining: None,
                length: None,
                status: Status::Holding,
            },
        }
    }

    /// A step waiting for an answer: over shortly after one is given, or at the timeout.
    pub fn awaiting_answer(
        caption: String,
        detail: Detail,
        elapsed: f64,
        input: Input,
        timeout: Option<f64>,
    ) -> Self {
        if let Some(answered_at) = input.answered_at {
            let end = answered_at + ACKNOWLEDGE_SECS;
            let mut view = Self::timed(caption, detail, elapsed, end);
            view.progress = 1.0;
            return view;
        }
        let mut view = Self::timed_or_holding(caption, detail, elapsed, timeout);
        if view.status == Status::Done {
            view.status = Status::TimedOut;
        }
        view
    }
}

/// Step `step` after `elapsed` seconds of running, with the patient's `input`.
pub fn view(step: &Step, elapsed: f64, input: Input) -> StepView {
    match step {
        Step::Narration(narration) => narration::view(narration, elapsed),
        Step::Breathing(breathing) => breathing::view(breathing, elapsed),
        Step::Grounding(grounding) => grounding::view(grounding, elapsed),
        Step::BodyScan(scan) => body_scan::view(scan, elapsed),
        Step::CheckIn(check_in) => check_in::view(check_in, elapsed, input),
        Step::Intention(intention) => intention::view(intention, elapsed, input),
        // The runtime shows a questionnaire with its instrument and answers
        // (`questionnaire::view`); without its instrument the step holds, saying so.
        Step::Questionnaire(step) => {
            questionnaire::view(step, None, elapsed, &questionnaire::Answers::default())
        }
        Step::Rest(rest) => rest::view(rest, elapsed),
        Step::WaitForTherapist(wait) => wait::view(wait),
        Step::Paint(paint) => paint::view(paint, elapsed),
        Step::Reflection(reflection) => reflection::view(reflection, elapsed),
        // The runtime shows a voice note with what has happened in it and a replay with the
        // notes it found (`voice_note::view`, `voice_note_replay::view`).
        Step::VoiceNote(note) => {
            voice_note::view(note, elapsed, &voice_note::NoteProgress::default())
        }
        Step::VoiceNoteReplay(_) => voice_note_replay::view(&[], elapsed),
        Step::Closing(closing) => closing::view(closing, elapsed),
    }
}

/// Words the patient hears as well as reads: every prompt they are meant to follow is
/// spoken, so a session can be followed with closed eyes.
#[derive(Clone, Debug, PartialEq)]
pub struct Spoken {
    /// Which of the step's prompts, from 0 (grounding and body scan speak several in turn).
    pub part: usize,
    /// The words, as the caption shows them.
    pub text: String,
    /// Seconds since these words appeared.
    pub since: f64,
}

/// What step `step` speaks after `elapsed` seconds, besides a recording named in the script
/// (a narration or closing step with `audio:` speaks that instead, so it has none here; one
/// without speaks its text like any prompt).
pub fn spoken(step: &Step, elapsed: f64) -> Option<Spoken> {
    match step {
        Step::Grounding(grounding) => grounding::spoken(grounding, elapsed),
        Step::BodyScan(scan) => body_scan::spoken(scan, elapsed),
        other => whole_step_prompt(other).map(|text| Spoken {
            part: 0,
            text: text.to_owned(),
            since: elapsed,
        }),
    }
}

/// Every text step `step` may speak (see [`spoken`]), in order.
pub fn spoken_texts(step: &Step) -> Vec<String> {
    let texts = match step {
        Step::Grounding(grounding) => grounding.prompts(),
        Step::BodyScan(scan) => scan
            .regions
            .iter()
            .map(|region| region.prompt().to_owned())
            .collect(),
        other => whole_step_prompt(other)
            .map(str::to_owned)
            .into_iter()
            .collect(),
    };
    texts
        .into_iter()
        .filter(|text| !text.trim().is_empty())
        .collect()
}

/// The one prompt a step shows for its whole length, if it has one to speak (a narration or
/// closing with `audio:` speaks its own recording; grounding and body scan have several
/// prompts).
fn whole_step_prompt(step: &Step) -> Option<&str> {
    let text = match step {
        Step::Narration(narration) => narration.audio.is_none().then_some(narration.text.as_str()),
        Step::Closing(closing) => closing.audio.is_none().then_some(closing.text.as_str()),
        Step::Grounding(_) | Step::BodyScan(_) => None,
        Step::Breathing(breathing) => breathing.caption.as_deref(),
        Step::CheckIn(check_in) => Some(check_in.scale.wording().0),
        Step::Intention(intention) => Some(intention.prompt.as_str()),
        // Validated items are read, not spoken: a voice could change how they are answered.
        Step::Questionnaire(_) => None,
        Step::Rest(rest) => rest.caption.as_deref(),
        Step::WaitForTherapist(wait) => wait.caption.as_deref(),
        Step::Paint(paint) => Some(paint.prompt.as_str()),
        Step::Reflection(reflection) => Some(reflection.prompt.as_str()),
        Step::VoiceNote(note) => Some(note.prompt.as_str()),
        // The patient's own words are the voice.
        Step::VoiceNoteReplay(_) => None,
    };
    text.filter(|text| !text.trim().is_empty())
}

/// Which of `count` equal slices of `each` seconds `elapsed` falls in.
fn slice_index(elapsed: f64, each: f64, count: usize) -> usize {
    if each <= 0.0 || count == 0 {
        return 0;
    }
    ((elapsed / each).floor().max(0.0) as usize).min(count - 1)
}
