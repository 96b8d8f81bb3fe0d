//! The ambient soundscapes named by sessions and scenes, synthesized as they play: endless,
//! never looping, so there is no seam to hear. Each is quiet by design (peaks well below
//! full scale) so narration always sits clearly on top.

use std::f32::consts::TAU;

use kira::Frame;

use super::dsp::{OnePole, PinkNoise, Random, Sine, StateVariable, drift, swell};
use super::open_air::{MeadowInTheAfternoon, ShoreAtDawn};
use super::synth::Generator;
use crate::catalog::SAFE_PLACE;

/// The generator for a soundscape preset; `None` for "silence" or an unknown name.
pub fn soundscape(id: &str) -> Option<Box<dyn Generator>> {
    Some(match id {
        "lake-dusk" => Box::new(LakeAtDusk::new()),
        "soft-rain" => Box::new(SoftRain::new()),
        "warm-drone" => Box::new(WarmDrone::new()),
        "shore-dawn" => Box::new(ShoreAtDawn::new()),
        "meadow-afternoon" => Box::new(MeadowInTheAfternoon::new()),
        SAFE_PLACE => Box::new(SafePlace::new()),
        _ => return None,
    })
}

/// Water lapping at a still shore and a faint evening breeze.
struct LakeAtDusk {
    t: f32,
    water: [PinkNoise; 2],
    water_filter: [StateVariable; 2],
    air: [PinkNoise; 2],
    air_filter: [OnePole; 2],
}

impl LakeAtDusk {
    fn new() -> Self {
        Self {
            t: 0.0,
            water: [PinkNoise::new(11), PinkNoise::new(12)],
            water_filter: Default::default(),
            air: [PinkNoise::new(13), PinkNoise::new(14)],
            air_filter: Default::default(),
        }
    }
}

impl Generator for LakeAtDusk {
    fn next(&mut self, dt: f32) -> Frame {
        self.t += dt;
        let t = self.t;
        let mut out = [0.0; 2];
        for (side, sample) in out.iter_mut().enumerate() {
            // Small waves arrive every few seconds, a little apart on each side.
            let shift = side as f32 * 0.9;
            let wave = 0.5 + 0.5 * (TAU * 0.23 * t + shift + 0.9 * (TAU * 0.057 * t).sin()).sin();
            let lap = wave * wave * wave;
            let cutoff = 260.0 + 620.0 * lap;
            let water = self.water_filter[side]
                .process(self.water[side].sample(), cutoff, 1.2, dt)
                .low;
            let breeze = 0.55 + 0.45 * drift(t, 0.031, shift);
            let air = self.air_filter[side].low_pass(self.air[side].sample(), 170.0, dt);
            *sample = water * (0.18 + 0.62 * lap) * 0.5 + air * breeze * 0.35;
        }
        Frame::new(out[0], out[1])
    }
}

/// One raindrop: a tiny filtered tick that dies away.
#[derive(Clone, Default)]
struct Drop {
    filter: StateVariable,
    pitch: f32,
    level: f32,
    decay: f32,
    pan: f32,
    age: f32,
    active: bool,
}

/// Light, even rain: a soft hiss with sparse near drops.
struct SoftRain {
    hiss: [PinkNoise; 2],
    hiss_filter: [StateVariable; 2],
    rumble: PinkNoise,
    rumble_filter: OnePole,
    drops: [Drop; 12],
    random: Random,
    tick_noise: Random,
    t: f32,
}

impl SoftRain {
    /// Drops a second, on average.
    const DROP_RATE: f32 = 28.0;

    fn new() -> Self {
        Self {
            hiss: [PinkNoise::new(21), PinkNoise::new(22)],
            hiss_filter: Default::default(),
            rumble: PinkNoise::new(23),
            rumble_filter: OnePole::default(),
            drops: Default::default(),
            random: Random::new(24),
            tick_noise: Random::new(25),
            t: 0.0,
        }
    }
}

impl Generator for SoftRain {
    fn next(&mut self, dt: f32) -> Frame {
        self.t += dt;
        if self.random.unit() < Self::DROP_RATE * dt
            && let Some(drop) = self.drops.iter_mut().find(|drop| !drop.active)
        {
            *drop = Drop {
                filter: StateVariable::default(),
                pitch: self.random.between(1_400.0, 4_800.0),
                level: self.random.between(0.08, 0.45),
                decay: self.random.between(0.006, 0.022),
                pan: self.random.unit(),
                age: 0.0,
                active: true,
            };
        }
        let swell_now = 0.8 + 0.2 * drift(self.t, 0.021, 0.4);
        let mut out = [0.0; 2];
        for (side, sample) in out.iter_mut().enumerate() {
            let hiss = self.hiss_filter[side]
                .process(self.hiss[side].sample(), 2_600.0, 1.1, dt)
                .band;
            *sample = hiss * 0.22 * swell_now;
        }
        let rumble = self.rumble_filter.low_pass(self.rumble.sample(), 220.0, dt) * 0.3;
        out[0] += rumble;
        out[1] += rumble;
        for drop in self.drops.iter_mut().filter(|drop| drop.active) {
            let envelope = (-drop.age / drop.decay).exp() * (drop.age / 0.001).min(1.0);
            let tick = drop
                .filter
                .process(self.tick_noise.signed(), drop.pitch, 0.5, dt)
                .band;
            let value = tick * envelope * drop.level * 0.25;
            out[0] += value * (1.0 - drop.pan);
            out[1] += value * drop.pan;
            drop.age += dt;
            drop.active = drop.age < drop.decay * 8.0;
        }
        Frame::new(out[0] * 0.6, out[1] * 0.6)
    }
}

/// A singing bowl: inharmonic partials that ring and slowly die away.
struct Bowl {
    partials: [Sine; 3],
    beating: [Sine; 3],
    age: f32,
    ringing: bool,
}

impl Bowl {
    const FUNDAMENTAL: f32 = 261.6;
    const RATIOS: [f32; 3] = [1.0, 2.76, 5.40];
    const LEVELS: [f32; 3] = [1.0, 0.42, 0.16];
    const DECAYS: [f32; 3] = [11.0, 6.0, 3.0];

    fn next(&mut self, dt: f32) -> f32 {
        if !self.ringing {
            return 0.0;
        }
        self.age += dt;
        // A soft mallet: 40 ms to full, never a click.
        let attack = swell((self.age / 0.04).min(1.0));
        let mut value = 0.0;
        for i in 0..3 {
            let hz = Self::FUNDAMENTAL * Self::RATIOS[i];
            let envelope = (-self.age / Self::DECAYS[i]).exp();
            let tone = self.partials[i].next(hz, dt) + self.beating[i].next(hz + 0.7, dt);
            value += 0.5 * tone * Self::LEVELS[i] * envelope;
        }
        self.ringing = self.age < Self::DECAYS[0] * 6.0;
        value * attack
    }
}

/// A slow warm drone with an occasional singing bowl.
struct WarmDrone {
    t: f32,
    voices: [Sine; 6],
    bowl: Bowl,
    next_strike: f32,
    random: Random,
}

impl WarmDrone {
    /// The drone's partials: frequency, level and stereo position.
    const VOICES: [(f32, f32, f32); 6] = [
        (110.0, 0.50, 0.45),
        (110.35, 0.40, 0.55),
        (164.8, 0.24, 0.30),
        (220.25, 0.16, 0.70),
        (277.2, 0.07, 0.40),
        (329.6, 0.05, 0.60),
    ];

    fn new() -> Self {
        Self {
            t: 0.0,
            voices: Default::default(),
            bowl: Bowl {
                partials: Default::default(),
                beating: Default::default(),
                age: 0.0,
                ringing: false,
            },
            next_strike: 12.0,
            random: Random::new(31),
        }
    }
}

impl Generator for WarmDrone {
    fn next(&mut self, dt: f32) -> Frame {
        self.t += dt;
        let mut out = [0.0; 2];
        for (index, (voice, (hz, level, pan))) in
            self.voices.iter_mut().zip(Self::VOICES).enumerate()
        {
            let breathe = 0.6 + 0.4 * drift(self.t, 0.043 + index as f32 * 0.011, index as f32);
            let value = voice.next(hz, dt) * level * breathe;
            out[0] += value * (1.0 - pan);
            out[1] += value * pan;
        }
        if self.t >= self.next_strike {
            self.bowl.age = 0.0;
            self.bowl.ringing = true;
            self.next_strike = self.t + self.random.between(25.0, 45.0);
        }
        let bowl = self.bowl.next(dt) * 0.45;
        Frame::new((out[0] + bowl) * 0.28, (out[1] + bowl) * 0.28)
    }
}

/// The safe place: a soft, even major pad and a little warm air, nothing that moves fast.
struct SafePlace {
    t: f32,
    voices: [Sine; 5],
    air: PinkNoise,
    air_filter: OnePole,
}

impl SafePlace {
    const VOICES: [(f32, f32, f32); 5] = [
        (130.8, 0.40, 0.50),
        (196.0, 0.30, 0.35),
        (196.4, 0.22, 0.65),
        (261.6, 0.20, 0.45),
        (329.6, 0.12, 0.55),
    ];

    fn new() -> Self {
        Self {
            t: 0.0,
            voices: Default::default(),
            air: PinkNoise::new(41),
            air_filter: OnePole::default(),
        }
    }
}

impl Generator for SafePlace {
    fn next(&mut self, dt: f32) -> Frame {
        self.t += dt;
        let mut out = [0.0; 2];
        for (index, (voice, (hz, level, pan))) in
            self.voices.iter_mut().zip(Self::VOICES).enumerate()
        {
            let swell_now = 0.7 + 0.3 * drift(self.t, 0.037 + index as f32 * 0.009, index as f32);
            let value = voice.next(hz, dt) * level * swell_now;
            out[0] += value * (1.0 - pan);
            out[1] += value * pan;
        }
        let air = self.air_filter.low_pass(self.air.sample(), 380.0, dt) * 0.25;
        Frame::new((out[0] + air) * 0.3, (out[1] + air) * 0.3)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::SOUNDSCAPES;

    const RATE: f32 = 48_000.0;

    fn render(id: &str, secs: f32) -> Vec<Frame> {
        let mut generator = soundscape(id).expect("a soundscape");
        (0..(secs * RATE) as usize)
            .map(|_| generator.next(1.0 / RATE))
            .collect()
    }

    #[test]
    fn every_named_soundscape_but_silence_has_a_sound() {
        for preset in SOUNDSCAPES {
            assert_eq!(
                soundscape(preset.id).is_some(),
                preset.id != "silence",
                "{}",
                preset.id
            );
        }
    }

    #[test]
    fn soundscapes_are_audible_quiet_and_smooth() {
        for id in [
            "lake-dusk",
            "soft-rain",
            "warm-drone",
            "shore-dawn",
            "meadow-afternoon",
            SAFE_PLACE,
        ] {
            // Long enough for the drone's first bowl strike at 12 s.
            let frames = render(id, 16.0);
            let samples: Vec<f32> = frames.iter().flat_map(|f| [f.left, f.right]).collect();
            let peak = samples.iter().fold(0.0f32, |p, s| p.max(s.abs()));
            let rms = (samples.iter().map(|s| s * s).sum::<f32>() / samples.len() as f32).sqrt();
            assert!(rms > 0.01, "{id} is too faint: rms {rms}");
            assert!(peak < 0.5, "{id} peaks at {peak}");
            // No clicks: no sample-to-sample step anywhere near the sound's own scale.
            let largest_step = frames
                .windows(2)
                .map(|w| (w[1].left - w[0].left).abs())
                .fold(0.0f32, f32::max);
            assert!(largest_step < 0.25, "{id} jumps by {largest_step}");
        }
    }
}
