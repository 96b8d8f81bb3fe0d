//! The session under way: its state, Calm, the step and time left, the timeline, Pause,
//! Skip and End (which asks first).

use bevy_egui::egui;

use super::intent::PanelIntent;
use super::view::{BAD, CALM, CALM_ON, GOOD, PanelState, PanelView, WARN, scaled};
use crate::script::Step;
use crate::script::duration::format_length;
use crate::session::unsaved::{RETRY_EVERY, UnsavedRecords};
use crate::session::{SessionRuntime, SessionState};

pub(super) fn state_chip(state: SessionState) -> egui::RichText {
    let (words, colour) = match state {
        SessionState::Idle => ("no session", egui::Color32::GRAY),
        SessionState::Running => ("running", GOOD),
        SessionState::Paused => ("paused", WARN),
        SessionState::Calm => ("calm", CALM_ON),
        SessionState::Finished => ("finished", egui::Color32::GRAY),
    };
    egui::RichText::new(words).color(colour).strong()
}

pub(super) fn calm_button(ui: &mut egui::Ui, state: SessionState, asked: &mut Vec<PanelIntent>) {
    let calm = state == SessionState::Calm;
    let (words, fill) = if calm {
        ("Leave calm  (C)", CALM_ON)
    } else {
        ("CALM  —  fade to the safe place  (C)", CALM)
    };
    let button =
        egui::Button::new(egui::RichText::new(words).size(scaled(ui, 19.0)).strong()).fill(fill);
    let enabled = matches!(
        state,
        SessionState::Running | SessionState::Paused | SessionState::Calm
    );
    let response = ui.add_enabled(
        enabled,
        button.min_size(egui::vec2(ui.available_width(), scaled(ui, 52.0))),
    );
    if response.clicked() {
        asked.push(PanelIntent::Calm);
    }
}

/// Records not saved yet (the disk is full, the data folder read-only or gone), in plain
/// words with where they belong, until every line is on the disk.
pub(super) fn unsaved_records(ui: &mut egui::Ui, unsaved: &UnsavedRecords) {
    for record in unsaved.unsaved() {
        ui.colored_label(
            BAD,
            format!(
                "⚠ Not saved: {} {} of the record {} are only in memory ({}). Stillpoint tries \
                 again every {} s. Free space or fix the folder, and keep Stillpoint open until \
                 this goes away.",
                record.lines,
                if record.lines == 1 { "line" } else { "lines" },
                record.path.display(),
                record.problem,
                RETRY_EVERY.as_secs()
            ),
        );
    }
}

pub(super) fn current_session(
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
    ui.label(
        egui::RichText::new(&session.title)
            .strong()
            .size(scaled(ui, 17.0)),
    );
    ui.label(format!(
        "{}  ·  patient {}",
        session.phase.label(),
        runtime.patient()
    ));
    if let Some(problem) = runtime.record_problem() {
        ui.colored_label(BAD, format!("⚠ the record is not being written: {problem}"));
    }
    if let Some(notice) = runtime.voice_note_notice() {
        ui.colored_label(WARN, format!("⚠ {notice}"));
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

pub(super) fn confirm_end(
    ctx: &egui::Context,
    state: &mut PanelState,
    asked: &mut Vec<PanelIntent>,
) {
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
