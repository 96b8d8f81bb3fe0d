//! Where the patient sits and looks from: the seated eye height and the desktop camera that
//! shows the patient's view (the headset's own cameras follow the patient's head).

use bevy::core_pipeline::tonemapping::Tonemapping;
use bevy::prelude::*;

/// Seated eye height, metres.
pub const EYE_HEIGHT: f32 = 1.2;

/// The camera showing the patient's view on the desktop.
#[derive(Component, Debug, Clone, Copy, Default)]
pub struct PatientCamera;

/// Places the patient's camera.
pub fn plugin(app: &mut App) {
    app.add_systems(Startup, spawn_viewpoint);
}

/// The patient's seated viewpoint on the desktop.
fn spawn_viewpoint(mut commands: Commands) {
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
        Transform::from_xyz(0.0, EYE_HEIGHT, 0.0).looking_at(Vec3::new(0.0, 0.9, -10.0), Vec3::Y),
    ));
}
