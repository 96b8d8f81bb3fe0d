//! The painting in the world: every stroke as a bright opaque core inside a faint blended
//! halo, the same band facing the eye ([`super::light`]; the halos are drawn small and laid
//! over the view, [`super::glow`]), kept in step with the canvas
//! incrementally (a frame's work follows what was painted in it), and a soft light at each
//! brush tip in the colour it will paint.
//!
//! The painting stays in view after its step, for looking at it together, until the
//! session ends or another painting begins; Calm hides it with the rest of the session.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use bevy::asset::RenderAssetUsages;
use bevy::camera::visibility::{NoFrustumCulling, RenderLayers};
use bevy::mesh::{Indices, PrimitiveTopology};
use bevy::prelude::*;
use bevy::tasks::futures::check_ready;
use bevy::tasks::{AsyncComputeTaskPool, Task};

use super::glow::{GLOW_LAYER, HaloReach};
use super::input::BrushTips;
use super::light::{HALO_SCALE, StrokeLayer, StrokeLight};
use crate::AppSystems;
use crate::artwork::canvas::{ERASER_REACH, Tool};
use crate::artwork::model::Stroke;
use crate::artwork::stroke_shape::lean;
use crate::artwork::tube::{Profile, TubeBuilder, TubeMesh};
use crate::session::{SessionRuntime, SessionState};
use crate::visuals::Unlit;

/// Shows the painting and the brush tips.
pub fn plugin(app: &mut App) {
    app.add_plugins(sync_plugin)
        .add_plugins(super::light::plugin)
        .add_systems(Startup, (create_material, spawn_tip))
        .add_systems(Update, show_tip.in_set(AppSystems::Present));
}

/// Keeps stroke meshes in step with the canvas; needs only `Assets<Mesh>` and a
/// [`StrokeMaterial`], so benchmarks run it headless.
pub fn sync_plugin(app: &mut App) {
    app.init_resource::<ShownStrokes>().add_systems(
        Update,
        (sync_strokes, bundle_old_strokes)
            .chain()
            .in_set(AppSystems::Present),
    );
}

/// The materials every stroke shares, unlit vertex colours both: the core opaque (so a core
/// hidden behind another is never shaded), the halo blended over the scene (added light
/// would wash pastel colours to white over a bright sky).
#[derive(Resource, Debug, Clone, Default)]
pub struct StrokeMaterial {
    /// The bright core.
    pub core: Handle<StrokeLight>,
    /// The faint halo around it.
    pub halo: Handle<StrokeLight>,
    /// The core as the glow sees it, hiding the halos behind it.
    pub core_in_glow: Handle<StrokeLight>,
}

/// Marks a piece of a stroke: its core, with its halo and the core as the glow sees it as its
/// children.
#[derive(Component, Debug, Clone, Copy)]
pub struct StrokePiece;

/// The light at a brush tip.
#[derive(Component, Debug, Clone, Copy)]
struct BrushLight(usize);

/// One piece of a stroke on show: its core's entity, its halo's, and the band mesh both draw.
#[derive(Debug, Clone)]
struct ShownPiece {
    core: Entity,
    halo: Entity,
    mesh: Handle<Mesh>,
}

impl ShownPiece {
    /// Takes the piece off show, its halo with it.
    fn despawn(&self, commands: &mut Commands) {
        commands.entity(self.core).despawn();
    }
}

/// The pieces of one stroke on show.
#[derive(Debug)]
struct ShownStroke {
    /// Held so the stroke's address, its key, stays its own while shown.
    stroke: Arc<Stroke>,
    pieces: Vec<ShownPiece>,
}

/// The stroke being painted: its geometry so far and its pieces' meshes.
#[derive(Debug)]
struct GrowingStroke {
    serial: u64,
    builder: TubeBuilder,
    pieces: Vec<ShownPiece>,
}

/// Finished strokes are shown each on their own up to this many points; beyond it the
/// oldest are merged into bundles, so that a large painting is a few meshes, not thousands.
pub const SEPARATE_POINTS: usize = 20_000;
/// About how many points one bundle holds.
pub const BUNDLE_POINTS: usize = 10_000;

/// Old strokes merged: one band mesh per colour.
#[derive(Debug)]
struct Bundle {
    /// The strokes in it, held so their addresses (their keys) stay their own.
    strokes: Vec<Arc<Stroke>>,
    pieces: Vec<ShownPiece>,
}

/// The geometry of a bundle, one band mesh per colour, built off the frame.
type BundleGeometry = (Vec<Arc<Stroke>>, Vec<TubeMesh>);

/// What is on show, keyed by each finished stroke's address.
#[derive(Resource, Default)]
pub struct ShownStrokes {
    finished: HashMap<usize, ShownStroke>,
    bundles: Vec<Bundle>,
    /// A bundle being built on the compute task pool.
    bundling: Option<Task<BundleGeometry>>,
    growing: Option<GrowingStroke>,
    /// The canvas revision shown, and which paint step it belongs to.
    shown: Option<(usize, u64)>,
    /// True while Calm hides the painting.
    hidden: bool,
}

impl ShownStrokes {
    /// How many meshes' worth of pieces are on show (all strokes; a bundle's colour counts
    /// as one).
    pub fn piece_count(&self) -> usize {
        self.finished
            .values()
            .map(|stroke| stroke.pieces.len())
            .sum::<usize>()
            + self
                .bundles
                .iter()
                .map(|bundle| bundle.pieces.len())
                .sum::<usize>()
            + self
                .growing
                .as_ref()
                .map_or(0, |growing| growing.pieces.len())
    }

    fn clear(&mut self, commands: &mut Commands) {
        for stroke in self.finished.drain().map(|(_, stroke)| stroke) {
            for piece in stroke.pieces {
                piece.despawn(commands);
            }
        }
        if let Some(growing) = self.growing.take() {
            for piece in growing.pieces {
                piece.despawn(commands);
            }
        }
        for bundle in self.bundles.drain(..) {
            for piece in bundle.pieces {
                piece.despawn(commands);
            }
        }
        self.bundling = None;
        self.shown = None;
    }

    /// How many finished strokes are on show, on their own or in bundles.
    pub fn stroke_count(&self) -> usize {
        self.finished.len() + self.bundled_strokes()
    }

    /// How many strokes are merged into bundles.
    pub fn bundled_strokes(&self) -> usize {
        self.bundles.iter().map(|bundle| bundle.strokes.len()).sum()
    }

    /// The keys of the strokes merged into bundles.
    fn bundled_keys(&self) -> HashSet<usize> {
        self.bundles
            .iter()
            .flat_map(|bundle| bundle.strokes.iter().map(key))
            .collect()
    }
}

impl std::fmt::Debug for ShownStrokes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ShownStrokes")
            .field("finished", &self.finished.len())
            .field("bundles", &self.bundles.len())
            .field("bundling", &self.bundling.is_some())
            .finish_non_exhaustive()
    }
}

impl StrokeMaterial {
    /// The three materials, added to `materials`.
    pub fn new(materials: &mut Assets<StrokeLight>) -> Self {
        Self {
            core: materials.add(StrokeLight::new(StrokeLayer::Core)),
            halo: materials.add(StrokeLight::new(StrokeLayer::Halo)),
            core_in_glow: materials.add(StrokeLight::new(StrokeLayer::CoreInGlow)),
        }
    }
}

fn create_material(mut materials: ResMut<Assets<StrokeLight>>, mut commands: Commands) {
    commands.insert_resource(StrokeMaterial::new(&mut materials));
}

fn key(stroke: &Arc<Stroke>) -> usize {
    Arc::as_ptr(stroke) as usize
}

fn mesh_of(piece: &TubeMesh) -> Mesh {
    Mesh::new(
        PrimitiveTopology::TriangleList,
        RenderAssetUsages::RENDER_WORLD,
    )
    .with_inserted_attribute(Mesh::ATTRIBUTE_POSITION, piece.positions.clone())
    .with_inserted_attribute(Mesh::ATTRIBUTE_NORMAL, piece.normals.clone())
    .with_inserted_attribute(Mesh::ATTRIBUTE_COLOR, piece.colours.clone())
    .with_inserted_attribute(Mesh::ATTRIBUTE_UV_0, piece.offsets.clone())
    .with_inserted_indices(Indices::U32(piece.indices.clone()))
}

/// Shows `piece` (`hidden` while Calm hides the painting): its band as the core in the view,
/// and, in the glow alone, as the shape that hides the halos behind it and, widened, as the
/// halo, with the box it reaches.
fn spawn_piece(
    commands: &mut Commands,
    meshes: &mut Assets<Mesh>,
    material: &StrokeMaterial,
    piece: &TubeMesh,
    hidden: bool,
) -> ShownPiece {
    let visibility = if hidden {
        Visibility::Hidden
    } else {
        Visibility::Inherited
    };
    let mesh = meshes.add(mesh_of(piece));
    let core = commands
        .spawn((
            Name::new("Stroke of light"),
            StrokePiece,
            Mesh3d(mesh.clone()),
            MeshMaterial3d(material.core.clone()),
            Transform::IDENTITY,
            visibility,
            // Pieces grow while painted, and their bands reach past the points that bound
            // them; their bounds are not worth recomputing.
            NoFrustumCulling,
        ))
        .id();
    let in_glow = |name: &'static str, material: &Handle<StrokeLight>| {
        (
            Name::new(name),
            Mesh3d(mesh.clone()),
            MeshMaterial3d(material.clone()),
            RenderLayers::layer(GLOW_LAYER),
            NoFrustumCulling,
            ChildOf(core),
        )
    };
    commands.spawn(in_glow(
        "Stroke of light in the glow",
        &material.core_in_glow,
    ));
    let halo = commands
        .spawn(in_glow("Stroke's glow", &material.halo))
        .id();
    reach_of(commands, halo, piece);
    ShownPiece { core, halo, mesh }
}

/// Records the box a piece's halo reaches, for the glow to cover.
fn reach_of(commands: &mut Commands, halo: Entity, piece: &TubeMesh) {
    match piece.reach(HALO_SCALE) {
        Some((least, most)) => commands.entity(halo).insert(HaloReach(least, most)),
        None => commands.entity(halo).remove::<HaloReach>(),
    };
}

/// Replaces `shown`'s mesh with `piece`'s geometry.
fn update_piece(
    shown: &ShownPiece,
    piece: &TubeMesh,
    meshes: &mut Assets<Mesh>,
    commands: &mut Commands,
) {
    if meshes.insert(&shown.mesh, mesh_of(piece)).is_err() {
        warn!("a stroke's mesh could not be updated");
    }
    reach_of(commands, shown.halo, piece);
}

/// Brings the shown strokes up to the canvas: new points extend the growing stroke's last
/// piece; finished, undone, erased or cleared strokes are added or removed whole.
fn sync_strokes(
    runtime: Res<SessionRuntime>,
    material: Option<Res<StrokeMaterial>>,
    mut shown: ResMut<ShownStrokes>,
    mut meshes: ResMut<Assets<Mesh>>,
    mut visibility: Query<&mut Visibility, With<StrokePiece>>,
    mut commands: Commands,
) {
    let Some(material) = material else { return };
    if matches!(runtime.state(), SessionState::Idle | SessionState::Finished) {
        if shown.shown.is_some() || shown.growing.is_some() {
            shown.clear(&mut commands);
        }
        return;
    }
    let hidden = runtime.state() == SessionState::Calm;
    if shown.hidden != hidden {
        shown.hidden = hidden;
        let wanted = if hidden {
            Visibility::Hidden
        } else {
            Visibility::Inherited
        };
        for mut shown_as in &mut visibility {
            shown_as.set_if_neq(wanted);
        }
    }
    let Some(painting) = runtime.painting() else {
        return;
    };
    let canvas = painting.canvas();
    let step = painting.step();
    if shown
        .shown
        .is_some_and(|(shown_step, _)| shown_step != step)
    {
        shown.clear(&mut commands);
    }
    let shown = &mut *shown;

    // The growing stroke: a new one starts, or the current one gains points.
    let active = canvas.active();
    let growing_serial = shown.growing.as_ref().map(|growing| growing.serial);
    if let Some(growing_serial) = growing_serial
        && active.is_none_or(|(serial, _)| serial != growing_serial)
    {
        let ended = canvas
            .last_finished()
            .filter(|(serial, _)| *serial == growing_serial);
        if let (Some((_, stroke)), Some(mut growing)) = (ended, shown.growing.take()) {
            // Its geometry is already on show: it gains what came with its end (a tap's
            // dot) and narrows at its end.
            let unseen = stroke.points.get(growing.builder.point_count()..);
            for point in unseen.unwrap_or_default() {
                growing.builder.push(*point);
            }
            growing.builder.finish();
            update_pieces(&mut growing, &mut meshes, &mut commands, &material);
            shown.finished.insert(
                key(stroke),
                ShownStroke {
                    stroke: stroke.clone(),
                    pieces: growing.pieces,
                },
            );
        } else if let Some(growing) = shown.growing.take() {
            for piece in growing.pieces {
                piece.despawn(&mut commands);
            }
        }
    }
    if let Some((serial, stroke)) = active {
        let growing = shown.growing.get_or_insert_with(|| GrowingStroke {
            serial,
            builder: TubeBuilder::new(stroke, Profile::Band),
            pieces: Vec::new(),
        });
        let unseen = stroke.points.get(growing.builder.point_count()..);
        for point in unseen.unwrap_or_default() {
            growing.builder.push(*point);
        }
        update_pieces(growing, &mut meshes, &mut commands, &material);
    }

    // Finished strokes: only when the canvas changed them.
    let revision = Some((step, canvas.revision()));
    if shown.shown == revision {
        return;
    }
    shown.shown = revision;
    let wanted: HashMap<usize, &Arc<Stroke>> = canvas
        .artwork()
        .strokes
        .iter()
        .map(|stroke| (key(stroke), stroke))
        .collect();
    shown.finished.retain(|key, stroke| {
        let keep = wanted.contains_key(key);
        if !keep {
            for piece in &stroke.pieces {
                piece.despawn(&mut commands);
            }
        }
        keep
    });
    // A bundle that lost a stroke (undone, erased, cleared) parts: its other strokes are
    // shown on their own again below.
    shown.bundles.retain(|bundle| {
        let whole = bundle
            .strokes
            .iter()
            .all(|stroke| wanted.contains_key(&key(stroke)));
        if !whole {
            for piece in &bundle.pieces {
                piece.despawn(&mut commands);
            }
        }
        whole
    });
    let bundled = shown.bundled_keys();
    for (key, stroke) in wanted {
        if shown.finished.contains_key(&key) || bundled.contains(&key) {
            continue;
        }
        let built = TubeBuilder::build(&lean(stroke), Profile::Band);
        let pieces = built
            .pieces()
            .iter()
            .map(|piece| spawn_piece(&mut commands, &mut meshes, &material, piece, false))
            .collect();
        shown.finished.insert(
            key,
            ShownStroke {
                stroke: stroke.clone(),
                pieces,
            },
        );
    }
}

/// Merges the oldest strokes shown on their own into a bundle once they hold more than
/// [`SEPARATE_POINTS`]: the bundle is built on the compute task pool and takes their place
/// in a later frame, unless one of them was removed meanwhile.
fn bundle_old_strokes(
    runtime: Res<SessionRuntime>,
    material: Option<Res<StrokeMaterial>>,
    mut shown: ResMut<ShownStrokes>,
    mut meshes: ResMut<Assets<Mesh>>,
    mut commands: Commands,
) {
    let Some(material) = material else { return };
    let shown = &mut *shown;
    if let Some(task) = shown.bundling.as_mut() {
        if let Some(built) = check_ready(task) {
            shown.bundling = None;
            take_bundle(shown, built, &mut commands, &mut meshes, &material);
        }
        return;
    }
    let Some(painting) = runtime.painting() else {
        return;
    };
    let separate: usize = shown
        .finished
        .values()
        .map(|stroke| stroke.stroke.points.len())
        .sum();
    if separate <= SEPARATE_POINTS {
        return;
    }
    // The oldest strokes shown on their own, in the order they were painted.
    let mut oldest = Vec::new();
    let mut points = 0;
    for stroke in &painting.canvas().artwork().strokes {
        if points >= BUNDLE_POINTS {
            break;
        }
        if shown.finished.contains_key(&key(stroke)) {
            points += stroke.points.len();
            oldest.push(stroke.clone());
        }
    }
    let build = move || {
        let geometry = bundle_geometry(&oldest);
        (oldest, geometry)
    };
    match AsyncComputeTaskPool::try_get() {
        Some(pool) => shown.bundling = Some(pool.spawn(async move { build() })),
        None => take_bundle(shown, build(), &mut commands, &mut meshes, &material),
    }
}

/// Shows a bundle built in place of its strokes, unless one of them was removed meanwhile.
fn take_bundle(
    shown: &mut ShownStrokes,
    (strokes, geometry): BundleGeometry,
    commands: &mut Commands,
    meshes: &mut Assets<Mesh>,
    material: &StrokeMaterial,
) {
    let all_there = strokes
        .iter()
        .all(|stroke| shown.finished.contains_key(&key(stroke)));
    if !all_there {
        return;
    }
    for stroke in &strokes {
        if let Some(separate) = shown.finished.remove(&key(stroke)) {
            for piece in separate.pieces {
                piece.despawn(commands);
            }
        }
    }
    let pieces = geometry
        .iter()
        .map(|piece| spawn_piece(commands, meshes, material, piece, shown.hidden))
        .collect();
    shown.bundles.push(Bundle { strokes, pieces });
}

/// The strokes' bands merged, one mesh per colour.
pub fn bundle_geometry(strokes: &[Arc<Stroke>]) -> Vec<TubeMesh> {
    let mut by_colour: Vec<(crate::artwork::model::Rgb, TubeMesh)> = Vec::new();
    for stroke in strokes {
        let at = match by_colour
            .iter()
            .position(|(colour, _)| *colour == stroke.colour)
        {
            Some(at) => at,
            None => {
                by_colour.push((stroke.colour, Default::default()));
                by_colour.len() - 1
            }
        };
        for piece in TubeBuilder::build(&lean(stroke), Profile::Band).pieces() {
            by_colour[at].1.append(piece);
        }
    }
    by_colour.into_iter().map(|(_, merged)| merged).collect()
}

/// Uploads the growing stroke's changed pieces (at most the last two), spawning new ones.
fn update_pieces(
    growing: &mut GrowingStroke,
    meshes: &mut Assets<Mesh>,
    commands: &mut Commands,
    material: &StrokeMaterial,
) {
    let Some(changed) = growing.builder.take_changed() else {
        return;
    };
    for index in changed {
        let piece = &growing.builder.pieces()[index];
        if let Some(shown) = growing.pieces.get(index) {
            update_piece(shown, piece, meshes, commands);
        } else {
            let shown = spawn_piece(commands, meshes, material, piece, false);
            growing.pieces.push(shown);
        }
    }
}

fn spawn_tip(
    mut commands: Commands,
    mut meshes: ResMut<Assets<Mesh>>,
    mut materials: ResMut<Assets<Unlit>>,
) {
    let mesh = meshes.add(Sphere::new(1.0).mesh().uv(16, 12));
    for index in 0..2 {
        let material = materials.add(Unlit::blended(Color::WHITE));
        commands.spawn((
            Name::new("Brush tip"),
            BrushLight(index),
            Mesh3d(mesh.clone()),
            MeshMaterial3d(material),
            Transform::default(),
            Visibility::Hidden,
        ));
    }
}

/// A small soft light where each brush tip is, in the brush's colour and size (a wider,
/// fainter sphere for the eraser).
fn show_tip(
    tips: Res<BrushTips>,
    runtime: Res<SessionRuntime>,
    mut lights: Query<(
        &BrushLight,
        &mut Transform,
        &mut Visibility,
        &MeshMaterial3d<Unlit>,
    )>,
    mut materials: ResMut<Assets<Unlit>>,
) {
    let canvas = runtime
        .painting()
        .filter(|_| runtime.state() == SessionState::Running)
        .map(|painting| painting.canvas());
    for (BrushLight(index), mut transform, mut visibility, material) in &mut lights {
        let tip = tips.0.get(*index).copied();
        let (Some(canvas), Some(tip)) = (canvas, tip) else {
            visibility.set_if_neq(Visibility::Hidden);
            continue;
        };
        visibility.set_if_neq(Visibility::Inherited);
        let (radius, colour) = match canvas.tool() {
            Tool::Brush => {
                let [r, g, b] = canvas
                    .palette()
                    .get(canvas.colour())
                    .map_or([1.0; 3], |colour| colour.linear());
                (canvas.width() * 0.6, Color::linear_rgba(r, g, b, 0.8))
            }
            Tool::Eraser => (ERASER_REACH, Color::linear_rgba(0.5, 0.5, 0.55, 0.25)),
        };
        transform.translation = tip;
        transform.scale = Vec3::splat(radius);
        crate::visuals::set_colour(&mut materials, &material.0, colour);
    }
}
