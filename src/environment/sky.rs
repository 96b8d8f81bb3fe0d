//! The sky: a dome from the horizon up with the glow of a low sun or moon and, at night, the
//! Milky Way; the sun or moon itself with a halo that fades into the sky; the stars, the
//! brightest of which twinkle slowly in the shader.

use std::f32::consts::{FRAC_PI_2, TAU};

use bevy::prelude::*;

use super::builder::{Builder, Seeded, add, direction, mix};
use super::elements::{Disc, Look, MilkyWay, Stars};
use super::motion::MotionWeights;

/// Radius of the sky dome, metres.
pub const SKY_RADIUS: f32 = 450.0;

/// How much of the glow reaches a direction: a soft falloff around the sun or moon.
pub fn glow_amount(look: &Look, towards: Vec3) -> f32 {
    let (azimuth, elevation) = look.sky.glow_direction;
    let angle = towards.angle_between(direction(azimuth, elevation));
    (-(angle / look.sky.glow_spread).powi(2)).exp()
}

/// The pole of the Milky Way's great circle.
fn milky_way_pole(band: &MilkyWay) -> Vec3 {
    Vec3::new(band.tilt.sin(), band.tilt.cos(), 0.35).normalize()
}

/// How much of the Milky Way shows in a direction, 0..1: brightest along its circle,
/// uneven along it, as the real one is.
fn milky_way_amount(band: &MilkyWay, towards: Vec3) -> f32 {
    let off = towards.dot(milky_way_pole(band));
    let along = towards.x.atan2(towards.z);
    let clumps = 0.6 + 0.25 * (3.0 * along).sin() + 0.15 * (7.0 * along + 1.0).sin();
    let rift = 1.0 - 0.5 * (-((off - 0.02) / (0.2 * band.width)).powi(2)).exp();
    (-(off / band.width).powi(2)).exp() * clumps * rift
}

/// The sky colour seen in a direction.
pub fn sky_colour(look: &Look, towards: Vec3) -> Color {
    let height = towards.y.max(0.0).sqrt();
    let base = mix(look.sky.horizon, look.sky.zenith, height);
    let lit = add(base, look.sky.glow, 0.55 * glow_amount(look, towards));
    match look.milky_way {
        // It fades towards the horizon's haze.
        Some(band) => add(
            lit,
            band.colour,
            band.strength * milky_way_amount(&band, towards) * towards.y.clamp(0.0, 0.3) / 0.3,
        ),
        None => lit,
    }
}

/// The inside of a sphere, coloured from horizon to zenith with the glow.
pub fn sky_dome(look: &Look) -> Mesh {
    let (rows, columns) = (44u32, 112u32);
    let mut builder = Builder::default();
    for row in 0..rows {
        // From a little below the horizon (hidden by the ground) up to the zenith, rows
        // closer together low down where the colour changes fastest.
        let t = row as f32 / (rows - 1) as f32;
        let elevation = -0.15 + (FRAC_PI_2 + 0.15) * t * t.sqrt();
        for column in 0..columns {
            let azimuth = TAU * column as f32 / (columns - 1) as f32;
            let towards = direction(azimuth, elevation);
            builder.vertex(towards * SKY_RADIUS, sky_colour(look, towards));
        }
    }
    builder.grid(0, rows, columns);
    builder.flip();
    builder.into_mesh()
}

/// The sun or moon: a disc where the glow is, inside a halo that fades into the sky colour
/// at its rim, so it leaves no edge.
pub fn disc(look: &Look, disc: &Disc) -> Mesh {
    let (azimuth, elevation) = look.sky.glow_direction;
    let towards = direction(azimuth, elevation);
    let side = towards.cross(Vec3::Y).normalize_or(Vec3::X);
    let up = side.cross(towards);
    let distance = SKY_RADIUS - 20.0;
    let segments = 32u32;
    let mut builder = Builder::default();
    let centre = builder.vertex(towards * distance, disc.colour);
    let rings = [
        (disc.radius_degrees, disc.colour, 0.0),
        (disc.radius_degrees * 1.25, disc.halo, 0.0),
        (
            disc.halo_degrees * 0.45,
            mix(disc.halo, look.sky.glow, 0.5),
            0.35,
        ),
        (disc.halo_degrees, Color::NONE, 1.0),
    ];
    for (radius, colour, to_sky) in rings {
        let radius = radius.to_radians();
        for segment in 0..segments {
            let around = TAU * segment as f32 / segments as f32;
            let offset = (side * around.cos() + up * around.sin()) * radius.tan();
            let point = (towards + offset).normalize();
            // A halo's outer rings take on the sky behind them.
            let colour = mix(colour, sky_colour(look, point), to_sky);
            builder.vertex(point * distance, colour);
        }
    }
    for segment in 0..segments {
        let next = (segment + 1) % segments;
        builder.triangle(centre, 1 + segment, 1 + next);
        for ring in 0..3 {
            let inner = 1 + ring * segments;
            let outer = inner + segments;
            builder.triangle(inner + segment, outer + segment, outer + next);
            builder.triangle(inner + segment, outer + next, inner + next);
        }
    }
    builder.into_mesh()
}

/// Small soft points of light on the upper sky, placed the same way every time; with a
/// Milky Way, many gather along it. The bright ones twinkle.
pub fn stars(look: &Look, stars: &Stars) -> Mesh {
    let mut builder = Builder::default();
    let mut random = Seeded::new(0x5eed);
    let total = stars.count + stars.bright;
    let mut placed = 0;
    while placed < total {
        let azimuth = TAU * random.unit();
        let elevation = (0.06 + 0.94 * random.unit()).asin();
        let towards = direction(azimuth, elevation);
        // Along the band, every star is kept; elsewhere a share of them.
        let keep = match look.milky_way {
            Some(band) => 0.35 + 0.65 * milky_way_amount(&band, towards).min(1.0),
            None => 1.0,
        };
        let chance = random.unit();
        let brightness = random.unit();
        let size_jitter = random.unit();
        let phase = TAU * random.unit();
        if chance > keep {
            continue;
        }
        let bright = placed < stars.bright;
        placed += 1;
        let sky = sky_colour(look, towards);
        let (colour, size, twinkle) = if bright {
            (stars.colour, 1.4 + 0.8 * size_jitter, 1.0)
        } else {
            (
                mix(sky, stars.colour, 0.3 + 0.45 * brightness),
                0.6 + 0.6 * size_jitter,
                0.0,
            )
        };
        let motion = MotionWeights {
            twinkle,
            phase,
            ..MotionWeights::STILL
        };
        let centre = towards * (SKY_RADIUS - 5.0);
        let side = towards.any_orthonormal_vector();
        let up = towards.cross(side);
        let first = builder.moving_vertex(centre + side * size, colour, motion);
        builder.moving_vertex(centre + up * size, colour, motion);
        builder.moving_vertex(centre - side * size, colour, motion);
        builder.moving_vertex(centre - up * size, colour, motion);
        builder.triangle(first, first + 1, first + 2);
        builder.triangle(first, first + 2, first + 3);
    }
    builder.into_mesh()
}

#[cfg(test)]
mod tests {
    use std::f32::consts::PI;

    use super::*;
    use crate::environment::looks::look;

    #[test]
    fn sky_gets_darker_towards_the_zenith_at_dusk() {
        let dusk = look("dusk-lake");
        let behind = direction(PI, 0.0);
        let horizon = sky_colour(&dusk, behind).to_linear();
        let zenith = sky_colour(&dusk, Vec3::Y).to_linear();
        assert!(horizon.luminance() > zenith.luminance());
    }

    #[test]
    fn the_milky_way_brightens_its_band_and_not_the_rest_of_the_night() {
        let night = look("night-sky");
        let band = night.milky_way.expect("a night sky has a Milky Way");
        let pole = milky_way_pole(&band);
        let on_band = pole.any_orthonormal_vector();
        let on_band = if on_band.y < 0.0 { -on_band } else { on_band };
        let lifted = |towards: Vec3| {
            let without = Look {
                milky_way: None,
                ..night
            };
            sky_colour(&night, towards).to_linear().luminance()
                - sky_colour(&without, towards).to_linear().luminance()
        };
        if on_band.y > 0.3 {
            assert!(lifted(on_band) > 0.0);
        }
        assert!(lifted(pole) < 1e-4);
    }
}
