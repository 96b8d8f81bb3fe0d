//! Stillpoint patch: a lost OpenXR runtime (headset unplugged, runtime stopped) is a state,
//! not a crash. The first failing call of the frame loop or the event poll marks the runtime
//! lost; from then on the frame loop and the event poll no longer run, and the app can
//! carry on without the headset, and look for the runtime again with
//! [`OxrReconnect`](super::reconnect::OxrReconnect).

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

/// The runtime is back: a new instance was made (see [`reconnect`](super::reconnect)).
pub(crate) fn clear() {
    LOST.store(false, Ordering::Relaxed);
}

/// Why the OpenXR instance could not be made at start, when it could not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InitFailure {
    /// The OpenXR loader library was found but could not be opened (a broken or foreign
    /// file), as opposed to a loader that found no runtime running.
    pub loader_unusable: bool,
    /// The error.
    pub message: String,
}

static INIT_FAILURE: std::sync::OnceLock<InitFailure> = std::sync::OnceLock::new();

/// Why OpenXR could not start, if it could not.
pub fn init_failure() -> Option<&'static InitFailure> {
    INIT_FAILURE.get()
}

/// Keeps why OpenXR could not start.
pub(crate) fn note_init_failure(error: &crate::openxr::error::OxrError) {
    let _ = INIT_FAILURE.set(InitFailure {
        loader_unusable: matches!(
            error,
            crate::openxr::error::OxrError::OpenXrLoadingError(_)
        ),
        message: error.to_string(),
    });
}
