//! How a stroke is drawn on screen: as bands that turn to face the eye (the vertex shader
//! `stroke_band.wgsl`), in the colours of their vertices, unlit. A band of two triangles
//! per segment looks as the tube it stands for does (an unlit tube is a flat band of
//! colour from any side) for a sixth of the triangles, and its fragments run no lighting.

use bevy::asset::uuid_handle;
use bevy::mesh::MeshVertexBufferLayoutRef;
use bevy::pbr::{MaterialPipeline, MaterialPipelineKey};
use bevy::prelude::*;
use bevy::render::render_resource::{
    AsBindGroup, ColorWrites, RenderPipelineDescriptor, SpecializedMeshPipelineError,
};
use bevy::shader::ShaderRef;

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
#[derive(Asset, AsBindGroup, TypePath, Debug, Clone, Default)]
#[bind_group_data(StrokeLayer)]
pub struct StrokeLight {
    /// Which part of the stroke it draws.
    pub layer: StrokeLayer,
}

/// A part of a stroke as a material draws it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum StrokeLayer {
    /// The bright core, opaque.
    #[default]
    Core,
    /// The faint halo, blended over what is behind it.
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
