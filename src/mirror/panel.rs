//! The therapist's control panel beside the mirror, drawn with egui. It only reads state and
//! writes [`PanelIntent`]s; the mirror's camera gets the rest of the window.

use std::collections::HashMap;

use bevy::camera::Viewport;
use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiTextureHandle, egui};

use super::chart::{Series, line_chart};
use super::intent::PanelIntent;
use super::live::{Course, Library, LibraryItem, LiveRecord, PatientCode};
use super::paint_panel::{self, ArtworkPictures};
use crate::audio::AudioStatus;
use crate::config::{Paths, Settings};
use crate::controls::TypingInPanel;
use crate::report::charts::check_in_series;
use crate::report::summary::{Outcome, SessionSummary};
use crate::script::Step;
use crate::script::duration::format_length;
use crate::session::record::{Bus, EndReason};
use crate::session::runtime::check_patient_code;
use crate::session::{ReadyScript, SessionRuntime, SessionState, Volumes};
use crate::viewpoint::PatientCamera;
use crate::xr::{XrMode, XrStatus};

/// The panel's width in points.
const WIDTH: f32 = 390.0;
/// Calm's colour: a deep, soft teal, the panel's one strong colour.
const CALM: egui::Color32 = egui::Color32::from_rgb(46, 120, 128);
const CALM_ON: egui::Color32 = egui::Color32::from_rgb(150, 110, 60);
pub(super) const GOOD: egui::Color32 = egui::Color32::from_rgb(130, 200, 160);
pub(super) const WARN: egui::Color32 = egui::Color32::from_rgb(230, 170, 100);
pub(super) const BAD: egui::Color32 = egui::Color32::from_rgb(235, 120, 110);

/// The shortcuts, as the panel lists them.
pub const SHORTCUTS: [(&str, &str); 12] = [
    ("Space", "pause / resume"),
    ("Right / Left", "next / previous step (arrow keys)"),
    ("C", "Calm on / off"),
    ("Ctrl+E", "end the session (asks first)"),
    ("0–9, T", "check-in answer (T = 10)"),
    ("- / =", "master volume down / up"),
    ("B", "breathing cues off / on"),
    ("1–9", "paint colour, while painting"),
    ("E", "eraser / brush, while painting"),
    ("[ / ]", "thinner / wider brush"),
    ("Ctrl+Z / Ctrl+Y", "undo / redo painting"),
    ("Tab", "hide / show this panel"),
];

/// Whether the panel shows, and what it is in the middle of.
#[derive(Resource, Debug, Clone, PartialEq)]
pub struct PanelState {
    /// False for a clean full-window mirror (Tab).
    pub visible: bool,
    /// The End confirmation is open.
    pub confirming_end: bool,
    /// The confirmation to clear the painting is open.
    pub confirming_clear: bool,
}

impl Default for PanelState {
    fn default() -> Self {
        Self {
            visible: true,
            confirming_end: false,
            confirming_clear: false,
        }
    }
}

/// Preview pictures registered with egui, by file.
#[derive(Resource, Debug, Default)]
pub struct Previews(HashMap<std::path::PathBuf, (Handle<Image>, egui::TextureId)>);

/// Everything the panel reads.
#[derive(bevy::ecs::system::SystemParam)]
pub struct PanelView<'w> {
    runtime: Res<'w, SessionRuntime>,
    prepared: Res<'w, ReadyScript>,
    volumes: Res<'w, Volumes>,
    library: Res<'w, Library>,
    live: Res<'w, LiveRecord>,
    course: Res<'w, Course>,
    audio: Option<Res<'w, AudioStatus>>,
    xr: Option<Res<'w, XrStatus>>,
    images: Res<'w, Assets<Image>>,
    assets: Res<'w, AssetServer>,
    paths: Res<'w, Paths>,
    settings: Option<Res<'w, Settings>>,
}

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
    mut cameras: Query<&mut Camera, With<PatientCamera>>,
    mut intents: MessageWriter<PanelIntent>,
    mut styled: Local<bool>,
) -> Result {
    let ctx = contexts.ctx_mut()?.clone();
    if !*styled {
        style(&ctx);
        *styled = true;
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
            .exact_size(WIDTH)
            .show(&mut root, |ui| {
                egui::ScrollArea::vertical()
                    .auto_shrink([false, false])
                    .show(ui, |ui| {
                        panel_contents(
                            ui,
                            &view,
                            &mut state,
                            &mut code,
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
            paint_panel::confirm_clear(&ctx, &mut state, &mut asked);
        }
    }
    typing.0 = ctx.text_edit_focused() || state.confirming_end || state.confirming_clear;
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

fn style(ctx: &egui::Context) {
    let mut visuals = egui::Visuals::dark();
    visuals.panel_fill = egui::Color32::from_rgb(24, 27, 34);
    visuals.extreme_bg_color = egui::Color32::from_rgb(16, 18, 24);
    visuals.faint_bg_color = egui::Color32::from_rgb(44, 48, 58);
    ctx.set_visuals(visuals);
    ctx.all_styles_mut(|style| {
        use egui::{FontId, TextStyle};
        for (text_style, size) in [
            (TextStyle::Body, 15.0),
            (TextStyle::Button, 15.0),
            (TextStyle::Heading, 19.0),
            (TextStyle::Small, 12.0),
        ] {
            style
                .text_styles
                .insert(text_style, FontId::proportional(size));
        }
        style.spacing.item_spacing = egui::vec2(8.0, 6.0);
        style.spacing.button_padding = egui::vec2(10.0, 5.0);
    });
}

fn panel_contents(
    ui: &mut egui::Ui,
    view: &PanelView,
    state: &mut PanelState,
    code: &mut PatientCode,
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
        });
    });
    calm_button(ui, runtime.state(), asked);
    ui.add_space(4.0);
    if runtime.is_under_way() || runtime.state() == SessionState::Finished {
        current_session(ui, view, state, asked);
    }
    let painting = runtime
        .painting()
        .filter(|_| runtime.state() == SessionState::Running);
    if let Some(painting) = painting {
        ui.separator();
        paint_panel::painting(ui, painting, state, asked);
    }
    if !runtime.is_under_way() {
        // Between sessions the library comes first: choosing is what happens next.
        start_section(ui, view, code, asked);
        library(ui, view, previews, asked);
    }
    ui.separator();
    check_ins(ui, view);
    course(ui, &view.course);
    paint_panel::earlier_paintings(ui, &view.course, pictures, painting.is_some(), asked);
    ui.separator();
    sound(ui, view, asked);
    headset(ui, view.xr.as_deref(), asked);
    if runtime.is_under_way() {
        ui.separator();
        library(ui, view, previews, asked);
    }
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

fn state_chip(state: SessionState) -> egui::RichText {
    let (words, colour) = match state {
        SessionState::Idle => ("no session", egui::Color32::GRAY),
        SessionState::Running => ("running", GOOD),
        SessionState::Paused => ("paused", WARN),
        SessionState::Calm => ("calm", CALM_ON),
        SessionState::Finished => ("finished", egui::Color32::GRAY),
    };
    egui::RichText::new(words).color(colour).strong()
}

fn calm_button(ui: &mut egui::Ui, state: SessionState, asked: &mut Vec<PanelIntent>) {
    let calm = state == SessionState::Calm;
    let (words, fill) = if calm {
        ("Leave calm  (C)", CALM_ON)
    } else {
        ("CALM  —  fade to the safe place  (C)", CALM)
    };
    let button = egui::Button::new(egui::RichText::new(words).size(19.0).strong()).fill(fill);
    let enabled = matches!(
        state,
        SessionState::Running | SessionState::Paused | SessionState::Calm
    );
    let response = ui.add_enabled(
        enabled,
        button.min_size(egui::vec2(ui.available_width(), 52.0)),
    );
    if response.clicked() {
        asked.push(PanelIntent::Calm);
    }
}

fn current_session(
    ui: &mut egui::Ui,
    view: &PanelView,
    state: &mut PanelState,
    asked: &mut Vec<PanelIntent>,
) {
    let runtime = &view.runtime;
    let Some(script) = runtime.script() else {
        return;
    };
    let session = &script.session;
    ui.label(egui::RichText::new(&session.title).strong().size(17.0));
    ui.label(format!(
        "{}  ·  patient {}",
        session.phase.label(),
        runtime.patient()
    ));
    if let Some(problem) = runtime.record_problem() {
        ui.colored_label(BAD, format!("⚠ the record is not being written: {problem}"));
    }
    if let (Some(step), Some(step_view)) = (runtime.step(), runtime.view()) {
        ui.label(format!(
            "Step {} of {}: {}",
            runtime.step_index() + 1,
            session.steps.len(),
            step_label(step)
        ));
        ui.add(
            egui::ProgressBar::new(step_view.progress)
                .desired_width(ui.available_width())
                .text(match step_view.remaining {
                    Some(remaining) => format!("{} left in this step", format_length(remaining)),
                    None => "waits for you or the patient".to_owned(),
                }),
        );
        ui.label(egui::RichText::new(step_view.caption.replace('\n', " ")).italics());
    }
    if runtime.state() != SessionState::Finished {
        ui.label(format!(
            "About {} left in the session  ·  {} so far",
            format_length(runtime.remaining_secs()),
            format_length(runtime.session_secs())
        ));
        ui.horizontal(|ui| {
            if ui
                .button("◀ Back")
                .on_hover_text("Left arrow key")
                .clicked()
            {
                asked.push(PanelIntent::Back);
            }
            let pause = if runtime.state() == SessionState::Paused {
                "▶ Resume"
            } else {
                "⏸ Pause"
            };
            let can_pause = matches!(
                runtime.state(),
                SessionState::Running | SessionState::Paused
            );
            if ui
                .add_enabled(can_pause, egui::Button::new(pause))
                .on_hover_text("Space bar")
                .clicked()
            {
                asked.push(PanelIntent::PauseOrResume);
            }
            if ui
                .button("Next ▶")
                .on_hover_text("Right arrow key")
                .clicked()
            {
                asked.push(PanelIntent::Next);
            }
            if ui
                .button(egui::RichText::new("End…").color(BAD))
                .on_hover_text("Ctrl+E asks the same")
                .clicked()
            {
                state.confirming_end = true;
            }
        });
    }
    timeline_bar(ui, session, runtime);
    egui::CollapsingHeader::new("All steps")
        .default_open(false)
        .show(ui, |ui| timeline(ui, session, runtime));
}

/// The session as one bar: a segment per step, as long as the step is expected to take;
/// steps done are dim, the current one bright and filled as far as it has gone.
fn timeline_bar(ui: &mut egui::Ui, session: &crate::script::Session, runtime: &SessionRuntime) {
    let (response, painter) =
        ui.allocate_painter(egui::vec2(ui.available_width(), 12.0), egui::Sense::hover());
    let bar = response.rect;
    let total: f64 = session.steps.iter().map(Step::expected_secs).sum();
    if total <= 0.0 {
        return;
    }
    let current = runtime.step_index();
    let finished = runtime.state() == SessionState::Finished;
    let progress = runtime.view().map_or(0.0, |view| view.progress);
    let mut left = bar.left();
    for (index, step) in session.steps.iter().enumerate() {
        let width = (step.expected_secs() / total) as f32 * bar.width();
        let segment = egui::Rect::from_min_max(
            egui::pos2(left, bar.top()),
            egui::pos2((left + width - 1.5).max(left + 1.0), bar.bottom()),
        );
        let done = finished || index < current;
        let fill = if done {
            egui::Color32::from_rgb(70, 100, 85)
        } else {
            ui.visuals().faint_bg_color
        };
        painter.rect_filled(segment, 2.0, fill);
        if index == current && !finished {
            let mut filled = segment;
            filled.set_right(segment.left() + segment.width() * progress.clamp(0.0, 1.0));
            painter.rect_filled(filled, 2.0, GOOD);
            painter.rect_stroke(
                segment,
                2.0,
                egui::Stroke::new(1.0, GOOD),
                egui::StrokeKind::Inside,
            );
        }
        left += width;
    }
}

fn step_label(step: &Step) -> String {
    match step {
        Step::Breathing(breathing) => format!("Breathing ({})", breathing.pattern.label()),
        other => other.kind_label().to_owned(),
    }
}

fn timeline(ui: &mut egui::Ui, session: &crate::script::Session, runtime: &SessionRuntime) {
    let current = runtime.step_index();
    let finished = runtime.state() == SessionState::Finished;
    egui::Grid::new("timeline").num_columns(3).show(ui, |ui| {
        for (index, step) in session.steps.iter().enumerate() {
            let (mark, colour) = if finished || index < current {
                ("✔", egui::Color32::GRAY)
            } else if index == current {
                ("▶", GOOD)
            } else {
                ("·", ui.visuals().text_color())
            };
            ui.colored_label(colour, mark);
            ui.colored_label(colour, format!("{}. {}", index + 1, step_label(step)));
            ui.colored_label(colour, format_length(step.expected_secs()));
            ui.end_row();
        }
    });
}

fn confirm_end(ctx: &egui::Context, state: &mut PanelState, asked: &mut Vec<PanelIntent>) {
    let modal = egui::Modal::new(egui::Id::new("confirm-end")).show(ctx, |ui| {
        ui.heading("End this session?");
        ui.label("The patient's scene fades out and the record is closed.");
        ui.horizontal(|ui| {
            if ui
                .button(egui::RichText::new("End the session").color(BAD))
                .clicked()
            {
                asked.push(PanelIntent::End);
                state.confirming_end = false;
            }
            if ui.button("Keep going").clicked() {
                state.confirming_end = false;
            }
        });
    });
    if modal.should_close() {
        state.confirming_end = false;
    }
}

fn start_section(
    ui: &mut egui::Ui,
    view: &PanelView,
    code: &mut PatientCode,
    asked: &mut Vec<PanelIntent>,
) {
    let shown = view.prepared.0.as_ref().map(|script| &script.session);
    ui.label(egui::RichText::new("Start a session").strong());
    match shown {
        Some(session) => ui.label(format!(
            "{}  ·  {}  ·  {}",
            session.title,
            session.phase.label(),
            format_length(session.expected_secs())
        )),
        None => ui.label("Choose a session in the library below."),
    };
    ui.horizontal(|ui| {
        ui.label("Patient code");
        ui.add(
            egui::TextEdit::singleline(&mut code.0)
                .hint_text("e.g. P-014")
                .char_limit(32)
                .desired_width(140.0),
        );
    });
    let problem = match code.0.trim() {
        "" => Some("Type the patient's code (never a name).".to_owned()),
        typed => check_patient_code(typed).err(),
    };
    if let Some(problem) = &problem {
        ui.small(problem);
    }
    let ready = problem.is_none() && shown.is_some();
    let start = egui::Button::new(egui::RichText::new("Start").size(17.0).strong())
        .fill(egui::Color32::from_rgb(52, 98, 70))
        .min_size(egui::vec2(ui.available_width(), 36.0));
    if ui.add_enabled(ready, start).clicked() {
        asked.push(PanelIntent::Start {
            patient: code.0.trim().to_owned(),
        });
    }
    if !view.library.unfinished.is_empty() {
        ui.label(egui::RichText::new("Unfinished sessions").strong());
        for record in view.library.unfinished.iter().take(4) {
            ui.label(format!(
                "{} · {} · {} · stopped in step {}",
                record.patient,
                record.script,
                record.started_at.get(..10).unwrap_or(&record.started_at),
                record.step + 1
            ));
            ui.horizontal(|ui| {
                match view.library.file_of(&record.script) {
                    Some(script) => {
                        if ui.button("Resume").clicked() {
                            asked.push(PanelIntent::ResumeRecord {
                                record: record.path.clone(),
                                script: script.to_path_buf(),
                            });
                        }
                    }
                    None => {
                        ui.colored_label(WARN, "its session file is missing or invalid");
                    }
                }
                if ui
                    .button("Close without resuming")
                    .on_hover_text(
                        "The record is kept and marked as interrupted; it is no longer offered",
                    )
                    .clicked()
                {
                    asked.push(PanelIntent::CloseUnfinished {
                        record: record.path.clone(),
                    });
                }
            });
        }
    }
}

fn check_ins(ui: &mut egui::Ui, view: &PanelView) {
    ui.label(egui::RichText::new("Check-ins this session").strong());
    let Some(summary) = &view.live.summary else {
        ui.small("Answers appear here as the patient gives them.");
        return;
    };
    let series = session_series(summary);
    if series.is_empty() {
        ui.small("No answers yet.");
        return;
    }
    let end = summary
        .duration_secs
        .max(view.runtime.session_secs())
        .max(60.0);
    line_chart(ui, &series, (0.0, end), "session time", |secs| {
        format!("{:.0} min", secs / 60.0)
    });
}

/// The answers of one session as chart lines over session time, one per check-in.
pub fn session_series(summary: &SessionSummary) -> Vec<Series> {
    let mut series: Vec<Series> = Vec::new();
    for answer in &summary.answers {
        let Some(value) = answer.value else { continue };
        let point = (answer.at, value);
        match series.iter_mut().find(|line| line.name == answer.id) {
            Some(line) => line.points.push(point),
            None => series.push(Series {
                name: answer.id.clone(),
                points: vec![point],
            }),
        }
    }
    series
}

fn course(ui: &mut egui::Ui, course: &Course) {
    if course.patient.is_empty() {
        return;
    }
    ui.label(egui::RichText::new(format!("Course of {}", course.patient)).strong());
    if course.sessions.is_empty() {
        ui.small("No earlier sessions recorded for this code.");
        return;
    }
    let series: Vec<Series> = check_in_series(&course.sessions)
        .into_iter()
        .map(|(name, points)| Series {
            name,
            points: points
                .into_iter()
                .map(|(number, value)| (f64::from(number), value))
                .collect(),
        })
        .collect();
    if !series.is_empty() {
        line_chart(
            ui,
            &series,
            (1.0, course.sessions.len().max(2) as f64),
            "session",
            |number| format!("#{number:.0}"),
        );
    }
    if let Some(last) = course.sessions.last() {
        ui.label(last_session_summary(last, course.sessions.len()));
    }
}

/// One paragraph about a session, for the therapist preparing the next one.
pub fn last_session_summary(session: &SessionSummary, count: usize) -> String {
    let outcome = match session.outcome {
        Outcome::Ended(EndReason::Completed) => "completed",
        Outcome::Ended(EndReason::EndedByTherapist) => "ended by the therapist",
        Outcome::Ended(EndReason::Abandoned) => "closed without resuming",
        Outcome::Unfinished => "unfinished",
    };
    let answers: Vec<String> = session
        .answers
        .iter()
        .filter_map(|answer| answer.value.map(|value| format!("{} {value}", answer.id)))
        .collect();
    format!(
        "Last of {count}: {} on {}, {} ({}), {} of {} steps, {} pause(s), {} calm moment(s){}{}.",
        session.title,
        session.date(),
        format_length(session.duration_secs),
        outcome,
        session.steps_completed,
        session.steps_total,
        session.pauses.len(),
        session.calm.len(),
        if answers.is_empty() {
            String::new()
        } else {
            format!("; check-ins: {}", answers.join(", "))
        },
        session
            .intention
            .as_ref()
            .map(|intention| format!("; intention: {intention}"))
            .unwrap_or_default(),
    )
}

fn sound(ui: &mut egui::Ui, view: &PanelView, asked: &mut Vec<PanelIntent>) {
    ui.label(egui::RichText::new("Sound").strong());
    match view.audio.as_deref() {
        Some(AudioStatus::Playing) => ui.colored_label(GOOD, "Playing on this computer's output"),
        Some(AudioStatus::Silent(reason)) => ui.colored_label(WARN, format!("⚠ {reason}")),
        None => ui.colored_label(WARN, "⚠ no sound output"),
    };
    let volumes = &view.volumes;
    let master_cap = view
        .settings
        .as_ref()
        .map_or(1.0, |settings| settings.audio.master_cap);
    for (bus, name, level) in [
        (Bus::Master, "Master", volumes.master),
        (Bus::Narration, "Voice", volumes.narration),
        (Bus::Soundscape, "Soundscape", volumes.soundscape),
        (Bus::Cues, "Breath cues", volumes.cues),
    ] {
        let mut value = level;
        // The master slider ends at the clinic's cap: its whole travel is heard.
        let top = if bus == Bus::Master { master_cap } else { 1.0 };
        let slider = egui::Slider::new(&mut value, 0.0..=top)
            .text(name)
            .show_value(false);
        // While the slider is dragged the level is heard at once; it is recorded once, where
        // it settles (a click, or the end of the drag).
        let response = ui.add(slider);
        if response.changed() || response.drag_stopped() {
            asked.push(PanelIntent::Volume {
                bus,
                level: value,
                settled: !response.dragged() || response.drag_stopped(),
            });
        }
    }
}

fn headset(ui: &mut egui::Ui, xr: Option<&XrStatus>, asked: &mut Vec<PanelIntent>) {
    ui.label(egui::RichText::new("Headset").strong());
    let Some(xr) = xr else {
        ui.colored_label(WARN, "Desktop only");
        return;
    };
    match &xr.mode {
        XrMode::DesktopOnly(reason) => {
            ui.colored_label(WARN, format!("Desktop only: {reason}"));
        }
        XrMode::Headset => {
            ui.label(format!(
                "{}  ·  {}",
                xr.runtime.as_deref().unwrap_or("OpenXR runtime"),
                xr.system.as_deref().unwrap_or("headset")
            ));
            if xr.session_state.as_deref() == Some("LOST") {
                ui.colored_label(
                    BAD,
                    "The headset's runtime stopped. The session is paused; resume it to go on \
                     here on the desktop, or restart Stillpoint to use the headset again.",
                );
                return;
            }
            let state = xr.session_state.as_deref().unwrap_or("starting");
            let colour = if state == "FOCUSED" || state == "VISIBLE" {
                GOOD
            } else {
                WARN
            };
            ui.colored_label(
                colour,
                format!(
                    "Session {state}  ·  head {}",
                    if xr.head_tracked {
                        "tracked"
                    } else {
                        "not tracked"
                    }
                ),
            );
            if ui
                .button("Recentre the view")
                .on_hover_text("The patient can also hold the grip for 1.5 s")
                .clicked()
            {
                asked.push(PanelIntent::Recentre);
            }
        }
    }
}

fn library(ui: &mut egui::Ui, view: &PanelView, previews: &Previews, asked: &mut Vec<PanelIntent>) {
    let open = !view.runtime.is_under_way();
    egui::CollapsingHeader::new(format!("Session library ({})", view.library.items.len()))
        .default_open(open)
        .show(ui, |ui| {
            if let Some(problem) = &view.library.problem {
                ui.colored_label(BAD, problem);
            }
            let shown = view
                .runtime
                .script()
                .map(|script| script.session.id.as_str());
            for item in &view.library.items {
                library_item(ui, item, shown, open, previews, &view.images, asked);
                ui.add_space(4.0);
            }
        });
}

/// A picture at `size` with softly rounded corners, or a dark blank of that size while
/// there is none (yet).
pub(super) fn picture_or_blank(
    ui: &mut egui::Ui,
    texture: Option<egui::TextureId>,
    size: egui::Vec2,
) {
    match texture {
        Some(texture) => {
            ui.add(
                egui::Image::new(egui::load::SizedTexture::new(texture, size)).corner_radius(3.0),
            );
        }
        None => {
            let (rect, _) = ui.allocate_exact_size(size, egui::Sense::hover());
            ui.painter()
                .rect_filled(rect, 3.0, ui.visuals().extreme_bg_color);
        }
    }
}

fn library_item(
    ui: &mut egui::Ui,
    item: &LibraryItem,
    shown: Option<&str>,
    can_open: bool,
    previews: &Previews,
    images: &Assets<Image>,
    asked: &mut Vec<PanelIntent>,
) {
    ui.horizontal(|ui| {
        let preview = item
            .preview
            .as_ref()
            .and_then(|path| previews.0.get(path))
            .filter(|(handle, _)| images.contains(handle))
            .map(|(_, texture)| *texture);
        picture_or_blank(ui, preview, egui::vec2(96.0, 54.0));
        ui.vertical(|ui| match &item.summary {
            Some(summary) => {
                let chosen = shown == Some(item.id.as_str());
                let title = egui::RichText::new(&summary.title).strong();
                ui.label(if chosen { title.color(GOOD) } else { title });
                ui.small(format!(
                    "{}  ·  {}",
                    summary.phase,
                    format_length(summary.length_secs)
                ));
                for warning in &item.problems {
                    ui.small(egui::RichText::new(format!("⚠ {warning}")).color(WARN));
                }
                if !chosen
                    && ui
                        .add_enabled(can_open, egui::Button::new("Open").small())
                        .clicked()
                {
                    asked.push(PanelIntent::Open(item.path.clone()));
                }
            }
            None => {
                ui.label(egui::RichText::new(format!("{} (cannot be used)", item.id)).color(BAD));
                for problem in &item.problems {
                    ui.small(egui::RichText::new(problem).color(BAD));
                }
            }
        });
    });
}
