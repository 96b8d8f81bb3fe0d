//! A painting's 3D export for viewers outside the headset: a binary glTF (GLB).
//!
//! One node holding one mesh with one primitive: the core tube of every stroke
//! (every piece and symmetry copy: exactly the core vertices and triangles [`TubeBuilder`]
//! makes, in world metres, Y up), with `POSITION` (with bounds), `NORMAL` and `COLOR_0`
//! (linear RGBA floats: the stroke's colour, alpha 1) interleaved in one buffer view, and
//! `u32` triangle indices. The faint halos are left out: a generic viewer would draw them
//! as milky sleeves over the cores. The material is white, unlit (`KHR_materials_unlit`, so colours read as light;
//! viewers without the extension fall back to a matte PBR material), double-sided and
//! opaque. The node is translated by −[`CANVAS_CENTRE`], so the point the patient painted
//! around (and symmetry turns around) sits at the viewer's origin, where viewers orbit; the
//! vertex data stay in world coordinates. An empty painting is a valid GLB whose scene
//! holds one empty node. Strokes that are not sound (a number not finite or out of range, as
//! [`Stroke::is_sound`] says) are left out of both exports.

use bevy::math::Vec3;
use serde_json::{Value, json};

use super::model::{Artwork, CANVAS_CENTRE};
use super::tube::{PIECE_POINTS, RING_VERTICES, SIDES, TubeBuilder, TubeMesh};

/// The most bytes the binary chunk may hold (GLB lengths are `u32`); strokes that would
/// pass it are left out rather than writing a broken file.
const MAX_BIN_BYTES: usize = (u32::MAX as usize) - (64 << 20);
/// Bytes per exported vertex: position, normal, colour.
const VERTEX_BYTES: usize = 4 * (3 + 3 + 4);
/// Index bytes per core vertex, nearly: two triangles per side per ring.
const INDEX_BYTES_PER_VERTEX: usize = 6 * 4;

/// The core tubes of all strokes, merged: vertices interleaved (position, normal, colour)
/// as little-endian bytes, ready for the binary chunk, and triangles.
struct CoreMesh {
    vertices: Vec<u8>,
    count: usize,
    /// Little-endian `u32`s, three per triangle.
    indices: Vec<u8>,
    min: [f32; 3],
    max: [f32; 3],
}

impl CoreMesh {
    /// An empty mesh with room for about `vertices` vertices.
    fn with_capacity(vertices: usize) -> Self {
        Self {
            vertices: Vec::with_capacity(vertices * VERTEX_BYTES),
            count: 0,
            indices: Vec::with_capacity(vertices * INDEX_BYTES_PER_VERTEX),
            min: [f32::MAX; 3],
            max: [f32::MIN; 3],
        }
    }

    /// Adds the core vertices of `piece` (a piece of a stroke drawn as `folds` copies) and
    /// the builder's triangles between them, renumbered.
    fn add_piece(&mut self, piece: &TubeMesh, folds: usize, colour: [f32; 4]) {
        let stride = RING_VERTICES * folds;
        let core_stride = SIDES * folds;
        if stride == 0 || piece.indices.is_empty() {
            return;
        }
        let rings = piece.positions.len() / stride;
        let base = self.count;
        let added = rings * core_stride;
        let bytes =
            (self.count + added) * VERTEX_BYTES + self.indices.len() + piece.indices.len() * 4;
        if base + added > u32::MAX as usize || bytes > MAX_BIN_BYTES {
            return;
        }
        for ring in 0..rings {
            for copy in 0..folds {
                let start = ring * stride + copy * RING_VERTICES;
                let (Some(positions), Some(normals)) = (
                    piece.positions.get(start..start + SIDES),
                    piece.normals.get(start..start + SIDES),
                ) else {
                    return;
                };
                for (position, normal) in positions.iter().zip(normals) {
                    let normal = Vec3::from_array(*normal)
                        .try_normalize()
                        .unwrap_or(Vec3::Y)
                        .to_array();
                    let mut vertex = [0_u8; VERTEX_BYTES];
                    let values = position.iter().chain(&normal).chain(&colour);
                    for (bytes, value) in vertex.chunks_exact_mut(4).zip(values) {
                        bytes.copy_from_slice(&value.to_le_bytes());
                    }
                    self.vertices.extend_from_slice(&vertex);
                    for ((min, max), value) in self.min.iter_mut().zip(&mut self.max).zip(position)
                    {
                        *min = min.min(*value);
                        *max = max.max(*value);
                    }
                }
            }
        }
        self.count += added;
        // The builder joins core to core and halo to halo; keep the core's triangles.
        for triangle in piece.indices.chunks_exact(3) {
            let mut core = [0_u32; 3];
            let kept = core.iter_mut().zip(triangle).all(|(slot, &index)| {
                let index = index as usize;
                let (ring, within) = (index / stride, index % stride);
                let (copy, side) = (within / RING_VERTICES, within % RING_VERTICES);
                *slot = (base + ring * core_stride + copy * SIDES + side) as u32;
                side < SIDES && ring < rings
            });
            if kept {
                for index in core {
                    self.indices.extend_from_slice(&index.to_le_bytes());
                }
            }
        }
    }
}

/// The painting as a binary glTF 2.0 file: the core tube of every stroke and symmetry copy
/// as one unlit, opaque, vertex-coloured mesh, centred on [`CANVAS_CENTRE`] (module docs).
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
        let built = TubeBuilder::build(stroke);
        let [r, g, b] = stroke.colour.linear();
        let folds = stroke.symmetry.folds() as usize;
        for piece in built.pieces() {
            mesh.add_piece(piece, folds, [r, g, b, 1.0]);
        }
    }
    let mut node = json!({
        "name": "Stillpoint painting",
        "translation": (Vec3::ZERO - CANVAS_CENTRE).to_array(),
    });
    let mut document = json!({
        "asset": { "version": "2.0", "generator": "Stillpoint" },
        "scene": 0,
        "scenes": [{ "name": "Painting", "nodes": [0] }],
    });
    let has_mesh = mesh.count > 0 && !mesh.indices.is_empty();
    if has_mesh {
        let count = mesh.count;
        let vertex_bytes = mesh.vertices.len();
        let index_bytes = mesh.indices.len();
        node["mesh"] = json!(0);
        document["extensionsUsed"] = json!(["KHR_materials_unlit"]);
        document["buffers"] = json!([{ "byteLength": vertex_bytes + index_bytes }]);
        document["bufferViews"] = json!([
            { "buffer": 0, "byteOffset": 0, "byteLength": vertex_bytes,
              "byteStride": VERTEX_BYTES, "target": 34962 },
            { "buffer": 0, "byteOffset": vertex_bytes, "byteLength": index_bytes,
              "target": 34963 },
        ]);
        document["accessors"] = json!([
            { "bufferView": 0, "byteOffset": 0, "componentType": 5126, "count": count,
              "type": "VEC3", "min": mesh.min, "max": mesh.max },
            { "bufferView": 0, "byteOffset": 12, "componentType": 5126, "count": count,
              "type": "VEC3" },
            { "bufferView": 0, "byteOffset": 24, "componentType": 5126, "count": count,
              "type": "VEC4" },
            { "bufferView": 1, "componentType": 5125, "count": index_bytes / 4,
              "type": "SCALAR" },
        ]);
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
        document["meshes"] = json!([{
            "name": "Strokes",
            "primitives": [{
                "attributes": { "POSITION": 0, "NORMAL": 1, "COLOR_0": 2 },
                "indices": 3,
                "material": 0,
                "mode": 4,
            }],
        }]);
    }
    document["nodes"] = json!([node]);
    if has_mesh {
        pack_glb(&document, &[&mesh.vertices, &mesh.indices])
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
    use crate::artwork::tube::CORE_ALPHA;

    /// The builder's core geometry for `artwork`, found independently of the export's
    /// layout arithmetic: core vertices are the ones with the core's alpha. Positions and
    /// normals of the core vertices, and the core triangles as position triples.
    fn builder_core(artwork: &Artwork) -> Core {
        let (mut positions, mut normals, mut triangles) = (Vec::new(), Vec::new(), Vec::new());
        for stroke in &artwork.strokes {
            for piece in TubeBuilder::build(stroke).pieces() {
                if piece.indices.is_empty() {
                    continue;
                }
                let core = |i: usize| piece.colours[i][3] == CORE_ALPHA;
                for i in (0..piece.positions.len()).filter(|&i| core(i)) {
                    positions.push(piece.positions[i]);
                    normals.push(piece.normals[i]);
                }
                for triangle in piece.indices.chunks_exact(3) {
                    if triangle.iter().all(|&i| core(i as usize)) {
                        triangles.push([0, 1, 2].map(|k| piece.positions[triangle[k] as usize]));
                    }
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

    #[test]
    fn the_glb_holds_the_core_tubes_the_builder_makes() {
        let artwork = painting();
        let bytes = glb(&artwork);
        assert_eq!(&bytes[..4], b"glTF");
        assert_eq!(
            u32::from_le_bytes(bytes[8..12].try_into().expect("4 bytes")) as usize,
            bytes.len()
        );
        assert_eq!(bytes.len() % 4, 0);
        let gltf = gltf::Gltf::from_slice(&bytes).expect("a valid GLB");
        let blob = gltf.blob.as_deref().expect("a BIN chunk");
        assert_eq!(gltf.meshes().count(), 1);
        let node = gltf.nodes().next().expect("a node");
        let (translation, _, _) = node.transform().decomposed();
        assert_eq!(translation, (-CANVAS_CENTRE).to_array());
        let primitive = gltf
            .meshes()
            .next()
            .expect("a mesh")
            .primitives()
            .next()
            .expect("one");
        assert_eq!(primitive.mode(), gltf::mesh::Mode::Triangles);
        assert_eq!(
            primitive.material().alpha_mode(),
            gltf::material::AlphaMode::Opaque
        );
        assert!(primitive.material().double_sided());
        let reader = primitive.reader(|_| Some(blob));
        let positions: Vec<[f32; 3]> = reader.read_positions().expect("positions").collect();
        let Core {
            positions: core,
            normals: core_normals,
            triangles: core_triangles,
        } = builder_core(&artwork);
        let vertices = core.len();
        assert!(vertices > 1000);
        // Exactly the builder's core vertices, in order.
        assert_eq!(positions, core);
        assert!(positions.iter().flatten().all(|v| v.is_finite()));

        // The accessor's bounds are the data's.
        let accessor = primitive.get(&gltf::Semantic::Positions).expect("POSITION");
        let min = accessor.min().expect("min");
        let max = accessor.max().expect("max");
        for axis in 0..3 {
            let lo = positions.iter().map(|p| p[axis]).fold(f32::MAX, f32::min);
            let hi = positions.iter().map(|p| p[axis]).fold(f32::MIN, f32::max);
            assert_eq!(min[axis].as_f64().expect("number") as f32, lo);
            assert_eq!(max[axis].as_f64().expect("number") as f32, hi);
        }

        let normals: Vec<[f32; 3]> = reader.read_normals().expect("normals").collect();
        assert_eq!(normals.len(), vertices);
        for (normal, built) in normals.iter().zip(&core_normals) {
            let normal = Vec3::from_array(*normal);
            assert!((normal.length() - 1.0).abs() < 1e-4);
            assert!(normal.distance(Vec3::from_array(*built)) < 1e-4);
        }
        let colours: Vec<[f32; 4]> = reader
            .read_colors(0)
            .expect("colours")
            .into_rgba_f32()
            .collect();
        assert_eq!(colours.len(), vertices);
        let blue = Rgb([143, 184, 222]).linear();
        assert_eq!(colours[0], [blue[0], blue[1], blue[2], 1.0]);
        let indices: Vec<u32> = reader.read_indices().expect("indices").into_u32().collect();
        assert!(indices.iter().all(|&i| (i as usize) < vertices));
        // The builder's core triangles, in order, corners in order.
        let exported: Vec<[[f32; 3]; 3]> = indices
            .chunks_exact(3)
            .map(|t| [0, 1, 2].map(|k| positions[t[k] as usize]))
            .collect();
        assert_eq!(exported.len(), core_triangles.len());
        assert!(exported == core_triangles, "the core's triangles");

        let document = json_chunk(&bytes);
        assert_eq!(document["extensionsUsed"], json!(["KHR_materials_unlit"]));
        assert_eq!(
            document["materials"][0]["extensions"],
            json!({ "KHR_materials_unlit": {} })
        );
        assert_eq!(document["asset"]["generator"], "Stillpoint");
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
