//! Procedural sounds played through kira: a [`Generator`] makes samples, [`Synth`] wraps it
//! as a kira sound with a gain that the app fades from outside the audio thread.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};

use kira::Frame;
use kira::info::Info;
use kira::sound::{Sound, SoundData};

/// Makes sound, one stereo frame at a time.
pub trait Generator: Send {
    /// The next frame, `dt` seconds after the last.
    fn next(&mut self, dt: f32) -> Frame;

    /// Whether the generator has nothing more to play (endless ones never finish).
    fn finished(&self) -> bool {
        false
    }
}

impl<G: Generator + ?Sized> Generator for Box<G> {
    fn next(&mut self, dt: f32) -> Frame {
        (**self).next(dt)
    }

    fn finished(&self) -> bool {
        (**self).finished()
    }
}

/// The gain a [`Synth`] is heading for, shared between the app and the audio thread.
#[derive(Debug)]
struct Control {
    /// Target gain, as `f32` bits.
    target: AtomicU32,
    /// Seconds a full 0→1 change takes, as `f32` bits.
    fade_secs: AtomicU32,
    /// Finish once the gain reaches 0.
    stopping: AtomicBool,
}

/// Fades a playing [`Synth`] from the app.
#[derive(Debug, Clone)]
pub struct SynthHandle(Arc<Control>);

impl SynthHandle {
    /// Fades the gain to `gain` over `secs` (for a full 0→1 change).
    pub fn fade_to(&self, gain: f32, secs: f32) {
        self.0
            .fade_secs
            .store(secs.max(0.0).to_bits(), Ordering::Relaxed);
        self.0
            .target
            .store(gain.max(0.0).to_bits(), Ordering::Relaxed);
    }

    /// Fades out over `secs`, then the sound ends.
    pub fn stop(&self, secs: f32) {
        self.fade_to(0.0, secs);
        self.0.stopping.store(true, Ordering::Relaxed);
    }
}

/// A generator ready to play: fades in from silence to `gain` over `fade_in_secs`.
pub struct Synth {
    generator: Box<dyn Generator>,
    gain: f32,
    control: Arc<Control>,
}

impl Synth {
    /// Plays `generator`, fading in to `gain` over `fade_in_secs`.
    pub fn new(generator: impl Generator + 'static, gain: f32, fade_in_secs: f32) -> Self {
        Self {
            generator: Box::new(generator),
            gain: 0.0,
            control: Arc::new(Control {
                target: AtomicU32::new(gain.to_bits()),
                fade_secs: AtomicU32::new(fade_in_secs.to_bits()),
                stopping: AtomicBool::new(false),
            }),
        }
    }
}

impl SoundData for Synth {
    type Error = std::convert::Infallible;
    type Handle = SynthHandle;

    fn into_sound(self) -> Result<(Box<dyn Sound>, Self::Handle), Self::Error> {
        let handle = SynthHandle(self.control.clone());
        Ok((Box::new(self), handle))
    }
}

impl Synth {
    /// Fills `out` with the generator's frames at the fading gain.
    fn fill(&mut self, out: &mut [Frame], dt: f32) {
        let target = f32::from_bits(self.control.target.load(Ordering::Relaxed));
        let fade = f32::from_bits(self.control.fade_secs.load(Ordering::Relaxed));
        let step = if fade > 0.0 { dt / fade } else { f32::INFINITY };
        for frame in out {
            self.gain = crate::easing::approach(self.gain, target, step);
            *frame = self.generator.next(dt) * self.gain;
        }
    }
}

impl Sound for Synth {
    fn process(&mut self, out: &mut [Frame], dt: f64, _info: &Info) {
        self.fill(out, dt as f32);
    }

    fn finished(&self) -> bool {
        let faded = self.gain <= 0.0 && self.control.stopping.load(Ordering::Relaxed);
        faded || self.generator.finished()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Ones;

    impl Generator for Ones {
        fn next(&mut self, _dt: f32) -> Frame {
            Frame::from_mono(1.0)
        }
    }

    fn render(synth: &mut Synth, frames: usize) -> Vec<f32> {
        let mut out = vec![Frame::ZERO; frames];
        synth.fill(&mut out, 1.0 / 1000.0);
        out.iter().map(|frame| frame.left).collect()
    }

    #[test]
    fn fades_in_without_a_jump_and_stops_after_fading_out() {
        let mut synth = Synth::new(Ones, 0.5, 1.0);
        let handle = SynthHandle(synth.control.clone());
        let samples = render(&mut synth, 2000);
        assert!(samples[0] <= 0.001, "starts silent: {}", samples[0]);
        assert!(
            (samples[499] - 0.5).abs() < 0.002,
            "reaches its gain after 0.5 s at 1/s"
        );
        assert!(samples.windows(2).all(|w| (w[1] - w[0]).abs() <= 0.0011));
        handle.stop(0.5);
        assert!(!synth.finished());
        let samples = render(&mut synth, 400);
        assert!(samples[399] <= 0.0 && synth.finished());
    }
}
