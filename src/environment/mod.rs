//! The calm scene around the patient, built from the preset the session names.

pub mod ambient;
pub mod builder;
pub mod cover;
pub mod elements;
pub mod land;
pub mod looks;
pub mod material;
pub mod motion;
pub mod shore;
pub mod sky;
pub mod trees;

use bevy::prelude::*;

use self::elements::{Ground, Look};
use self::material::SceneMaterial;
use crate::script::SessionScript;
use crate::session::selection::ActiveScript;
use crate::session::{SessionRuntime, SessionState};
use crate::visuals::Unlit;
use crate::visuals::fade::Veil;
use crate::{AppSystems, catalog};

/// Draws the session's environment and keeps it in step with the script (hot reload).
pub fn plugin(app: &mut App) {
    app.add_plugins((ambient::plugin, material::plugin))
        .init_resource::<ShownEnvironment>()
        .add_systems(Update, show_script_environment.in_set(AppSystems::Present));
}

/// The preset currently on screen, if any.
#[derive(Resource, Default, Debug, Clone, PartialEq, Eq)]
pub struct ShownEnvironment(pub Option<String>);

/// Every mesh of a scene, each a whole element (the sky, all the trees, all the grass) drawn
/// at once, named for the inspector.
pub fn scene_meshes(look: &Look) -> Vec<(&'static str, Mesh)> {
    let mut parts = vec![("Sky", sky::sky_dome(look))];
    if let Some(disc) = &look.disc {
        parts.push(("Sun or moon", sky::disc(look, disc)));
    }
    if let Some(stars) = &look.stars {
        parts.push(("Stars", sky::stars(look, stars)));
    }
    parts.extend(land::ground(look).into_iter().map(|mesh| ("Ground", mesh)));
    parts.extend(
        look.hills
            .iter()
            .map(|hills| ("Hills", land::hills(look, hills))),
    );
    if let Some(trees) = &look.trees {
        parts.push(("Trees", trees::mesh(look, trees)));
    }
    if let Some(cover) = &look.cover {
        parts.push(("Grass and flowers", cover::growth(look, cover)));
        parts.push(("Stones", cover::stones(look, cover)));
    }
    if let Ground::Water(water) = &look.ground {
        if let Some(reeds) = &look.reeds {
            parts.push(("Reeds", shore::reeds(look, water, reeds)));
        }
        if let Some(foam) = &look.foam {
            parts.push(("Foam", shore::foam(look, water, foam)));
        }
    }
    parts
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
    mut scene_materials: ResMut<Assets<SceneMaterial>>,
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
    spawn_scene(
        &mut commands,
        wanted,
        &soft,
        &mut meshes,
        &mut materials,
        &mut scene_materials,
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
    scene_materials: &mut Assets<SceneMaterial>,
) {
    let look = looks::look(id);
    commands.insert_resource(ClearColor(look.sky.horizon));
    let material = scene_materials.add(SceneMaterial::new(&look.motion));
    let parts: Vec<_> = scene_meshes(&look)
        .into_iter()
        .map(|(name, mesh)| (name, meshes.add(mesh)))
        .collect();
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
                    MeshMaterial3d(material.clone()),
                ));
            }
            ambient::spawn_ambient(
                scene,
                &look.ambient,
                look.sky.glow_direction.0,
                soft,
                meshes,
                materials,
            );
        });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::environment::builder::ATTRIBUTE_MOTION;

    /// The colours of a mesh's vertices, in sRGB 0..255.
    fn colours(mesh: &Mesh) -> Vec<[f32; 3]> {
        let Some(bevy::mesh::VertexAttributeValues::Float32x4(colours)) =
            mesh.attribute(Mesh::ATTRIBUTE_COLOR)
        else {
            return Vec::new();
        };
        colours
            .iter()
            .map(|&[r, g, b, _]| {
                let srgb = Color::linear_rgb(r, g, b).to_srgba();
                [srgb.red * 255.0, srgb.green * 255.0, srgb.blue * 255.0]
            })
            .collect()
    }

    #[test]
    fn every_scene_builds_well_formed_meshes_within_its_budget() {
        for preset in catalog::ENVIRONMENTS {
            let parts = scene_meshes(&looks::look(preset.id));
            // A few dozen draws at most: each element is one mesh.
            assert!(parts.len() <= 16, "{}: {} meshes", preset.id, parts.len());
            let mut triangles = 0;
            for (name, mesh) in &parts {
                let count = mesh.count_vertices() as u32;
                let indices: Vec<usize> = mesh
                    .indices()
                    .map(|indices| indices.iter().collect())
                    .unwrap_or_default();
                assert!(!indices.is_empty(), "{} {name} is empty", preset.id);
                assert_eq!(indices.len() % 3, 0);
                assert!(indices.iter().all(|&index| (index as u32) < count));
                triangles += indices.len() / 3;
                let Some(bevy::mesh::VertexAttributeValues::Float32x4(motions)) =
                    mesh.attribute(ATTRIBUTE_MOTION)
                else {
                    panic!("{} {name} has no motion", preset.id)
                };
                for motion in motions {
                    assert!(
                        motion[..3]
                            .iter()
                            .all(|weight| (0.0..=1.0).contains(weight)),
                        "{} {name}: weights {motion:?} beyond what the comfort guard measured",
                        preset.id
                    );
                }
            }
            // Tens of thousands of triangles, not millions: the software renderer is the
            // floor the budget is set on.
            assert!(triangles < 60_000, "{}: {triangles} triangles", preset.id);
        }
    }

    #[test]
    fn the_same_look_builds_the_same_scene() {
        for preset in catalog::ENVIRONMENTS {
            let look = looks::look(preset.id);
            let (first, again) = (scene_meshes(&look), scene_meshes(&look));
            for ((name, mesh), (_, same)) in first.iter().zip(&again) {
                assert_eq!(
                    mesh.attribute(Mesh::ATTRIBUTE_POSITION)
                        .and_then(|p| p.as_float3()),
                    same.attribute(Mesh::ATTRIBUTE_POSITION)
                        .and_then(|p| p.as_float3()),
                    "{} {name}",
                    preset.id
                );
                assert_eq!(colours(mesh), colours(same), "{} {name}", preset.id);
            }
        }
    }

    #[test]
    fn nothing_in_a_scene_is_as_white_as_the_words_or_as_warm_as_the_pacer() {
        // The captions' lettering and the pacer's core must stand out from every scene: no
        // vertex of a scene is as white as the words anywhere, nor as warm as the pacer in the
        // column of view straight ahead where it sits, whatever the patient's posture (the
        // render tests find them by these colours).
        for preset in catalog::ENVIRONMENTS {
            for (name, mesh) in scene_meshes(&looks::look(preset.id)) {
                let Some(positions) = mesh
                    .attribute(Mesh::ATTRIBUTE_POSITION)
                    .and_then(|positions| positions.as_float3())
                else {
                    panic!("{} {name} has no positions", preset.id)
                };
                for ([r, g, b], position) in colours(&mesh).into_iter().zip(positions) {
                    let from_eye = Vec3::from_array(*position) - crate::viewpoint::EYE;
                    let ahead = from_eye.x.atan2(-from_eye.z).abs() < 0.25;
                    let lettering = r > 225.0 && g > 220.0 && b > 210.0;
                    let orb = ahead && r > 240.0 && g > 215.0 && (180.0..216.0).contains(&b);
                    assert!(
                        !lettering && !orb,
                        "{} {name}: a vertex of ({r:.0}, {g:.0}, {b:.0})",
                        preset.id
                    );
                }
            }
        }
    }
}
