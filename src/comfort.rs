//! The comfort rules in code: nothing on screen may pulse faster than 3 Hz or shine brighter
//! than the clinic's brightness ceiling. [`check`] judges one animated thing; the scene
//! presets and the breathing pacer are listed by [`preset_animations`] and checked by tests,
//! and scripts' colours are checked by validation. A ceiling set below the presets' peak
//! dims the whole view evenly (see [`dimming_for`]).

use bevy::color::{Color, ColorToComponents, LinearRgba};

use crate::catalog;
use crate::environment::looks;
use crate::script::validate::breathing_limits;

/// The fastest anything may brighten and dim again, cycles per second.
pub const MAX_FLASH_HZ: f32 = 3.0;
/// The brightness ceiling when the settings leave it out: relative luminance, 0 to 1.
pub const DEFAULT_BRIGHTNESS_CEILING: f32 = 0.9;
/// The lowest ceiling the settings may ask for; below it captions lose their contrast.
pub const LOWEST_BRIGHTNESS_CEILING: f32 = 0.3;

/// Something on screen whose light changes over time.
#[derive(Clone, Debug, PartialEq)]
pub struct Animation {
    /// What it is, for messages.
    pub what: String,
    /// The shortest time it takes to brighten and dim again, seconds; infinite when its
    /// light never pulses (it only moves).
    pub cycle_secs: f32,
    /// Its brightest colour.
    pub peak: Color,
}

/// Why an animation is not allowed.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum ComfortViolation {
    /// It pulses faster than [`MAX_FLASH_HZ`].
    #[error(
        "{what} pulses {hz:.1} times a second; nothing may flash faster than {MAX_FLASH_HZ} Hz"
    )]
    TooFast {
        /// What it is.
        what: String,
        /// Its pulse rate, per second.
        hz: f32,
    },
    /// Its peak is brighter than the ceiling.
    #[error("{what} shines at brightness {luminance:.2}, above the ceiling of {ceiling:.2}")]
    TooBright {
        /// What it is.
        what: String,
        /// Its peak relative luminance.
        luminance: f32,
        /// The ceiling it exceeds.
        ceiling: f32,
    },
}

/// Relative luminance of a colour (0 black to 1 white), from its linear components.
pub fn relative_luminance(colour: Color) -> f32 {
    let [red, green, blue, _] = LinearRgba::from(colour).to_f32_array();
    0.2126 * red + 0.7152 * green + 0.0722 * blue
}

/// Accepts `animation` when it pulses no faster than 3 Hz and stays under `ceiling`.
pub fn check(animation: &Animation, ceiling: f32) -> Result<(), ComfortViolation> {
    let hz = 1.0 / animation.cycle_secs;
    // NaN (an unset cycle) is refused with the rest.
    if hz.is_nan() || hz > MAX_FLASH_HZ {
        return Err(ComfortViolation::TooFast {
            what: animation.what.clone(),
            hz,
        });
    }
    let luminance = relative_luminance(animation.peak);
    if luminance > ceiling {
        return Err(ComfortViolation::TooBright {
            what: animation.what.clone(),
            luminance,
            ceiling,
        });
    }
    Ok(())
}

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
        let ambient = looks::look(preset.id).ambient;
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

#[cfg(test)]
mod tests {
    use super::*;

    fn animation(cycle_secs: f32, peak: Color) -> Animation {
        Animation {
            what: "a test light".to_owned(),
            cycle_secs,
            peak,
        }
    }

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
    fn fast_flashes_and_glare_are_rejected() {
        let soft = Color::srgb(0.6, 0.55, 0.5);
        assert_eq!(check(&animation(0.34, soft), 0.9), Ok(()));
        assert_eq!(check(&animation(f32::INFINITY, soft), 0.9), Ok(()));
        assert!(matches!(
            check(&animation(0.2, soft), 0.9),
            Err(ComfortViolation::TooFast { hz, .. }) if (hz - 5.0).abs() < 1e-4
        ));
        assert!(matches!(
            check(&animation(0.0, soft), 0.9),
            Err(ComfortViolation::TooFast { .. })
        ));
        assert!(matches!(
            check(&animation(f32::NAN, soft), 0.9),
            Err(ComfortViolation::TooFast { .. })
        ));
        let glare = check(&animation(10.0, Color::WHITE), 0.9);
        assert!(
            matches!(glare, Err(ComfortViolation::TooBright { luminance, .. }) if luminance > 0.99)
        );
        assert_eq!(
            glare
                .err()
                .map(|violation| violation.to_string())
                .as_deref(),
            Some("a test light shines at brightness 1.00, above the ceiling of 0.90")
        );
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
