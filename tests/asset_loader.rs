//! Session scripts load through Bevy's asset server with the same checks as the command
//! line, headless (no window, GPU or audio device), and reload when the file changes.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "a test stops at the first thing that is wrong"
)]

use std::time::{Duration, Instant};

use bevy::asset::{AssetPlugin, LoadState};
use bevy::prelude::*;
use stillpoint::script::validate::Context;
use stillpoint::script::{ScriptPlugin, SessionScript};

fn headless_app(assets: &std::path::Path) -> App {
    let mut app = App::new();
    app.add_plugins((
        MinimalPlugins,
        AssetPlugin {
            file_path: assets.display().to_string(),
            watch_for_changes_override: Some(true),
            ..default()
        },
        ScriptPlugin {
            context: Context {
                assets_dir: Some(assets.to_path_buf()),
                ..Context::default()
            },
        },
    ));
    app
}

/// Updates the app until `done` holds, for at most ten seconds.
fn update_until(app: &mut App, mut done: impl FnMut(&mut App) -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(10) {
        app.update();
        if done(app) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    false
}

fn load_state(app: &App, handle: &Handle<SessionScript>) -> LoadState {
    app.world().resource::<AssetServer>().load_state(handle)
}

#[test]
fn bundled_session_loads_as_an_asset() {
    let assets = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets");
    let mut app = headless_app(&assets);
    let handle: Handle<SessionScript> = app
        .world()
        .resource::<AssetServer>()
        .load("sessions/centering-before-dosing.session.ron");
    assert!(update_until(&mut app, |app| load_state(app, &handle).is_loaded()));
    let scripts = app.world().resource::<Assets<SessionScript>>();
    let script = scripts.get(&handle).expect("loaded");
    assert_eq!(script.session.id, "centering-before-dosing");
    assert_eq!(script.sha256.len(), 64);
}

#[test]
fn invalid_session_fails_with_the_located_message_and_reloads_when_fixed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let sessions = dir.path().join("sessions");
    std::fs::create_dir(&sessions).expect("sessions folder");
    let file = sessions.join("draft.session.ron");
    let valid = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("assets/sessions/box-breathing-reset.session.ron"),
    )
    .expect("bundled session");
    std::fs::write(&file, valid.replace("\"dusk-lake\"", "\"beach\"")).expect("write");

    let mut app = headless_app(dir.path());
    let handle: Handle<SessionScript> = app
        .world()
        .resource::<AssetServer>()
        .load("sessions/draft.session.ron");
    assert!(update_until(&mut app, |app| load_state(app, &handle).is_failed()));
    let LoadState::Failed(error) = load_state(&app, &handle) else {
        unreachable!("checked above")
    };
    let message = error.to_string();
    assert!(
        message.contains("draft.session.ron:9:5: there is no environment called \"beach\""),
        "{message}"
    );

    // The author fixes the file; the running app picks it up.
    std::fs::write(&file, valid.replace("\"dusk-lake\"", "\"night-sky\"")).expect("write");
    let reloaded = update_until(&mut app, |app| {
        app.world()
            .resource::<Assets<SessionScript>>()
            .get(&handle)
            .is_some_and(|script| script.session.environment == "night-sky")
    });
    assert!(reloaded, "the fixed file was not reloaded");
}
