//! Stroke geometry around a stroke's points, repeated for each symmetry copy: as a solid
//! tube (for export), or as a band the screen turns to face the eye ([`Profile`]). Built
//! incrementally: a new point adds one ring and rewrites only the ring before it (whose
//! direction it settles), and long strokes are cut into pieces of at most [`PIECE_POINTS`]
//! points, so the work for a frame depends on what was painted in that frame, never on the
//! size of the artwork.

use std::collections::VecDeque;
use std::f32::consts::TAU;

use bevy::math::Vec3;

use super::model::{Stroke, StrokePoint, Symmetry};
use super::stroke_shape::{TAPER_POINTS, pressure_width, taper};

/// Corners of each tube's cross-section.
pub const SIDES: usize = 6;
/// The most points one piece holds; a longer stroke continues in a new piece.
pub const PIECE_POINTS: usize = 256;
/// The shape of a stroke's geometry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Profile {
    /// A tube of [`SIDES`] corners around each point: solid geometry, seen the same from
    /// any side (the export).
    Tube,
    /// A band across each point, two vertices wide. Both are placed on their point; the
    /// screen's vertex shader moves them across by their [`TubeMesh::offsets`] in the
    /// direction facing the eye (and, for the painting's glow, further).
    Band,
}

impl Profile {
    /// Vertices per ring per copy.
    pub fn ring_vertices(self) -> usize {
        match self {
            Profile::Tube => SIDES,
            Profile::Band => 2,
        }
    }
}

/// Triangle-list geometry with vertex colours (linear RGBA).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TubeMesh {
    /// Vertex positions, metres.
    pub positions: Vec<[f32; 3]>,
    /// Vertex normals (for a band, the stroke's direction).
    pub normals: Vec<[f32; 3]>,
    /// Vertex colours, linear RGBA.
    pub colours: Vec<[f32; 4]>,
    /// For a band, each vertex's signed distance across the stroke, metres (to be turned to
    /// face the eye), and the radius of the tube it stands for; empty for a tube.
    pub offsets: Vec<[f32; 2]>,
    /// Triangles, three vertex indices each.
    pub indices: Vec<u32>,
}

impl TubeMesh {
    /// The box, least and greatest corners, that holds everything the mesh can draw with its
    /// band's offsets `widened` (1 as it is): each vertex moved in any direction by as far as
    /// its offsets can carry it (across the stroke, and towards the eye). `None` for an empty
    /// mesh.
    pub fn reach(&self, widened: f32) -> Option<(Vec3, Vec3)> {
        let mut reach: Option<(Vec3, Vec3)> = None;
        for (index, position) in self.positions.iter().enumerate() {
            let spread = self.offsets.get(index).map_or(0.0, |[across, radius]| {
                (across.abs() + radius.abs()) * widened.abs()
            });
            let (low, high) = (
                Vec3::from(*position) - spread,
                Vec3::from(*position) + spread,
            );
            reach = Some(reach.map_or((low, high), |(least, most)| {
                (least.min(low), most.max(high))
            }));
        }
        reach
    }

    /// Appends `other`'s triangles.
    pub fn append(&mut self, other: &TubeMesh) {
        let offset = self.positions.len() as u32;
        self.positions.extend_from_slice(&other.positions);
        self.normals.extend_from_slice(&other.normals);
        self.colours.extend_from_slice(&other.colours);
        self.offsets.extend_from_slice(&other.offsets);
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
    profile: Profile,
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
    pub fn new(stroke: &Stroke, profile: Profile) -> Self {
        Self {
            profile,
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
    pub fn build(stroke: &Stroke, profile: Profile) -> Self {
        let mut builder = Self::new(stroke, profile);
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
        self.profile.ring_vertices() * self.symmetry.folds() as usize
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
        for vertex in vertices {
            mesh.positions.push(vertex.position);
            mesh.normals.push(vertex.normal);
            mesh.colours.push(vertex.colour);
            if self.profile == Profile::Band {
                mesh.offsets.push(vertex.offset);
            }
        }
        self.mark_changed(piece);
    }

    fn rewrite(&mut self, ring: &Ring, end_taper: f32) {
        let vertices = self.ring_vertices(ring, end_taper);
        for &(piece, start) in &ring.places {
            let mesh = &mut self.pieces[piece];
            for (at, vertex) in vertices.iter().enumerate() {
                mesh.positions[start + at] = vertex.position;
                mesh.normals[start + at] = vertex.normal;
                if let Some(offset) = mesh.offsets.get_mut(start + at) {
                    *offset = vertex.offset;
                }
            }
            self.mark_changed(piece);
        }
    }

    /// Triangles joining the ring at vertex `from` to the ring at vertex `to`, per copy.
    fn connect(&mut self, piece: usize, from: usize, to: usize) {
        let mesh = &mut self.pieces[piece];
        for copy in 0..self.symmetry.folds() {
            let mirrored = self.symmetry.mirrors(copy);
            let base = copy as usize * self.profile.ring_vertices();
            if self.profile == Profile::Band {
                let [a, b, c, d] =
                    [from, from + 1, to, to + 1].map(|vertex| (vertex + base) as u32);
                mesh.indices.extend_from_slice(&[a, b, c, b, d, c]);
                continue;
            }
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

    /// The ring's vertices for every copy ([`Profile::ring_vertices`] each).
    fn ring_vertices(&self, ring: &Ring, end_taper: f32) -> Vec<RingVertex> {
        let radius =
            self.width / 2.0 * pressure_width(ring.point.pressure) * taper(ring.number) * end_taper;
        let binormal = ring.tangent.cross(ring.normal);
        let [r, g, b] = self.colour;
        let colour = [r, g, b, 1.0];
        let mut vertices = Vec::with_capacity(self.ring_stride());
        for copy in 0..self.symmetry.folds() {
            let centre = self.symmetry.place(copy, ring.point.at);
            match self.profile {
                Profile::Tube => {
                    for side in 0..SIDES {
                        let angle = TAU * side as f32 / SIDES as f32;
                        let outward = ring.normal * angle.cos() + binormal * angle.sin();
                        let outward = self.symmetry.turn(copy, outward);
                        vertices.push(RingVertex {
                            position: (centre + outward * radius).to_array(),
                            normal: outward.to_array(),
                            colour,
                            offset: [0.0; 2],
                        });
                    }
                }
                Profile::Band => {
                    let along = self.symmetry.turn(copy, ring.tangent).to_array();
                    for across in [-radius, radius] {
                        vertices.push(RingVertex {
                            position: centre.to_array(),
                            normal: along,
                            colour,
                            offset: [across, radius],
                        });
                    }
                }
            }
        }
        vertices
    }
}

/// One vertex of a ring; for a band, its normal is the stroke's direction.
struct RingVertex {
    position: [f32; 3],
    normal: [f32; 3],
    colour: [f32; 4],
    offset: [f32; 2],
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
    use crate::artwork::stroke_shape::MIN_PRESSURE_WIDTH;
    use bevy::math::Vec2;

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
            let built = TubeBuilder::build(&stroke(points, folds), Profile::Tube);
            let pieces = points.div_ceil(PIECE_POINTS).max(1);
            assert_eq!(built.pieces().len(), pieces, "{points} points");
            let mut whole = TubeMesh::default();
            for piece in built.pieces() {
                whole.append(piece);
            }
            let stride = SIDES * folds as usize;
            // Each piece after the first repeats the ring where the one before ended.
            let rings = points + pieces - 1;
            assert_eq!(whole.positions.len(), rings * stride, "{points}×{folds}");
            assert_eq!(whole.normals.len(), whole.positions.len());
            assert_eq!(whole.colours.len(), whole.positions.len());
            let segments = rings - pieces;
            assert_eq!(whole.indices.len(), segments * folds as usize * SIDES * 6);
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
        let built = TubeBuilder::build(&line, Profile::Tube);
        let mut rings = Vec::new();
        for piece in built.pieces() {
            for ring in piece.positions.chunks(SIDES) {
                let centre = ring.iter().map(|p| Vec3::from_array(*p)).sum::<Vec3>() / SIDES as f32;
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
        let middle = &built.pieces()[0].positions[100 * SIDES..][..SIDES];
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
        let mut builder = TubeBuilder::new(&line, Profile::Tube);
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
        assert_eq!(
            builder.pieces(),
            TubeBuilder::build(&line, Profile::Tube).pieces()
        );
    }

    #[test]
    fn symmetry_copies_are_the_same_tube_turned() {
        let line = stroke(30, 4);
        let built = TubeBuilder::build(&line, Profile::Tube);
        let ring = &built.pieces()[0].positions[10 * SIDES * 4..][..SIDES * 4];
        for copy in 1..4 {
            for side in 0..SIDES {
                let original = Vec3::from_array(ring[side]);
                let turned = Vec3::from_array(ring[copy * SIDES + side]);
                let expected = Symmetry::new(4).place(copy as u32, original);
                assert!(turned.distance(expected) < 1e-5);
            }
        }
    }

    #[test]
    fn a_tube_is_the_core_alone_facing_outwards() {
        let line = stroke(200, 2);
        let built = TubeBuilder::build(&line, Profile::Tube);
        let core = &built.pieces()[0];
        assert!(core.offsets.is_empty());
        assert!(core.colours.iter().all(|colour| colour[3] == 1.0));
        // Each triangle turns counter-clockwise seen from outside: its face points away
        // from the stroke (the outward side is the front, so only it is drawn).
        for triangle in core.indices.chunks_exact(3) {
            let [a, b, c] =
                [0, 1, 2].map(|k| Vec3::from_array(core.positions[triangle[k] as usize]));
            let face = (b - a).cross(c - a);
            let outward: Vec3 = [0, 1, 2]
                .map(|k| Vec3::from_array(core.normals[triangle[k] as usize]))
                .into_iter()
                .sum();
            assert!(
                face.dot(outward) > 0.0,
                "triangle {triangle:?} faces inwards: {face} vs {outward}"
            );
        }
    }

    #[test]
    fn a_band_is_two_vertices_on_each_point_spread_across_by_their_offsets() {
        let line = stroke(600, 2);
        let built = TubeBuilder::build(&line, Profile::Band);
        let stride = Profile::Band.ring_vertices() * 2;
        let piece = &built.pieces()[0];
        assert_eq!(piece.offsets.len(), piece.positions.len());
        assert_eq!(piece.positions.len(), PIECE_POINTS * stride);
        // Per copy, one band joins each pair of rings: two triangles.
        assert_eq!(piece.indices.len(), (PIECE_POINTS - 1) * 2 * 2 * 3);
        let ring = 100 * stride;
        let radius = 0.01 * pressure_width(0.8);
        for copy in 0..2 {
            let at = Symmetry::new(2).place(copy as u32, line.points[100].at);
            let vertices = ring + copy * Profile::Band.ring_vertices();
            for vertex in vertices..vertices + 2 {
                assert!(Vec3::from_array(piece.positions[vertex]).distance(at) < 1e-6);
                let along = Vec3::from_array(piece.normals[vertex]);
                assert!(
                    (along.length() - 1.0).abs() < 1e-4,
                    "the stroke's direction"
                );
                let [r, g, b] = line.colour.linear();
                assert_eq!(
                    piece.colours[vertex],
                    [r, g, b, 1.0],
                    "the stroke's colour, opaque"
                );
            }
            let offsets = &piece.offsets[vertices..vertices + 2];
            for (offset, expected) in offsets.iter().zip([[-radius, radius], [radius, radius]]) {
                let apart = Vec2::from_array(*offset).distance(Vec2::from_array(expected));
                assert!(apart < 1e-6, "{offsets:?}");
            }
        }
        // The direction follows the stroke: from this point towards the next.
        let towards = (line.points[101].at - line.points[99].at).normalize();
        assert!(Vec3::from_array(piece.normals[ring]).dot(towards) > 0.99);
        // Each triangle spans the band, from one side of the centre line to the other.
        for triangle in piece.indices.chunks_exact(3) {
            let sides: Vec<f32> = triangle
                .iter()
                .map(|&i| piece.offsets[i as usize][0].signum())
                .collect();
            assert!(sides.contains(&-1.0) && sides.contains(&1.0), "{sides:?}");
        }
        // Both tips narrow to nothing.
        assert!(piece.offsets[0][1] < radius * 0.2);
        let last = built.pieces().last().expect("pieces");
        assert!(last.offsets[last.offsets.len() - 1][1] < radius * 0.2);
    }

    #[test]
    fn a_band_built_point_by_point_equals_one_built_at_once() {
        let line = stroke(600, 3);
        let mut builder = TubeBuilder::new(&line, Profile::Band);
        for point in &line.points {
            builder.push(*point);
        }
        builder.finish();
        let built = TubeBuilder::build(&line, Profile::Band);
        assert_eq!(builder.pieces(), built.pieces());
        assert_eq!(built.pieces().len(), 3);
    }

    #[test]
    fn a_bands_reach_holds_every_point_it_can_be_drawn_at_widened_or_not() {
        let line = stroke(200, 1);
        let built = TubeBuilder::build(&line, Profile::Band);
        let band = &built.pieces()[0];
        for widened in [1.0, 2.4] {
            let (least, most) = band.reach(widened).expect("a band has vertices");
            // Where the band shader puts a vertex, for an eye in any of many directions.
            for (index, centre) in band.positions.iter().enumerate() {
                let centre = Vec3::from(*centre);
                let along = Vec3::from(band.normals[index]);
                let [across, radius] = band.offsets[index].map(|offset| offset * widened);
                for eye in [
                    Vec3::X,
                    Vec3::Y,
                    Vec3::Z,
                    Vec3::NEG_Z,
                    Vec3::new(1.0, -2.0, 0.5),
                ] {
                    let side = along.cross(eye).try_normalize().unwrap_or(Vec3::ZERO);
                    let drawn = centre
                        + side * across
                        + eye.normalize() * radius * std::f32::consts::FRAC_PI_4;
                    assert!(drawn.cmpge(least).all() && drawn.cmple(most).all());
                }
            }
            // It reaches no further than the widest band around the stroke's points.
            let widest = widened * 2.0 * line.width;
            let points = line.points.iter().map(|point| point.at);
            let low = points.clone().fold(Vec3::MAX, Vec3::min) - widest;
            let high = points.fold(Vec3::MIN, Vec3::max) + widest;
            assert!(least.cmpge(low).all() && most.cmple(high).all());
        }
        assert_eq!(TubeMesh::default().reach(1.0), None);
    }
}
