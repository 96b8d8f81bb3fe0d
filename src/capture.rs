//! Screenshots from the command line: the window at a chosen moment of a session, for
//! session preview thumbnails and for tests. `--at` advances the session there at once
//! through the runtime (simulated time), and `--action` applies therapist actions on the
//! way, through the same action path as everything else.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use bevy::prelude::*;
use bevy::render::render_resource::PipelineCache;
use bevy::render::view::screenshot::{Screenshot, ScreenshotCaptured, save_to_disk};
use bevy::render::{Render, RenderApp, RenderSystems};

use crate::AppSystems;
use crate::environment::ShownEnvironment;
use crate::posture::Glide;
use crate::session::{SessionAction, SessionRuntime, SessionState};
use crate::simulate::{ScriptedActions, send_due_actions};
use crate::visuals::fade::Veil;

/// Frames rendered after the moment is reached, at most, before the picture is taken: by
/// then every pipeline has compiled (or never will).
const SETTLE_FRAMES: u32 = 45;

/// The picture is taken sooner once this many frames in a row had no pipeline compiling (a
/// thing drawn for the first time compiles its pipeline a frame or two after it shows)...
const QUIET_FRAMES: u32 = 4;

/// ...and this many seconds of real time have passed since the moment was reached, so that
/// the words, the board and the orb have faded in (they fade in real time, each in under a
/// second and a half).
const SETTLE_SECS: f32 = 1.5;

/// A picture asked for on the command line.
#[derive(Debug, Clone, Default)]
pub struct Capture {
    /// Where to save the PNG.
    pub path: PathBuf,
    /// The session time to show, in seconds.
    pub at: Option<f64>,
    /// Therapist and patient actions on the way there.
    pub actions: Vec<(f64, SessionAction)>,
    /// Save a small preview ([`THUMBNAIL_SIZE`]) instead of the full window.
    pub thumbnail: bool,
}

/// The size of a preview thumbnail, pixels (16:9, sharp at twice the panel's size).
pub const THUMBNAIL_SIZE: UVec2 = UVec2::new(384, 216);

/// Takes the picture, then closes the app.
pub struct CapturePlugin(pub Capture);

#[derive(Resource, Debug)]
struct Request {
    path: PathBuf,
    at: Option<f64>,
    settle_frames: u32,
    quiet_frames: u32,
    settle_secs: f32,
    thumbnail: bool,
}

/// How many pipelines the render world has still waiting to compile, as it last counted
/// them (shared by the main and the render world).
#[derive(Resource, Debug, Clone)]
struct PipelinesWaiting(Arc<AtomicUsize>);

/// Counts the render world's pipelines still waiting to compile, after this frame's
/// compiling has been looked at.
fn count_waiting_pipelines(cache: Option<Res<PipelineCache>>, waiting: Res<PipelinesWaiting>) {
    let count = cache.map_or(usize::MAX, |cache| cache.waiting_pipelines().count());
    waiting.0.store(count, Ordering::Relaxed);
}

impl Plugin for CapturePlugin {
    fn build(&self, app: &mut App) {
        app.insert_resource(Request {
            path: self.0.path.clone(),
            at: self.0.at,
            settle_frames: SETTLE_FRAMES,
            quiet_frames: 0,
            settle_secs: 0.0,
            thumbnail: self.0.thumbnail,
        })
        .add_systems(Update, capture_when_ready.in_set(AppSystems::Present));
        if let Some(render_app) = app.get_sub_app_mut(RenderApp) {
            let waiting = PipelinesWaiting(Arc::new(AtomicUsize::new(usize::MAX)));
            render_app.insert_resource(waiting.clone()).add_systems(
                Render,
                count_waiting_pipelines.in_set(RenderSystems::Cleanup),
            );
            app.insert_resource(waiting);
        }
        if self.0.at.is_some() {
            app.insert_resource(ScriptedActions::new(self.0.actions.clone()))
                .add_systems(Startup, stop_the_frame_clock)
                .add_systems(
                    Update,
                    (fast_forward, send_due_actions)
                        .chain()
                        .in_set(AppSystems::Input),
                );
        }
    }
}

/// The session moves only by [`fast_forward`]: the picture shows exactly the moment asked
/// for, however long rendering takes. Fades still run on real time.
fn stop_the_frame_clock(mut time: ResMut<Time<Virtual>>) {
    time.pause();
}

/// Advances the session to the next scripted action, or to the moment asked for.
fn fast_forward(
    request: Option<Res<Request>>,
    scripted: Res<ScriptedActions>,
    mut runtime: ResMut<SessionRuntime>,
) {
    // Once the picture is being taken the request is gone and nothing moves.
    let Some(at) = request.and_then(|request| request.at) else {
        return;
    };
    if !runtime.is_under_way() {
        return;
    }
    let now = runtime.session_secs();
    let next = scripted.0.front().map_or(at, |(when, _)| when.min(at));
    if next > now {
        runtime.tick(Duration::from_secs_f64(next - now));
    }
}

fn capture_when_ready(
    mut commands: Commands,
    shown: Res<ShownEnvironment>,
    veil: Res<Veil>,
    glide: Option<Res<Glide>>,
    runtime: Res<SessionRuntime>,
    time: Res<Time<Real>>,
    waiting: Option<Res<PipelinesWaiting>>,
    request: Option<ResMut<Request>>,
) {
    let Some(mut request) = request else { return };
    let reached = request.at.is_none_or(|at| {
        runtime.session_secs() >= at - 1e-3 || runtime.state() == SessionState::Finished
    });
    let settled = glide.is_none_or(|glide| glide.is_settled());
    if shown.0.is_none() || !veil.is_clear() || !settled || !reached {
        return;
    }
    // Without a count from the render world, every one of the settling frames is waited.
    let compiling = waiting.is_none_or(|waiting| waiting.0.load(Ordering::Relaxed) > 0);
    request.quiet_frames = if compiling {
        0
    } else {
        request.quiet_frames + 1
    };
    request.settle_secs += time.delta_secs();
    let quiet = request.quiet_frames >= QUIET_FRAMES;
    if request.settle_frames > 0 && !(quiet && request.settle_secs >= SETTLE_SECS) {
        request.settle_frames -= 1;
        return;
    }
    let path = request.path.clone();
    let moment = describe_moment(&runtime, &shown);
    commands.remove_resource::<Request>();
    let thumbnail = request.thumbnail;
    let mut save = save_to_disk(path.clone());
    commands.spawn(Screenshot::primary_window()).observe(
        move |captured: On<ScreenshotCaptured>, mut exit: MessageWriter<AppExit>| {
            if thumbnail {
                save_thumbnail(&captured.image, &path);
            } else {
                save(captured);
            }
            if path.is_file() {
                info!("screenshot saved to {}", path.display());
                println!("{moment}");
                exit.write(AppExit::Success);
            } else {
                error!("the screenshot could not be saved to {}", path.display());
                exit.write(AppExit::error());
            }
        },
    );
}

/// Saves `image` shrunk to fit [`THUMBNAIL_SIZE`] as a PNG; problems are logged.
fn save_thumbnail(image: &Image, path: &std::path::Path) {
    match image.clone().try_into_dynamic() {
        Ok(picture) => {
            let small = picture
                .thumbnail(THUMBNAIL_SIZE.x, THUMBNAIL_SIZE.y)
                .to_rgb8();
            if let Err(error) = small.save(path) {
                error!("cannot save the preview {}: {error}", path.display());
            }
        }
        Err(error) => error!("the window's picture cannot be converted: {error}"),
    }
}

/// One line saying what the picture shows, printed with it: the session time, the state,
/// the step and its kind, the breath phase during breathing, the scene and the caption.
pub fn describe_moment(runtime: &SessionRuntime, shown: &ShownEnvironment) -> String {
    let scene = shown.0.as_deref().unwrap_or("none");
    let Some(step) = runtime.step() else {
        return format!("moment: state={:?} scene={scene}", runtime.state());
    };
    let breath = match runtime.view().map(|view| &view.detail) {
        Some(crate::exercises::Detail::Breath(breath)) => {
            format!(" breath={}", breath.phase.word())
        }
        _ => String::new(),
    };
    let caption = crate::visuals::caption::caption_for(runtime)
        .map(|(_, words)| words.replace('\n', " / "))
        .unwrap_or_default();
    format!(
        "moment: t={:.1} state={:?} step={} kind={}{breath} scene={scene} caption={caption:?}",
        runtime.session_secs(),
        runtime.state(),
        runtime.step_index() + 1,
        step.kind(),
    )
}
