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

/// Drifting motes of light: dust in the glow, pollen, fireflies. Each swells and fades
/// slowly in size as it drifts.
#[derive(Clone, Copy, Debug)]
pub struct Motes {
    /// How many float around the patient.
    pub count: u32,
    /// Their colour at full strength.
    pub colour: Color,
    /// Their largest size, metres.
    pub size: f32,
    /// Seconds for one slow swell and fade.
    pub pulse_secs: f32,
}

/// Glints of light on water, stretching and shrinking as the surface moves.
#[derive(Clone, Copy, Debug)]
pub struct Glints {
    /// How many.
    pub count: u32,
    /// Their colour.
    pub colour: Color,
    /// Seconds for one shimmer.
    pub shimmer_secs: f32,
}

/// Soft clouds crossing the sky.
#[derive(Clone, Copy, Debug)]
pub struct Clouds {
    /// How many.
    pub count: u32,
    /// Their colour (drawn translucent).
    pub colour: Color,
    /// How fast they cross the sky, degrees of azimuth a minute.
    pub degrees_per_minute: f32,
}

/// The slow motion that keeps a scene alive without drawing attention.
#[derive(Clone, Copy, Debug)]
pub struct Ambient {
    /// Motes of light.
    pub motes: Option<Motes>,
    /// Glints on water.
    pub glints: Option<Glints>,
    /// Clouds.
    pub clouds: Option<Clouds>,
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
    /// Gentle motion.
    pub ambient: Ambient,
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
    ambient: Ambient {
        motes: Some(Motes {
            count: 28,
            colour: srgb(255, 226, 190),
            size: 0.05,
            pulse_secs: 9.0,
        }),
        glints: Some(Glints {
            count: 18,
            colour: srgb(255, 222, 186),
            shimmer_secs: 6.0,
        }),
        clouds: Some(Clouds {
            count: 6,
            colour: srgb(214, 160, 170),
            degrees_per_minute: 0.6,
        }),
    },
};

const FOREST_CLEARING: Look = Look {
    zenith: srgb(120, 170, 210),
    horizon: srgb(222, 232, 214),
    glow: srgb(250, 240, 210),
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
    ambient: Ambient {
        motes: Some(Motes {
            count: 40,
            colour: srgb(250, 240, 196),
            size: 0.04,
            pulse_secs: 8.0,
        }),
        glints: None,
        clouds: Some(Clouds {
            count: 7,
            colour: srgb(236, 236, 232),
            degrees_per_minute: 0.8,
        }),
    },
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
    ambient: Ambient {
        motes: Some(Motes {
            count: 16,
            colour: srgb(170, 220, 190),
            size: 0.05,
            pulse_secs: 11.0,
        }),
        glints: None,
        clouds: Some(Clouds {
            count: 3,
            colour: srgb(60, 74, 116),
            degrees_per_minute: 0.4,
        }),
    },
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
    ambient: Ambient {
        motes: Some(Motes {
            count: 20,
            colour: srgb(255, 232, 204),
            size: 0.05,
            pulse_secs: 10.0,
        }),
        glints: None,
        clouds: Some(Clouds {
            count: 4,
            colour: srgb(236, 210, 196),
            degrees_per_minute: 0.4,
        }),
    },
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

/// The brightest sky colour of any scene (a scene change fades between skies).
pub fn brightest_sky() -> Color {
    [DUSK_LAKE, FOREST_CLEARING, NIGHT_SKY, SAFE_PLACE]
        .iter()
        .flat_map(|look| [look.zenith, look.horizon, look.glow])
        .fold(Color::BLACK, |brightest, colour| {
            if crate::limits::relative_luminance(colour)
                > crate::limits::relative_luminance(brightest)
            {
                colour
            } else {
                brightest
            }
        })
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
