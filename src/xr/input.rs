//! The patient's hands in the headset: OpenXR actions bound for the common controllers, a
//! soft laser pointer from each controller, the trigger to choose, a long squeeze to
//! recentre, and a hand-tracking pinch that chooses what the patient is looking at. Every
//! input ends as a pointer ray for [`crate::pointing`], which turns it into the one
//! [`crate::session::SessionAction`] path.

use std::time::Duration;

use bevy::prelude::*;
use bevy_mod_openxr::action_binding::{OxrSendActionBindings, OxrSuggestActionBinding};
use bevy_mod_openxr::action_set_attaching::OxrAttachActionSet;
use bevy_mod_openxr::action_set_syncing::{OxrActionSetSyncSet, OxrSyncActionSet};
use bevy_mod_openxr::openxr_session_running;
use bevy_mod_openxr::resources::OxrInstance;
use bevy_mod_openxr::session::OxrSession;
use bevy_mod_xr::hands::{HandBone, LeftHand, XrHandBoneRadius};
use bevy_mod_xr::session::{XrPreDestroySession, XrSessionCreated};
use bevy_mod_xr::spaces::{XrSpace, XrSpaceLocationFlags};

use crate::AppSystems;
use crate::pointing::{GazeSource, PointerRay, PointerRays, Reach};
use crate::requests::RecentreRequest;

/// How long a squeeze is held to recentre the view.
pub const RECENTRE_HOLD: Duration = Duration::from_millis(1500);
/// Finger tips closer than this (beyond their radii), metres, are a pinch.
const PINCH_GAP: f32 = 0.012;

/// Which hand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// Left.
    Left,
    /// Right.
    Right,
}

/// One controller binding table row: the interaction profile and the component paths (under
/// `/user/hand/<side>/`) for choosing and for squeezing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProfileBindings {
    /// The OpenXR interaction profile.
    pub profile: &'static str,
    /// Choose (trigger).
    pub select: &'static str,
    /// Squeeze (grip); held long, it recentres.
    pub squeeze: &'static str,
    /// How far the trigger is pulled, 0–1: the brush's pressure.
    pub pressure: &'static str,
}

/// The controllers Stillpoint knows: Khronos simple, Oculus Touch, Valve Index, HTC Vive and
/// Pico 4. The aim pose is `input/aim/pose` on all of them.
pub const PROFILES: [ProfileBindings; 5] = [
    ProfileBindings {
        profile: "/interaction_profiles/khr/simple_controller",
        select: "input/select/click",
        squeeze: "input/menu/click",
        pressure: "input/select/click",
    },
    ProfileBindings {
        profile: "/interaction_profiles/oculus/touch_controller",
        select: "input/trigger/value",
        squeeze: "input/squeeze/value",
        pressure: "input/trigger/value",
    },
    ProfileBindings {
        profile: "/interaction_profiles/valve/index_controller",
        select: "input/trigger/click",
        squeeze: "input/squeeze/value",
        pressure: "input/trigger/value",
    },
    ProfileBindings {
        profile: "/interaction_profiles/htc/vive_controller",
        select: "input/trigger/click",
        squeeze: "input/squeeze/click",
        pressure: "input/trigger/value",
    },
    ProfileBindings {
        profile: "/interaction_profiles/bytedance/pico4_controller",
        select: "input/trigger/value",
        squeeze: "input/squeeze/value",
        pressure: "input/trigger/value",
    },
];

/// The path of a component on both hands, e.g. `/user/hand/left/input/aim/pose`.
pub fn both_hands(component: &str) -> [String; 2] {
    ["left", "right"].map(|hand| format!("/user/hand/{hand}/{component}"))
}

/// The OpenXR actions.
#[derive(Resource)]
struct Actions {
    set: openxr::ActionSet,
    select: openxr::Action<bool>,
    squeeze: openxr::Action<bool>,
    pressure: openxr::Action<f32>,
    aim: openxr::Action<openxr::Posef>,
    hands: [openxr::Path; 2],
}

/// A controller's aim pose, followed by an OpenXR action space.
#[derive(Component, Debug, Clone, Copy)]
struct Aim(Side);

/// How long each hand's squeeze has been held, and whether it already recentred.
#[derive(Resource, Debug, Default)]
struct Squeezes([(Duration, bool); 2]);

/// Whether each hand was pinching last frame.
#[derive(Resource, Debug, Default)]
struct Pinches([bool; 2]);

/// Binds the controllers and turns their input into pointer rays.
pub fn plugin(app: &mut App) {
    app.init_resource::<Squeezes>()
        .init_resource::<Pinches>()
        .add_systems(OxrSendActionBindings, suggest_bindings)
        .add_systems(
            XrSessionCreated,
            (create_actions, (attach_actions, spawn_aims)).chain(),
        )
        .add_systems(XrPreDestroySession, forget_actions)
        .add_systems(
            PreUpdate,
            sync_actions
                .before(OxrActionSetSyncSet)
                .run_if(openxr_session_running),
        )
        .add_systems(
            Update,
            (controller_rays.run_if(openxr_session_running), pinch_rays)
                .in_set(AppSystems::Input)
                .before(crate::pointing::choose),
        );
}

/// The actions belong to the instance: they are made with each session (a runtime that
/// comes back has a new instance) and go with it.
fn create_actions(instance: Res<OxrInstance>, mut commands: Commands) {
    let created = (|| -> openxr::Result<Actions> {
        let hands = [
            instance.string_to_path("/user/hand/left")?,
            instance.string_to_path("/user/hand/right")?,
        ];
        let set = instance.create_action_set("stillpoint", "Stillpoint", 0)?;
        Ok(Actions {
            select: set.create_action("choose", "Choose", &hands)?,
            squeeze: set.create_action("squeeze", "Squeeze (hold to recentre)", &hands)?,
            pressure: set.create_action("brush_pressure", "Brush pressure", &hands)?,
            aim: set.create_action("aim", "Pointer", &hands)?,
            set,
            hands,
        })
    })();
    match created {
        Ok(actions) => commands.insert_resource(actions),
        Err(error) => warn!("xr: controllers are not available ({error}); gaze dwell still works"),
    }
}

fn suggest_bindings(
    actions: Option<Res<Actions>>,
    mut bindings: MessageWriter<OxrSuggestActionBinding>,
) {
    let Some(actions) = actions else { return };
    for row in PROFILES {
        for (action, component) in [
            (actions.select.as_raw(), row.select),
            (actions.squeeze.as_raw(), row.squeeze),
            (actions.pressure.as_raw(), row.pressure),
            (actions.aim.as_raw(), "input/aim/pose"),
        ] {
            bindings.write(OxrSuggestActionBinding {
                action,
                interaction_profile: row.profile.into(),
                bindings: both_hands(component).map(Into::into).into(),
            });
        }
    }
}

fn attach_actions(actions: Option<Res<Actions>>, mut attach: MessageWriter<OxrAttachActionSet>) {
    if let Some(actions) = actions {
        attach.write(OxrAttachActionSet(actions.set.clone()));
    }
}

fn sync_actions(actions: Option<Res<Actions>>, mut sync: MessageWriter<OxrSyncActionSet>) {
    if let Some(actions) = actions {
        sync.write(OxrSyncActionSet(actions.set.clone()));
    }
}

fn spawn_aims(
    actions: Option<Res<Actions>>,
    session: Option<Res<OxrSession>>,
    mut commands: Commands,
) {
    let (Some(actions), Some(session)) = (actions, session) else {
        return;
    };
    for (side, hand) in [Side::Left, Side::Right].into_iter().zip(actions.hands) {
        match session.create_action_space(&actions.aim, hand, Isometry3d::IDENTITY) {
            Ok(space) => {
                commands.spawn((Name::new(format!("{side:?} pointer")), space, Aim(side)));
            }
            Err(error) => warn!("xr: no {side:?} pointer ({error})"),
        }
    }
}

fn forget_actions(aims: Query<Entity, With<Aim>>, mut commands: Commands) {
    for aim in &aims {
        commands.entity(aim).despawn();
    }
    commands.remove_resource::<Actions>();
}

/// Each tracked controller points along its aim; the trigger chooses; a long squeeze
/// recentres.
fn controller_rays(
    actions: Option<Res<Actions>>,
    session: Res<OxrSession>,
    time: Res<Time>,
    aims: Query<(&Aim, &GlobalTransform, &XrSpaceLocationFlags), With<XrSpace>>,
    mut squeezes: ResMut<Squeezes>,
    mut rays: ResMut<PointerRays>,
    mut recentre: MessageWriter<RecentreRequest>,
) {
    let Some(actions) = actions else { return };
    for (index, hand) in actions.hands.iter().enumerate() {
        let squeezed = actions
            .squeeze
            .state(&session, *hand)
            .is_ok_and(|state| state.is_active && state.current_state);
        let (held, done) = &mut squeezes.0[index];
        *held = if squeezed {
            *held + time.delta()
        } else {
            Duration::ZERO
        };
        if !squeezed {
            *done = false;
        } else if *held >= RECENTRE_HOLD && !*done {
            *done = true;
            recentre.write(RecentreRequest);
        }
    }
    for (Aim(side), pose, flags) in &aims {
        if !(flags.position_tracked && flags.rotation_tracked) {
            continue;
        }
        let hand = actions.hands[usize::from(*side == Side::Right)];
        let select = actions.select.state(&session, hand).is_ok_and(|state| {
            state.is_active && state.current_state && state.changed_since_last_sync
        });
        let pressure = actions
            .pressure
            .state(&session, hand)
            .ok()
            .filter(|state| state.is_active)
            .map_or(0.0, |state| state.current_state.clamp(0.0, 1.0));
        rays.0.push(PointerRay {
            ray: Ray3d::new(pose.translation(), pose.forward()),
            select,
            pressure,
            reach: Reach::Hand,
        });
    }
}

/// With hand tracking, pinching thumb and index chooses what the patient is looking at.
fn pinch_rays(
    bones: Query<(
        &HandBone,
        &GlobalTransform,
        &XrHandBoneRadius,
        &XrSpaceLocationFlags,
        Has<LeftHand>,
    )>,
    gazes: Query<&GlobalTransform, With<GazeSource>>,
    mut pinches: ResMut<Pinches>,
    mut rays: ResMut<PointerRays>,
) {
    let mut tips: [[Option<(Vec3, f32)>; 2]; 2] = Default::default();
    for (bone, pose, radius, flags, left) in &bones {
        let finger = match bone {
            HandBone::ThumbTip => 0,
            HandBone::IndexTip => 1,
            _ => continue,
        };
        if flags.position_tracked {
            tips[usize::from(!left)][finger] = Some((pose.translation(), radius.0));
        }
    }
    let Some(gaze) = gazes.iter().next() else {
        return;
    };
    for (hand, [thumb, index]) in tips.into_iter().enumerate() {
        let pinching = match (thumb, index) {
            (Some((a, ra)), Some((b, rb))) => is_pinch(a, ra, b, rb),
            _ => false,
        };
        if pinching && !pinches.0[hand] {
            rays.0.push(PointerRay {
                ray: Ray3d::new(gaze.translation(), gaze.forward()),
                select: true,
                pressure: 0.0,
                reach: Reach::Gaze,
            });
        }
        pinches.0[hand] = pinching;
    }
}

/// Whether two finger tips (centres and radii) touch.
pub fn is_pinch(a: Vec3, radius_a: f32, b: Vec3, radius_b: f32) -> bool {
    a.distance(b) - radius_a - radius_b < PINCH_GAP
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_profile_binds_choose_and_squeeze_on_both_hands() {
        for row in PROFILES {
            assert!(row.profile.starts_with("/interaction_profiles/"));
            for component in [row.select, row.squeeze] {
                let [left, right] = both_hands(component);
                assert!(left.starts_with("/user/hand/left/input/"), "{left}");
                assert!(right.starts_with("/user/hand/right/input/"), "{right}");
            }
        }
    }

    #[test]
    fn touching_finger_tips_pinch_and_parted_ones_do_not() {
        let radius = 0.008;
        assert!(is_pinch(Vec3::ZERO, radius, Vec3::X * 0.02, radius));
        assert!(!is_pinch(Vec3::ZERO, radius, Vec3::X * 0.05, radius));
    }
}
