//! The render benchmark: `stillpoint run --session ID --bench-frames N` renders the session
//! in the window for N frames after a warm-up and prints frame times, and the time our own
//! work took each frame (the frame stages' systems and the panel's egui pass) as median,
//! 99th percentile and worst. With `--bare` it renders a bare scene of one mesh and one
//! light the same way instead, so the two can be compared on the same machine. With
//! `--bench-layers` it measures each layer of the scene alone ([`layers`]). With a session,
//! the figures end with what its scene draws ([`scene`]): meshes, draw calls and triangles.

pub mod layers;
pub mod scene;

use std::time::{Duration, Instant};

use bevy::prelude::*;
use bevy::window::{PresentMode, WindowResolution};

use crate::AppSystems;
use crate::visuals::fade::Veil;

/// Frames rendered before measuring, so pipelines have compiled and fades have settled.
const WARM_UP_FRAMES: u32 = 120;

/// When set, the frames rendered before measuring instead of [`WARM_UP_FRAMES`]: for tests,
/// which check what the benchmark reports rather than its figures.
pub const WARM_UP_OVERRIDE: &str = "STILLPOINT_BENCH_WARM_UP_FRAMES";

/// A benchmark asked for on the command line.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RenderBench {
    /// Frames to measure.
    pub frames: u32,
    /// Seconds of session time to start from (a preview session is started).
    pub at: Option<f64>,
    /// Measure each layer of the scene alone too, and print the layer table.
    pub layers: bool,
}

/// Measures frames, prints the figures, then closes the app.
pub struct RenderBenchPlugin(pub RenderBench);

/// Brackets the frame's own systems for timing.
#[derive(SystemSet, Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Bracket {
    Open,
    Close,
}

#[derive(Resource, Debug)]
struct Measurements {
    wanted: u32,
    at: Option<f64>,
    warm_up: u32,
    frame_ms: Vec<f64>,
    app_us: Vec<f64>,
    opened: Option<Instant>,
    /// When the panel's pass began, and how long the last one took.
    panel_opened: Option<Instant>,
    panel_took: Duration,
    /// With the layer table: the phases still to measure (the current one first), frames
    /// left to settle in the current one, and each finished phase's median and meshes.
    phases: Vec<layers::Phase>,
    camera_set: bool,
    settle: u32,
    layer_results: Vec<(layers::Phase, f64, usize)>,
    /// True once the current phase's picture is asked for.
    pictured: bool,
}

/// Frames drawn after the camera changes what it sees, before measuring again.
const SETTLE_FRAMES: u32 = 5;

impl Plugin for RenderBenchPlugin {
    fn build(&self, app: &mut App) {
        app.insert_resource(Measurements {
            wanted: self.0.frames,
            at: self.0.at,
            warm_up: std::env::var(WARM_UP_OVERRIDE)
                .ok()
                .and_then(|frames| frames.parse().ok())
                .unwrap_or(WARM_UP_FRAMES),
            frame_ms: Vec::new(),
            app_us: Vec::new(),
            opened: None,
            panel_opened: None,
            panel_took: Duration::ZERO,
            phases: if self.0.layers {
                layers::Phase::all()
            } else {
                Vec::new()
            },
            camera_set: false,
            settle: 0,
            layer_results: Vec::new(),
            pictured: false,
        })
        .add_plugins(scene::plugin)
        .init_resource::<layers::PhasePictures>()
        .configure_sets(
            Update,
            (
                Bracket::Open.before(AppSystems::Input),
                Bracket::Close.after(AppSystems::Present),
            ),
        )
        .add_systems(
            Update,
            (
                (open_bracket, jump_to_moment).chain().in_set(Bracket::Open),
                close_bracket.in_set(Bracket::Close),
            ),
        )
        .add_systems(
            Update,
            (layers::tag_layers, next_layer_phase)
                .chain()
                .after(Bracket::Close)
                .run_if(|measurements: Res<Measurements>| !measurements.phases.is_empty()),
        )
        .add_systems(
            bevy_egui::EguiPrimaryContextPass,
            (
                open_panel_bracket.before(crate::panel::layout::draw_panel),
                close_panel_bracket.after(crate::panel::layout::draw_panel),
            ),
        );
    }
}

fn open_panel_bracket(mut measurements: ResMut<Measurements>) {
    measurements.panel_opened = Some(Instant::now());
}

fn close_panel_bracket(mut measurements: ResMut<Measurements>) {
    if let Some(opened) = measurements.panel_opened.take() {
        measurements.panel_took = opened.elapsed();
    }
}

fn open_bracket(mut measurements: ResMut<Measurements>) {
    measurements.opened = Some(Instant::now());
}

/// Moves a just-started session to the moment asked for, once.
fn jump_to_moment(
    mut measurements: ResMut<Measurements>,
    runtime: Option<ResMut<crate::session::SessionRuntime>>,
) {
    let Some(mut runtime) = runtime else { return };
    if let Some(at) = measurements.at
        && runtime.is_under_way()
    {
        runtime.tick(Duration::from_secs_f64(at));
        measurements.at = None;
    }
}

fn close_bracket(
    time: Res<Time<Real>>,
    veil: Option<Res<Veil>>,
    mut measurements: ResMut<Measurements>,
    counter: scene::SceneCounter,
    mut exit: MessageWriter<AppExit>,
) {
    // The frame stages now, and the panel's pass of the frame before (it runs after them).
    let panel = std::mem::take(&mut measurements.panel_took);
    let own = measurements
        .opened
        .take()
        .map(|opened| opened.elapsed() + panel);
    if veil.is_some_and(|veil| !veil.is_clear()) {
        return;
    }
    if measurements.warm_up > 0 {
        measurements.warm_up -= 1;
        return;
    }
    measurements.frame_ms.push(time.delta().as_secs_f64() * 1e3);
    if let Some(own) = own {
        measurements.app_us.push(own.as_secs_f64() * 1e6);
    }
    if measurements.settle > 0 {
        measurements.settle -= 1;
        measurements.frame_ms.pop();
        return;
    }
    if measurements.frame_ms.len() as u32 >= measurements.wanted && !measurements.phases.is_empty()
    {
        // The layer table's phase is measured; the next phase begins in `next_layer_phase`.
        return;
    }
    if measurements.frame_ms.len() as u32 >= measurements.wanted {
        let frame = percentiles(&mut measurements.frame_ms);
        let app = percentiles(&mut measurements.app_us);
        let drawn = counter
            .count()
            .map(|(id, count)| format!(" scene={id} {}", count.figures()))
            .unwrap_or_default();
        eprintln!(
            "frames={} frame_ms_p50={:.2} frame_ms_p99={:.2} frame_ms_max={:.2} \
             app_us_p50={:.1} app_us_p99={:.1} app_us_max={:.1}{drawn}",
            measurements.frame_ms.len(),
            frame.0,
            frame.1,
            frame.2,
            app.0,
            app.1,
            app.2
        );
        exit.write(AppExit::Success);
    }
}

/// Ends a measured phase of the layer table: keeps its median, shows the next phase, or
/// prints the table and closes the app after the last.
fn next_layer_phase(
    mut measurements: ResMut<Measurements>,
    mut commands: Commands,
    cameras: Query<
        (Entity, Option<&crate::paint::glow::PaintingGlow>),
        With<crate::viewpoint::PatientCamera>,
    >,
    meshes: Query<(&layers::Layer, &InheritedVisibility)>,
    pictures: Res<layers::PhasePictures>,
    mut exit: MessageWriter<AppExit>,
) {
    if let Some(&first) = measurements.phases.first()
        && !measurements.camera_set
        && !cameras.is_empty()
    {
        layers::show_phase(first, &mut commands, &cameras);
        measurements.camera_set = true;
    }
    // A picture of each phase once it has settled, for the layers' screen coverage.
    if let Some(&current) = measurements.phases.first()
        && measurements.camera_set
        && measurements.warm_up == 0
        && measurements.settle == 0
        && !measurements.pictured
    {
        layers::picture_phase(current, &mut commands);
        measurements.pictured = true;
    }
    if measurements.warm_up > 0 || (measurements.frame_ms.len() as u32) < measurements.wanted {
        return;
    }
    let phase = measurements.phases.remove(0);
    let median = percentiles(&mut measurements.frame_ms).0;
    measurements.frame_ms.clear();
    measurements.app_us.clear();
    let shown = match phase {
        layers::Phase::Alone(layer) => layers::shown_in(layer, &meshes),
        _ => 0,
    };
    measurements.layer_results.push((phase, median, shown));
    match measurements.phases.first() {
        Some(&next) => {
            layers::show_phase(next, &mut commands, &cameras);
            measurements.settle = SETTLE_FRAMES;
            measurements.pictured = false;
        }
        None => {
            eprint!(
                "{}",
                layers::table(&measurements.layer_results, &pictures.coverage())
            );
            exit.write(AppExit::Success);
        }
    }
}

/// The median, the 99th percentile and the largest of `values`.
fn percentiles(values: &mut [f64]) -> (f64, f64, f64) {
    if values.is_empty() {
        return (0.0, 0.0, 0.0);
    }
    values.sort_by(f64::total_cmp);
    let at = |fraction: f64| values[((values.len() - 1) as f64 * fraction).round() as usize];
    (at(0.5), at(0.99), at(1.0))
}

/// The comparison scene: the same window with one lit mesh and nothing of Stillpoint.
pub fn bare_app(bench: RenderBench) -> App {
    let mut app = App::new();
    app.add_plugins(DefaultPlugins.set(WindowPlugin {
        primary_window: Some(Window {
            title: "Stillpoint — bare scene".to_owned(),
            resolution: WindowResolution::new(1280, 720),
            present_mode: PresentMode::AutoVsync,
            ..default()
        }),
        ..default()
    }))
    .configure_sets(
        Update,
        (AppSystems::Input, AppSystems::Runtime, AppSystems::Present).chain(),
    )
    .add_plugins(RenderBenchPlugin(bench))
    .add_systems(Startup, spawn_bare_scene);
    // Run the same way as the app's own frame stages.
    crate::frame_stages_on_one_thread(&mut app);
    app
}

fn spawn_bare_scene(
    mut commands: Commands,
    mut meshes: ResMut<Assets<Mesh>>,
    mut materials: ResMut<Assets<StandardMaterial>>,
) {
    commands.spawn((
        Mesh3d(meshes.add(Cuboid::new(1.0, 1.0, 1.0))),
        MeshMaterial3d(materials.add(Color::srgb(0.8, 0.7, 0.6))),
        Transform::from_xyz(0.0, 0.5, 0.0),
    ));
    commands.spawn((
        PointLight {
            shadow_maps_enabled: true,
            ..default()
        },
        Transform::from_xyz(4.0, 8.0, 4.0),
    ));
    commands.spawn((
        Camera3d::default(),
        Transform::from_xyz(-2.5, 4.5, 9.0).looking_at(Vec3::ZERO, Vec3::Y),
    ));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_pick_the_middle_and_the_tail() {
        let mut values: Vec<f64> = (1..=100).map(f64::from).rev().collect();
        assert_eq!(percentiles(&mut values), (51.0, 99.0, 100.0));
        assert_eq!(percentiles(&mut []), (0.0, 0.0, 0.0));
    }
}
