//! The painting being made: brush input smoothed into strokes, the palette and brush, the
//! eraser, and undo/redo over every change (clearing included).

use std::sync::Arc;

use bevy::math::Vec3;

use super::model::{Artwork, Rgb, Stroke, StrokePoint, Symmetry};

/// How far each new brush sample pulls the smoothed point toward itself (0–1); lower is
/// smoother and lags more.
pub const SMOOTHING: f32 = 0.45;
/// The least distance between two stored points, metres.
pub const MIN_SPACING: f32 = 0.004;
/// How close the eraser must come to a stroke (or one of its copies) to erase it, metres.
pub const ERASER_REACH: f32 = 0.03;
/// The brush widths on offer, metres.
pub const BRUSH_WIDTHS: std::ops::RangeInclusive<f32> = 0.004..=0.05;
/// The width a painting starts with, metres.
pub const DEFAULT_WIDTH: f32 = 0.008;
/// A calm palette for steps that suggest none: warm sand, rose, lavender, sky, sea-green,
/// pale gold, and a soft white.
pub const CALM_PALETTE: [Rgb; 7] = [
    Rgb([242, 198, 160]),
    Rgb([232, 160, 168]),
    Rgb([184, 168, 216]),
    Rgb([143, 184, 222]),
    Rgb([159, 208, 192]),
    Rgb([244, 228, 168]),
    Rgb([236, 232, 224]),
];

/// What the brush does.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Tool {
    /// Paints light.
    #[default]
    Brush,
    /// Takes away whole strokes it touches.
    Eraser,
}

/// One thing the patient or therapist does to the painting; arrives inside
/// the session's `SessionAction::Paint`.
#[derive(Clone, Debug, PartialEq)]
pub enum PaintAction {
    /// The trigger (or mouse button) went down with the brush tip at `at`.
    Press {
        /// The brush tip, in the world.
        at: Vec3,
        /// Trigger pressure, 0–1 (1 for a mouse).
        pressure: f32,
    },
    /// The brush tip moved while pressed.
    Drag {
        /// The brush tip, in the world.
        at: Vec3,
        /// Trigger pressure, 0–1.
        pressure: f32,
    },
    /// The trigger (or mouse button) was let go.
    Release,
    /// Take back the last change.
    Undo,
    /// Do again what was taken back.
    Redo,
    /// Take everything away (the panel asks first; undo brings it back).
    Clear,
    /// Paint in the palette's colour number `0`, from 0.
    Colour(usize),
    /// Set the brush width, metres (kept within [`BRUSH_WIDTHS`]).
    Width(f32),
    /// A step wider (`true`) or thinner (`false`): an eighth of the range of widths.
    Widen(bool),
    /// Brush or eraser.
    Tool(Tool),
    /// Continue a painting saved earlier, from its artwork file.
    Reopen(std::path::PathBuf),
}

/// One change that undo takes back.
#[derive(Clone, Debug, PartialEq)]
enum Edit {
    Painted(Arc<Stroke>),
    Erased { index: usize, stroke: Arc<Stroke> },
    Cleared(Vec<Arc<Stroke>>),
}

/// Smooths brush samples into evenly spaced stroke points.
#[derive(Clone, Debug, PartialEq)]
struct Smoother {
    at: Vec3,
    pressure: f32,
    last: Vec3,
}

/// The stroke being painted.
#[derive(Clone, Debug, PartialEq)]
struct ActiveStroke {
    serial: u64,
    stroke: Stroke,
    smoother: Smoother,
}

/// The painting of one paint step.
#[derive(Clone, Debug, PartialEq)]
pub struct Canvas {
    artwork: Artwork,
    active: Option<ActiveStroke>,
    undo: Vec<Edit>,
    redo: Vec<Edit>,
    palette: Vec<Rgb>,
    colour: usize,
    width: f32,
    tool: Tool,
    symmetry: Symmetry,
    /// Counts changes to the artwork (finished strokes), for savers and views.
    revision: u64,
    next_serial: u64,
    /// The serial of the stroke that became the last finished one, and that stroke.
    last_finished: Option<(u64, Arc<Stroke>)>,
}

impl Canvas {
    /// An empty canvas with `palette` (the calm palette when empty) and `symmetry`.
    pub fn new(palette: Vec<Rgb>, symmetry: Symmetry) -> Self {
        Self {
            artwork: Artwork::default(),
            active: None,
            undo: Vec::new(),
            redo: Vec::new(),
            palette: if palette.is_empty() {
                CALM_PALETTE.to_vec()
            } else {
                palette
            },
            colour: 0,
            width: DEFAULT_WIDTH,
            tool: Tool::Brush,
            symmetry,
            revision: 0,
            next_serial: 0,
            last_finished: None,
        }
    }

    /// Continues `artwork`: its strokes go beneath anything already painted here, and undo
    /// cannot take them away (nor reach back past the opening).
    pub fn open(&mut self, artwork: Artwork) {
        self.end_stroke();
        self.undo.clear();
        self.redo.clear();
        let painted_here = std::mem::replace(&mut self.artwork, artwork);
        self.artwork.strokes.extend(painted_here.strokes);
        self.revision += 1;
    }

    /// The finished strokes.
    pub fn artwork(&self) -> &Artwork {
        &self.artwork
    }

    /// The stroke being painted, if any, and its serial number (new for each stroke).
    pub fn active(&self) -> Option<(u64, &Stroke)> {
        self.active
            .as_ref()
            .map(|active| (active.serial, &active.stroke))
    }

    /// The last stroke finished and the serial it had while being painted.
    pub fn last_finished(&self) -> Option<(u64, &Arc<Stroke>)> {
        self.last_finished
            .as_ref()
            .map(|(serial, stroke)| (*serial, stroke))
    }

    /// Counts changes to the finished strokes.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// The colours on offer.
    pub fn palette(&self) -> &[Rgb] {
        &self.palette
    }

    /// The colour being painted with, by palette number.
    pub fn colour(&self) -> usize {
        self.colour
    }

    /// The brush width, metres.
    pub fn width(&self) -> f32 {
        self.width
    }

    /// Brush or eraser.
    pub fn tool(&self) -> Tool {
        self.tool
    }

    /// The symmetry new strokes get.
    pub fn symmetry(&self) -> Symmetry {
        self.symmetry
    }

    /// True when there is something undo can take back.
    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    /// True when there is something redo can bring back.
    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    /// Every point, with the one being painted: for saving and the panel.
    pub fn point_count(&self) -> usize {
        self.artwork.point_count()
            + self
                .active
                .as_ref()
                .map_or(0, |active| active.stroke.points.len())
    }

    /// The artwork with the stroke being painted, as it would be saved now.
    pub fn snapshot(&self) -> Artwork {
        let mut artwork = self.artwork.clone();
        if let Some(active) = &self.active
            && active.stroke.points.len() > 1
        {
            artwork.strokes.push(Arc::new(active.stroke.clone()));
        }
        artwork
    }

    /// Applies `action`; `Reopen` is the caller's (it reads a file). Returns false when the
    /// action changed nothing.
    pub fn apply(&mut self, action: &PaintAction) -> bool {
        match action {
            PaintAction::Press { at, pressure } | PaintAction::Drag { at, pressure }
                if !(at.is_finite() && pressure.is_finite()) =>
            {
                false
            }
            PaintAction::Press { at, pressure } => match self.tool {
                Tool::Brush => {
                    self.end_stroke();
                    self.begin_stroke(*at, *pressure);
                    true
                }
                Tool::Eraser => self.erase_near(*at),
            },
            PaintAction::Drag { at, pressure } => match self.tool {
                Tool::Brush => self.extend_stroke(*at, *pressure),
                Tool::Eraser => self.erase_near(*at),
            },
            PaintAction::Release => self.end_stroke(),
            PaintAction::Undo => self.undo(),
            PaintAction::Redo => self.redo(),
            PaintAction::Clear => self.clear(),
            PaintAction::Colour(index) if *index < self.palette.len() => {
                self.colour = *index;
                true
            }
            PaintAction::Colour(_) => false,
            PaintAction::Width(width) if width.is_finite() => {
                self.width = width.clamp(*BRUSH_WIDTHS.start(), *BRUSH_WIDTHS.end());
                true
            }
            PaintAction::Width(_) => false,
            PaintAction::Widen(wider) => {
                let step = (BRUSH_WIDTHS.end() - BRUSH_WIDTHS.start()) / 8.0;
                let width = if *wider {
                    self.width + step
                } else {
                    self.width - step
                };
                self.apply(&PaintAction::Width(width))
            }
            PaintAction::Tool(tool) => {
                self.end_stroke();
                self.tool = *tool;
                true
            }
            PaintAction::Reopen(_) => false,
        }
    }

    fn begin_stroke(&mut self, at: Vec3, pressure: f32) {
        let pressure = pressure.clamp(0.0, 1.0);
        self.next_serial += 1;
        self.active = Some(ActiveStroke {
            serial: self.next_serial,
            stroke: Stroke {
                colour: self.palette[self.colour.min(self.palette.len() - 1)],
                width: self.width,
                symmetry: self.symmetry,
                points: vec![StrokePoint { at, pressure }],
            },
            smoother: Smoother {
                at,
                pressure,
                last: at,
            },
        });
    }

    fn extend_stroke(&mut self, at: Vec3, pressure: f32) -> bool {
        let Some(active) = &mut self.active else {
            // A drag without a press (the press was eaten by a board or the panel).
            self.begin_stroke(at, pressure);
            return true;
        };
        let smoother = &mut active.smoother;
        smoother.at += (at - smoother.at) * SMOOTHING;
        smoother.pressure += (pressure.clamp(0.0, 1.0) - smoother.pressure) * SMOOTHING;
        if smoother.at.distance(smoother.last) < MIN_SPACING {
            return false;
        }
        smoother.last = smoother.at;
        active.stroke.points.push(StrokePoint {
            at: smoother.at,
            pressure: smoother.pressure,
        });
        true
    }

    fn end_stroke(&mut self) -> bool {
        let Some(mut active) = self.active.take() else {
            return false;
        };
        if active.stroke.points.len() == 1 {
            // A tap leaves a small dot.
            let point = active.stroke.points[0];
            active.stroke.points.push(StrokePoint {
                at: point.at + Vec3::X * MIN_SPACING,
                ..point
            });
        }
        let stroke = Arc::new(active.stroke);
        self.artwork.strokes.push(stroke.clone());
        self.last_finished = Some((active.serial, stroke.clone()));
        self.record(Edit::Painted(stroke));
        true
    }

    fn erase_near(&mut self, at: Vec3) -> bool {
        let reach = ERASER_REACH * ERASER_REACH;
        let mut erased = false;
        let mut index = 0;
        while index < self.artwork.strokes.len() {
            let stroke = &self.artwork.strokes[index];
            let touched = stroke.points.iter().any(|point| {
                stroke
                    .symmetry
                    .copies(point.at)
                    .any(|copy| copy.distance_squared(at) <= reach)
            });
            if touched {
                let stroke = self.artwork.strokes.remove(index);
                self.record(Edit::Erased { index, stroke });
                erased = true;
            } else {
                index += 1;
            }
        }
        erased
    }

    fn clear(&mut self) -> bool {
        self.end_stroke();
        if self.artwork.strokes.is_empty() {
            return false;
        }
        let strokes = std::mem::take(&mut self.artwork.strokes);
        self.record(Edit::Cleared(strokes));
        true
    }

    fn record(&mut self, edit: Edit) {
        self.undo.push(edit);
        self.redo.clear();
        self.revision += 1;
    }

    fn undo(&mut self) -> bool {
        self.end_stroke();
        let Some(edit) = self.undo.pop() else {
            return false;
        };
        match &edit {
            Edit::Painted(_) => {
                self.artwork.strokes.pop();
            }
            Edit::Erased { index, stroke } => {
                let index = (*index).min(self.artwork.strokes.len());
                self.artwork.strokes.insert(index, stroke.clone());
            }
            Edit::Cleared(strokes) => self.artwork.strokes.clone_from(strokes),
        }
        self.redo.push(edit);
        self.revision += 1;
        true
    }

    fn redo(&mut self) -> bool {
        self.end_stroke();
        let Some(edit) = self.redo.pop() else {
            return false;
        };
        match &edit {
            Edit::Painted(stroke) => self.artwork.strokes.push(stroke.clone()),
            Edit::Erased { index, .. } => {
                if *index < self.artwork.strokes.len() {
                    self.artwork.strokes.remove(*index);
                }
            }
            Edit::Cleared(_) => self.artwork.strokes.clear(),
        }
        self.undo.push(edit);
        self.revision += 1;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::artwork::model::CANVAS_CENTRE;

    fn canvas() -> Canvas {
        Canvas::new(Vec::new(), Symmetry::NONE)
    }

    /// Paints a stroke along `points` (press, drags, release).
    fn paint(canvas: &mut Canvas, points: impl IntoIterator<Item = Vec3>) {
        let mut points = points.into_iter();
        let Some(first) = points.next() else { return };
        canvas.apply(&PaintAction::Press {
            at: first,
            pressure: 1.0,
        });
        for at in points {
            canvas.apply(&PaintAction::Drag { at, pressure: 1.0 });
        }
        canvas.apply(&PaintAction::Release);
    }

    fn line(from: Vec3, to: Vec3, samples: usize) -> impl Iterator<Item = Vec3> {
        (0..samples).map(move |i| from.lerp(to, i as f32 / (samples - 1) as f32))
    }

    #[test]
    fn smoothing_calms_a_shaky_hand_and_spaces_points_evenly() {
        let mut canvas = canvas();
        // A line across the canvas with 3 mm of jitter at every sample.
        let shaky = (0..400).map(|i| {
            let along = CANVAS_CENTRE + Vec3::X * (i as f32 * 0.001);
            let jitter = if i % 2 == 0 { 0.003 } else { -0.003 };
            along + Vec3::Y * jitter
        });
        paint(&mut canvas, shaky);
        let stroke = &canvas.artwork().strokes[0];
        let wobble = |points: &[StrokePoint]| {
            points
                .iter()
                .map(|point| (point.at.y - CANVAS_CENTRE.y).abs())
                .fold(0.0f32, f32::max)
        };
        assert!(stroke.points.len() > 50, "{} points", stroke.points.len());
        assert!(
            wobble(&stroke.points[5..]) < 0.0012,
            "3 mm of shake is smoothed to {} m",
            wobble(&stroke.points[5..])
        );
        for pair in stroke.points.windows(2) {
            assert!(pair[0].at.distance(pair[1].at) >= MIN_SPACING * 0.999);
        }
        let reach = stroke
            .points
            .last()
            .map(|point| point.at.x - CANVAS_CENTRE.x);
        assert!(
            reach.is_some_and(|x| x > 0.38),
            "the stroke follows the hand: {reach:?}"
        );
    }

    #[test]
    fn undo_and_redo_walk_back_and_forth_through_painting_erasing_and_clearing() {
        let mut canvas = canvas();
        let left = CANVAS_CENTRE - Vec3::X * 0.2;
        let right = CANVAS_CENTRE + Vec3::X * 0.2;
        paint(&mut canvas, line(left, left + Vec3::Y * 0.1, 60));
        canvas.apply(&PaintAction::Colour(3));
        paint(&mut canvas, line(right, right + Vec3::Y * 0.1, 60));
        assert_eq!(canvas.artwork().strokes.len(), 2);
        assert_eq!(canvas.artwork().strokes[1].colour, CALM_PALETTE[3]);
        let two = canvas.artwork().clone();

        canvas.apply(&PaintAction::Tool(Tool::Eraser));
        assert!(canvas.apply(&PaintAction::Press {
            at: left + Vec3::Y * 0.05,
            pressure: 1.0
        }));
        canvas.apply(&PaintAction::Release);
        assert_eq!(
            canvas.artwork().strokes.len(),
            1,
            "the eraser took the left stroke"
        );
        assert_eq!(canvas.artwork().strokes[0].colour, CALM_PALETTE[3]);

        assert!(canvas.apply(&PaintAction::Clear));
        assert!(canvas.artwork().strokes.is_empty());
        assert!(
            canvas.apply(&PaintAction::Undo),
            "undo brings back what was cleared"
        );
        assert_eq!(canvas.artwork().strokes.len(), 1);
        assert!(
            canvas.apply(&PaintAction::Undo),
            "undo brings back what was erased"
        );
        assert_eq!(canvas.artwork(), &two, "in its old place");
        assert!(canvas.apply(&PaintAction::Undo));
        assert!(canvas.apply(&PaintAction::Undo));
        assert!(canvas.artwork().strokes.is_empty());
        assert!(!canvas.apply(&PaintAction::Undo), "nothing more to undo");
        for _ in 0..2 {
            assert!(canvas.apply(&PaintAction::Redo));
        }
        assert_eq!(canvas.artwork(), &two);
        assert!(canvas.apply(&PaintAction::Redo) && canvas.apply(&PaintAction::Redo));
        assert!(canvas.artwork().strokes.is_empty(), "erase and clear again");
        assert!(!canvas.can_redo());
        canvas.apply(&PaintAction::Undo);
        canvas.apply(&PaintAction::Tool(Tool::Brush));
        paint(&mut canvas, line(left, right, 80));
        assert!(!canvas.can_redo(), "a new stroke ends the redo trail");
    }

    #[test]
    fn strokes_keep_the_symmetry_and_the_eraser_reaches_their_copies() {
        let mut canvas = Canvas::new(vec![Rgb([1, 2, 3])], Symmetry::new(6));
        let start = CANVAS_CENTRE + Vec3::X * 0.25;
        paint(&mut canvas, line(start, start + Vec3::Y * 0.05, 30));
        assert_eq!(canvas.artwork().strokes[0].symmetry.folds(), 6);
        assert_eq!(canvas.artwork().strokes[0].colour, Rgb([1, 2, 3]));
        // The copy on the opposite side, turned half way round.
        canvas.apply(&PaintAction::Tool(Tool::Eraser));
        let opposite = CANVAS_CENTRE - Vec3::X * 0.25;
        assert!(canvas.apply(&PaintAction::Press {
            at: opposite,
            pressure: 1.0
        }));
        assert!(canvas.artwork().strokes.is_empty());
    }

    #[test]
    fn reopened_strokes_stay_and_bad_numbers_are_ignored() {
        let mut old = canvas();
        paint(
            &mut old,
            line(CANVAS_CENTRE, CANVAS_CENTRE + Vec3::Y * 0.1, 40),
        );
        let mut canvas = canvas();
        paint(
            &mut canvas,
            line(CANVAS_CENTRE, CANVAS_CENTRE + Vec3::X * 0.1, 40),
        );
        let here = canvas.artwork().strokes[0].clone();
        canvas.open(old.artwork().clone());
        assert!(
            !canvas.apply(&PaintAction::Undo),
            "undo does not reach into the old painting"
        );
        assert_eq!(canvas.artwork().strokes.len(), 2);
        assert_eq!(
            canvas.artwork().strokes[0],
            old.artwork().strokes[0],
            "beneath"
        );
        assert_eq!(
            canvas.artwork().strokes[1],
            here,
            "what was painted here stays"
        );
        assert!(!canvas.apply(&PaintAction::Press {
            at: Vec3::NAN,
            pressure: 1.0
        }));
        assert!(!canvas.apply(&PaintAction::Colour(99)));
        canvas.apply(&PaintAction::Width(9.0));
        assert_eq!(canvas.width(), *BRUSH_WIDTHS.end());
        canvas.apply(&PaintAction::Widen(false));
        assert!(canvas.width() < *BRUSH_WIDTHS.end());
        // A tap is a dot.
        paint(&mut canvas, [CANVAS_CENTRE]);
        assert_eq!(canvas.artwork().strokes.len(), 3);
        assert_eq!(canvas.artwork().strokes[2].points.len(), 2);
    }
}
