//! The artwork as data: strokes of light, each a smoothed line of points with a colour, a
//! width and a symmetry, and the file format they are kept in (`docs/ARTWORK.md`).

use std::f32::consts::TAU;
use std::sync::Arc;

use bevy::color::Srgba;
use bevy::math::{Quat, Vec3};
use serde::{Deserialize, Serialize};

/// The name every artwork file carries in its `format` field.
pub const FORMAT: &str = "stillpoint-artwork";
/// The version of the artwork format this build writes (and the newest it reads).
pub const VERSION: u32 = 1;

/// The centre the patient paints around, in the world (metres; the patient sits at the
/// origin looking toward −Z with the eyes at the seated eye height). Symmetry
/// turns copies around the line through it toward the patient.
pub const CANVAS_CENTRE: Vec3 = Vec3::new(0.0, 1.1, -0.6);

/// A colour as 0–255 sRGB channels, written `"#rrggbb"` in files.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Rgb(pub [u8; 3]);

impl Rgb {
    /// The colour as linear 0–1 channels (for meshes and glTF).
    pub fn linear(self) -> [f32; 3] {
        self.0.map(srgb_to_linear)
    }
}

impl TryFrom<String> for Rgb {
    type Error = String;

    fn try_from(text: String) -> Result<Self, String> {
        crate::script::validate::parse_hex_colour(&text)
            .map(Rgb)
            .ok_or_else(|| format!("\"{text}\" is not a colour; colours are written \"#rrggbb\""))
    }
}

impl From<Rgb> for String {
    fn from(colour: Rgb) -> String {
        let [r, g, b] = colour.0;
        format!("#{r:02x}{g:02x}{b:02x}")
    }
}

/// An sRGB channel (0–255) as linear light (0–1).
pub fn srgb_to_linear(channel: u8) -> f32 {
    Srgba::gamma_function(f32::from(channel) / 255.0)
}

/// One point of a stroke: where the brush was and how hard the trigger was pressed (0–1).
/// Written in files as `[x, y, z, pressure]`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(from = "[f32; 4]", into = "[f32; 4]")]
pub struct StrokePoint {
    /// Position in the world, metres.
    pub at: Vec3,
    /// Pressure, 0–1.
    pub pressure: f32,
}

impl From<[f32; 4]> for StrokePoint {
    fn from([x, y, z, pressure]: [f32; 4]) -> Self {
        Self {
            at: Vec3::new(x, y, z),
            pressure,
        }
    }
}

impl From<StrokePoint> for [f32; 4] {
    fn from(point: StrokePoint) -> Self {
        [point.at.x, point.at.y, point.at.z, point.pressure]
    }
}

/// Mirror symmetry: 1 draws a stroke once; 2 mirrors it left and right; 3–12 turn copies
/// around the canvas centre like a mandala.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct Symmetry(u32);

impl Symmetry {
    /// No copies.
    pub const NONE: Symmetry = Symmetry(1);
    /// The most copies there can be.
    pub const MAX: u32 = 12;

    /// `folds` copies (1 to 12), clamped into range.
    pub fn new(folds: u32) -> Self {
        Self(folds.clamp(1, Self::MAX))
    }

    /// How many copies a stroke is drawn as.
    pub fn folds(self) -> u32 {
        self.0
    }

    /// Where a point drawn at `at` appears in each copy (the first is `at` itself).
    pub fn copies(self, at: Vec3) -> impl Iterator<Item = Vec3> {
        (0..self.0).map(move |copy| self.place(copy, at))
    }

    /// The point `at` in copy number `copy`.
    pub fn place(self, copy: u32, at: Vec3) -> Vec3 {
        if copy == 0 {
            return at;
        }
        let local = at - CANVAS_CENTRE;
        let moved = if self.0 == 2 {
            Vec3::new(-local.x, local.y, local.z)
        } else {
            Quat::from_rotation_z(TAU * copy as f32 / self.0 as f32) * local
        };
        CANVAS_CENTRE + moved
    }

    /// True when copy number `copy` is a mirror image (the second of two), which turns its
    /// triangles' winding round.
    pub fn mirrors(self, copy: u32) -> bool {
        self.0 == 2 && copy == 1
    }

    /// The direction `direction` in copy number `copy` (turned or mirrored like points).
    pub fn turn(self, copy: u32, direction: Vec3) -> Vec3 {
        self.place(copy, CANVAS_CENTRE + direction) - CANVAS_CENTRE
    }
}

impl TryFrom<u32> for Symmetry {
    type Error = String;

    fn try_from(folds: u32) -> Result<Self, String> {
        if (1..=Self::MAX).contains(&folds) {
            Ok(Self(folds))
        } else {
            Err(format!("symmetry {folds} is not available (1 to 12)"))
        }
    }
}

impl From<Symmetry> for u32 {
    fn from(symmetry: Symmetry) -> u32 {
        symmetry.0
    }
}

/// One stroke of light.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stroke {
    /// Its colour.
    pub colour: Rgb,
    /// Its width at full pressure, metres.
    pub width: f32,
    /// How many copies it is drawn as.
    pub symmetry: Symmetry,
    /// Its smoothed points, in order.
    pub points: Vec<StrokePoint>,
}

/// The strokes of one painting, oldest first. Finished strokes are shared, so that a
/// snapshot for saving in the background costs one pointer per stroke.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Artwork {
    /// The strokes.
    pub strokes: Vec<Arc<Stroke>>,
}

impl Artwork {
    /// How many points all strokes hold together.
    pub fn point_count(&self) -> usize {
        self.strokes.iter().map(|stroke| stroke.points.len()).sum()
    }
}

/// An artwork file: the artwork and where it comes from (`docs/ARTWORK.md`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArtworkFile {
    /// Always [`FORMAT`].
    pub format: String,
    /// The format's version, [`VERSION`] for files this build writes.
    pub version: u32,
    /// The patient's pseudonymous code.
    pub patient: String,
    /// The id of the session it was painted in.
    pub session: String,
    /// The paint step's index in that session, from 0.
    pub step: usize,
    /// When it was last saved, RFC 3339 UTC.
    pub saved_at: String,
    /// The point symmetry turns around, metres.
    pub centre: [f32; 3],
    /// The strokes, oldest first.
    pub strokes: Vec<Stroke>,
}

impl ArtworkFile {
    /// The file for `artwork`.
    pub fn new(artwork: &Artwork, patient: &str, session: &str, step: usize) -> Self {
        Self {
            format: FORMAT.to_owned(),
            version: VERSION,
            patient: patient.to_owned(),
            session: session.to_owned(),
            step,
            saved_at: crate::clock::wall_clock(),
            centre: CANVAS_CENTRE.to_array(),
            strokes: artwork
                .strokes
                .iter()
                .map(|stroke| Stroke::clone(stroke))
                .collect(),
        }
    }

    /// The artwork it holds.
    pub fn artwork(&self) -> Artwork {
        Artwork {
            strokes: self.strokes.iter().cloned().map(Arc::new).collect(),
        }
    }

    /// The file as JSON text.
    pub fn to_json(&self) -> Result<Vec<u8>, serde_json::Error> {
        serde_json::to_vec(self)
    }

    /// Reads an artwork file's text; `shown` names it in messages
    /// (`path:line:column: message`).
    pub fn from_json(shown: &str, bytes: &[u8]) -> Result<Self, String> {
        let at = |error: &serde_json::Error| format!("{shown}:{}:{}", error.line(), error.column());
        // The header first, so that a newer version is named as such rather than as a
        // field this build does not know.
        #[derive(Deserialize)]
        struct Header {
            format: Option<String>,
            version: Option<u32>,
        }
        let header: Header = serde_json::from_slice(bytes)
            .map_err(|error| format!("{}: not an artwork file: {error}", at(&error)))?;
        if header.format.as_deref() != Some(FORMAT) {
            return Err(format!(
                "{shown}:1:1: not a Stillpoint artwork (its \"format\" is not \"{FORMAT}\")"
            ));
        }
        match header.version {
            Some(VERSION) => {}
            Some(newer) if newer > VERSION => {
                return Err(format!(
                    "{shown}:1:1: artwork format version {newer} is newer than this Stillpoint reads ({VERSION}); update Stillpoint"
                ));
            }
            other => {
                return Err(format!(
                    "{shown}:1:1: artwork format version {other:?} is not known"
                ));
            }
        }
        let file: Self =
            serde_json::from_slice(bytes).map_err(|error| format!("{}: {error}", at(&error)))?;
        if let Some(bad) = file.strokes.iter().position(|stroke| !stroke.is_sound()) {
            return Err(format!(
                "{shown}:1:1: stroke {} has a point or width that is not a finite number in range",
                bad + 1
            ));
        }
        Ok(file)
    }
}

impl Stroke {
    /// True when every number is finite and in range, so meshes and exports can trust it.
    pub fn is_sound(&self) -> bool {
        self.width.is_finite()
            && self.width > 0.0
            && self.width <= 1.0
            && self.points.iter().all(|point| {
                point.at.is_finite()
                    && point.at.abs().max_element() < 1000.0
                    && (0.0..=1.0).contains(&point.pressure)
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Artwork {
        let stroke = |colour, symmetry, n: usize| {
            Arc::new(Stroke {
                colour: Rgb(colour),
                width: 0.012,
                symmetry: Symmetry::new(symmetry),
                points: (0..n)
                    .map(|i| StrokePoint {
                        at: Vec3::new(0.1 + i as f32 * 0.003, 1.1 + (i as f32 * 0.2).sin(), -0.6),
                        pressure: (i as f32 / n as f32).min(1.0),
                    })
                    .collect(),
            })
        };
        Artwork {
            strokes: vec![
                stroke([242, 198, 160], 1, 40),
                stroke([143, 184, 222], 6, 7),
            ],
        }
    }

    #[test]
    fn an_artwork_comes_back_from_its_file_exactly() {
        let artwork = sample();
        let file = ArtworkFile::new(&artwork, "P-7", "creative-integration", 5);
        let bytes = file.to_json().expect("serialises");
        let read = ArtworkFile::from_json("a.json", &bytes).expect("reads back");
        assert_eq!(read, file);
        assert_eq!(read.artwork(), artwork);
        let text = String::from_utf8(bytes).expect("utf-8");
        assert!(text.contains("\"colour\":\"#f2c6a0\""), "{text:.200}");
    }

    #[test]
    fn damaged_and_foreign_files_are_named_with_a_position() {
        let file = ArtworkFile::new(&sample(), "P-7", "s", 0);
        let bytes = file.to_json().expect("serialises");
        let cut = ArtworkFile::from_json("cut.json", &bytes[..bytes.len() / 2])
            .expect_err("a cut file is refused");
        assert!(cut.starts_with("cut.json:1:"), "{cut}");
        let foreign = ArtworkFile::from_json("x.json", br#"{"format":"other","version":1}"#)
            .expect_err("another format is refused");
        assert!(foreign.contains("not a Stillpoint artwork"), "{foreign}");
        let newer = String::from_utf8(bytes.clone())
            .expect("utf-8")
            .replace("\"version\":1", "\"version\":9");
        let newer = ArtworkFile::from_json("n.json", newer.as_bytes()).expect_err("refused");
        assert!(newer.contains("version 9 is newer"), "{newer}");
        let nan = String::from_utf8(bytes)
            .expect("utf-8")
            .replace("\"width\":0.012", "\"width\":-1.0");
        let nan = ArtworkFile::from_json("w.json", nan.as_bytes()).expect_err("refused");
        assert!(nan.contains("stroke 1"), "{nan}");
    }

    #[test]
    fn symmetry_turns_copies_around_the_centre_and_two_mirrors() {
        // Off both axes, so that a mirror and a half turn put the copy in different places.
        let at = CANVAS_CENTRE + Vec3::new(0.2, 0.1, 0.05);
        let radius = bevy::math::Vec2::new(0.2, 0.1).length();
        let six: Vec<Vec3> = Symmetry::new(6).copies(at).collect();
        assert_eq!(six.len(), 6);
        for copy in &six {
            let local = *copy - CANVAS_CENTRE;
            assert!((local.truncate().length() - radius).abs() < 1e-5);
            assert!(
                (local.z - 0.05).abs() < 1e-6,
                "copies stay at the same depth"
            );
        }
        let turned = (at - CANVAS_CENTRE)
            .truncate()
            .angle_to((six[1] - CANVAS_CENTRE).truncate());
        assert!((turned - TAU / 6.0).abs() < 1e-4, "{turned}");
        let two: Vec<Vec3> = Symmetry::new(2).copies(at).collect();
        assert_eq!(
            two[1],
            CANVAS_CENTRE + Vec3::new(-0.2, 0.1, 0.05),
            "mirrored left and right: the height stays, not turned half round"
        );
        let mirrored = Symmetry::new(2).turn(1, Vec3::new(1.0, 1.0, 0.5));
        assert!(
            mirrored.abs_diff_eq(Vec3::new(-1.0, 1.0, 0.5), 1e-5),
            "{mirrored}"
        );
        assert_eq!(Symmetry::new(40).folds(), 12);
        assert_eq!(Symmetry::NONE.copies(at).count(), 1);
    }
}
