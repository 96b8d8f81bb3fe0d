//! The named presets a session script may refer to: calm scenes and soundscapes.
//!
//! This is the single list of names; the environment and audio plugins give each name its
//! look and sound, and validation checks scripts against it.

/// A named preset with a line for the therapist and script author.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Preset {
    /// The name used in scripts, e.g. `"dusk-lake"`.
    pub id: &'static str,
    /// What it is, in a few words.
    pub summary: &'static str,
}

/// The calm scene "Calm" fades to, and the soundscape that goes with it.
pub const SAFE_PLACE: &str = "safe-place";

/// Calm scenes.
pub const ENVIRONMENTS: &[Preset] = &[
    Preset {
        id: "dusk-lake",
        summary: "a reedy shore on a still lake at dusk, the sun low over layered hills",
    },
    Preset {
        id: "forest-clearing",
        summary: "a mossy clearing ringed by firs and broadleaf trees, a light breeze, morning sun",
    },
    Preset {
        id: "night-sky",
        summary: "dark meadow under stars and the Milky Way, a haloed moon, a few slow twinkles",
    },
    Preset {
        id: SAFE_PLACE,
        summary: "the safe scene used by Calm: warm soft plain, low dunes, smooth stones, almost still",
    },
    Preset {
        id: "beach-dawn",
        summary: "a sandy beach at dawn, slow waves washing foam up the shore, warm low sun",
    },
    Preset {
        id: "meadow-afternoon",
        summary: "tall grass and wildflowers in afternoon light, trees scattered far off",
    },
];

/// Ambient soundscapes.
pub const SOUNDSCAPES: &[Preset] = &[
    Preset {
        id: "lake-dusk",
        summary: "gentle lapping water and distant evening air",
    },
    Preset {
        id: "soft-rain",
        summary: "light, even rain",
    },
    Preset {
        id: "warm-drone",
        summary: "a slow warm drone with occasional singing bowls",
    },
    Preset {
        id: "shore-dawn",
        summary: "slow waves breaking softly on a beach at dawn, a little wind",
    },
    Preset {
        id: "meadow-afternoon",
        summary: "a warm breeze in the grass, distant birds, insects low",
    },
    Preset {
        id: "silence",
        summary: "no ambient sound (narration and cues still play)",
    },
    Preset {
        id: SAFE_PLACE,
        summary: "the soft pad used by Calm",
    },
];

/// Looks a preset up by name.
pub fn find<'a>(presets: &'a [Preset], id: &str) -> Option<&'a Preset> {
    presets.iter().find(|preset| preset.id == id)
}

/// The known names, for messages: `"dusk-lake", "forest-clearing", …`.
pub fn names(presets: &[Preset]) -> String {
    presets
        .iter()
        .map(|preset| format!("\"{}\"", preset.id))
        .collect::<Vec<_>>()
        .join(", ")
}
