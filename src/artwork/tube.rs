//! Stroke geometry: a bright core tube inside a faint wide halo, around a stroke's points,
//! repeated for each symmetry copy. Built incrementally: a new point adds one ring and
//! rewrites only the ring before it (whose direction it settles), and long strokes are cut
//! into pieces of at most [`PIECE_POINTS`] points, so the work for a frame depends on what
//! was painted in that frame, never on the size of the artwork.

use std::collections::VecDeque;
use std::f32::consts::TAU;

use bevy::math::Vec3;

use super::model::{Stroke, StrokePoint, Symmetry};

/// Corners of each tube's cross-section.
pub const SIDES: usize = 6;
/// Vertices per ring per copy: the core's and the halo's.
pub const RING_VERTICES: usize = 2 * SIDES;
/// The most points one piece holds; a longer stroke continues in a new piece.
pub const PIECE_POINTS: usize = 256;
/// Points over which a stroke swells from a fine tip to full width (and narrows at its end).
pub const TAPER_POINTS: usize = 6;
/// The halo's radius relative to the core's.
pub const HALO_SCALE: f32 = 2.4;
/// The core's opacity (drawn opaque on screen) and the halo's. On screen only the halo's
/// side facing the patient is drawn: one layer of 0.26 looks as the front and back layers
/// of 0.14 together did.
pub const CORE_ALPHA: f32 = 1.0;
/// See [`CORE_ALPHA`].
pub const HALO_ALPHA: f32 = 0.26;
/// The narrowest a stroke gets at the lightest pressure, relative to its width.
pub const MIN_PRESSURE_WIDTH: f32 = 0.35;

/// Triangle-list geometry with vertex colours (linear RGBA).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TubeMesh {
    /// Vertex positions, metres.
    pub positions: Vec<[f32; 3]>,
    /// Vertex normals.
    pub normals: Vec<[f32; 3]>,
    /// Vertex colours, linear RGBA.
    pub colours: Vec<[f32; 4]>,
    /// Triangles, three vertex indices each.
    pub indices: Vec<u32>,
}

impl TubeMesh {
    /// The core tube and the halo around it, as two meshes: the core is drawn opaque, the
    /// halo blended over it.
    pub fn layers(&self) -> [TubeMesh; 2] {
        let mut layers = [TubeMesh::default(), TubeMesh::default()];
        let mut moved = vec![u32::MAX; self.positions.len()];
        for (index, position) in self.positions.iter().enumerate() {
            let layer = &mut layers[(index % RING_VERTICES) / SIDES];
            moved[index] = layer.positions.len() as u32;
            layer.positions.push(*position);
            layer.normals.push(self.normals[index]);
            layer.colours.push(self.colours[index]);
        }
        for triangle in self.indices.chunks_exact(3) {
            let layer = (triangle[0] as usize % RING_VERTICES) / SIDES;
            layers[layer]
                .indices
                .extend(triangle.iter().map(|&index| moved[index as usize]));
        }
        layers
    }

    /// Appends `other`'s triangles.
    pub fn append(&mut self, other: &TubeMesh) {
        let offset = self.positions.len() as u32;
        self.positions.extend_from_slice(&other.positions);
        self.normals.extend_from_slice(&other.normals);
        self.colours.extend_from_slice(&other.colours);
        self.indices
            .extend(other.indices.iter().map(|index| index + offset));
    }
}

/// A ring recently written, kept so it can be rewritten when the next point settles its
/// direction or when the stroke ends and its tail narrows.
#[derive(Clone, Debug)]
struct Ring {
    point: StrokePoint,
    /// Which point of the stroke it is.
    number: usize,
    tangent: Vec3,
    normal: Vec3,
    /// Where its vertices are: (piece, first vertex); two places where a piece ends.
    places: Vec<(usize, usize)>,
}

/// Builds one stroke's geometry point by point.
#[derive(Clone, Debug)]
pub struct TubeBuilder {
    colour: [f32; 3],
    width: f32,
    symmetry: Symmetry,
    pieces: Vec<TubeMesh>,
    recent: VecDeque<Ring>,
    points: usize,
    /// The lowest piece changed since [`Self::take_changed`].
    changed_from: Option<usize>,
}

impl TubeBuilder {
    /// A builder for a stroke drawn like `stroke` (its points are not added).
    pub fn new(stroke: &Stroke) -> Self {
        Self {
            colour: stroke.colour.linear(),
            width: stroke.width,
            symmetry: stroke.symmetry,
            pieces: Vec::new(),
            recent: VecDeque::with_capacity(TAPER_POINTS + 2),
            points: 0,
            changed_from: None,
        }
    }

    /// The whole geometry of a finished stroke.
    pub fn build(stroke: &Stroke) -> Self {
        let mut builder = Self::new(stroke);
        for point in &stroke.points {
            builder.push(*point);
        }
        builder.finish();
        builder
    }

    /// The pieces so far.
    pub fn pieces(&self) -> &[TubeMesh] {
        &self.pieces
    }

    /// How many points were added.
    pub fn point_count(&self) -> usize {
        self.points
    }

    /// The pieces changed since the last call (always the last few), or `None`.
    pub fn take_changed(&mut self) -> Option<std::ops::Range<usize>> {
        self.changed_from.take().map(|from| from..self.pieces.len())
    }

    /// Adds the stroke's next point.
    pub fn push(&mut self, point: StrokePoint) {
        let number = self.points;
        self.points += 1;
        let previous = self.recent.back().cloned();
        let tangent = match &previous {
            Some(ring) => direction(ring.point.at, point.at, ring.tangent),
            None => Vec3::X,
        };
        // The ring before now has a neighbour on each side: its direction settles.
        if let Some(mut ring) = previous {
            let before = self.recent.iter().rev().nth(1).map(|ring| ring.point.at);
            ring.tangent = direction(before.unwrap_or(ring.point.at), point.at, ring.tangent);
            ring.normal = transport(ring.normal, ring.tangent);
            self.rewrite(&ring, 1.0);
            if let Some(back) = self.recent.back_mut() {
                *back = ring;
            }
        }
        let normal = match self.recent.back() {
            Some(ring) => transport(ring.normal, tangent),
            None => any_perpendicular(tangent),
        };
        let piece_full = self
            .pieces
            .last()
            .is_none_or(|piece| piece.positions.len() >= PIECE_POINTS * self.ring_stride());
        if piece_full {
            self.start_piece();
        }
        let piece = self.pieces.len() - 1;
        let start = self.pieces[piece].positions.len();
        let ring = Ring {
            point,
            number,
            tangent,
            normal,
            places: vec![(piece, start)],
        };
        self.append_ring(piece, &ring);
        if start > 0 {
            self.connect(piece, start - self.ring_stride(), start);
        }
        self.recent.push_back(ring);
        while self.recent.len() > TAPER_POINTS + 1 {
            self.recent.pop_front();
        }
    }

    /// Ends the stroke: its last points narrow to a soft tip.
    pub fn finish(&mut self) {
        let last = self.points.saturating_sub(1);
        let rings: Vec<Ring> = self.recent.iter().cloned().collect();
        for ring in &rings {
            let from_end = last - ring.number;
            self.rewrite(ring, taper(from_end));
        }
    }

    fn ring_stride(&self) -> usize {
        RING_VERTICES * self.symmetry.folds() as usize
    }

    /// A new piece, starting with a copy of the last ring so the tube stays continuous.
    fn start_piece(&mut self) {
        self.pieces.push(TubeMesh::default());
        let piece = self.pieces.len() - 1;
        self.mark_changed(piece);
        if let Some(mut ring) = self.recent.pop_back() {
            ring.places.push((piece, 0));
            self.append_ring(piece, &ring);
            self.recent.push_back(ring);
        }
    }

    fn mark_changed(&mut self, piece: usize) {
        self.changed_from = Some(self.changed_from.map_or(piece, |from| from.min(piece)));
    }

    fn append_ring(&mut self, piece: usize, ring: &Ring) {
        let vertices = self.ring_vertices(ring, 1.0);
        let mesh = &mut self.pieces[piece];
        for (position, normal, colour) in vertices {
            mesh.positions.push(position);
            mesh.normals.push(normal);
            mesh.colours.push(colour);
        }
        self.mark_changed(piece);
    }

    fn rewrite(&mut self, ring: &Ring, end_taper: f32) {
        let vertices = self.ring_vertices(ring, end_taper);
        for &(piece, start) in &ring.places {
            let mesh = &mut self.pieces[piece];
            for (offset, (position, normal, _)) in vertices.iter().enumerate() {
                mesh.positions[start + offset] = *position;
                mesh.normals[start + offset] = *normal;
            }
            self.mark_changed(piece);
        }
    }

    /// Triangles joining the ring at vertex `from` to the ring at vertex `to`, per copy.
    fn connect(&mut self, piece: usize, from: usize, to: usize) {
        let mesh = &mut self.pieces[piece];
        for copy in 0..self.symmetry.folds() {
            let mirrored = self.symmetry.mirrors(copy);
            for layer in 0..2 {
                let base = copy as usize * RING_VERTICES + layer * SIDES;
                for side in 0..SIDES {
                    let next = (side + 1) % SIDES;
                    let a = (from + base + side) as u32;
                    let b = (from + base + next) as u32;
                    let c = (to + base + side) as u32;
                    let d = (to + base + next) as u32;
                    // Counter-clockwise seen from outside, so the outward side is the front
                    // (a mirror image turns the order round).
                    let triangles = if mirrored {
                        [a, c, b, b, c, d]
                    } else {
                        [a, b, c, b, d, c]
                    };
                    mesh.indices.extend_from_slice(&triangles);
                }
            }
        }
    }

    /// The ring's vertices for every copy: core then halo, [`SIDES`] each.
    fn ring_vertices(&self, ring: &Ring, end_taper: f32) -> Vec<([f32; 3], [f32; 3], [f32; 4])> {
        let radius =
            self.width / 2.0 * pressure_width(ring.point.pressure) * taper(ring.number) * end_taper;
        let binormal = ring.tangent.cross(ring.normal);
        let [r, g, b] = self.colour;
        let mut vertices = Vec::with_capacity(self.ring_stride());
        for copy in 0..self.symmetry.folds() {
            let centre = self.symmetry.place(copy, ring.point.at);
            for (scale, alpha) in [(1.0, CORE_ALPHA), (HALO_SCALE, HALO_ALPHA)] {
                for side in 0..SIDES {
                    let angle = TAU * side as f32 / SIDES as f32;
                    let outward = ring.normal * angle.cos() + binormal * angle.sin();
                    let outward = self.symmetry.turn(copy, outward);
                    let position = centre + outward * radius * scale;
                    vertices.push((position.to_array(), outward.to_array(), [r, g, b, alpha]));
                }
            }
        }
        vertices
    }
}

/// A ring's width relative to the stroke's, for the pressure at its point (before the
/// taper of the tips).
pub fn pressure_width(pressure: f32) -> f32 {
    MIN_PRESSURE_WIDTH + (1.0 - MIN_PRESSURE_WIDTH) * pressure
}

/// 0 at a stroke's tip, rising smoothly to 1 over [`TAPER_POINTS`] points.
pub fn taper(points_from_tip: usize) -> f32 {
    let t = ((points_from_tip + 1) as f32 / TAPER_POINTS as f32).min(1.0);
    t * t * (3.0 - 2.0 * t)
}

/// The direction from `from` to `to`, or `fallback` when they coincide.
fn direction(from: Vec3, to: Vec3, fallback: Vec3) -> Vec3 {
    (to - from).try_normalize().unwrap_or(fallback)
}

/// `normal` carried along to stay perpendicular to `tangent` with the least twist.
fn transport(normal: Vec3, tangent: Vec3) -> Vec3 {
    (normal - tangent * normal.dot(tangent))
        .try_normalize()
        .unwrap_or_else(|| any_perpendicular(tangent))
}

fn any_perpendicular(tangent: Vec3) -> Vec3 {
    tangent.any_orthonormal_vector()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::artwork::model::{CANVAS_CENTRE, Rgb};

    fn stroke(points: usize, symmetry: u32) -> Stroke {
        Stroke {
            colour: Rgb([143, 184, 222]),
            width: 0.02,
            symmetry: Symmetry::new(symmetry),
            points: (0..points)
                .map(|i| {
                    let a = i as f32 * 0.05;
                    StrokePoint {
                        at: CANVAS_CENTRE + Vec3::new(a.cos() * 0.2, a.sin() * 0.2, a * 0.01),
                        pressure: 0.8,
                    }
                })
                .collect(),
        }
    }

    #[test]
    fn each_point_is_one_ring_per_copy_and_each_segment_joins_two_rings() {
        for (points, folds) in [(1, 1), (2, 1), (40, 1), (40, 6), (700, 2)] {
            let built = TubeBuilder::build(&stroke(points, folds));
            let pieces = points.div_ceil(PIECE_POINTS).max(1);
            assert_eq!(built.pieces().len(), pieces, "{points} points");
            let mut whole = TubeMesh::default();
            for piece in built.pieces() {
                whole.append(piece);
            }
            let stride = RING_VERTICES * folds as usize;
            // Each piece after the first repeats the ring where the one before ended.
            let rings = points + pieces - 1;
            assert_eq!(whole.positions.len(), rings * stride, "{points}×{folds}");
            assert_eq!(whole.normals.len(), whole.positions.len());
            assert_eq!(whole.colours.len(), whole.positions.len());
            let segments = rings - pieces;
            assert_eq!(
                whole.indices.len(),
                segments * folds as usize * 2 * SIDES * 6
            );
            assert!(
                whole
                    .indices
                    .iter()
                    .all(|&index| (index as usize) < whole.positions.len())
            );
        }
    }

    #[test]
    fn the_tube_is_continuous_and_hugs_the_stroke() {
        let line = stroke(600, 1);
        let built = TubeBuilder::build(&line);
        let mut rings = Vec::new();
        for piece in built.pieces() {
            for ring in piece.positions.chunks(RING_VERTICES) {
                let core = &ring[..SIDES];
                let centre = core.iter().map(|p| Vec3::from_array(*p)).sum::<Vec3>() / SIDES as f32;
                rings.push(centre);
            }
        }
        // Piece boundaries repeat a ring: both copies sit on the same point.
        rings.dedup_by(|a, b| a.distance(*b) < 1e-6);
        assert_eq!(rings.len(), line.points.len());
        for (centre, point) in rings.iter().zip(&line.points) {
            assert!(
                centre.distance(point.at) < 1e-4,
                "the core is centred on its point"
            );
        }
        for window in rings.windows(2) {
            assert!(
                window[0].distance(window[1]) < 0.011,
                "no jumps between rings"
            );
        }
        // The core's radius follows pressure, full width away from the tips.
        let middle = &built.pieces()[0].positions[100 * RING_VERTICES..][..SIDES];
        let radius = Vec3::from_array(middle[0]).distance(line.points[100].at);
        let expected = 0.01 * (MIN_PRESSURE_WIDTH + (1.0 - MIN_PRESSURE_WIDTH) * 0.8);
        assert!((radius - expected).abs() < 1e-5, "{radius} vs {expected}");
        // And narrows to a soft tip at both ends.
        let tip = Vec3::from_array(built.pieces()[0].positions[0]).distance(line.points[0].at);
        assert!(tip < radius * 0.2, "{tip}");
    }

    #[test]
    fn building_point_by_point_equals_building_at_once_and_touches_only_the_tail() {
        let line = stroke(600, 3);
        let mut builder = TubeBuilder::new(&line);
        for (number, point) in line.points.iter().enumerate() {
            builder.push(*point);
            let changed = builder.take_changed().expect("a point changes the tail");
            assert!(
                changed.start + 2 >= builder.pieces().len(),
                "point {number} changed pieces {changed:?} of {}",
                builder.pieces().len()
            );
        }
        builder.finish();
        assert_eq!(builder.pieces(), TubeBuilder::build(&line).pieces());
    }

    #[test]
    fn symmetry_copies_are_the_same_tube_turned() {
        let line = stroke(30, 4);
        let built = TubeBuilder::build(&line);
        let ring = &built.pieces()[0].positions[10 * RING_VERTICES * 4..][..RING_VERTICES * 4];
        for copy in 1..4 {
            for side in 0..RING_VERTICES {
                let original = Vec3::from_array(ring[side]);
                let turned = Vec3::from_array(ring[copy * RING_VERTICES + side]);
                let expected = Symmetry::new(4).place(copy as u32, original);
                assert!(turned.distance(expected) < 1e-5);
            }
        }
    }

    #[test]
    fn the_core_and_the_halo_part_into_two_meshes_facing_outwards() {
        let line = stroke(200, 2);
        let built = TubeBuilder::build(&line);
        let piece = &built.pieces()[0];
        let [core, halo] = piece.layers();
        assert_eq!(
            core.positions.len() + halo.positions.len(),
            piece.positions.len()
        );
        assert_eq!(core.indices.len() + halo.indices.len(), piece.indices.len());
        assert_eq!(core.indices.len(), halo.indices.len());
        assert!(core.colours.iter().all(|colour| colour[3] == CORE_ALPHA));
        assert!(halo.colours.iter().all(|colour| colour[3] == HALO_ALPHA));
        for layer in [&core, &halo] {
            assert!(
                layer
                    .indices
                    .iter()
                    .all(|&i| (i as usize) < layer.positions.len())
            );
            // Each triangle turns counter-clockwise seen from outside: its face points away
            // from the stroke (the outward side is the front, so only it is drawn).
            for triangle in layer.indices.chunks_exact(3) {
                let [a, b, c] =
                    [0, 1, 2].map(|k| Vec3::from_array(layer.positions[triangle[k] as usize]));
                let face = (b - a).cross(c - a);
                let outward: Vec3 = [0, 1, 2]
                    .map(|k| Vec3::from_array(layer.normals[triangle[k] as usize]))
                    .into_iter()
                    .sum();
                assert!(
                    face.dot(outward) > 0.0,
                    "triangle {triangle:?} faces inwards: {face} vs {outward}"
                );
            }
        }
        // The halo is wider than the core.
        let width = |mesh: &TubeMesh| {
            let centre = line.points[100].at;
            Vec3::from_array(mesh.positions[100 * SIDES * 2]).distance(centre)
        };
        assert!((width(&halo) / width(&core) - HALO_SCALE).abs() < 1e-3);
    }
}
