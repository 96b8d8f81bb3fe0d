//! The therapist's remote: a phone or tablet beside the patient controls the session
//! through a page Stillpoint serves itself, over HTTPS on the clinic's network, after
//! pairing with a one-time code. Off until the therapist (or the clinic's settings) turns it
//! on.
//!
//! The server (`server.rs`, its routes in `routes.rs`) runs on a thread of its own and
//! talks to the app through channels only; `bridge.rs` is the app's side: it publishes the
//! state the page shows each time it changes and turns the page's requests into the same
//! [`crate::session::SessionAction`]s the panel sends, marked as from the remote. Pairing
//! (`pairing.rs`) keeps a paired device's token only as its hash; the certificate
//! (`certificate.rs`) is made once and kept; `clinic_log.rs` writes the clinic's log of
//! pairings, refusals and revocations.

mod bridge;
pub mod certificate;
pub mod clinic_log;
pub mod pairing;
pub mod protocol;
pub mod routes;
pub mod server;

use bevy::prelude::*;

use crate::AppSystems;
pub use bridge::{Remote, RemoteCommand, RemoteStatus, alert_key};
pub use protocol::{CheckInShown, PanelFacts, ResumeOffer, SessionChoice};

/// The remote: commands from the panel, the server's news and requests in the input stage,
/// the state out in the presentation stage.
pub fn plugin(app: &mut App) {
    app.init_resource::<Remote>()
        .init_resource::<PanelFacts>()
        .add_message::<RemoteCommand>()
        .add_systems(Startup, bridge::turn_on_at_start)
        .add_systems(
            Update,
            (bridge::apply_commands, bridge::hear_the_server)
                .chain()
                .in_set(AppSystems::Input),
        )
        .add_systems(Update, bridge::publish_state.in_set(AppSystems::Present));
}
