//! Stillpoint patch: a lost runtime can come back. Once the runtime is lost (see
//! [`lost`](super::lost)), its session and instance are closed in both worlds and
//! [`XrState`] is [`Unavailable`](XrState::Unavailable). Each [`OxrReconnect`] message then
//! tries to make a new instance of the same runtime on the graphics device already in use;
//! when that works, the new instance takes the old one's place, the runtime is no longer
//! lost, and a new session is created as at start.

use std::thread::JoinHandle;
use std::time::Instant;

use bevy_app::App;
use bevy_ecs::message::Message;
use bevy_ecs::resource::Resource;
use bevy_ecs::schedule::IntoScheduleConfigs as _;
use bevy_ecs::schedule::common_conditions::on_message;
use bevy_ecs::system::{Commands, Res};
use bevy_ecs::world::World;
use bevy_log::{debug, info};
use bevy_mod_xr::session::{
    XrCreateSessionMessage, XrFirst, XrHandleEvents, XrState, XrStateChanged,
};
use bevy_mod_xr::spaces::XrPrimaryReferenceSpace;
use bevy_render::{ExtractSchedule, MainWorld, RenderApp};

use super::exts::OxrEnabledExtensions;
use super::graphics::GraphicsBackend;
use super::init::{OxrRenderResources, destroy_xr_session};
use super::lost;
use super::poll_events::poll_events;
use super::resources::*;
use super::session::OxrSession;
use super::spaces::{OXR_ORIGINAL_DESTOY_SPACE, patch_instance_destroy_space};
use super::types::{AppInfo, OxrExtensions, Result as OxrResult};

/// Asks to look for the lost runtime again: one attempt to connect to it, in the next
/// [`XrFirst`]. Ignored unless the runtime is lost.
#[derive(Message, Debug, Clone, Copy, Default)]
pub struct OxrReconnect;

/// How the lost instance was made, to make its successor the same way.
#[derive(Resource, Clone)]
struct LostInstance {
    app_info: AppInfo,
    backend: GraphicsBackend,
    exts: OxrExtensions,
}

/// Adds the closing of a lost runtime and the reconnection to an app whose OpenXR instance
/// was made at start.
pub(crate) fn plugin(app: &mut App) {
    app.add_message::<OxrReconnect>()
        .init_resource::<Connecting>()
        .add_systems(
            XrFirst,
            (
                close_the_lost_runtime.run_if(|instance: Option<Res<OxrInstance>>| {
                    instance.is_some() && lost::runtime_lost()
                }),
                reconnect.run_if(on_message::<OxrReconnect>),
                finish_connecting,
            )
                .chain()
                .before(poll_events)
                .in_set(XrHandleEvents::Poll),
        );
    app.sub_app_mut(RenderApp)
        .add_systems(ExtractSchedule, follow_the_main_worlds_instance);
}

/// Closes the lost runtime's session and instance. The OpenXR loader allows one instance at
/// a time, so every handle of the old one goes before a new one is made.
fn close_the_lost_runtime(world: &mut World) {
    if world.contains_resource::<OxrSession>() {
        destroy_xr_session(world);
    }
    world.remove_resource::<OxrRenderResources>();
    world.remove_resource::<OxrFrameState>();
    world.remove_resource::<OxrSystemId>();
    let exts = world.remove_resource::<OxrEnabledExtensions>();
    if let (Some(instance), Some(exts)) = (world.remove_resource::<OxrInstance>(), exts) {
        world.insert_resource(LostInstance {
            app_info: instance.app_info().clone(),
            backend: instance.backend(),
            exts: exts.0,
        });
    }
    world.insert_resource(XrState::Unavailable);
    world.write_message(XrStateChanged(XrState::Unavailable));
    info!("OpenXR: the lost runtime's session and instance are closed");
}

/// A connection attempt on its own thread: making an instance waits for the runtime (tens of
/// milliseconds when it answers), and no frame should wait with it.
#[derive(Resource, Default)]
struct Connecting(Option<(Instant, JoinHandle<OxrResult<(OxrInstance, OxrSystemId)>>)>);

/// Starts one attempt to connect to the runtime again, unless one is under way.
fn reconnect(world: &mut World) {
    if !lost::runtime_lost() || world.contains_resource::<OxrInstance>() {
        return;
    }
    if world
        .get_resource::<Connecting>()
        .is_some_and(|connecting| connecting.0.is_some())
    {
        return;
    }
    let Some(lost_instance) = world.get_resource::<LostInstance>().cloned() else {
        return;
    };
    let started = Instant::now();
    let attempt = std::thread::Builder::new()
        .name("openxr-reconnect".to_owned())
        .spawn(move || connect(&lost_instance));
    match attempt {
        Ok(handle) => world.insert_resource(Connecting(Some((started, handle)))),
        Err(error) => debug!("OpenXR: no thread to look for the runtime: {error}"),
    }
}

/// Takes the attempt's result once it is there: a new instance that can use the graphics
/// device in use takes the lost one's place.
fn finish_connecting(world: &mut World) {
    let finished = world
        .get_resource::<Connecting>()
        .and_then(|connecting| connecting.0.as_ref())
        .is_some_and(|(_, handle)| handle.is_finished());
    if !finished {
        return;
    }
    let Some((started, handle)) = world
        .get_resource_mut::<Connecting>()
        .and_then(|mut connecting| connecting.0.take())
    else {
        return;
    };
    let took = started.elapsed().as_secs_f64() * 1e3;
    let in_frame = Instant::now();
    let connected = match handle.join() {
        Ok(connected) => connected,
        Err(_) => {
            debug!("OpenXR: the attempt to find the runtime stopped");
            return;
        }
    };
    let Some(graphics) = world.get_non_send::<SessionGraphicsCreateInfo>().cloned() else {
        return;
    };
    let checked = connected.and_then(|(instance, system_id)| {
        instance.check_session_graphics(*system_id, &graphics)?;
        Ok((instance, system_id))
    });
    let (instance, system_id) = match checked {
        Ok(found) => found,
        Err(error) => {
            debug!(
                "OpenXR: the runtime is not back yet ({took:.1} ms on its own thread, {:.1} ms \
                 of it in the frame): {error}",
                in_frame.elapsed().as_secs_f64() * 1e3
            );
            return;
        }
    };
    let Some(lost_instance) = world.remove_resource::<LostInstance>() else {
        return;
    };
    if OXR_ORIGINAL_DESTOY_SPACE
        .lock()
        .is_ok_and(|original| original.is_some())
    {
        patch_instance_destroy_space(&instance);
    }
    world.insert_resource(OxrEnabledExtensions(lost_instance.exts));
    world.insert_resource(instance);
    world.insert_resource(system_id);
    world.insert_resource(OxrSessionStarted(false));
    world.insert_resource(XrState::Available);
    // Not an `XrStateChanged`: the automatic session handling would ask for a second session
    // before the first one reports its state.
    world.write_message(XrCreateSessionMessage);
    lost::clear();
    info!(
        "OpenXR: the runtime is back (found in {took:.1} ms on its own thread, {:.1} ms of it in \
         the frame); creating a new session",
        in_frame.elapsed().as_secs_f64() * 1e3
    );
}

/// A new instance and system of the runtime.
fn connect(lost_instance: &LostInstance) -> OxrResult<(OxrInstance, OxrSystemId)> {
    let entry = OxrEntry(unsafe { openxr::Entry::load()? });
    let instance = entry.create_instance(
        lost_instance.app_info.clone(),
        lost_instance.exts.clone(),
        &[],
        lost_instance.backend,
    )?;
    let system_id = instance.system(openxr::FormFactor::HEAD_MOUNTED_DISPLAY)?;
    Ok((instance, OxrSystemId(system_id)))
}

/// The render world keeps copies of the instance and the session: they go when the main
/// world's instance goes (so the old instance is really closed), and the new instance
/// follows it there.
fn follow_the_main_worlds_instance(
    main_world: Res<MainWorld>,
    render_instance: Option<Res<OxrInstance>>,
    mut commands: Commands,
) {
    let main_instance = main_world.get_resource::<OxrInstance>();
    match (main_instance, render_instance) {
        (None, Some(_)) => {
            commands.remove_resource::<OxrInstance>();
            commands.remove_resource::<OxrSystemId>();
            commands.remove_resource::<OxrSession>();
            commands.remove_resource::<OxrFrameStream>();
            commands.remove_resource::<OxrSwapchain>();
            commands.remove_resource::<OxrSwapchainImages>();
            commands.remove_resource::<OxrCurrentSessionConfig>();
            commands.remove_resource::<XrPrimaryReferenceSpace>();
            commands.insert_resource(OxrSessionStarted(false));
        }
        (Some(main), Some(render)) if main.as_raw() == render.as_raw() => {}
        (Some(main), _) => {
            commands.insert_resource(main.clone());
            if let Some(system_id) = main_world.get_resource::<OxrSystemId>() {
                commands.insert_resource(*system_id);
            }
        }
        (None, None) => {}
    }
}
