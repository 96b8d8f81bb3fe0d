//! What the patient sees of the session besides the scene: the caption, the breathing
//! pacer, and the veil that makes every transition a gentle fade.

pub mod breathing;
pub mod caption;
pub mod fade;

use bevy::prelude::*;

/// The session's visuals.
pub fn plugin(app: &mut App) {
    app.add_plugins((fade::plugin, breathing::plugin, caption::plugin));
}

/// Sets a material's colour only when it differs, so that materials at rest are not sent to
/// the GPU again every frame.
pub fn set_colour(
    materials: &mut Assets<StandardMaterial>,
    handle: &Handle<StandardMaterial>,
    colour: Color,
) {
    let differs = materials
        .get(handle)
        .is_some_and(|material| material.base_color != colour);
    if differs && let Some(mut material) = materials.get_mut(handle) {
        material.base_color = colour;
    }
}
