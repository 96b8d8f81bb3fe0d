//! How each calm scene looks, as a description: its sky, ground, hills, trees, what grows
//! near the patient, and its motion. The meshes are made from these (`sky.rs`, `land.rs`,
//! `plants.rs`); nothing here is drawn by hand.

use bevy::color::Color;

use super::elements::{
    ALL_AROUND, Ambient, Clouds, Cover, Disc, Foam, Glints, Ground, Hills, Land, Look, MilkyWay,
    Motes, Reeds, Sky, Stars, Trees, Water,
};
use super::motion::{Motion, Sway, Twinkle, Waves};

const fn srgb(r: u8, g: u8, b: u8) -> Color {
    Color::srgb(r as f32 / 255.0, g as f32 / 255.0, b as f32 / 255.0)
}

/// A light breeze: crown tops lean a few centimetres over nine seconds.
const BREEZE: Sway = Sway {
    amplitude: 0.09,
    period_secs: 9.0,
};

const DUSK_LAKE: Look = Look {
    sky: Sky {
        zenith: srgb(46, 58, 102),
        horizon: srgb(238, 176, 150),
        glow: srgb(255, 204, 150),
        glow_direction: (0.35, 0.09),
        glow_spread: 0.32,
    },
    disc: Some(Disc {
        colour: srgb(255, 214, 160),
        radius_degrees: 1.3,
        halo: srgb(252, 196, 146),
        halo_degrees: 7.0,
    }),
    milky_way: None,
    stars: Some(Stars {
        count: 40,
        bright: 0,
        colour: srgb(210, 212, 230),
    }),
    haze_distance: 420.0,
    ground: Ground::Water(Water {
        near: srgb(34, 44, 78),
        mirror: 0.8,
        shore: Land {
            near: srgb(74, 84, 62),
            patches: srgb(96, 86, 66),
            flecks: None,
        },
        wet: srgb(58, 56, 58),
        shore_ahead: 5.5,
    }),
    hills: &[
        Hills {
            distance: 340.0,
            height: 30.0,
            colour: srgb(150, 112, 140),
            seed: 1.0,
            jagged: 0.0,
            around: ALL_AROUND,
        },
        Hills {
            distance: 240.0,
            height: 17.0,
            colour: srgb(96, 76, 112),
            seed: 2.7,
            jagged: 0.0,
            around: ALL_AROUND,
        },
        Hills {
            distance: 150.0,
            height: 7.0,
            colour: srgb(52, 50, 78),
            seed: 5.3,
            jagged: 0.55,
            around: ALL_AROUND,
        },
    ],
    trees: None,
    cover: Some(Cover {
        tufts: 260,
        reach: 7.0,
        height: 0.35,
        grass: srgb(70, 82, 54),
        flowers: 0,
        flower_colours: &[],
        stones: 9,
        stone: srgb(84, 80, 86),
        seed: 11,
    }),
    reeds: Some(Reeds {
        clumps: 34,
        colour: srgb(64, 72, 50),
        height: 1.1,
    }),
    foam: None,
    motion: Motion {
        sway: BREEZE,
        waves: Waves {
            height: 0.015,
            wash: 0.05,
            period_secs: 8.0,
            shimmer: 0.04,
        },
        twinkle: Twinkle {
            depth: 0.0,
            period_secs: 8.0,
        },
    },
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
    sky: Sky {
        zenith: srgb(112, 164, 208),
        horizon: srgb(204, 220, 212),
        glow: srgb(206, 194, 150),
        glow_direction: (-0.6, 0.5),
        glow_spread: 0.45,
    },
    disc: None,
    milky_way: None,
    stars: None,
    haze_distance: 240.0,
    ground: Ground::Land(Land {
        near: srgb(84, 118, 62),
        patches: srgb(58, 96, 56),
        flecks: Some(srgb(120, 108, 60)),
    }),
    hills: &[
        Hills {
            distance: 320.0,
            height: 34.0,
            colour: srgb(120, 150, 140),
            seed: 4.2,
            jagged: 0.0,
            around: ALL_AROUND,
        },
        Hills {
            distance: 150.0,
            height: 16.0,
            colour: srgb(52, 84, 62),
            seed: 8.8,
            jagged: 1.0,
            around: ALL_AROUND,
        },
    ],
    trees: Some(Trees {
        count: 110,
        distance: (11.0, 60.0),
        height: (8.0, 17.0),
        crown: srgb(46, 92, 50),
        hue_spread: 14.0,
        trunk: srgb(88, 68, 54),
        firs: 0.55,
        open_ahead: 0.55,
        seed: 3,
    }),
    cover: Some(Cover {
        tufts: 900,
        reach: 16.0,
        height: 0.32,
        grass: srgb(78, 120, 56),
        flowers: 70,
        flower_colours: &[
            srgb(226, 210, 120),
            srgb(200, 180, 220),
            srgb(224, 226, 232),
        ],
        stones: 12,
        stone: srgb(128, 128, 118),
        seed: 5,
    }),
    reeds: None,
    foam: None,
    motion: Motion {
        sway: BREEZE,
        waves: Waves {
            height: 0.0,
            wash: 0.0,
            period_secs: 10.0,
            shimmer: 0.0,
        },
        twinkle: Twinkle {
            depth: 0.0,
            period_secs: 8.0,
        },
    },
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
    sky: Sky {
        zenith: srgb(6, 9, 26),
        horizon: srgb(36, 50, 86),
        glow: srgb(110, 128, 178),
        glow_direction: (-0.4, 0.4),
        glow_spread: 0.16,
    },
    disc: Some(Disc {
        colour: srgb(216, 220, 214),
        radius_degrees: 1.1,
        halo: srgb(118, 134, 170),
        halo_degrees: 6.0,
    }),
    milky_way: Some(MilkyWay {
        colour: srgb(150, 160, 196),
        strength: 0.16,
        tilt: 0.9,
        width: 0.16,
    }),
    stars: Some(Stars {
        count: 900,
        bright: 40,
        colour: srgb(214, 218, 236),
    }),
    haze_distance: 600.0,
    ground: Ground::Land(Land {
        near: srgb(18, 26, 34),
        patches: srgb(12, 20, 26),
        flecks: None,
    }),
    hills: &[
        Hills {
            distance: 300.0,
            height: 20.0,
            colour: srgb(18, 24, 44),
            seed: 7.1,
            jagged: 0.0,
            around: ALL_AROUND,
        },
        Hills {
            distance: 180.0,
            height: 9.0,
            colour: srgb(10, 14, 24),
            seed: 3.4,
            jagged: 0.8,
            around: ALL_AROUND,
        },
    ],
    trees: None,
    cover: Some(Cover {
        tufts: 300,
        reach: 8.0,
        height: 0.3,
        grass: srgb(24, 34, 38),
        flowers: 0,
        flower_colours: &[],
        stones: 6,
        stone: srgb(30, 34, 44),
        seed: 17,
    }),
    reeds: None,
    foam: None,
    motion: Motion {
        sway: Sway {
            amplitude: 0.05,
            period_secs: 12.0,
        },
        waves: Waves {
            height: 0.0,
            wash: 0.0,
            period_secs: 10.0,
            shimmer: 0.0,
        },
        twinkle: Twinkle {
            depth: 0.45,
            period_secs: 6.0,
        },
    },
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
    sky: Sky {
        zenith: srgb(150, 128, 134),
        horizon: srgb(212, 184, 164),
        glow: srgb(186, 156, 128),
        glow_direction: (0.0, 0.15),
        glow_spread: 0.7,
    },
    disc: None,
    milky_way: None,
    stars: None,
    haze_distance: 260.0,
    ground: Ground::Land(Land {
        near: srgb(170, 148, 130),
        patches: srgb(156, 134, 118),
        flecks: None,
    }),
    hills: &[
        Hills {
            distance: 320.0,
            height: 16.0,
            colour: srgb(176, 146, 140),
            seed: 6.0,
            jagged: 0.0,
            around: ALL_AROUND,
        },
        Hills {
            distance: 200.0,
            height: 8.0,
            colour: srgb(164, 136, 124),
            seed: 2.2,
            jagged: 0.0,
            around: ALL_AROUND,
        },
        Hills {
            distance: 70.0,
            height: 2.6,
            colour: srgb(170, 146, 128),
            seed: 4.8,
            jagged: 0.0,
            around: ALL_AROUND,
        },
    ],
    trees: None,
    cover: Some(Cover {
        tufts: 70,
        reach: 9.0,
        height: 0.28,
        grass: srgb(150, 140, 104),
        flowers: 0,
        flower_colours: &[],
        stones: 7,
        stone: srgb(150, 132, 124),
        seed: 23,
    }),
    reeds: None,
    foam: None,
    motion: Motion {
        sway: Sway {
            amplitude: 0.03,
            period_secs: 12.0,
        },
        ..Motion::STILL
    },
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

const BEACH_DAWN: Look = Look {
    sky: Sky {
        zenith: srgb(104, 126, 170),
        horizon: srgb(244, 200, 170),
        glow: srgb(226, 164, 118),
        glow_direction: (-0.6, 0.06),
        glow_spread: 0.4,
    },
    disc: Some(Disc {
        colour: srgb(255, 206, 150),
        radius_degrees: 1.4,
        halo: srgb(255, 192, 140),
        halo_degrees: 8.0,
    }),
    milky_way: None,
    stars: None,
    haze_distance: 380.0,
    ground: Ground::Water(Water {
        near: srgb(52, 86, 104),
        mirror: 0.6,
        shore: Land {
            near: srgb(206, 180, 146),
            patches: srgb(188, 160, 128),
            flecks: None,
        },
        wet: srgb(150, 128, 108),
        shore_ahead: 9.0,
    }),
    hills: &[
        Hills {
            distance: 360.0,
            height: 26.0,
            colour: srgb(166, 140, 160),
            seed: 9.4,
            jagged: 0.0,
            around: (2.6, 1.9),
        },
        Hills {
            distance: 260.0,
            height: 14.0,
            colour: srgb(128, 112, 130),
            seed: 3.3,
            jagged: 0.3,
            around: (0.95, 0.35),
        },
    ],
    trees: None,
    cover: Some(Cover {
        tufts: 90,
        reach: 8.0,
        height: 0.4,
        grass: srgb(150, 150, 100),
        flowers: 0,
        flower_colours: &[],
        stones: 5,
        stone: srgb(170, 156, 146),
        seed: 29,
    }),
    reeds: None,
    foam: Some(Foam {
        colour: srgb(220, 222, 218),
        lines: 3,
    }),
    motion: Motion {
        sway: Sway {
            amplitude: 0.06,
            period_secs: 10.0,
        },
        waves: Waves {
            height: 0.03,
            wash: 0.7,
            period_secs: 10.0,
            shimmer: 0.06,
        },
        twinkle: Twinkle {
            depth: 0.0,
            period_secs: 8.0,
        },
    },
    ambient: Ambient {
        motes: None,
        glints: Some(Glints {
            count: 24,
            colour: srgb(255, 218, 178),
            shimmer_secs: 6.0,
        }),
        clouds: Some(Clouds {
            count: 6,
            colour: srgb(240, 196, 186),
            degrees_per_minute: 0.5,
        }),
    },
};

const MEADOW_AFTERNOON: Look = Look {
    sky: Sky {
        zenith: srgb(96, 150, 214),
        horizon: srgb(210, 226, 230),
        glow: srgb(220, 206, 168),
        glow_direction: (0.9, 0.6),
        glow_spread: 0.5,
    },
    disc: None,
    milky_way: None,
    stars: None,
    haze_distance: 260.0,
    ground: Ground::Land(Land {
        near: srgb(110, 140, 66),
        patches: srgb(136, 146, 72),
        flecks: None,
    }),
    hills: &[
        Hills {
            distance: 340.0,
            height: 30.0,
            colour: srgb(120, 150, 150),
            seed: 1.9,
            jagged: 0.0,
            around: ALL_AROUND,
        },
        Hills {
            distance: 220.0,
            height: 12.0,
            colour: srgb(84, 120, 76),
            seed: 6.6,
            jagged: 0.0,
            around: ALL_AROUND,
        },
    ],
    trees: Some(Trees {
        count: 44,
        distance: (40.0, 110.0),
        height: (10.0, 18.0),
        crown: srgb(72, 110, 56),
        hue_spread: 12.0,
        trunk: srgb(92, 74, 58),
        firs: 0.15,
        open_ahead: 0.7,
        seed: 41,
    }),
    cover: Some(Cover {
        tufts: 1300,
        reach: 22.0,
        height: 0.6,
        grass: srgb(104, 136, 58),
        flowers: 220,
        flower_colours: &[
            srgb(222, 200, 96),
            srgb(196, 120, 160),
            srgb(150, 140, 210),
            srgb(222, 222, 226),
            srgb(214, 110, 80),
        ],
        stones: 4,
        stone: srgb(150, 146, 132),
        seed: 47,
    }),
    reeds: None,
    foam: None,
    motion: Motion {
        sway: Sway {
            amplitude: 0.1,
            period_secs: 8.0,
        },
        ..Motion::STILL
    },
    ambient: Ambient {
        motes: Some(Motes {
            count: 34,
            colour: srgb(250, 240, 200),
            size: 0.04,
            pulse_secs: 9.0,
        }),
        glints: None,
        clouds: Some(Clouds {
            count: 8,
            colour: srgb(240, 240, 236),
            degrees_per_minute: 0.7,
        }),
    },
};

/// Every scene with a look, by the name scripts use.
pub const LOOKS: &[(&str, Look)] = &[
    ("dusk-lake", DUSK_LAKE),
    ("forest-clearing", FOREST_CLEARING),
    ("night-sky", NIGHT_SKY),
    (crate::catalog::SAFE_PLACE, SAFE_PLACE),
    ("beach-dawn", BEACH_DAWN),
    ("meadow-afternoon", MEADOW_AFTERNOON),
];

/// The look of a scene named in a script; unknown names (which validation rejects) get the
/// safe place.
pub fn look(id: &str) -> Look {
    LOOKS
        .iter()
        .find(|(name, _)| *name == id)
        .map_or(SAFE_PLACE, |(_, look)| *look)
}

/// The brightest sky colour of any scene (a scene change fades between skies).
pub fn brightest_sky() -> Color {
    LOOKS
        .iter()
        .flat_map(|(_, look)| [look.sky.zenith, look.sky.horizon, look.sky.glow])
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
    fn the_catalogue_and_the_looks_name_the_same_scenes() {
        for preset in catalog::ENVIRONMENTS {
            assert!(
                LOOKS.iter().any(|(name, _)| *name == preset.id),
                "{} has no look",
                preset.id
            );
        }
        for (name, _) in LOOKS {
            assert!(
                catalog::find(catalog::ENVIRONMENTS, name).is_some(),
                "{name} is not in the catalogue"
            );
        }
        // Each look is its own: none is the safe place in disguise.
        for (index, (name, look)) in LOOKS.iter().enumerate() {
            for (other, other_look) in &LOOKS[index + 1..] {
                assert_ne!(look, other_look, "{name} and {other} look the same");
            }
        }
    }
}
