//! A painting's 3D export for viewers outside the headset: a binary glTF (GLB), kept light.
//!
//! One node holding one mesh: the core tube of every stroke (every piece
//! and symmetry copy: the core vertices and triangles [`TubeBuilder`] makes, Y up) around
//! each stroke's [`lean`] points: the points a viewer could tell apart, no more than
//! [`LEAN_TOLERANCE`](super::stroke_shape::LEAN_TOLERANCE) from the painted tube. Vertices are
//! quantised (`KHR_mesh_quantization`): `POSITION` as 16-bit integers over the painting's
//! bounds (with bounds), `NORMAL` as normalised bytes, and `COLOR_0` as normalised bytes
//! (linear RGBA: the stroke's colour, alpha 1), interleaved in one buffer view, 16 bytes a
//! vertex, with 16-bit triangle indices (one primitive per 65,536 vertices).
//! The faint halos are left out: a generic viewer would draw them as milky sleeves over the
//! cores. The material is white, unlit (`KHR_materials_unlit`, so colours read as light;
//! viewers without the extension fall back to a matte PBR material), double-sided and
//! opaque. The node's scale and translation turn the integers back into metres, with the
//! point the patient painted around ([`CANVAS_CENTRE`], where symmetry turns) at the
//! viewer's origin, where viewers orbit. An empty painting is a valid GLB whose scene holds
//! one empty node. Strokes that are not sound (a number not finite or out of range, as
//! [`Stroke::is_sound`] says) are left out of both exports.

use bevy::math::Vec3;
use serde_json::{Value, json};

use super::model::{Artwork, CANVAS_CENTRE};
use super::stroke_shape::lean;
use super::tube::{PIECE_POINTS, Profile, SIDES, TubeBuilder, TubeMesh};

/// The most bytes the binary chunk may hold (GLB lengths are `u32`); strokes that would
/// pass it are left out rather than writing a broken file.
const MAX_BIN_BYTES: usize = (u32::MAX as usize) - (64 << 20);
/// Bytes per exported vertex: position (three `i16`, two bytes of padding), normal (three
/// `i8`, one byte of padding), colour (four `u8`).
const VERTEX_BYTES: usize = 8 + 4 + 4;
/// The largest quantised coordinate.
const QUANTA: f32 = i16::MAX as f32;
/// Index bytes per core vertex, nearly: two triangles per side per ring.
const INDEX_BYTES_PER_VERTEX: usize = 6 * 2;

/// A run of at most [`CHUNK_VERTICES`] vertices, drawn with 16-bit indices: one primitive.
struct Chunk {
    /// Its first vertex in the mesh.
    first: usize,
    /// Its vertices.
    count: usize,
    /// Its triangles, three indices each, counted from `first`.
    indices: Vec<u16>,
}

/// The most vertices one primitive holds, so that 16-bit indices reach them all.
const CHUNK_VERTICES: usize = u16::MAX as usize + 1;

/// The core tubes of all strokes, merged: positions in metres (quantised once the bounds
/// are known), normals and colours as bytes, and triangles in chunks.
struct CoreMesh {
    positions: Vec<[f32; 3]>,
    /// Normal (`i8` × 3, padding) and colour (`u8` × 4) of each vertex.
    normals_and_colours: Vec<[u8; 8]>,
    chunks: Vec<Chunk>,
    min: [f32; 3],
    max: [f32; 3],
}

impl CoreMesh {
    /// The quantisation: the node's scale (one per axis) and translation that turn the
    /// integers back into metres, and the inverse for a point.
    fn quantisation(&self) -> Quantisation {
        let min = Vec3::from_array(self.min);
        let max = Vec3::from_array(self.max);
        let middle = (min + max) / 2.0;
        let half = ((max - min) / 2.0).max(Vec3::splat(1e-4));
        Quantisation {
            middle,
            step: half / QUANTA,
        }
    }

    /// The vertices, interleaved as little-endian bytes for the binary chunk, and the
    /// quantised bounds of each chunk's positions.
    fn vertex_bytes(&self, quantisation: &Quantisation) -> (Vec<u8>, Vec<([i16; 3], [i16; 3])>) {
        let mut bytes = Vec::with_capacity(self.positions.len() * VERTEX_BYTES);
        let mut bounds = Vec::with_capacity(self.chunks.len());
        for chunk in &self.chunks {
            let (mut min, mut max) = ([i16::MAX; 3], [i16::MIN; 3]);
            let range = chunk.first..chunk.first + chunk.count;
            for (position, rest) in self.positions[range.clone()]
                .iter()
                .zip(&self.normals_and_colours[range])
            {
                let quantised = quantisation.quantise(Vec3::from_array(*position));
                for axis in 0..3 {
                    min[axis] = min[axis].min(quantised[axis]);
                    max[axis] = max[axis].max(quantised[axis]);
                    bytes.extend_from_slice(&quantised[axis].to_le_bytes());
                }
                bytes.extend_from_slice(&[0, 0]);
                bytes.extend_from_slice(rest);
            }
            bounds.push((min, max));
        }
        (bytes, bounds)
    }

    /// An empty mesh with room for about `vertices` vertices.
    fn with_capacity(vertices: usize) -> Self {
        Self {
            positions: Vec::with_capacity(vertices),
            normals_and_colours: Vec::with_capacity(vertices),
            chunks: Vec::new(),
            min: [f32::MAX; 3],
            max: [f32::MIN; 3],
        }
    }

    /// Bytes the binary chunk holds so far.
    fn bin_bytes(&self) -> usize {
        self.positions.len() * VERTEX_BYTES
            + self
                .chunks
                .iter()
                .map(|chunk| chunk.indices.len() * 2)
                .sum::<usize>()
    }

    /// Adds `piece` (a piece of a stroke's core tube) and its triangles, renumbered within
    /// the chunk they go into.
    fn add_piece(&mut self, piece: &TubeMesh, colour: [u8; 4]) {
        let added = piece.positions.len();
        if piece.indices.is_empty() || piece.normals.len() != added {
            return;
        }
        let fits = added <= CHUNK_VERTICES
            && self.bin_bytes() + added * VERTEX_BYTES + piece.indices.len() * 2 <= MAX_BIN_BYTES;
        if !fits {
            return;
        }
        if self
            .chunks
            .last()
            .is_none_or(|chunk| chunk.count + added > CHUNK_VERTICES)
        {
            self.chunks.push(Chunk {
                first: self.positions.len(),
                count: 0,
                indices: Vec::new(),
            });
        }
        let Some(chunk) = self.chunks.last_mut() else {
            return;
        };
        let base = chunk.count;
        let [r, g, b, a] = colour;
        for (position, normal) in piece.positions.iter().zip(&piece.normals) {
            let normal = Vec3::from_array(*normal)
                .try_normalize()
                .unwrap_or(Vec3::Y)
                .to_array()
                .map(|value| (value * 127.0).round() as i8 as u8);
            self.normals_and_colours
                .push([normal[0], normal[1], normal[2], 0, r, g, b, a]);
            self.positions.push(*position);
            for ((min, max), value) in self.min.iter_mut().zip(&mut self.max).zip(position) {
                *min = min.min(*value);
                *max = max.max(*value);
            }
        }
        chunk.count += added;
        chunk.indices.extend(
            piece
                .indices
                .iter()
                .map(|&index| (base + index as usize) as u16),
        );
    }
}

/// Positions as 16-bit integers over a painting's bounds.
struct Quantisation {
    middle: Vec3,
    /// Metres per integer step, per axis.
    step: Vec3,
}

impl Quantisation {
    fn quantise(&self, position: Vec3) -> [i16; 3] {
        ((position - self.middle) / self.step)
            .round()
            .clamp(Vec3::splat(-QUANTA), Vec3::splat(QUANTA))
            .to_array()
            .map(|value| value as i16)
    }
}

/// The painting as a binary glTF 2.0 file: the core tube of every stroke and symmetry copy
/// as one unlit, opaque, vertex-coloured, quantised mesh, centred on [`CANVAS_CENTRE`]
/// (module docs).
pub fn glb(artwork: &Artwork) -> Vec<u8> {
    let expected: usize = artwork
        .strokes
        .iter()
        .map(|stroke| {
            let rings = stroke.points.len() + stroke.points.len() / PIECE_POINTS;
            rings * SIDES * stroke.symmetry.folds() as usize
        })
        .sum();
    let most = MAX_BIN_BYTES / (VERTEX_BYTES + INDEX_BYTES_PER_VERTEX);
    let mut mesh = CoreMesh::with_capacity(expected.min(most));
    for stroke in artwork.strokes.iter().filter(|stroke| stroke.is_sound()) {
        let built = TubeBuilder::build(&lean(stroke), Profile::Tube);
        let colour = stroke
            .colour
            .linear()
            .map(|value| (value.clamp(0.0, 1.0) * 255.0).round() as u8);
        for piece in built.pieces() {
            mesh.add_piece(piece, [colour[0], colour[1], colour[2], 255]);
        }
    }
    let quantisation = mesh.quantisation();
    let mut node = json!({
        "name": "Stillpoint painting",
        "translation": (quantisation.middle - CANVAS_CENTRE).to_array(),
        "scale": quantisation.step.to_array(),
    });
    let mut document = json!({
        "asset": { "version": "2.0", "generator": "Stillpoint" },
        "scene": 0,
        "scenes": [{ "name": "Painting", "nodes": [0] }],
    });
    let (vertices, bounds) = mesh.vertex_bytes(&quantisation);
    let mut indices = Vec::new();
    let mut accessors = Vec::new();
    let mut primitives = Vec::new();
    for (chunk, (min, max)) in mesh.chunks.iter().zip(&bounds) {
        if chunk.indices.is_empty() {
            continue;
        }
        let vertex_offset = chunk.first * VERTEX_BYTES;
        let first = accessors.len();
        accessors.extend([
            json!({ "bufferView": 0, "byteOffset": vertex_offset, "componentType": 5122,
                    "count": chunk.count, "type": "VEC3", "min": min, "max": max }),
            json!({ "bufferView": 0, "byteOffset": vertex_offset + 8, "componentType": 5120,
                    "normalized": true, "count": chunk.count, "type": "VEC3" }),
            json!({ "bufferView": 0, "byteOffset": vertex_offset + 12, "componentType": 5121,
                    "normalized": true, "count": chunk.count, "type": "VEC4" }),
            json!({ "bufferView": 1, "byteOffset": indices.len(), "componentType": 5123,
                    "count": chunk.indices.len(), "type": "SCALAR" }),
        ]);
        for index in &chunk.indices {
            indices.extend_from_slice(&index.to_le_bytes());
        }
        primitives.push(json!({
            "attributes": { "POSITION": first, "NORMAL": first + 1, "COLOR_0": first + 2 },
            "indices": first + 3,
            "material": 0,
            "mode": 4,
        }));
    }
    let has_mesh = !primitives.is_empty();
    if has_mesh {
        let vertex_bytes = vertices.len();
        let index_bytes = indices.len();
        node["mesh"] = json!(0);
        document["extensionsUsed"] = json!(["KHR_materials_unlit", "KHR_mesh_quantization"]);
        document["extensionsRequired"] = json!(["KHR_mesh_quantization"]);
        document["buffers"] = json!([{ "byteLength": vertex_bytes + index_bytes }]);
        document["bufferViews"] = json!([
            { "buffer": 0, "byteOffset": 0, "byteLength": vertex_bytes,
              "byteStride": VERTEX_BYTES, "target": 34962 },
            { "buffer": 0, "byteOffset": vertex_bytes, "byteLength": index_bytes,
              "target": 34963 },
        ]);
        document["accessors"] = Value::Array(accessors);
        document["materials"] = json!([{
            "name": "Light",
            "pbrMetallicRoughness": {
                "baseColorFactor": [1.0, 1.0, 1.0, 1.0],
                "metallicFactor": 0.0,
                "roughnessFactor": 1.0,
            },
            "doubleSided": true,
            "alphaMode": "OPAQUE",
            "extensions": { "KHR_materials_unlit": {} },
        }]);
        document["meshes"] = json!([{ "name": "Strokes", "primitives": primitives }]);
    }
    document["nodes"] = json!([node]);
    if has_mesh {
        pack_glb(&document, &[&vertices, &indices])
    } else {
        pack_glb(&document, &[])
    }
}

/// The GLB container: header, JSON chunk (space-padded), and a BIN chunk (zero-padded)
/// holding `bin`'s parts one after the other, if they hold anything.
fn pack_glb(document: &Value, bin: &[&[u8]]) -> Vec<u8> {
    let mut text = document.to_string().into_bytes();
    text.resize(text.len().next_multiple_of(4), b' ');
    let bin_length: usize = bin.iter().map(|part| part.len()).sum();
    let padded = bin_length.next_multiple_of(4);
    let bin_chunk = if padded == 0 { 0 } else { 8 + padded };
    let total = 12 + 8 + text.len() + bin_chunk;
    let mut out = Vec::with_capacity(total);
    out.extend_from_slice(b"glTF");
    out.extend_from_slice(&2_u32.to_le_bytes());
    out.extend_from_slice(&(total as u32).to_le_bytes());
    out.extend_from_slice(&(text.len() as u32).to_le_bytes());
    out.extend_from_slice(b"JSON");
    out.extend_from_slice(&text);
    if padded > 0 {
        out.extend_from_slice(&(padded as u32).to_le_bytes());
        out.extend_from_slice(b"BIN\0");
        for part in bin {
            out.extend_from_slice(part);
        }
        out.resize(total, 0);
    }
    out
}

// ---------------------------------------------------------------------------------------
// Snapshot

#[cfg(test)]
mod tests {
    use super::*;
    use crate::artwork::model::Rgb;
    use crate::artwork::test_paintings::{arc, painting, stroke};

    /// The builder's tube geometry for `artwork`, found independently of the export's
    /// layout arithmetic: the positions and normals of every piece's vertices, and its
    /// triangles as position triples.
    fn builder_core(artwork: &Artwork) -> Core {
        let (mut positions, mut normals, mut triangles) = (Vec::new(), Vec::new(), Vec::new());
        for stroke in &artwork.strokes {
            for piece in TubeBuilder::build(stroke, Profile::Tube).pieces() {
                if piece.indices.is_empty() {
                    continue;
                }
                positions.extend_from_slice(&piece.positions);
                normals.extend_from_slice(&piece.normals);
                for triangle in piece.indices.chunks_exact(3) {
                    triangles.push([0, 1, 2].map(|k| piece.positions[triangle[k] as usize]));
                }
            }
        }
        Core {
            positions,
            normals,
            triangles,
        }
    }

    /// See [`builder_core`].
    struct Core {
        positions: Vec<[f32; 3]>,
        normals: Vec<[f32; 3]>,
        triangles: Vec<[[f32; 3]; 3]>,
    }

    /// The JSON chunk of a GLB.
    fn json_chunk(bytes: &[u8]) -> Value {
        let length = u32::from_le_bytes(bytes[12..16].try_into().expect("4 bytes")) as usize;
        assert_eq!(&bytes[16..20], b"JSON");
        serde_json::from_slice(&bytes[20..20 + length]).expect("JSON")
    }

    /// The painting with each stroke lean, as the export draws it.
    fn lean_painting(artwork: &Artwork) -> Artwork {
        Artwork {
            strokes: artwork
                .strokes
                .iter()
                .map(|stroke| std::sync::Arc::new(lean(stroke)))
                .collect(),
        }
    }

    /// Exports `artwork` and checks the GLB against the builder's core tubes of its lean
    /// strokes; how many primitives it has.
    fn check_export(artwork: &Artwork) -> usize {
        let bytes = glb(artwork);
        assert_eq!(&bytes[..4], b"glTF");
        assert_eq!(
            u32::from_le_bytes(bytes[8..12].try_into().expect("4 bytes")) as usize,
            bytes.len()
        );
        assert_eq!(bytes.len() % 4, 0);
        // The gltf crate does not know KHR_mesh_quantization: it reads without judging the
        // extension (tests/paint.rs has the Khronos validator judge the whole file).
        let gltf = gltf::Gltf::from_slice_without_validation(&bytes).expect("a GLB");
        let blob = gltf.blob.as_deref().expect("a BIN chunk");
        assert_eq!(gltf.meshes().count(), 1);
        let node = gltf.nodes().next().expect("a node");
        let (translation, _, scale) = node.transform().decomposed();
        let (translation, scale) = (Vec3::from_array(translation), Vec3::from_array(scale));
        let mesh = gltf.meshes().next().expect("a mesh");
        // Every primitive's vertices and triangles, one after the other.
        let (mut quantised, mut normals, mut colours, mut indices) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::<u32>::new());
        for primitive in mesh.primitives() {
            assert_eq!(primitive.mode(), gltf::mesh::Mode::Triangles);
            assert_eq!(
                primitive.material().alpha_mode(),
                gltf::material::AlphaMode::Opaque
            );
            assert!(primitive.material().double_sided());
            let accessor = |semantic| primitive.get(&semantic).expect("an attribute");
            let positions: Vec<[i16; 3]> =
                gltf::accessor::Iter::<[i16; 3]>::new(accessor(gltf::Semantic::Positions), |_| {
                    Some(blob)
                })
                .expect("positions")
                .collect();
            assert!(positions.len() <= CHUNK_VERTICES);
            // The accessor's bounds are the data's.
            let position_accessor = accessor(gltf::Semantic::Positions);
            let (min, max) = (
                position_accessor.min().expect("min"),
                position_accessor.max().expect("max"),
            );
            for axis in 0..3 {
                let lo = positions.iter().map(|q| q[axis]).min().expect("some");
                let hi = positions.iter().map(|q| q[axis]).max().expect("some");
                assert_eq!(min[axis].as_i64(), Some(i64::from(lo)));
                assert_eq!(max[axis].as_i64(), Some(i64::from(hi)));
            }
            normals.extend(
                gltf::accessor::Iter::<[i8; 3]>::new(accessor(gltf::Semantic::Normals), |_| {
                    Some(blob)
                })
                .expect("normals"),
            );
            let reader = primitive.reader(|_| Some(blob));
            colours.extend(reader.read_colors(0).expect("colours").into_rgba_u8());
            let offset = quantised.len() as u32;
            let chunk: Vec<u32> = reader.read_indices().expect("indices").into_u32().collect();
            assert!(chunk.iter().all(|&i| (i as usize) < positions.len()));
            indices.extend(chunk.into_iter().map(|index| index + offset));
            quantised.extend(positions);
        }
        // In the world: the node's transform, then back from the canvas centre.
        let positions: Vec<Vec3> = quantised
            .iter()
            .map(|q| {
                Vec3::new(q[0].into(), q[1].into(), q[2].into()) * scale
                    + translation
                    + CANVAS_CENTRE
            })
            .collect();
        let Core {
            positions: core,
            normals: core_normals,
            triangles: core_triangles,
        } = builder_core(&lean_painting(artwork));
        let vertices = core.len();
        assert!(vertices > 500);
        // The builder's core vertices of the lean strokes, in order, each within half a
        // quantisation step.
        assert_eq!(positions.len(), vertices);
        for (exported, built) in positions.iter().zip(&core) {
            let error = (*exported - Vec3::from_array(*built)).abs();
            assert!(
                error.cmple(scale / 2.0 + 1e-6).all(),
                "{exported} vs {built:?}"
            );
        }
        assert!(
            scale.max_element() < 2e-5,
            "a step of at most 0.02 mm: {scale}"
        );
        assert_eq!(normals.len(), vertices);
        for (normal, built) in normals.iter().zip(&core_normals) {
            let normal = Vec3::new(normal[0].into(), normal[1].into(), normal[2].into()) / 127.0;
            assert!(
                normal.distance(Vec3::from_array(*built)) < 0.015,
                "{normal}"
            );
        }
        assert_eq!(colours.len(), vertices);
        let first = artwork.strokes[0]
            .colour
            .linear()
            .map(|v| (v * 255.0).round() as u8);
        assert_eq!(colours[0], [first[0], first[1], first[2], 255]);
        // The builder's core triangles, in order, corners in order.
        let exported: Vec<[[f32; 3]; 3]> = indices
            .chunks_exact(3)
            .map(|t| [0, 1, 2].map(|k| core[t[k] as usize]))
            .collect();
        assert_eq!(exported.len(), core_triangles.len());
        assert!(exported == core_triangles, "the core's triangles");
        mesh.primitives().count()
    }

    #[test]
    fn the_glb_holds_the_core_tubes_the_builder_makes_quantised() {
        let artwork = painting();
        assert_eq!(artwork.strokes[0].colour, Rgb([143, 184, 222]));
        assert_eq!(
            check_export(&artwork),
            1,
            "a small painting is one primitive"
        );
        // A large one takes several, each reached by 16-bit indices.
        let large = Artwork {
            strokes: (0..40)
                .map(|n| {
                    stroke(
                        [200, 160, 90],
                        4,
                        arc(600, 0.05 + 0.004 * n as f32, n as f32, 0.0),
                    )
                })
                .collect(),
        };
        assert!(check_export(&large) > 1);
        let bytes = glb(&artwork);
        let document = json_chunk(&bytes);
        assert_eq!(
            document["extensionsUsed"],
            json!(["KHR_materials_unlit", "KHR_mesh_quantization"])
        );
        assert_eq!(
            document["extensionsRequired"],
            json!(["KHR_mesh_quantization"])
        );
        assert_eq!(
            document["materials"][0]["extensions"],
            json!({ "KHR_materials_unlit": {} })
        );
        assert_eq!(document["asset"]["generator"], "Stillpoint");
        assert_eq!(document["bufferViews"][0]["byteStride"], json!(16));
    }

    #[test]
    fn an_empty_painting_is_a_valid_glb_with_an_empty_scene() {
        for artwork in [
            Artwork::default(),
            Artwork {
                strokes: vec![stroke([1, 2, 3], 3, arc(1, 0.1, 0.0, 0.0))],
            },
        ] {
            let bytes = glb(&artwork);
            let gltf = gltf::Gltf::from_slice(&bytes).expect("a valid GLB");
            assert_eq!(gltf.meshes().count(), 0);
            assert_eq!(gltf.scenes().count(), 1);
            assert!(gltf.blob.is_none());
            assert_eq!(bytes.len() % 4, 0);
        }
    }
}
