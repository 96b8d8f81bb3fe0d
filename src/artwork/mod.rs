//! A painting with light, as data: strokes and their file format ([`model`]), brush input,
//! undo and symmetry ([`canvas`]), stroke geometry ([`tube`]), saving beside the record
//! ([`save`]), and the exports for looking at a painting outside the headset ([`glb`],
//! [`picture`]). Nothing here draws on screen: the paint step that holds a painting is in
//! `session::painting`, the painting the patient sees in `paint`.

pub mod canvas;
pub mod glb;
pub mod model;
pub mod picture;
pub mod save;
pub mod stroke_shape;
pub mod tube;

use std::io::Write;
use std::path::Path;

pub use canvas::{Canvas, PaintAction, Tool};
use model::Artwork;
use save::ArtworkPaths;

/// The size of the PNG snapshot for the therapist's notes, pixels (square).
pub const SNAPSHOT_SIZE: u32 = 1024;

/// Writes the GLB and PNG exports of a finished painting (atomically, like the artwork).
pub fn export(artwork: &Artwork, paths: &ArtworkPaths) -> std::io::Result<()> {
    let glb = glb::glb(artwork);
    crate::private::write_atomically(&paths.glb, |out: &mut dyn Write| out.write_all(&glb))?;
    let png = picture::snapshot_png(artwork, SNAPSHOT_SIZE).map_err(std::io::Error::other)?;
    crate::private::write_atomically(&paths.png, |out: &mut dyn Write| out.write_all(&png))?;
    bevy::log::info!(
        "exported the painting as {} and {}",
        paths.glb.display(),
        paths.png.display()
    );
    Ok(())
}

/// The last part of `path`, as text (empty for none).
pub fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default()
}
/// Paintings for the export tests.
#[cfg(test)]
pub(crate) mod test_paintings {
    use std::sync::Arc;

    use bevy::math::Vec3;

    use super::model::{Artwork, CANVAS_CENTRE, Rgb, Stroke, StrokePoint, Symmetry};

    pub(crate) fn stroke(colour: [u8; 3], symmetry: u32, points: Vec<Vec3>) -> Arc<Stroke> {
        Arc::new(Stroke {
            colour: Rgb(colour),
            width: 0.012,
            symmetry: Symmetry::new(symmetry),
            points: points
                .into_iter()
                .map(|at| StrokePoint { at, pressure: 0.8 })
                .collect(),
        })
    }

    /// An arc of `n` points around the canvas centre, from `start` radians.
    pub(crate) fn arc(n: usize, radius: f32, start: f32, depth: f32) -> Vec<Vec3> {
        (0..n)
            .map(|i| {
                let a = start + i as f32 * 0.02;
                CANVAS_CENTRE + Vec3::new(a.cos() * radius, a.sin() * radius, depth)
            })
            .collect()
    }

    pub(crate) fn painting() -> Artwork {
        Artwork {
            strokes: vec![
                stroke([143, 184, 222], 1, arc(300, 0.25, 0.0, 0.0)),
                stroke([242, 198, 160], 6, arc(40, 0.12, 0.3, 0.05)),
                stroke([200, 160, 230], 1, arc(600, 0.3, 1.0, -0.1)),
                stroke([255, 255, 255], 1, arc(1, 0.3, 0.0, 0.0)),
            ],
        }
    }
}
