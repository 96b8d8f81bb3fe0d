//! What grows and lies near the patient: tufts of grass, flowers on their stems, stones.
//! Thick close by and thinning with distance, kept low straight ahead where the words and
//! the pacer are, and only on land. Grass and flowers sway with the breeze.

use std::f32::consts::{PI, TAU};

use bevy::prelude::*;

use super::builder::{Builder, Seeded, direction, mix, shade, vary};
use super::elements::{Cover, Ground, Look};
use super::land::{ground_height, hazed, shore_reach};
use super::motion::MotionWeights;

/// The nearest anything grows to the patient, metres: their own feet stay clear.
const NEAREST: f32 = 1.3;

/// The signed angle of `azimuth` from straight ahead, -π..π.
fn from_ahead(azimuth: f32) -> f32 {
    (azimuth + PI).rem_euclid(TAU) - PI
}

/// A place on the ground near the patient, denser close by: (azimuth, distance), or `None`
/// when it falls in the water.
fn spot(look: &Look, random: &mut Seeded, reach: f32) -> Option<(f32, f32)> {
    let azimuth = TAU * random.unit();
    let distance = NEAREST + (reach - NEAREST) * random.unit().powf(1.6);
    match look.ground {
        Ground::Water(water) if distance > shore_reach(&water, azimuth) - 0.6 => None,
        _ => Some((azimuth, distance)),
    }
}

/// How tall things may grow towards `azimuth` at `distance`: lower in front of the patient,
/// where the pacer and the board are.
fn height_allowed(azimuth: f32, distance: f32) -> f32 {
    let ahead = from_ahead(azimuth).abs();
    if ahead < 0.6 && distance < 7.0 {
        0.45
    } else {
        1.0
    }
}

/// Adds one blade from `foot`, leaning `lean`, `height` tall; its tip sways.
fn blade(
    builder: &mut Builder,
    look: &Look,
    foot: Vec3,
    lean: Vec3,
    height: f32,
    (base, tip): (Color, Color),
    phase: f32,
) {
    let width = 0.012 + 0.02 * height;
    let side = Vec3::new(-lean.z, 0.0, lean.x).normalize_or(Vec3::X) * width;
    let distance = foot.length();
    let still = MotionWeights {
        phase,
        ..MotionWeights::STILL
    };
    let swaying = MotionWeights {
        sway: 0.5 * height,
        ..still
    };
    let a = builder.moving_vertex(foot - side, hazed(look, base, distance), still);
    let b = builder.moving_vertex(foot + side, hazed(look, base, distance), still);
    let top = foot + Vec3::Y * height + lean * height;
    let c = builder.moving_vertex(top, hazed(look, tip, distance), swaying);
    builder.triangle(a, b, c);
}

/// The grass and flowers of `cover` as one mesh.
pub fn growth(look: &Look, cover: &Cover) -> Mesh {
    let mut builder = Builder::default();
    let mut random = Seeded::new(cover.seed);
    let tip = vary(cover.grass, -12.0, 1.45);
    for _ in 0..cover.tufts {
        let Some((azimuth, distance)) = spot(look, &mut random, cover.reach) else {
            continue;
        };
        let centre = direction(azimuth, 0.0) * distance;
        let centre = centre.with_y(ground_height(look, centre));
        let tall = cover.height * height_allowed(azimuth, distance) * random.between(0.6, 1.2);
        let hue = vary(
            cover.grass,
            8.0 * random.signed(),
            random.between(0.85, 1.15),
        );
        let phase = 0.15 * (centre.x + centre.z) + random.unit();
        for _ in 0..5 {
            let foot = centre + Vec3::new(random.signed(), 0.0, random.signed()) * 0.07;
            let lean = Vec3::new(random.signed(), 0.0, random.signed()) * 0.3;
            let height = tall * random.between(0.6, 1.0);
            let colours = (shade(hue, 0.7), mix(hue, tip, random.unit()));
            blade(&mut builder, look, foot, lean, height, colours, phase);
        }
    }
    for index in 0..cover.flowers {
        let Some((azimuth, distance)) = spot(look, &mut random, cover.reach * 0.8) else {
            continue;
        };
        let foot = direction(azimuth, 0.0) * distance;
        let foot = foot.with_y(ground_height(look, foot));
        let height = cover.height * height_allowed(azimuth, distance) * random.between(0.5, 1.0);
        let lean = Vec3::new(random.signed(), 0.0, random.signed()) * 0.15;
        let phase = 0.15 * (foot.x + foot.z) + random.unit();
        let stem = shade(cover.grass, 0.9);
        blade(&mut builder, look, foot, lean, height, (stem, stem), phase);
        let colours = cover.flower_colours;
        let petals = colours[index as usize % colours.len().max(1)];
        let head = foot + Vec3::Y * height + lean * height;
        let size = random.between(0.03, 0.055);
        flower_head(&mut builder, look, head, size, petals, 0.5 * height, phase);
    }
    builder.into_mesh()
}

/// A flower's head: five petals round a warm centre, facing up and a little to the patient.
fn flower_head(
    builder: &mut Builder,
    look: &Look,
    head: Vec3,
    size: f32,
    petals: Color,
    sway: f32,
    phase: f32,
) {
    let distance = head.length();
    let motion = MotionWeights {
        sway,
        phase,
        ..MotionWeights::STILL
    };
    let towards = (-head.with_y(0.0)).normalize_or(Vec3::Z) * 0.4 + Vec3::Y;
    let side = towards.cross(Vec3::X).normalize_or(Vec3::Z);
    let up = side.cross(towards.normalize());
    let heart = mix(petals, Color::srgb(0.85, 0.7, 0.3), 0.6);
    let centre = builder.moving_vertex(head, hazed(look, heart, distance), motion);
    let first = builder.vertex_count();
    for petal in 0..10u32 {
        let angle = TAU * petal as f32 / 10.0;
        let reach = if petal % 2 == 0 { size } else { size * 0.45 };
        let point = head + (side * angle.cos() + up * angle.sin()) * reach;
        let colour = if petal % 2 == 0 {
            petals
        } else {
            shade(petals, 0.8)
        };
        builder.moving_vertex(point, hazed(look, colour, distance), motion);
    }
    for petal in 0..10u32 {
        builder.triangle(centre, first + petal, first + (petal + 1) % 10);
    }
}

/// The stones of `cover` as one mesh: low rounded shapes, lighter on top.
pub fn stones(look: &Look, cover: &Cover) -> Mesh {
    let mut builder = Builder::default();
    let mut random = Seeded::new(cover.seed.wrapping_add(77));
    for _ in 0..cover.stones {
        let Some((azimuth, distance)) = spot(look, &mut random, cover.reach) else {
            continue;
        };
        let centre = direction(azimuth, 0.0) * (distance + 0.8);
        let centre = centre.with_y(ground_height(look, centre));
        let width = random.between(0.12, 0.45) * height_allowed(azimuth, distance).sqrt();
        let height = width * random.between(0.35, 0.7);
        let colour = vary(
            cover.stone,
            10.0 * random.signed(),
            random.between(0.85, 1.15),
        );
        let around = 8u32;
        let top = builder.vertex(
            centre + Vec3::Y * height,
            hazed(look, vary(colour, 0.0, 1.1), distance),
        );
        let first = builder.vertex_count();
        for (band, (up, out)) in [(0.0f32, 1.0f32), (0.7, 0.8)].into_iter().enumerate() {
            for step in 0..around {
                let angle = TAU * (step as f32 + 0.5 * band as f32) / around as f32;
                let bulge = random.between(0.8, 1.2);
                let point = centre
                    + Vec3::new(
                        angle.cos() * width * out * bulge,
                        up * height - 0.05,
                        angle.sin() * width * out * bulge * 0.8,
                    );
                let shade_by = if band == 0 { 0.65 } else { 0.95 };
                builder.vertex(point, hazed(look, shade(colour, shade_by), distance));
            }
        }
        for step in 0..around {
            let next = (step + 1) % around;
            let (low, high) = (first, first + around);
            builder.triangle(low + step, high + step, low + next);
            builder.triangle(low + next, high + step, high + next);
            builder.triangle(top, high + next, high + step);
        }
    }
    builder.into_mesh()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::environment::looks::look;

    #[test]
    fn grass_stays_low_in_front_of_the_patient_and_on_the_shore() {
        for id in ["meadow-afternoon", "dusk-lake"] {
            let scene = look(id);
            let cover = scene.cover.expect("cover");
            let mesh = growth(&scene, &cover);
            let Some(positions) = mesh
                .attribute(Mesh::ATTRIBUTE_POSITION)
                .and_then(|positions| positions.as_float3())
            else {
                panic!("{id}: no positions")
            };
            for position in positions {
                let point = Vec3::from_array(*position);
                let azimuth = point.x.atan2(-point.z);
                let flat = point.with_y(0.0).length();
                let above_ground = point.y - ground_height(&scene, point);
                if azimuth.abs() < 0.5 && flat < 6.5 {
                    assert!(
                        above_ground < 0.55 * cover.height,
                        "{id}: {point} rises into the words"
                    );
                }
                if let Ground::Water(water) = scene.ground {
                    assert!(
                        flat < shore_reach(&water, azimuth) + 0.5,
                        "{id}: grass in the water at {point}"
                    );
                }
            }
        }
    }
}
