//! Trees: a trunk and a crown of layered, irregular parts, each tree of its own seeded size,
//! hue and lean, lit on the side that faces the sun and fading into the haze with distance.
//! All the trees of a scene are one mesh; their crowns sway with the breeze.

use std::f32::consts::TAU;

use bevy::prelude::*;

use super::builder::{Builder, Seeded, direction, mix, shade, vary};
use super::elements::{Look, Trees};
use super::land::hazed;
use super::motion::MotionWeights;

/// One tree, as placed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Tree {
    /// Where its trunk meets the ground.
    pub foot: Vec3,
    /// Its height, metres.
    pub height: f32,
    /// A pointed fir, or a rounder broadleaf tree.
    pub fir: bool,
    /// How far it leans, as a small horizontal offset of its top per metre of height.
    pub lean: Vec2,
    /// Its crown's colour.
    pub crown: Color,
    /// Its own number, which varies its shape.
    pub seed: u32,
}

/// Where the trees of a clearing stand and what each is like, the same every time.
pub fn place(trees: &Trees) -> Vec<Tree> {
    let mut random = Seeded::new(trees.seed);
    (0..trees.count)
        .map(|index| {
            let azimuth = (index as f32 * 2.399_963 + 0.3 * random.signed()).rem_euclid(TAU);
            let (near, far) = trees.distance;
            let mut distance = near + (far - near) * random.unit().sqrt();
            // Straight ahead the clearing opens out: trees stand farther back.
            let ahead = (azimuth + std::f32::consts::PI).rem_euclid(TAU) - std::f32::consts::PI;
            if ahead.abs() < trees.open_ahead {
                distance += 0.6 * far;
            }
            let height = random.between(trees.height.0, trees.height.1);
            let fir = random.unit() < trees.firs;
            let lean = Vec2::new(random.signed(), random.signed()) * 0.05;
            let crown = vary(
                trees.crown,
                trees.hue_spread * random.signed(),
                random.between(0.8, 1.2),
            );
            Tree {
                foot: direction(azimuth, 0.0) * distance,
                height,
                fir,
                lean,
                crown,
                seed: trees.seed.wrapping_mul(1000).wrapping_add(index),
            }
        })
        .collect()
}

/// All the trees of `trees` as one mesh.
pub fn mesh(look: &Look, trees: &Trees) -> Mesh {
    let mut builder = Builder::default();
    for tree in place(trees) {
        add_tree(&mut builder, look, trees, &tree);
    }
    builder.into_mesh()
}

/// Adds the vertices of one part of a tree: leaning, swaying by height, hazed.
struct TreeBuilder<'a> {
    builder: &'a mut Builder,
    look: &'a Look,
    tree: &'a Tree,
    phase: f32,
    sun: Vec3,
}

impl TreeBuilder<'_> {
    /// A point of the tree, given from its foot before it leans; `outward` is the way its
    /// surface faces there, for the light.
    fn vertex(&mut self, local: Vec3, outward: Vec3, colour: Color) -> u32 {
        let up = local.y / self.tree.height;
        let lean = self.tree.lean * local.y;
        let position = self.tree.foot + local + Vec3::new(lean.x, 0.0, lean.y);
        let lit = 0.82 + 0.3 * outward.normalize_or_zero().dot(self.sun).max(-0.5);
        let colour = hazed(self.look, shade(colour, lit), position.length());
        let motion = MotionWeights {
            sway: (up.powf(1.5) * self.tree.height / 15.0).min(1.0),
            phase: self.phase,
            ..MotionWeights::STILL
        };
        self.builder.moving_vertex(position, colour, motion)
    }
}

fn add_tree(builder: &mut Builder, look: &Look, trees: &Trees, tree: &Tree) {
    let mut random = Seeded::new(tree.seed);
    let (sun_azimuth, sun_elevation) = look.sky.glow_direction;
    let mut parts = TreeBuilder {
        builder,
        look,
        tree,
        // A breeze crosses the clearing: neighbours sway nearly together.
        phase: 0.05 * (tree.foot.x + tree.foot.z) + 0.6 * random.unit(),
        sun: direction(sun_azimuth, sun_elevation),
    };
    let height = tree.height;
    // The trunk: a tapering five-sided post.
    let trunk_top = if tree.fir { 0.35 } else { 0.5 } * height;
    let radius = 0.1 + 0.018 * height;
    let trunk = vary(
        trees.trunk,
        8.0 * random.signed(),
        random.between(0.85, 1.15),
    );
    let sides = 5u32;
    let first = parts.builder.vertex_count();
    for side in 0..sides {
        let around = TAU * side as f32 / sides as f32;
        let out = Vec3::new(around.cos(), 0.0, around.sin());
        parts.vertex(out * radius - Vec3::Y * 0.3, out, shade(trunk, 0.8));
        parts.vertex(out * radius * 0.55 + Vec3::Y * trunk_top, out, trunk);
    }
    for side in 0..sides {
        let (a, b) = (first + side * 2, first + ((side + 1) % sides) * 2);
        parts.builder.triangle(a, b, a + 1);
        parts.builder.triangle(a + 1, b, b + 1);
    }
    if tree.fir {
        add_fir_crown(&mut parts, &mut random);
    } else {
        add_broadleaf_crown(&mut parts, &mut random);
    }
}

/// Tiers of drooping, ragged cones, narrowing to the top.
fn add_fir_crown(parts: &mut TreeBuilder, random: &mut Seeded) {
    let height = parts.tree.height;
    let crown = parts.tree.crown;
    let tiers = 4;
    let spokes = 9u32;
    let mut base = 0.24 * height;
    for tier in 0..tiers {
        let left = 1.0 - tier as f32 / tiers as f32;
        let tier_height = (height - base) * if tier == tiers - 1 { 1.0 } else { 0.55 };
        let radius = height * (0.1 + 0.16 * left) * random.between(0.85, 1.15);
        let tip_colour = vary(crown, 6.0, 1.18);
        let apex = parts.vertex(Vec3::Y * (base + tier_height), Vec3::Y, tip_colour);
        let under = parts.vertex(
            Vec3::Y * (base + 0.3 * tier_height),
            -Vec3::Y,
            shade(crown, 0.5),
        );
        let first = parts.builder.vertex_count();
        for spoke in 0..spokes {
            let around = TAU * (spoke as f32 + 0.3 * random.signed()) / spokes as f32;
            let out = Vec3::new(around.cos(), 0.0, around.sin());
            let reach = radius * random.between(0.75, 1.15);
            let droop = random.between(-0.1, 0.08) * tier_height;
            let colour = mix(shade(crown, 0.75), crown, random.unit());
            parts.vertex(
                out * reach + Vec3::Y * (base + droop),
                out + Vec3::Y * 0.3,
                colour,
            );
        }
        for spoke in 0..spokes {
            let (a, b) = (first + spoke, first + (spoke + 1) % spokes);
            parts.builder.triangle(apex, a, b);
            parts.builder.triangle(under, b, a);
        }
        base += tier_height * 0.62;
    }
}

/// A few overlapping rough lumps, darker beneath, lighter on top.
fn add_broadleaf_crown(parts: &mut TreeBuilder, random: &mut Seeded) {
    let height = parts.tree.height;
    let crown = parts.tree.crown;
    let middle = Vec3::Y * height * 0.68;
    let size = height * 0.22;
    let lumps = 5;
    for lump in 0..lumps {
        let around = TAU * lump as f32 / lumps as f32 + random.signed();
        let centre = if lump == 0 {
            middle + Vec3::Y * size * 0.5
        } else {
            middle + Vec3::new(around.cos(), random.between(-0.5, 0.2), around.sin()) * size * 0.8
        };
        let radius = size * random.between(0.75, 1.05);
        let hue = vary(crown, 5.0 * random.signed(), random.between(0.9, 1.1));
        add_lump(
            parts,
            random,
            centre,
            Vec3::new(radius, radius * 0.95, radius),
            hue,
        );
    }
}

/// A rough ellipsoid of `radii` about `centre`: seven around, three bands, darker beneath.
fn add_lump(
    parts: &mut TreeBuilder,
    random: &mut Seeded,
    centre: Vec3,
    radii: Vec3,
    colour: Color,
) {
    let around = 7u32;
    let top = parts.vertex(centre + Vec3::Y * radii.y, Vec3::Y, vary(colour, 6.0, 1.2));
    let bottom = parts.vertex(
        centre - Vec3::Y * radii.y * 0.8,
        -Vec3::Y,
        shade(colour, 0.5),
    );
    let bands = [(0.7f32, 0.7f32), (0.1, 1.0), (-0.5, 0.8)];
    let first = parts.builder.vertex_count();
    for (band, (up, out)) in bands.into_iter().enumerate() {
        for step in 0..around {
            let angle = TAU * (step as f32 + 0.5 * band as f32) / around as f32;
            let normal = Vec3::new(angle.cos() * out, up, angle.sin() * out);
            let bulge = random.between(0.85, 1.15);
            let point = centre + normal * radii * bulge;
            let colour = shade(colour, 0.85 + 0.3 * up + 0.08 * random.signed());
            parts.vertex(point, normal, colour);
        }
    }
    let ring = |band: u32, step: u32| first + band * around + step % around;
    for step in 0..around {
        parts
            .builder
            .triangle(top, ring(0, step), ring(0, step + 1));
        for band in 0..2 {
            // Each band is turned half a step from the one above.
            parts
                .builder
                .triangle(ring(band, step), ring(band + 1, step), ring(band, step + 1));
            parts.builder.triangle(
                ring(band, step + 1),
                ring(band + 1, step),
                ring(band + 1, step + 1),
            );
        }
        parts
            .builder
            .triangle(bottom, ring(2, step + 1), ring(2, step));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::environment::looks::look;

    #[test]
    fn the_same_seed_grows_the_same_trees_and_they_vary() {
        let forest = look("forest-clearing");
        let trees = forest.trees.expect("a forest has trees");
        assert_eq!(
            mesh(&forest, &trees).count_vertices(),
            mesh(&forest, &trees).count_vertices()
        );
        let placed = place(&trees);
        assert_eq!(placed, place(&trees));
        let heights: Vec<f32> = placed.iter().map(|tree| tree.height).collect();
        let lowest = heights.iter().copied().fold(f32::MAX, f32::min);
        let highest = heights.iter().copied().fold(0.0, f32::max);
        assert!(highest - lowest > 4.0, "{lowest}..{highest}");
        assert!(placed.iter().any(|tree| tree.fir) && placed.iter().any(|tree| !tree.fir));
        let reseeded = Trees { seed: 4, ..trees };
        assert_ne!(place(&reseeded), placed);
    }

    #[test]
    fn the_view_ahead_stays_open() {
        let forest = look("forest-clearing");
        let trees = forest.trees.expect("a forest has trees");
        for tree in place(&trees) {
            let azimuth = tree.foot.x.atan2(-tree.foot.z);
            if azimuth.abs() < trees.open_ahead {
                assert!(tree.foot.length() > trees.distance.0 + 0.5 * trees.distance.1);
            }
        }
    }
}
