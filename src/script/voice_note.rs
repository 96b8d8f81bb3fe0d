//! The voice-note steps of the session format: a patient's spoken note recorded
//! ([`VoiceNote`]) and their earlier notes played back ([`VoiceNoteReplay`]), with the checks
//! validation makes of them.

use serde::{Deserialize, Serialize};

use super::duration::HumanDuration;

/// The patient says what they want to keep, and it is recorded beside the session record.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VoiceNote {
    /// What is asked, shown and spoken before the recording starts.
    pub prompt: String,
    /// The recording stops at this length at the latest (10 s to 10 min).
    #[serde(default = "default_max_length")]
    pub max_length: HumanDuration,
    /// The recording stops after this much silence once the patient has spoken (1 s to 30 s).
    #[serde(default = "default_silence_ends_after")]
    pub silence_ends_after: HumanDuration,
}

/// The patient's earlier voice notes played back, newest first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VoiceNoteReplay {
    /// How many earlier notes to play, newest first (1 to 5).
    #[serde(default = "one_note")]
    pub notes: u32,
}

fn default_max_length() -> HumanDuration {
    HumanDuration::from_secs(120)
}

fn default_silence_ends_after() -> HumanDuration {
    HumanDuration::from_secs(4)
}

fn one_note() -> u32 {
    1
}

/// The bounds validation holds voice-note settings to.
pub mod bounds {
    use super::HumanDuration;

    /// The shortest `max_length`: time to say one sentence.
    pub const MIN_LENGTH: HumanDuration = HumanDuration::from_secs(10);
    /// The longest `max_length`: a note, not a monologue, and a file of a few megabytes.
    pub const MAX_LENGTH: HumanDuration = HumanDuration::from_secs(600);
    /// The shortest `silence_ends_after`: shorter cuts a patient off mid-thought.
    pub const MIN_SILENCE: HumanDuration = HumanDuration::from_secs(1);
    /// The longest `silence_ends_after`.
    pub const MAX_SILENCE: HumanDuration = HumanDuration::from_secs(30);
    /// The most notes a replay plays.
    pub const MAX_REPLAYED: u32 = 5;
}

/// Planning lengths for the voice-note steps, for `list` and the session's expected length.
pub mod expected {
    /// A voice note: the prompt, about a minute of speaking, the choice after it.
    pub const VOICE_NOTE_SECS: f64 = 90.0;
    /// One replayed note, with its pauses.
    pub const REPLAYED_NOTE_SECS: f64 = 40.0;
}

impl VoiceNote {
    /// How long the step is expected to take, in seconds.
    pub fn expected_secs(&self) -> f64 {
        expected::VOICE_NOTE_SECS.min(self.max_length.secs() + 20.0)
    }
}

impl VoiceNoteReplay {
    /// How long the step is expected to take, in seconds (when there are notes to play).
    pub fn expected_secs(&self) -> f64 {
        f64::from(self.notes) * expected::REPLAYED_NOTE_SECS
    }
}

/// A problem validation found in a voice-note step's settings.
#[derive(Clone, Debug, PartialEq)]
pub struct SettingProblem {
    /// The field it is about.
    pub field: &'static str,
    /// What is wrong.
    pub message: String,
    /// How to put it right.
    pub help: String,
}

impl SettingProblem {
    fn new(field: &'static str, message: String, help: &str) -> Self {
        Self {
            field,
            message,
            help: help.to_owned(),
        }
    }
}

/// The problems with a voice note's lengths (the prompt is checked like every prompt).
pub fn voice_note_problems(note: &VoiceNote) -> Vec<SettingProblem> {
    let mut problems = Vec::new();
    if !(bounds::MIN_LENGTH..=bounds::MAX_LENGTH).contains(&note.max_length) {
        problems.push(SettingProblem::new(
            "max_length",
            format!(
                "`max_length` is {}; a voice note may last from {} to {}",
                note.max_length,
                bounds::MIN_LENGTH,
                bounds::MAX_LENGTH
            ),
            "give a length such as \"2m\"",
        ));
    }
    if !(bounds::MIN_SILENCE..=bounds::MAX_SILENCE).contains(&note.silence_ends_after) {
        problems.push(SettingProblem::new(
            "silence_ends_after",
            format!(
                "`silence_ends_after` is {}; a pause of {} to {} ends the recording",
                note.silence_ends_after,
                bounds::MIN_SILENCE,
                bounds::MAX_SILENCE
            ),
            "leave it out for the usual 4s, or give a length such as \"6s\"",
        ));
    } else if note.silence_ends_after >= note.max_length {
        problems.push(SettingProblem::new(
            "silence_ends_after",
            format!(
                "`silence_ends_after` ({}) is not shorter than `max_length` ({})",
                note.silence_ends_after, note.max_length
            ),
            "make the pause that ends a note shorter than the note",
        ));
    }
    problems
}

/// The problems with a replay's settings.
pub fn replay_problems(replay: &VoiceNoteReplay) -> Vec<SettingProblem> {
    if (1..=bounds::MAX_REPLAYED).contains(&replay.notes) {
        return Vec::new();
    }
    vec![SettingProblem::new(
        "notes",
        format!(
            "`notes` is {}; a replay plays 1 to {} notes",
            replay.notes,
            bounds::MAX_REPLAYED
        ),
        "leave it out to play the newest note",
    )]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn note(max_length: u64, silence: u64) -> VoiceNote {
        VoiceNote {
            prompt: "Say what you want to remember.".into(),
            max_length: HumanDuration::from_secs(max_length),
            silence_ends_after: HumanDuration::from_secs(silence),
        }
    }

    #[test]
    fn lengths_are_held_to_their_bounds() {
        assert!(voice_note_problems(&note(120, 4)).is_empty());
        assert!(voice_note_problems(&note(10, 4)).is_empty());
        assert!(voice_note_problems(&note(600, 30)).is_empty());
        let fields = |max, silence| {
            voice_note_problems(&note(max, silence))
                .into_iter()
                .map(|problem| problem.field)
                .collect::<Vec<_>>()
        };
        assert_eq!(fields(9, 4), ["max_length"]);
        assert_eq!(fields(601, 4), ["max_length"]);
        assert_eq!(fields(120, 0), ["silence_ends_after"]);
        assert_eq!(fields(120, 31), ["silence_ends_after"]);
        assert_eq!(fields(20, 20), ["silence_ends_after"]);
        assert!(replay_problems(&VoiceNoteReplay { notes: 1 }).is_empty());
        assert_eq!(replay_problems(&VoiceNoteReplay { notes: 0 }).len(), 1);
        assert_eq!(replay_problems(&VoiceNoteReplay { notes: 6 }).len(), 1);
    }
}
