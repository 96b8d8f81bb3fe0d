//! Which session the app shows and the next start runs: the file chosen on the command line
//! or in the panel's library, loaded (and reloaded while a clinic edits it) as an asset.

use std::sync::Arc;

use bevy::prelude::*;

use super::SessionAction;
use crate::AppSystems;
use crate::script::SessionScript;

/// The session file the app shows: a handle that may still be loading, and is reloaded when
/// the file changes. [`ReadyScript`] is what it holds once loaded.
#[derive(Resource, Debug, Clone)]
pub struct ActiveScript(pub Handle<SessionScript>);

/// The checked script the next start runs, once loaded; `None` until then. Headless runs
/// (tests, `simulate`) set it directly, without an [`ActiveScript`] file.
#[derive(Resource, Default, Debug, Clone)]
pub struct ReadyScript(pub Option<Arc<SessionScript>>);

/// A start (or resume) waiting for the chosen script to load: asked for on the command line
/// or in the panel, sent once the script is ready.
#[derive(Resource, Debug, Default)]
pub struct PendingStart(pub Option<SessionAction>);

/// Keeps [`ReadyScript`] in step with the [`ActiveScript`] file and sends the start waiting
/// for it.
pub fn plugin(app: &mut App) {
    app.init_resource::<PendingStart>().add_systems(
        Update,
        ready_the_active_script
            .run_if(resource_exists::<ActiveScript>)
            .in_set(AppSystems::Input),
    );
}

/// Keeps the runtime's script in step with the script file (hot reload) and sends the start
/// asked for on the command line or in the panel once it is ready.
fn ready_the_active_script(
    active: Res<ActiveScript>,
    scripts: Res<Assets<SessionScript>>,
    mut ready: ResMut<ReadyScript>,
    mut pending: ResMut<PendingStart>,
    mut actions: MessageWriter<SessionAction>,
) {
    let Some(script) = scripts.get(&active.0) else {
        return;
    };
    let current = ready.0.as_ref().map(|ready| ready.sha256.as_str());
    if current != Some(script.sha256.as_str()) {
        ready.0 = Some(Arc::new(script.clone()));
    }
    if let Some(start) = pending.0.take() {
        actions.write(start);
    }
}
