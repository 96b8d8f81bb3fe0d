//! The lines of a record: every event a session writes, as one JSON object per line.

use serde::{Deserialize, Serialize};

use crate::instruments::ClusterScore;
use crate::script::{Phase, Posture};

/// Why a step ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepEnd {
    /// It ran its course (or was answered).
    Completed,
    /// It waited for an answer that did not come.
    TimedOut,
    /// The therapist moved on before it ended.
    Skipped,
    /// The therapist continued a step that was waiting for them.
    Continued,
    /// The therapist went back to the step before.
    WentBack,
    /// A simulation moved on after its waiting delay.
    AutoContinued,
    /// The session ended during it.
    SessionEnded,
}

/// Why a session ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EndReason {
    /// Every step was gone through.
    Completed,
    /// The therapist ended it.
    EndedByTherapist,
    /// An interrupted session the therapist chose not to resume; written when they close it.
    Abandoned,
}

/// Where the action that wrote a line came from, when the record names it: a line written
/// for an action sent from the therapist's remote carries `"from": "remote"`. Lines without
/// it came from the desk (panel, keyboard), the headset, or the session itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionSource {
    /// The therapist's phone or tablet, paired with the remote control.
    Remote,
}

/// A mixer bus the therapist can set.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Bus {
    /// Everything (capped by the clinic's settings).
    Master,
    /// Spoken guidance.
    Narration,
    /// Ambient sound and music.
    Soundscape,
    /// Breathing cues.
    Cues,
}

/// Where a questionnaire was answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnsweredVia {
    /// By the patient in the headset, one item at a time, during a session.
    Headset,
    /// In the panel on the desktop: by the patient before the headset goes on, or entered by
    /// the therapist from a paper form.
    Desk,
}

/// What happened.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum EventKind {
    /// The first line of every record.
    SessionStarted {
        /// The script's id.
        script: String,
        /// The script's title.
        title: String,
        /// Where the session belongs in a course.
        #[serde(default)]
        phase: Option<Phase>,
        /// SHA-256 of the script file as it was run.
        sha256: String,
        /// The patient's pseudonymous code.
        patient: String,
        /// Wall-clock start, RFC 3339 UTC.
        started_at: String,
        /// How many steps the script has.
        steps: usize,
    },
    /// A step began.
    StepEntered {
        /// Its index, from 0.
        step: usize,
        /// Its kind, e.g. "Breathing".
        kind: String,
    },
    /// A step ended.
    StepFinished {
        /// Its index, from 0.
        step: usize,
        /// Its kind.
        kind: String,
        /// How it ended.
        how: StepEnd,
    },
    /// The therapist paused.
    Paused,
    /// The therapist resumed after a pause.
    Resumed,
    /// The headset's runtime stopped (headset unplugged, runtime closed); a running session
    /// is paused next.
    HeadsetLost,
    /// The headset's runtime came back and shows the scene again; the session stays paused
    /// until the therapist resumes it.
    HeadsetBack,
    /// The patient's posture was changed from the panel: the words and choices move to
    /// follow it.
    PostureSet {
        /// The new posture.
        posture: Posture,
    },
    /// The therapist moved to the safe place.
    CalmOn,
    /// The therapist brought the session back from the safe place.
    CalmOff,
    /// A check-in was answered (`value` 0–10), or not (`value` null).
    CheckIn {
        /// The check-in's id from the script.
        id: String,
        /// The answer, or null for no answer.
        value: Option<u32>,
    },
    /// An intention was chosen (null when none was).
    IntentionChosen {
        /// The words of the choice.
        choice: Option<String>,
    },
    /// A questionnaire was answered in full and confirmed, and scored by its instrument's
    /// rules. The first line of a desk record (a questionnaire taken with no session).
    Questionnaire {
        /// The instrument's id, e.g. "phq-9".
        instrument: String,
        /// The administration this belongs to: one key per questionnaire taken, shared by
        /// its progress, its answers and its alerts (absent in records made before keys).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        administration: Option<String>,
        /// Its short name, e.g. "PHQ-9".
        name: String,
        /// Every item's answer, in item order (0 is the first response).
        answers: Vec<u32>,
        /// The total score.
        total: u32,
        /// The severity band of the total.
        band: String,
        /// Each subscale (symptom cluster) scored, when the instrument has them.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        subscales: Vec<ClusterScore>,
        /// The cluster rule's result (PCL-5's DSM-5 rule: every cluster met), when the
        /// instrument has clusters. Records made before it carry `provisional` instead, which
        /// is not read: readers take the rule from `subscales`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cluster_rule: Option<bool>,
        /// The cut-point's result (the total at or above it), when the instrument has one;
        /// absent in records made before it (readers compare the total with the cut-point).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        above_cutoff: Option<bool>,
        /// Seconds from the first item shown to the answers confirmed.
        secs: f64,
        /// Wall-clock time the answers were confirmed, RFC 3339 UTC.
        taken_at: String,
        /// Where it was answered.
        via: AnsweredVia,
    },
    /// The answers given so far to the questionnaire showing in the headset, written with
    /// each answer and each step back so that a stop loses none of them; a resumed session
    /// picks the questionnaire up from them. They are not scored until confirmed.
    QuestionnaireProgress {
        /// The instrument's id.
        instrument: String,
        /// The administration this belongs to: one key per questionnaire taken, shared by
        /// its progress, its answers and its alerts (absent in records made before keys).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        administration: Option<String>,
        /// The answers given, in item order.
        answers: Vec<u32>,
    },
    /// A questionnaire left before its answers were confirmed (the step skipped or the
    /// session ended): the answers given so far, which are not scored.
    QuestionnaireAbandoned {
        /// The instrument's id.
        instrument: String,
        /// The administration this belongs to: one key per questionnaire taken, shared by
        /// its progress, its answers and its alerts (absent in records made before keys).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        administration: Option<String>,
        /// The answers given, in item order, up to where it stopped.
        answers: Vec<u32>,
    },
    /// A safety item was answered above its threshold (PHQ-9 item 9: thoughts of being
    /// better off dead or of self-harm): the therapist is alerted at once, whatever the total.
    SafetyAlert {
        /// The instrument's id.
        instrument: String,
        /// The administration this belongs to: one key per questionnaire taken, shared by
        /// its progress, its answers and its alerts (absent in records made before keys).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        administration: Option<String>,
        /// The item, from 1.
        item: u32,
        /// The answer given.
        answer: u32,
        /// What the therapist was shown.
        message: String,
    },
    /// The therapist acknowledged a safety alert in the panel.
    SafetyAcknowledged {
        /// The instrument's id.
        instrument: String,
        /// The administration this belongs to: one key per questionnaire taken, shared by
        /// its progress, its answers and its alerts (absent in records made before keys).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        administration: Option<String>,
        /// The item, from 1.
        item: u32,
    },
    /// The therapist changed a volume.
    VolumeSet {
        /// Which bus.
        bus: Bus,
        /// The new level, 0..1.
        level: f32,
    },
    /// A painting was saved beside the record (during a paint step, and at its end).
    ArtworkSaved {
        /// The paint step, from 0.
        step: usize,
        /// The artwork file's name, in the record's folder.
        file: String,
        /// Strokes in it.
        strokes: usize,
        /// Points in all its strokes.
        points: usize,
    },
    /// An earlier painting was opened to continue it or look at it together.
    ArtworkOpened {
        /// The paint step, from 0.
        step: usize,
        /// The artwork file opened.
        from: String,
    },
    /// The session was picked up again after an interruption.
    SessionResumed {
        /// Wall-clock time it resumed, RFC 3339 UTC.
        resumed_at: String,
        /// The step it resumed at.
        step: usize,
        /// False when the script file changed since the record began.
        same_script: bool,
    },
    /// A voice note the patient spoke was kept, saved beside the record.
    VoiceNote {
        /// The voice-note step, from 0.
        step: usize,
        /// The sound file's name, in the record's folder (mono WAV).
        file: String,
        /// Seconds it lasts.
        seconds: f64,
        /// The prompt the patient answered.
        prompt: String,
    },
    /// A voice-note step ended without a note: no microphone, nothing said, or skipped.
    VoiceNoteSkipped {
        /// The voice-note step, from 0.
        step: usize,
        /// Why, in plain words.
        reason: String,
    },
    /// The last line of a finished record.
    SessionEnded {
        /// Why it ended.
        reason: EndReason,
    },
}

/// One line of a record.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// Seconds since the session started (pauses and calm included), to the millisecond.
    pub t: f64,
    /// What happened.
    #[serde(flatten)]
    pub kind: EventKind,
}
