//! The typed model of a session script (`*.session.ron`). See `docs/session-format.md`.

use serde::{Deserialize, Serialize};

use super::duration::HumanDuration;
pub use super::voice_note::{VoiceNote, VoiceNoteReplay};

/// The script format version this build reads.
pub const FORMAT_VERSION: u32 = 1;

/// A whole session as its file describes it: metadata plus the ordered steps the patient goes
/// through. [`super::SessionScript`] is a checked file holding one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Session {
    /// Script format version; this build reads version 1.
    #[serde(default = "default_format")]
    pub format: u32,
    /// Short stable identifier used on the command line and in records, e.g. `"centering"`.
    pub id: String,
    /// Title shown to the therapist.
    pub title: String,
    /// Where in a course of treatment the session belongs.
    pub phase: Phase,
    /// A sentence or two for the therapist: what the session does and when to use it.
    #[serde(default)]
    pub description: String,
    /// Calm scene preset the patient sits in (see `stillpoint list --presets`).
    pub environment: String,
    /// Ambient sound preset played under the session.
    pub soundscape: String,
    /// How the patient rests: where the words and choices are placed. Seated when left out.
    #[serde(default)]
    pub posture: Posture,
    /// The steps, in order.
    pub steps: Vec<Step>,
}

fn default_format() -> u32 {
    FORMAT_VERSION
}

/// Where a session belongs in a course of ketamine-assisted psychotherapy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Phase {
    /// Centering before the medicine is given.
    BeforeDosing,
    /// Quiet holding space while the medicine acts.
    DuringDosing,
    /// Integration sessions on later days.
    Integration,
}

impl Phase {
    /// The phase as the therapist reads it.
    pub fn label(self) -> &'static str {
        match self {
            Phase::BeforeDosing => "before dosing",
            Phase::DuringDosing => "during dosing",
            Phase::Integration => "integration",
        }
    }
}

/// How the patient rests during a session: upright, in a reclining chair, or lying down.
/// Words, the pacer and boards of choices follow a reclined or lying patient's resting gaze;
/// the scene stays level.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Posture {
    /// Sitting upright: the words stand ahead at eye height, as the scenes are composed.
    #[default]
    Seated,
    /// In a reclining chair, looking up ahead.
    Reclined,
    /// Lying on a couch, looking up at the sky.
    Lying,
}

impl Posture {
    /// Every posture, in the panel's order.
    pub const ALL: [Posture; 3] = [Posture::Seated, Posture::Reclined, Posture::Lying];

    /// The posture as the therapist reads it.
    pub fn label(self) -> &'static str {
        match self {
            Posture::Seated => "Seated",
            Posture::Reclined => "Reclined",
            Posture::Lying => "Lying",
        }
    }
}

/// One step of a session.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Step {
    /// Spoken guidance with a calm caption.
    Narration(Narration),
    /// A breathing pacer.
    Breathing(Breathing),
    /// The 5-4-3-2-1 senses exercise, one prompt at a time.
    Grounding(Grounding),
    /// Region-by-region attention.
    BodyScan(BodyScan),
    /// A 0–10 rating answered by the patient and recorded.
    CheckIn(CheckIn),
    /// A prompt with a few choices, or spoken aloud to the therapist.
    Intention(Intention),
    /// A validated questionnaire (PHQ-9, GAD-7, PCL-5…), one item at a time, scored.
    Questionnaire(Questionnaire),
    /// A calm scene with its soundscape for a set time.
    Rest(Rest),
    /// Holds until the therapist continues.
    WaitForTherapist(WaitForTherapist),
    /// Free 3D painting with light.
    Paint(Paint),
    /// A prompt shown while the patient talks with the therapist.
    Reflection(Reflection),
    /// The patient speaks a note to keep, recorded beside the session record.
    VoiceNote(VoiceNote),
    /// The patient's earlier voice notes, played back newest first.
    VoiceNoteReplay(VoiceNoteReplay),
    /// A gentle ending and fade out.
    Closing(Closing),
}

/// Spoken guidance. The caption shows `text`; `audio` names a recording under `assets/`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Narration {
    /// What is said, shown as the caption.
    pub text: String,
    /// Optional recording, relative to the `assets/` folder, e.g. `"narration/arrival.ogg"`.
    #[serde(default)]
    pub audio: Option<String>,
    /// How long the step lasts; when left out, a calm reading time for the text.
    #[serde(default)]
    pub duration: Option<HumanDuration>,
}

/// A breathing pacer: exactly one of `duration` or `cycles`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Breathing {
    /// The rhythm of the breath.
    pub pattern: BreathingPattern,
    /// Breathe for this long (rounded up to whole breaths)…
    #[serde(default)]
    pub duration: Option<HumanDuration>,
    /// …or for this many breaths.
    #[serde(default)]
    pub cycles: Option<u32>,
    /// Optional words shown before the pacer starts, e.g. "Let the light lead your breath."
    #[serde(default)]
    pub caption: Option<String>,
    /// Soft audio cues on inhale and exhale (on unless turned off).
    #[serde(default = "yes")]
    pub cues: bool,
}

fn yes() -> bool {
    true
}

/// The rhythm of a breathing pacer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum BreathingPattern {
    /// Slow, even breathing: inhale and exhale of equal length, ~6 breaths per minute.
    Resonance {
        /// Breaths per minute (3 to 10; 6 is the usual resonance rate).
        breaths_per_minute: f32,
    },
    /// Box breathing: in, hold, out, hold, each side the same length (classically 4 s).
    Box {
        /// Length of each side of the box.
        side: HumanDuration,
    },
    /// In for 4, hold for 7, out for 8.
    FourSevenEight,
    /// Any rhythm: inhale, optional hold, exhale, optional hold.
    Custom {
        /// Breathing in.
        inhale: HumanDuration,
        /// Holding after the in-breath.
        #[serde(default)]
        hold_in: HumanDuration,
        /// Breathing out.
        exhale: HumanDuration,
        /// Resting after the out-breath.
        #[serde(default)]
        hold_out: HumanDuration,
    },
}

/// The four parts of one breath in seconds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BreathTimings {
    /// Breathing in.
    pub inhale: f64,
    /// Holding full.
    pub hold_in: f64,
    /// Breathing out.
    pub exhale: f64,
    /// Resting empty.
    pub hold_out: f64,
}

impl BreathTimings {
    /// Seconds for one whole breath.
    pub fn cycle(&self) -> f64 {
        self.inhale + self.hold_in + self.exhale + self.hold_out
    }
}

impl BreathingPattern {
    /// The length of each part of the breath.
    pub fn timings(&self) -> BreathTimings {
        match self {
            BreathingPattern::Resonance { breaths_per_minute } => {
                let half = 30.0 / f64::from(*breaths_per_minute);
                BreathTimings {
                    inhale: half,
                    hold_in: 0.0,
                    exhale: half,
                    hold_out: 0.0,
                }
            }
            BreathingPattern::Box { side } => BreathTimings {
                inhale: side.secs(),
                hold_in: side.secs(),
                exhale: side.secs(),
                hold_out: side.secs(),
            },
            BreathingPattern::FourSevenEight => BreathTimings {
                inhale: 4.0,
                hold_in: 7.0,
                exhale: 8.0,
                hold_out: 0.0,
            },
            BreathingPattern::Custom {
                inhale,
                hold_in,
                exhale,
                hold_out,
            } => BreathTimings {
                inhale: inhale.secs(),
                hold_in: hold_in.secs(),
                exhale: exhale.secs(),
                hold_out: hold_out.secs(),
            },
        }
    }

    /// A short name for the therapist, e.g. "resonance 6/min" or "box 4s".
    pub fn label(&self) -> String {
        match self {
            BreathingPattern::Resonance { breaths_per_minute } => {
                format!("resonance {breaths_per_minute}/min")
            }
            BreathingPattern::Box { side } => format!("box {side}"),
            BreathingPattern::FourSevenEight => "4-7-8".to_owned(),
            BreathingPattern::Custom { .. } => {
                let t = self.timings();
                format!(
                    "custom {}-{}-{}-{}",
                    t.inhale, t.hold_in, t.exhale, t.hold_out
                )
            }
        }
    }
}

/// The 5-4-3-2-1 senses exercise.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Grounding {
    /// How long each prompt stays before the next.
    pub per_prompt: HumanDuration,
    /// Replaces the standard five prompts when given.
    #[serde(default)]
    pub prompts: Option<Vec<String>>,
}

impl Grounding {
    /// The standard 5-4-3-2-1 prompts.
    pub const STANDARD_PROMPTS: [&'static str; 5] = [
        "Notice five things you can see around you.",
        "Notice four things you can feel: the chair beneath you, your hands, the air.",
        "Notice three things you can hear, near or far.",
        "Notice two things you can smell, or two scents you like.",
        "Notice one thing you can taste, or one slow breath.",
    ];

    /// The prompts this step shows, in order.
    pub fn prompts(&self) -> Vec<String> {
        match &self.prompts {
            Some(custom) => custom.clone(),
            None => Self::STANDARD_PROMPTS.map(str::to_owned).to_vec(),
        }
    }
}

/// Region-by-region attention.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BodyScan {
    /// The regions in the order attention visits them.
    pub regions: Vec<BodyRegion>,
    /// How long attention rests on each region.
    pub per_region: HumanDuration,
}

/// A part of the body a scan can rest on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[expect(missing_docs, reason = "the variant names are the documentation")]
pub enum BodyRegion {
    Feet,
    Legs,
    Hips,
    Belly,
    Chest,
    Back,
    Hands,
    Arms,
    Shoulders,
    Neck,
    Face,
    Head,
    WholeBody,
}

impl BodyRegion {
    /// The gentle caption shown while attention rests here.
    pub fn prompt(self) -> &'static str {
        match self {
            BodyRegion::Feet => "Bring your attention to your feet. Notice whatever is there.",
            BodyRegion::Legs => "Let your attention move up through your legs.",
            BodyRegion::Hips => "Notice your hips and where your body meets the seat.",
            BodyRegion::Belly => "Rest your attention on your belly, rising and falling.",
            BodyRegion::Chest => "Notice your chest, and the breath moving in it.",
            BodyRegion::Back => "Notice your back, supported where it rests.",
            BodyRegion::Hands => "Bring your attention to your hands. They can be still.",
            BodyRegion::Arms => "Let your attention travel along your arms.",
            BodyRegion::Shoulders => "Notice your shoulders. They may soften a little.",
            BodyRegion::Neck => "Notice your neck and throat.",
            BodyRegion::Face => "Notice your face: the jaw, the eyes, the forehead.",
            BodyRegion::Head => "Rest your attention at the top of your head.",
            BodyRegion::WholeBody => "Now notice your whole body, here, resting.",
        }
    }
}

/// A 0–10 rating, recorded with its time.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckIn {
    /// Identifies the answer in records and reports, e.g. `"suds-before"`; unique per session.
    pub id: String,
    /// What is asked.
    pub scale: Scale,
    /// Move on (recording "no answer") after this long; wait for ever when left out.
    #[serde(default)]
    pub timeout: Option<HumanDuration>,
}

/// The question of a check-in and the words at each end of its 0–10 scale.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Scale {
    /// Subjective units of distress.
    Suds,
    /// Overall mood.
    Mood,
    /// Any question with its own end labels.
    Custom {
        /// The question shown.
        question: String,
        /// What 0 means.
        low: String,
        /// What 10 means.
        high: String,
    },
}

impl Scale {
    /// The question and the meanings of 0 and 10.
    pub fn wording(&self) -> (&str, &str, &str) {
        match self {
            Scale::Suds => (
                "How much distress do you feel right now?",
                "none at all",
                "the most you can imagine",
            ),
            Scale::Mood => ("How is your mood right now?", "very low", "very good"),
            Scale::Custom {
                question,
                low,
                high,
            } => (question, low, high),
        }
    }
}

/// A validated questionnaire taken in the headset: one item at a time, with Back to correct
/// the one before, and nothing recorded until the patient confirms the last.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Questionnaire {
    /// The instrument's id, e.g. `"phq-9"` (its file is `phq-9.instrument.ron`).
    pub instrument: String,
}

/// A prompt and how the patient answers it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Intention {
    /// What is asked.
    pub prompt: String,
    /// How the patient answers.
    pub answer: IntentionAnswer,
    /// Move on after this long; wait for the patient or therapist when left out.
    #[serde(default)]
    pub timeout: Option<HumanDuration>,
}

/// How an intention is answered.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum IntentionAnswer {
    /// Pick one of two to six short choices.
    Choose(Vec<String>),
    /// Said aloud to the therapist, who continues when ready.
    SpokenAloud,
}

/// A calm scene for a set time.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rest {
    /// How long to rest.
    pub duration: HumanDuration,
    /// Optional quiet words shown at the start; rest is eyes-closed friendly.
    #[serde(default)]
    pub caption: Option<String>,
    /// Plays this soundscape instead of the session's during the rest.
    #[serde(default)]
    pub soundscape: Option<String>,
}

/// Holds until the therapist continues.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WaitForTherapist {
    /// Shown while waiting; a quiet default when left out.
    #[serde(default)]
    pub caption: Option<String>,
}

impl WaitForTherapist {
    /// The default words while waiting.
    pub const DEFAULT_CAPTION: &'static str =
        "Rest here. Your therapist will continue when you are ready.";
}

/// Free painting with ribbons of light.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Paint {
    /// Invitation shown before painting, e.g. "Paint what stayed with you."
    pub prompt: String,
    /// Ends after this long; open until the therapist continues when left out.
    #[serde(default)]
    pub duration: Option<HumanDuration>,
    /// Suggested colours as `"#rrggbb"`; a calm default palette when left out.
    #[serde(default)]
    pub palette: Option<Vec<String>>,
    /// Mirror symmetry around the patient's centre: 1 (none) to 12 (a 12-fold mandala).
    #[serde(default = "no_symmetry")]
    pub symmetry: u32,
}

fn no_symmetry() -> u32 {
    1
}

/// A prompt shown while the patient talks with the therapist.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reflection {
    /// The prompt shown.
    pub prompt: String,
    /// Ends after this long; open until the therapist continues when left out.
    #[serde(default)]
    pub duration: Option<HumanDuration>,
}

/// A gentle ending and fade out.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Closing {
    /// The last words shown (and spoken, with `audio`).
    pub text: String,
    /// Optional recording, relative to the `assets/` folder.
    #[serde(default)]
    pub audio: Option<String>,
    /// How long the words stay before the scene fades out.
    #[serde(default = "default_closing")]
    pub duration: HumanDuration,
}

fn default_closing() -> HumanDuration {
    HumanDuration::from_secs(20)
}

/// Expected lengths for steps that wait on a person, used for planning and `list`.
pub mod expected {
    use super::HumanDuration;

    /// A check-in (or its timeout, when shorter).
    pub const CHECK_IN: HumanDuration = HumanDuration::from_secs(30);
    /// An intention (or its timeout, when shorter).
    pub const INTENTION: HumanDuration = HumanDuration::from_secs(60);
    /// A questionnaire (PHQ-9 takes about two minutes; PCL-5 longer).
    pub const QUESTIONNAIRE: HumanDuration = HumanDuration::from_secs(180);
    /// Waiting for the therapist.
    pub const WAIT_FOR_THERAPIST: HumanDuration = HumanDuration::from_secs(60);
    /// Painting without a set duration.
    pub const PAINT: HumanDuration = HumanDuration::from_secs(600);
    /// Reflection without a set duration.
    pub const REFLECTION: HumanDuration = HumanDuration::from_secs(180);
    /// Calm reading pace for captions, in words per second.
    pub const READING_WORDS_PER_SEC: f64 = 2.0;
    /// A pause after each spoken caption, in seconds.
    pub const NARRATION_PAUSE_SECS: f64 = 3.0;
}

impl Narration {
    /// The step's length: as written, or a calm reading time for the text.
    pub fn length_secs(&self) -> f64 {
        self.duration.map_or_else(
            || {
                let words = self.text.split_whitespace().count() as f64;
                words / expected::READING_WORDS_PER_SEC + expected::NARRATION_PAUSE_SECS
            },
            HumanDuration::secs,
        )
    }
}

impl Breathing {
    /// Whole breaths this step paces: `cycles`, or the duration rounded up to whole breaths.
    pub fn cycle_count(&self) -> u32 {
        match (self.cycles, self.duration) {
            (Some(cycles), _) => cycles,
            (None, Some(duration)) => {
                let cycle = self.pattern.timings().cycle();
                if cycle > 0.0 {
                    (duration.secs() / cycle)
                        .ceil()
                        .clamp(1.0, f64::from(u32::MAX)) as u32
                } else {
                    1
                }
            }
            (None, None) => 0,
        }
    }
}

impl Step {
    /// The kind of step as an author writes it, e.g. `"Breathing"`.
    pub fn kind(&self) -> &'static str {
        match self {
            Step::Narration(_) => "Narration",
            Step::Breathing(_) => "Breathing",
            Step::Grounding(_) => "Grounding",
            Step::BodyScan(_) => "BodyScan",
            Step::CheckIn(_) => "CheckIn",
            Step::Intention(_) => "Intention",
            Step::Questionnaire(_) => "Questionnaire",
            Step::Rest(_) => "Rest",
            Step::WaitForTherapist(_) => "WaitForTherapist",
            Step::Paint(_) => "Paint",
            Step::Reflection(_) => "Reflection",
            Step::VoiceNote(_) => "VoiceNote",
            Step::VoiceNoteReplay(_) => "VoiceNoteReplay",
            Step::Closing(_) => "Closing",
        }
    }

    /// The kind as a therapist reads it, e.g. "Check-in" or "Wait for therapist".
    pub fn kind_label(&self) -> &'static str {
        match self {
            Step::Narration(_) => "Narration",
            Step::Breathing(_) => "Breathing",
            Step::Grounding(_) => "Grounding",
            Step::BodyScan(_) => "Body scan",
            Step::CheckIn(_) => "Check-in",
            Step::Intention(_) => "Intention",
            Step::Questionnaire(_) => "Questionnaire",
            Step::Rest(_) => "Rest",
            Step::WaitForTherapist(_) => "Wait for therapist",
            Step::Paint(_) => "Paint",
            Step::Reflection(_) => "Reflection",
            Step::VoiceNote(_) => "Voice note",
            Step::VoiceNoteReplay(_) => "Voice note replay",
            Step::Closing(_) => "Closing",
        }
    }

    /// How long the step is expected to take, in seconds. Steps that wait on a person use
    /// their timeout or the planning defaults in [`expected`].
    pub fn expected_secs(&self) -> f64 {
        let or = |value: Option<HumanDuration>, default: HumanDuration| value.unwrap_or(default);
        // An answer usually comes well before the timeout.
        let typical = |timeout: Option<HumanDuration>, usual: HumanDuration| {
            timeout.map_or(usual, |timeout| timeout.min(usual))
        };
        match self {
            Step::Narration(narration) => narration.length_secs(),
            Step::Breathing(breathing) => {
                f64::from(breathing.cycle_count()) * breathing.pattern.timings().cycle()
            }
            Step::Grounding(grounding) => {
                grounding.prompts().len() as f64 * grounding.per_prompt.secs()
            }
            Step::BodyScan(scan) => scan.regions.len() as f64 * scan.per_region.secs(),
            Step::CheckIn(check_in) => typical(check_in.timeout, expected::CHECK_IN).secs(),
            Step::Intention(intention) => typical(intention.timeout, expected::INTENTION).secs(),
            Step::Questionnaire(_) => expected::QUESTIONNAIRE.secs(),
            Step::Rest(rest) => rest.duration.secs(),
            Step::WaitForTherapist(_) => expected::WAIT_FOR_THERAPIST.secs(),
            Step::Paint(paint) => or(paint.duration, expected::PAINT).secs(),
            Step::Reflection(reflection) => or(reflection.duration, expected::REFLECTION).secs(),
            Step::VoiceNote(note) => note.expected_secs(),
            Step::VoiceNoteReplay(replay) => replay.expected_secs(),
            Step::Closing(closing) => closing.duration.secs(),
        }
    }
}

impl Session {
    /// Expected length of the whole session in seconds.
    pub fn expected_secs(&self) -> f64 {
        self.steps.iter().map(Step::expected_secs).sum()
    }
}
