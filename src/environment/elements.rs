//! What a look is made of: the sky and its lights, the ground or water, hills, trees, what
//! grows and lies near the patient, the shore, and the motion. Each is plain data, so a
//! scene (`looks.rs`) is a description and the meshes are made from it.

use bevy::color::Color;

use super::motion::Motion;

/// The sky: a gradient from the horizon up, with the soft light of a low sun or moon.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sky {
    /// Sky straight up.
    pub zenith: Color,
    /// Sky at the horizon; also the haze distant things fade into.
    pub horizon: Color,
    /// The glow around the sun or moon.
    pub glow: Color,
    /// Where the glow sits: azimuth from straight ahead (radians, + to the right) and
    /// elevation above the horizon (radians).
    pub glow_direction: (f32, f32),
    /// How wide the glow spreads (radians).
    pub glow_spread: f32,
}

/// The sun or the moon, where the sky's glow is: a disc and a soft halo that fades into the
/// sky.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Disc {
    /// The disc's colour (kept below the captions' white).
    pub colour: Color,
    /// Its radius, degrees.
    pub radius_degrees: f32,
    /// The halo's colour at the disc's edge.
    pub halo: Color,
    /// How far out the halo fades to the sky, degrees.
    pub halo_degrees: f32,
}

/// The band of the Milky Way across a night sky.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MilkyWay {
    /// Its colour at the brightest.
    pub colour: Color,
    /// How much of that colour is added to the sky at its middle.
    pub strength: f32,
    /// The tilt of its great circle from the horizon, radians.
    pub tilt: f32,
    /// Its half-width, radians.
    pub width: f32,
}

/// Small points of light on the upper sky.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Stars {
    /// How many faint stars.
    pub count: u32,
    /// How many bright ones, which twinkle slowly.
    pub bright: u32,
    /// A bright star's colour (kept below the captions' white).
    pub colour: Color,
}

/// Land underfoot: grass, moss, sand.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Land {
    /// Colour by the patient.
    pub near: Color,
    /// The colour of soft patches across it (moss, bare earth, darker sand).
    pub patches: Color,
    /// Warm light falling through gaps (sun flecks), added in soft spots; `None` under an
    /// open or night sky.
    pub flecks: Option<Color>,
}

/// Water beyond a shore by the patient.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Water {
    /// The water's own colour, seen straight down.
    pub near: Color,
    /// How much of the sky and hills it mirrors far out (0 none, 1 a mirror).
    pub mirror: f32,
    /// The shore the patient sits on.
    pub shore: Land,
    /// The wet edge where the shore meets the water.
    pub wet: Color,
    /// Metres from the patient to the water's edge straight ahead.
    pub shore_ahead: f32,
}

/// The ground under the patient.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Ground {
    /// Land all around.
    Land(Land),
    /// A shore in front of open water.
    Water(Water),
}

/// A ring of hills on the horizon.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Hills {
    /// Distance from the patient, metres.
    pub distance: f32,
    /// Typical height, metres.
    pub height: f32,
    /// Colour at the foot, before the haze.
    pub colour: Color,
    /// Varies the outline between layers.
    pub seed: f32,
    /// 0 for smooth hills; up to 1 for a far treeline of pointed crowns.
    pub jagged: f32,
    /// Where they stand: the azimuth of their middle and how far they reach either side,
    /// radians ([`ALL_AROUND`] for a whole ring); they taper into the horizon at the ends.
    pub around: (f32, f32),
}

/// Hills in a whole ring round the patient.
pub const ALL_AROUND: (f32, f32) = (0.0, std::f32::consts::PI);

/// Trees around the patient, each with a trunk and layered crowns of its own size, hue and
/// lean.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Trees {
    /// How many.
    pub count: u32,
    /// The nearest and farthest a tree stands, metres.
    pub distance: (f32, f32),
    /// The shortest and tallest, metres.
    pub height: (f32, f32),
    /// The crowns' middle colour.
    pub crown: Color,
    /// How far the crowns' hues spread either side, degrees.
    pub hue_spread: f32,
    /// The trunks' colour.
    pub trunk: Color,
    /// The share of pointed firs among rounder broadleaf trees, 0 to 1.
    pub firs: f32,
    /// Half the angle kept open straight ahead, radians: the patient looks out, not into
    /// a trunk.
    pub open_ahead: f32,
    /// Varies the trees.
    pub seed: u32,
}

/// What grows and lies on the ground near the patient, thinning with distance.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Cover {
    /// Tufts of grass.
    pub tufts: u32,
    /// How far from the patient they reach, metres.
    pub reach: f32,
    /// How tall the grass grows, metres (lower straight ahead, below the words).
    pub height: f32,
    /// The grass's colour at its foot (its tips are lighter).
    pub grass: Color,
    /// Flowers among it.
    pub flowers: u32,
    /// Their colours.
    pub flower_colours: &'static [Color],
    /// Stones.
    pub stones: u32,
    /// The stones' colour.
    pub stone: Color,
    /// Varies the cover.
    pub seed: u32,
}

/// Reeds along a shore.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Reeds {
    /// How many clumps.
    pub clumps: u32,
    /// Their colour at the foot.
    pub colour: Color,
    /// How tall, metres.
    pub height: f32,
}

/// Foam where waves break along the shore.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Foam {
    /// Its colour (kept below the captions' white).
    pub colour: Color,
    /// How many lines of foam, one behind the other.
    pub lines: u32,
}

/// Drifting motes of light: dust in the glow, pollen, fireflies. Each swells and fades
/// slowly in size as it drifts.
#[derive(Clone, Copy, Debug, PartialEq)]
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
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Glints {
    /// How many.
    pub count: u32,
    /// Their colour.
    pub colour: Color,
    /// Seconds for one shimmer.
    pub shimmer_secs: f32,
}

/// Soft clouds crossing the sky.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Clouds {
    /// How many.
    pub count: u32,
    /// Their colour (drawn translucent).
    pub colour: Color,
    /// How fast they cross the sky, degrees of azimuth a minute.
    pub degrees_per_minute: f32,
}

/// The slow lights that keep a scene alive without drawing attention.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Ambient {
    /// Motes of light.
    pub motes: Option<Motes>,
    /// Glints on water.
    pub glints: Option<Glints>,
    /// Clouds.
    pub clouds: Option<Clouds>,
}

/// Everything that defines one scene.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Look {
    /// The sky.
    pub sky: Sky,
    /// The sun or moon in the glow, if it shows.
    pub disc: Option<Disc>,
    /// The Milky Way, on a night sky.
    pub milky_way: Option<MilkyWay>,
    /// Stars, if any.
    pub stars: Option<Stars>,
    /// Metres at which distant things have faded most of the way into the horizon's haze.
    pub haze_distance: f32,
    /// The ground.
    pub ground: Ground,
    /// Horizon hills, far to near.
    pub hills: &'static [Hills],
    /// Trees around the patient.
    pub trees: Option<Trees>,
    /// Grass, flowers and stones near the patient.
    pub cover: Option<Cover>,
    /// Reeds along the shore.
    pub reeds: Option<Reeds>,
    /// Foam along the shore.
    pub foam: Option<Foam>,
    /// The breeze, the waves, the twinkle.
    pub motion: Motion,
    /// Motes, glints and clouds.
    pub ambient: Ambient,
}
