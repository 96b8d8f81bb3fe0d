//! What should be sounding at a moment of the session, read from the runtime: the
//! soundscape, the narration clip and where in it, and the breathing cue. A pure function,
//! shared by the live app and the offline export so both play the same mix.

use super::cues::CueDirection;
use super::voice::Clip;
use crate::catalog::SAFE_PLACE;
use crate::exercises::breathing::BreathPhase;
use crate::exercises::voice_note::NotePhase;
use crate::exercises::{Detail, spoken};
use crate::script::Step;
use crate::session::{SessionRuntime, SessionState};

/// The sound of one moment.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Score {
    /// The soundscape preset to play (`None`: silence).
    pub soundscape: Option<String>,
    /// How far the closing has faded the soundscape out, 0..1.
    pub closing_fade: f32,
    /// The narration clip that belongs to this moment.
    pub narration: Option<SpokenLine>,
    /// The breathing cue that belongs to this moment.
    pub cue: Option<BreathCue>,
}

/// A step's recording, or the voice of one of its prompts, and where in it the moment is.
#[derive(Clone, Debug, PartialEq)]
pub struct SpokenLine {
    /// The step it belongs to.
    pub step: usize,
    /// Which of the step's prompts (0 for a step's one recording).
    pub part: usize,
    /// What plays.
    pub clip: Clip,
    /// Seconds into the clip.
    pub at: f64,
    /// False while the session is paused: the voice waits.
    pub playing: bool,
}

/// One part of the breath that has a cue tone.
#[derive(Clone, Debug, PartialEq)]
pub struct BreathCue {
    /// The breathing step.
    pub step: usize,
    /// Which breath.
    pub cycle: u32,
    /// In-breath (rising) or out-breath (falling).
    pub direction: CueDirection,
    /// Seconds the part of the breath lasts.
    pub length: f64,
    /// Seconds into it.
    pub at: f64,
}

impl BreathCue {
    /// Identifies this cue: a new key means a new tone.
    pub fn key(&self) -> (usize, u32, CueDirection) {
        (self.step, self.cycle, self.direction)
    }
}

/// The part a [`SpokenLine`] of the patient's own voice (a voice note) plays as.
pub const OWN_VOICE_PART: usize = usize::MAX;
/// Seconds of the soft tone as a voice note starts and ends recording.
const NOTE_CUE_SECS: f64 = 1.2;

/// The soft tone as a voice note starts recording (rising) and as it ends (falling): the
/// breathing cue's gentle glide, so nothing new startles the patient.
fn note_cue(step: usize, phase: NotePhase, seconds: f64) -> Option<BreathCue> {
    let direction = match phase {
        NotePhase::Recording => CueDirection::Rising,
        NotePhase::Review => CueDirection::Falling,
        _ => return None,
    };
    (seconds < NOTE_CUE_SECS).then_some(BreathCue {
        step,
        cycle: 0,
        direction,
        length: NOTE_CUE_SECS,
        at: seconds,
    })
}

impl Score {
    /// The sound that belongs to the runtime's current moment.
    pub fn of(runtime: &SessionRuntime) -> Self {
        let Some(script) = runtime.script() else {
            return Self::default();
        };
        let session = &script.session;
        let state = runtime.state();
        match state {
            SessionState::Idle | SessionState::Finished => return Self::default(),
            SessionState::Calm => {
                return Self {
                    soundscape: Some(SAFE_PLACE.to_owned()),
                    ..Self::default()
                };
            }
            SessionState::Running | SessionState::Paused => {}
        }
        let step_index = runtime.step_index();
        let step = runtime.step();
        let soundscape = match step {
            Some(Step::Rest(rest)) => rest.soundscape.as_deref(),
            _ => None,
        }
        .unwrap_or(&session.soundscape);
        let detail = runtime.view().map(|view| &view.detail);
        let closing_fade = match detail {
            Some(Detail::Closing { fade }) => *fade,
            _ => 0.0,
        };
        let clip = match step {
            Some(Step::Narration(narration)) => narration.audio.as_ref(),
            Some(Step::Closing(closing)) => closing.audio.as_ref(),
            _ => None,
        };
        let playing = state == SessionState::Running;
        // The patient's own voice, played back or replayed, comes before any prompt.
        let own_voice = runtime.note_playing().map(|(path, at)| SpokenLine {
            step: step_index,
            part: OWN_VOICE_PART,
            clip: Clip::File(path.to_path_buf()),
            at,
            playing,
        });
        let narration = own_voice.or_else(|| match (clip, step) {
            (Some(audio), _) => Some(SpokenLine {
                step: step_index,
                part: 0,
                clip: Clip::Recording(audio.clone()),
                at: runtime.step_secs(),
                playing,
            }),
            (None, Some(step)) => spoken(step, runtime.step_secs()).map(|line| SpokenLine {
                step: step_index,
                part: line.part,
                clip: Clip::voice(&line.text),
                at: line.since,
                playing,
            }),
            (None, None) => None,
        });
        let cue = match (step, detail) {
            (Some(Step::Breathing(breathing)), Some(Detail::Breath(breath)))
                if breathing.cues && state == SessionState::Running =>
            {
                let timings = breathing.pattern.timings();
                let (direction, length) = match breath.phase {
                    BreathPhase::Inhale => (Some(CueDirection::Rising), timings.inhale),
                    BreathPhase::Exhale => (Some(CueDirection::Falling), timings.exhale),
                    BreathPhase::HoldIn | BreathPhase::HoldOut => (None, 0.0),
                };
                direction.map(|direction| BreathCue {
                    step: step_index,
                    cycle: breath.cycle,
                    direction,
                    length,
                    at: length - breath.phase_remaining,
                })
            }
            (_, Some(Detail::VoiceNote { phase, seconds, .. }))
                if state == SessionState::Running =>
            {
                note_cue(step_index, *phase, *seconds)
            }
            _ => None,
        };
        Self {
            soundscape: (soundscape != "silence").then(|| soundscape.to_owned()),
            closing_fade,
            narration,
            cue,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::session::{SessionAction, Volumes, test_runtime};

    const STEPS: &str = r#"
        Narration(text: "Welcome.", audio: "narration/welcome.ogg", duration: "10s"),
        Breathing(pattern: Box(side: "4s"), cycles: 2),
        Rest(duration: "30s", soundscape: "warm-drone"),
        Breathing(pattern: Resonance(breaths_per_minute: 6.0), cycles: 1, cues: false),
        Closing(text: "Thank you.", duration: "5s"),
    "#;

    fn at(secs: f64) -> (SessionRuntime, tempfile::TempDir) {
        let (mut runtime, dir) = test_runtime(STEPS);
        runtime.tick(Duration::from_secs_f64(secs));
        (runtime, dir)
    }

    #[test]
    fn narration_follows_the_step_clock_and_waits_while_paused() {
        let (mut runtime, _dir) = at(3.0);
        let line = Score::of(&runtime).narration.expect("a spoken line");
        assert_eq!(
            (line.step, line.clip),
            (0, Clip::Recording("narration/welcome.ogg".to_owned()))
        );
        assert!((line.at - 3.0).abs() < 1e-9 && line.playing);
        runtime.apply(&SessionAction::Pause, &mut Volumes::default());
        runtime.tick(Duration::from_secs(5));
        let line = Score::of(&runtime).narration.expect("still its line");
        assert!((line.at - 3.0).abs() < 1e-9 && !line.playing);
    }

    #[test]
    fn cues_sound_on_the_in_and_out_breath_and_not_on_holds() {
        let cue = |t| {
            Score::of(&at(t).0)
                .cue
                .map(|cue| (cue.cycle, cue.direction))
        };
        // Box breathing starts at 10 s: in 10-14, hold 14-18, out 18-22, hold 22-26.
        assert_eq!(cue(11.0), Some((0, CueDirection::Rising)));
        assert_eq!(cue(15.0), None);
        assert_eq!(cue(19.0), Some((0, CueDirection::Falling)));
        assert_eq!(cue(23.0), None);
        assert_eq!(cue(27.0), Some((1, CueDirection::Rising)));
        let (runtime, _dir) = at(12.5);
        let cue = Score::of(&runtime).cue.expect("an in-breath cue");
        assert!((cue.length - 4.0).abs() < 1e-9 && (cue.at - 2.5).abs() < 1e-6);
        // The resonance step at 72-82 s has its cues turned off.
        assert_eq!(Score::of(&at(75.0).0).cue, None);
    }

    #[test]
    fn rest_can_change_the_soundscape_and_calm_plays_the_safe_place() {
        assert_eq!(
            Score::of(&at(5.0).0).soundscape,
            None,
            "the session is silent"
        );
        let (mut runtime, _dir) = at(50.0);
        assert_eq!(
            Score::of(&runtime).soundscape.as_deref(),
            Some("warm-drone")
        );
        runtime.apply(&SessionAction::Calm, &mut Volumes::default());
        let score = Score::of(&runtime);
        assert_eq!(score.soundscape.as_deref(), Some(SAFE_PLACE));
        assert_eq!((score.narration, score.cue), (None, None));
    }

    #[test]
    fn each_prompt_speaks_its_own_voice_from_when_it_appears() {
        let (mut runtime, _dir) = test_runtime(
            r#"Grounding(per_prompt: "20s"), CheckIn(id: "suds", scale: Suds, timeout: "1m")"#,
        );
        runtime.tick(Duration::from_secs(25));
        let line = Score::of(&runtime)
            .narration
            .expect("the second prompt speaks");
        let caption = runtime.view().expect("a step").caption.clone();
        assert_eq!((line.step, line.part), (0, 1));
        assert_eq!(line.clip, Clip::voice(&caption));
        assert!((line.at - 5.0).abs() < 1e-6, "{}", line.at);
        runtime.tick(Duration::from_secs(80));
        let line = Score::of(&runtime)
            .narration
            .expect("the check-in's question speaks");
        assert_eq!(
            (line.step, line.part, line.clip),
            (
                1,
                0,
                Clip::voice("How much distress do you feel right now?")
            )
        );
    }

    #[test]
    fn words_the_clinic_wrote_without_a_recording_speak_through_their_voice() {
        let (mut runtime, _dir) = test_runtime(
            r#"Narration(text: "Settle in.", duration: "10s"),
               Closing(text: "Go gently.", duration: "10s")"#,
        );
        runtime.tick(Duration::from_secs(2));
        let line = Score::of(&runtime).narration.expect("the narration speaks");
        assert_eq!((line.step, line.clip), (0, Clip::voice("Settle in.")));
        assert!((line.at - 2.0).abs() < 1e-6, "{}", line.at);
        runtime.tick(Duration::from_secs(10));
        let line = Score::of(&runtime).narration.expect("the closing speaks");
        assert_eq!((line.step, line.clip), (1, Clip::voice("Go gently.")));
    }

    #[test]
    fn a_finished_session_is_silent() {
        let (runtime, _dir) = at(200.0);
        assert_eq!(runtime.state(), SessionState::Finished);
        assert_eq!(Score::of(&runtime), Score::default());
    }
}
