//! Questionnaires at the desk, and the safety alert. "Questionnaire…" opens a form of the
//! whole instrument, as on paper: the patient fills it in on the desktop before the headset
//! goes on, or the therapist enters a paper form. A safety alert (PHQ-9 item 9 answered above
//! 0, in the headset or at the desk) covers the panel until the therapist acknowledges it,
//! even when the panel is hidden.

use bevy::prelude::*;
use bevy_egui::egui;

use super::intent::PanelIntent;
use super::view::{BAD, WARN, scaled};
use crate::instruments::{Instrument, InstrumentSet};
use crate::session::questionnaire::{DeskOutcome, DeskQuestionnaireRecorded, PendingAlert};

/// The desk form, while it is open.
#[derive(Resource, Debug, Default, Clone, PartialEq)]
pub struct DeskForm {
    /// True while the form shows.
    pub open: bool,
    /// The patient's code.
    pub patient: String,
    /// The instrument chosen, by id.
    pub instrument: String,
    /// One answer per item, once given.
    pub answers: Vec<Option<u32>>,
    /// When the form was opened (real seconds since start-up), for the time it took.
    pub opened_at: f64,
    /// True from Record until the answers are known to be recorded (or not).
    pub recording: bool,
    /// Why the answers could not be recorded, when they could not.
    pub problem: Option<String>,
    /// True when the form was opened in practice mode (for the practice patient), the only
    /// way its answers may be kept under the practice code.
    pub practice: bool,
}

impl DeskForm {
    /// Opens the form for `patient` on `instrument`, every item unanswered.
    pub fn open(&mut self, patient: &str, instrument: &Instrument, now: f64) {
        *self = Self {
            open: true,
            patient: patient.trim().to_owned(),
            instrument: instrument.id.clone(),
            answers: vec![None; instrument.items.len()],
            opened_at: now,
            recording: false,
            problem: None,
            practice: crate::patient_code::is_practice(patient.trim()),
        };
    }

    /// Why the form's patient code cannot be recorded, if it cannot: the practice code is
    /// taken only from a form opened in practice mode.
    pub fn code_problem(&self) -> Option<String> {
        let code = self.patient.trim();
        if self.practice {
            crate::patient_code::check_or_practice(code).err()
        } else {
            crate::patient_code::check(code).err()
        }
    }

    /// Hears what became of the answers sent. Recorded, or kept to be written as soon as the
    /// disk allows (the panel says so until they are: sending them again would double them),
    /// the form closes; refused, it stays open with its answers and says why.
    pub fn recorded(&mut self, outcome: &DeskOutcome) {
        if !self.recording {
            return;
        }
        self.recording = false;
        match outcome {
            DeskOutcome::Recorded(_) | DeskOutcome::Waiting { .. } => self.open = false,
            DeskOutcome::Refused(problem) => {
                self.problem = Some(format!("Not recorded: {problem}"))
            }
        }
    }

    /// Every answer, once every item is answered.
    pub fn complete(&self) -> Option<Vec<u32>> {
        self.answers.iter().copied().collect()
    }
}

/// Closes the desk form once its answers are recorded, or shows why they were not.
pub(super) fn hear_desk_outcome(
    mut outcomes: MessageReader<DeskQuestionnaireRecorded>,
    mut form: ResMut<DeskForm>,
) {
    for DeskQuestionnaireRecorded(outcome) in outcomes.read() {
        form.recorded(outcome);
    }
}

/// The "Questionnaire…" button: opens the form for the patient code given (or the session's).
pub(super) fn desk_button(
    ui: &mut egui::Ui,
    form: &mut DeskForm,
    patient: &str,
    instruments: &InstrumentSet,
    now: f64,
) {
    let Some(first) = instruments.0.values().next() else {
        return;
    };
    let button = egui::Button::new("Questionnaire…");
    if ui
        .add(button)
        .on_hover_text("PHQ-9, GAD-7 or PCL-5 at the desk: filled in by the patient, or entered from a paper form")
        .clicked()
    {
        let chosen = instruments.get(&form.instrument).unwrap_or(first);
        form.open(patient, chosen, now);
    }
}

/// The form, in a window over the mirror.
pub(super) fn desk_form(
    ctx: &egui::Context,
    form: &mut DeskForm,
    instruments: &InstrumentSet,
    now: f64,
    asked: &mut Vec<PanelIntent>,
) {
    let Some(instrument) = instruments.get(&form.instrument).cloned() else {
        form.open = false;
        return;
    };
    let mut open = form.open;
    egui::Window::new("Questionnaire at the desk")
        .open(&mut open)
        .collapsible(false)
        .default_width(620.0)
        .default_height(ctx.content_rect().height() * 0.8)
        .anchor(egui::Align2::LEFT_TOP, egui::vec2(24.0, 24.0))
        .show(ctx, |ui| {
            ui.horizontal(|ui| {
                ui.label("Patient code");
                ui.add(egui::TextEdit::singleline(&mut form.patient).desired_width(110.0));
                ui.label("Questionnaire");
                egui::ComboBox::from_id_salt("desk-instrument")
                    .selected_text(instrument.short.as_str())
                    .show_ui(ui, |ui| {
                        for other in instruments.0.values() {
                            if ui
                                .selectable_label(other.id == instrument.id, &other.short)
                                .clicked()
                                && other.id != instrument.id
                            {
                                let patient = form.patient.clone();
                                form.open(&patient, other, now);
                            }
                        }
                    });
            });
            ui.label(egui::RichText::new(&instrument.title).strong());
            ui.label(&instrument.stem);
            ui.separator();
            egui::ScrollArea::vertical()
                .max_height(ui.available_height() - 70.0)
                .show(ui, |ui| items(ui, form, &instrument));
            ui.separator();
            footer(ui, form, &instrument, now, asked);
            ui.label(
                egui::RichText::new(&instrument.source)
                    .small()
                    .color(ui.visuals().weak_text_color()),
            );
        });
    form.open &= open;
}

/// Each item with its answers as a row of choices.
fn items(ui: &mut egui::Ui, form: &mut DeskForm, instrument: &Instrument) {
    for (index, (item, answer)) in instrument.items.iter().zip(&mut form.answers).enumerate() {
        ui.label(egui::RichText::new(format!("{}. {}", index + 1, item.text)).strong());
        ui.horizontal_wrapped(|ui| {
            for (value, response) in (0u32..).zip(&instrument.responses) {
                ui.radio_value(answer, Some(value), format!("{value}  {}", response.label));
            }
        });
        ui.add_space(6.0);
    }
}

/// How many are answered, and Record once all are.
fn footer(
    ui: &mut egui::Ui,
    form: &mut DeskForm,
    instrument: &Instrument,
    now: f64,
    asked: &mut Vec<PanelIntent>,
) {
    let answered = form.answers.iter().flatten().count();
    let code_problem = form.code_problem();
    ui.horizontal(|ui| {
        let complete = form.complete();
        let ready = complete.is_some() && code_problem.is_none() && !form.recording;
        if ui
            .add_enabled(ready, egui::Button::new("Record the answers"))
            .clicked()
            && let Some(answers) = complete
        {
            asked.push(PanelIntent::DeskQuestionnaire {
                patient: form.patient.trim().to_owned(),
                instrument: instrument.id.clone(),
                answers,
                secs: (now - form.opened_at).max(0.0),
            });
            form.recording = true;
            form.problem = None;
        }
        if ui.button("Cancel").clicked() {
            form.open = false;
        }
        ui.label(format!("{answered} of {} answered", instrument.items.len()));
    });
    if let Some(problem) = &form.problem {
        ui.colored_label(BAD, format!("⚠ {problem}"));
    }
    if let Some(problem) = code_problem.filter(|_| !form.patient.trim().is_empty()) {
        ui.colored_label(WARN, format!("⚠ {problem}"));
    } else if form.patient.trim().is_empty() {
        ui.colored_label(WARN, "Enter the patient's code to record the answers.");
    }
}

/// The first safety alert waiting, over everything, until it is acknowledged.
pub(super) fn safety_alert(
    ctx: &egui::Context,
    waiting: &[PendingAlert],
    asked: &mut Vec<PanelIntent>,
) {
    let Some(alert) = waiting.first() else {
        return;
    };
    let frame = egui::Frame::popup(&ctx.global_style())
        .stroke(egui::Stroke::new(3.0, BAD))
        .inner_margin(egui::Margin::same(20));
    egui::Modal::new(egui::Id::new("safety-alert"))
        .frame(frame)
        .show(ctx, |ui| {
            ui.set_max_width(520.0);
            ui.label(
                egui::RichText::new("Safety alert")
                    .heading()
                    .strong()
                    .color(BAD),
            );
            ui.label(
                egui::RichText::new(format!(
                    "Patient {} · {} item {}",
                    alert.patient, alert.name, alert.item
                ))
                .strong(),
            );
            ui.add_space(4.0);
            ui.label(format!("\u{201c}{}\u{201d}", alert.item_text));
            ui.label(
                egui::RichText::new(format!(
                    "Answered: {} ({})",
                    alert.answer_label, alert.answer
                ))
                .strong(),
            );
            if let Some(revised) = &alert.revised_to {
                ui.colored_label(
                    WARN,
                    format!(
                        "The patient has since changed this answer to {revised}. The alert \
                         stays: it was raised."
                    ),
                );
            }
            ui.add_space(4.0);
            ui.label(&alert.message);
            ui.label(
                egui::RichText::new(format!("Raised {}", alert.raised_at))
                    .small()
                    .color(ui.visuals().weak_text_color()),
            );
            if waiting.len() > 1 {
                ui.colored_label(
                    WARN,
                    format!("{} more alerts wait after this one.", waiting.len() - 1),
                );
            }
            ui.add_space(8.0);
            let acknowledge =
                egui::Button::new(egui::RichText::new("I have seen this alert").strong())
                    .min_size(egui::vec2(scaled(ui, 220.0), scaled(ui, 36.0)));
            if ui.add(acknowledge).clicked() {
                asked.push(PanelIntent::AcknowledgeSafetyAlert);
            }
            ui.label(
                egui::RichText::new("The acknowledgement is written in the record (kept until it can be, if the disk fails).")
                    .small()
                    .color(ui.visuals().weak_text_color()),
            );
        });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::instruments::InstrumentSet;

    #[test]
    fn the_practice_code_is_taken_only_from_a_form_opened_in_practice_mode() {
        let bundled = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/instruments");
        let (instruments, _) = InstrumentSet::load(&[bundled]);
        let gad7 = instruments.get("gad-7").expect("GAD-7");
        let mut form = DeskForm::default();
        form.open(crate::patient_code::PRACTICE, gad7, 0.0);
        assert_eq!(form.code_problem(), None, "opened in practice mode");
        form.open("P-1", gad7, 0.0);
        assert_eq!(form.code_problem(), None);
        form.patient = crate::patient_code::PRACTICE.to_owned();
        assert!(
            form.code_problem().is_some(),
            "typed into a patient's form, the practice code is refused"
        );
    }

    fn sent_form() -> DeskForm {
        let bundled = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/instruments");
        let (instruments, _) = InstrumentSet::load(&[bundled]);
        let gad7 = instruments.get("gad-7").expect("GAD-7");
        let mut form = DeskForm::default();
        form.open("P-1", gad7, 0.0);
        form.answers = vec![Some(1); gad7.items.len()];
        form.recording = true;
        form
    }

    #[test]
    fn the_form_closes_once_its_answers_are_recorded_or_kept_to_be() {
        let mut form = sent_form();
        form.recorded(&DeskOutcome::Refused(
            "there is no questionnaire \"x\"".into(),
        ));
        assert!(form.open, "the answers stay on screen to try again");
        assert!(!form.recording);
        assert_eq!(form.answers, vec![Some(1); 7]);
        let problem = form.problem.clone().expect("says why");
        assert!(problem.contains("no questionnaire"), "{problem}");

        let mut form = sent_form();
        form.recorded(&DeskOutcome::Recorded(
            "in P-1/questionnaire-gad-7.jsonl".into(),
        ));
        assert!(!form.open);

        // Kept in memory to be written once the disk allows: sending again would double them.
        let mut form = sent_form();
        form.recorded(&DeskOutcome::Waiting {
            place: "in P-1/questionnaire-gad-7.jsonl".into(),
            problem: "No space left on device".into(),
        });
        assert!(!form.open);

        // An outcome of a form that sent nothing (another form's) changes nothing.
        let mut form = sent_form();
        form.recording = false;
        form.recorded(&DeskOutcome::Recorded("elsewhere".into()));
        assert!(form.open);
    }
}
