//! Starting a session: the patient code, the chosen session, and resuming an unfinished one.

use bevy_egui::egui;

use super::intent::PanelIntent;
use super::live::PatientCode;
use super::view::{PRACTICE, PanelView, WARN, scaled};
use crate::patient_code;
use crate::script::duration::format_length;

pub(super) fn start_section(
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
    let practice = view.practice.on;
    ui.horizontal(|ui| {
        ui.label("Patient code");
        if practice {
            ui.label(
                egui::RichText::new(format!("{} (practice mode)", patient_code::PRACTICE))
                    .color(PRACTICE)
                    .strong(),
            );
        } else {
            ui.add(
                egui::TextEdit::singleline(&mut code.0)
                    .hint_text("e.g. P-014")
                    .char_limit(32)
                    .desired_width(140.0),
            );
        }
    });
    let problem = match code.0.trim() {
        _ if practice => None,
        "" => Some("Type the patient's code (never a name).".to_owned()),
        typed => patient_code::check(typed).err(),
    };
    if let Some(problem) = &problem {
        ui.small(format!("⚠ {problem}"));
    }
    let ready = problem.is_none() && shown.is_some();
    let start = egui::Button::new(egui::RichText::new("Start").size(scaled(ui, 17.0)).strong())
        .fill(egui::Color32::from_rgb(52, 98, 70))
        .min_size(egui::vec2(ui.available_width(), scaled(ui, 36.0)));
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
                        ui.colored_label(WARN, "⚠ its session file is missing or invalid");
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
