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
