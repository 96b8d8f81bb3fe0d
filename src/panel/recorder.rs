//! The Voice window's recorder: one take at a time, a 3-2-1 count-in, the take pulled from
//! [`SoundIn`] as it is spoken (with its level for the meter), then made into a clip
//! ([`crate::voice::take::shape`]) and saved as the clinic's recording of its text, or
//! refused with the reason. A refused take leaves the recording there before untouched.
//! Plain state, driven by the window each frame: the tests drive it with a WAV file.

use bevy::prelude::Resource;

use crate::audio::capture::SoundIn;
use crate::voice::take::{level_dbfs, shape};
use crate::voice::wav::{MonoSound, write_mono};
use crate::voice::{VoiceRevision, VoiceStore};

/// Seconds of the count-in before recording starts.
pub const COUNT_IN_SECS: f64 = 3.0;
/// A take stops by itself after this many seconds.
pub const MAX_TAKE_SECS: f64 = 120.0;
/// The meter shows the level of this last stretch of the take, seconds.
const METER_SECS: f64 = 0.1;

/// What the recorder is doing.
#[derive(Clone, Debug, PartialEq)]
pub enum Phase {
    /// Nothing: a take can start.
    Idle,
    /// Counting in: seconds left before recording starts.
    CountIn(f64),
    /// Recording: seconds recorded so far.
    Recording(f64),
}

/// How the last take of a text ended, for the therapist.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    /// The take was kept as the clinic's recording: its length in seconds.
    Saved(f64),
    /// The take was not kept, and why.
    Refused(String),
}

/// The one take being recorded, if any, and how the last one ended.
#[derive(Resource, Debug)]
pub struct Recorder {
    phase: Phase,
    key: Option<String>,
    take: MonoSound,
    last: Option<(String, Outcome)>,
}

impl Default for Recorder {
    fn default() -> Self {
        Self {
            phase: Phase::Idle,
            key: None,
            take: MonoSound::default(),
            last: None,
        }
    }
}

impl Recorder {
    /// What it is doing.
    pub fn phase(&self) -> &Phase {
        &self.phase
    }

    /// The key of the text being recorded.
    pub fn key(&self) -> Option<&str> {
        self.key.as_deref()
    }

    /// How the last take of the text with `key` ended, if it was the last one recorded.
    pub fn outcome(&self, key: &str) -> Option<&Outcome> {
        self.last
            .as_ref()
            .filter(|(last, _)| last == key)
            .map(|(_, outcome)| outcome)
    }

    /// Whether a take is counting in or recording.
    pub fn busy(&self) -> bool {
        self.phase != Phase::Idle
    }

    /// Why a take cannot start now, if it cannot: one at a time, never during a session,
    /// and only with something to record from.
    pub fn refusal(&self, sound_in: &SoundIn, session_under_way: bool) -> Option<String> {
        if session_under_way {
            Some(
                "Recording is off while a session is under way: the patient would hear it. \
                 Record between sessions."
                    .to_owned(),
            )
        } else if let Some(missing) = &sound_in.missing {
            Some(missing.clone())
        } else if self.busy() {
            Some("One recording at a time: stop the one under way first.".to_owned())
        } else {
            None
        }
    }

    /// Starts the count-in for a take of the text with `key`.
    pub fn record(
        &mut self,
        key: &str,
        sound_in: &SoundIn,
        session_under_way: bool,
    ) -> Result<(), String> {
        if let Some(refusal) = self.refusal(sound_in, session_under_way) {
            return Err(refusal);
        }
        self.phase = Phase::CountIn(COUNT_IN_SECS);
        self.key = Some(key.to_owned());
        self.take = MonoSound::default();
        self.last = None;
        Ok(())
    }

    /// Moves on by `seconds`: counts in, then starts the source and takes what it captured.
    /// A take that reaches [`MAX_TAKE_SECS`] stops by itself.
    pub fn advance(
        &mut self,
        seconds: f64,
        sound_in: &mut SoundIn,
        store: &VoiceStore,
        revision: &mut VoiceRevision,
    ) {
        match self.phase {
            Phase::Idle => {}
            Phase::CountIn(left) if left > seconds => self.phase = Phase::CountIn(left - seconds),
            Phase::CountIn(_) => match sound_in.source().map(|source| source.start()) {
                Some(Ok(rate)) => {
                    self.take.rate = rate;
                    self.phase = Phase::Recording(0.0);
                }
                Some(Err(error)) => self.end(Outcome::Refused(format!("{error}."))),
                None => self.end(Outcome::Refused(sound_in.describe())),
            },
            Phase::Recording(recorded) => {
                if let Some(source) = sound_in.source() {
                    self.take.samples.extend(source.pull(seconds));
                }
                self.phase = Phase::Recording(recorded + seconds);
                if recorded + seconds >= MAX_TAKE_SECS {
                    self.stop(sound_in, store, revision);
                }
            }
        }
    }

    /// Stops: during the count-in nothing was recorded; otherwise the take is made into a
    /// clip and saved as the clinic's recording of its text, or refused.
    pub fn stop(
        &mut self,
        sound_in: &mut SoundIn,
        store: &VoiceStore,
        revision: &mut VoiceRevision,
    ) {
        let recording = matches!(self.phase, Phase::Recording(_));
        if recording && let Some(source) = sound_in.source() {
            self.take.samples.extend(source.pull(0.0));
            source.stop();
        }
        let Some(key) = self.key.clone() else {
            self.phase = Phase::Idle;
            return;
        };
        if !recording {
            self.phase = Phase::Idle;
            self.key = None;
            return;
        }
        let outcome = match shape(&self.take) {
            Ok(clip) => match write_mono(&store.clinic_recording(&key), &clip) {
                Ok(()) => {
                    revision.bump();
                    Outcome::Saved(clip.seconds())
                }
                Err(error) => Outcome::Refused(format!(
                    "the take could not be saved in {}: {error}",
                    store.clinic_recording(&key).display()
                )),
            },
            Err(refusal) => Outcome::Refused(refusal.to_string()),
        };
        self.end(outcome);
    }

    /// Stops without keeping anything, saying `why` (a session started: the patient must
    /// not be recorded).
    pub fn cancel(&mut self, sound_in: &mut SoundIn, why: &str) {
        if matches!(self.phase, Phase::Recording(_))
            && let Some(source) = sound_in.source()
        {
            source.stop();
        }
        if self.busy() {
            self.end(Outcome::Refused(why.to_owned()));
        }
    }

    /// The level of the last tenth of a second of the take, dBFS (-120 when none).
    pub fn level_db(&self) -> f32 {
        let recent = (f64::from(self.take.rate) * METER_SECS) as usize;
        let samples = &self.take.samples;
        level_dbfs(&samples[samples.len().saturating_sub(recent)..])
    }

    fn end(&mut self, outcome: Outcome) {
        if let Some(key) = self.key.take() {
            self.last = Some((key, outcome));
        }
        self.phase = Phase::Idle;
        self.take = MonoSound::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audio::capture::WavSource;
    use crate::voice::take::{BUNDLED_SPEECH_DBFS, speech_level_db};
    use crate::voice::wav::read_mono;

    const RATE: u32 = 16_000;

    /// Half a second of quiet, `speech` seconds of a voice-like tone at `level` dBFS, half a
    /// second of quiet.
    fn spoken(speech: f64, level: f32) -> MonoSound {
        let amplitude = 10f32.powf(level / 20.0) * std::f32::consts::SQRT_2;
        let total = ((1.0 + speech) * f64::from(RATE)) as usize;
        let samples = (0..total)
            .map(|n| {
                let t = n as f64 / f64::from(RATE) - 0.5;
                if (0.0..speech).contains(&t) {
                    (std::f64::consts::TAU * 160.0 * t).sin() as f32 * amplitude
                } else {
                    0.0
                }
            })
            .collect();
        MonoSound {
            samples,
            rate: RATE,
        }
    }

    /// Runs a whole take: record, frames of 1/30 s until `seconds` have been recorded, stop.
    fn record_take(
        recorder: &mut Recorder,
        sound_in: &mut SoundIn,
        store: &VoiceStore,
        revision: &mut VoiceRevision,
        seconds: f64,
    ) {
        recorder
            .record("0123456789abcdef", sound_in, false)
            .expect("starts");
        let frame = 1.0 / 30.0;
        let mut counted = 0;
        while matches!(recorder.phase(), Phase::CountIn(_)) {
            recorder.advance(frame, sound_in, store, revision);
            counted += 1;
        }
        assert!(
            (89..=91).contains(&counted),
            "three seconds of count-in: {counted} frames"
        );
        let mut loudest = -120.0_f32;
        while matches!(recorder.phase(), Phase::Recording(done) if *done < seconds) {
            recorder.advance(frame, sound_in, store, revision);
            loudest = loudest.max(recorder.level_db());
        }
        assert!(
            loudest > -40.0,
            "the meter showed the voice: {loudest} dBFS"
        );
        recorder.stop(sound_in, store, revision);
        assert_eq!(recorder.phase(), &Phase::Idle);
    }

    #[test]
    fn a_take_from_a_wav_file_is_counted_in_recorded_shaped_and_saved_privately() {
        let data = tempfile::tempdir().expect("temp dir");
        let store = VoiceStore::new(data.path(), data.path());
        let key = "0123456789abcdef";
        let mut sound_in = SoundIn::from_source(WavSource::new("take.wav", spoken(2.0, -30.0)));
        let mut recorder = Recorder::default();
        let mut revision = VoiceRevision::default();
        record_take(&mut recorder, &mut sound_in, &store, &mut revision, 3.2);
        let Some(Outcome::Saved(seconds)) = recorder.outcome(key) else {
            panic!("kept: {:?}", recorder.outcome(key));
        };
        assert!((2.1..2.4).contains(seconds), "{seconds} s");
        assert_eq!(revision, VoiceRevision(1));
        let path = store.clinic_recording(key);
        let clip = read_mono(&path).expect("the clip was saved");
        let level = speech_level_db(&clip).expect("speech");
        assert!((level - BUNDLED_SPEECH_DBFS).abs() < 0.5, "{level}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path)
                .expect("saved")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn a_redo_that_is_refused_keeps_the_take_before_it() {
        let data = tempfile::tempdir().expect("temp dir");
        let store = VoiceStore::new(data.path(), data.path());
        let key = "0123456789abcdef";
        let mut revision = VoiceRevision::default();
        let mut recorder = Recorder::default();
        let mut good = SoundIn::from_source(WavSource::new("good.wav", spoken(2.0, -24.0)));
        record_take(&mut recorder, &mut good, &store, &mut revision, 3.2);
        let kept = std::fs::read(store.clinic_recording(key)).expect("kept");
        // The redo clipped: refused, with the reason, and the first take stays.
        let mut loud = spoken(2.0, -24.0);
        loud.samples[12_000..12_010].fill(1.0);
        let mut clipping = SoundIn::from_source(WavSource::new("loud.wav", loud));
        record_take(&mut recorder, &mut clipping, &store, &mut revision, 3.2);
        let Some(Outcome::Refused(reason)) = recorder.outcome(key) else {
            panic!("refused: {:?}", recorder.outcome(key));
        };
        assert!(reason.starts_with("it clipped"), "{reason}");
        assert_eq!(
            std::fs::read(store.clinic_recording(key)).expect("kept"),
            kept
        );
        assert_eq!(revision, VoiceRevision(1), "nothing changed on disk");
    }

    #[test]
    fn no_take_starts_during_a_session_without_a_microphone_or_beside_another() {
        let mut recorder = Recorder::default();
        let missing = SoundIn::none(
            "No microphone: no microphone is connected, so voice recording and voice notes are off.",
        );
        let refusal = recorder
            .record("k", &missing, false)
            .expect_err("no microphone");
        assert!(refusal.starts_with("No microphone"), "{refusal}");
        let sound_in = SoundIn::from_source(WavSource::new("take.wav", spoken(1.0, -20.0)));
        let refusal = recorder
            .record("k", &sound_in, true)
            .expect_err("a session is under way");
        assert!(refusal.contains("session is under way"), "{refusal}");
        recorder.record("k", &sound_in, false).expect("starts");
        let refusal = recorder
            .record("j", &sound_in, false)
            .expect_err("one at a time");
        assert!(refusal.starts_with("One recording at a time"), "{refusal}");
        assert_eq!(recorder.key(), Some("k"));
    }

    #[test]
    fn a_take_cancelled_when_a_session_starts_keeps_nothing() {
        let data = tempfile::tempdir().expect("temp dir");
        let store = VoiceStore::new(data.path(), data.path());
        let mut sound_in = SoundIn::from_source(WavSource::new("take.wav", spoken(2.0, -20.0)));
        let mut recorder = Recorder::default();
        let mut revision = VoiceRevision::default();
        recorder.record("k", &sound_in, false).expect("starts");
        recorder.advance(3.0, &mut sound_in, &store, &mut revision);
        recorder.advance(2.0, &mut sound_in, &store, &mut revision);
        assert_eq!(recorder.phase(), &Phase::Recording(2.0));
        recorder.cancel(&mut sound_in, "a session started.");
        assert_eq!(recorder.phase(), &Phase::Idle);
        assert_eq!(
            recorder.outcome("k"),
            Some(&Outcome::Refused("a session started.".to_owned()))
        );
        assert!(!store.clinic_recording("k").exists());
        assert_eq!(revision, VoiceRevision(0));
    }

    #[test]
    fn stopping_during_the_count_in_records_nothing() {
        let data = tempfile::tempdir().expect("temp dir");
        let store = VoiceStore::new(data.path(), data.path());
        let mut sound_in = SoundIn::from_source(WavSource::new("take.wav", spoken(1.0, -20.0)));
        let mut recorder = Recorder::default();
        let mut revision = VoiceRevision::default();
        recorder.record("k", &sound_in, false).expect("starts");
        recorder.advance(1.0, &mut sound_in, &store, &mut revision);
        assert_eq!(recorder.phase(), &Phase::CountIn(2.0));
        recorder.stop(&mut sound_in, &store, &mut revision);
        assert_eq!(recorder.phase(), &Phase::Idle);
        assert_eq!(recorder.outcome("k"), None);
        assert!(!store.clinic_recording("k").exists());
        assert_eq!(revision, VoiceRevision(0));
    }
}
