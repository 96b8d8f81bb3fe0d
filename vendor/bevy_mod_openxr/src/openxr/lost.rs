//! Stillpoint patch: a lost OpenXR runtime (headset unplugged, runtime stopped) is a state,
//! not a crash. The first failing call of the frame loop or the event poll marks the runtime
//! lost; from then on the frame loop and the event poll no longer run, and the app can
//! carry on without the headset.

use std::sync::atomic::{AtomicBool, Ordering};

static LOST: AtomicBool = AtomicBool::new(false);

/// Whether the OpenXR runtime was lost (a frame-loop or event call failed).
pub fn runtime_lost() -> bool {
    LOST.load(Ordering::Relaxed)
}

/// Marks the runtime lost after `what` failed with `error`; logged once.
pub fn mark_lost(what: &str, error: impl std::fmt::Display) {
    if !LOST.swap(true, Ordering::Relaxed) {
        bevy_log::error!("OpenXR runtime lost: {what} failed: {error}");
    }
}
