//! The board of choices below the caption: the 0–10 scale of a check-in as a row of soft
//! round numbers, or an intention's choices stacked as quiet cards. The number or card under
//! the pointer brightens, a ring fills around the one the patient's gaze rests on, and the
//! chosen one glows warm while the board fades away. Like the caption, the board is laid
//! out by Bevy's UI into a texture shown on a panel fixed in the world.

use std::f32::consts::{FRAC_PI_2, TAU};

use bevy::asset::RenderAssetUsages;
use bevy::mesh::{Indices, PrimitiveTopology};
use bevy::prelude::*;

use super::caption::{CAPTION_FADE_SECS, FONT, TEXT};
use crate::AppSystems;
use crate::pointing::{BOARD_CENTRE, BOARD_SIZE, Board, Pointing, ShownBoard};
use crate::viewpoint::OnStage;
use crate::visuals::Unlit;

/// Texture pixels per metre of board.
const PIXELS_PER_METRE: f32 = 800.0;
/// A cell at rest, under the pointer, and chosen.
const CELL: Color = Color::srgba(0.1, 0.1, 0.15, 0.6);
const CELL_HOVERED: Color = Color::srgba(0.3, 0.3, 0.38, 0.75);
const CELL_CHOSEN: Color = Color::srgba(0.78, 0.62, 0.45, 0.85);
/// The soft outline of every cell.
const OUTLINE: Color = Color::srgba(0.96, 0.94, 0.9, 0.35);
/// Where a heading's space ends, metres above the board's centre.
const HEADING_BOTTOM: f32 = 0.285;
/// The dwell ring.
const RING: Color = Color::srgba(1.0, 0.9, 0.76, 0.95);

/// The board on screen, and how visible it is.
#[derive(Resource, Debug, Default)]
struct BoardState {
    /// The board whose cells are laid out now.
    shown: Option<Board>,
    /// 0 (hidden) to 1 (fully shown).
    opacity: f32,
}

#[derive(Component)]
struct BoardPanel(Handle<Unlit>);

/// The UI node the cells are laid out in.
#[derive(Component)]
struct BoardLayout;

/// One cell's node, by index.
#[derive(Component)]
struct CellNode(usize);

/// The ring that fills while the gaze dwells.
#[derive(Component)]
struct DwellRing {
    mesh: Handle<Mesh>,
    /// The fill the mesh was last built for.
    built: f32,
}

/// Shows the board of choices.
pub fn plugin(app: &mut App) {
    app.init_resource::<BoardState>()
        .add_systems(Startup, spawn_board)
        .add_systems(
            Update,
            (show_board, highlight_cells, fill_dwell_ring)
                .chain()
                .in_set(AppSystems::Present),
        );
}

fn spawn_board(
    mut commands: Commands,
    mut images: ResMut<Assets<Image>>,
    mut meshes: ResMut<Assets<Mesh>>,
    mut materials: ResMut<Assets<Unlit>>,
) {
    let panel = super::WorldPanel {
        name: "Board",
        order: -2,
        texture_size: (BOARD_SIZE * PIXELS_PER_METRE).as_uvec2(),
        size: BOARD_SIZE,
        position: BOARD_CENTRE,
    }
    .spawn(&mut commands, &mut images, &mut meshes, &mut materials);
    commands
        .entity(panel.quad)
        .insert(BoardPanel(panel.material));
    commands.spawn((
        Name::new("Board layout"),
        BoardLayout,
        UiTargetCamera(panel.camera),
        Node {
            width: Val::Percent(100.0),
            height: Val::Percent(100.0),
            ..default()
        },
    ));
    let ring = meshes.add(ring_mesh(0.0));
    commands.spawn((
        Name::new("Dwell ring"),
        DwellRing {
            mesh: ring.clone(),
            built: 0.0,
        },
        Mesh3d(ring),
        MeshMaterial3d(materials.add(Unlit::blended(RING).double_sided())),
        Transform::from_translation(BOARD_CENTRE),
        Visibility::Hidden,
        OnStage,
    ));
}

/// A flat ring of unit outer radius, filled clockwise from the top for `fill` (0..1).
pub fn ring_mesh(fill: f32) -> Mesh {
    const SEGMENTS: u32 = 64;
    const INNER: f32 = 0.86;
    let steps = ((SEGMENTS as f32 * fill.clamp(0.0, 1.0)).ceil() as u32).max(1);
    let sweep = TAU * fill.clamp(0.0, 1.0);
    let mut positions = Vec::new();
    let mut indices = Vec::new();
    for step in 0..=steps {
        let angle = FRAC_PI_2 - sweep * step as f32 / steps as f32;
        let (sin, cos) = angle.sin_cos();
        positions.push([INNER * cos, INNER * sin, 0.0]);
        positions.push([cos, sin, 0.0]);
        if step > 0 {
            let a = 2 * step - 2;
            indices.extend([a, a + 1, a + 2, a + 2, a + 1, a + 3]);
        }
    }
    let normals = vec![[0.0, 0.0, 1.0]; positions.len()];
    Mesh::new(
        PrimitiveTopology::TriangleList,
        RenderAssetUsages::RENDER_WORLD,
    )
    .with_inserted_attribute(Mesh::ATTRIBUTE_POSITION, positions)
    .with_inserted_attribute(Mesh::ATTRIBUTE_NORMAL, normals)
    .with_inserted_indices(Indices::U32(indices))
}

/// True when `a` and `b` offer the same choices for the same question.
fn same_question(a: &Board, b: &Board) -> bool {
    a.step == b.step && a.question == b.question && a.heading == b.heading && a.cells == b.cells
}

/// Fades the board in and out, and lays out a new board's cells while it is hidden.
fn show_board(
    mut commands: Commands,
    time: Res<Time<Real>>,
    assets: Res<AssetServer>,
    wanted: Res<ShownBoard>,
    mut state: ResMut<BoardState>,
    layouts: Query<Entity, With<BoardLayout>>,
    mut panels: Query<(&BoardPanel, &mut Visibility)>,
    mut materials: ResMut<Assets<Unlit>>,
) {
    let change = time.delta_secs() / CAPTION_FADE_SECS;
    let same = match (&wanted.0, &state.shown) {
        (Some(wanted), Some(shown)) => same_question(wanted, shown),
        _ => false,
    };
    if same {
        state.opacity = crate::easing::approach(state.opacity, 1.0, change);
        state.shown.clone_from(&wanted.0);
    } else if state.opacity > 0.0 {
        state.opacity = crate::easing::approach(state.opacity, 0.0, change);
    } else if state.shown != wanted.0 {
        state.shown.clone_from(&wanted.0);
        for layout in &layouts {
            commands.entity(layout).despawn_children();
            if let Some(board) = &state.shown {
                let font = assets.load(FONT);
                commands.entity(layout).with_children(|layout| {
                    if let Some(heading) = &board.heading {
                        spawn_heading(layout, heading, font.clone());
                    }
                    for (index, cell) in board.cells.iter().enumerate() {
                        spawn_cell(layout, index, cell, font.clone());
                    }
                });
            }
        }
    }
    for (panel, visibility) in &mut panels {
        super::show_faded(state.opacity, visibility, &mut materials, &panel.0);
    }
}

/// The board's heading: one or two quiet lines across its top.
fn spawn_heading(layout: &mut ChildSpawnerCommands, heading: &str, font: Handle<Font>) {
    let px = |metres: f32| Val::Px(metres * PIXELS_PER_METRE);
    layout
        .spawn((
            Node {
                position_type: PositionType::Absolute,
                left: px(0.04),
                right: px(0.04),
                top: px(0.0),
                height: px(BOARD_SIZE.y / 2.0 - HEADING_BOTTOM),
                justify_content: JustifyContent::Center,
                align_items: AlignItems::Center,
                padding: UiRect::axes(px(0.03), px(0.008)),
                border_radius: BorderRadius::all(px(0.04)),
                ..default()
            },
            BackgroundColor(CELL),
        ))
        .with_child((
            Text::new(heading.to_owned()),
            TextFont {
                font: font.into(),
                ..TextFont::from_font_size(32.0)
            },
            TextColor(TEXT),
            TextLayout::justify(Justify::Center),
        ));
}

fn spawn_cell(
    layout: &mut ChildSpawnerCommands,
    index: usize,
    cell: &crate::pointing::Cell,
    font: Handle<Font>,
) {
    let px = |metres: f32| Val::Px(metres * PIXELS_PER_METRE);
    let size = cell.rect.size();
    let round = size.x < 2.0 * size.y;
    layout
        .spawn((
            CellNode(index),
            Node {
                position_type: PositionType::Absolute,
                left: px(cell.rect.min.x + BOARD_SIZE.x / 2.0),
                top: px(BOARD_SIZE.y / 2.0 - cell.rect.max.y),
                width: px(size.x),
                height: px(size.y),
                justify_content: if round {
                    JustifyContent::Center
                } else {
                    JustifyContent::FlexStart
                },
                align_items: AlignItems::Center,
                padding: UiRect::left(if round { Val::ZERO } else { px(0.03) }),
                border: UiRect::all(Val::Px(3.0)),
                border_radius: if round {
                    BorderRadius::MAX
                } else {
                    BorderRadius::all(px(size.y / 2.0))
                },
                ..default()
            },
            BackgroundColor(CELL),
            BorderColor::all(OUTLINE),
        ))
        .with_children(|inside| match cell.swatch {
            Some([red, green, blue]) => {
                inside.spawn((
                    Node {
                        width: Val::Percent(72.0),
                        height: Val::Percent(72.0),
                        border_radius: BorderRadius::MAX,
                        ..default()
                    },
                    BackgroundColor(Color::srgb_u8(red, green, blue)),
                ));
            }
            None => {
                inside.spawn((
                    Text::new(cell.label.clone()),
                    TextFont {
                        font: font.into(),
                        ..TextFont::from_font_size(if round { 52.0 } else { 36.0 })
                    },
                    TextColor(TEXT),
                ));
            }
        });
}

/// Brightens the cell under the pointer and warms the chosen one.
fn highlight_cells(
    state: Res<BoardState>,
    pointing: Res<Pointing>,
    mut cells: Query<(&CellNode, &mut BackgroundColor)>,
) {
    let chosen = state.shown.as_ref().and_then(|board| board.chosen);
    for (cell, mut background) in &mut cells {
        let colour = if chosen == Some(cell.0) {
            CELL_CHOSEN
        } else if pointing.hovered == Some(cell.0) || pointing.dwell.cell == Some(cell.0) {
            CELL_HOVERED
        } else {
            CELL
        };
        background.set_if_neq(BackgroundColor(colour));
    }
}

/// Grows the ring around the cell the gaze rests on.
fn fill_dwell_ring(
    state: Res<BoardState>,
    pointing: Res<Pointing>,
    mut rings: Query<(&mut DwellRing, &mut Transform, &mut Visibility)>,
    mut meshes: ResMut<Assets<Mesh>>,
) {
    let dwelt = pointing.dwell.cell.and_then(|index| {
        let board = state.shown.as_ref()?;
        Some((board.cells.get(index)?.rect, pointing.dwell.progress()))
    });
    for (mut ring, mut transform, mut visibility) in &mut rings {
        let Some((rect, fill)) = dwelt.filter(|(_, fill)| *fill > 0.0) else {
            visibility.set_if_neq(Visibility::Hidden);
            continue;
        };
        let size = rect.size();
        // Around a number; around the number at the start of a choice card.
        let (centre, radius) = if size.x < 2.0 * size.y {
            (rect.center(), size.x / 2.0 + 0.012)
        } else {
            (
                Vec2::new(rect.min.x + 0.045, rect.center().y),
                size.y / 2.0 - 0.004,
            )
        };
        *transform = Transform::from_translation(BOARD_CENTRE + centre.extend(0.004))
            .with_scale(Vec3::splat(radius));
        visibility.set_if_neq(Visibility::Inherited);
        if (fill - ring.built).abs() > 0.01 {
            ring.built = fill;
            if let Some(mut mesh) = meshes.get_mut(&ring.mesh) {
                *mesh = ring_mesh(fill);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ring_grows_with_the_dwell() {
        let triangles = |fill: f32| ring_mesh(fill).indices().map_or(0, |i| i.len() / 3);
        assert_eq!(triangles(0.0), 2);
        assert_eq!(triangles(0.5), 64);
        assert_eq!(triangles(1.0), 128);
        let full = ring_mesh(1.0);
        let count = full.count_vertices();
        let indices: Vec<usize> = full
            .indices()
            .map(|i| i.iter().collect())
            .unwrap_or_default();
        assert!(indices.iter().all(|&index| index < count));
    }
}
