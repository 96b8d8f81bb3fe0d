//! What the patient sees of the session besides the scene: the caption, the breathing
//! pacer, the board of choices, and the veil that makes every transition a gentle fade.

pub mod board;
pub mod breathing;
pub mod caption;
pub mod fade;

use bevy::prelude::*;

/// The session's visuals.
pub fn plugin(app: &mut App) {
    app.add_plugins((
        fade::plugin,
        breathing::plugin,
        caption::plugin,
        board::plugin,
    ));
}

/// Moves `value` toward `target` by at most `change`, never past it.
pub fn approach(value: f32, target: f32, change: f32) -> f32 {
    if value < target {
        (value + change).min(target)
    } else {
        (value - change).max(target)
    }
}

/// Eases 0..1 so fades start and end softly (smoothstep).
pub fn ease(t: f32) -> f32 {
    let t = t.clamp(0.0, 1.0);
    t * t * (3.0 - 2.0 * t)
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
