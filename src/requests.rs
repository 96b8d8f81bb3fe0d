//! Requests that cross capabilities: the panel, the keyboard and the headset's controllers
//! ask, and the app shell or the headset answers.

use bevy::prelude::*;

/// Asks the app to close: at once on the desktop, after ending the XR session with a headset.
#[derive(Message, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct QuitRequest;

/// Asks the headset to recentre the patient's view (panel button or a long press).
#[derive(Message, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RecentreRequest;
