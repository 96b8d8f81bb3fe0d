//! The library of sessions: each with its preview, length and problems, to choose from.

use bevy::prelude::*;
use bevy_egui::egui;

use super::intent::PanelIntent;
use super::live::LibraryItem;
use super::view::{BAD, GOOD, PanelView, Previews, WARN};
use crate::script::duration::format_length;

pub(super) fn library(
    ui: &mut egui::Ui,
    view: &PanelView,
    previews: &Previews,
    asked: &mut Vec<PanelIntent>,
) {
    let open = !view.runtime.is_under_way();
    egui::CollapsingHeader::new(format!("Session library ({})", view.library.items.len()))
        .default_open(open)
        .show(ui, |ui| {
            if let Some(problem) = &view.library.problem {
                ui.colored_label(BAD, format!("⚠ {problem}"));
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
                if chosen {
                    let title = format!("✔ {}  (chosen)", summary.title);
                    ui.label(egui::RichText::new(title).strong().color(GOOD));
                } else {
                    ui.label(egui::RichText::new(&summary.title).strong());
                }
                ui.small(format!(
                    "{}  ·  {}",
                    summary.phase.label(),
                    format_length(summary.length_secs)
                ));
                for warning in &item.problems {
                    ui.small(egui::RichText::new(format!("⚠ {warning}")).color(WARN));
                }
                ui.horizontal(|ui| {
                    if !chosen
                        && ui
                            .add_enabled(can_open, egui::Button::new("Open").small())
                            .clicked()
                    {
                        asked.push(PanelIntent::Open(item.path.clone()));
                    }
                    // The words this session speaks, to record in the clinic's own voice.
                    if ui.add(egui::Button::new("Voice…").small()).clicked() {
                        asked.push(PanelIntent::Voice(item.path.clone()));
                    }
                });
            }
            None => {
                ui.label(egui::RichText::new(format!("⚠ {} (cannot be used)", item.id)).color(BAD));
                for problem in &item.problems {
                    ui.small(egui::RichText::new(problem).color(BAD));
                }
            }
        });
    });
}
