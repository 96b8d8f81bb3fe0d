//! The comfort limits every scene, script and setting is held to: nothing on screen may
//! pulse faster than 3 Hz or shine brighter than the clinic's brightness ceiling. [`check`]
//! judges one animated thing; validation checks scripts' colours with it, and the app's own
//! scenes are checked against it in `comfort`.

use bevy::color::{Color, ColorToComponents, LinearRgba};

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
}
