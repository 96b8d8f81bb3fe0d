//! How the patient answers in the world: the choices on offer float on a board below the
//! caption, and the patient picks one with a pointer ray (the mouse on the desktop, a
//! controller in the headset) or by resting their gaze on it for [`DWELL_SECS`] while a ring
//! fills. Either way the answer becomes a [`SessionAction`], the same message the keyboard
//! and the therapist's panel send.
//!
//! The board's layout follows from the runtime alone, and the rays are plain data, so this
//! plugin runs headless; the desktop mouse and the headset only supply rays.

use bevy::prelude::*;
use bevy::window::PrimaryWindow;

use crate::AppSystems;
use crate::exercises::Detail;
use crate::exercises::questionnaire::Page;
use crate::session::{SessionAction, SessionRuntime, SessionState};
use crate::viewpoint::Stage;

/// How long the gaze rests on a choice to pick it, seconds.
pub const DWELL_SECS: f32 = 1.5;
/// How long the gaze may slip off a choice without losing the dwell so far, seconds.
pub const DWELL_GRACE_SECS: f32 = 0.3;
/// The centre of the board, in the world: below eye level, just in front of the caption.
pub const BOARD_CENTRE: Vec3 = Vec3::new(0.0, 0.8, -1.96);
/// The board's size, metres; cells are laid out inside it.
pub const BOARD_SIZE: Vec2 = Vec2::new(1.6, 0.8);

/// One choice on the board.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    /// The words or number shown.
    pub label: String,
    /// What choosing it does.
    pub action: SessionAction,
    /// Where it is on the board, metres from the board's centre (y up).
    pub rect: Rect,
    /// A paint colour shown as a swatch in the cell, sRGB.
    pub swatch: Option<[u8; 3]>,
}

/// The choices on offer now.
#[derive(Debug, Clone, PartialEq)]
pub struct Board {
    /// Identifies the question (the step), so a new question starts fresh.
    pub step: usize,
    /// Which question within the step (a questionnaire's item), from 0.
    pub question: usize,
    /// A line of words at the top of the board, e.g. "4 of 9" and the questionnaire's stem.
    pub heading: Option<String>,
    /// The cells.
    pub cells: Vec<Cell>,
    /// The cell already chosen, shown highlighted while the board fades.
    pub chosen: Option<usize>,
    /// Whether resting the gaze on a cell chooses it. Off for the paint board: a patient
    /// looking at their painting looks through it at the board, and must not undo by it.
    pub gaze_dwell: bool,
}

/// The board on offer this frame, if any.
#[derive(Resource, Debug, Default, Clone, PartialEq)]
pub struct ShownBoard(pub Option<Board>);

/// A ray the patient points with this frame, and whether its select button was just pressed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PointerRay {
    /// The ray, in the world.
    pub ray: Ray3d,
    /// True on the frame the trigger (or mouse button) went down.
    pub select: bool,
    /// How far the trigger is pulled, 0–1 (a held mouse button is 1): the brush's pressure.
    pub pressure: f32,
    /// Where the brush is along the ray.
    pub reach: Reach,
}

/// Where a pointer's brush tip is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// A hand-held controller: just ahead of it.
    Hand,
    /// The mouse through the screen: on the canvas plane in front of the patient.
    Screen,
    /// A gaze pinch: it chooses, and does not paint.
    Gaze,
}

/// Every pointer ray of this frame; input systems fill it, [`choose`] empties it.
#[derive(Resource, Debug, Default, Clone)]
pub struct PointerRays(pub Vec<PointerRay>);

/// Marks the entity whose forward direction is the patient's gaze (the headset's head pose).
#[derive(Component, Debug, Clone, Copy, Default)]
pub struct GazeSource;

/// What the patient is pointing at and looking at, for the board's highlights.
#[derive(Resource, Debug, Default, Clone, PartialEq)]
pub struct Pointing {
    /// The cell under a pointer ray.
    pub hovered: Option<usize>,
    /// The gaze's dwell.
    pub dwell: Dwell,
}

/// Gaze-and-dwell on one cell.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Dwell {
    /// The cell being dwelt on.
    pub cell: Option<usize>,
    /// Seconds of dwell so far.
    pub held: f32,
    /// Seconds the gaze has been off the cell.
    away: f32,
    /// False until the gaze has been off every cell once, so a gaze already resting where a
    /// board appears does not choose by itself.
    armed: bool,
}

impl Dwell {
    /// How full the ring is, 0 to 1.
    pub fn progress(&self) -> f32 {
        (self.held / DWELL_SECS).clamp(0.0, 1.0)
    }

    /// Follows the gaze on `target` for `secs`; returns the cell when the dwell completes.
    pub fn update(&mut self, target: Option<usize>, secs: f32) -> Option<usize> {
        if !self.armed {
            self.armed = target.is_none();
            return None;
        }
        match (target, self.cell) {
            (Some(cell), Some(current)) if cell == current => {
                self.away = 0.0;
                self.held += secs;
            }
            (Some(cell), _) => {
                *self = Self {
                    cell: Some(cell),
                    armed: true,
                    ..Self::default()
                };
            }
            (None, Some(_)) => {
                self.away += secs;
                if self.away > DWELL_GRACE_SECS {
                    *self = Self {
                        armed: true,
                        ..Self::default()
                    };
                }
            }
            (None, None) => {}
        }
        if self.held >= DWELL_SECS {
            let chosen = self.cell;
            *self = Self::default();
            return chosen;
        }
        None
    }
}

/// Offers the board and turns pointing and dwelling into session actions.
pub fn plugin(app: &mut App) {
    app.init_resource::<ShownBoard>()
        // Where the board stands (turned for a reclined patient by the posture plugin).
        .init_resource::<Stage>()
        .init_resource::<PointerRays>()
        .init_resource::<Pointing>()
        .add_systems(
            Update,
            (offer_board, desktop_pointer, choose)
                .chain()
                .in_set(AppSystems::Input),
        );
}

/// Width of a check-in number, and the gap between numbers, metres.
const NUMBER_SIZE: f32 = 0.12;
const NUMBER_GAP: f32 = 0.02;
/// Height of the check-in row's centre above the board's centre.
const NUMBER_ROW: f32 = 0.15;
/// Size of an intention choice and the gap between choices, metres.
const CHOICE_SIZE: Vec2 = Vec2::new(1.0, 0.09);
const CHOICE_GAP: f32 = 0.025;
/// The top of the first intention choice above the board's centre.
const CHOICE_TOP: f32 = 0.22;

/// The board for the current moment: the 0–10 scale of a check-in, or an intention's
/// choices; nothing while Calm is on.
pub fn board_for(runtime: &SessionRuntime) -> Option<Board> {
    if matches!(runtime.state(), SessionState::Calm | SessionState::Finished) {
        return None;
    }
    let view = runtime.view()?;
    let step = runtime.step_index();
    match &view.detail {
        Detail::CheckIn { answer, .. } => {
            let width = 11.0 * NUMBER_SIZE + 10.0 * NUMBER_GAP;
            let cells = (0..=10u32)
                .map(|value| {
                    let left = -width / 2.0 + value as f32 * (NUMBER_SIZE + NUMBER_GAP);
                    let centre = Vec2::new(left + NUMBER_SIZE / 2.0, NUMBER_ROW);
                    Cell {
                        label: value.to_string(),
                        action: SessionAction::Answer(value),
                        rect: Rect::from_center_size(centre, Vec2::splat(NUMBER_SIZE)),
                        swatch: None,
                    }
                })
                .collect();
            Some(Board {
                step,
                cells,
                chosen: answer.map(|value| value as usize),
                gaze_dwell: true,
                question: 0,
                heading: None,
            })
        }
        Detail::Choices { choices, chosen } if !choices.is_empty() => {
            Some(choice_board(step, choices, *chosen))
        }
        // A voice note's Done while recording; Keep it, Listen back, Record again after.
        Detail::VoiceNote { choices, .. } if !choices.is_empty() => {
            Some(choice_board(step, choices, None))
        }
        Detail::Questionnaire {
            stem,
            page,
            item,
            count,
            responses,
            chosen,
            ..
        } => questionnaire_board(step, stem, *page, *item, *count, responses, *chosen),
        Detail::Paint { .. } => runtime.painting().map(|painting| Board {
            step,
            cells: paint_cells(painting.canvas()),
            chosen: None,
            gaze_dwell: false,
            question: 0,
            heading: None,
        }),
        _ => None,
    }
}

/// Choices stacked as cards, each chosen by pointing or by gaze dwell.
fn choice_board(step: usize, choices: &[String], chosen: Option<u32>) -> Board {
    let cells = (0u32..)
        .zip(choices)
        .map(|(index, choice)| {
            let top = CHOICE_TOP - index as f32 * (CHOICE_SIZE.y + CHOICE_GAP);
            let centre = Vec2::new(0.0, top - CHOICE_SIZE.y / 2.0);
            Cell {
                label: format!("{}   {choice}", index + 1),
                action: SessionAction::Choose(index),
                rect: Rect::from_center_size(centre, CHOICE_SIZE),
                swatch: None,
            }
        })
        .collect();
    Board {
        step,
        cells,
        chosen: chosen.map(|index| index as usize),
        gaze_dwell: true,
        question: 0,
        heading: None,
    }
}

/// The top of a questionnaire's first answer, below its heading, above the board's centre.
const ANSWER_TOP: f32 = 0.27;
/// A questionnaire's Back and Send buttons.
const BUTTON_SIZE: Vec2 = Vec2::new(0.42, 0.09);

/// A questionnaire's page: the item's answers stacked as cards under the stem and "4 of 9",
/// with Back below them; or, with every item answered, Send and Back.
fn questionnaire_board(
    step: usize,
    stem: &str,
    page: Page,
    item: usize,
    count: usize,
    responses: &[String],
    chosen: Option<u32>,
) -> Option<Board> {
    let card = |index: usize, label: String, action: SessionAction| {
        let top = ANSWER_TOP - index as f32 * (CHOICE_SIZE.y + CHOICE_GAP);
        Cell {
            label,
            action,
            rect: Rect::from_center_size(Vec2::new(0.0, top - CHOICE_SIZE.y / 2.0), CHOICE_SIZE),
            swatch: None,
        }
    };
    let bottom = -BOARD_SIZE.y / 2.0 + BUTTON_SIZE.y / 2.0 + 0.005;
    let button = |x: f32, label: &str, action: SessionAction| Cell {
        label: label.to_owned(),
        action,
        rect: Rect::from_center_size(Vec2::new(x, bottom), BUTTON_SIZE),
        swatch: None,
    };
    let (heading, cells) = match page {
        Page::Item => {
            let mut cells: Vec<Cell> = (0u32..)
                .zip(responses)
                .map(|(value, label)| {
                    card(value as usize, label.clone(), SessionAction::Answer(value))
                })
                .collect();
            if item > 0 {
                cells.push(button(
                    -CHOICE_SIZE.x / 2.0 + BUTTON_SIZE.x / 2.0,
                    "Back",
                    SessionAction::AnswerBack,
                ));
            }
            (format!("{} of {count}   ·   {stem}", item + 1), cells)
        }
        Page::Confirm => (
            format!("All {count} answered"),
            vec![
                card(
                    0,
                    "Send my answers".to_owned(),
                    SessionAction::ConfirmAnswers,
                ),
                card(1, "Back".to_owned(), SessionAction::AnswerBack),
            ],
        ),
        Page::Sent => return None,
    };
    Some(Board {
        step,
        question: item,
        heading: Some(heading),
        cells,
        chosen: chosen.map(|value| value as usize),
        gaze_dwell: true,
    })
}

/// Size of a paint colour swatch, metres.
const SWATCH_SIZE: f32 = 0.11;
/// Size of a paint tool button, metres.
const TOOL_SIZE: Vec2 = Vec2::new(0.28, 0.09);

/// The paint board: the palette's colours in a row, and below them undo, redo, eraser
/// (or brush, while erasing), thinner and wider.
fn paint_cells(canvas: &crate::artwork::Canvas) -> Vec<Cell> {
    use crate::artwork::{PaintAction, Tool};
    let colours = canvas.palette().len();
    let row = colours as f32 * SWATCH_SIZE + (colours.max(1) - 1) as f32 * NUMBER_GAP;
    let mut cells: Vec<Cell> = canvas
        .palette()
        .iter()
        .enumerate()
        .map(|(index, colour)| {
            let left = -row / 2.0 + index as f32 * (SWATCH_SIZE + NUMBER_GAP);
            Cell {
                label: String::new(),
                action: SessionAction::Paint(PaintAction::Colour(index)),
                rect: Rect::from_center_size(
                    Vec2::new(left + SWATCH_SIZE / 2.0, NUMBER_ROW),
                    Vec2::splat(SWATCH_SIZE),
                ),
                swatch: Some(colour.0),
            }
        })
        .collect();
    let tools = [
        ("Undo", PaintAction::Undo),
        ("Redo", PaintAction::Redo),
        match canvas.tool() {
            Tool::Brush => ("Eraser", PaintAction::Tool(Tool::Eraser)),
            Tool::Eraser => ("Brush", PaintAction::Tool(Tool::Brush)),
        },
        ("Thinner", PaintAction::Widen(false)),
        ("Wider", PaintAction::Widen(true)),
    ];
    let tools_row = tools.len() as f32 * TOOL_SIZE.x + (tools.len() - 1) as f32 * NUMBER_GAP;
    cells.extend(
        tools
            .into_iter()
            .enumerate()
            .map(|(index, (label, action))| {
                let left = -tools_row / 2.0 + index as f32 * (TOOL_SIZE.x + NUMBER_GAP);
                Cell {
                    label: label.to_owned(),
                    action: SessionAction::Paint(action),
                    rect: Rect::from_center_size(
                        Vec2::new(left + TOOL_SIZE.x / 2.0, NUMBER_ROW - SWATCH_SIZE),
                        TOOL_SIZE,
                    ),
                    swatch: None,
                }
            }),
    );
    cells
}

/// The cell `ray` meets on `board`, standing on `stage`, if any.
pub fn cell_at(board: &Board, stage: &Stage, ray: Ray3d) -> Option<usize> {
    let ray = stage.ray_to_layout(ray);
    let plane = InfinitePlane3d::new(Vec3::Z);
    let distance = ray.intersect_plane(BOARD_CENTRE, plane)?;
    let local = (ray.get_point(distance) - BOARD_CENTRE).truncate();
    board
        .cells
        .iter()
        .position(|cell| cell.rect.contains(local))
}

fn offer_board(runtime: Res<SessionRuntime>, mut shown: ResMut<ShownBoard>) {
    let board = board_for(&runtime);
    if shown.0 != board {
        shown.0 = board;
    }
}

/// The desktop stand-in for a controller: a ray from the patient's viewpoint through the
/// mouse cursor; the left button selects.
fn desktop_pointer(
    windows: Query<&Window, With<PrimaryWindow>>,
    cameras: Query<(&Camera, &GlobalTransform), With<crate::viewpoint::PatientCamera>>,
    buttons: Option<Res<ButtonInput<MouseButton>>>,
    mut rays: ResMut<PointerRays>,
) {
    let Some(cursor) = windows.iter().find_map(Window::cursor_position) else {
        return;
    };
    let select = buttons
        .as_ref()
        .is_some_and(|buttons| buttons.just_pressed(MouseButton::Left));
    let held = buttons.is_some_and(|buttons| buttons.pressed(MouseButton::Left));
    for (camera, transform) in &cameras {
        let viewport = camera.logical_viewport_rect();
        let inside = viewport.is_none_or(|viewport| viewport.contains(cursor));
        let in_viewport = cursor - viewport.map_or(Vec2::ZERO, |viewport| viewport.min);
        if inside && let Ok(ray) = camera.viewport_to_world(transform, in_viewport) {
            rays.0.push(PointerRay {
                ray,
                select,
                pressure: if held { 1.0 } else { 0.0 },
                reach: Reach::Screen,
            });
        }
    }
}

/// Hit-tests this frame's rays and gaze against the board and sends the chosen action.
pub fn choose(
    time: Res<Time>,
    board: Res<ShownBoard>,
    stage: Res<Stage>,
    gazes: Query<&GlobalTransform, With<GazeSource>>,
    mut rays: ResMut<PointerRays>,
    mut pointing: ResMut<Pointing>,
    mut actions: MessageWriter<SessionAction>,
) {
    let rays = std::mem::take(&mut rays.0);
    let Some(board) = board.0.as_ref().filter(|board| board.chosen.is_none()) else {
        if *pointing != Pointing::default() {
            *pointing = Pointing::default();
        }
        return;
    };
    let mut hovered = None;
    for pointer in &rays {
        let Some(cell) = cell_at(board, &stage, pointer.ray) else {
            continue;
        };
        hovered = Some(cell);
        if pointer.select {
            actions.write(board.cells[cell].action.clone());
            *pointing = Pointing::default();
            return;
        }
    }
    let gazed = gazes.iter().filter(|_| board.gaze_dwell).find_map(|head| {
        let ray = Ray3d::new(head.translation(), head.forward());
        cell_at(board, &stage, ray)
    });
    let dwelt = pointing.dwell.update(gazed, time.delta_secs());
    pointing.hovered = hovered;
    if let Some(cell) = dwelt {
        actions.write(board.cells[cell].action.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_resting_gaze_chooses_after_a_second_and_a_half() {
        let mut dwell = Dwell {
            armed: true,
            ..Dwell::default()
        };
        let frame = 1.0 / 90.0;
        let mut frames = 0;
        let chosen = loop {
            frames += 1;
            if let Some(cell) = dwell.update(Some(7), frame) {
                break cell;
            }
            assert!(frames < 1000);
        };
        assert_eq!(chosen, 7);
        assert!((frames as f32 * frame - DWELL_SECS).abs() < 2.0 * frame);
    }

    #[test]
    fn a_glance_away_is_forgiven_but_looking_elsewhere_starts_again() {
        let mut dwell = Dwell {
            armed: true,
            ..Dwell::default()
        };
        assert_eq!(dwell.update(Some(3), 0.0), None);
        assert_eq!(dwell.update(Some(3), 1.0), None);
        assert_eq!(dwell.update(None, 0.2), None);
        assert!((dwell.progress() - 1.0 / DWELL_SECS).abs() < 1e-6);
        assert_eq!(dwell.update(Some(3), 0.6), Some(3));
        // After a choice the gaze must leave before dwelling again.
        assert_eq!(dwell.update(Some(3), 2.0), None);
        dwell.update(None, 0.01);
        // A different cell starts from nothing.
        dwell.update(Some(3), 1.0);
        dwell.update(Some(4), 0.1);
        assert_eq!(dwell.cell, Some(4));
        assert_eq!(dwell.held, 0.0);
        // Looking away for longer loses the dwell.
        dwell.update(Some(4), 1.0);
        dwell.update(None, 0.5);
        assert_eq!(dwell.progress(), 0.0);
    }

    #[test]
    fn a_gaze_resting_where_the_board_appears_must_move_before_it_counts() {
        let mut dwell = Dwell::default();
        for _ in 0..400 {
            assert_eq!(dwell.update(Some(5), 0.01), None);
        }
        dwell.update(None, 0.01);
        dwell.update(Some(5), 0.0);
        assert_eq!(dwell.update(Some(5), DWELL_SECS), Some(5));
    }

    #[test]
    fn rays_find_the_number_they_point_at() {
        let (runtime, _dir) = crate::session::test_runtime(r#"CheckIn(id: "suds", scale: Suds)"#);
        let board = board_for(&runtime).expect("the check-in's scale");
        assert_eq!(board.cells.len(), 11);
        let eye = Vec3::new(0.0, 1.2, 0.0);
        let at = |cell: usize| {
            let target = BOARD_CENTRE + board.cells[cell].rect.center().extend(0.0);
            cell_at(
                &board,
                &Stage::default(),
                Ray3d::new(eye, Dir3::new(target - eye).unwrap()),
            )
        };
        assert_eq!(at(0), Some(0));
        assert_eq!(at(7), Some(7));
        assert_eq!(at(10), Some(10));
        assert_eq!(board.cells[7].action, SessionAction::Answer(7));
        // Straight ahead passes above the board; away from it, nothing.
        assert_eq!(
            cell_at(&board, &Stage::default(), Ray3d::new(eye, Dir3::NEG_Z)),
            None
        );
        assert_eq!(
            cell_at(&board, &Stage::default(), Ray3d::new(eye, Dir3::Z)),
            None
        );
    }

    #[test]
    fn rays_find_the_number_on_a_board_turned_up_for_a_lying_patient() {
        let (runtime, _dir) = crate::session::test_runtime(r#"CheckIn(id: "suds", scale: Suds)"#);
        let board = board_for(&runtime).expect("the check-in's scale");
        let stage = Stage {
            pitch: 75f32.to_radians(),
        };
        let eye = crate::viewpoint::EYE;
        let towards = |target: Vec3| Ray3d::new(eye, Dir3::new(target - eye).unwrap());
        // Where the number stands now, turned up with the stage: found.
        let placed =
            |cell: usize| stage.place(BOARD_CENTRE + board.cells[cell].rect.center().extend(0.0));
        assert_eq!(cell_at(&board, &stage, towards(placed(3))), Some(3));
        assert_eq!(cell_at(&board, &stage, towards(placed(9))), Some(9));
        // Where it stood for a seated patient: nothing there any more.
        let seated = BOARD_CENTRE + board.cells[3].rect.center().extend(0.0);
        assert_eq!(cell_at(&board, &stage, towards(seated)), None);
    }

    #[test]
    fn intention_choices_stack_below_eye_level_and_calm_hides_the_board() {
        let (mut runtime, _dir) = crate::session::test_runtime(
            r#"Intention(prompt: "What do you bring?", answer: Choose(["Rest", "Trust", "Curiosity"]))"#,
        );
        let board = board_for(&runtime).expect("the choices");
        let labels: Vec<_> = board.cells.iter().map(|cell| cell.label.as_str()).collect();
        assert_eq!(labels, ["1   Rest", "2   Trust", "3   Curiosity"]);
        assert_eq!(board.cells[2].action, SessionAction::Choose(2));
        for cell in &board.cells {
            let top = BOARD_CENTRE.y + cell.rect.max.y;
            assert!(top < 1.1, "a choice reaches eye level at {top} m");
        }
        let mut volumes = crate::session::Volumes::default();
        runtime.apply(&SessionAction::Calm, &mut volumes);
        assert_eq!(board_for(&runtime), None);
        runtime.apply(&SessionAction::EndCalm, &mut volumes);
        runtime.apply(&SessionAction::Choose(1), &mut volumes);
        assert_eq!(board_for(&runtime).and_then(|board| board.chosen), Some(1));
    }

    #[test]
    fn the_paint_board_offers_the_palette_and_the_tools_to_pointers_only() {
        use crate::artwork::{PaintAction, Tool};
        let (runtime, _dir) = crate::session::test_runtime(
            r##"Paint(prompt: "Paint.", palette: ["#f2c6a0", "#8fb8de"])"##,
        );
        let board = board_for(&runtime).expect("the paint board");
        assert!(!board.gaze_dwell, "looking at the painting never undoes it");
        let swatches: Vec<_> = board.cells.iter().filter_map(|cell| cell.swatch).collect();
        assert_eq!(swatches, [[0xf2, 0xc6, 0xa0], [0x8f, 0xb8, 0xde]]);
        let actions: Vec<_> = board.cells.iter().map(|cell| cell.action.clone()).collect();
        for wanted in [
            PaintAction::Colour(1),
            PaintAction::Undo,
            PaintAction::Redo,
            PaintAction::Tool(Tool::Eraser),
            PaintAction::Widen(true),
        ] {
            assert!(
                actions.contains(&SessionAction::Paint(wanted.clone())),
                "{wanted:?}"
            );
        }
        // No two cells overlap, and all fit on the board.
        for (index, cell) in board.cells.iter().enumerate() {
            assert!(
                cell.rect.min.x >= -BOARD_SIZE.x / 2.0 && cell.rect.max.x <= BOARD_SIZE.x / 2.0
            );
            for other in &board.cells[index + 1..] {
                assert!(
                    cell.rect.intersect(other.rect).is_empty(),
                    "{} / {}",
                    cell.label,
                    other.label
                );
            }
        }
    }
}
