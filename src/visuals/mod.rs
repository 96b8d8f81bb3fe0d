//! What the patient sees of the session besides the scene: the caption, the breathing
//! pacer, the board of choices, and the veil that makes every transition a gentle fade.

pub mod board;
pub mod breathing;
pub mod caption;
pub mod fade;
pub mod glow;
pub mod unlit;

use bevy::camera::RenderTarget;
use bevy::prelude::*;
use bevy::render::render_resource::TextureFormat;

pub use unlit::{Unlit, set_colour};

use crate::viewpoint::OnStage;

/// The session's visuals.
pub fn plugin(app: &mut App) {
    app.add_plugins((
        fade::plugin,
        glow::plugin,
        breathing::plugin,
        caption::plugin,
        board::plugin,
        unlit::plugin,
    ));
}

/// A quad on the [`crate::viewpoint::Stage`] that shows a UI layout drawn into a texture: how
/// the caption and the board put words in the patient's space.
pub struct WorldPanel {
    /// What the panel is, for its entities' names.
    pub name: &'static str,
    /// The order of its UI camera among the texture cameras (all before the scene's).
    pub order: isize,
    /// The texture's size in pixels (the same aspect as `size`).
    pub texture_size: UVec2,
    /// The quad's size in metres.
    pub size: Vec2,
    /// Where the quad's centre stands, in the seated layout.
    pub position: Vec3,
}

/// What [`WorldPanel::spawn`] made.
pub struct SpawnedPanel {
    /// The UI camera: give the layout's root node `UiTargetCamera(camera)`.
    pub camera: Entity,
    /// The quad in the world, hidden until [`show_faded`] shows it.
    pub quad: Entity,
    /// The quad's material, whose alpha fades the panel.
    pub material: Handle<Unlit>,
}

impl WorldPanel {
    /// Spawns the texture, its UI camera and the hidden quad that shows it.
    pub fn spawn(
        &self,
        commands: &mut Commands,
        images: &mut Assets<Image>,
        meshes: &mut Assets<Mesh>,
        materials: &mut Assets<Unlit>,
    ) -> SpawnedPanel {
        let texture = images.add(Image::new_target_texture(
            self.texture_size.x,
            self.texture_size.y,
            TextureFormat::Rgba8UnormSrgb,
            None,
        ));
        let camera = commands
            .spawn((
                Name::new(format!("{} camera", self.name)),
                Camera2d,
                Camera {
                    order: self.order,
                    clear_color: ClearColorConfig::Custom(Color::NONE),
                    ..default()
                },
                // UI draws to the texture directly, never multisampled: samples would only
                // be cleared and resolved, every frame, for nothing.
                Msaa::Off,
                RenderTarget::from(texture.clone()),
            ))
            .id();
        let material =
            materials.add(Unlit::blended(Color::WHITE.with_alpha(0.0)).with_picture(texture));
        let quad = commands
            .spawn((
                Name::new(format!("{} panel", self.name)),
                Mesh3d(meshes.add(Rectangle::from_size(self.size))),
                MeshMaterial3d(material.clone()),
                Transform::from_translation(self.position),
                Visibility::Hidden,
                OnStage,
            ))
            .id();
        SpawnedPanel {
            camera,
            quad,
            material,
        }
    }
}

/// Shows a world panel at `opacity` (0..1, eased here): hidden entirely at 0 so that it
/// costs nothing, otherwise its material's alpha.
pub fn show_faded(
    opacity: f32,
    mut visibility: Mut<Visibility>,
    materials: &mut Assets<Unlit>,
    material: &Handle<Unlit>,
) {
    let eased = crate::easing::ease(opacity);
    visibility.set_if_neq(if eased > 0.0 {
        Visibility::Inherited
    } else {
        Visibility::Hidden
    });
    set_colour(materials, material, Color::WHITE.with_alpha(eased));
}
