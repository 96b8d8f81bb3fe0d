//! The panel's painting section: while a paint step shows, the palette, brush and eraser,
//! width, undo, redo, clear (asked first) and how the saving goes; at any time, the
//! patient's earlier paintings with their pictures, to open one in the paint step.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use bevy::prelude::*;
use bevy_egui::egui;

use super::intent::PanelIntent;
use super::live::{Background, Course};
use super::view::{PanelState, scaled};
use crate::artwork::canvas::BRUSH_WIDTHS;
use crate::artwork::picture::thumbnail;
use crate::artwork::save::{ArtworkPaths, SavedArtwork};
use crate::artwork::{PaintAction, Tool};
use crate::session::painting::PaintStep;

/// The side of an artwork's picture in the list, points.
const THUMBNAIL: f32 = 64.0;

/// How long a picture that could not be read (still being exported) waits before it is
/// tried again.
const RETRY_PICTURE: Duration = Duration::from_secs(2);

/// Artwork pictures read into egui textures, by PNG file. Each is made small on the I/O task
/// pool, never inside the panel's frame (the exported picture, or one rendered from the
/// artwork file while it is still being exported); one not readable yet is tried again a
/// little later.
#[derive(Resource, Default)]
pub struct ArtworkPictures(HashMap<PathBuf, Picture>);

/// One artwork's picture, as far as it has come.
enum Picture {
    Decoding(Background<Option<egui::ColorImage>>),
    Ready(egui::TextureHandle),
    Unreadable(Instant),
}

impl ArtworkPictures {
    /// The picture of the artwork whose snapshot is `png`, once it has been read.
    fn get(&mut self, ctx: &egui::Context, paths: &ArtworkPaths) -> Option<egui::TextureId> {
        let png = paths.png.as_path();
        match self.0.get_mut(png) {
            Some(Picture::Ready(texture)) => return Some(texture.id()),
            Some(Picture::Decoding(decoding)) => {
                let read = decoding.finished()?;
                let picture = match read {
                    Some(colour) => Picture::Ready(ctx.load_texture(
                        png.display().to_string(),
                        colour,
                        egui::TextureOptions::LINEAR,
                    )),
                    None => Picture::Unreadable(Instant::now()),
                };
                let id = match &picture {
                    Picture::Ready(texture) => Some(texture.id()),
                    _ => None,
                };
                self.0.insert(png.to_owned(), picture);
                return id;
            }
            Some(Picture::Unreadable(since)) if since.elapsed() < RETRY_PICTURE => return None,
            _ => {}
        }
        let mut decoding = Background::default();
        let files = paths.clone();
        decoding.start(move || {
            let small = thumbnail(&files, 128)?;
            Some(egui::ColorImage::from_rgba_unmultiplied(
                [small.width() as usize, small.height() as usize],
                small.as_raw(),
            ))
        });
        self.0.insert(png.to_owned(), Picture::Decoding(decoding));
        None
    }
}

/// The painting controls for the paint step showing.
pub fn painting(
    ui: &mut egui::Ui,
    painting: &PaintStep,
    state: &mut PanelState,
    asked: &mut Vec<PanelIntent>,
) {
    let canvas = painting.canvas();
    let paint = |action| PanelIntent::Paint(action);
    ui.label(egui::RichText::new("Painting").strong());
    ui.horizontal_wrapped(|ui| {
        for (index, colour) in canvas.palette().iter().enumerate() {
            let [red, green, blue] = colour.0;
            let chosen = index == canvas.colour() && canvas.tool() == Tool::Brush;
            let swatch = egui::Button::new("")
                .fill(egui::Color32::from_rgb(red, green, blue))
                .min_size(egui::Vec2::splat(scaled(ui, 28.0)))
                .corner_radius(scaled(ui, 14.0))
                .stroke(if chosen {
                    egui::Stroke::new(3.0, egui::Color32::WHITE)
                } else {
                    egui::Stroke::NONE
                });
            if ui
                .add(swatch)
                .on_hover_text(format!(
                    "colour {} (key {})",
                    String::from(*colour),
                    index + 1
                ))
                .clicked()
            {
                asked.push(paint(PaintAction::Colour(index)));
                asked.push(paint(PaintAction::Tool(Tool::Brush)));
            }
        }
    });
    ui.horizontal(|ui| {
        for (tool, name) in [(Tool::Brush, "Brush"), (Tool::Eraser, "Eraser (E)")] {
            if ui.selectable_label(canvas.tool() == tool, name).clicked() {
                asked.push(paint(PaintAction::Tool(tool)));
            }
        }
        let mut centimetres = canvas.width() * 100.0;
        let range = BRUSH_WIDTHS.start() * 100.0..=BRUSH_WIDTHS.end() * 100.0;
        let slider = egui::Slider::new(&mut centimetres, range)
            .suffix(" cm")
            .fixed_decimals(1)
            .text("width");
        if ui.add(slider).changed() {
            asked.push(paint(PaintAction::Width(centimetres / 100.0)));
        }
    });
    ui.horizontal(|ui| {
        if ui
            .add_enabled(canvas.can_undo(), egui::Button::new("Undo (Ctrl+Z)"))
            .clicked()
        {
            asked.push(paint(PaintAction::Undo));
        }
        if ui
            .add_enabled(canvas.can_redo(), egui::Button::new("Redo (Ctrl+Y)"))
            .clicked()
        {
            asked.push(paint(PaintAction::Redo));
        }
        let has_strokes = !canvas.artwork().strokes.is_empty();
        if ui
            .add_enabled(has_strokes, egui::Button::new("Clear…"))
            .clicked()
        {
            state.confirming_clear = true;
        }
    });
    let strokes = canvas.artwork().strokes.len();
    let points = canvas.point_count();
    let saving = match (painting.problem(), painting.paths()) {
        (Some(problem), _) => egui::RichText::new(format!("⚠ {problem}")).color(super::view::BAD),
        (None, None) => {
            egui::RichText::new("⚠ not saved: this session has no record").color(super::view::WARN)
        }
        (None, Some(_)) if painting.is_saving() => egui::RichText::new("saving…"),
        (None, Some(_)) if painting.is_saved() => {
            egui::RichText::new("✔ saved beside the record").color(super::view::GOOD)
        }
        (None, Some(_)) => egui::RichText::new(format!(
            "saves every {:.0} s and at the end of the step",
            crate::session::painting::AUTOSAVE_SECS
        )),
    };
    ui.small(format!(
        "{strokes} strokes, {points} points; symmetry {}",
        match canvas.symmetry().folds() {
            1 => "off".to_owned(),
            2 => "mirrored".to_owned(),
            folds => format!("{folds}-fold"),
        }
    ));
    ui.small(saving);
}

/// Asks before clearing the painting (undo still brings it back).
pub fn confirm_clear(ctx: &egui::Context, state: &mut PanelState, asked: &mut Vec<PanelIntent>) {
    let modal = egui::Modal::new(egui::Id::new("confirm-clear")).show(ctx, |ui| {
        ui.heading("Clear the painting?");
        ui.label("Every stroke is taken away. Undo brings them back.");
        ui.horizontal(|ui| {
            if ui
                .button(egui::RichText::new("Clear").color(super::view::BAD))
                .clicked()
            {
                asked.push(PanelIntent::Paint(PaintAction::Clear));
                state.confirming_clear = false;
            }
            if ui.button("Keep it").clicked() {
                state.confirming_clear = false;
            }
        });
    });
    if modal.should_close() {
        state.confirming_clear = false;
    }
}

/// The patient's earlier paintings, newest first; each can be opened in the paint step
/// showing (`can_open`).
pub fn earlier_paintings(
    ui: &mut egui::Ui,
    course: &Course,
    pictures: &mut ArtworkPictures,
    can_open: bool,
    asked: &mut Vec<PanelIntent>,
) {
    if course.artworks.is_empty() {
        return;
    }
    egui::CollapsingHeader::new(format!(
        "Paintings of {} ({})",
        course.patient,
        course.artworks.len()
    ))
    .default_open(can_open)
    .show(ui, |ui| {
        for artwork in &course.artworks {
            artwork_row(ui, artwork, pictures, can_open, asked);
        }
    });
}

fn artwork_row(
    ui: &mut egui::Ui,
    artwork: &SavedArtwork,
    pictures: &mut ArtworkPictures,
    can_open: bool,
    asked: &mut Vec<PanelIntent>,
) {
    ui.horizontal(|ui| {
        let picture = pictures.get(ui.ctx(), &artwork.paths);
        super::library::picture_or_blank(ui, picture, egui::vec2(THUMBNAIL, THUMBNAIL));
        ui.vertical(|ui| {
            ui.label(&artwork.label);
            ui.small(format!(
                "{}  ·  {}",
                crate::artwork::file_name(&artwork.paths.glb),
                crate::artwork::file_name(&artwork.paths.png)
            ))
            .on_hover_text(artwork.paths.artwork.display().to_string());
            if can_open
                && ui
                    .button("Open in this painting")
                    .on_hover_text("The patient continues it, or you look at it together")
                    .clicked()
            {
                asked.push(PanelIntent::Paint(PaintAction::Reopen(
                    artwork.paths.artwork.clone(),
                )));
            }
        });
    });
}
