//! The open-air soundscapes: a shore at dawn and a meadow in the afternoon. Like the others
//! they are synthesized as they play, from seeded noise, so they never loop and sound the
//! same every time; every event in them (a wave, a gull, a bird's phrase) swells in and
//! dies away over tens of milliseconds at least, so nothing clicks or startles.

use kira::Frame;

use super::dsp::{OnePole, PinkNoise, Random, Sine, StateVariable, drift, swell};
use super::synth::Generator;

/// One wave coming in: it builds, breaks softly and washes back up the sand.
#[derive(Clone, Debug, Default)]
struct Wave {
    /// Seconds since it began to build.
    age: f32,
    /// How long it builds before it breaks.
    build: f32,
    /// How quickly its wash dies away (seconds to fall to a third).
    wash: f32,
    /// How big it is, 0..1.
    size: f32,
    active: bool,
}

impl Wave {
    /// The wave's loudness now, 0..1: a raised-cosine build, then an exponential wash.
    fn envelope(&self) -> f32 {
        if !self.active {
            return 0.0;
        }
        let level = if self.age < self.build {
            swell(self.age / self.build)
        } else {
            (-(self.age - self.build) / self.wash).exp()
        };
        level * self.size
    }

    /// How far into its wash it is, 0 while it builds: the foam's hiss follows the wash.
    fn foam(&self) -> f32 {
        if !self.active || self.age < self.build {
            return 0.0;
        }
        let since = self.age - self.build;
        swell((since / 0.8).min(1.0)) * (-since / (self.wash * 0.7)).exp() * self.size
    }
}

/// A distant gull: a short falling call, heard two or three times, far away.
#[derive(Clone, Debug, Default)]
struct Gull {
    voice: Sine,
    overtone: Sine,
    /// Seconds into the current call.
    age: f32,
    /// Calls still to come in this group, the current one included.
    calls_left: u32,
    /// Seconds until the next call of the group begins, after the current one.
    pause: f32,
    pitch: f32,
    pan: f32,
    level: f32,
}

impl Gull {
    /// A call's length in seconds.
    const CALL: f32 = 0.42;

    fn next(&mut self, dt: f32) -> f32 {
        if self.calls_left == 0 {
            return 0.0;
        }
        self.age += dt;
        if self.age >= Self::CALL + self.pause {
            self.age = 0.0;
            self.calls_left -= 1;
            self.pitch *= 0.97;
            return 0.0;
        }
        if self.age >= Self::CALL {
            return 0.0;
        }
        let x = self.age / Self::CALL;
        // Rises a little, then falls away: "kee-ow", softly opened and closed.
        let hz = self.pitch * (1.0 + 0.12 * (x * 6.0).min(1.0) - 0.38 * x * x);
        let envelope = swell((x / 0.25).min(1.0)) * swell(((1.0 - x) / 0.45).min(1.0));
        let tone = self.voice.next(hz, dt) + 0.35 * self.overtone.next(hz * 2.0, dt);
        tone * envelope * self.level
    }
}

/// Slow waves breaking softly on a beach at dawn, a little wind, and now and then a gull
/// far off along the shore.
pub(super) struct ShoreAtDawn {
    t: f32,
    waves: [Wave; 2],
    next_wave: f32,
    surf: [PinkNoise; 2],
    surf_filter: [StateVariable; 2],
    foam: [Random; 2],
    foam_filter: [StateVariable; 2],
    sea: [PinkNoise; 2],
    sea_filter: [OnePole; 2],
    wind: [PinkNoise; 2],
    wind_filter: [OnePole; 2],
    gull: Gull,
    gull_filter: OnePole,
    next_gull: f32,
    random: Random,
}

impl ShoreAtDawn {
    /// The shortest and longest time from one wave to the next, in seconds.
    const WAVE_PERIOD: (f32, f32) = (9.0, 11.0);
    /// The shortest and longest time between two groups of gull calls, in seconds.
    const GULL_PAUSE: (f32, f32) = (50.0, 110.0);
    /// The whole shore's level, in line with the other soundscapes.
    const LEVEL: f32 = 0.72;

    /// The shore from its first wave, which begins to build at once.
    pub(super) fn new() -> Self {
        Self {
            t: 0.0,
            waves: Default::default(),
            next_wave: 0.0,
            surf: [PinkNoise::new(51), PinkNoise::new(52)],
            surf_filter: Default::default(),
            foam: [Random::new(53), Random::new(54)],
            foam_filter: Default::default(),
            sea: [PinkNoise::new(55), PinkNoise::new(56)],
            sea_filter: Default::default(),
            wind: [PinkNoise::new(57), PinkNoise::new(58)],
            wind_filter: Default::default(),
            gull: Gull::default(),
            gull_filter: OnePole::default(),
            next_gull: 35.0,
            random: Random::new(59),
        }
    }

    /// Starts the next wave in the slot whose wave has washed away, and plans the one after.
    fn start_wave(&mut self) {
        let build = self.random.between(2.4, 3.2);
        let wash = self.random.between(1.8, 2.4);
        let size = self.random.between(0.8, 1.0);
        let slot = if self.waves[0].envelope() <= self.waves[1].envelope() {
            0
        } else {
            1
        };
        self.waves[slot] = Wave {
            age: 0.0,
            build,
            wash,
            size,
            active: true,
        };
        let (shortest, longest) = Self::WAVE_PERIOD;
        self.next_wave = self.t + self.random.between(shortest, longest);
    }

    /// Starts a group of two or three gull calls, and plans the next group.
    fn start_gull(&mut self) {
        self.gull.calls_left = 2 + u32::from(self.random.unit() < 0.5);
        self.gull.age = 0.0;
        self.gull.pause = self.random.between(0.35, 0.7);
        self.gull.pitch = self.random.between(1_150.0, 1_400.0);
        self.gull.pan = self.random.between(0.15, 0.85);
        self.gull.level = self.random.between(0.010, 0.016);
        let (shortest, longest) = Self::GULL_PAUSE;
        self.next_gull = self.t + self.random.between(shortest, longest);
    }
}

impl Generator for ShoreAtDawn {
    fn next(&mut self, dt: f32) -> Frame {
        if self.t >= self.next_wave {
            self.start_wave();
        }
        if self.t >= self.next_gull {
            self.start_gull();
        }
        self.t += dt;
        let t = self.t;
        for wave in &mut self.waves {
            wave.age += dt;
            wave.active = wave.age < wave.build + wave.wash * 8.0;
        }
        let swell_now: f32 = self.waves.iter().map(Wave::envelope).sum();
        let foam_now: f32 = self.waves.iter().map(Wave::foam).sum();
        // A distant gull, softened by the air between.
        let gull = self.gull_filter.low_pass(self.gull.next(dt), 2_200.0, dt);
        let mut out = [0.0; 2];
        for (side, sample) in out.iter_mut().enumerate() {
            let cutoff = 280.0 + 1_100.0 * swell_now.min(1.2);
            let surf = self.surf_filter[side]
                .process(self.surf[side].sample(), cutoff, 1.3, dt)
                .low;
            let foam = self.foam_filter[side]
                .process(self.foam[side].signed(), 3_200.0, 1.6, dt)
                .band;
            let sea = self.sea_filter[side].low_pass(self.sea[side].sample(), 140.0, dt);
            let gust = 0.5 + 0.5 * drift(t, 0.027, side as f32 * 1.3);
            let wind = self.wind_filter[side].low_pass(self.wind[side].sample(), 450.0, dt);
            let pan = if side == 0 {
                1.0 - self.gull.pan
            } else {
                self.gull.pan
            };
            *sample = surf * (0.06 + 0.5 * swell_now)
                + foam * foam_now * 0.05
                + sea * 0.5
                + wind * gust * 0.22
                + gull * pan;
        }
        Frame::new(out[0] * Self::LEVEL, out[1] * Self::LEVEL)
    }
}

/// One distant bird: a short phrase of a few falling or rising notes, then quiet.
#[derive(Clone, Debug, Default)]
struct Bird {
    voice: Sine,
    /// Seconds into the current note (or the gap after it).
    age: f32,
    note: f32,
    gap: f32,
    notes_left: u32,
    from_hz: f32,
    to_hz: f32,
    level: f32,
    pan: f32,
}

impl Bird {
    fn next(&mut self, random: &mut Random, dt: f32) -> f32 {
        if self.notes_left == 0 {
            return 0.0;
        }
        self.age += dt;
        if self.age >= self.note + self.gap {
            self.notes_left -= 1;
            self.age = 0.0;
            self.note = random.between(0.07, 0.16);
            self.gap = random.between(0.06, 0.16);
            let step = random.between(0.88, 1.1);
            self.from_hz = (self.from_hz * step).clamp(2_200.0, 4_600.0);
            self.to_hz = self.from_hz * random.between(0.85, 1.15);
            return 0.0;
        }
        if self.age >= self.note {
            return 0.0;
        }
        let x = self.age / self.note;
        let hz = self.from_hz + (self.to_hz - self.from_hz) * x;
        let envelope = swell((x / 0.35).min(1.0)) * swell(((1.0 - x) / 0.45).min(1.0));
        self.voice.next(hz, dt) * envelope * self.level
    }
}

/// A meadow in the afternoon: a warm breeze in the grass, birds singing in the distance and
/// insects low in the warm air.
pub(super) struct MeadowInTheAfternoon {
    t: f32,
    grass: [PinkNoise; 2],
    grass_filter: [StateVariable; 2],
    air: [PinkNoise; 2],
    air_filter: [OnePole; 2],
    insects: [Random; 2],
    insect_filter: [StateVariable; 2],
    birds: [Bird; 2],
    bird_filter: [OnePole; 2],
    next_phrase: f32,
    random: Random,
}

impl MeadowInTheAfternoon {
    /// The shortest and longest time between two birds' phrases, in seconds.
    const PHRASE_PAUSE: (f32, f32) = (3.5, 10.0);
    /// The whole meadow's level, in line with the other soundscapes.
    const LEVEL: f32 = 1.5;

    /// The meadow, its first bird a few seconds in.
    pub(super) fn new() -> Self {
        Self {
            t: 0.0,
            grass: [PinkNoise::new(61), PinkNoise::new(62)],
            grass_filter: Default::default(),
            air: [PinkNoise::new(63), PinkNoise::new(64)],
            air_filter: Default::default(),
            insects: [Random::new(65), Random::new(66)],
            insect_filter: Default::default(),
            birds: Default::default(),
            bird_filter: Default::default(),
            next_phrase: 4.0,
            random: Random::new(67),
        }
    }

    /// One of the birds (whichever is quiet) begins a phrase; the next is planned.
    fn start_phrase(&mut self) {
        if let Some(bird) = self.birds.iter_mut().find(|bird| bird.notes_left == 0) {
            bird.notes_left = 2 + (self.random.unit() * 4.0) as u32;
            bird.age = 0.0;
            bird.note = self.random.between(0.07, 0.16);
            bird.gap = self.random.between(0.06, 0.16);
            bird.from_hz = self.random.between(2_500.0, 4_000.0);
            bird.to_hz = bird.from_hz * self.random.between(0.85, 1.15);
            bird.level = self.random.between(0.006, 0.013);
            bird.pan = self.random.between(0.1, 0.9);
        }
        let (shortest, longest) = Self::PHRASE_PAUSE;
        self.next_phrase = self.t + self.random.between(shortest, longest);
    }
}

impl Generator for MeadowInTheAfternoon {
    fn next(&mut self, dt: f32) -> Frame {
        if self.t >= self.next_phrase {
            self.start_phrase();
        }
        self.t += dt;
        let t = self.t;
        let mut birds = [0.0f32; 2];
        for bird in &mut self.birds {
            let song = bird.next(&mut self.random, dt);
            birds[0] += song * (1.0 - bird.pan);
            birds[1] += song * bird.pan;
        }
        let hum = 0.7 + 0.3 * drift(t, 0.019, 2.1);
        let mut out = [0.0; 2];
        for (side, sample) in out.iter_mut().enumerate() {
            // Gusts come and go over ten to twenty seconds, a little apart on each side.
            let gust = drift(t, 0.06, side as f32 * 0.8);
            let rustle_level = 0.25 + 0.75 * gust * gust;
            let grass = self.grass_filter[side]
                .process(self.grass[side].sample(), 1_900.0, 1.5, dt)
                .band;
            let air = self.air_filter[side].low_pass(self.air[side].sample(), 260.0, dt);
            let insects = self.insect_filter[side]
                .process(self.insects[side].signed(), 4_300.0, 0.25, dt)
                .band;
            let distant_birds = self.bird_filter[side].low_pass(birds[side], 5_000.0, dt);
            *sample = grass * rustle_level * 0.5
                + air * (0.5 + 0.5 * gust) * 0.3
                + insects * hum * 0.012
                + distant_birds;
        }
        Frame::new(out[0] * Self::LEVEL, out[1] * Self::LEVEL)
    }
}
