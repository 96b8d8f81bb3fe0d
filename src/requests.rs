//! Requests that cross capabilities: the panel, the keyboard and the headset's controllers
//! ask, and the app shell or the headset answers.

use std::io::Write as _;

use bevy::prelude::*;

use crate::AppSystems;
use crate::session::{SessionRuntime, SessionState};

/// Asks the app to close: at once on the desktop, after ending the XR session with a headset.
#[derive(Message, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct QuitRequest;

/// Asks the headset to recentre the patient's view (panel button or a long press).
#[derive(Message, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RecentreRequest;

/// The requests, for the plugins that send and answer them.
pub fn plugin(app: &mut App) {
    app.add_message::<QuitRequest>()
        .add_message::<RecentreRequest>();
}

/// On the desktop alone (no headset session to end first), a quit request closes the app.
pub fn quit_on_the_desktop(app: &mut App) {
    app.add_systems(Update, quit_on_request.in_set(AppSystems::Input));
}

/// Once the last window has closed, the process ends as soon as what closing must keep is
/// written ([`crate::KeepBeforeExit`]), without tearing the app down: with X11 and a software
/// Vulkan driver, the window's swapchain let go after the window itself can crash the process
/// on its way out (signal 11), after everything was saved but with a failed exit status.
pub fn end_once_the_window_has_closed(app: &mut App) {
    app.add_systems(Last, end_the_process.after(crate::KeepBeforeExit));
}

fn end_the_process(mut exits: MessageReader<AppExit>, windows: Query<(), With<Window>>) {
    let Some(exit) = exits.read().last() else {
        return;
    };
    if !windows.is_empty() {
        return;
    }
    let code = match exit {
        AppExit::Success => 0,
        AppExit::Error(code) => i32::from(code.get()),
    };
    info!("the window has closed and everything is kept: Stillpoint ends");
    let _ = std::io::stdout().flush();
    let _ = std::io::stderr().flush();
    std::process::exit(code);
}

/// Asks to close the app once the session clock passes `secs` seconds or the session ends
/// (`--quit-after`).
pub fn quit_after(secs: f64) -> impl Fn(&mut App) {
    move |app: &mut App| {
        app.insert_resource(QuitAfter(secs))
            .add_systems(Update, quit_after_session_time.in_set(AppSystems::Present));
    }
}

/// Closes the app once the session clock passes this many seconds.
#[derive(Resource, Debug, Clone, Copy)]
struct QuitAfter(f64);

fn quit_after_session_time(
    limit: Res<QuitAfter>,
    runtime: Res<SessionRuntime>,
    mut asked: Local<bool>,
    mut quits: MessageWriter<QuitRequest>,
) {
    let done = runtime.session_secs() >= limit.0 || runtime.state() == SessionState::Finished;
    if done && !*asked {
        *asked = true;
        info!(
            "session advanced to step {} of {} at session time {:.1} s; closing as asked",
            runtime.step_index() + 1,
            runtime
                .script()
                .map_or(0, |script| script.session.steps.len()),
            runtime.session_secs()
        );
        quits.write(QuitRequest);
    }
}

fn quit_on_request(mut quits: MessageReader<QuitRequest>, mut exit: MessageWriter<AppExit>) {
    if quits.read().count() > 0 {
        exit.write(AppExit::Success);
    }
}
