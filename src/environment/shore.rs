//! Where land meets water: reeds in clumps along the edge, leaving the view straight ahead
//! open, and lines of foam that wash up the sand and back with each wave.

use std::f32::consts::{PI, TAU};

use bevy::prelude::*;

use super::builder::{Builder, Seeded, direction, mix, shade, vary};
use super::elements::{Foam, Look, Reeds, Water};
use super::land::{WATER_LEVEL, ground_height, hazed, shore_reach};
use super::motion::MotionWeights;

/// Half the angle straight ahead kept clear of reeds, radians.
const OPEN_AHEAD: f32 = 0.42;

/// The reeds of a shore as one mesh: clumps of tall thin leaves, some with a dark seed head.
pub fn reeds(look: &Look, water: &Water, reeds: &Reeds) -> Mesh {
    let mut builder = Builder::default();
    let mut random = Seeded::new(91);
    for _ in 0..reeds.clumps {
        // Either side of the view ahead, thinning towards the back.
        let side = if random.unit() < 0.5 { -1.0 } else { 1.0 };
        let azimuth = side * (OPEN_AHEAD + (PI * 0.55 - OPEN_AHEAD) * random.unit().powf(1.3));
        let distance = shore_reach(water, azimuth) + random.between(-0.8, 0.4);
        let centre = direction(azimuth, 0.0) * distance;
        let phase = 0.2 * (centre.x + centre.z) + random.unit();
        for _ in 0..9 {
            let foot = centre + Vec3::new(random.signed(), 0.0, random.signed()) * 0.3;
            let foot = foot.with_y(ground_height(look, foot).max(WATER_LEVEL));
            let height = reeds.height * random.between(0.55, 1.15);
            let lean = Vec3::new(random.signed(), 0.0, random.signed()) * 0.12;
            let colour = vary(
                reeds.colour,
                10.0 * random.signed(),
                random.between(0.85, 1.2),
            );
            let width = 0.018;
            let across = Vec3::new(-lean.z, 0.0, lean.x).normalize_or(Vec3::X) * width;
            let top = foot + Vec3::Y * height + lean * height;
            let distance = foot.length();
            let motion = |up: f32| MotionWeights {
                sway: 0.6 * up * height,
                phase,
                ..MotionWeights::STILL
            };
            let base = hazed(look, shade(colour, 0.65), distance);
            let a = builder.moving_vertex(foot - across - Vec3::Y * 0.2, base, motion(0.0));
            let b = builder.moving_vertex(foot + across - Vec3::Y * 0.2, base, motion(0.0));
            let tip = hazed(look, vary(colour, -10.0, 1.3), distance);
            let c = builder.moving_vertex(top, tip, motion(1.0));
            builder.triangle(a, b, c);
            if random.unit() < 0.14 {
                // A seed head a little below the tip.
                let head = hazed(look, Color::srgb(0.24, 0.17, 0.12), distance);
                let low = foot + (Vec3::Y + lean) * height * 0.76;
                let high = foot + (Vec3::Y + lean) * height * 0.84;
                let thick = across * 1.3;
                let corners = [low - thick, low + thick, high + thick, high - thick];
                let first = builder.vertex_count();
                for (corner, up) in corners.into_iter().zip([0.76, 0.76, 0.84, 0.84]) {
                    builder.moving_vertex(corner, head, motion(up));
                }
                builder.triangle(first, first + 1, first + 2);
                builder.triangle(first, first + 2, first + 3);
            }
        }
    }
    builder.into_mesh()
}

/// The foam of a beach as one mesh: broken lines along the water's edge, one behind the
/// other, each riding its wave up the sand and back.
pub fn foam(look: &Look, water: &Water, foam: &Foam) -> Mesh {
    let mut builder = Builder::default();
    let mut random = Seeded::new(57);
    let columns = 160u32;
    for line in 0..foam.lines {
        let out = 0.2 + 2.4 * line as f32;
        let seed = random.between(0.0, TAU);
        let first = builder.vertex_count();
        for column in 0..columns {
            // The half of the circle in front, where the water is.
            let azimuth = -PI * 0.6 + PI * 1.2 * column as f32 / (columns - 1) as f32;
            let edge = shore_reach(water, azimuth) + out;
            let breaks =
                0.5 + 0.3 * (9.0 * azimuth + seed).sin() + 0.2 * (23.0 * azimuth - seed).sin();
            let width = (1.0 - 0.25 * line as f32) * breaks.max(0.0).powf(0.7);
            for (across, strength) in [(0.0f32, 1.0f32), (width, 0.35)] {
                let point = direction(azimuth, 0.0) * (edge + across);
                let distance = point.length();
                let colour = mix(water.near, foam.colour, strength * breaks.clamp(0.2, 1.0));
                let motion = MotionWeights {
                    waves: 1.0,
                    phase: 0.9 * distance,
                    ..MotionWeights::STILL
                };
                builder.moving_vertex(
                    point + Vec3::Y * (WATER_LEVEL + 0.02),
                    hazed(look, colour, distance),
                    motion,
                );
            }
        }
        builder.grid(first, columns, 2);
    }
    builder.into_mesh()
}
