//! The app's own light held to the comfort limits ([`crate::limits`]): the scene presets,
//! the breathing pacer and the fades are listed by [`preset_animations`] and checked by
//! tests. A ceiling set below the presets' peak dims the whole view evenly
//! ([`dimming_for`], [`dimming`]).

use bevy::color::Color;

use crate::catalog;
use crate::environment::looks;
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
    fn a_low_ceiling_dims_the_brightest_preset_down_to_it() {
        let veil = Color::srgb(0.07, 0.07, 0.1);
        assert_eq!(dimming_for(DEFAULT_BRIGHTNESS_CEILING, veil), 0.0);
        let ceiling = 0.5;
        let cover = dimming_for(ceiling, veil);
        let dimmed = preset_peak() * (1.0 - cover) + relative_luminance(veil) * cover;
        assert!((dimmed - ceiling).abs() < 1e-4, "{dimmed}");
    }
}
