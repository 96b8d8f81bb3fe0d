//! The panel's frame: its width and order of sections. It only reads state (through
//! [`PanelView`]) and writes [`PanelIntent`]s; the mirror's camera gets the rest of the window.

use bevy::camera::Viewport;
use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiTextureHandle, egui};

use super::dosing::dosing_offer;
use super::headset::headset;
use super::intent::PanelIntent;
use super::library::library;
use super::live::PatientCode;
use super::painting::{self, ArtworkPictures};
use super::practice::{practice_band, practice_switch};
use super::progress::{check_ins, course};
use super::questionnaire::{DeskForm, desk_button, desk_form, safety_alert};
use super::session::{calm_button, confirm_end, current_session, state_chip, unsaved_records};
use super::sound::sound;
use super::start::start_section;
use super::text_size::{self, text_size_row};
use super::view::{PanelState, PanelView, Previews};
use crate::config::TextSize;
use crate::controls::TypingInPanel;
use crate::session::SessionState;
use crate::viewpoint::PatientCamera;

/// The shortcuts, as the panel lists them.
pub const SHORTCUTS: [(&str, &str); 14] = [
    ("Space", "pause / resume; ends a voice note's recording"),
    ("Right / Left", "next / previous step (arrow keys)"),
    ("C", "Calm on / off"),
    ("Ctrl+E", "end the session (asks first)"),
    ("0–9, T", "check-in answer (T = 10)"),
    ("1–6", "intention or voice-note choice"),
    (
        "1–5, Backspace, Enter",
        "questionnaire: answer card, back, send",
    ),
    ("- / =", "master volume down / up"),
    ("B", "breathing cues off / on"),
    ("1–9", "paint colour, while painting"),
    ("E", "eraser / brush, while painting"),
    ("[ / ]", "thinner / wider brush"),
    ("Ctrl+Z / Ctrl+Y", "undo / redo painting"),
    ("Tab", "hide / show this panel"),
];

/// Draws the panel, hands the rest of the window to the mirror's camera, and collects the
/// therapist's requests.
pub fn draw_panel(
    mut contexts: EguiContexts,
    view: PanelView,
    mut state: ResMut<PanelState>,
    mut code: ResMut<PatientCode>,
    mut previews: ResMut<Previews>,
    mut pictures: ResMut<ArtworkPictures>,
    mut typing: ResMut<TypingInPanel>,
    mut desk: ResMut<DeskForm>,
    mut cameras: Query<&mut Camera, With<PatientCamera>>,
    mut intents: MessageWriter<PanelIntent>,
    mut styled: Local<Option<TextSize>>,
) -> Result {
    let ctx = contexts.ctx_mut()?.clone();
    let size = view.text_size.0;
    if *styled != Some(size) {
        style(&ctx, size);
        *styled = Some(size);
    }
    let mut asked = Vec::new();
    let mut free = ctx.viewport_rect();
    if state.visible {
        for item in &view.library.items {
            if let Some(path) = &item.preview
                && !previews.0.contains_key(path)
            {
                let handle: Handle<Image> = view.assets.load(view.paths.asset_path(path));
                let texture = contexts.add_image(EguiTextureHandle::Strong(handle.clone()));
                previews.0.insert(path.clone(), (handle, texture));
            }
        }
        let mut root = egui::Ui::new(
            ctx.clone(),
            "stillpoint-root".into(),
            egui::UiBuilder::new()
                .layer_id(egui::LayerId::background())
                .max_rect(ctx.viewport_rect()),
        );
        egui::Panel::right("therapist-panel")
            .resizable(false)
            .exact_size(text_size::panel_width(size))
            .show(&mut root, |ui| {
                egui::ScrollArea::vertical()
                    .auto_shrink([false, false])
                    .show(ui, |ui| {
                        panel_contents(
                            ui,
                            &view,
                            &mut state,
                            &mut code,
                            &mut desk,
                            &previews,
                            &mut pictures,
                            &mut asked,
                        );
                    });
            });
        free = root.available_rect_before_wrap();
        if state.confirming_end {
            confirm_end(&ctx, &mut state, &mut asked);
        }
        if state.confirming_clear {
            painting::confirm_clear(&ctx, &mut state, &mut asked);
        }
        if desk.open {
            let now = view.time.elapsed_secs_f64();
            desk_form(&ctx, &mut desk, &view.instruments, now, &mut asked);
        }
    }
    // A safety alert shows even over a hidden panel, until it is acknowledged.
    safety_alert(&ctx, &view.alerts.0, &mut asked);
    typing.0 = ctx.text_edit_focused()
        || state.confirming_end
        || state.confirming_clear
        || desk.open
        || !view.alerts.0.is_empty();
    intents.write_batch(asked);
    let scale = ctx.pixels_per_point();
    for mut camera in &mut cameras {
        let viewport = state.visible.then(|| Viewport {
            physical_position: UVec2::new(
                (free.min.x * scale).round() as u32,
                (free.min.y * scale).round() as u32,
            ),
            physical_size: UVec2::new(
                (free.width() * scale).round() as u32,
                (free.height() * scale).round() as u32,
            )
            .max(UVec2::ONE),
            ..default()
        });
        let same = match (&camera.viewport, &viewport) {
            (Some(old), Some(new)) => {
                old.physical_position == new.physical_position
                    && old.physical_size == new.physical_size
            }
            (None, None) => true,
            _ => false,
        };
        if !same {
            camera.viewport = viewport;
        }
    }
    Ok(())
}

fn style(ctx: &egui::Context, size: TextSize) {
    let mut visuals = egui::Visuals::dark();
    visuals.panel_fill = egui::Color32::from_rgb(24, 27, 34);
    visuals.extreme_bg_color = egui::Color32::from_rgb(16, 18, 24);
    visuals.faint_bg_color = egui::Color32::from_rgb(44, 48, 58);
    ctx.set_visuals(visuals);
    text_size::apply(ctx, size);
}

fn panel_contents(
    ui: &mut egui::Ui,
    view: &PanelView,
    state: &mut PanelState,
    code: &mut PatientCode,
    desk: &mut DeskForm,
    previews: &Previews,
    pictures: &mut ArtworkPictures,
    asked: &mut Vec<PanelIntent>,
) {
    let runtime = &view.runtime;
    ui.add_space(6.0);
    ui.horizontal(|ui| {
        ui.heading("Stillpoint");
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            ui.label(state_chip(runtime.state()));
            super::remote::remote_button(ui);
        });
    });
    ui.horizontal(|ui| {
        if ui.button("Patients…").clicked() {
            asked.push(PanelIntent::Patients);
        }
        ui.add_enabled_ui(!runtime.is_under_way(), |ui| {
            practice_switch(ui, &view.practice, asked);
        });
    });
    practice_band(ui, &view.practice);
    calm_button(ui, runtime.state(), asked);
    unsaved_records(ui, &view.unsaved);
    ui.add_space(4.0);
    if runtime.is_under_way() || runtime.state() == SessionState::Finished {
        current_session(ui, view, state, asked);
    }
    dosing_offer(ui, &view.offer, asked);
    let painting = runtime
        .painting()
        .filter(|_| runtime.state() == SessionState::Running);
    if let Some(painting) = painting {
        ui.separator();
        painting::painting(ui, painting, state, asked);
    }
    if !runtime.is_under_way() {
        // Between sessions the library comes first: choosing is what happens next.
        start_section(ui, view, code, asked);
    }
    let patient = if runtime.is_under_way() {
        runtime.patient()
    } else {
        code.0.as_str()
    };
    desk_button(
        ui,
        desk,
        patient,
        &view.instruments,
        view.time.elapsed_secs_f64(),
    );
    if !runtime.is_under_way() {
        library(ui, view, previews, asked);
    }
    ui.separator();
    check_ins(ui, view);
    course(ui, &view.course);
    painting::earlier_paintings(ui, &view.course, pictures, painting.is_some(), asked);
    ui.separator();
    sound(ui, view, asked);
    headset(
        ui,
        view.xr.as_deref(),
        view.runtime.state(),
        view.runtime.posture(),
        view.comfort
            .as_deref()
            .and_then(|comfort| comfort.0.first()),
        asked,
    );
    if runtime.is_under_way() {
        ui.separator();
        library(ui, view, previews, asked);
    }
    ui.separator();
    text_size_row(ui, view.text_size.0, asked);
    egui::CollapsingHeader::new("Keyboard shortcuts")
        .default_open(false)
        .show(ui, |ui| {
            egui::Grid::new("shortcuts").striped(true).show(ui, |ui| {
                for (keys, what) in SHORTCUTS {
                    ui.monospace(keys);
                    ui.label(what);
                    ui.end_row();
                }
            });
        });
}
