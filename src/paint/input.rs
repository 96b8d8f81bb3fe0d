//! The brush: where each pointer's tip is, and the trigger (or mouse button) turned into
//! [`PaintAction`]s on the one session action path. A controller paints just ahead of the
//! hand, with the trigger's pull as pressure; the mouse paints on an upright canvas plane in
//! front of the patient. A pointer resting on the paint board chooses there instead.

use bevy::prelude::*;

use crate::AppSystems;
use crate::artwork::PaintAction;
use crate::artwork::model::CANVAS_CENTRE;
use crate::pointing::{PointerRay, PointerRays, Reach, ShownBoard, cell_at};
use crate::session::{SessionAction, SessionRuntime, SessionState};
use crate::viewpoint::Stage;

/// How far ahead of a controller its brush tip is, metres.
pub const TIP_AHEAD: f32 = 0.07;
/// A trigger pulled less than this does not paint.
pub const PRESS_THRESHOLD: f32 = 0.08;

/// Where each pointer's brush tip is this frame (for the tip lights).
#[derive(Resource, Debug, Default, Clone, PartialEq)]
pub struct BrushTips(pub Vec<Vec3>);

/// Turns pointers into brush strokes.
pub fn plugin(app: &mut App) {
    app.init_resource::<BrushTips>().add_systems(
        Update,
        brush_from_pointers
            .in_set(AppSystems::Input)
            .before(crate::pointing::choose),
    );
}

/// The brush tip of `pointer`, if it has one.
pub fn tip_of(pointer: &PointerRay) -> Option<Vec3> {
    match pointer.reach {
        Reach::Hand => Some(pointer.ray.get_point(TIP_AHEAD)),
        Reach::Screen => {
            let plane = InfinitePlane3d::new(Vec3::Z);
            let distance = pointer.ray.intersect_plane(CANVAS_CENTRE, plane)?;
            Some(pointer.ray.get_point(distance))
        }
        Reach::Gaze => None,
    }
}

/// What the brush does this frame, given whether it was down and where the pressing
/// pointer's tip is (with its pressure), if any pointer presses.
pub fn brush_action(was_down: bool, pressing: Option<(Vec3, f32)>) -> Option<PaintAction> {
    match (was_down, pressing) {
        (false, Some((at, pressure))) => Some(PaintAction::Press { at, pressure }),
        (true, Some((at, pressure))) => Some(PaintAction::Drag { at, pressure }),
        (true, None) => Some(PaintAction::Release),
        (false, None) => None,
    }
}

fn brush_from_pointers(
    runtime: Res<SessionRuntime>,
    rays: Res<PointerRays>,
    board: Res<ShownBoard>,
    stage: Res<Stage>,
    mut tips: ResMut<BrushTips>,
    mut down: Local<bool>,
    mut actions: MessageWriter<SessionAction>,
) {
    let painting = runtime.painting().is_some() && runtime.state() == SessionState::Running;
    if !painting {
        tips.0.clear();
        if *down {
            *down = false;
            actions.write(SessionAction::Paint(PaintAction::Release));
        }
        return;
    }
    let mut shown_tips = Vec::new();
    let mut pressing = None;
    for pointer in &rays.0 {
        let on_board = board
            .0
            .as_ref()
            .is_some_and(|board| cell_at(board, &stage, pointer.ray).is_some());
        let Some(tip) = tip_of(pointer) else { continue };
        if on_board && !*down {
            continue;
        }
        shown_tips.push(tip);
        if pressing.is_none() && pointer.pressure >= PRESS_THRESHOLD {
            pressing = Some((tip, pointer.pressure));
        }
    }
    if tips.0 != shown_tips {
        tips.0 = shown_tips;
    }
    if let Some(action) = brush_action(*down, pressing) {
        *down = pressing.is_some();
        actions.write(SessionAction::Paint(action));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mouse_paints_on_the_canvas_plane_and_a_controller_just_ahead() {
        let eye = Vec3::new(0.0, 1.2, 0.0);
        let mouse = PointerRay {
            ray: Ray3d::new(eye, Dir3::new_unchecked((CANVAS_CENTRE - eye).normalize())),
            select: false,
            pressure: 1.0,
            reach: Reach::Screen,
        };
        let tip = tip_of(&mouse).expect("the ray meets the canvas");
        assert!(tip.distance(CANVAS_CENTRE) < 1e-5);
        let hand = PointerRay {
            reach: Reach::Hand,
            ray: Ray3d::new(Vec3::new(0.2, 1.0, -0.3), Dir3::NEG_Z),
            ..mouse
        };
        assert_eq!(tip_of(&hand), Some(Vec3::new(0.2, 1.0, -0.3 - TIP_AHEAD)));
        let gaze = PointerRay {
            reach: Reach::Gaze,
            ..mouse
        };
        assert_eq!(tip_of(&gaze), None);
        let away = PointerRay {
            ray: Ray3d::new(eye, Dir3::Z),
            ..mouse
        };
        assert_eq!(tip_of(&away), None, "looking away from the canvas");
    }

    #[test]
    fn pressing_dragging_and_letting_go_make_one_stroke() {
        let at = Vec3::ONE;
        assert_eq!(
            brush_action(false, Some((at, 0.5))),
            Some(PaintAction::Press { at, pressure: 0.5 })
        );
        assert_eq!(
            brush_action(true, Some((at, 0.7))),
            Some(PaintAction::Drag { at, pressure: 0.7 })
        );
        assert_eq!(brush_action(true, None), Some(PaintAction::Release));
        assert_eq!(brush_action(false, None), None);
    }
}
