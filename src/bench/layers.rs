//! The layer table of the render benchmark (`--bench-layers`): every mesh is put in a render
//! layer by what it is (sky, land or water, hills and trees, …), and the patient's camera
//! draws the whole scene, nothing, then each layer alone, N frames each. A layer's cost is
//! its median frame time over the empty frame's, in the same window with the same overheads.
//! A picture of each phase gives each layer's screen coverage, and their sum the layers
//! shaded at an average pixel (the overdraw between layers).

use std::sync::{Arc, Mutex};

use bevy::camera::visibility::RenderLayers;
use bevy::prelude::*;
use bevy::render::view::screenshot::{Screenshot, ScreenshotCaptured};

use crate::paint::glow::{GLOW_LAYER, GlowSlot, PaintingGlow};
use crate::viewpoint::PatientCamera;

/// What the scene is made of, for the table.
#[derive(Component, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layer {
    /// The sky dome and the stars.
    Sky,
    /// The ground, with the water where the scene has it.
    Land,
    /// The hills and the trees.
    HillsAndTrees,
    /// The soft drifting lights.
    AmbientLights,
    /// The caption panel.
    Caption,
    /// Check-in and choice boards and the dwell ring.
    Boards,
    /// The breathing orb and its halo.
    Pacer,
    /// The veil that fades and dims the view.
    Veil,
    /// The painting and the brush tip.
    Painting,
    /// Anything else drawn.
    Other,
}

impl Layer {
    /// Every layer, in table order.
    pub const ALL: [Layer; 10] = [
        Layer::Sky,
        Layer::Land,
        Layer::HillsAndTrees,
        Layer::AmbientLights,
        Layer::Caption,
        Layer::Boards,
        Layer::Pacer,
        Layer::Veil,
        Layer::Painting,
        Layer::Other,
    ];

    /// The layer an entity of this name belongs to, if the name says.
    pub fn of_name(name: &str) -> Option<Layer> {
        Some(match name {
            "Sky" | "Stars" => Layer::Sky,
            "Ground" => Layer::Land,
            "Hills" | "Tree" => Layer::HillsAndTrees,
            "Ambient light" => Layer::AmbientLights,
            "Caption panel" => Layer::Caption,
            "Board panel" | "Dwell ring" => Layer::Boards,
            "Breathing orb" => Layer::Pacer,
            "Veil" => Layer::Veil,
            "Stroke of light" | "Stroke's glow" | "Painting's glow" | "Brush tip" => {
                Layer::Painting
            }
            _ => return None,
        })
    }

    /// The words in the table.
    fn label(self) -> &'static str {
        match self {
            Layer::Sky => "sky and stars",
            Layer::Land => "land or water",
            Layer::HillsAndTrees => "hills and trees",
            Layer::AmbientLights => "ambient lights",
            Layer::Caption => "caption",
            Layer::Boards => "boards",
            Layer::Pacer => "pacer",
            Layer::Veil => "veil and fade",
            Layer::Painting => "painting",
            Layer::Other => "other",
        }
    }

    /// The render layer it is drawn in (0 is everything untagged).
    fn render_layer(self) -> usize {
        Layer::ALL
            .iter()
            .position(|layer| *layer == self)
            .unwrap_or(0)
            + 1
    }
}

/// What the camera draws in one part of the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// The whole scene.
    Everything,
    /// Nothing but the clear colour.
    Nothing,
    /// One layer alone.
    Alone(Layer),
}

impl Phase {
    /// The run's phases, in order.
    pub fn all() -> Vec<Phase> {
        [Phase::Everything, Phase::Nothing]
            .into_iter()
            .chain(Layer::ALL.map(Phase::Alone))
            .collect()
    }

    fn label(self) -> &'static str {
        match self {
            Phase::Everything => "everything",
            Phase::Nothing => "nothing drawn",
            Phase::Alone(layer) => layer.label(),
        }
    }

    /// The layers the camera sees: with the painting, the quad that lays its glow over the
    /// view.
    fn camera_layers(self) -> RenderLayers {
        let layers = match self {
            Phase::Everything => (0..=Layer::ALL.len()).collect(),
            Phase::Nothing => RenderLayers::none(),
            Phase::Alone(layer) => RenderLayers::layer(layer.render_layer()),
        };
        if self.shows_painting() {
            layers.with(GlowSlot::DESKTOP.overlay_layer())
        } else {
            layers
        }
    }

    /// Whether the painting is drawn, and so its glow.
    fn shows_painting(self) -> bool {
        matches!(self, Phase::Everything | Phase::Alone(Layer::Painting))
    }
}

/// Puts every newly drawn mesh in its layer, by its own name or its nearest named ancestor's.
/// A mesh already drawn in a render layer of its own (the painting's glow) stays in it.
pub fn tag_layers(
    mut commands: Commands,
    untagged: Query<(Entity, Has<RenderLayers>), (With<Mesh3d>, Without<Layer>)>,
    names: Query<&Name>,
    parents: Query<&ChildOf>,
) {
    for (entity, own_layers) in &untagged {
        let layer = std::iter::once(entity)
            .chain(parents.iter_ancestors(entity))
            .find_map(|ancestor| {
                names
                    .get(ancestor)
                    .ok()
                    .and_then(|name| Layer::of_name(name))
            })
            .unwrap_or(Layer::Other);
        if own_layers {
            commands.entity(entity).insert(layer);
        } else {
            commands
                .entity(entity)
                .insert((layer, RenderLayers::layer(layer.render_layer())));
        }
    }
}

/// Shows `phase` through the patient's camera, and its glow camera draws the halos only
/// while the painting is shown.
pub fn show_phase(
    phase: Phase,
    commands: &mut Commands,
    cameras: &Query<(Entity, Option<&PaintingGlow>), With<PatientCamera>>,
) {
    for (camera, glow) in cameras {
        commands.entity(camera).insert(phase.camera_layers());
        if let Some(glow) = glow {
            let halos = if phase.shows_painting() {
                RenderLayers::layer(GLOW_LAYER)
            } else {
                RenderLayers::none()
            };
            commands.entity(glow.camera).insert(halos);
        }
    }
}

/// The meshes of `layer` that are shown now.
pub fn shown_in(layer: Layer, meshes: &Query<(&Layer, &InheritedVisibility)>) -> usize {
    meshes
        .iter()
        .filter(|(of, visible)| **of == layer && visible.get())
        .count()
}

/// A picture of each phase of the run, as the window showed it (RGBA or BGRA bytes).
#[derive(Resource, Debug, Default, Clone)]
pub struct PhasePictures(Arc<Mutex<Vec<(Phase, Vec<u8>)>>>);

impl PhasePictures {
    /// Each layer's screen coverage: the share of the window's pixels its picture alone
    /// changes from the empty picture's.
    pub fn coverage(&self) -> Vec<(Layer, f64)> {
        let Ok(pictures) = self.0.lock() else {
            return Vec::new();
        };
        let Some((_, empty)) = pictures.iter().find(|(phase, _)| *phase == Phase::Nothing) else {
            return Vec::new();
        };
        pictures
            .iter()
            .filter_map(|(phase, picture)| match phase {
                Phase::Alone(layer) => Some((*layer, covered(empty, picture))),
                _ => None,
            })
            .collect()
    }
}

/// The share of pixels (4 bytes each) of `picture` that differ from `empty`.
fn covered(empty: &[u8], picture: &[u8]) -> f64 {
    let pixels = empty.len().min(picture.len()) / 4;
    if pixels == 0 {
        return 0.0;
    }
    let changed = empty
        .chunks_exact(4)
        .zip(picture.chunks_exact(4))
        .filter(|(a, b)| a[..3].iter().zip(&b[..3]).any(|(a, b)| a.abs_diff(*b) > 1))
        .count();
    changed as f64 / pixels as f64
}

/// Asks for a picture of the window as it shows `phase`.
pub fn picture_phase(phase: Phase, commands: &mut Commands) {
    commands.spawn(Screenshot::primary_window()).observe(
        move |captured: On<ScreenshotCaptured>, pictures: Res<PhasePictures>| {
            if let (Some(data), Ok(mut pictures)) = (&captured.image.data, pictures.0.lock()) {
                pictures.push((phase, data.clone()));
            }
        },
    );
}

/// The table: each phase's median frame and its cost over the empty frame, each layer's
/// screen coverage, and their sum: how many layers are shaded at an average pixel (a lower
/// bound of the fragments shaded per pixel, which also counts a layer's own overlaps).
pub fn table(results: &[(Phase, f64, usize)], coverage: &[(Layer, f64)]) -> String {
    let empty = results
        .iter()
        .find(|(phase, ..)| *phase == Phase::Nothing)
        .map_or(0.0, |(_, ms, _)| *ms);
    let mut text = format!(
        "{:<16} {:>8} {:>9} {:>7} {:>9}\n",
        "layer", "frame_ms", "over_ms", "meshes", "coverage"
    );
    for (phase, ms, meshes) in results {
        let (meshes, covers) = match phase {
            Phase::Alone(layer) => (
                meshes.to_string(),
                coverage
                    .iter()
                    .find(|(of, _)| of == layer)
                    .map_or_else(String::new, |(_, share)| format!("{:.0}%", share * 100.0)),
            ),
            _ => (String::new(), String::new()),
        };
        text.push_str(&format!(
            "{:<16} {:>8.1} {:>9.1} {:>7} {:>9}\n",
            phase.label(),
            ms,
            ms - empty,
            meshes,
            covers
        ));
    }
    if !coverage.is_empty() {
        let layers: f64 = coverage.iter().map(|(_, share)| share).sum();
        text.push_str(&format!("layers shaded per pixel: {layers:.2}\n"));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_layer_is_drawn_alone_in_its_own_render_layer() {
        for layer in Layer::ALL {
            let seen = Phase::Alone(layer).camera_layers();
            assert!(seen.intersects(&RenderLayers::layer(layer.render_layer())));
            for other in Layer::ALL.iter().filter(|other| **other != layer) {
                assert!(!seen.intersects(&RenderLayers::layer(other.render_layer())));
            }
            assert!(
                Phase::Everything
                    .camera_layers()
                    .intersects(&RenderLayers::layer(layer.render_layer()))
            );
            assert!(
                !Phase::Nothing
                    .camera_layers()
                    .intersects(&RenderLayers::layer(layer.render_layer()))
            );
        }
        // The painting's glow is laid over the view with the painting, and only then.
        let overlay = RenderLayers::layer(GlowSlot::DESKTOP.overlay_layer());
        for phase in [Phase::Everything, Phase::Alone(Layer::Painting)] {
            assert!(phase.camera_layers().intersects(&overlay));
        }
        for phase in [
            Phase::Nothing,
            Phase::Alone(Layer::Sky),
            Phase::Alone(Layer::Other),
        ] {
            assert!(!phase.camera_layers().intersects(&overlay));
        }
    }

    #[test]
    fn the_table_gives_each_layer_over_the_empty_frame() {
        let table = table(
            &[
                (Phase::Everything, 120.0, 0),
                (Phase::Nothing, 30.0, 0),
                (Phase::Alone(Layer::Sky), 45.5, 1),
                (Phase::Alone(Layer::Land), 40.0, 1),
            ],
            &[(Layer::Sky, 0.6), (Layer::Land, 0.45)],
        );
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines.len(), 6);
        assert!(lines[1].starts_with("everything") && lines[1].contains("90.0"));
        assert!(lines[3].starts_with("sky and stars") && lines[3].contains("15.5"));
        assert!(lines[3].trim_end().ends_with("60%"), "{}", lines[3]);
        assert_eq!(lines[5], "layers shaded per pixel: 1.05");
    }

    #[test]
    fn coverage_counts_the_pixels_a_layer_changes() {
        let empty = [10u8, 20, 30, 255].repeat(4);
        let mut picture = empty.clone();
        // One pixel changed, one changed by a rounding step only.
        picture[4..8].copy_from_slice(&[200, 200, 200, 255]);
        picture[8] = 11;
        assert!((covered(&empty, &picture) - 0.25).abs() < 1e-9);
    }
}
