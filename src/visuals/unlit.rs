//! The material of everything in the scene that is light rather than lit: the caption and
//! the boards, the pacer, the soft lights, the veil, the trees and the brush tips. A colour,
//! times a picture when it has one, blended or opaque. Bevy's standard material does the
//! same in its unlit path at many times the cost per pixel (measured: the caption, 8% of the
//! view, cost more than the sky's 58%), and these layers cover much of the view.

use bevy::asset::uuid_handle;
use bevy::mesh::MeshVertexBufferLayoutRef;
use bevy::pbr::{MaterialPipeline, MaterialPipelineKey};
use bevy::prelude::*;
use bevy::render::render_resource::{
    AsBindGroup, Face, RenderPipelineDescriptor, SpecializedMeshPipelineError,
};
use bevy::shader::ShaderRef;

/// The material's shader, held in the app's shaders under a fixed handle.
const UNLIT_SHADER: Handle<Shader> = uuid_handle!("0b6b3c1e-5d0a-4f43-9a51-7c2e8d4f6a19");

/// Registers the material and its shader.
pub fn plugin(app: &mut App) {
    app.add_plugins(MaterialPlugin::<Unlit>::default());
    let shader = Shader::from_wgsl(include_str!("unlit.wgsl"), "stillpoint/visuals/unlit.wgsl");
    add_shader(app, &UNLIT_SHADER, shader, "the caption and the lights");
}

/// Puts `shader` in the app's shaders under `handle`, the fixed handle a material names;
/// `drawing` says what would not show without it.
pub fn add_shader(app: &mut App, handle: &Handle<Shader>, shader: Shader, drawing: &str) {
    let added = app
        .world_mut()
        .resource_mut::<Assets<Shader>>()
        .insert(handle.id(), shader);
    if added.is_err() {
        error!("a shader could not be added: {drawing} will not show");
    }
}

/// A colour (times a picture), unlit.
#[derive(Asset, AsBindGroup, TypePath, Debug, Clone)]
#[bind_group_data(UnlitKey)]
pub struct Unlit {
    /// The colour, linear, with its opacity.
    #[uniform(0)]
    pub colour: LinearRgba,
    /// The picture the colour multiplies, if any.
    #[texture(1)]
    #[sampler(2)]
    pub picture: Option<Handle<Image>>,
    /// Opaque, or blended over what is behind.
    pub alpha_mode: AlphaMode,
    /// True to draw the back faces too.
    pub double_sided: bool,
    /// Drawn as if this much nearer (positive) or farther, in depth units.
    pub depth_bias: f32,
}

impl Unlit {
    /// `colour`, opaque, front faces only.
    pub fn opaque(colour: Color) -> Self {
        Self {
            colour: colour.to_linear(),
            picture: None,
            alpha_mode: AlphaMode::Opaque,
            double_sided: false,
            depth_bias: 0.0,
        }
    }

    /// `colour`, blended over what is behind by its alpha, front faces only.
    pub fn blended(colour: Color) -> Self {
        Self {
            alpha_mode: AlphaMode::Blend,
            ..Self::opaque(colour)
        }
    }

    /// The same, times `picture`.
    pub fn with_picture(self, picture: Handle<Image>) -> Self {
        Self {
            picture: Some(picture),
            ..self
        }
    }

    /// The same, seen from both sides.
    pub fn double_sided(self) -> Self {
        Self {
            double_sided: true,
            ..self
        }
    }

    /// The same, drawn `bias` depth units nearer.
    pub fn with_depth_bias(self, bias: f32) -> Self {
        Self {
            depth_bias: bias,
            ..self
        }
    }
}

/// What of an [`Unlit`] shapes its pipeline.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct UnlitKey {
    double_sided: bool,
    depth_bias: i32,
}

impl From<&Unlit> for UnlitKey {
    fn from(material: &Unlit) -> Self {
        Self {
            double_sided: material.double_sided,
            depth_bias: material.depth_bias as i32,
        }
    }
}

impl Material for Unlit {
    fn fragment_shader() -> ShaderRef {
        ShaderRef::Handle(UNLIT_SHADER)
    }

    fn alpha_mode(&self) -> AlphaMode {
        self.alpha_mode
    }

    fn depth_bias(&self) -> f32 {
        self.depth_bias
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
        _layout: &MeshVertexBufferLayoutRef,
        key: MaterialPipelineKey<Self>,
    ) -> Result<(), SpecializedMeshPipelineError> {
        descriptor.primitive.cull_mode = (!key.bind_group_data.double_sided).then_some(Face::Back);
        if let Some(depth) = descriptor.depth_stencil.as_mut() {
            depth.bias.constant = key.bind_group_data.depth_bias;
        }
        Ok(())
    }
}

/// Sets a material's colour only when it differs, so that materials at rest are not sent to
/// the GPU again every frame.
pub fn set_colour(materials: &mut Assets<Unlit>, handle: &Handle<Unlit>, colour: Color) {
    let colour = colour.to_linear();
    let differs = materials
        .get(handle)
        .is_some_and(|material| material.colour != colour);
    if differs && let Some(mut material) = materials.get_mut(handle) {
        material.colour = colour;
    }
}
