//! The size of the panel's words: chosen in the panel, kept in the data folder, and applied
//! to the panel and every window it opens.

use bevy::prelude::*;
use bevy::tasks::IoTaskPool;
use bevy_egui::egui;

use super::intent::PanelIntent;
use super::view::{BODY_POINTS, PanelTextSize};
use crate::AppSystems;
use crate::config::{PanelPreferences, Settings, TextSize};

/// The panel's width in points at the usual text size.
pub const NORMAL_WIDTH: f32 = 390.0;

/// The text size: read at start, changed by [`PanelIntent::TextSize`] and kept.
pub fn plugin(app: &mut App) {
    app.init_resource::<PanelTextSize>()
        .add_systems(Startup, read_preference)
        .add_systems(Update, choose.in_set(AppSystems::Input));
}

/// The size chosen last time, or the clinic's setting.
fn read_preference(settings: Option<Res<Settings>>, mut size: ResMut<PanelTextSize>) {
    let Some(settings) = settings else { return };
    match PanelPreferences::load(&settings.data_root()) {
        Ok(preferences) => size.0 = preferences.text_size(&settings),
        Err(problem) => {
            warn!("{problem}");
            size.0 = settings.panel_text_size;
        }
    }
}

/// Applies a size the therapist chose, and keeps it in the data folder (off the frame).
fn choose(
    mut intents: MessageReader<PanelIntent>,
    settings: Option<Res<Settings>>,
    mut size: ResMut<PanelTextSize>,
) {
    let Some(chosen) = intents.read().fold(None, |chosen, intent| match intent {
        PanelIntent::TextSize(size) => Some(*size),
        _ => chosen,
    }) else {
        return;
    };
    if size.0 == chosen {
        return;
    }
    size.0 = chosen;
    let Some(data) = settings.map(|settings| settings.data_root()) else {
        return;
    };
    let keep = move || {
        let preferences = PanelPreferences {
            text_size: Some(chosen),
        };
        if let Err(problem) = preferences.save(&data) {
            warn!("{problem}");
        }
    };
    match IoTaskPool::try_get() {
        Some(pool) => pool.spawn(async move { keep() }).detach(),
        None => keep(),
    }
}

/// The panel's width in points at `size`: wider for larger words, so lines wrap as usual.
pub fn panel_width(size: TextSize) -> f32 {
    (NORMAL_WIDTH * size.scale()).round()
}

/// Sets the sizes of every kind of text (and the spacing around them) for `size`.
pub(super) fn apply(ctx: &egui::Context, size: TextSize) {
    let scale = size.scale();
    ctx.all_styles_mut(|style| {
        use egui::{FontId, TextStyle};
        for (text_style, points) in [
            (TextStyle::Body, BODY_POINTS),
            (TextStyle::Button, BODY_POINTS),
            (TextStyle::Heading, 19.0),
            (TextStyle::Small, 12.0),
        ] {
            style
                .text_styles
                .insert(text_style, FontId::proportional(points * scale));
        }
        style
            .text_styles
            .insert(TextStyle::Monospace, FontId::monospace(13.0 * scale));
        style.spacing.item_spacing = egui::vec2(8.0, 6.0) * scale;
        style.spacing.button_padding = egui::vec2(10.0, 5.0) * scale;
        style.spacing.interact_size.y = 20.0 * scale;
    });
}

/// The row that chooses the size: one button per size, the current one marked with a tick
/// and a word, not by colour alone.
pub(super) fn text_size_row(ui: &mut egui::Ui, current: TextSize, asked: &mut Vec<PanelIntent>) {
    ui.horizontal_wrapped(|ui| {
        ui.label("Text size");
        for size in TextSize::ALL {
            let chosen = size == current;
            let words = if chosen {
                format!("✓ {}", size.label())
            } else {
                size.label().to_owned()
            };
            if ui
                .add(egui::Button::new(words).selected(chosen).small())
                .on_hover_text(format!(
                    "{} words in the panel and its windows",
                    size.label()
                ))
                .clicked()
                && !chosen
            {
                asked.push(PanelIntent::TextSize(size));
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn larger_words_make_a_wider_panel_and_larger_fonts() {
        assert_eq!(panel_width(TextSize::Normal), NORMAL_WIDTH);
        assert!(panel_width(TextSize::Larger) > panel_width(TextSize::Large));
        assert!(panel_width(TextSize::Small) < NORMAL_WIDTH);
        let ctx = egui::Context::default();
        let body = |ctx: &egui::Context| {
            ctx.style_of(ctx.theme())
                .text_styles
                .get(&egui::TextStyle::Body)
                .map(|font| font.size)
        };
        apply(&ctx, TextSize::Normal);
        assert_eq!(body(&ctx), Some(15.0));
        apply(&ctx, TextSize::Larger);
        assert_eq!(body(&ctx), Some(21.0));
    }

    #[test]
    fn sizes_drawn_apart_from_a_text_style_follow_the_chosen_size() {
        let ctx = egui::Context::default();
        let calm_words_at = |size| {
            apply(&ctx, size);
            let mut points = 0.0;
            let mut output = ctx.run_ui(egui::RawInput::default(), |ui| {
                points = crate::panel::view::scaled(ui, 19.0);
            });
            // No painter takes the frame's font textures here.
            output.textures_delta.clear();
            points
        };
        assert_eq!(calm_words_at(TextSize::Normal), 19.0);
        assert!((calm_words_at(TextSize::Larger) - 19.0 * 1.4).abs() < 1e-3);
        assert!(calm_words_at(TextSize::Small) < 19.0);
    }
}
