//! The scene's own motion, drawn by its shader (`assets/shaders/scene.wgsl`): a breeze that
//! sways crowns, grass and reeds; slow waves that lift the water and wash foam up a shore;
//! a slow twinkle of the brightest stars. Each is set by a look and applied per vertex,
//! weighted by the vertex's [`MotionWeights`], from one global clock: no system moves them.
//!
//! The functions here are the shader's formulas written again in Rust, so that the comfort
//! guard (`comfort::motion_violations`) can measure each motion. Change one, change both.

use std::f32::consts::TAU;

use bevy::math::Vec3;

/// The shader's clock (Bevy's `globals.time`) wraps to zero after this many seconds; every
/// period divides it, so that nothing jumps when it wraps.
pub const CLOCK_WRAP_SECS: f32 = 3600.0;

/// A breeze: what grows leans a little one way and back.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sway {
    /// How far a vertex of weight 1 (the top of a tall crown) moves, metres.
    pub amplitude: f32,
    /// Seconds for one lean and return; the breeze also rises and falls over twice this.
    pub period_secs: f32,
}

/// Slow waves: water rises and falls, foam washes up the shore and back.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Waves {
    /// How far the water rises and falls, metres.
    pub height: f32,
    /// How far foam washes towards the patient and back, metres.
    pub wash: f32,
    /// Seconds from one wave to the next.
    pub period_secs: f32,
    /// How much brighter a crest is than the water at rest (and a trough darker): a
    /// fraction of its light.
    pub shimmer: f32,
}

/// Bright stars dimming a little and brightening again, slowly.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Twinkle {
    /// The fraction of its light a star loses at its dimmest.
    pub depth: f32,
    /// Seconds for one dimming and return.
    pub period_secs: f32,
}

/// All the motion of one scene.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Motion {
    /// The breeze.
    pub sway: Sway,
    /// The waves.
    pub waves: Waves,
    /// The stars.
    pub twinkle: Twinkle,
}

impl Motion {
    /// A scene where nothing sways, rises or twinkles.
    pub const STILL: Motion = Motion {
        sway: Sway {
            amplitude: 0.0,
            period_secs: 10.0,
        },
        waves: Waves {
            height: 0.0,
            wash: 0.0,
            period_secs: 10.0,
            shimmer: 0.0,
        },
        twinkle: Twinkle {
            depth: 0.0,
            period_secs: 10.0,
        },
    };
}

/// How much each motion moves one vertex (0 still, 1 fully), and where in its cycle it is.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct MotionWeights {
    /// The breeze (0 at a trunk's foot, 1 at the top of a tall crown).
    pub sway: f32,
    /// The waves (1 on open water and foam).
    pub waves: f32,
    /// The twinkle (1 on a bright star).
    pub twinkle: f32,
    /// Where in its cycles this vertex is, radians.
    pub phase: f32,
}

impl MotionWeights {
    /// A vertex that never moves.
    pub const STILL: MotionWeights = MotionWeights {
        sway: 0.0,
        waves: 0.0,
        twinkle: 0.0,
        phase: 0.0,
    };

    /// As the shader reads them.
    pub fn to_array(self) -> [f32; 4] {
        [self.sway, self.waves, self.twinkle, self.phase]
    }
}

/// The angle of a cycle of `period_secs`, `secs` into the clock, as the shader takes it:
/// from the fraction of the cycle done, so that it stays exact after an hour.
fn cycle(secs: f32, period_secs: f32, phase: f32) -> f32 {
    TAU * (secs / period_secs).fract() + phase
}

/// How far the breeze moves a vertex of `weight` and `phase`, `secs` into the clock.
pub fn sway_offset(sway: &Sway, weight: f32, phase: f32, secs: f32) -> Vec3 {
    let lean = cycle(secs, sway.period_secs, phase);
    let gust = cycle(secs, 2.0 * sway.period_secs, 1.3 * phase);
    let reach = weight * sway.amplitude;
    Vec3::new(
        reach * (0.7 * lean.sin() + 0.3 * gust.sin()),
        0.0,
        reach * 0.4 * (lean + 1.1).sin(),
    )
}

/// How far a wave lifts a vertex of `weight` and `phase` (metres up, and metres washed
/// towards the patient), and how much it changes its light (a factor near 1).
pub fn wave_at(waves: &Waves, weight: f32, phase: f32, secs: f32) -> (f32, f32, f32) {
    let swell = weight * cycle(secs, waves.period_secs, phase).sin();
    (
        swell * waves.height,
        swell * waves.wash,
        1.0 + waves.shimmer * swell,
    )
}

/// The factor a star of `weight` and `phase` shines at, `secs` into the clock (1 at its
/// brightest).
pub fn twinkle_at(twinkle: &Twinkle, weight: f32, phase: f32, secs: f32) -> f32 {
    let dim = 0.5 + 0.5 * cycle(secs, twinkle.period_secs, phase).sin();
    1.0 - weight * twinkle.depth * dim
}

/// Every period of a motion: the breeze's lean and its rise and fall, the waves, the
/// twinkle.
pub fn periods(motion: &Motion) -> [f32; 4] {
    [
        motion.sway.period_secs,
        2.0 * motion.sway.period_secs,
        motion.waves.period_secs,
        motion.twinkle.period_secs,
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    const BREEZE: Sway = Sway {
        amplitude: 0.1,
        period_secs: 9.0,
    };

    #[test]
    fn the_breeze_returns_where_it_began_each_double_period() {
        let start = sway_offset(&BREEZE, 1.0, 0.4, 3.0);
        let later = sway_offset(&BREEZE, 1.0, 0.4, 3.0 + 18.0);
        assert!(start.distance(later) < 1e-4);
        // And leans no farther than its amplitude.
        for step in 0..1800 {
            let offset = sway_offset(&BREEZE, 1.0, 0.0, step as f32 * 0.01);
            assert!(offset.length() <= 0.1 * 1.08, "{offset}");
        }
    }

    #[test]
    fn a_still_vertex_never_moves() {
        let motion = Motion {
            sway: BREEZE,
            waves: Waves {
                height: 0.05,
                wash: 0.5,
                period_secs: 10.0,
                shimmer: 0.05,
            },
            twinkle: Twinkle {
                depth: 0.4,
                period_secs: 6.0,
            },
        };
        for secs in [0.0, 1.7, 33.0, 3599.0] {
            assert_eq!(sway_offset(&motion.sway, 0.0, 1.0, secs), Vec3::ZERO);
            assert_eq!(wave_at(&motion.waves, 0.0, 1.0, secs), (0.0, 0.0, 1.0));
            assert_eq!(twinkle_at(&motion.twinkle, 0.0, 1.0, secs), 1.0);
        }
        // A twinkling star dims by its depth at most, and never brightens.
        for step in 0..600 {
            let light = twinkle_at(&motion.twinkle, 1.0, 0.0, step as f32 * 0.01);
            assert!((0.6 - 1e-5..=1.0).contains(&light), "{light}");
        }
    }
}
