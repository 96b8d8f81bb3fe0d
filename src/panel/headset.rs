//! The headset: whether it is worn and tracking, and recentring the patient's view.

use bevy_egui::egui;

use super::intent::PanelIntent;
use super::layout::{BAD, GOOD, WARN};
use crate::xr::{XrMode, XrStatus};

pub(super) fn headset(ui: &mut egui::Ui, xr: Option<&XrStatus>, asked: &mut Vec<PanelIntent>) {
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
