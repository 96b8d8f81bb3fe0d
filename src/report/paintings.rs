//! The paintings of a session for its report: a small picture of each, embedded in the
//! page so that it stays one self-contained file.

use std::io::Cursor;
use std::path::Path;

use super::summary::SessionSummary;
use crate::artwork::save::ArtworkPaths;

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
/// stopped before exporting it, a picture rendered from the artwork file.
pub fn pictures_of(session: &SessionSummary) -> Vec<PaintingPicture> {
    let folder = session.record.parent().unwrap_or(Path::new("."));
    session
        .artworks
        .iter()
        .map(|painting| {
            let paths = ArtworkPaths::of_artwork(&folder.join(&painting.file));
            PaintingPicture {
                step: painting.step,
                strokes: painting.strokes,
                points: painting.points,
                data_uri: picture(&paths)
                    .map(|png| format!("data:image/png;base64,{}", base64(&png))),
            }
        })
        .collect()
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
