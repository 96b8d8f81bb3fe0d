//! Practice mode: sessions for the practice patient (training, the morning headset check),
//! whose records are kept apart from every real patient's. The switch is the only way to
//! the practice code; the panel says plainly, in words and colour, while it is on.

use bevy::prelude::*;
use bevy_egui::egui;

use super::intent::PanelIntent;
use super::live::PatientCode;
use super::view::{PRACTICE, PracticeMode};
use crate::AppSystems;
use crate::patient_code;

/// The switch: [`PanelIntent::Practice`] turns it on or off.
pub fn plugin(app: &mut App) {
    app.init_resource::<PracticeMode>()
        .add_systems(Update, switch.in_set(AppSystems::Input));
}

/// Turns practice mode on or off: the panel's patient code becomes the practice code, and
/// the code typed before comes back after.
fn switch(
    mut intents: MessageReader<PanelIntent>,
    mut practice: ResMut<PracticeMode>,
    mut code: ResMut<PatientCode>,
) {
    for intent in intents.read() {
        if let PanelIntent::Practice(on) = intent {
            turn(&mut practice, &mut code, *on);
        }
    }
}

/// Practice mode on or off, with the patient code it implies.
pub fn turn(practice: &mut PracticeMode, code: &mut PatientCode, on: bool) {
    if practice.on == on {
        return;
    }
    practice.on = on;
    if on {
        practice.typed = std::mem::replace(&mut code.0, patient_code::PRACTICE.to_owned());
    } else {
        code.0 = std::mem::take(&mut practice.typed);
    }
}

/// The switch, and while practice mode is on a band that says so.
pub(super) fn practice_switch(
    ui: &mut egui::Ui,
    practice: &PracticeMode,
    asked: &mut Vec<PanelIntent>,
) {
    let mut on = practice.on;
    let words = if on {
        egui::RichText::new("Practice mode: ON")
            .color(PRACTICE)
            .strong()
    } else {
        egui::RichText::new("Practice mode")
    };
    if ui
        .checkbox(&mut on, words)
        .on_hover_text(
            "Sessions for the practice patient (training, the morning headset check): \
             recorded apart from every real patient, cleared in Patients…",
        )
        .changed()
    {
        asked.push(PanelIntent::Practice(on));
    }
}

/// The band across the top of the panel while practice mode is on.
pub(super) fn practice_band(ui: &mut egui::Ui, practice: &PracticeMode) {
    if !practice.on {
        return;
    }
    egui::Frame::new()
        .fill(PRACTICE.gamma_multiply(0.25))
        .stroke(egui::Stroke::new(1.5, PRACTICE))
        .corner_radius(4.0)
        .inner_margin(egui::Margin::symmetric(8, 5))
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.label(
                egui::RichText::new("PRACTICE — not a patient's record")
                    .color(PRACTICE)
                    .strong(),
            );
            ui.small("Sessions are recorded for the practice patient, apart from real patients.");
        });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn practice_mode_uses_the_practice_code_and_gives_the_typed_one_back() {
        let mut practice = PracticeMode::default();
        let mut code = PatientCode("P-014".to_owned());
        turn(&mut practice, &mut code, true);
        assert!(practice.on);
        assert_eq!(code.0, patient_code::PRACTICE);
        turn(&mut practice, &mut code, true);
        assert_eq!(code.0, patient_code::PRACTICE, "on twice is still on");
        turn(&mut practice, &mut code, false);
        assert_eq!((practice.on, code.0.as_str()), (false, "P-014"));
    }
}
