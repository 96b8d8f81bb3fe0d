//! The Patients window as the therapist sees it: each patient at a glance (sessions, last
//! date, open safety alerts, latest measures) with their report, export and deletion; the
//! practice patient apart, under Practice; the folder chooser, the questions that guard a
//! deletion, and what came of the last piece of work.

use std::path::{Path, PathBuf};

use bevy::prelude::*;
use bevy_egui::{EguiContexts, egui};

use super::folders::{Choice, chooser_ui};
use super::patients::{Ask, Errand, Outcome, PatientsWindow, WorkParam};
use super::view::{BAD, GOOD, PRACTICE, PanelState, WARN};
use crate::patients::PatientOverview;

/// Draws the window while it is open (over the panel, also when the mirror is hidden) and
/// does what the therapist asks in it.
pub(super) fn draw_window(
    mut contexts: EguiContexts,
    mut window: ResMut<PatientsWindow>,
    panel: Res<PanelState>,
    param: WorkParam,
) -> Result {
    if !window.open || !panel.visible {
        return Ok(());
    }
    let ctx = contexts.ctx_mut()?.clone();
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let mut asked = Vec::new();
    let mut open = true;
    egui::Window::new("Patients")
        .id(egui::Id::new("patients-window"))
        .open(&mut open)
        .collapsible(false)
        .resizable(true)
        .default_pos(egui::pos2(24.0, 24.0))
        .default_size(egui::vec2(620.0, 560.0))
        .show(&ctx, |ui| {
            contents(ui, &mut window, home.as_deref(), &mut asked)
        });
    if !open {
        asked.push(Ask::Close);
    }
    if !asked.is_empty()
        && let Some(work) = param.work()
    {
        for ask in asked {
            window.ask(ask, &work);
        }
    }
    Ok(())
}

fn contents(
    ui: &mut egui::Ui,
    window: &mut PatientsWindow,
    home: Option<&Path>,
    asked: &mut Vec<Ask>,
) {
    if let Some(words) = &window.busy {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label(words);
        });
    }
    if let Some(outcome) = &window.outcome {
        outcome_box(ui, outcome);
    }
    if let Some((errand, chooser)) = &mut window.chooser {
        let action = match errand {
            Errand::Export(code) => {
                ui.label(egui::RichText::new(format!("Export {code} to a folder")).strong());
                ui.horizontal_wrapped(|ui| {
                    ui.checkbox(&mut window.kinds.csv, "Answers (CSV)");
                    ui.checkbox(&mut window.kinds.fhir, "FHIR R4 bundle");
                    ui.checkbox(&mut window.kinds.archive, "Archive of every file (backup)");
                });
                "Export here"
            }
            Errand::Import => {
                ui.label(egui::RichText::new("Import a patient archive (.tar.gz)").strong());
                "Import this archive"
            }
        };
        match chooser_ui(ui, chooser, home, action) {
            Choice::Picked(path) => asked.push(Ask::Picked(path)),
            Choice::Cancelled => asked.push(Ask::CancelChoice),
            Choice::None => {}
        }
        return;
    }
    if let Some(deleting) = &mut window.deleting {
        ui.colored_label(
            BAD,
            format!(
                "⚠ Delete every record, painting, voice note and report of {} for good? \
                 The deletion log keeps the code, the date and the number of files.",
                deleting.code
            ),
        );
        ui.horizontal(|ui| {
            ui.label("Type the code to confirm");
            ui.add(
                egui::TextEdit::singleline(&mut deleting.typed)
                    .hint_text(deleting.code.as_str())
                    .desired_width(120.0),
            );
        });
        ui.horizontal(|ui| {
            let matches = deleting.typed.trim() == deleting.code;
            let delete = egui::Button::new(egui::RichText::new("Delete for good").color(BAD));
            if ui.add_enabled(matches, delete).clicked() {
                asked.push(Ask::Delete);
            }
            if ui.button("Cancel").clicked() {
                asked.push(Ask::CancelDelete);
            }
        });
        return;
    }
    if window.clearing_practice {
        ui.colored_label(
            WARN,
            "⚠ Clear every practice record, painting and report? Real patients' records are \
             not touched.",
        );
        ui.horizontal(|ui| {
            if ui
                .button(egui::RichText::new("Clear practice records").color(BAD))
                .clicked()
            {
                asked.push(Ask::ClearPractice);
            }
            if ui.button("Cancel").clicked() {
                asked.push(Ask::CancelClearPractice);
            }
        });
        return;
    }
    ui.horizontal(|ui| {
        if ui.button("Import an archive…").clicked() {
            asked.push(Ask::ChooseImport);
        }
        if ui.button("⟳ Refresh").clicked() {
            asked.push(Ask::Refresh);
        }
    });
    ui.separator();
    let listing = match &window.listing {
        None => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Reading the patients…");
            });
            return;
        }
        Some(Err(problem)) => {
            ui.colored_label(BAD, format!("⚠ The patients cannot be read: {problem}"));
            return;
        }
        Some(Ok(listing)) => listing,
    };
    let busy = window.busy.is_some();
    egui::ScrollArea::vertical()
        .auto_shrink([false, true])
        .show(ui, |ui| {
            let (practice, real): (Vec<&PatientOverview>, Vec<&PatientOverview>) =
                listing.iter().partition(|patient| patient.summary.practice);
            if real.is_empty() {
                ui.weak("No patients yet: their sessions appear here once recorded.");
            }
            for patient in real {
                patient_row(ui, patient, busy, asked);
            }
            ui.add_space(8.0);
            ui.label(egui::RichText::new("Practice").strong().color(PRACTICE));
            match practice.first() {
                None => {
                    ui.weak("No practice records.");
                }
                Some(patient) => {
                    summary_lines(ui, patient);
                    ui.horizontal(|ui| {
                        ui.add_enabled_ui(!busy, |ui| {
                            if ui.button("Open report").clicked() {
                                asked.push(Ask::Report(patient.summary.code.clone()));
                            }
                            if ui.button("Clear practice records…").clicked() {
                                asked.push(Ask::AskClearPractice);
                            }
                        });
                    });
                }
            }
        });
}

/// One patient: the lines at a glance and their buttons.
fn patient_row(ui: &mut egui::Ui, patient: &PatientOverview, busy: bool, asked: &mut Vec<Ask>) {
    egui::Frame::new()
        .fill(ui.visuals().faint_bg_color)
        .corner_radius(4.0)
        .inner_margin(egui::Margin::same(6))
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            summary_lines(ui, patient);
            ui.horizontal(|ui| {
                ui.add_enabled_ui(!busy, |ui| {
                    let code = &patient.summary.code;
                    if ui.button("Open report").clicked() {
                        asked.push(Ask::Report(code.clone()));
                    }
                    if ui.button("Export…").clicked() {
                        asked.push(Ask::ChooseExport(code.clone()));
                    }
                    if ui
                        .button(egui::RichText::new("Delete…").color(BAD))
                        .clicked()
                    {
                        asked.push(Ask::AskDelete(code.clone()));
                    }
                });
            });
        });
    ui.add_space(4.0);
}

/// The code, sessions and last date; open safety alerts (count and words); latest measures.
fn summary_lines(ui: &mut egui::Ui, patient: &PatientOverview) {
    let summary = &patient.summary;
    ui.horizontal_wrapped(|ui| {
        ui.label(
            egui::RichText::new(&summary.code)
                .strong()
                .size(ui.text_style_height(&egui::TextStyle::Body) * 1.1),
        );
        ui.label(sessions_words(summary.sessions, summary.last.as_deref()));
    });
    if patient.open_alerts > 0 {
        ui.colored_label(BAD, alerts_words(patient.open_alerts));
    } else {
        ui.weak(alerts_words(0));
    }
    if !patient.measures.is_empty() {
        let measures: Vec<String> = patient
            .measures
            .iter()
            .map(|measure| format!("{} {} ({})", measure.name, measure.total, measure.band))
            .collect();
        ui.label(measures.join("  ·  "));
    }
}

/// "3 sessions · last 2026-11-20".
pub fn sessions_words(sessions: usize, last: Option<&str>) -> String {
    let count = match sessions {
        1 => "1 session".to_owned(),
        many => format!("{many} sessions"),
    };
    match last {
        Some(day) => format!("{count}  ·  last {day}"),
        None => count,
    }
}

/// The open safety alerts in words, with a mark: never told by colour alone.
pub fn alerts_words(open: usize) -> String {
    match open {
        0 => "✔ No open safety alerts".to_owned(),
        1 => "⚠ 1 open safety alert".to_owned(),
        many => format!("⚠ {many} open safety alerts"),
    }
}

/// What came of the last piece of work: a mark and words, and each file with Copy.
fn outcome_box(ui: &mut egui::Ui, outcome: &Outcome) {
    let (mark, colour) = if outcome.done {
        ("✔", GOOD)
    } else {
        ("⚠", BAD)
    };
    ui.colored_label(colour, format!("{mark} {}", outcome.words));
    for file in &outcome.files {
        ui.horizontal(|ui| {
            let shown = file.display().to_string();
            if ui.small_button("Copy path").clicked() {
                ui.ctx().copy_text(shown.clone());
            }
            ui.add(egui::Label::new(egui::RichText::new(shown).monospace()).wrap());
        });
    }
    ui.separator();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_alerts_are_said_in_words() {
        assert_eq!(sessions_words(1, None), "1 session");
        assert_eq!(
            sessions_words(3, Some("2026-11-20")),
            "3 sessions  ·  last 2026-11-20"
        );
        assert_eq!(alerts_words(0), "✔ No open safety alerts");
        assert_eq!(alerts_words(2), "⚠ 2 open safety alerts");
    }
}
