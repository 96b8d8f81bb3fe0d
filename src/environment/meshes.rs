//! Procedural meshes for the calm scenes: a gradient sky dome, the ground or water, horizon
//! hills and faint stars. Colours live in the vertices so one unlit material draws them all.

use std::f32::consts::{PI, TAU};

use bevy::asset::RenderAssetUsages;
use bevy::mesh::{Indices, PrimitiveTopology};
use bevy::prelude::*;

use super::looks::{Ground, Hills, Look};

/// Radius of the sky dome, metres.
pub const SKY_RADIUS: f32 = 450.0;
/// Radius of the ground disc, metres.
const GROUND_RADIUS: f32 = 420.0;

/// Vertices and triangles being built.
#[derive(Default)]
struct Builder {
    positions: Vec<[f32; 3]>,
    colours: Vec<[f32; 4]>,
    indices: Vec<u32>,
}

impl Builder {
    fn vertex(&mut self, position: Vec3, colour: Color) -> u32 {
        let index = self.positions.len() as u32;
        self.positions.push(position.to_array());
        self.colours.push(colour.to_linear().to_f32_array());
        index
    }

    /// Connects a grid of `rows` x `columns` vertices starting at `first`.
    fn grid(&mut self, first: u32, rows: u32, columns: u32) {
        for row in 0..rows - 1 {
            for column in 0..columns - 1 {
                let a = first + row * columns + column;
                let b = a + columns;
                self.indices.extend([a, b, a + 1, a + 1, b, b + 1]);
            }
        }
    }

    fn into_mesh(self) -> Mesh {
        let normals = vec![[0.0, 1.0, 0.0]; self.positions.len()];
        Mesh::new(
            PrimitiveTopology::TriangleList,
            RenderAssetUsages::RENDER_WORLD,
        )
        .with_inserted_attribute(Mesh::ATTRIBUTE_POSITION, self.positions)
        .with_inserted_attribute(Mesh::ATTRIBUTE_NORMAL, normals)
        .with_inserted_attribute(Mesh::ATTRIBUTE_COLOR, self.colours)
        .with_inserted_indices(Indices::U32(self.indices))
    }
}

/// Unit direction from the patient for an azimuth (0 = straight ahead, -Z) and elevation.
pub fn direction(azimuth: f32, elevation: f32) -> Vec3 {
    Vec3::new(
        azimuth.sin() * elevation.cos(),
        elevation.sin(),
        -azimuth.cos() * elevation.cos(),
    )
}

fn mix(a: Color, b: Color, t: f32) -> Color {
    a.mix(&b, t.clamp(0.0, 1.0))
}

fn add(a: Color, b: Color, amount: f32) -> Color {
    let (a, b) = (a.to_linear(), b.to_linear());
    Color::LinearRgba(LinearRgba::rgb(
        a.red + b.red * amount,
        a.green + b.green * amount,
        a.blue + b.blue * amount,
    ))
}

/// How much of the glow reaches a direction: a soft falloff around the sun or moon.
fn glow_amount(look: &Look, towards: Vec3) -> f32 {
    let (azimuth, elevation) = look.glow_direction;
    let angle = towards.angle_between(direction(azimuth, elevation));
    (-(angle / look.glow_spread).powi(2)).exp()
}

/// The sky colour seen in a direction.
pub fn sky_colour(look: &Look, towards: Vec3) -> Color {
    let height = towards.y.max(0.0).sqrt();
    let base = mix(look.horizon, look.zenith, height);
    add(base, look.glow, 0.55 * glow_amount(look, towards))
}

/// The inside of a sphere, coloured from horizon to zenith with the glow.
pub fn sky_dome(look: &Look) -> Mesh {
    let (rows, columns) = (40u32, 96u32);
    let mut builder = Builder::default();
    for row in 0..rows {
        // From a little below the horizon (hidden by the ground) up to the zenith.
        let elevation = -0.15 + (PI / 2.0 + 0.15) * row as f32 / (rows - 1) as f32;
        for column in 0..columns {
            let azimuth = TAU * column as f32 / (columns - 1) as f32;
            let towards = direction(azimuth, elevation);
            builder.vertex(towards * SKY_RADIUS, sky_colour(look, towards));
        }
    }
    builder.grid(0, rows, columns);
    // Seen from inside: flip the winding.
    for triangle in builder.indices.chunks_exact_mut(3) {
        triangle.swap(1, 2);
    }
    builder.into_mesh()
}

/// A disc of ground or water around the patient, fading into the horizon haze. Water
/// carries a soft path of reflected glow.
pub fn ground(look: &Look) -> Mesh {
    let (rings, columns) = (48u32, 96u32);
    let mut builder = Builder::default();
    for ring in 0..rings {
        let t = ring as f32 / (rings - 1) as f32;
        let radius = GROUND_RADIUS * t * t;
        for column in 0..columns {
            let azimuth = TAU * column as f32 / (columns - 1) as f32;
            let position = direction(azimuth, 0.0) * radius;
            let haze = (radius / GROUND_RADIUS).sqrt();
            let colour = match look.ground {
                Ground::Water { near } => {
                    let mirrored = sky_colour(look, direction(azimuth, 0.02));
                    let water = mix(near, mirrored, 0.25 + 0.6 * haze);
                    let path = glow_amount(look, direction(azimuth, look.glow_direction.1));
                    add(water, look.glow, 0.35 * path * haze)
                }
                Ground::Land { near } => mix(near, look.horizon, 0.85 * haze * haze),
            };
            builder.vertex(position, colour);
        }
    }
    builder.grid(0, rings, columns);
    builder.into_mesh()
}

/// A ring of soft hills on the horizon; the tops pick up a little of the sky's haze.
pub fn hills(look: &Look, hills: &Hills) -> Mesh {
    let columns = 256u32;
    let mut builder = Builder::default();
    for column in 0..columns {
        let azimuth = TAU * column as f32 / (columns - 1) as f32;
        let s = hills.seed;
        // Whole-number frequencies keep the ring seamless where it closes.
        let outline = 0.55
            + 0.25 * (2.0 * azimuth + s).sin()
            + 0.15 * (5.0 * azimuth + 1.7 * s).sin()
            + 0.05 * (13.0 * azimuth + 3.1 * s).sin();
        let height = hills.height * outline.max(0.05);
        let base = direction(azimuth, 0.0) * hills.distance;
        let top_colour = mix(hills.colour, look.horizon, 0.25);
        builder.vertex(base - Vec3::Y * 5.0, hills.colour);
        builder.vertex(base + Vec3::Y * height, top_colour);
    }
    for column in 0..columns - 1 {
        let a = column * 2;
        // Faces the patient at the centre.
        builder
            .indices
            .extend([a, a + 1, a + 2, a + 2, a + 1, a + 3]);
    }
    builder.into_mesh()
}

/// Small soft points of light on the upper sky, placed the same way every time.
pub fn stars(look: &Look) -> Mesh {
    let mut builder = Builder::default();
    let mut seed = 0x2545_f491_u32;
    let mut random = move || {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        seed as f32 / u32::MAX as f32
    };
    for _ in 0..look.stars {
        let azimuth = TAU * random();
        let elevation = (0.08 + 0.92 * random()).asin();
        let towards = direction(azimuth, elevation);
        let brightness = 0.35 + 0.45 * random();
        let colour = mix(look.zenith, Color::srgb(0.95, 0.95, 1.0), brightness);
        let centre = towards * (SKY_RADIUS - 5.0);
        let side = towards.any_orthonormal_vector();
        let up = towards.cross(side);
        let size = 0.7 + 0.6 * random();
        let first = builder.vertex(centre + side * size, colour);
        builder.vertex(centre + up * size, colour);
        builder.vertex(centre - side * size, colour);
        builder.vertex(centre - up * size, colour);
        builder
            .indices
            .extend([first, first + 1, first + 2, first, first + 2, first + 3]);
    }
    builder.into_mesh()
}

/// Where the trees of a clearing stand: (position on the ground, height).
pub fn tree_positions(count: u32) -> Vec<(Vec3, f32)> {
    (0..count)
        .map(|index| {
            let golden = index as f32 * 2.399_963;
            let ring = 14.0 + 40.0 * ((index * 7919 % count) as f32 / count as f32);
            // Keep the view straight ahead open onto the clearing.
            let azimuth = golden % TAU;
            let ahead = azimuth.cos() > 0.8;
            let distance = if ahead { ring + 30.0 } else { ring };
            let height = 7.0 + 6.0 * ((index * 31 % 17) as f32 / 17.0);
            (direction(azimuth, 0.0) * distance, height)
        })
        .collect()
}

#[cfg(test)]
mod tests {
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
    fn meshes_are_well_formed() {
        let dusk = look("night-sky");
        for mesh in [
            sky_dome(&dusk),
            ground(&dusk),
            hills(&dusk, &dusk.hills[0]),
            stars(&dusk),
        ] {
            let count = mesh.count_vertices() as u32;
            let indices = mesh
                .indices()
                .map(|indices| indices.iter().collect::<Vec<_>>());
            let indices = indices.unwrap_or_default();
            assert!(!indices.is_empty());
            assert_eq!(indices.len() % 3, 0);
            assert!(indices.iter().all(|&index| (index as u32) < count));
        }
    }
}
