//! What every scene mesh is built with: vertices with their colour and motion, a seeded
//! source of variation (so the same scene is the same every time), and the few colour
//! sums the elements share.

use bevy::asset::RenderAssetUsages;
use bevy::mesh::{Indices, MeshVertexAttribute, PrimitiveTopology};
use bevy::prelude::*;
use bevy::render::render_resource::VertexFormat;

use super::motion::MotionWeights;

/// Each vertex's [`MotionWeights`]: sway, waves, twinkle and phase.
pub const ATTRIBUTE_MOTION: MeshVertexAttribute =
    MeshVertexAttribute::new("SceneMotion", 511_927_403, VertexFormat::Float32x4);

/// Vertices and triangles being built into one mesh: a whole element of a scene (all its
/// trees, all its grass) is one mesh, drawn at once.
#[derive(Default, Debug, Clone, PartialEq)]
pub struct Builder {
    positions: Vec<[f32; 3]>,
    colours: Vec<[f32; 4]>,
    motions: Vec<[f32; 4]>,
    /// The triangles, three vertex indices each.
    pub indices: Vec<u32>,
}

impl Builder {
    /// Adds a still vertex and returns its index.
    pub fn vertex(&mut self, position: Vec3, colour: Color) -> u32 {
        self.moving_vertex(position, colour, MotionWeights::STILL)
    }

    /// Adds a vertex that moves with the scene's motion and returns its index.
    pub fn moving_vertex(&mut self, position: Vec3, colour: Color, motion: MotionWeights) -> u32 {
        let index = self.positions.len() as u32;
        self.positions.push(position.to_array());
        self.colours.push(colour.to_linear().to_f32_array());
        self.motions.push(motion.to_array());
        index
    }

    /// Adds a triangle.
    pub fn triangle(&mut self, a: u32, b: u32, c: u32) {
        self.indices.extend([a, b, c]);
    }

    /// Connects a grid of `rows` x `columns` vertices starting at `first`.
    pub fn grid(&mut self, first: u32, rows: u32, columns: u32) {
        for row in 0..rows.saturating_sub(1) {
            for column in 0..columns.saturating_sub(1) {
                let a = first + row * columns + column;
                let b = a + columns;
                self.indices.extend([a, b, a + 1, a + 1, b, b + 1]);
            }
        }
    }

    /// How many vertices so far.
    pub fn vertex_count(&self) -> u32 {
        self.positions.len() as u32
    }

    /// How many triangles so far.
    pub fn triangle_count(&self) -> usize {
        self.indices.len() / 3
    }

    /// Reverses the winding of every triangle (a dome seen from inside).
    pub fn flip(&mut self) {
        for triangle in self.indices.chunks_exact_mut(3) {
            triangle.swap(1, 2);
        }
    }

    /// The mesh, for the scene's material.
    pub fn into_mesh(self) -> Mesh {
        let normals = vec![[0.0, 1.0, 0.0]; self.positions.len()];
        Mesh::new(
            PrimitiveTopology::TriangleList,
            RenderAssetUsages::RENDER_WORLD,
        )
        .with_inserted_attribute(Mesh::ATTRIBUTE_POSITION, self.positions)
        .with_inserted_attribute(Mesh::ATTRIBUTE_NORMAL, normals)
        .with_inserted_attribute(Mesh::ATTRIBUTE_COLOR, self.colours)
        .with_inserted_attribute(ATTRIBUTE_MOTION, self.motions)
        .with_inserted_indices(Indices::U32(self.indices))
    }
}

/// A repeatable stream of pseudo-random numbers: the same seed gives the same scene.
#[derive(Clone, Debug)]
pub struct Seeded(u32);

impl Seeded {
    /// A stream starting from `seed`.
    pub fn new(seed: u32) -> Self {
        Self(seed.wrapping_mul(0x9E37_79B9) ^ 0x2545_F491 | 1)
    }

    /// The next number in 0..1.
    pub fn unit(&mut self) -> f32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 17;
        self.0 ^= self.0 << 5;
        (self.0 >> 8) as f32 / (1u32 << 24) as f32
    }

    /// The next number between `low` and `high`.
    pub fn between(&mut self, low: f32, high: f32) -> f32 {
        low + (high - low) * self.unit()
    }

    /// The next number in -1..1.
    pub fn signed(&mut self) -> f32 {
        2.0 * self.unit() - 1.0
    }
}

/// Smooth value noise on the ground plane: soft patches about `scale` metres across, 0..1.
pub fn patches(x: f32, z: f32, scale: f32, seed: f32) -> f32 {
    let (x, z) = (x / scale, z / scale);
    let wave = (x * 1.0 + seed).sin() * (z * 1.3 - seed).cos()
        + 0.6 * (x * 2.3 - z * 1.7 + 2.0 * seed).sin()
        + 0.35 * (x * 4.1 + z * 3.7 + 3.0 * seed).cos();
    (0.5 + wave / 3.9).clamp(0.0, 1.0)
}

/// Unit direction from the patient for an azimuth (0 = straight ahead, -Z, + to the right)
/// and an elevation.
pub fn direction(azimuth: f32, elevation: f32) -> Vec3 {
    Vec3::new(
        azimuth.sin() * elevation.cos(),
        elevation.sin(),
        -azimuth.cos() * elevation.cos(),
    )
}

/// `a` turning into `b` as `t` goes from 0 to 1.
pub fn mix(a: Color, b: Color, t: f32) -> Color {
    a.mix(&b, t.clamp(0.0, 1.0))
}

/// `a` with `amount` of light `b` added.
pub fn add(a: Color, b: Color, amount: f32) -> Color {
    let (a, b) = (a.to_linear(), b.to_linear());
    Color::LinearRgba(LinearRgba::rgb(
        a.red + b.red * amount,
        a.green + b.green * amount,
        a.blue + b.blue * amount,
    ))
}

/// `colour` with its lightness times `factor`.
pub fn shade(colour: Color, factor: f32) -> Color {
    let linear = colour.to_linear();
    Color::LinearRgba(LinearRgba::rgb(
        linear.red * factor,
        linear.green * factor,
        linear.blue * factor,
    ))
}

/// `colour` turned round the hue wheel by `degrees` and its lightness times `factor`.
pub fn vary(colour: Color, degrees: f32, factor: f32) -> Color {
    let hsl = Hsla::from(colour);
    Color::Hsla(Hsla {
        hue: (hsl.hue + degrees).rem_euclid(360.0),
        lightness: (hsl.lightness * factor).clamp(0.0, 1.0),
        ..hsl
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_numbers_and_they_stay_in_range() {
        let (mut a, mut b, mut other) = (Seeded::new(7), Seeded::new(7), Seeded::new(8));
        let first: Vec<f32> = (0..1000).map(|_| a.unit()).collect();
        let again: Vec<f32> = (0..1000).map(|_| b.unit()).collect();
        let different: Vec<f32> = (0..1000).map(|_| other.unit()).collect();
        assert_eq!(first, again);
        assert_ne!(first, different);
        assert!(first.iter().all(|value| (0.0..1.0).contains(value)));
        let mean = first.iter().sum::<f32>() / 1000.0;
        assert!((0.45..0.55).contains(&mean), "{mean}");
    }
}
