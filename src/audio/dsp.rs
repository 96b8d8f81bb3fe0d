//! Small, allocation-free building blocks for procedural sound: a seeded random source,
//! pink noise, one-pole and state-variable filters. Everything is deterministic, so an
//! exported session sounds the same every time.

use std::f32::consts::TAU;

/// A fast seeded random source (xorshift), so generated sound is repeatable.
#[derive(Clone, Debug)]
pub struct Random(u32);

impl Random {
    /// A source seeded with `seed` (0 is replaced by a fixed odd value).
    pub fn new(seed: u32) -> Self {
        Self(if seed == 0 { 0x9E37_79B9 } else { seed })
    }

    /// The next value, uniformly in 0..1.
    pub fn unit(&mut self) -> f32 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        self.0 = x;
        (x >> 8) as f32 / (1u32 << 24) as f32
    }

    /// The next value, uniformly in -1..1.
    pub fn signed(&mut self) -> f32 {
        self.unit() * 2.0 - 1.0
    }

    /// A value uniformly between `low` and `high`.
    pub fn between(&mut self, low: f32, high: f32) -> f32 {
        low + (high - low) * self.unit()
    }
}

/// Pink (1/f) noise from white noise, by Paul Kellet's economical filter; peaks below 1,
/// RMS about 0.2.
#[derive(Clone, Debug)]
pub struct PinkNoise {
    random: Random,
    b: [f32; 3],
}

impl PinkNoise {
    /// Pink noise seeded with `seed`.
    pub fn new(seed: u32) -> Self {
        Self {
            random: Random::new(seed),
            b: [0.0; 3],
        }
    }

    /// The next sample.
    pub fn sample(&mut self) -> f32 {
        let white = self.random.signed();
        self.b[0] = 0.99765 * self.b[0] + white * 0.099_046;
        self.b[1] = 0.96300 * self.b[1] + white * 0.296_516_4;
        self.b[2] = 0.57000 * self.b[2] + white * 1.052_691_3;
        (self.b[0] + self.b[1] + self.b[2] + white * 0.1848) * 0.12
    }
}

/// A one-pole low-pass filter: the gentlest smoothing there is.
#[derive(Clone, Debug, Default)]
pub struct OnePole {
    state: f32,
}

impl OnePole {
    /// Filters `input` with cutoff `hz` at `dt` seconds per sample.
    pub fn low_pass(&mut self, input: f32, hz: f32, dt: f32) -> f32 {
        let alpha = 1.0 - (-TAU * hz * dt).exp();
        self.state += alpha * (input - self.state);
        self.state
    }
}

/// A state-variable filter (Chamberlin form, run twice per sample for stability at high
/// cutoffs) giving low-pass and band-pass outputs.
#[derive(Clone, Debug, Default)]
pub struct StateVariable {
    low: f32,
    band: f32,
}

/// The outputs of [`StateVariable::process`].
#[derive(Clone, Copy, Debug)]
pub struct Filtered {
    /// Below the cutoff.
    pub low: f32,
    /// Around the cutoff.
    pub band: f32,
}

impl StateVariable {
    /// Filters `input` around `hz` with damping `damping` (0.1 resonant .. 2 very soft).
    pub fn process(&mut self, input: f32, hz: f32, damping: f32, dt: f32) -> Filtered {
        // Two half-steps keep the filter stable up to a quarter of the sample rate.
        let f = 2.0 * (std::f32::consts::PI * hz * dt * 0.5).sin();
        for _ in 0..2 {
            let high = input - self.low - damping * self.band;
            self.band += f * high;
            self.low += f * self.band;
        }
        Filtered {
            low: self.low,
            band: self.band,
        }
    }
}

/// A sine oscillator that keeps its phase when its frequency changes, so glides are smooth.
#[derive(Clone, Debug, Default)]
pub struct Sine {
    phase: f32,
}

impl Sine {
    /// A sine starting at `phase` turns (0..1).
    pub fn at_phase(phase: f32) -> Self {
        Self { phase }
    }

    /// The next sample at `hz`.
    pub fn next(&mut self, hz: f32, dt: f32) -> f32 {
        let value = (self.phase * TAU).sin();
        self.phase = (self.phase + hz * dt).fract();
        value
    }
}

/// A slow wobble: 0..1, the sum of two incommensurate sines so it never repeats exactly.
pub fn drift(t: f32, hz: f32, offset: f32) -> f32 {
    let a = (TAU * hz * t + offset).sin();
    let b = (TAU * hz * 0.618 * t + offset * 1.7).sin();
    0.5 + 0.25 * (a + b)
}

/// A smooth swell between 0 and 1 over `t` in 0..1 (raised cosine).
pub fn swell(t: f32) -> f32 {
    0.5 - 0.5 * (std::f32::consts::PI * t.clamp(0.0, 1.0)).cos()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_is_repeatable_and_in_range() {
        let mut a = Random::new(7);
        let mut b = Random::new(7);
        for _ in 0..10_000 {
            let value = a.unit();
            assert_eq!(value, b.unit());
            assert!((0.0..1.0).contains(&value));
        }
    }

    #[test]
    fn pink_noise_stays_within_bounds_and_is_centred() {
        let mut noise = PinkNoise::new(3);
        let samples: Vec<f32> = (0..200_000).map(|_| noise.sample()).collect();
        let peak = samples.iter().fold(0.0f32, |peak, s| peak.max(s.abs()));
        let mean = samples.iter().sum::<f32>() / samples.len() as f32;
        assert!(peak < 1.0, "peak {peak}");
        assert!(mean.abs() < 0.05, "mean {mean}");
    }

    #[test]
    fn low_pass_passes_slow_signals_and_stops_fast_ones() {
        let dt = 1.0 / 48_000.0;
        let amplitude = |hz: f32| {
            let mut filter = StateVariable::default();
            let mut sine = Sine::default();
            let mut peak = 0.0f32;
            for i in 0..48_000 {
                let out = filter.process(sine.next(hz, dt), 500.0, 1.4, dt).low;
                if i > 24_000 {
                    peak = peak.max(out.abs());
                }
            }
            peak
        };
        assert!(amplitude(50.0) > 0.9, "{}", amplitude(50.0));
        assert!(amplitude(8_000.0) < 0.02, "{}", amplitude(8_000.0));
    }
}
