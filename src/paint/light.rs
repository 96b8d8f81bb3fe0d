//! How a stroke is drawn on screen: as bands that turn to face the eye (the vertex shader
//! `stroke_band.wgsl`), in the colours of their vertices, unlit. A band of two triangles
//! per segment looks as the tube it stands for does (an unlit tube is a flat band of
//! colour from any side) for a sixth of the triangles, and its fragments run no lighting.
//! The stroke's halo is the same band drawn wider and faint, in the painting's glow.

use bevy::asset::uuid_handle;
use bevy::mesh::MeshVertexBufferLayoutRef;
use bevy::pbr::{MaterialPipeline, MaterialPipelineKey};
use bevy::prelude::*;
use bevy::render::render_resource::{
    AsBindGroup, ColorWrites, RenderPipelineDescriptor, ShaderType, SpecializedMeshPipelineError,
};
use bevy::shader::ShaderRef;

/// The halo's radius relative to the core's.
pub const HALO_SCALE: f32 = 2.4;
/// Where the halo begins, relative to the core's radius: it is not drawn over its own core
/// (where it would only blur the core's edges into the glow around), and reaches a little
/// over the core's edges so that no seam shows between them.
const HALO_INNER: f32 = 0.9;
/// The halo's opacity. Only the halo's side facing the patient is drawn: one layer of 0.26
/// looks as a tube's front and back layers of 0.14 together would.
const HALO_ALPHA: f32 = 0.26;

/// The band shader, held in the app's shaders under a fixed handle.
const STROKE_BAND_SHADER: Handle<Shader> = uuid_handle!("6f1d1f2e-93a8-4c52-8b7e-3f0d6a2c9e41");

/// Registers the stroke material and its shader.
pub fn plugin(app: &mut App) {
    app.add_plugins(MaterialPlugin::<StrokeLight>::default());
    let shader = Shader::from_wgsl(
        include_str!("stroke_band.wgsl"),
        "stillpoint/paint/stroke_band.wgsl",
    );
    crate::visuals::unlit::add_shader(app, &STROKE_BAND_SHADER, shader, "the painting");
}

/// The material of a stroke's core or its halo.
#[derive(Asset, AsBindGroup, TypePath, Debug, Clone)]
#[bind_group_data(StrokeLayer)]
pub struct StrokeLight {
    /// Which part of the stroke it draws.
    pub layer: StrokeLayer,
    /// How the stroke's band is drawn for that part.
    #[uniform(0)]
    band: BandLook,
}

impl StrokeLight {
    /// The material that draws `layer` of each stroke.
    pub fn new(layer: StrokeLayer) -> Self {
        let band = match layer {
            StrokeLayer::Core | StrokeLayer::CoreInGlow => BandLook {
                widened: 1.0,
                opacity: 1.0,
                hollow: 0.0,
            },
            StrokeLayer::Halo => BandLook {
                widened: HALO_SCALE,
                opacity: HALO_ALPHA,
                hollow: HALO_INNER / HALO_SCALE,
            },
        };
        Self { layer, band }
    }
}

/// How wide a band is drawn, relative to the tube it stands for, how opaque, and how much of
/// its middle (a fraction of its half-width) is left undrawn.
#[derive(ShaderType, Debug, Clone, Copy, PartialEq)]
struct BandLook {
    widened: f32,
    opacity: f32,
    hollow: f32,
}

/// A part of a stroke as a material draws it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StrokeLayer {
    /// The bright core, opaque.
    Core,
    /// The faint halo: the core's band, wider, blended over what is behind it.
    Halo,
    /// The core as the painting's glow sees it: it hides the halos behind it, and draws no
    /// colour of its own.
    CoreInGlow,
}

impl From<&StrokeLight> for StrokeLayer {
    fn from(material: &StrokeLight) -> Self {
        material.layer
    }
}

impl Material for StrokeLight {
    fn vertex_shader() -> ShaderRef {
        ShaderRef::Handle(STROKE_BAND_SHADER)
    }

    fn fragment_shader() -> ShaderRef {
        ShaderRef::Handle(STROKE_BAND_SHADER)
    }

    fn alpha_mode(&self) -> AlphaMode {
        match self.layer {
            StrokeLayer::Halo => AlphaMode::Blend,
            StrokeLayer::Core | StrokeLayer::CoreInGlow => AlphaMode::Opaque,
        }
    }

    fn enable_prepass() -> bool {
        false
    }

    fn enable_shadows() -> bool {
        false
    }

    fn specialize(
        _pipeline: &MaterialPipeline,
        descriptor: &mut RenderPipelineDescriptor,
        layout: &MeshVertexBufferLayoutRef,
        key: MaterialPipelineKey<Self>,
    ) -> Result<(), SpecializedMeshPipelineError> {
        descriptor.vertex.buffers = vec![layout.0.get_layout(&[
            Mesh::ATTRIBUTE_POSITION.at_shader_location(0),
            Mesh::ATTRIBUTE_NORMAL.at_shader_location(1),
            Mesh::ATTRIBUTE_UV_0.at_shader_location(2),
            Mesh::ATTRIBUTE_COLOR.at_shader_location(5),
        ])?];
        // A band faces the eye whichever way it was wound.
        descriptor.primitive.cull_mode = None;
        if key.bind_group_data == StrokeLayer::CoreInGlow {
            let targets = descriptor
                .fragment
                .iter_mut()
                .flat_map(|fragment| &mut fragment.targets);
            for target in targets.flatten() {
                target.write_mask = ColorWrites::empty();
            }
        }
        Ok(())
    }
}
