//! A soft veil close around the viewpoint that dims the whole view for transitions, so the
//! scene never changes in a single frame (comfort rule: transitions fade over ≥ 0.5 s).

use bevy::prelude::*;

use crate::AppSystems;
use crate::visuals::Unlit;

/// Seconds for the veil to rise fully, and again to fall.
pub const FADE_SECS: f32 = 0.9;

/// How much the veil covers the view, 0 (clear) to 1 (covered), and where it is heading.
#[derive(Resource, Debug, Clone, Copy, PartialEq)]
pub struct Veil {
    /// Current cover.
    pub opacity: f32,
    /// Where it is heading.
    pub target: f32,
}

impl Default for Veil {
    /// The app opens veiled and the first scene fades in.
    fn default() -> Self {
        Self {
            opacity: 1.0,
            target: 0.0,
        }
    }
}

impl Veil {
    /// True when the veil has fully risen.
    pub fn is_covering(&self) -> bool {
        self.opacity >= 1.0
    }

    /// True when the view is clear and nothing is fading.
    pub fn is_clear(&self) -> bool {
        self.opacity <= 0.0 && self.target <= 0.0
    }

    /// Moves the cover toward its target at the fade speed.
    pub fn step(&mut self, secs: f32) {
        self.opacity = crate::easing::approach(self.opacity, self.target, secs / FADE_SECS);
    }
}

/// A lasting dimming of the whole view, 0 (none) to 1, so that nothing is brighter than the
/// clinic's brightness ceiling. Transitions fade from it to fully covered.
#[derive(Resource, Debug, Clone, Copy, Default, PartialEq)]
pub struct Dimming(pub f32);

/// Marks a camera that draws for the patient's view rather than as it (the painting's glow):
/// it has no veil of its own.
#[derive(Component, Debug, Clone, Copy)]
pub struct Unveiled;

/// The veil's sphere, a child of the viewpoint.
#[derive(Component)]
struct VeilSphere(Handle<Unlit>);

/// The veil colour: a soft, warm near-dark.
pub const VEIL: Color = Color::srgb(0.07, 0.07, 0.1);

/// Draws the veil over the patient's view.
pub fn plugin(app: &mut App) {
    app.init_resource::<Veil>()
        .init_resource::<Dimming>()
        .add_systems(
            Update,
            (attach_veil, animate_veil)
                .chain()
                .in_set(AppSystems::Present),
        );
}

fn attach_veil(
    mut commands: Commands,
    cameras: Query<Entity, (Added<Camera3d>, Without<Unveiled>)>,
    mut meshes: ResMut<Assets<Mesh>>,
    mut materials: ResMut<Assets<Unlit>>,
) {
    for camera in &cameras {
        let material = materials.add(Unlit::blended(VEIL).double_sided());
        let sphere = commands
            .spawn((
                Name::new("Veil"),
                VeilSphere(material.clone()),
                Mesh3d(meshes.add(Sphere::new(0.25))),
                MeshMaterial3d(material),
            ))
            .id();
        commands.entity(camera).add_child(sphere);
    }
}

fn animate_veil(
    time: Res<Time<Real>>,
    dimming: Res<Dimming>,
    mut veil: ResMut<Veil>,
    mut spheres: Query<(&VeilSphere, &mut Visibility)>,
    mut materials: ResMut<Assets<Unlit>>,
) {
    veil.step(time.delta_secs());
    let cover = dimming.0 + (1.0 - dimming.0) * veil.opacity;
    for (sphere, mut visibility) in &mut spheres {
        let shown = if cover > 0.0 {
            Visibility::Inherited
        } else {
            Visibility::Hidden
        };
        visibility.set_if_neq(shown);
        super::set_colour(&mut materials, &sphere.0, VEIL.with_alpha(cover));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_veil_never_jumps() {
        let mut veil = Veil {
            opacity: 0.0,
            target: 1.0,
        };
        let frame = 1.0 / 90.0;
        let mut frames = 0;
        while !veil.is_covering() {
            let before = veil.opacity;
            veil.step(frame);
            assert!(veil.opacity - before <= frame / FADE_SECS + 1e-6);
            frames += 1;
        }
        // At least half a second from clear to covered.
        assert!(frames as f32 * frame >= 0.5, "{frames} frames");
        veil.target = 0.0;
        veil.step(10.0);
        assert!(veil.is_clear());
    }
}
