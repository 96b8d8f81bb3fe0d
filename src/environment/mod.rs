//! The calm scene around the patient, built from the preset the session names.

pub mod ambient;
pub mod looks;
pub mod meshes;

use bevy::prelude::*;

use crate::script::SessionScript;
use crate::session::selection::ActiveScript;
use crate::session::{SessionRuntime, SessionState};
use crate::visuals::Unlit;
use crate::visuals::fade::Veil;
use crate::{AppSystems, catalog};

/// Draws the session's environment and keeps it in step with the script (hot reload).
pub fn plugin(app: &mut App) {
    app.add_plugins((ambient::plugin, MaterialPlugin::<VertexColours>::default()))
        .init_resource::<ShownEnvironment>()
        .add_systems(Update, show_script_environment.in_set(AppSystems::Present));
}

/// The preset currently on screen, if any.
#[derive(Resource, Default, Debug, Clone, PartialEq, Eq)]
pub struct ShownEnvironment(pub Option<String>);

/// The sky, the ground, the hills and the stars: the colours in their vertices, exactly, from
/// both sides, with no lighting. Bevy's default mesh shader does only this; the standard
/// material's unlit path costs several times more per pixel, and these meshes fill the view.
#[derive(Asset, bevy::render::render_resource::AsBindGroup, TypePath, Debug, Clone, Default)]
pub struct VertexColours {}

impl Material for VertexColours {
    fn enable_prepass() -> bool {
        false
    }

    fn enable_shadows() -> bool {
        false
    }

    fn specialize(
        _pipeline: &bevy::pbr::MaterialPipeline,
        descriptor: &mut bevy::render::render_resource::RenderPipelineDescriptor,
        _layout: &bevy::mesh::MeshVertexBufferLayoutRef,
        _key: bevy::pbr::MaterialPipelineKey<Self>,
    ) -> Result<(), bevy::render::render_resource::SpecializedMeshPipelineError> {
        descriptor.primitive.cull_mode = None;
        Ok(())
    }
}

/// The root of everything belonging to the current scene.
#[derive(Component)]
struct SceneRoot;

/// Shows the session's scene, or the safe place while the therapist has Calm on; a change of
/// scene fades out through the veil and in again, never in one frame.
fn show_script_environment(
    mut commands: Commands,
    active: Option<Res<ActiveScript>>,
    scripts: Res<Assets<SessionScript>>,
    runtime: Res<SessionRuntime>,
    mut shown: ResMut<ShownEnvironment>,
    mut veil: ResMut<Veil>,
    roots: Query<Entity, With<SceneRoot>>,
    soft: Option<Res<crate::visuals::glow::SoftLight>>,
    mut meshes: ResMut<Assets<Mesh>>,
    mut materials: ResMut<Assets<Unlit>>,
    mut vertex_colours: ResMut<Assets<VertexColours>>,
) {
    let Some(script) = active.and_then(|active| scripts.get(&active.0)) else {
        return;
    };
    let Some(soft) = soft else { return };
    let wanted = match runtime.state() {
        SessionState::Calm => catalog::SAFE_PLACE,
        _ => script.session.environment.as_str(),
    };
    if shown.0.as_deref() == Some(wanted) {
        veil.target = 0.0;
        return;
    }
    if shown.0.is_some() && !veil.is_covering() {
        veil.target = 1.0;
        return;
    }
    for root in &roots {
        commands.entity(root).despawn();
    }
    let vertex_coloured = vertex_colours.add(VertexColours::default());
    spawn_scene(
        &mut commands,
        wanted,
        &soft,
        &mut meshes,
        &mut materials,
        vertex_coloured,
    );
    info!("environment: {wanted}");
    shown.0 = Some(wanted.to_owned());
    veil.target = 0.0;
}

/// Spawns the scene for preset `id`.
fn spawn_scene(
    commands: &mut Commands,
    id: &str,
    soft: &crate::visuals::glow::SoftLight,
    meshes: &mut Assets<Mesh>,
    materials: &mut Assets<Unlit>,
    vertex_coloured: Handle<VertexColours>,
) {
    let look = looks::look(id);
    commands.insert_resource(ClearColor(look.horizon));
    let mut parts = vec![
        ("Sky", meshes.add(meshes::sky_dome(&look))),
        ("Ground", meshes.add(meshes::ground(&look))),
    ];
    parts.extend(
        look.hills
            .iter()
            .map(|hills| ("Hills", meshes.add(meshes::hills(&look, hills)))),
    );
    if look.stars > 0 {
        parts.push(("Stars", meshes.add(meshes::stars(&look))));
    }
    commands
        .spawn((
            Name::new(format!("Scene {id}")),
            SceneRoot,
            Transform::default(),
            Visibility::default(),
        ))
        .with_children(|scene| {
            for (name, mesh) in parts {
                scene.spawn((
                    Name::new(name),
                    Mesh3d(mesh),
                    MeshMaterial3d(vertex_coloured.clone()),
                ));
            }
            ambient::spawn_ambient(
                scene,
                &look.ambient,
                look.glow_direction.0,
                soft,
                meshes,
                materials,
            );
            if look.trees > 0 {
                let trunk = meshes.add(Cone::new(1.6, 1.0));
                let foliage = [0.32, 0.38, 0.44].map(|lightness| {
                    materials.add(Unlit::opaque(Color::hsl(130.0, 0.22, lightness)))
                });
                for (index, (position, height)) in
                    meshes::tree_positions(look.trees).into_iter().enumerate()
                {
                    scene.spawn((
                        Name::new("Tree"),
                        Mesh3d(trunk.clone()),
                        MeshMaterial3d(foliage[index % foliage.len()].clone()),
                        Transform::from_translation(position + Vec3::Y * height / 2.0)
                            .with_scale(Vec3::new(1.0, height, 1.0)),
                    ));
                }
            }
        });
}
