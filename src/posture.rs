//! Where the words and choices go for a patient who sits, reclines or lies down. Seated, they
//! stand as the scenes are composed: the caption ahead at eye height, the pacer and the board
//! of choices below it. Reclined or lying, recentring takes the head's resting gaze (its pitch;
//! yaw is the headset rig's, roll is ignored) and turns the [`Stage`] about the eye point so
//! that the caption, the pacer and the boards are centred [`BELOW_GAZE_DEG`] below that gaze.
//! The scene is never turned: the horizon stays a horizon. The stage glides to its new place
//! over [`GLIDE_SECS`], never a snap, and is fixed in the world afterwards, never moving with
//! the head. [`placement_problems`] is the comfort guard's check of a placement.

use bevy::prelude::*;

use crate::AppSystems;
use crate::easing::ease;
use crate::pointing::{BOARD_CENTRE, BOARD_SIZE};
use crate::requests::RecentreRequest;
use crate::script::Posture;
use crate::session::SessionRuntime;
use crate::viewpoint::{EYE, PatientCamera, PatientHead, Stage};
use crate::visuals::breathing::{ORB_POSITION, ORB_RADIUS};
use crate::visuals::caption::{PANEL_POSITION, PANEL_SIZE};

/// How far below the resting gaze the readable things are centred, degrees.
pub const BELOW_GAZE_DEG: f32 = 10.0;
/// The farthest any readable thing's centre may be from the resting gaze, degrees.
pub const CENTRE_LIMIT_DEG: f32 = 30.0;
/// The farthest any edge of a readable thing may be from the resting gaze, degrees.
pub const EDGE_LIMIT_DEG: f32 = 35.0;
/// How long the stage takes to glide to a new place, seconds.
pub const GLIDE_SECS: f32 = 2.0;
/// The resting gazes a reclined or lying patient is placed for, degrees above level.
const RECLINED_GAZE_DEG: std::ops::RangeInclusive<f32> = 0.0..=90.0;

/// Something the patient reads or chooses, as the seated layout places it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Readable {
    /// What it is.
    pub what: &'static str,
    /// Its centre.
    pub centre: Vec3,
    /// Its half height, metres (the orb at its fullest, with its glow).
    pub half_height: f32,
}

/// The caption, the breathing pacer and the board of choices (check-ins, intentions, the
/// paint tools), where the seated layout has them.
pub fn readables() -> [Readable; 3] {
    [
        Readable {
            what: "the caption",
            centre: PANEL_POSITION,
            half_height: PANEL_SIZE.y / 2.0,
        },
        Readable {
            what: "the breathing pacer",
            centre: ORB_POSITION,
            half_height: ORB_RADIUS.1,
        },
        Readable {
            what: "the board of choices",
            centre: BOARD_CENTRE,
            half_height: BOARD_SIZE.y / 2.0,
        },
    ]
}

/// How far above level a direction points, radians.
fn pitch_of(direction: Vec3) -> f32 {
    direction.normalize_or_zero().y.clamp(-1.0, 1.0).asin()
}

/// How far above level a point is seen from the eye point, radians.
fn elevation(point: Vec3) -> f32 {
    pitch_of(point - EYE)
}

/// The elevation of the middle of the readable things in the seated layout, radians: midway
/// between the highest and the lowest centre.
pub fn layout_middle() -> f32 {
    let elevations = readables().map(|readable| elevation(readable.centre));
    let highest = elevations.iter().copied().fold(f32::MIN, f32::max);
    let lowest = elevations.iter().copied().fold(f32::MAX, f32::min);
    (highest + lowest) / 2.0
}

/// The stage's turn for a posture and a resting gaze (radians above level): none when
/// seated; otherwise the readable things' middle goes [`BELOW_GAZE_DEG`] below the gaze.
pub fn stage_for(posture: Posture, gaze_pitch: f32) -> Stage {
    let pitch = match posture {
        Posture::Seated => 0.0,
        Posture::Reclined | Posture::Lying => {
            let gaze = gaze_pitch
                .to_degrees()
                .clamp(*RECLINED_GAZE_DEG.start(), *RECLINED_GAZE_DEG.end());
            (gaze - BELOW_GAZE_DEG).to_radians() - layout_middle()
        }
    };
    Stage { pitch }
}

/// What is wrong with a placement, seen along a resting gaze `gaze_pitch` (radians above
/// level, looking down the scene): a readable thing whose centre is more than
/// [`CENTRE_LIMIT_DEG`] or whose edge is more than [`EDGE_LIMIT_DEG`] from the gaze, or one
/// behind or below the head. Empty when the placement is comfortable.
pub fn placement_problems(stage: &Stage, gaze_pitch: f32) -> Vec<String> {
    let gaze = Vec3::new(0.0, gaze_pitch.sin(), -gaze_pitch.cos());
    let mut problems = Vec::new();
    for readable in readables() {
        let centre = stage.place(readable.centre) - EYE;
        let off = |point: Vec3| {
            point
                .normalize_or_zero()
                .dot(gaze)
                .clamp(-1.0, 1.0)
                .acos()
                .to_degrees()
        };
        // The edges, above and below the centre across the line of sight.
        let across = stage.transform().rotation * Vec3::Y * readable.half_height;
        let edge = off(centre + across).max(off(centre - across));
        if off(centre) > CENTRE_LIMIT_DEG {
            problems.push(format!(
                "{} is {:.0}° from the resting gaze (at most {CENTRE_LIMIT_DEG}°)",
                readable.what,
                off(centre).ceil()
            ));
        }
        if edge > EDGE_LIMIT_DEG {
            problems.push(format!(
                "an edge of {} is {:.0}° from the resting gaze (at most {EDGE_LIMIT_DEG}°)",
                readable.what,
                edge.ceil()
            ));
        }
        if centre.normalize_or_zero().dot(gaze) < 0.0 {
            problems.push(format!("{} is behind the head", readable.what));
        }
        if centre.normalize_or_zero().y < -(60f32.to_radians().sin()) {
            problems.push(format!("{} is below the head", readable.what));
        }
    }
    problems
}

/// What the comfort guard found at the last placement: empty when everything the patient
/// reads is near their gaze. The panel shows it.
#[derive(Resource, Debug, Clone, Default, PartialEq)]
pub struct PlacementComfort(pub Vec<String>);

/// The stage on its way to a new place (on real time, as the fades: a picture of a moment
/// waits for it).
#[derive(Resource, Debug, Clone, Copy, PartialEq)]
pub struct Glide {
    from: f32,
    to: f32,
    secs: f32,
}

impl Default for Glide {
    fn default() -> Self {
        Self {
            from: 0.0,
            to: 0.0,
            secs: GLIDE_SECS,
        }
    }
}

impl Glide {
    /// Whether the stage is where it was sent.
    pub fn is_settled(&self) -> bool {
        self.secs >= GLIDE_SECS
    }
}

/// Places the words and choices for the patient's posture.
pub fn plugin(app: &mut App) {
    app.init_resource::<Glide>()
        .init_resource::<PlacementComfort>()
        .add_systems(
            Update,
            (recentre_on_a_new_posture, place_along_the_gaze, glide)
                .chain()
                .in_set(AppSystems::Present),
        );
}

/// A new posture (from the script at start, or the panel) places the content again.
fn recentre_on_a_new_posture(
    runtime: Res<SessionRuntime>,
    mut known: Local<Option<Posture>>,
    mut recentre: MessageWriter<RecentreRequest>,
) {
    let posture = runtime.posture();
    if *known != Some(posture) {
        *known = Some(posture);
        recentre.write(RecentreRequest);
    }
}

/// On recentring, takes the resting gaze (the headset's, else the desktop view's) and sends
/// the stage gliding to where the posture puts it.
fn place_along_the_gaze(
    mut requests: MessageReader<RecentreRequest>,
    runtime: Res<SessionRuntime>,
    heads: Query<&GlobalTransform, With<PatientHead>>,
    cameras: Query<&Transform, With<PatientCamera>>,
    stage: Res<Stage>,
    mut glide: ResMut<Glide>,
    mut comfort: ResMut<PlacementComfort>,
) {
    if requests.read().count() == 0 {
        return;
    }
    let forward = match heads.iter().next() {
        Some(head) => head.forward().as_vec3(),
        None => match cameras.iter().next() {
            Some(camera) => camera.forward().as_vec3(),
            None => return,
        },
    };
    let gaze_pitch = pitch_of(forward);
    let posture = runtime.posture();
    let target = stage_for(posture, gaze_pitch);
    let problems = placement_problems(&target, gaze_pitch);
    for problem in &problems {
        warn!("comfort: {problem}");
    }
    comfort.set_if_neq(PlacementComfort(problems));
    info!(
        "posture {}: the words and choices follow a gaze {:.0}° above level, turned {:.0}°",
        posture.label(),
        gaze_pitch.to_degrees(),
        target.pitch.to_degrees()
    );
    *glide = Glide {
        from: stage.pitch,
        to: target.pitch,
        secs: 0.0,
    };
}

/// Moves the stage softly along its glide.
fn glide(time: Res<Time<Real>>, mut glide: ResMut<Glide>, mut stage: ResMut<Stage>) {
    if glide.is_settled() {
        return;
    }
    glide.secs = (glide.secs + time.delta_secs()).min(GLIDE_SECS);
    let pitch = glide.from + (glide.to - glide.from) * ease(glide.secs / GLIDE_SECS);
    if stage.pitch != pitch {
        stage.pitch = pitch;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn readable_offsets(stage: &Stage, gaze_deg: f32) -> Vec<f32> {
        let gaze = Vec3::new(
            0.0,
            gaze_deg.to_radians().sin(),
            -gaze_deg.to_radians().cos(),
        );
        readables()
            .iter()
            .map(|readable| {
                let towards = (stage.place(readable.centre) - EYE).normalize();
                let angle = towards.dot(gaze).clamp(-1.0, 1.0).acos().to_degrees();
                if towards.y < gaze.y { -angle } else { angle }
            })
            .collect()
    }

    #[test]
    fn reclined_and_lying_content_is_centred_below_the_gaze_at_every_pitch() {
        for posture in [Posture::Reclined, Posture::Lying] {
            for gaze_deg in (0..=90).step_by(5).map(|deg| deg as f32) {
                let stage = stage_for(posture, gaze_deg.to_radians());
                let offsets = readable_offsets(&stage, gaze_deg);
                let highest = offsets.iter().copied().fold(f32::MIN, f32::max);
                let lowest = offsets.iter().copied().fold(f32::MAX, f32::min);
                let middle = (highest + lowest) / 2.0;
                assert!(
                    (-15.0..=-10.0 + 1e-3).contains(&middle),
                    "{posture:?} at {gaze_deg}°: the middle is {middle}° from the gaze"
                );
                assert!(
                    offsets
                        .iter()
                        .all(|offset| offset.abs() <= CENTRE_LIMIT_DEG),
                    "{posture:?} at {gaze_deg}°: {offsets:?}"
                );
                assert_eq!(
                    placement_problems(&stage, gaze_deg.to_radians()),
                    Vec::<String>::new(),
                    "{posture:?} at {gaze_deg}°"
                );
            }
        }
    }

    #[test]
    fn the_scene_stays_level_and_only_the_stage_turns() {
        let stage = stage_for(Posture::Lying, 85f32.to_radians());
        // A turn about the level axis through the eye: no roll, no yaw.
        let rotation = stage.transform().rotation;
        assert!((rotation * Vec3::X).abs_diff_eq(Vec3::X, 1e-6));
        // Lying, the caption is high overhead, against the sky.
        let caption = stage.place(PANEL_POSITION) - EYE;
        assert!(caption.y > 1.9, "{caption}");
    }

    #[test]
    fn seated_keeps_the_composed_layout_and_a_gaze_beyond_the_limits_is_held_to_them() {
        assert_eq!(
            stage_for(Posture::Seated, 40f32.to_radians()),
            Stage::default()
        );
        assert_eq!(
            placement_problems(&Stage::default(), 0.0),
            Vec::<String>::new()
        );
        // Looking back over the head is placed as looking straight up.
        assert_eq!(
            stage_for(Posture::Lying, 120f32.to_radians()),
            stage_for(Posture::Lying, 90f32.to_radians())
        );
    }

    #[test]
    fn the_guard_names_content_too_far_from_the_gaze_or_below_the_head() {
        // The seated layout for a patient lying flat: everything far below their gaze.
        let problems = placement_problems(&Stage::default(), 85f32.to_radians());
        assert!(
            problems
                .iter()
                .any(|problem| problem.starts_with("the caption is")
                    && problem.contains("from the resting gaze")),
            "{problems:?}"
        );
        // Turned down far: the board sinks below the head.
        let sunk = Stage {
            pitch: -70f32.to_radians(),
        };
        let problems = placement_problems(&sunk, 0.0);
        assert!(
            problems.contains(&"the board of choices is below the head".to_owned()),
            "{problems:?}"
        );
    }
}
