//! Painting with light in the scene: what the patient sees ([`view`]) and paints with
//! ([`input`]). The painting itself is data in [`crate::artwork`], held by the session's
//! paint step ([`crate::session::painting`]).

pub mod glow;
pub mod input;
pub mod light;
pub mod view;

use bevy::prelude::*;

/// The patient's brush and the painting in the scene.
pub fn plugin(app: &mut App) {
    app.add_plugins((input::plugin, view::plugin, glow::plugin));
}
