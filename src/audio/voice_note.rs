//! The voice-note recorder: while a voice-note step listens, it pulls the patient's voice
//! from [`SoundIn`], follows its level (for the visual that breathes with the voice), and
//! closes the take on a silence after speech, at the step's longest length, or when the
//! patient says they are done. The take goes to the runtime as a [`SessionAction`], which
//! saves it beside the record; without a microphone the runtime is told so at once.

use bevy::prelude::*;

use super::capture::{self, SoundIn};
use crate::AppSystems;
use crate::session::voice_note::{FRAME_SECS, is_speech};
use crate::session::{NoteRecording, SessionAction, SessionRuntime};
use crate::voice::shape::rms;
use crate::voice::wav::MonoSound;

/// The patient's voice level while a note records, 0 (quiet) to 1 (a clear voice), for the
/// calm visual that breathes with it.
#[derive(Resource, Debug, Default, Clone, Copy, PartialEq)]
pub struct VoiceLevel(pub f32);

/// RMS that shows as a full level: a clear voice close to a headset's microphone.
const FULL_LEVEL: f32 = 0.12;
/// How quickly the shown level follows the voice, per second (a gentle swell, no flicker).
const LEVEL_FOLLOW: f32 = 4.0;

/// Records voice notes from [`SoundIn`] (the default microphone unless something else put a
/// source there first: a WAV file for `simulate`, a test's).
pub fn plugin(app: &mut App) {
    capture::plugin(app);
    app.init_resource::<VoiceLevel>()
        .init_resource::<Recorder>()
        .add_systems(Update, record.in_set(AppSystems::Input));
}

/// The recording open now, if any.
#[derive(Resource, Default)]
struct Recorder {
    open: Option<OpenTake>,
}

struct OpenTake {
    /// The step and attempt it records.
    key: (usize, u32),
    /// Samples per second of what the source gives.
    rate: u32,
    /// Seconds the step's recording had been open when this take began.
    offset: f64,
    samples: Vec<f32>,
    /// Samples not yet judged speech or silence (less than a frame).
    judged: usize,
    heard_speech: bool,
    /// Seconds of silence since the last speech.
    silent_for: f64,
    /// The take is closed (or could not open): nothing more is sent for it.
    closed: bool,
}

impl OpenTake {
    fn new(key: (usize, u32), rate: u32, offset: f64) -> Self {
        Self {
            key,
            rate,
            offset,
            samples: Vec::new(),
            judged: 0,
            heard_speech: false,
            silent_for: 0.0,
            closed: false,
        }
    }

    /// Adds `samples` and judges each whole frame among them as speech or silence.
    fn hear(&mut self, samples: &[f32]) {
        self.samples.extend_from_slice(samples);
        let frame = ((f64::from(self.rate) * FRAME_SECS).round() as usize).max(1);
        while self.judged + frame <= self.samples.len() {
            let window = &self.samples[self.judged..self.judged + frame];
            if is_speech(window) {
                self.heard_speech = true;
                self.silent_for = 0.0;
            } else if self.heard_speech {
                self.silent_for += frame as f64 / f64::from(self.rate);
            }
            self.judged += frame;
        }
    }

    fn seconds(&self) -> f64 {
        self.samples.len() as f64 / f64::from(self.rate.max(1))
    }

    /// Whether the take is over: the patient is done, a silence after speech, or full length.
    fn is_over(&self, recording: &NoteRecording) -> bool {
        recording.stop_asked
            || (self.heard_speech && self.silent_for >= recording.silence_secs)
            || self.offset + self.seconds() >= recording.max_secs
    }
}

fn record(
    time: Res<Time>,
    runtime: Res<SessionRuntime>,
    sound_in: Option<ResMut<SoundIn>>,
    mut recorder: ResMut<Recorder>,
    mut shown: ResMut<VoiceLevel>,
    mut actions: MessageWriter<SessionAction>,
) {
    let recording = runtime.note_recording();
    let key = recording.map(|recording| (recording.step, recording.attempt));
    let mut sound_in = sound_in;
    if recorder.open.as_ref().map(|open| open.key) != key {
        // The step moved on, or a new attempt begins: whatever was open is let go.
        if recorder.open.take().is_some_and(|open| !open.closed)
            && let Some(source) = sound_in.as_mut().and_then(|sound_in| sound_in.source())
        {
            source.stop();
        }
        shown.0 = 0.0;
    }
    let Some(recording) = recording else {
        return;
    };
    if recorder.open.is_none() {
        recorder.open = Some(open_take(recording, sound_in.as_deref_mut(), &mut actions));
    }
    let Some(open) = recorder.open.as_mut().filter(|open| !open.closed) else {
        return;
    };
    let Some(source) = sound_in.as_mut().and_then(|sound_in| sound_in.source()) else {
        return;
    };
    let delta = time.delta_secs_f64();
    let samples = source.pull(delta);
    if !recording.running {
        // Paused: what the microphone hears meanwhile is not part of the note.
        shown.0 = 0.0;
        return;
    }
    open.hear(&samples);
    let target = (rms(&samples) / FULL_LEVEL).clamp(0.0, 1.0);
    let follow = (LEVEL_FOLLOW * delta as f32).clamp(0.0, 1.0);
    shown.0 += (target - shown.0) * follow;
    if !open.is_over(&recording) {
        return;
    }
    source.stop();
    open.closed = true;
    shown.0 = 0.0;
    if open.heard_speech {
        info!("voice note taken: {:.1} s before trimming", open.seconds());
        actions.write(SessionAction::VoiceNoteTaken(MonoSound {
            samples: std::mem::take(&mut open.samples),
            rate: open.rate,
        }));
    } else {
        actions.write(SessionAction::VoiceNoteMissed {
            reason: "nothing was said".to_owned(),
            no_microphone: false,
        });
    }
}

/// Starts the source for a new take, or tells the runtime why it cannot.
fn open_take(
    recording: NoteRecording,
    sound_in: Option<&mut SoundIn>,
    actions: &mut MessageWriter<SessionAction>,
) -> OpenTake {
    let key = (recording.step, recording.attempt);
    let started = match sound_in {
        None => Err("no sound input is set up".to_owned()),
        Some(sound_in) => {
            let missing = sound_in.describe();
            match sound_in.source() {
                None => Err(missing),
                Some(source) => source.start().map_err(|error| error.to_string()),
            }
        }
    };
    match started {
        Ok(rate) => OpenTake::new(key, rate, recording.into),
        Err(reason) => {
            actions.write(SessionAction::VoiceNoteMissed {
                reason: reason.trim_end_matches('.').to_owned(),
                no_microphone: true,
            });
            OpenTake {
                closed: true,
                ..OpenTake::new(key, 1, recording.into)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recording(max_secs: f64) -> NoteRecording {
        NoteRecording {
            step: 0,
            attempt: 0,
            max_secs,
            silence_secs: 1.0,
            stop_asked: false,
            running: true,
            into: 0.0,
        }
    }

    #[test]
    fn a_take_ends_on_silence_after_speech_not_before() {
        let mut take = OpenTake::new((0, 0), 1000, 0.0);
        take.hear(&[0.0; 3000]);
        assert!(
            !take.is_over(&recording(60.0)),
            "silence before speech waits"
        );
        take.hear(&[0.3; 500]);
        take.hear(&[0.0; 980]);
        assert!(!take.is_over(&recording(60.0)));
        take.hear(&[0.0; 20]);
        assert!(
            take.is_over(&recording(60.0)),
            "a second of silence after speech"
        );
        let mut quiet = OpenTake::new((0, 0), 1000, 0.0);
        quiet.hear(&[0.0; 10_000]);
        assert!(quiet.is_over(&recording(10.0)), "the longest length");
        // Reopened 7 s into the step's recording (after Calm): 3 s are left.
        let mut reopened = OpenTake::new((0, 0), 1000, 7.0);
        reopened.hear(&[0.0; 2_990]);
        assert!(!reopened.is_over(&recording(10.0)));
        reopened.hear(&[0.0; 10]);
        assert!(reopened.is_over(&recording(10.0)));
    }
}
