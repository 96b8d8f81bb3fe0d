//! The headset: an OpenXR session through `bevy_mod_openxr`, the patient's seated rig,
//! recentring, the headset's state for the panel, and a clean end of the XR session when the
//! app closes. Without a loader or runtime the app runs on the desktop and [`XrStatus`] says
//! why. A runtime lost mid-session pauses the session and the mirror keeps running; Stillpoint
//! looks for the runtime every few seconds, and when it is back the headset shows the scene
//! again while the session stays paused until the therapist resumes it.

pub mod input;
pub mod loader;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use bevy::core_pipeline::tonemapping::Tonemapping;
use bevy::prelude::*;
use bevy::render::extract_component::{ExtractComponent, ExtractComponentPlugin};
use bevy::render::view::ExtractedView;
use bevy::render::{Render, RenderApp};
use bevy::window::WindowCloseRequested;
use bevy_mod_openxr::init::should_run_frame_loop;
use bevy_mod_openxr::poll_events::{OxrEventHandlerExt, OxrEventIn};
use bevy_mod_openxr::reconnect::OxrReconnect;
use bevy_mod_openxr::resources::{OxrInstance, OxrSystemId};
use bevy_mod_openxr::session::OxrSession;
use bevy_mod_xr::camera::XrCamera;
use bevy_mod_xr::session::{
    XrPreDestroySession, XrRenderSystems, XrRequestExitMessage, XrSessionCreated, XrState,
    XrStateChanged, XrTrackingRoot,
};
use bevy_mod_xr::spaces::XrSpace;

use crate::AppSystems;
use crate::paint::glow::{FollowViews, GlowSlot, PaintingGlow};
use crate::pointing::GazeSource;
use crate::requests::{QuitRequest, RecentreRequest};
use crate::session::{SessionAction, SessionRuntime, SessionState};
use crate::viewpoint::{EYE_HEIGHT, PatientCamera, PatientHead};

/// How quickly the desktop mirror follows the patient's head: the fraction of the way it
/// closes per second (smooths out small tremors so the mirror never shakes).
const MIRROR_FOLLOW_PER_SEC: f32 = 6.0;
/// How long the app waits for the runtime to end the XR session on exit.
const EXIT_GRACE: Duration = Duration::from_secs(3);
/// How often a lost runtime is looked for again.
const LOOK_AGAIN_EVERY: Duration = Duration::from_secs(3);

/// The headset as the panel shows it.
#[derive(Resource, Debug, Clone, PartialEq, Default)]
pub struct XrStatus {
    /// Whether a headset is in use, and if not, why.
    pub mode: XrMode,
    /// The OpenXR runtime's name and version.
    pub runtime: Option<String>,
    /// The headset's name, as the runtime gives it.
    pub system: Option<String>,
    /// The OpenXR session state, e.g. "FOCUSED".
    pub session_state: Option<String>,
    /// Whether the headset's position is tracked right now.
    pub head_tracked: bool,
    /// Frames handed to the runtime so far.
    pub frames: u64,
    /// The runtime came back after it was lost, and the headset shows the scene again.
    pub back: bool,
}

/// Whether a headset is in use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum XrMode {
    /// Desktop only, and why.
    DesktopOnly(String),
    /// The headset is in use.
    Headset,
    /// The runtime stopped mid-session; Stillpoint looks for it again every few seconds.
    Lost,
}

impl Default for XrMode {
    fn default() -> Self {
        Self::DesktopOnly("the headset was not asked for".to_owned())
    }
}

impl XrStatus {
    /// The status of a desktop-only app.
    pub fn desktop_only(reason: impl Into<String>) -> Self {
        Self {
            mode: XrMode::DesktopOnly(reason.into()),
            ..Self::default()
        }
    }
}

/// Frames the render world ended, counted there and read by the main world.
#[derive(Resource, Debug, Clone, Default)]
struct FrameCounter(Arc<AtomicU64>);

/// Marks the entity that follows the headset's pose (an OpenXR VIEW space).
#[derive(Component, Debug, Clone, Copy)]
pub struct Head;

/// A raw OpenXR session state change, as the runtime reported it.
#[derive(Message, Debug, Clone, Copy, PartialEq, Eq)]
struct SessionStateReport(openxr::SessionState);

/// Looking for a lost runtime, and waiting for the headset to show the scene again.
#[derive(Resource, Debug)]
struct Reconnection {
    /// When to look again.
    retry: Timer,
    /// A new session was asked for and has not shown the scene yet.
    returning: bool,
}

impl Default for Reconnection {
    fn default() -> Self {
        Self {
            retry: Timer::new(LOOK_AGAIN_EVERY, TimerMode::Repeating),
            returning: false,
        }
    }
}

/// An exit waiting for the XR session to end.
#[derive(Resource, Debug)]
struct Exiting {
    since: Duration,
}

/// The headset plugin. Add it to an app built with `bevy_mod_openxr::add_xr_plugins`.
pub fn plugin(app: &mut App) {
    let frames = FrameCounter::default();
    app.insert_resource(frames.clone())
        .init_resource::<Reconnection>()
        // Also when OpenXR could not start, so that the systems asking for it can run.
        .add_message::<OxrReconnect>()
        .add_message::<SessionStateReport>()
        .add_oxr_event_handler(report_session_state)
        .add_plugins(input::plugin)
        .add_systems(Startup, describe_runtime)
        .add_systems(XrSessionCreated, (seat_the_rig, follow_head))
        .add_systems(XrPreDestroySession, forget_head)
        .add_systems(
            Update,
            (
                (recentre, close_via_xr, finish_exit).in_set(AppSystems::Input),
                (
                    note_session_state,
                    pause_when_the_headset_goes,
                    carry_on_without_a_lost_runtime,
                    look_for_the_runtime_again,
                    welcome_the_runtime_back,
                    show_scene_colours_in_the_headset,
                    (glow_in_each_eye, mark_eye_glows),
                    mirror_the_head,
                    lighten_the_mirror,
                    count_frames,
                )
                    .in_set(AppSystems::Present),
            ),
        )
        // Each eye's glow follows the eye's pose and projection of the same frame.
        .configure_sets(
            PostUpdate,
            FollowViews.after(bevy_mod_openxr::render::update_views),
        )
        .add_plugins(ExtractComponentPlugin::<EyeGlow>::default());
    if let Some(render_app) = app.get_sub_app_mut(RenderApp) {
        render_app.insert_resource(frames).add_systems(
            Render,
            (
                count_ended_frame
                    .after(bevy_mod_openxr::render::end_frame)
                    .in_set(XrRenderSystems::PostRender),
                place_eye_glows
                    .after(bevy_mod_openxr::render::update_views_render_world)
                    .in_set(XrRenderSystems::PreRender),
            )
                .run_if(should_run_frame_loop),
        );
    }
}

/// The app-info and seated reference space the headset plugins are set up with.
pub fn configure(plugins: bevy::app::PluginGroupBuilder) -> bevy::app::PluginGroupBuilder {
    use bevy_mod_openxr::init::OxrInitPlugin;
    use bevy_mod_openxr::reference_space::OxrReferenceSpacePlugin;
    use bevy_mod_openxr::types::{AppInfo, Version};
    let defaults = OxrInitPlugin::default();
    let mut exts = defaults.exts.clone();
    // The Pico 4 controller profile needs its extension.
    exts.bd_controller_interaction = true;
    let init = OxrInitPlugin {
        app_info: AppInfo {
            name: "Stillpoint".into(),
            version: Version(0, 1, 0),
        },
        exts,
        ..defaults
    };
    plugins.set(init).set(OxrReferenceSpacePlugin {
        // Seated: the origin is where the patient's head was when the session began.
        default_primary_ref_space: openxr::ReferenceSpaceType::LOCAL,
    })
}

fn describe_runtime(
    instance: Option<Res<OxrInstance>>,
    system: Option<Res<OxrSystemId>>,
    mut status: ResMut<XrStatus>,
) {
    let Some(instance) = instance else {
        let reason = match bevy_mod_openxr::lost::init_failure() {
            Some(failure) if failure.loader_unusable => format!(
                "the OpenXR loader is installed but could not be opened ({}), so Stillpoint \
                 runs on the desktop only; reinstall it (Debian/Ubuntu: sudo apt install \
                 --reinstall libopenxr-loader1)",
                failure.message
            ),
            _ => "no OpenXR runtime is running (start Monado or SteamVR and connect the \
                  headset), so Stillpoint runs on the desktop only"
                .to_owned(),
        };
        warn!("{reason}");
        *status = XrStatus::desktop_only(reason);
        return;
    };
    describe(&instance, system.as_deref(), &mut status);
    info!(
        "xr: headset runtime {} ({})",
        status.runtime.as_deref().unwrap_or("unknown"),
        status.system.as_deref().unwrap_or("unnamed headset")
    );
}

/// Fills in the runtime's and the headset's names.
fn describe(instance: &OxrInstance, system: Option<&OxrSystemId>, status: &mut XrStatus) {
    status.mode = XrMode::Headset;
    if let Ok(properties) = instance.properties() {
        status.runtime = Some(format!(
            "{} {}",
            properties.runtime_name, properties.runtime_version
        ));
    }
    if let Some(system) = system
        && let Ok(properties) = instance.system_properties(**system)
    {
        status.system = Some(properties.system_name);
    }
}

fn report_session_state(event: OxrEventIn, mut reports: MessageWriter<SessionStateReport>) {
    if let openxr::Event::SessionStateChanged(change) = *event {
        reports.write(SessionStateReport(change.state()));
    }
}

fn note_session_state(
    mut reports: MessageReader<SessionStateReport>,
    mut status: ResMut<XrStatus>,
    mut reconnection: ResMut<Reconnection>,
    runtime: Res<SessionRuntime>,
    mut actions: MessageWriter<SessionAction>,
) {
    for SessionStateReport(state) in reports.read() {
        let name = format!("{state:?}");
        info!(
            "xr: session state {name} at session time {:.1} s",
            runtime.session_secs()
        );
        status.session_state = Some(name);
        if reconnection.returning && *state == openxr::SessionState::FOCUSED {
            reconnection.returning = false;
            status.back = true;
            info!(
                "xr: headset back at session time {:.1} s; the session stays {} until the \
                 therapist resumes it",
                runtime.session_secs(),
                if runtime.state() == SessionState::Paused {
                    "paused"
                } else {
                    "as it is"
                }
            );
            actions.write(SessionAction::HeadsetBack);
        }
    }
}

/// A headset taken off, or a runtime that stops, pauses a running session (the therapist
/// resumes it from the panel); the mirror carries on.
fn pause_when_the_headset_goes(
    mut changes: MessageReader<XrStateChanged>,
    runtime: Res<SessionRuntime>,
    exiting: Option<Res<Exiting>>,
    mut actions: MessageWriter<SessionAction>,
) {
    for XrStateChanged(state) in changes.read() {
        let gone = matches!(state, XrState::Stopping | XrState::Exiting { .. });
        // Not when the app itself is closing: the record stays resumable as it is.
        if gone && exiting.is_none() && runtime.state() == SessionState::Running {
            warn!("xr: the headset session is ending ({state:?}); the session is paused");
            actions.write(SessionAction::Pause);
        }
    }
}

/// A runtime that dies (headset unplugged, runtime stopped) stops the headset's frame loop
/// and its session is closed; the session pauses and the mirror carries on.
fn carry_on_without_a_lost_runtime(
    runtime: Res<SessionRuntime>,
    mut status: ResMut<XrStatus>,
    mut reconnection: ResMut<Reconnection>,
    mut actions: MessageWriter<SessionAction>,
) {
    if status.mode != XrMode::Headset || !bevy_mod_openxr::lost::runtime_lost() {
        return;
    }
    warn!(
        "xr: the headset's runtime was lost after {} frames; the mirror carries on without it \
         and Stillpoint looks for the runtime every {} s",
        status.frames,
        LOOK_AGAIN_EVERY.as_secs()
    );
    status.mode = XrMode::Lost;
    status.session_state = None;
    status.head_tracked = false;
    status.back = false;
    reconnection.retry.reset();
    reconnection.returning = false;
    if runtime.state() == SessionState::Running {
        warn!("xr: the session is paused until the therapist resumes it");
    }
    actions.write(SessionAction::HeadsetLost);
}

/// While the runtime is lost and its instance closed, asks every few seconds whether it is
/// back.
fn look_for_the_runtime_again(
    time: Res<Time<Real>>,
    status: Res<XrStatus>,
    instance: Option<Res<OxrInstance>>,
    mut reconnection: ResMut<Reconnection>,
    mut reconnect: MessageWriter<OxrReconnect>,
) {
    if status.mode != XrMode::Lost || instance.is_some() {
        return;
    }
    if reconnection.retry.tick(time.delta()).just_finished() {
        reconnect.write(OxrReconnect);
    }
}

/// A runtime that is back has a new instance, and a new session is on its way.
fn welcome_the_runtime_back(
    instance: Option<Res<OxrInstance>>,
    system: Option<Res<OxrSystemId>>,
    mut status: ResMut<XrStatus>,
    mut reconnection: ResMut<Reconnection>,
) {
    let Some(instance) = instance else { return };
    if status.mode != XrMode::Lost || bevy_mod_openxr::lost::runtime_lost() {
        return;
    }
    describe(&instance, system.as_deref(), &mut status);
    reconnection.returning = true;
    info!(
        "xr: the headset's runtime is back: {} ({}); starting the headset's session",
        status.runtime.as_deref().unwrap_or("unknown"),
        status.system.as_deref().unwrap_or("unnamed headset")
    );
}

/// Puts the patient's eyes at seated height, looking down the scene.
fn seat_the_rig(mut roots: Query<&mut Transform, With<XrTrackingRoot>>) {
    for mut root in &mut roots {
        *root = Transform::from_xyz(0.0, EYE_HEIGHT, 0.0);
    }
}

fn follow_head(session: Option<Res<OxrSession>>, mut commands: Commands) {
    let Some(session) = session else { return };
    match session.create_reference_space(openxr::ReferenceSpaceType::VIEW, Isometry3d::IDENTITY) {
        Ok(view) => {
            commands.spawn((Name::new("Head"), view.0, Head, PatientHead, GazeSource));
        }
        Err(error) => warn!("xr: the head's pose is not available ({error}); gaze dwell is off"),
    }
}

fn forget_head(heads: Query<Entity, With<Head>>, mut commands: Commands) {
    for head in &heads {
        commands.entity(head).despawn();
    }
}

/// The rig's transform that makes the head (at `head`, in the tracking space) sit at the
/// seated eye point looking straight down the scene, keeping the world level.
pub fn recentred_root(head: &Transform) -> Transform {
    let forward = head.rotation * Vec3::NEG_Z;
    let yaw = forward.x.atan2(-forward.z);
    let turn = Quat::from_rotation_y(yaw);
    Transform {
        translation: Vec3::Y * EYE_HEIGHT - turn * head.translation,
        rotation: turn,
        ..default()
    }
}

fn recentre(
    mut requests: MessageReader<RecentreRequest>,
    heads: Query<&Transform, (With<Head>, With<XrSpace>)>,
    mut roots: Query<&mut Transform, (With<XrTrackingRoot>, Without<Head>)>,
) {
    if requests.read().count() == 0 {
        return;
    }
    let Some(head) = heads.iter().next() else {
        info!("recentre: no headset pose yet");
        return;
    };
    for mut root in &mut roots {
        *root = recentred_root(head);
    }
    info!("recentred the patient's view");
}

/// The scenes' colours are chosen as they should appear: no tone mapping in the headset
/// either.
fn show_scene_colours_in_the_headset(
    cameras: Query<Entity, Added<XrCamera>>,
    mut commands: Commands,
) {
    for camera in &cameras {
        commands.entity(camera).insert(Tonemapping::None);
    }
}

/// Each eye draws the painting's glow small, as the desktop view does.
fn glow_in_each_eye(cameras: Query<(Entity, &XrCamera), Added<XrCamera>>, mut commands: Commands) {
    for (camera, eye) in &cameras {
        commands.entity(camera).insert(GlowSlot::eye(eye.0));
    }
}

/// Marks the camera that draws an eye's glow, with the eye it draws for.
#[derive(Component, Debug, Clone, Copy, ExtractComponent)]
struct EyeGlow(u32);

fn mark_eye_glows(
    eyes: Query<(&XrCamera, &PaintingGlow), Added<PaintingGlow>>,
    mut commands: Commands,
) {
    for (eye, glow) in &eyes {
        commands.entity(glow.camera).insert(EyeGlow(eye.0));
    }
}

/// Just before drawing, each eye's view is moved to the pose predicted for the frame's
/// display; its glow is drawn from the very same pose, so that the halos sit exactly on
/// their strokes as the head turns.
fn place_eye_glows(
    views: Res<bevy_mod_openxr::resources::OxrViews>,
    root: Res<bevy_mod_xr::session::XrRootTransform>,
    mut glows: Query<(&mut ExtractedView, &EyeGlow)>,
) {
    use bevy_mod_openxr::helper_traits::ToTransform;
    for (mut view, eye) in &mut glows {
        if let Some(pose) = views.get(eye.0 as usize) {
            view.world_from_view = root.0.mul_transform(pose.pose.to_transform());
        }
    }
}

/// The desktop camera follows the patient's head, smoothed, so the therapist sees what the
/// patient sees without every small movement.
/// The first tracked pose of each headset session recentres, so that the words are placed
/// along the gaze of the patient as they rest now.
fn mirror_the_head(
    time: Res<Time>,
    heads: Query<(&GlobalTransform, &bevy_mod_xr::spaces::XrSpaceLocationFlags), With<Head>>,
    mut cameras: Query<&mut Transform, With<PatientCamera>>,
    mut status: ResMut<XrStatus>,
    mut placed: Local<bool>,
    mut recentre: MessageWriter<RecentreRequest>,
) {
    let Some((head, flags)) = heads.iter().next() else {
        status.head_tracked = false;
        *placed = false;
        return;
    };
    status.head_tracked = flags.position_tracked || flags.rotation_tracked;
    if !status.head_tracked {
        return;
    }
    if !*placed {
        *placed = true;
        recentre.write(RecentreRequest);
    }
    let target = head.compute_transform();
    let blend = 1.0 - (-MIRROR_FOLLOW_PER_SEC * time.delta_secs()).exp();
    for mut camera in &mut cameras {
        camera.translation = camera.translation.lerp(target.translation, blend);
        camera.rotation = camera.rotation.slerp(target.rotation, blend);
    }
}

/// While the headset shows the scene, the desktop mirror is the therapist's view of it and is
/// drawn without multisampling: the eyes keep theirs, and the mirror, a view as large as an
/// eye, shades a quarter of the samples it did. Otherwise it is the patient's view, smoothed.
fn lighten_the_mirror(
    state: Option<Res<XrState>>,
    mut mirrors: Query<&mut Msaa, With<PatientCamera>>,
) {
    let showing = state.as_deref() == Some(&XrState::Running);
    let wanted = if showing { Msaa::Off } else { Msaa::default() };
    for mut msaa in &mut mirrors {
        if *msaa != wanted {
            *msaa = wanted;
            let (drawn, headset) = if showing {
                ("without multisampling", "shows the scene")
            } else {
                ("multisampled", "does not show the scene")
            };
            info!("xr: the mirror is drawn {drawn} while the headset {headset}");
        }
    }
}

fn count_ended_frame(counter: Res<FrameCounter>) {
    counter.0.fetch_add(1, Ordering::Relaxed);
}

fn count_frames(counter: Res<FrameCounter>, mut status: ResMut<XrStatus>) {
    let frames = counter.0.load(Ordering::Relaxed);
    if status.frames != frames {
        status.frames = frames;
    }
}

/// Closing the window or quitting ends the XR session first, so the runtime sees a clean
/// exit; the app closes when the session is gone (or after a short grace).
fn close_via_xr(
    mut closes: MessageReader<WindowCloseRequested>,
    mut quits: MessageReader<QuitRequest>,
    state: Option<Res<XrState>>,
    time: Res<Time<Real>>,
    exiting: Option<Res<Exiting>>,
    mut request_exit: MessageWriter<XrRequestExitMessage>,
    mut app_exit: MessageWriter<AppExit>,
    mut commands: Commands,
) {
    let asked = closes.read().count() + quits.read().count() > 0;
    if !asked || exiting.is_some() {
        return;
    }
    if state.as_deref() == Some(&XrState::Running) && !bevy_mod_openxr::lost::runtime_lost() {
        info!("xr: ending the headset session");
        request_exit.write(XrRequestExitMessage);
        commands.insert_resource(Exiting {
            since: time.elapsed(),
        });
    } else {
        app_exit.write(AppExit::Success);
    }
}

fn finish_exit(
    exiting: Option<Res<Exiting>>,
    state: Option<Res<XrState>>,
    time: Res<Time<Real>>,
    status: Res<XrStatus>,
    mut app_exit: MessageWriter<AppExit>,
) {
    let Some(exiting) = exiting else { return };
    let ended = bevy_mod_openxr::lost::runtime_lost()
        || !matches!(
            state.as_deref(),
            Some(XrState::Running | XrState::Stopping | XrState::Idle | XrState::Ready)
        );
    let late = time.elapsed().saturating_sub(exiting.since) > EXIT_GRACE;
    if ended || late {
        if late {
            warn!("xr: the runtime did not end the session in time; closing anyway");
        } else {
            info!("xr: headset session ended cleanly");
        }
        info!("xr: {} frames submitted to the headset", status.frames);
        app_exit.write(AppExit::Success);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recentring_puts_the_head_at_the_seat_facing_down_the_scene() {
        let head = Transform::from_xyz(0.3, 0.1, -0.2)
            .with_rotation(Quat::from_rotation_y(0.8) * Quat::from_rotation_x(-0.3));
        let root = recentred_root(&head);
        let world_head = root * head;
        assert!(
            world_head
                .translation
                .abs_diff_eq(Vec3::Y * EYE_HEIGHT, 1e-5)
        );
        let forward = world_head.rotation * Vec3::NEG_Z;
        assert!(forward.x.abs() < 1e-5, "faces down the scene: {forward}");
        assert!(forward.z < 0.0);
        // The world stays level: recentring only turns about the vertical.
        assert!((root.rotation * Vec3::Y).abs_diff_eq(Vec3::Y, 1e-6));
    }

    #[test]
    fn the_mirror_is_multisampled_only_while_the_headset_does_not_show_the_scene() {
        let mut app = App::new();
        app.add_systems(Update, lighten_the_mirror);
        let mirror = app.world_mut().spawn((PatientCamera, Msaa::default())).id();
        let other = app.world_mut().spawn(Msaa::default()).id();
        let msaa = |app: &App, entity: Entity| *app.world().get::<Msaa>(entity).unwrap();
        // No headset at all.
        app.update();
        assert_eq!(msaa(&app, mirror), Msaa::Sample4);
        for (state, wanted) in [
            (XrState::Available, Msaa::Sample4),
            (XrState::Ready, Msaa::Sample4),
            (XrState::Running, Msaa::Off),
            (XrState::Stopping, Msaa::Sample4),
            (XrState::Running, Msaa::Off),
            (
                XrState::Exiting {
                    should_restart: true,
                },
                Msaa::Sample4,
            ),
        ] {
            app.insert_resource(state);
            app.update();
            assert_eq!(msaa(&app, mirror), wanted, "{state:?}");
            // Only the mirror: the eyes and other cameras keep their own.
            assert_eq!(msaa(&app, other), Msaa::Sample4);
        }
    }
}
