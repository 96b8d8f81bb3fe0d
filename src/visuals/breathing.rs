//! The breathing pacer: a soft orb of light that grows as the patient breathes in, rests full
//! while they hold, and settles as they breathe out. It reads the runtime's breath state.

use bevy::prelude::*;

use super::glow::{SoftLight, soft_light_alpha};
use crate::AppSystems;
use crate::audio::voice_note::VoiceLevel;
use crate::exercises::Detail;
use crate::exercises::voice_note::NotePhase;
use crate::session::{SessionRuntime, SessionState};
use crate::viewpoint::{OnStage, PatientCamera, PatientHead};
use crate::visuals::Unlit;

/// Where the orb floats: below eye level and the caption, a little over two metres ahead.
pub const ORB_POSITION: Vec3 = Vec3::new(0.0, 0.9, -2.4);
/// Orb radius when settled and when full, metres.
pub const ORB_RADIUS: (f32, f32) = (0.09, 0.24);
/// Seconds for the orb to appear or fade away.
const PRESENCE_SECS: f32 = 1.2;

/// The orb and its halo.
#[derive(Component)]
struct Orb {
    core: Handle<Unlit>,
    halo: Handle<Unlit>,
    /// 0 (absent) to 1 (fully shown), eased over [`PRESENCE_SECS`].
    presence: f32,
}

/// The orb's halo: one soft light (see [`soft_light_alpha`]) turned to face the patient,
/// drawn behind the core.
#[derive(Component)]
struct Halo;

/// The halo's half-width, in orb radii, and its opacity at its centre: a glow that fades from
/// about 0.3 at the orb's edge through 0.06 at 1.9 radii to nothing at 2.4.
const HALO_HALF_WIDTH: f32 = 2.4;
const HALO_PEAK: f32 = 0.45;
/// Sorts the halo behind the core it surrounds (metres of view depth; see
/// `Unlit::depth_bias`).
const HALO_BEHIND: f32 = -0.5;

/// The orb's core colour: warm white, the brightest light the app shows.
pub const CORE: Color = Color::srgb(1.0, 0.93, 0.82);
const HALO: Color = Color::srgb(1.0, 0.86, 0.7);

/// Shows the breathing pacer during breathing steps.
pub fn plugin(app: &mut App) {
    app.add_systems(Startup, spawn_orb.after(super::glow::make_soft_light))
        .add_systems(
            Update,
            (follow_the_breath, face_the_patient)
                .chain()
                .in_set(AppSystems::Present),
        );
}

/// The orb's radius for a breath fullness of 0..1.
pub fn orb_radius(fullness: f32) -> f32 {
    ORB_RADIUS.0 + (ORB_RADIUS.1 - ORB_RADIUS.0) * fullness.clamp(0.0, 1.0)
}

/// The halo's opacity at `distance` from the orb's centre, in orb radii, when fully shown.
pub fn halo_opacity(distance: f32) -> f32 {
    HALO_PEAK * soft_light_alpha(distance / HALO_HALF_WIDTH)
}

fn spawn_orb(
    mut commands: Commands,
    soft: Option<Res<SoftLight>>,
    mut meshes: ResMut<Assets<Mesh>>,
    mut materials: ResMut<Assets<Unlit>>,
) {
    let core = materials.add(Unlit::blended(CORE.with_alpha(0.0)));
    let mut halo = Unlit::blended(HALO.with_alpha(0.0))
        .double_sided()
        .with_depth_bias(HALO_BEHIND);
    if let Some(soft) = soft {
        halo = halo.with_picture(soft.0.clone());
    }
    let halo = materials.add(halo);
    let sphere = meshes.add(
        Sphere::new(1.0)
            .mesh()
            .ico(4)
            .unwrap_or_else(|_| Sphere::new(1.0).mesh().uv(48, 24)),
    );
    let quad = meshes.add(Rectangle::new(2.0, 2.0));
    commands
        .spawn((
            Name::new("Breathing orb"),
            Orb {
                core: core.clone(),
                halo: halo.clone(),
                presence: 0.0,
            },
            Mesh3d(sphere),
            MeshMaterial3d(core),
            Transform::from_translation(ORB_POSITION).with_scale(Vec3::splat(ORB_RADIUS.0)),
            Visibility::Hidden,
            OnStage,
        ))
        .with_children(|orb| {
            orb.spawn((
                Halo,
                Mesh3d(quad),
                MeshMaterial3d(halo),
                Transform::from_scale(Vec3::splat(HALO_HALF_WIDTH)),
            ));
        });
}

/// How full the orb rests while a voice note records in silence; the voice swells it.
const VOICE_REST: f32 = 0.3;

fn follow_the_breath(
    time: Res<Time<Real>>,
    runtime: Res<SessionRuntime>,
    voice: Option<Res<VoiceLevel>>,
    mut orbs: Query<(&mut Orb, &mut Transform, &mut Visibility)>,
    mut materials: ResMut<Assets<Unlit>>,
) {
    // The orb paces the breath, and breathes with the patient's voice while a note records.
    let fullness = match runtime.view().map(|view| &view.detail) {
        _ if runtime.state() == SessionState::Calm => None,
        Some(Detail::Breath(breath)) => Some(breath.fullness),
        Some(Detail::VoiceNote {
            phase: NotePhase::Recording,
            ..
        }) => Some(VOICE_REST + (1.0 - VOICE_REST) * voice.map_or(0.0, |voice| voice.0)),
        _ => None,
    };
    for (mut orb, mut transform, mut visibility) in &mut orbs {
        let target = if fullness.is_some() { 1.0 } else { 0.0 };
        orb.presence =
            crate::easing::approach(orb.presence, target, time.delta_secs() / PRESENCE_SECS);
        if let Some(fullness) = fullness {
            transform.scale = Vec3::splat(orb_radius(fullness));
        }
        visibility.set_if_neq(if orb.presence > 0.0 {
            Visibility::Inherited
        } else {
            Visibility::Hidden
        });
        let eased = crate::easing::ease(orb.presence);
        super::set_colour(&mut materials, &orb.core, CORE.with_alpha(0.92 * eased));
        super::set_colour(
            &mut materials,
            &orb.halo,
            HALO.with_alpha(HALO_PEAK * eased),
        );
    }
}

/// Turns the halo to face the patient's eyes (the headset's head, or the desktop view).
fn face_the_patient(
    heads: Query<&GlobalTransform, With<PatientHead>>,
    cameras: Query<&GlobalTransform, With<PatientCamera>>,
    orbs: Query<&GlobalTransform, With<Orb>>,
    mut halos: Query<(&ChildOf, &mut Transform), With<Halo>>,
) {
    let Some(eye) = heads
        .iter()
        .chain(cameras.iter())
        .next()
        .map(GlobalTransform::translation)
    else {
        return;
    };
    for (parent, mut transform) in &mut halos {
        let Ok(orb) = orbs.get(parent.parent()) else {
            continue;
        };
        let (_, orb_rotation, centre) = orb.to_scale_rotation_translation();
        let towards = eye - centre;
        if towards.length_squared() < 1e-6 {
            continue;
        }
        let facing = Transform::default().looking_to(-towards, Vec3::Y).rotation;
        let local = orb_rotation.inverse() * facing;
        if transform.rotation.angle_between(local) > 1e-4 {
            transform.rotation = local;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_halo_glows_as_far_as_the_shells_it_replaced_and_fades_smoothly_to_nothing() {
        // The three shells it replaced gave 0.29 just outside the orb, 0.15 at 1.3 to 1.6
        // radii and 0.06 out to 1.9 radii, in steps.
        assert!(
            (halo_opacity(1.0) - 0.29).abs() < 0.03,
            "{}",
            halo_opacity(1.0)
        );
        assert!(
            (halo_opacity(1.45) - 0.15).abs() < 0.04,
            "{}",
            halo_opacity(1.45)
        );
        assert!(
            (halo_opacity(1.9) - 0.06).abs() < 0.02,
            "{}",
            halo_opacity(1.9)
        );
        assert_eq!(halo_opacity(HALO_HALF_WIDTH), 0.0);
        let mut last = halo_opacity(0.0);
        for step in 1..=48 {
            let next = halo_opacity(step as f32 * 0.05);
            assert!(next <= last, "the glow never brightens outwards");
            last = next;
        }
    }
}
