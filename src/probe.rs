//! `run --probe` (hidden, for `stillpoint doctor`): opens the app as it would open for a
//! session, waits until the headset shows the scene (or the desktop has drawn for a moment),
//! prints what it found (the graphics device, the sound, the headset) and closes cleanly.

use std::time::Duration;

use bevy::prelude::*;
use bevy::render::renderer::RenderAdapterInfo;

use crate::AppSystems;
use crate::audio::AudioStatus;
use crate::requests::QuitRequest;
use crate::xr::{XrMode, XrStatus};

/// How long the probe waits for a headset to show the scene.
const WAIT_FOR_HEADSET: Duration = Duration::from_secs(20);
/// Frames drawn before the probe reports.
const FRAMES_FIRST: u32 = 20;

/// Reports what the app found, then asks it to close.
pub fn plugin(app: &mut App) {
    app.add_systems(Update, report_when_ready.in_set(AppSystems::Present));
}

fn report_when_ready(
    time: Res<Time<Real>>,
    adapter: Option<Res<RenderAdapterInfo>>,
    audio: Option<Res<AudioStatus>>,
    xr: Option<Res<XrStatus>>,
    mut drawn: Local<u32>,
    mut reported: Local<bool>,
    mut quits: MessageWriter<QuitRequest>,
) {
    *drawn += 1;
    if *reported {
        return;
    }
    let headset_shows = xr.as_deref().is_some_and(|xr| {
        matches!(xr.session_state.as_deref(), Some("FOCUSED" | "VISIBLE")) && xr.frames > 0
    });
    let desktop_only = xr
        .as_deref()
        .is_none_or(|xr| matches!(xr.mode, XrMode::DesktopOnly(_)));
    let waited = time.elapsed() > WAIT_FOR_HEADSET;
    if *drawn < FRAMES_FIRST || !(headset_shows || desktop_only || waited) {
        return;
    }
    *reported = true;
    let gpu = adapter.map_or_else(
        || "none".to_owned(),
        |adapter| {
            format!(
                "{} ({}, {:?})",
                adapter.name, adapter.driver, adapter.backend
            )
        },
    );
    println!("probe: gpu={gpu}");
    match audio.as_deref() {
        Some(AudioStatus::Playing) => println!("probe: audio=ok"),
        Some(AudioStatus::Silent(reason)) => println!("probe: audio=silent {reason}"),
        None => println!("probe: audio=silent no sound plugin"),
    }
    match xr.as_deref() {
        Some(XrStatus {
            mode: XrMode::Headset,
            runtime,
            system,
            session_state,
            frames,
            ..
        }) => println!(
            "probe: headset={} state={} runtime={} system={} frames={frames}",
            if headset_shows { "shows" } else { "no-scene" },
            session_state.as_deref().unwrap_or("none"),
            runtime.as_deref().unwrap_or("unknown"),
            system.as_deref().unwrap_or("unknown"),
        ),
        Some(XrStatus {
            mode: XrMode::DesktopOnly(reason),
            ..
        }) => println!("probe: headset=desktop {reason}"),
        Some(XrStatus {
            mode: XrMode::Lost, ..
        }) => println!(
            "probe: headset=desktop the headset's runtime stopped while Stillpoint was \
             checking it; start it again and run the check once more"
        ),
        None => println!("probe: headset=desktop no headset support"),
    }
    quits.write(QuitRequest);
}
