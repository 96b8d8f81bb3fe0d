//! The dosing day in one place: when a centering session (phase "before dosing") ends, the
//! panel offers the library's during-dosing session for the same patient, in one click.

use bevy::prelude::*;
use bevy_egui::egui;

use super::intent::PanelIntent;
use super::live::{Library, LibraryItem};
use super::view::{CALM, DosingOffer, NextSession, scaled};
use crate::AppSystems;
use crate::script::Phase;
use crate::session::{SessionRuntime, SessionState};

/// Keeps the offer: made when a centering session ends, put away when a session starts or
/// the therapist dismisses it.
pub fn plugin(app: &mut App) {
    app.init_resource::<DosingOffer>()
        .add_systems(Update, keep_offer.in_set(AppSystems::Present));
}

/// The session that follows a session of `phase` on a dosing day, from the library: the
/// first valid during-dosing session after a centering one. None after any other phase.
pub fn next_on_dosing_day(phase: Phase, items: &[LibraryItem]) -> Option<&LibraryItem> {
    if phase != Phase::BeforeDosing {
        return None;
    }
    items.iter().find(|item| {
        item.summary
            .as_ref()
            .is_some_and(|summary| summary.phase == Phase::DuringDosing)
    })
}

fn keep_offer(
    runtime: Res<SessionRuntime>,
    library: Res<Library>,
    mut intents: MessageReader<PanelIntent>,
    mut offer: ResMut<DosingOffer>,
    mut last_state: Local<Option<SessionState>>,
) {
    let state = runtime.state();
    let ended = state == SessionState::Finished && *last_state != Some(state);
    *last_state = Some(state);
    if intents
        .read()
        .any(|intent| *intent == PanelIntent::DismissOffer)
        || runtime.is_under_way()
    {
        offer.0 = None;
    }
    if !ended {
        return;
    }
    let Some(script) = runtime.script() else {
        return;
    };
    offer.0 = next_on_dosing_day(script.session.phase, &library.items).map(|item| NextSession {
        patient: runtime.patient().to_owned(),
        path: item.path.clone(),
        title: item
            .summary
            .as_ref()
            .map_or_else(|| item.id.clone(), |summary| summary.title.clone()),
    });
}

/// The requests that start `next`: open its file, then start it for the same patient.
pub fn take(next: &NextSession) -> [PanelIntent; 2] {
    [
        PanelIntent::Open(next.path.clone()),
        PanelIntent::Start {
            patient: next.patient.clone(),
        },
    ]
}

/// The offer, when there is one: one button to start, one to put it away.
pub(super) fn dosing_offer(ui: &mut egui::Ui, offer: &DosingOffer, asked: &mut Vec<PanelIntent>) {
    let Some(next) = &offer.0 else {
        return;
    };
    egui::Frame::new()
        .fill(CALM.gamma_multiply(0.35))
        .stroke(egui::Stroke::new(1.0, CALM))
        .corner_radius(5.0)
        .inner_margin(egui::Margin::same(8))
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.label(egui::RichText::new("Next on the dosing day").strong());
            let start = egui::Button::new(
                egui::RichText::new(format!("▶ Start {} for {}", next.title, next.patient))
                    .strong(),
            )
            .fill(egui::Color32::from_rgb(52, 98, 70))
            .min_size(egui::vec2(ui.available_width(), scaled(ui, 34.0)));
            if ui.add(start).clicked() {
                asked.extend(take(next));
            }
            if ui.small_button("Not now").clicked() {
                asked.push(PanelIntent::DismissOffer);
            }
        });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::panel::live::ItemSummary;

    fn item(id: &str, phase: Option<Phase>) -> LibraryItem {
        LibraryItem {
            path: format!("{id}.session.ron").into(),
            id: id.to_owned(),
            summary: phase.map(|phase| ItemSummary {
                title: id.to_owned(),
                phase,
                length_secs: 60.0,
            }),
            problems: Vec::new(),
            preview: None,
        }
    }

    #[test]
    fn after_centering_the_first_valid_during_dosing_session_is_offered() {
        let items = [
            item("centering", Some(Phase::BeforeDosing)),
            item("broken-rest", None),
            item("rest", Some(Phase::DuringDosing)),
            item("other-rest", Some(Phase::DuringDosing)),
        ];
        let next = next_on_dosing_day(Phase::BeforeDosing, &items).map(|item| item.id.as_str());
        assert_eq!(next, Some("rest"));
        assert_eq!(next_on_dosing_day(Phase::DuringDosing, &items), None);
        assert_eq!(next_on_dosing_day(Phase::Integration, &items), None);
        assert_eq!(next_on_dosing_day(Phase::BeforeDosing, &items[..2]), None);
    }
}
