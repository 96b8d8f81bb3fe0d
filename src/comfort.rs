//! The app's own light held to the comfort limits ([`crate::limits`]): the scene presets,
//! the breathing pacer and the fades are listed by [`preset_animations`] and checked by
//! tests; each scene's motion in its shader (sway, waves, twinkle) is measured by
//! [`motion_problems`] from the same formulas the shader runs. A ceiling set below the
//! presets' peak dims the whole view evenly ([`dimming_for`], [`dimming`]).

use bevy::color::Color;

use crate::catalog;
use crate::environment::elements::{Ground, Look};
use crate::environment::looks;
use crate::environment::motion::{
    CLOCK_WRAP_SECS, Motion, periods, sway_offset, twinkle_at, wave_at,
};
use crate::limits::{Animation, relative_luminance};
use crate::script::validate::breathing_limits;
use crate::visuals::fade::{Dimming, VEIL};

/// Every animated thing the app itself shows: each scene's ambient motion, the breathing
/// pacer at its fastest allowed rhythm, and the fades of captions and scenes.
pub fn preset_animations() -> Vec<Animation> {
    let mut animations = vec![
        Animation {
            what: "the breathing orb".to_owned(),
            cycle_secs: 60.0 / breathing_limits::MAX_PER_MINUTE as f32,
            peak: crate::visuals::breathing::CORE,
        },
        Animation {
            what: "a caption changing".to_owned(),
            cycle_secs: 2.0 * crate::visuals::caption::CAPTION_FADE_SECS,
            peak: crate::visuals::caption::TEXT,
        },
        Animation {
            what: "a scene changing".to_owned(),
            cycle_secs: 2.0 * crate::visuals::fade::FADE_SECS,
            peak: looks::brightest_sky(),
        },
    ];
    for preset in catalog::ENVIRONMENTS {
        let look = looks::look(preset.id);
        animations.extend(shader_animations(preset.id, &look));
        let ambient = look.ambient;
        if let Some(motes) = ambient.motes {
            animations.push(Animation {
                what: format!("the motes of {}", preset.id),
                cycle_secs: motes.pulse_secs,
                peak: motes.colour,
            });
        }
        if let Some(glints) = ambient.glints {
            animations.push(Animation {
                what: format!("the glints on the water of {}", preset.id),
                cycle_secs: glints.shimmer_secs,
                peak: glints.colour,
            });
        }
        if let Some(clouds) = ambient.clouds {
            animations.push(Animation {
                what: format!("the clouds of {}", preset.id),
                cycle_secs: f32::INFINITY,
                peak: clouds.colour,
            });
        }
    }
    animations
}

/// The light that changes in a scene's shader: bright stars twinkling, water and foam
/// brightening on each wave.
fn shader_animations(id: &str, look: &Look) -> Vec<Animation> {
    let mut animations = Vec::new();
    let motion = look.motion;
    if let Some(stars) = look.stars.filter(|stars| stars.bright > 0) {
        animations.push(Animation {
            what: format!("the bright stars of {id}"),
            cycle_secs: motion.twinkle.period_secs,
            peak: stars.colour,
        });
    }
    if let Ground::Water(water) = look.ground {
        let brightest = look.foam.map_or(water.near, |foam| foam.colour).to_linear()
            * (1.0 + motion.waves.shimmer);
        animations.push(Animation {
            what: format!("the waves of {id}"),
            cycle_secs: motion.waves.period_secs,
            peak: brightest.into(),
        });
    }
    animations
}

/// The farthest the breeze may move anything, metres.
pub const SWAY_MOST_METRES: f32 = 0.15;
/// The fastest the breeze may move anything, metres a second.
pub const SWAY_FASTEST_METRES_PER_SEC: f32 = 0.12;
/// The fewest seconds a lean, a wave or a twinkle may take.
pub const SLOWEST_CYCLE_SECS: f32 = 4.0;
/// The most water may rise and fall, metres.
pub const WAVE_MOST_METRES: f32 = 0.05;
/// The farthest foam may wash up the shore, metres.
pub const WASH_MOST_METRES: f32 = 1.0;
/// How fast water, which fills much of the view, may change its light: a fraction of it a
/// second. Small against the 3 Hz limit: no full-field flicker, only a slow breathing.
pub const WATER_LIGHT_FASTEST_PER_SEC: f32 = 0.05;
/// The most a twinkling star may dim, a fraction of its light.
pub const TWINKLE_DEEPEST: f32 = 0.6;

/// What is wrong with a scene's motion, in words; empty when it is comfortable. Each
/// motion is run through the shader's formulas at 90 frames a second over its longest
/// cycle, so the figures are what a patient would see.
pub fn motion_problems(id: &str, motion: &Motion) -> Vec<String> {
    let mut problems = Vec::new();
    for period in periods(motion) {
        let turns = CLOCK_WRAP_SECS / period;
        if period < SLOWEST_CYCLE_SECS {
            problems.push(format!(
                "{id}: a cycle of {period} s is quicker than {SLOWEST_CYCLE_SECS} s"
            ));
        }
        if (turns - turns.round()).abs() > 1e-3 {
            problems.push(format!(
                "{id}: a cycle of {period} s does not divide the shader's clock \
                 ({CLOCK_WRAP_SECS} s) and would jump when it wraps"
            ));
        }
    }
    let frame = 1.0 / 90.0;
    let longest = periods(motion).into_iter().fold(0.0, f32::max).max(1.0);
    let frames = (longest / frame).ceil() as u32;
    let (mut farthest, mut fastest, mut rise, mut water_rate, mut dimmest) =
        (0.0f32, 0.0f32, 0.0f32, 0.0f32, 1.0f32);
    let mut before = (
        sway_offset(&motion.sway, 1.0, 0.0, 0.0),
        wave_at(&motion.waves, 1.0, 0.0, 0.0),
    );
    for step in 1..=frames {
        let secs = step as f32 * frame;
        let sway = sway_offset(&motion.sway, 1.0, 0.0, secs);
        let wave = wave_at(&motion.waves, 1.0, 0.0, secs);
        farthest = farthest.max(sway.length());
        fastest = fastest.max(sway.distance(before.0) / frame);
        rise = rise
            .max(wave.0.abs())
            .max(wave.1.abs() * WAVE_MOST_METRES / WASH_MOST_METRES);
        water_rate = water_rate.max((wave.2 - before.1.2).abs() / frame);
        dimmest = dimmest.min(twinkle_at(&motion.twinkle, 1.0, 0.0, secs));
        before = (sway, wave);
    }
    if farthest > SWAY_MOST_METRES {
        problems.push(format!(
            "{id}: the breeze moves things {farthest:.2} m, farther than {SWAY_MOST_METRES} m"
        ));
    }
    if fastest > SWAY_FASTEST_METRES_PER_SEC {
        problems.push(format!(
            "{id}: the breeze moves things at {fastest:.2} m/s, faster than \
             {SWAY_FASTEST_METRES_PER_SEC} m/s"
        ));
    }
    if rise > WAVE_MOST_METRES + 1e-6 {
        problems.push(format!(
            "{id}: the waves rise or wash too far ({} m up, {} m up the shore)",
            motion.waves.height, motion.waves.wash
        ));
    }
    if water_rate > WATER_LIGHT_FASTEST_PER_SEC {
        problems.push(format!(
            "{id}: the water's light changes by {water_rate:.3} a second, faster than \
             {WATER_LIGHT_FASTEST_PER_SEC}"
        ));
    }
    if 1.0 - dimmest > TWINKLE_DEEPEST + 1e-4 {
        problems.push(format!(
            "{id}: stars dim to {dimmest:.2} of their light, deeper than {TWINKLE_DEEPEST}"
        ));
    }
    problems
}

/// The brightest luminance of everything the app shows by itself.
pub fn preset_peak() -> f32 {
    preset_animations()
        .iter()
        .map(|animation| relative_luminance(animation.peak))
        .fold(0.0, f32::max)
}

/// How much of the view a dark veil must cover so that nothing exceeds `ceiling`: 0 when
/// the presets already stay under it. `veil` is the veil's own colour.
pub fn dimming_for(ceiling: f32, veil: Color) -> f32 {
    let peak = preset_peak();
    let floor = relative_luminance(veil);
    if ceiling >= peak || peak <= floor {
        return 0.0;
    }
    ((peak - ceiling) / (peak - floor)).clamp(0.0, 1.0)
}

/// The dimming that keeps the brightest preset under `ceiling`.
pub fn dimming(ceiling: f32) -> Dimming {
    Dimming(dimming_for(ceiling, VEIL))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::limits::{DEFAULT_BRIGHTNESS_CEILING, check};

    #[test]
    fn every_preset_animation_is_comfortable() {
        let animations = preset_animations();
        assert!(animations.len() >= 8, "{animations:?}");
        for animation in &animations {
            assert_eq!(
                check(animation, DEFAULT_BRIGHTNESS_CEILING),
                Ok(()),
                "{animation:?}"
            );
        }
    }

    #[test]
    fn every_scenes_motion_is_slow_small_and_seamless() {
        for preset in catalog::ENVIRONMENTS {
            let look = looks::look(preset.id);
            assert_eq!(
                motion_problems(preset.id, &look.motion),
                Vec::<String>::new()
            );
        }
        // The night sky's stars twinkle and are checked as animations.
        let animations = preset_animations();
        assert!(
            animations
                .iter()
                .any(|animation| animation.what == "the bright stars of night-sky")
        );
        assert!(
            animations
                .iter()
                .any(|animation| animation.what == "the waves of beach-dawn")
        );
    }

    #[test]
    fn motion_pushed_out_of_bounds_is_refused() {
        let calm = looks::look("beach-dawn").motion;
        let mut pushed = Vec::new();
        let mut push = |change: fn(&mut Motion), expected: &str| {
            let mut motion = calm;
            change(&mut motion);
            let problems = motion_problems("pushed", &motion);
            assert!(
                problems.iter().any(|problem| problem.contains(expected)),
                "{expected}: {problems:?}"
            );
            pushed.push(expected.to_owned());
        };
        push(|motion| motion.sway.amplitude = 0.4, "farther than");
        push(|motion| motion.sway.period_secs = 2.0, "quicker than");
        push(
            |motion| {
                motion.sway.amplitude = 0.14;
                motion.sway.period_secs = 4.0;
            },
            "faster than 0.12",
        );
        push(|motion| motion.sway.period_secs = 7.0, "would jump");
        push(|motion| motion.waves.height = 0.2, "rise or wash too far");
        push(|motion| motion.waves.wash = 3.0, "rise or wash too far");
        push(
            |motion| motion.waves.shimmer = 0.3,
            "the water's light changes",
        );
        push(|motion| motion.twinkle.depth = 0.9, "deeper than");
        push(|motion| motion.twinkle.period_secs = 0.25, "quicker than");
        assert_eq!(pushed.len(), 9);
        // And a twinkle faster than 3 Hz fails the flash limit too.
        let flashing = Animation {
            what: "stars".to_owned(),
            cycle_secs: 0.25,
            peak: Color::srgb(0.8, 0.8, 0.85),
        };
        assert!(check(&flashing, DEFAULT_BRIGHTNESS_CEILING).is_err());
    }

    #[test]
    fn a_low_ceiling_dims_the_brightest_preset_down_to_it() {
        let veil = Color::srgb(0.07, 0.07, 0.1);
        assert_eq!(dimming_for(DEFAULT_BRIGHTNESS_CEILING, veil), 0.0);
        let ceiling = 0.5;
        let cover = dimming_for(ceiling, veil);
        let dimmed = preset_peak() * (1.0 - cover) + relative_luminance(veil) * cover;
        assert!((dimmed - ceiling).abs() < 1e-4, "{dimmed}");
    }
}
