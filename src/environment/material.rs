//! The material every scene mesh draws with: the colours in its vertices, exactly, from both
//! sides, with no lighting (like the unlit material of captions and lights, and as cheap
//! per pixel), moved in the vertex shader by the scene's [`Motion`]. One material per scene;
//! one draw per element.

use bevy::asset::uuid_handle;
use bevy::mesh::MeshVertexBufferLayoutRef;
use bevy::pbr::{MaterialPipeline, MaterialPipelineKey};
use bevy::prelude::*;
use bevy::render::render_resource::{
    AsBindGroup, RenderPipelineDescriptor, ShaderType, SpecializedMeshPipelineError,
};
use bevy::shader::ShaderRef;

use super::builder::ATTRIBUTE_MOTION;
use super::motion::Motion;
use crate::visuals::unlit::add_shader;

/// The shader, held in the app's shaders under a fixed handle.
const SCENE_SHADER: Handle<Shader> = uuid_handle!("4f1c9a2e-7b3d-4e65-8c0a-2d9e6b1f3a57");

/// Registers the material and its shader.
pub fn plugin(app: &mut App) {
    app.add_plugins(MaterialPlugin::<SceneMaterial>::default());
    let shader = Shader::from_wgsl(
        include_str!("../../assets/shaders/scene.wgsl"),
        "stillpoint/shaders/scene.wgsl",
    );
    add_shader(app, &SCENE_SHADER, shader, "the calm scenes");
}

/// The sizes and periods of a scene's motion, as the shader reads them.
#[derive(ShaderType, Debug, Clone, Copy, PartialEq)]
pub struct MotionUniform {
    /// Amplitude (m), period (s).
    sway: Vec4,
    /// Height (m), wash (m), period (s), shimmer.
    waves: Vec4,
    /// Depth, period (s).
    twinkle: Vec4,
}

impl From<&Motion> for MotionUniform {
    fn from(motion: &Motion) -> Self {
        // A period of zero would divide by zero in the shader; still motion keeps any period.
        let period = |secs: f32| secs.max(0.1);
        Self {
            sway: Vec4::new(
                motion.sway.amplitude,
                period(motion.sway.period_secs),
                0.0,
                0.0,
            ),
            waves: Vec4::new(
                motion.waves.height,
                motion.waves.wash,
                period(motion.waves.period_secs),
                motion.waves.shimmer,
            ),
            twinkle: Vec4::new(
                motion.twinkle.depth,
                period(motion.twinkle.period_secs),
                0.0,
                0.0,
            ),
        }
    }
}

/// Vertex colours, unlit, moved by a scene's motion.
#[derive(Asset, AsBindGroup, TypePath, Debug, Clone)]
pub struct SceneMaterial {
    /// The scene's motion.
    #[uniform(0)]
    pub motion: MotionUniform,
}

impl SceneMaterial {
    /// The material of a scene that moves by `motion`.
    pub fn new(motion: &Motion) -> Self {
        Self {
            motion: motion.into(),
        }
    }
}

impl Material for SceneMaterial {
    fn vertex_shader() -> ShaderRef {
        ShaderRef::Handle(SCENE_SHADER)
    }

    fn fragment_shader() -> ShaderRef {
        ShaderRef::Handle(SCENE_SHADER)
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
        _key: MaterialPipelineKey<Self>,
    ) -> Result<(), SpecializedMeshPipelineError> {
        descriptor.vertex.buffers = vec![layout.0.get_layout(&[
            Mesh::ATTRIBUTE_POSITION.at_shader_location(0),
            Mesh::ATTRIBUTE_COLOR.at_shader_location(5),
            ATTRIBUTE_MOTION.at_shader_location(8),
        ])?];
        descriptor.primitive.cull_mode = None;
        Ok(())
    }
}
