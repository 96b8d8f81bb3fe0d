//! Stroke geometry around a stroke's points, repeated for each symmetry copy: as a solid
//! tube of the core alone (for export), or as bands the screen turns to face the eye, a
//! bright core inside a faint wide halo ([`Profile`]). Built incrementally: a new point
//! adds one ring and rewrites only the ring before it (whose direction it settles), and
//! long strokes are cut into pieces of at most [`PIECE_POINTS`] points, so the work for a
//! frame depends on what was painted in that frame, never on the size of the artwork.

use std::collections::VecDeque;
use std::f32::consts::TAU;

use bevy::math::Vec3;

use super::model::{Stroke, StrokePoint, Symmetry};

/// Corners of each tube's cross-section.
pub const SIDES: usize = 6;
/// The most points one piece holds; a longer stroke continues in a new piece.
pub const PIECE_POINTS: usize = 256;
/// Points over which a stroke swells from a fine tip to full width (and narrows at its end).
pub const TAPER_POINTS: usize = 6;
/// The halo's radius relative to the core's.
pub const HALO_SCALE: f32 = 2.4;
/// Where a band's halo begins, relative to the core's radius.
const HALO_INNER: f32 = 0.9;
/// The core's opacity (drawn opaque on screen) and the halo's. On screen only the halo's
/// side facing the patient is drawn: one layer of 0.26 looks as the front and back layers
/// of 0.14 together did.
pub const CORE_ALPHA: f32 = 1.0;
/// See [`CORE_ALPHA`].
pub const HALO_ALPHA: f32 = 0.26;
/// How far a lean stroke's tube (on screen and in the export) may stray from the painted
/// one, metres: its centre line, and its radius.
pub const LEAN_TOLERANCE: f32 = 0.00075;
/// The most points one kept point may stand for, so that a long straight stroke costs
/// little to make lean.
const LEAN_REACH: usize = 32;
/// The narrowest a stroke gets at the lightest pressure, relative to its width.
pub const MIN_PRESSURE_WIDTH: f32 = 0.35;

/// The shape of a stroke's geometry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Profile {
    /// A tube of [`SIDES`] corners around each point, the core alone: solid geometry, seen
    /// the same from any side (the export, which leaves the faint halo out).
    Tube,
    /// A band across each point for the core (two vertices) and, for the halo, two
    /// narrower bands along its sides (four vertices: the halo is not drawn over its own
    /// core, where it would change nothing). Every vertex is placed on its point; the
    /// screen's vertex shader moves it across by its [`TubeMesh::offsets`] in the direction
    /// facing the eye.
    Band,
}

impl Profile {
    /// Vertices per ring per copy in the core, and in the halo.
    pub fn layer_vertices(self) -> [usize; 2] {
        match self {
            Profile::Tube => [SIDES, 0],
            Profile::Band => [2, 4],
        }
    }

    /// Vertices per ring per copy: the core's and the halo's.
    pub fn ring_vertices(self) -> usize {
        let [core, halo] = self.layer_vertices();
        core + halo
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
    /// face the eye), and the radius of the tube its layer stands for; empty for a tube.
    pub offsets: Vec<[f32; 2]>,
    /// Triangles, three vertex indices each.
    pub indices: Vec<u32>,
}

impl TubeMesh {
    /// The core and the halo around it, as two meshes: the core is drawn opaque, the halo
    /// blended over it. A vertex belongs to the core when it has the core's opacity.
    pub fn layers(&self) -> [TubeMesh; 2] {
        let layer_of = |index: usize| usize::from(self.colours[index][3] != CORE_ALPHA);
        let mut layers = [TubeMesh::default(), TubeMesh::default()];
        let mut moved = vec![u32::MAX; self.positions.len()];
        for (index, position) in self.positions.iter().enumerate() {
            let layer = &mut layers[layer_of(index)];
            moved[index] = layer.positions.len() as u32;
            layer.positions.push(*position);
            layer.normals.push(self.normals[index]);
            layer.colours.push(self.colours[index]);
            if let Some(offset) = self.offsets.get(index) {
                layer.offsets.push(*offset);
            }
        }
        for triangle in self.indices.chunks_exact(3) {
            let layer = layer_of(triangle[0] as usize);
            layers[layer]
                .indices
                .extend(triangle.iter().map(|&index| moved[index as usize]));
        }
        layers
    }

    /// The box, least and greatest corners, that holds everything the mesh can draw: for a
    /// band, each vertex moved in any direction by as far as its offsets can carry it (across
    /// the stroke, and towards the eye). `None` for an empty mesh.
    pub fn reach(&self) -> Option<(Vec3, Vec3)> {
        let mut reach: Option<(Vec3, Vec3)> = None;
        for (index, position) in self.positions.iter().enumerate() {
            let spread = self
                .offsets
                .get(index)
                .map_or(0.0, |[across, radius]| across.abs() + radius.abs());
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
        let [core_vertices, _] = self.profile.layer_vertices();
        for copy in 0..self.symmetry.folds() {
            let mirrored = self.symmetry.mirrors(copy);
            for (layer, count) in self.profile.layer_vertices().into_iter().enumerate() {
                if count == 0 {
                    continue;
                }
                let base = copy as usize * self.profile.ring_vertices() + layer * core_vertices;
                if self.profile == Profile::Band {
                    // The core's band, or the halo's two side bands.
                    for strip in (0..count).step_by(2) {
                        let [a, b, c, d] = [from, from + 1, to, to + 1]
                            .map(|vertex| (vertex + base + strip) as u32);
                        mesh.indices.extend_from_slice(&[a, b, c, b, d, c]);
                    }
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
    }

    /// The ring's vertices for every copy: core then halo ([`Profile::layer_vertices`]).
    fn ring_vertices(&self, ring: &Ring, end_taper: f32) -> Vec<RingVertex> {
        let radius =
            self.width / 2.0 * pressure_width(ring.point.pressure) * taper(ring.number) * end_taper;
        let binormal = ring.tangent.cross(ring.normal);
        let [r, g, b] = self.colour;
        let mut vertices = Vec::with_capacity(self.ring_stride());
        for copy in 0..self.symmetry.folds() {
            let centre = self.symmetry.place(copy, ring.point.at);
            let layers = [(1.0, CORE_ALPHA), (HALO_SCALE, HALO_ALPHA)];
            for ((scale, alpha), count) in layers.into_iter().zip(self.profile.layer_vertices()) {
                if count == 0 {
                    continue;
                }
                let colour = [r, g, b, alpha];
                match self.profile {
                    Profile::Tube => {
                        for side in 0..SIDES {
                            let angle = TAU * side as f32 / SIDES as f32;
                            let outward = ring.normal * angle.cos() + binormal * angle.sin();
                            let outward = self.symmetry.turn(copy, outward);
                            vertices.push(RingVertex {
                                position: (centre + outward * radius * scale).to_array(),
                                normal: outward.to_array(),
                                colour,
                                offset: [0.0; 2],
                            });
                        }
                    }
                    Profile::Band => {
                        let along = self.symmetry.turn(copy, ring.tangent).to_array();
                        let layer_radius = radius * scale;
                        // The core spans the tube; the halo's side bands span what the
                        // core leaves of its width, reaching a little over the core's
                        // edges so that no seam shows between them.
                        let across: &[f32] = if alpha == CORE_ALPHA {
                            &[-1.0, 1.0]
                        } else {
                            &[-HALO_SCALE, -HALO_INNER, HALO_INNER, HALO_SCALE]
                        };
                        for across in across {
                            vertices.push(RingVertex {
                                position: centre.to_array(),
                                normal: along,
                                colour,
                                offset: [across * radius, layer_radius],
                            });
                        }
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

/// The stroke with only the points that shape its tube: a point is dropped when the tube
/// drawn without it stays within [`LEAN_TOLERANCE`] of it, in position and in radius. The
/// tapered tips keep every point.
pub fn lean(stroke: &Stroke) -> Stroke {
    let points = &stroke.points;
    let keep_ends = TAPER_POINTS + 1;
    if points.len() <= 2 * keep_ends + 1 {
        return stroke.clone();
    }
    let mut kept = vec![false; points.len()];
    for index in (0..keep_ends).chain(points.len() - keep_ends..points.len()) {
        kept[index] = true;
    }
    // From each kept point, reach as far along the stroke as the tolerance allows (at most
    // LEAN_REACH points), keep that point, and go on from it.
    let error = |a: &StrokePoint, b: &StrokePoint, point: &StrokePoint| {
        let segment = b.at - a.at;
        let length_squared = segment.length_squared();
        let t = if length_squared > 0.0 {
            ((point.at - a.at).dot(segment) / length_squared).clamp(0.0, 1.0)
        } else {
            0.0
        };
        let away = point.at.distance(a.at + segment * t);
        let share = pressure_width(a.pressure)
            + (pressure_width(b.pressure) - pressure_width(a.pressure)) * t;
        let swell = stroke.width / 2.0 * (pressure_width(point.pressure) - share).abs();
        away.max(swell)
    };
    let last = points.len() - keep_ends;
    let mut anchor = keep_ends - 1;
    while anchor < last {
        let mut reach = anchor + 1;
        for candidate in anchor + 2..=(anchor + LEAN_REACH).min(last) {
            let fits = points[anchor + 1..candidate]
                .iter()
                .all(|point| error(&points[anchor], &points[candidate], point) <= LEAN_TOLERANCE);
            if !fits {
                break;
            }
            reach = candidate;
        }
        kept[reach] = true;
        anchor = reach;
    }
    Stroke {
        colour: stroke.colour,
        width: stroke.width,
        symmetry: stroke.symmetry,
        points: points
            .iter()
            .zip(&kept)
            .filter(|(_, kept)| **kept)
            .map(|(point, _)| *point)
            .collect(),
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
        let piece = &built.pieces()[0];
        let [core, halo] = piece.layers();
        assert_eq!(core, *piece, "every vertex and triangle is the core's");
        assert!(halo.positions.is_empty() && halo.indices.is_empty());
        assert!(core.colours.iter().all(|colour| colour[3] == CORE_ALPHA));
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
    fn a_band_is_six_vertices_on_each_point_spread_across_by_their_offsets() {
        let line = stroke(600, 2);
        let built = TubeBuilder::build(&line, Profile::Band);
        let stride = Profile::Band.ring_vertices() * 2;
        let piece = &built.pieces()[0];
        assert_eq!(piece.offsets.len(), piece.positions.len());
        assert_eq!(piece.positions.len(), PIECE_POINTS * stride);
        // Per copy, one band for the core and two for the halo join each pair of rings,
        // two triangles each.
        assert_eq!(piece.indices.len(), (PIECE_POINTS - 1) * 2 * 3 * 2 * 3);
        let ring = 100 * stride;
        let radius = 0.01 * pressure_width(0.8);
        let halo = radius * HALO_SCALE;
        for copy in 0..2 {
            let at = Symmetry::new(2).place(copy as u32, line.points[100].at);
            let vertices = ring + copy * Profile::Band.ring_vertices();
            for vertex in vertices..vertices + 6 {
                assert!(Vec3::from_array(piece.positions[vertex]).distance(at) < 1e-6);
                let along = Vec3::from_array(piece.normals[vertex]);
                assert!(
                    (along.length() - 1.0).abs() < 1e-4,
                    "the stroke's direction"
                );
            }
            let offsets = &piece.offsets[vertices..vertices + 6];
            let inner = radius * HALO_INNER;
            let expected = [
                [-radius, radius],
                [radius, radius],
                [-halo, halo],
                [-inner, halo],
                [inner, halo],
                [halo, halo],
            ];
            for (offset, expected) in offsets.iter().zip(expected) {
                let apart = Vec2::from_array(*offset).distance(Vec2::from_array(expected));
                assert!(apart < 1e-6, "{offsets:?}");
            }
        }
        // The direction follows the stroke: from this point towards the next.
        let towards = (line.points[101].at - line.points[99].at).normalize();
        assert!(Vec3::from_array(piece.normals[ring]).dot(towards) > 0.99);
        // The halo's side bands leave the core's middle to the core alone.
        let middle = |layer: &TubeMesh| {
            layer.indices.chunks_exact(3).any(|triangle| {
                let sides = triangle
                    .iter()
                    .map(|&i| layer.offsets[i as usize][0].signum());
                sides.clone().any(|side| side < 0.0) && sides.clone().any(|side| side > 0.0)
            })
        };
        let [core_layer, halo_layer] = piece.layers();
        assert!(middle(&core_layer), "the core spans its band");
        assert!(
            !middle(&halo_layer),
            "no halo triangle crosses the stroke's centre line"
        );
        // Both tips narrow to nothing.
        assert!(piece.offsets[0][1] < radius * 0.2);
        let last = built.pieces().last().expect("pieces");
        assert!(last.offsets[last.offsets.len() - 1][1] < halo * 0.2);
    }

    #[test]
    fn a_band_built_point_by_point_equals_one_built_at_once_and_parts_into_layers() {
        let line = stroke(600, 3);
        let mut builder = TubeBuilder::new(&line, Profile::Band);
        for point in &line.points {
            builder.push(*point);
        }
        builder.finish();
        let built = TubeBuilder::build(&line, Profile::Band);
        assert_eq!(builder.pieces(), built.pieces());
        let piece = &built.pieces()[1];
        let [core, halo] = piece.layers();
        assert_eq!(2 * core.positions.len(), halo.positions.len());
        assert_eq!(core.offsets.len(), core.positions.len());
        assert_eq!(core.indices.len() + halo.indices.len(), piece.indices.len());
        let widest = |layer: &TubeMesh| {
            layer
                .offsets
                .iter()
                .fold(0.0f32, |widest, offset| widest.max(offset[0].abs()))
        };
        assert!((widest(&halo) / widest(&core) - HALO_SCALE).abs() < 1e-3);
        assert!(core.colours.iter().all(|colour| colour[3] == CORE_ALPHA));
        assert!(halo.colours.iter().all(|colour| colour[3] == HALO_ALPHA));
    }

    #[test]
    fn a_bands_reach_holds_every_point_its_halo_can_be_drawn_at() {
        let line = stroke(200, 1);
        let built = TubeBuilder::build(&line, Profile::Band);
        let [_, halo] = built.pieces()[0].layers();
        let (least, most) = halo.reach().expect("a halo has vertices");
        // Where the band shader puts a vertex, for an eye in any of many directions.
        for (index, centre) in halo.positions.iter().enumerate() {
            let centre = Vec3::from(*centre);
            let along = Vec3::from(halo.normals[index]);
            let [across, radius] = halo.offsets[index];
            for eye in [
                Vec3::X,
                Vec3::Y,
                Vec3::Z,
                Vec3::NEG_Z,
                Vec3::new(1.0, -2.0, 0.5),
            ] {
                let side = along.cross(eye).try_normalize().unwrap_or(Vec3::ZERO);
                let drawn =
                    centre + side * across + eye.normalize() * radius * std::f32::consts::FRAC_PI_4;
                assert!(drawn.cmpge(least).all() && drawn.cmple(most).all());
            }
        }
        // It reaches no further than the widest band around the stroke's points.
        let widest = HALO_SCALE * 2.0 * line.width;
        let points = line.points.iter().map(|point| point.at);
        let low = points.clone().fold(Vec3::MAX, Vec3::min) - widest;
        let high = points.fold(Vec3::MIN, Vec3::max) + widest;
        assert!(least.cmpge(low).all() && most.cmple(high).all());
        assert_eq!(TubeMesh::default().reach(), None);
    }

    #[test]
    fn a_lean_stroke_keeps_its_tips_and_stays_within_the_tolerance() {
        // A wavy line with pressure that swells: many points on gentle curves.
        let points: Vec<StrokePoint> = (0..400)
            .map(|i| {
                let t = i as f32 * 0.004;
                StrokePoint {
                    at: CANVAS_CENTRE
                        + Vec3::new(t, (t * 9.0).sin() * 0.03, (t * 4.0).cos() * 0.01),
                    pressure: 0.5 + 0.4 * (t * 3.0).sin(),
                }
            })
            .collect();
        let stroke = Stroke {
            points,
            ..stroke(0, 1)
        };
        let lean_stroke = lean(&stroke);
        let kept = lean_stroke.points.len();
        assert!(kept < stroke.points.len() / 3, "{kept} of 400 points kept");
        let tip = TAPER_POINTS + 1;
        assert_eq!(lean_stroke.points[..tip], stroke.points[..tip]);
        assert_eq!(
            lean_stroke.points[kept - tip..],
            stroke.points[stroke.points.len() - tip..]
        );
        // Every painted point lies within the tolerance of the lean line, in place and in
        // radius.
        for point in &stroke.points {
            let nearest = lean_stroke
                .points
                .windows(2)
                .map(|pair| {
                    let (a, b) = (pair[0], pair[1]);
                    let segment = b.at - a.at;
                    let t = ((point.at - a.at).dot(segment) / segment.length_squared().max(1e-12))
                        .clamp(0.0, 1.0);
                    let away = point.at.distance(a.at + segment * t);
                    let share = pressure_width(a.pressure)
                        + (pressure_width(b.pressure) - pressure_width(a.pressure)) * t;
                    (
                        away,
                        stroke.width / 2.0 * (pressure_width(point.pressure) - share).abs(),
                    )
                })
                .min_by(|x, y| x.0.total_cmp(&y.0))
                .expect("segments");
            assert!(nearest.0 <= LEAN_TOLERANCE + 1e-6, "{nearest:?}");
            assert!(nearest.1 <= LEAN_TOLERANCE + 1e-6, "{nearest:?}");
        }
        // A short stroke is all tips: kept whole.
        let short = Stroke {
            points: stroke.points[..10].to_vec(),
            ..stroke.clone()
        };
        assert_eq!(lean(&short), short);
    }
}
