//! The paintings of a session for its report: a small picture of each, embedded in the
//! page so that it stays one self-contained file.

use std::io::Cursor;
use std::path::Path;

use super::summary::SessionSummary;
use crate::artwork::save::{self, ArtworkPaths};

/// The side of a painting's picture in the report, pixels.
pub const PICTURE_SIZE: u32 = 240;

/// One painting as the report shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PaintingPicture {
    /// The paint step, from 0.
    pub step: usize,
    /// Its strokes.
    pub strokes: usize,
    /// Its points.
    pub points: usize,
    /// The picture as a `data:image/png;base64,…` URI; `None` when neither the exported
    /// picture nor the artwork file can be read.
    pub data_uri: Option<String>,
}

/// The pictures of `session`'s paintings: the exported PNG made small, or, when the session
/// stopped before exporting it, a picture rendered from the artwork file. A painting whose
/// file the record does not name by a bare file name has no picture ([`left_out`] says so).
pub fn pictures_of(session: &SessionSummary) -> Vec<PaintingPicture> {
    let folder = record_folder(session);
    session
        .artworks
        .iter()
        .map(|painting| PaintingPicture {
            step: painting.step,
            strokes: painting.strokes,
            points: painting.points,
            data_uri: save::named_in(folder, &painting.file)
                .ok()
                .and_then(|artwork| picture(&ArtworkPaths::of_artwork(&artwork)))
                .map(|png| format!("data:image/png;base64,{}", base64(&png))),
        })
        .collect()
}

/// What [`pictures_of`] leaves out of `session`: one line for each painting whose picture
/// is not shown because the record names its file by more than a bare file name.
pub fn left_out(session: &SessionSummary) -> Vec<String> {
    let folder = record_folder(session);
    session
        .artworks
        .iter()
        .filter_map(|painting| {
            let problem = save::named_in(folder, &painting.file).err()?;
            Some(format!(
                "{}: the picture of the painting of paint step {} is left out: {problem}",
                session.record.display(),
                painting.step + 1
            ))
        })
        .collect()
}

/// The folder of `session`'s record, where its paintings are.
fn record_folder(session: &SessionSummary) -> &Path {
    session.record.parent().unwrap_or(Path::new("."))
}

/// A small PNG of the painting at `paths`.
fn picture(paths: &ArtworkPaths) -> Option<Vec<u8>> {
    let small = crate::artwork::picture::thumbnail(paths, PICTURE_SIZE)?;
    let mut png = Vec::new();
    small
        .write_to(&mut Cursor::new(&mut png), image::ImageFormat::Png)
        .ok()?;
    Some(png)
}

/// Standard base64 with padding.
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut text = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let [a, b, c] = [0, 1, 2].map(|index| chunk.get(index).copied().unwrap_or(0));
        let triple = u32::from(a) << 16 | u32::from(b) << 8 | u32::from(c);
        for position in 0..4 {
            if position <= chunk.len() {
                let sextet = (triple >> (18 - 6 * position)) & 63;
                text.push(char::from(ALPHABET[sextet as usize]));
            } else {
                text.push('=');
            }
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_the_standard_vectors() {
        for (plain, encoded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(plain.as_bytes()), encoded);
        }
        assert_eq!(base64(&[0xff, 0xfe, 0x00]), "//4A");
    }
}
