//! How each calm scene looks: colours and shapes as plain data.

use bevy::color::Color;

/// The ground under the patient.
#[derive(Clone, Copy, Debug)]
pub enum Ground {
    /// Still water that mirrors the sky's glow.
    Water {
        /// Colour at the shore by the patient.
        near: Color,
    },
    /// Grass, moss or sand.
    Land {
        /// Colour by the patient.
        near: Color,
    },
}

/// A ring of hills on the horizon.
#[derive(Clone, Copy, Debug)]
pub struct Hills {
    /// Distance from the patient, metres.
    pub distance: f32,
    /// Typical height, metres.
    pub height: f32,
    /// Silhouette colour.
    pub colour: Color,
    /// Varies the outline between layers.
    pub seed: f32,
}

/// Everything that defines one scene.
#[derive(Clone, Copy, Debug)]
pub struct Look {
    /// Sky straight up.
    pub zenith: Color,
    /// Sky at the horizon.
    pub horizon: Color,
    /// The soft light of a low sun or moon.
    pub glow: Color,
    /// Where the glow sits: azimuth from straight ahead (radians, + to the right) and
    /// elevation above the horizon (radians).
    pub glow_direction: (f32, f32),
    /// How wide the glow spreads (radians).
    pub glow_spread: f32,
    /// The ground.
    pub ground: Ground,
    /// Horizon hills, far to near.
    pub hills: &'static [Hills],
    /// Trees ringing a clearing: how many.
    pub trees: u32,
    /// Faint stars: how many.
    pub stars: u32,
}

const fn srgb(r: u8, g: u8, b: u8) -> Color {
    Color::srgb(r as f32 / 255.0, g as f32 / 255.0, b as f32 / 255.0)
}

const DUSK_LAKE: Look = Look {
    zenith: srgb(46, 58, 102),
    horizon: srgb(238, 176, 150),
    glow: srgb(255, 214, 170),
    glow_direction: (0.35, 0.05),
    glow_spread: 0.35,
    ground: Ground::Water {
        near: srgb(38, 48, 84),
    },
    hills: &[
        Hills {
            distance: 320.0,
            height: 26.0,
            colour: srgb(150, 112, 140),
            seed: 1.0,
        },
        Hills {
            distance: 220.0,
            height: 16.0,
            colour: srgb(92, 74, 110),
            seed: 2.7,
        },
    ],
    trees: 0,
    stars: 40,
};

const FOREST_CLEARING: Look = Look {
    zenith: srgb(120, 170, 210),
    horizon: srgb(222, 232, 214),
    glow: srgb(255, 246, 214),
    glow_direction: (-0.5, 0.45),
    glow_spread: 0.5,
    ground: Ground::Land {
        near: srgb(92, 128, 84),
    },
    hills: &[Hills {
        distance: 300.0,
        height: 30.0,
        colour: srgb(150, 180, 160),
        seed: 4.2,
    }],
    trees: 70,
    stars: 0,
};

const NIGHT_SKY: Look = Look {
    zenith: srgb(8, 12, 34),
    horizon: srgb(40, 56, 96),
    glow: srgb(120, 140, 190),
    glow_direction: (-0.45, 0.5),
    glow_spread: 0.12,
    ground: Ground::Land {
        near: srgb(16, 24, 38),
    },
    hills: &[Hills {
        distance: 260.0,
        height: 18.0,
        colour: srgb(22, 30, 52),
        seed: 7.1,
    }],
    trees: 0,
    stars: 600,
};

const SAFE_PLACE: Look = Look {
    zenith: srgb(150, 128, 134),
    horizon: srgb(212, 184, 164),
    glow: srgb(200, 170, 140),
    glow_direction: (0.0, 0.15),
    glow_spread: 0.7,
    ground: Ground::Land {
        near: srgb(170, 148, 130),
    },
    hills: &[],
    trees: 0,
    stars: 0,
};

/// The look of a scene named in a script; unknown names (which validation rejects) get the
/// safe place.
pub fn look(id: &str) -> Look {
    match id {
        "dusk-lake" => DUSK_LAKE,
        "forest-clearing" => FOREST_CLEARING,
        "night-sky" => NIGHT_SKY,
        _ => SAFE_PLACE,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog;

    #[test]
    fn every_catalogued_scene_has_its_own_look() {
        for preset in catalog::ENVIRONMENTS {
            let look = look(preset.id);
            let is_safe = preset.id == catalog::SAFE_PLACE;
            let same_as_safe = look.zenith == SAFE_PLACE.zenith;
            assert_eq!(same_as_safe, is_safe, "{} needs its own look", preset.id);
        }
    }
}
