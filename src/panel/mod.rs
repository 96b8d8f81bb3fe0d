//! The therapist's panel on the desktop, drawn with egui beside the mirror of the patient's
//! view (the headset's, smoothed, or the seated desktop camera). Tab hides the panel for a
//! clean full-window mirror. [`layout`] orders the sections, one file each; [`intent`] turns
//! what the therapist asks into session actions; [`live`] reads records off the frame.

mod chart;
pub mod dosing;
pub mod folders;
mod headset;
pub mod intent;
pub mod launcher;
pub mod layout;
mod library;
pub mod live;
mod painting;
pub mod patients;
mod patients_view;
pub mod practice;
pub mod progress;
pub mod questionnaire;
mod recorder;
mod remote;
mod session;
mod sound;
mod start;
pub mod text_size;
pub mod view;
pub mod voice;

use bevy::camera::visibility::RenderLayers;
use bevy::camera::{CameraOutputMode, ClearColorConfig};
use bevy::prelude::*;
use bevy::render::render_resource::BlendState;
use bevy_egui::{EguiGlobalSettings, EguiPlugin, EguiPrimaryContextPass, PrimaryEguiContext};

use crate::AppSystems;
use crate::controls::TypingInPanel;
use crate::script::SessionScript;
use crate::session::{ActiveScript, SessionRuntime, SessionState};
use view::{PanelState, Previews};

/// The panel: egui on its own camera over the whole window, the mirror's camera in the
/// space beside it. `visible` is whether the panel shows at first.
pub fn plugin(visible: bool) -> impl Fn(&mut App) {
    move |app: &mut App| {
        app.add_plugins((
            EguiPlugin::default(),
            intent::plugin,
            live::plugin,
            voice::plugin,
            patients::plugin,
            practice::plugin,
            dosing::plugin,
            text_size::plugin,
            remote::plugin,
        ))
        .insert_resource(EguiGlobalSettings {
            auto_create_primary_context: false,
            ..default()
        })
        .insert_resource(PanelState {
            visible,
            ..default()
        })
        .init_resource::<Previews>()
        .init_resource::<painting::ArtworkPictures>()
        .init_resource::<TypingInPanel>()
        .init_resource::<questionnaire::DeskForm>()
        .add_systems(Startup, spawn_panel_camera)
        .add_systems(Update, toggle_panel.in_set(AppSystems::Input))
        .add_systems(
            Update,
            questionnaire::hear_desk_outcome.in_set(AppSystems::Present),
        )
        .add_systems(
            Update,
            title_window_after_session.in_set(AppSystems::Present),
        )
        .add_systems(EguiPrimaryContextPass, layout::draw_panel)
        .add_systems(
            EguiPrimaryContextPass,
            (patients_view::draw_window, remote::draw_window).after(layout::draw_panel),
        );
    }
}

/// A camera that draws only the panel, over whatever the mirror drew.
fn spawn_panel_camera(mut commands: Commands) {
    commands.spawn((
        Name::new("Panel camera"),
        PrimaryEguiContext,
        Camera2d,
        RenderLayers::none(),
        Camera {
            order: 1,
            output_mode: CameraOutputMode::Write {
                blend_state: Some(BlendState::ALPHA_BLENDING),
                clear_color: ClearColorConfig::None,
            },
            clear_color: ClearColorConfig::Custom(Color::NONE),
            ..default()
        },
        // egui draws unsampled: multisampling would only copy the patient's view into
        // samples and resolve it back, every frame.
        Msaa::Off,
    ));
}

/// Tab hides or shows the panel; Ctrl+E shows it with the question "End this session?", as
/// the panel's End button does (ending always asks first).
fn toggle_panel(
    keys: Res<ButtonInput<KeyCode>>,
    typing: Res<TypingInPanel>,
    runtime: Res<SessionRuntime>,
    mut state: ResMut<PanelState>,
) {
    if typing.0 {
        return;
    }
    if keys.just_pressed(KeyCode::Tab) {
        state.visible = !state.visible;
    }
    let ctrl = keys.any_pressed([KeyCode::ControlLeft, KeyCode::ControlRight]);
    if ctrl && keys.just_pressed(KeyCode::KeyE) && runtime.is_under_way() {
        state.visible = true;
        state.confirming_end = true;
    }
}

/// The window's title tells the therapist the session, its step and its state, also when
/// the panel is hidden.
fn title_window_after_session(
    active: Res<ActiveScript>,
    scripts: Res<Assets<SessionScript>>,
    runtime: Res<SessionRuntime>,
    mut windows: Query<&mut Window>,
) {
    let Some(script) = scripts.get(&active.0) else {
        return;
    };
    let title = match (runtime.state(), runtime.step()) {
        (SessionState::Idle, _) | (_, None) => format!("Stillpoint — {}", script.session.title),
        (state, Some(step)) => format!(
            "Stillpoint — {} — step {} of {} ({}){}",
            script.session.title,
            runtime.step_index() + 1,
            script.session.steps.len(),
            step.kind(),
            match state {
                SessionState::Paused => " — paused",
                SessionState::Calm => " — calm",
                _ => "",
            }
        ),
    };
    for mut window in &mut windows {
        if window.title != title {
            window.title.clone_from(&title);
        }
    }
}
