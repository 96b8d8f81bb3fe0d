//! Where the patient sits and looks from: the seated eye height, the desktop camera that
//! shows the patient's view (the headset's own cameras follow the patient's head), and the
//! stage that holds what the patient reads and chooses, turned about the eye point to follow
//! a reclined patient's resting gaze ([`Stage`]).

use bevy::core_pipeline::tonemapping::Tonemapping;
use bevy::prelude::*;

/// Seated eye height, metres.
pub const EYE_HEIGHT: f32 = 1.2;

/// The patient's eye point in the scene.
pub const EYE: Vec3 = Vec3::new(0.0, EYE_HEIGHT, 0.0);

/// The camera showing the patient's view on the desktop.
#[derive(Component, Debug, Clone, Copy, Default)]
pub struct PatientCamera;

/// Marks the entity that follows the patient's head in the headset.
#[derive(Component, Debug, Clone, Copy, Default)]
pub struct PatientHead;

/// How far up the desktop view looks, degrees, as a reclined patient's head would
/// (`run --head-pitch`); level when not given.
#[derive(Resource, Debug, Clone, Copy, PartialEq)]
pub struct HeadPitch(pub f32);

/// Where the words and choices stand: a turn upwards about the patient's eye point, radians
/// (0 for the seated layout). The scene itself stays level; only the things marked
/// [`OnStage`] turn.
#[derive(Resource, Debug, Clone, Copy, Default, PartialEq)]
pub struct Stage {
    /// The turn upwards, radians.
    pub pitch: f32,
}

impl Stage {
    /// The stage's transform: the turn about the eye point.
    pub fn transform(&self) -> Transform {
        let rotation = Quat::from_rotation_x(self.pitch);
        Transform {
            translation: EYE - rotation * EYE,
            rotation,
            ..default()
        }
    }

    /// Where a point of the seated layout stands on the stage as it is turned now.
    pub fn place(&self, point: Vec3) -> Vec3 {
        self.transform().transform_point(point)
    }

    /// A ray in the world, in the seated layout's frame (to hit-test what stands on stage).
    pub fn ray_to_layout(&self, ray: Ray3d) -> Ray3d {
        let inverse = Quat::from_rotation_x(-self.pitch);
        let origin = EYE + inverse * (ray.origin - EYE);
        Ray3d {
            origin,
            direction: inverse * ray.direction,
        }
    }
}

/// Marks what stands on the [`Stage`]: its transform is in the seated layout's frame.
#[derive(Component, Debug, Clone, Copy, Default)]
pub struct OnStage;

/// The entity that carries the [`Stage`]'s transform to everything [`OnStage`].
#[derive(Component, Debug, Clone, Copy)]
struct StageRoot;

/// Places the patient's camera and the stage.
pub fn plugin(app: &mut App) {
    app.init_resource::<Stage>()
        .add_systems(Startup, (spawn_viewpoint, spawn_stage))
        .add_systems(Update, (seat_on_stage, turn_stage).chain());
}

fn spawn_stage(mut commands: Commands) {
    commands.spawn((
        Name::new("Stage"),
        StageRoot,
        Transform::IDENTITY,
        Visibility::Inherited,
    ));
}

/// Puts newly made things that are read or chosen on the stage.
fn seat_on_stage(
    added: Query<Entity, (Added<OnStage>, Without<ChildOf>)>,
    roots: Query<Entity, With<StageRoot>>,
    mut commands: Commands,
) {
    let Some(root) = roots.iter().next() else {
        return;
    };
    for entity in &added {
        commands.entity(entity).insert(ChildOf(root));
    }
}

fn turn_stage(stage: Res<Stage>, mut roots: Query<&mut Transform, With<StageRoot>>) {
    if !stage.is_changed() {
        return;
    }
    for mut root in &mut roots {
        *root = stage.transform();
    }
}

/// The patient's viewpoint on the desktop: seated and looking down the scene, or looking up
/// by [`HeadPitch`].
fn spawn_viewpoint(pitch: Option<Res<HeadPitch>>, mut commands: Commands) {
    let transform = match pitch {
        Some(pitch) => Transform::from_translation(EYE)
            .with_rotation(Quat::from_rotation_x(pitch.0.to_radians())),
        None => Transform::from_translation(EYE).looking_at(Vec3::new(0.0, 0.9, -10.0), Vec3::Y),
    };
    commands.spawn((
        Name::new("Patient viewpoint"),
        PatientCamera,
        Camera3d::default(),
        // The scenes' colours are chosen as they should appear: no tone mapping.
        Tonemapping::None,
        Projection::Perspective(PerspectiveProjection {
            fov: 62f32.to_radians(),
            far: 2000.0,
            ..default()
        }),
        transform,
    ));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stage_turns_about_the_eye_and_rays_follow_it_back() {
        let stage = Stage {
            pitch: 40f32.to_radians(),
        };
        // The eye point stays; a point straight ahead turns up by the stage's pitch.
        assert!(stage.place(EYE).abs_diff_eq(EYE, 1e-6));
        let ahead = stage.place(EYE + Vec3::NEG_Z * 2.0) - EYE;
        assert!((ahead.y.atan2(-ahead.z).to_degrees() - 40.0).abs() < 1e-3);
        // A ray to a placed point meets the layout's point when taken back to the layout.
        let point = Vec3::new(0.3, 0.8, -1.96);
        let ray = Ray3d::new(EYE, Dir3::new(stage.place(point) - EYE).unwrap());
        let back = stage.ray_to_layout(ray);
        let distance = (point - back.origin).length();
        assert!(back.get_point(distance).abs_diff_eq(point, 1e-4));
    }
}
