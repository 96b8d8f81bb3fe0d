//! The ground and what lies on the horizon: land in soft patches fading into the haze, or a
//! shore before water that mirrors the sky and the hills, and rings of hills, each fainter
//! with distance.

use std::f32::consts::TAU;

use bevy::prelude::*;

use super::builder::{Builder, add, direction, mix, patches, shade};
use super::elements::{Ground, Hills, Land, Look, Water};
use super::motion::MotionWeights;
use super::sky::{glow_amount, sky_colour};
use crate::viewpoint::EYE_HEIGHT;

/// Radius of the ground disc, metres.
const GROUND_RADIUS: f32 = 420.0;
/// The water's surface, a little below the shore by the patient.
pub const WATER_LEVEL: f32 = -0.06;

/// How far into the horizon's haze something `distance` metres away has faded, 0..1.
pub fn haze(look: &Look, distance: f32) -> f32 {
    1.0 - (-distance / look.haze_distance).exp()
}

/// `colour` seen from `distance` metres: fading into the horizon's haze.
pub fn hazed(look: &Look, colour: Color, distance: f32) -> Color {
    mix(colour, look.sky.horizon, haze(look, distance))
}

/// The colour of land at a point: patches, sun flecks, haze.
fn land_colour(look: &Look, land: &Land, point: Vec3) -> Color {
    let patch = patches(point.x, point.z, 3.5, 1.3);
    let fine = patches(point.x, point.z, 0.9, 4.1);
    let mut colour = mix(land.near, land.patches, patch * patch * 1.4);
    colour = shade(colour, 0.9 + 0.2 * fine);
    if let Some(fleck) = land.flecks {
        let spot = patches(point.x, point.z, 2.2, 7.7);
        colour = add(colour, fleck, ((spot - 0.62) * 4.0).clamp(0.0, 1.0) * 0.5);
    }
    hazed(look, colour, point.length())
}

/// A polar grid of `rings` x `columns` out to `radius(azimuth)`, with rings closer together
/// near the patient; each vertex coloured by `colour`.
fn disc(
    builder: &mut Builder,
    rings: u32,
    columns: u32,
    radius: impl Fn(f32) -> f32,
    mut vertex: impl FnMut(&mut Builder, f32, f32, Vec3),
) {
    let first = builder.vertex_count();
    for ring in 0..rings {
        let t = ring as f32 / (rings - 1) as f32;
        for column in 0..columns {
            let azimuth = TAU * column as f32 / (columns - 1) as f32;
            let point = direction(azimuth, 0.0) * radius(azimuth) * t * t;
            vertex(builder, azimuth, t, point);
        }
    }
    builder.grid(first, rings, columns);
}

/// How far the shore reaches from the patient towards `azimuth`, metres: its edge curves
/// gently in front, and it runs far behind.
pub fn shore_reach(water: &Water, azimuth: f32) -> f32 {
    let behind = 0.5 - 0.5 * azimuth.cos();
    let wander = 0.8 * (3.0 * azimuth + 0.7).sin() + 0.4 * (7.0 * azimuth).sin();
    water.shore_ahead + wander + 70.0 * behind.powi(3)
}

/// The ground around the patient: land, or a shore and the water beyond it.
pub fn ground(look: &Look) -> Vec<Mesh> {
    match look.ground {
        Ground::Land(land) => {
            let mut builder = Builder::default();
            disc(
                &mut builder,
                52,
                104,
                |_| GROUND_RADIUS,
                |builder, _, _, point| {
                    builder.vertex(point, land_colour(look, &land, point));
                },
            );
            vec![builder.into_mesh()]
        }
        Ground::Water(water) => vec![shore(look, &water), water_surface(look, &water)],
    }
}

/// How high the shore stands at `reach`, the share of the way from the patient to just past
/// the water's edge: a little above the water by the patient, under it past the edge.
fn shore_profile(reach: f32) -> f32 {
    0.12 * (1.0 - reach) - 0.2 * reach.powi(4)
}

/// The height of the ground under `point` (the water's surface, out on the water).
pub fn ground_height(look: &Look, point: Vec3) -> f32 {
    match look.ground {
        Ground::Land(_) => 0.0,
        Ground::Water(water) => {
            let azimuth = point.x.atan2(-point.z);
            let reach = point.with_y(0.0).length() / (shore_reach(&water, azimuth) + 1.0);
            if reach >= 1.0 {
                WATER_LEVEL
            } else {
                shore_profile(reach).max(WATER_LEVEL - 0.1)
            }
        }
    }
}

/// The shore: the land by the patient, sloping gently down under the water at its edge.
fn shore(look: &Look, water: &Water) -> Mesh {
    let mut builder = Builder::default();
    disc(
        &mut builder,
        24,
        96,
        |azimuth| shore_reach(water, azimuth) + 1.0,
        |builder, _, t, point| {
            let reach = t * t;
            let height = shore_profile(reach);
            let wet = ((reach - 0.8) * 6.0).clamp(0.0, 1.0);
            let colour = mix(land_colour(look, &water.shore, point), water.wet, wet);
            builder.vertex(point + Vec3::Y * height, colour);
        },
    );
    builder.into_mesh()
}

/// The hill colour and angle above the horizon seen towards `azimuth` from the patient, of
/// the nearest hills that rise above `elevation`.
fn hill_in_view(look: &Look, azimuth: f32, elevation: f32) -> Option<Color> {
    look.hills.iter().rev().find_map(|hills| {
        let top = hill_height(hills, azimuth) * hill_taper(hills, azimuth);
        let angle = ((top - EYE_HEIGHT) / hills.distance).atan();
        (elevation < angle).then(|| hill_colour(look, hills, 0.3))
    })
}

/// Open water: its own colour near the shore, mirroring the sky and hills farther out,
/// with a path of light under the sun; it rises and falls with the waves.
fn water_surface(look: &Look, water: &Water) -> Mesh {
    let mut builder = Builder::default();
    disc(
        &mut builder,
        60,
        128,
        |_| GROUND_RADIUS,
        |builder, azimuth, _, point| {
            let distance = point.length();
            // The ray from the eye to this point, bounced up off the water.
            let bounce = (EYE_HEIGHT / distance.max(0.5)).atan();
            let mirrored = hill_in_view(look, azimuth, bounce)
                .unwrap_or_else(|| sky_colour(look, direction(azimuth, bounce)));
            let grazing = 1.0 - bounce / std::f32::consts::FRAC_PI_2;
            let share = water.mirror * grazing.powi(6);
            let colour = mix(water.near, shade(mirrored, 0.85), share);
            let path = glow_amount(look, direction(azimuth, look.sky.glow_direction.1));
            let colour = add(colour, look.sky.glow, 0.3 * path * grazing.powi(8));
            let motion = MotionWeights {
                waves: 1.0,
                phase: 0.9 * distance,
                ..MotionWeights::STILL
            };
            builder.moving_vertex(point + Vec3::Y * WATER_LEVEL, colour, motion);
        },
    );
    builder.into_mesh()
}

/// The height of a ring of hills towards `azimuth`, metres.
pub fn hill_height(hills: &Hills, azimuth: f32) -> f32 {
    let s = hills.seed;
    // Whole-number frequencies keep the ring seamless where it closes.
    let outline = 0.55
        + 0.25 * (2.0 * azimuth + s).sin()
        + 0.15 * (5.0 * azimuth + 1.7 * s).sin()
        + 0.05 * (13.0 * azimuth + 3.1 * s).sin();
    // A treeline: pointed crowns, irregular.
    let crowns = {
        let x = azimuth * 45.0 + (azimuth * 31.0 + s).sin();
        let point = 1.0 - (x.fract() - 0.5).abs() * 2.0;
        let size = 0.6 + 0.4 * (azimuth * 97.0 + 2.0 * s).sin().abs();
        point * point * size
    };
    hills.height * (outline.max(0.05) * (1.0 - 0.5 * hills.jagged) + 0.35 * hills.jagged * crowns)
}

/// How much of their height hills keep towards `azimuth`: all of it in their middle,
/// tapering to nothing at their ends.
fn hill_taper(hills: &Hills, azimuth: f32) -> f32 {
    let (middle, reach) = hills.around;
    if reach >= std::f32::consts::PI {
        return 1.0;
    }
    let off =
        ((azimuth - middle + std::f32::consts::PI).rem_euclid(TAU) - std::f32::consts::PI).abs();
    let t = ((reach - off) / (0.4 * reach)).clamp(0.0, 1.0);
    t * t * (3.0 - 2.0 * t)
}

/// The colour of `hills`, `up` of the way from foot to top, seen through the haze.
fn hill_colour(look: &Look, hills: &Hills, up: f32) -> Color {
    let top = mix(hills.colour, look.sky.horizon, 0.2 * up);
    hazed(look, top, hills.distance)
}

/// A ring of hills on the horizon, fainter the farther it is; the tops catch a little of
/// the glow.
pub fn hills(look: &Look, hills: &Hills) -> Mesh {
    let (middle, reach) = hills.around;
    let share = (reach / std::f32::consts::PI).min(1.0);
    let columns = ((if hills.jagged > 0.0 { 2880.0 } else { 256.0 }) * share).max(16.0) as u32;
    let mut builder = Builder::default();
    for column in 0..columns {
        let reach = reach.min(std::f32::consts::PI);
        let azimuth = middle - reach + 2.0 * reach * column as f32 / (columns - 1) as f32;
        // Below the horizon where they end, so they sink out of sight.
        let height = hill_height(hills, azimuth) * hill_taper(hills, azimuth)
            - 2.0 * (1.0 - hill_taper(hills, azimuth));
        let base = direction(azimuth, 0.0) * hills.distance;
        let glow = glow_amount(look, direction(azimuth, 0.0));
        let top = add(hill_colour(look, hills, 1.0), look.sky.glow, 0.12 * glow);
        builder.vertex(base - Vec3::Y * 5.0, hill_colour(look, hills, 0.0));
        builder.vertex(base + Vec3::Y * height, top);
    }
    for column in 0..columns - 1 {
        let a = column * 2;
        builder
            .indices
            .extend([a, a + 1, a + 2, a + 2, a + 1, a + 3]);
    }
    builder.into_mesh()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::environment::looks::look;

    #[test]
    fn far_things_fade_into_the_horizon() {
        let forest = look("forest-clearing");
        let Ground::Land(land) = forest.ground else {
            panic!("the forest stands on land")
        };
        let near = land_colour(&forest, &land, Vec3::new(0.0, 0.0, -3.0));
        let far = land_colour(
            &forest,
            &land,
            Vec3::new(0.0, 0.0, -3.0 * forest.haze_distance),
        );
        let to_horizon = |colour: Color| {
            let (a, b) = (colour.to_linear(), forest.sky.horizon.to_linear());
            (a.red - b.red).abs() + (a.green - b.green).abs() + (a.blue - b.blue).abs()
        };
        assert!(to_horizon(far) < to_horizon(near) * 0.2);
    }

    #[test]
    fn the_lake_mirrors_its_hills_far_out() {
        let lake = look("dusk-lake");
        let nearest = lake.hills.last().expect("hills");
        // Low over the water towards the hills, their reflection; high up, the sky.
        assert!(hill_in_view(&lake, 0.0, 0.001).is_some());
        assert!(hill_in_view(&lake, 0.0, 0.5).is_none());
        assert!(hill_height(nearest, 0.0) > 0.0);
    }
}
