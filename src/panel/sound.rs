//! Sound: the volumes, and whether the sound card and a microphone are there.

use bevy_egui::egui;

use super::intent::PanelIntent;
use super::view::{GOOD, PanelView, WARN};
use crate::audio::AudioStatus;
use crate::session::record::Bus;

pub(super) fn sound(ui: &mut egui::Ui, view: &PanelView, asked: &mut Vec<PanelIntent>) {
    ui.label(egui::RichText::new("Sound").strong());
    match view.audio.as_deref() {
        Some(AudioStatus::Playing) => ui.colored_label(GOOD, "✔ Playing on this computer's output"),
        Some(AudioStatus::Silent(reason)) => ui.colored_label(WARN, format!("⚠ {reason}")),
        None => ui.colored_label(WARN, "⚠ no sound output"),
    };
    if let Some(missing) = view
        .sound_in
        .as_ref()
        .and_then(|sound_in| sound_in.missing.as_ref())
    {
        ui.colored_label(WARN, format!("⚠ {missing}"));
    }
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
