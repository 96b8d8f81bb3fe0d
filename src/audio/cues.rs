//! Breathing cues: a soft tone that rises in pitch and swells through the in-breath, and
//! one that falls and fades through the out-breath. Holds are silent. Each tone lasts
//! exactly its part of the breath, so the sound follows the pacer.

use kira::Frame;

use super::dsp::{Sine, swell};
use super::synth::Generator;

/// The lowest note of the cue (G3); the tone glides a major third above it.
const BASE_HZ: f32 = 196.0;
/// The glide, in semitones.
const GLIDE_SEMITONES: f32 = 4.0;
/// The tone's level before the cue bus's volume.
const LEVEL: f32 = 0.2;
/// Seconds over which the tone opens and closes at its ends, so nothing clicks.
const EDGE_SECS: f32 = 0.12;

/// Which way a cue goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CueDirection {
    /// In-breath: rising and swelling.
    Rising,
    /// Out-breath: falling and fading.
    Falling,
}

/// One breathing cue tone.
pub struct BreathTone {
    direction: CueDirection,
    length: f32,
    t: f32,
    partials: [Sine; 3],
}

impl BreathTone {
    /// A tone `length` seconds long, starting `offset` seconds in (when joining mid-breath).
    pub fn new(direction: CueDirection, length: f32, offset: f32) -> Self {
        Self {
            direction,
            length: length.max(EDGE_SECS * 2.0),
            t: offset.max(0.0),
            partials: [Sine::default(), Sine::at_phase(0.25), Sine::at_phase(0.5)],
        }
    }

    /// The tone's loudness `t` seconds in, 0..1.
    fn envelope(&self, t: f32) -> f32 {
        let progress = t / self.length;
        let shape = match self.direction {
            CueDirection::Rising => swell(progress),
            CueDirection::Falling => 1.0 - swell(progress),
        };
        // The release before a hold or a turn of the breath is a little longer than the
        // opening, so the breath's turn is heard as a soft gap.
        let opening = (t / EDGE_SECS).min(1.0);
        let closing = ((self.length - t) / (EDGE_SECS * 2.5)).clamp(0.0, 1.0);
        shape * swell(opening) * swell(closing)
    }

    /// The pitch `t` seconds in.
    fn pitch(&self, t: f32) -> f32 {
        let progress = (t / self.length).clamp(0.0, 1.0);
        let glide = match self.direction {
            CueDirection::Rising => progress,
            CueDirection::Falling => 1.0 - progress,
        };
        BASE_HZ * 2f32.powf(glide * GLIDE_SEMITONES / 12.0)
    }
}

impl Generator for BreathTone {
    fn next(&mut self, dt: f32) -> Frame {
        if self.t >= self.length {
            return Frame::ZERO;
        }
        let hz = self.pitch(self.t);
        let tone = self.partials[0].next(hz, dt)
            + 0.22 * self.partials[1].next(hz * 2.0, dt)
            + 0.06 * self.partials[2].next(hz * 3.0, dt);
        let value = tone * self.envelope(self.t) * LEVEL;
        self.t += dt;
        Frame::from_mono(value)
    }

    fn finished(&self) -> bool {
        self.t >= self.length
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loudness_by_second(direction: CueDirection, length: f32) -> Vec<f32> {
        let rate = 48_000.0;
        let mut tone = BreathTone::new(direction, length, 0.0);
        let samples: Vec<f32> = (0..(length * rate) as usize + 100)
            .map(|_| tone.next(1.0 / rate).left)
            .collect();
        samples
            .chunks(rate as usize)
            .map(|chunk| (chunk.iter().map(|s| s * s).sum::<f32>() / chunk.len() as f32).sqrt())
            .collect()
    }

    #[test]
    fn the_in_breath_swells_and_the_out_breath_fades() {
        let rising = loudness_by_second(CueDirection::Rising, 5.0);
        assert!(rising[0] < rising[2] && rising[2] < rising[4], "{rising:?}");
        let falling = loudness_by_second(CueDirection::Falling, 5.0);
        assert!(
            falling[0] > falling[2] && falling[2] > falling[4],
            "{falling:?}"
        );
    }

    #[test]
    fn tones_glide_a_third_and_end_in_silence() {
        let tone = BreathTone::new(CueDirection::Rising, 4.0, 0.0);
        assert!((tone.pitch(0.0) - BASE_HZ).abs() < 0.01);
        assert!((tone.pitch(4.0) / BASE_HZ - 1.26).abs() < 0.01);
        assert_eq!(tone.envelope(0.0), 0.0);
        assert_eq!(tone.envelope(4.0), 0.0);
        let mut tone = BreathTone::new(CueDirection::Falling, 4.0, 3.9);
        for _ in 0..10_000 {
            tone.next(1.0 / 48_000.0);
        }
        assert!(tone.finished());
    }
}
