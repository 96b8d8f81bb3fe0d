//! The breathing pacer: a soft orb of light that grows as the patient breathes in, rests full
//! while they hold, and settles as they breathe out. It reads the runtime's breath state.

use bevy::prelude::*;

use crate::AppSystems;
use crate::exercises::Detail;
use crate::session::{SessionRuntime, SessionState};
use crate::viewpoint::OnStage;

/// Where the orb floats: below eye level and the caption, a little over two metres ahead.
pub const ORB_POSITION: Vec3 = Vec3::new(0.0, 0.9, -2.4);
/// Orb radius when settled and when full, metres.
pub const ORB_RADIUS: (f32, f32) = (0.09, 0.24);
/// Seconds for the orb to appear or fade away.
const PRESENCE_SECS: f32 = 1.2;

/// The orb and its halo.
#[derive(Component)]
struct Orb {
    core: Handle<StandardMaterial>,
    /// Shells of the halo, inner to outer, with their full opacity.
    halo: Vec<(Handle<StandardMaterial>, f32)>,
    /// 0 (absent) to 1 (fully shown), eased over [`PRESENCE_SECS`].
    presence: f32,
}

/// The halo's shells: (scale relative to the orb, opacity); together a soft glow.
const HALO_SHELLS: [(f32, f32); 3] = [(1.3, 0.16), (1.6, 0.1), (1.9, 0.06)];

/// The orb's core colour: warm white, the brightest light the app shows.
pub const CORE: Color = Color::srgb(1.0, 0.93, 0.82);
const HALO: Color = Color::srgb(1.0, 0.86, 0.7);

/// Shows the breathing pacer during breathing steps.
pub fn plugin(app: &mut App) {
    app.add_systems(Startup, spawn_orb)
        .add_systems(Update, follow_the_breath.in_set(AppSystems::Present));
}

/// The orb's radius for a breath fullness of 0..1.
pub fn orb_radius(fullness: f32) -> f32 {
    ORB_RADIUS.0 + (ORB_RADIUS.1 - ORB_RADIUS.0) * fullness.clamp(0.0, 1.0)
}

fn spawn_orb(
    mut commands: Commands,
    mut meshes: ResMut<Assets<Mesh>>,
    mut materials: ResMut<Assets<StandardMaterial>>,
) {
    let material = |materials: &mut Assets<StandardMaterial>, colour: Color| {
        materials.add(StandardMaterial {
            base_color: colour.with_alpha(0.0),
            unlit: true,
            alpha_mode: AlphaMode::Blend,
            ..default()
        })
    };
    let core = material(&mut materials, CORE);
    let halo: Vec<_> = HALO_SHELLS
        .iter()
        .map(|&(_, opacity)| (material(&mut materials, HALO), opacity))
        .collect();
    let sphere = meshes.add(
        Sphere::new(1.0)
            .mesh()
            .ico(5)
            .unwrap_or_else(|_| Sphere::new(1.0).mesh().uv(48, 24)),
    );
    let shells: Vec<_> = halo
        .iter()
        .zip(HALO_SHELLS)
        .map(|((material, _), (scale, _))| {
            (
                Mesh3d(sphere.clone()),
                MeshMaterial3d(material.clone()),
                Transform::from_scale(Vec3::splat(scale)),
            )
        })
        .collect();
    commands
        .spawn((
            Name::new("Breathing orb"),
            Orb {
                core: core.clone(),
                halo,
                presence: 0.0,
            },
            Mesh3d(sphere),
            MeshMaterial3d(core),
            Transform::from_translation(ORB_POSITION).with_scale(Vec3::splat(ORB_RADIUS.0)),
            Visibility::Hidden,
            OnStage,
        ))
        .with_children(|orb| {
            for shell in shells {
                orb.spawn(shell);
            }
        });
}

fn follow_the_breath(
    time: Res<Time<Real>>,
    runtime: Res<SessionRuntime>,
    mut orbs: Query<(&mut Orb, &mut Transform, &mut Visibility)>,
    mut materials: ResMut<Assets<StandardMaterial>>,
) {
    let breath = match runtime.view().map(|view| &view.detail) {
        Some(Detail::Breath(breath)) if runtime.state() != SessionState::Calm => Some(*breath),
        _ => None,
    };
    for (mut orb, mut transform, mut visibility) in &mut orbs {
        let target = if breath.is_some() { 1.0 } else { 0.0 };
        orb.presence =
            crate::easing::approach(orb.presence, target, time.delta_secs() / PRESENCE_SECS);
        if let Some(breath) = breath {
            transform.scale = Vec3::splat(orb_radius(breath.fullness));
        }
        visibility.set_if_neq(if orb.presence > 0.0 {
            Visibility::Inherited
        } else {
            Visibility::Hidden
        });
        let eased = crate::easing::ease(orb.presence);
        super::set_colour(&mut materials, &orb.core, CORE.with_alpha(0.92 * eased));
        for (shell, opacity) in &orb.halo {
            super::set_colour(&mut materials, shell, HALO.with_alpha(opacity * eased));
        }
    }
}
