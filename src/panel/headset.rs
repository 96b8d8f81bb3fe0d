//! The headset: whether it is worn and tracking, and recentring the patient's view.

use bevy_egui::egui;

use super::intent::PanelIntent;
use super::view::{BAD, GOOD, WARN};
use crate::script::Posture;
use crate::session::SessionState;
use crate::xr::{XrMode, XrStatus};

pub(super) fn headset(
    ui: &mut egui::Ui,
    xr: Option<&XrStatus>,
    session: SessionState,
    posture: Posture,
    discomfort: Option<&String>,
    asked: &mut Vec<PanelIntent>,
) {
    ui.label(egui::RichText::new("Headset").strong());
    posture_choice(
        ui,
        posture,
        xr.is_some_and(|xr| xr.mode == XrMode::Headset),
        asked,
    );
    if let Some(problem) = discomfort {
        ui.colored_label(
            WARN,
            format!(
                "⚠ The words are away from where the patient looks ({problem}). Reclined or \
                 lying? Choose that above. Otherwise ask them to look ahead and recentre."
            ),
        );
    }
    let Some(xr) = xr else {
        ui.colored_label(WARN, "⚠ Desktop only: no headset");
        return;
    };
    match &xr.mode {
        XrMode::DesktopOnly(reason) => {
            ui.colored_label(WARN, format!("⚠ Desktop only: {reason}"));
        }
        XrMode::Lost => {
            ui.colored_label(
                BAD,
                "⚠ Headset lost: its runtime stopped. The session is paused. Stillpoint looks \
                 for the headset every few seconds: start the runtime again (SteamVR, \
                 Monado) and reconnect the headset. You can also resume here on the desktop.",
            );
        }
        XrMode::Headset => {
            ui.label(format!(
                "{}  ·  {}",
                xr.runtime.as_deref().unwrap_or("OpenXR runtime"),
                xr.system.as_deref().unwrap_or("headset")
            ));
            if xr.back {
                ui.colored_label(
                    GOOD,
                    if session == SessionState::Paused {
                        "✔ Headset back. The session stays paused until you resume it."
                    } else {
                        "✔ Headset back."
                    },
                );
            }
            let state = xr.session_state.as_deref().unwrap_or("starting");
            let (mark, colour) = if state == "FOCUSED" || state == "VISIBLE" {
                ("✔", GOOD)
            } else {
                ("⚠", WARN)
            };
            ui.colored_label(
                colour,
                format!(
                    "{mark} Session {state}  ·  head {}",
                    if xr.head_tracked {
                        "tracked"
                    } else {
                        "not tracked"
                    }
                ),
            );
        }
    }
}

/// How the patient rests, beside the Recentre button: the words and choices follow a
/// reclined or lying patient's gaze.
fn posture_choice(
    ui: &mut egui::Ui,
    posture: Posture,
    headset: bool,
    asked: &mut Vec<PanelIntent>,
) {
    ui.horizontal(|ui| {
        ui.label("Patient");
        for choice in Posture::ALL {
            let hint = match choice {
                Posture::Seated => "Sitting upright: words ahead at eye height",
                Posture::Reclined => "In a reclining chair: words follow the resting gaze upwards",
                Posture::Lying => "Lying down: words above, against the sky",
            };
            if ui
                .selectable_label(posture == choice, choice.label())
                .on_hover_text(hint)
                .clicked()
                && posture != choice
            {
                asked.push(PanelIntent::Posture(choice));
            }
        }
        if headset
            && ui
                .button("Recentre")
                .on_hover_text(
                    "Places the view where the patient looks now; they can also hold the \
                     grip for 1.5 s",
                )
                .clicked()
        {
            asked.push(PanelIntent::Recentre);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The words the headset section shows.
    fn shown(xr: &XrStatus, session: SessionState) -> String {
        shown_with(xr, session, None)
    }

    /// The words shown, with the comfort guard's first finding.
    fn shown_with(xr: &XrStatus, session: SessionState, discomfort: Option<&String>) -> String {
        let ctx = egui::Context::default();
        let mut asked = Vec::new();
        let mut output = ctx.run_ui(egui::RawInput::default(), |ui| {
            headset(
                ui,
                Some(xr),
                session,
                Posture::Reclined,
                discomfort,
                &mut asked,
            );
        });
        // No renderer here to take the font texture.
        output.textures_delta.clear();
        let mut words = Vec::new();
        for clipped in output.shapes {
            collect_text(&clipped.shape, &mut words);
        }
        words.join(" | ")
    }

    fn collect_text(shape: &egui::Shape, words: &mut Vec<String>) {
        match shape {
            egui::Shape::Text(text) => words.push(text.galley.text().replace('\n', " ")),
            egui::Shape::Vec(shapes) => {
                for shape in shapes {
                    collect_text(shape, words);
                }
            }
            _ => {}
        }
    }

    fn headset_in_use() -> XrStatus {
        XrStatus {
            mode: XrMode::Headset,
            runtime: Some("Monado".to_owned()),
            system: Some("Simulated HMD".to_owned()),
            session_state: Some("FOCUSED".to_owned()),
            head_tracked: true,
            frames: 90,
            back: false,
        }
    }

    #[test]
    fn content_away_from_the_gaze_is_pointed_out_with_what_to_do() {
        let problem = "the caption is 47° from the resting gaze (at most 30°)".to_owned();
        let words = shown_with(&headset_in_use(), SessionState::Running, Some(&problem));
        assert!(
            words.contains("The words are away from where the patient looks")
                && words.contains("47°"),
            "{words}"
        );
        let comfortable = shown(&headset_in_use(), SessionState::Running);
        assert!(!comfortable.contains("away from"), "{comfortable}");
    }

    #[test]
    fn a_lost_headset_says_so_and_that_it_is_looked_for() {
        let lost = XrStatus {
            mode: XrMode::Lost,
            ..headset_in_use()
        };
        let words = shown(&lost, SessionState::Paused);
        assert!(words.contains("Headset lost"), "{words}");
        assert!(
            words.contains("looks for the headset every few seconds"),
            "{words}"
        );
        assert!(!words.contains("Recentre"), "{words}");
    }

    #[test]
    fn a_headset_that_came_back_says_so_while_the_session_waits_for_the_therapist() {
        let back = XrStatus {
            back: true,
            ..headset_in_use()
        };
        let paused = shown(&back, SessionState::Paused);
        assert!(
            paused.contains("Headset back. The session stays paused until you resume it."),
            "{paused}"
        );
        assert!(paused.contains("Recentre"), "{paused}");
        assert!(
            paused.contains("Seated") && paused.contains("Reclined") && paused.contains("Lying"),
            "the posture choice sits beside Recentre: {paused}"
        );
        let running = shown(&back, SessionState::Running);
        assert!(running.contains("Headset back."), "{running}");
        assert!(!running.contains("stays paused"), "{running}");
        let never_lost = shown(&headset_in_use(), SessionState::Running);
        assert!(!never_lost.contains("Headset back"), "{never_lost}");
        assert!(never_lost.contains("Session FOCUSED"), "{never_lost}");
    }
}
