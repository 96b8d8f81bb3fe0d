//! The window tests' pictures: the app's window at a moment of a session, taken through
//! `stillpoint run --screenshot`, and what can be measured in them.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use super::{stdout, stillpoint};

/// A picture of the window (1280 x 720), with the app's line saying what it shows.
#[derive(Clone)]
pub struct Picture {
    pub width: u32,
    pub height: u32,
    pub pixels: Vec<[u8; 3]>,
    /// The app's own line saying what the picture shows (`moment: t=… state=… …`).
    pub moment: String,
}

impl Picture {
    pub fn luminance(&self, [r, g, b]: [u8; 3]) -> f32 {
        0.2126 * f32::from(r) + 0.7152 * f32::from(g) + 0.0722 * f32::from(b)
    }

    pub fn mean_luminance(&self) -> f32 {
        self.band_luminance(0, self.height)
    }

    /// Mean luminance of the rows from `top` up to (not including) `bottom`.
    pub fn band_luminance(&self, top: u32, bottom: u32) -> f32 {
        let start = (top * self.width) as usize;
        let end = (bottom * self.width) as usize;
        let band = &self.pixels[start..end];
        band.iter().map(|&p| self.luminance(p)).sum::<f32>() / band.len() as f32
    }

    /// Pixels of the breathing orb's warm white core, below the caption panel (the warm
    /// white of the orb, not the cooler white of lettering; clear of the glints on the
    /// water towards the sun, further right).
    pub fn orb_pixels(&self) -> usize {
        self.count_in(540..740, 300..560, |[r, g, b]| {
            r > 240 && g > 215 && b > 180 && b < 216
        })
    }

    /// Pixels of light lettering on the board of choices, below eye level.
    pub fn board_pixels(&self) -> usize {
        self.count_in(380..900, 380..470, |[r, g, b]| {
            r > 225 && g > 220 && b > 210
        })
    }

    pub fn count_in(
        &self,
        columns: std::ops::Range<u32>,
        rows: std::ops::Range<u32>,
        wanted: impl Fn([u8; 3]) -> bool,
    ) -> usize {
        rows.flat_map(|row| columns.clone().map(move |column| (row, column)))
            .filter(|&(row, column)| wanted(self.pixels[(row * self.width + column) as usize]))
            .count()
    }

    /// Pixels of light caption lettering in the panel above the middle.
    pub fn caption_pixels(&self) -> usize {
        self.pixels[(120 * self.width) as usize..(300 * self.width) as usize]
            .iter()
            .filter(|&&[r, g, b]| r > 225 && g > 220 && b > 210)
            .count()
    }

    /// Mean (red - blue) of a band of rows: positive for warm colours, negative for cool.
    pub fn warmth(&self, top: u32, bottom: u32) -> f32 {
        let band = &self.pixels[(top * self.width) as usize..(bottom * self.width) as usize];
        band.iter()
            .map(|&[r, _, b]| f32::from(r) - f32::from(b))
            .sum::<f32>()
            / band.len() as f32
    }

    /// Where the things the patient reads stand: the light lettering of the caption and the
    /// board, and the orb's warm core, as (column, row) pixels.
    pub fn content_pixels(&self) -> Vec<(u32, u32)> {
        let mut found = Vec::new();
        for row in 0..self.height {
            for column in 0..self.width {
                let [r, g, b] = self.pixels[(row * self.width + column) as usize];
                let lettering = r > 225 && g > 220 && b > 210;
                let orb = r > 240 && g > 215 && b > 180 && b < 216;
                if lettering || orb {
                    found.push((column, row));
                }
            }
        }
        found
    }

    /// The box holding all but the outermost 2% of the content pixels on each side (a few
    /// bright stars are not content), as fractions of the width and height:
    /// (left, top, right, bottom).
    pub fn content_box(&self) -> Option<(f32, f32, f32, f32)> {
        let found = self.content_pixels();
        if found.is_empty() {
            return None;
        }
        let fraction = |mut values: Vec<u32>, size: u32| {
            values.sort_unstable();
            let low = values[values.len() / 50];
            let high = values[values.len() - 1 - values.len() / 50];
            (low as f32 / size as f32, high as f32 / size as f32)
        };
        let (left, right) = fraction(found.iter().map(|p| p.0).collect(), self.width);
        let (top, bottom) = fraction(found.iter().map(|p| p.1).collect(), self.height);
        Some((left, top, right, bottom))
    }

    pub fn distinct_colours(&self) -> usize {
        let mut colours: Vec<[u8; 3]> = self.pixels.clone();
        colours.sort_unstable();
        colours.dedup();
        colours.len()
    }
}

pub fn screenshot(session: &str) -> Picture {
    screenshot_at(session, session, &[])
}

/// A picture of the window named `name`, with extra arguments such as `--at 12`. The same
/// session and arguments asked for again in the same test program (by another test) give the
/// same picture, taken once: the app shows a moment the same way each time.
pub fn screenshot_at(session: &str, name: &str, extra: &[&str]) -> Picture {
    type Taken = Arc<OnceLock<Picture>>;
    static TAKEN: OnceLock<Mutex<HashMap<Vec<String>, Taken>>> = OnceLock::new();
    let key: Vec<String> = std::iter::once(session)
        .chain(extra.iter().copied())
        .map(str::to_owned)
        .collect();
    let taken = TAKEN
        .get_or_init(Mutex::default)
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .entry(key)
        .or_default()
        .clone();
    taken
        .get_or_init(|| take_screenshot(session, name, extra))
        .clone()
}

/// Opens the window on `session` with `extra` arguments and takes its picture, saved (with
/// `STILLPOINT_KEEP_SCREENSHOTS=FOLDER`) as `name`.png.
fn take_screenshot(session: &str, name: &str, extra: &[&str]) -> Picture {
    assert!(
        std::env::var_os("DISPLAY").is_some() || std::env::var_os("WAYLAND_DISPLAY").is_some(),
        "the window tests need a display: run them with `xvfb-run` (tools/test.sh does)"
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(format!("{name}.png"));
    let mut args = vec![
        "run",
        "--session",
        session,
        "--screenshot",
        path.to_str().expect("utf-8 path"),
    ];
    args.extend_from_slice(extra);
    let output = stillpoint(&args);
    assert!(
        output.status.success(),
        "stillpoint run failed: {}\n{}",
        stdout(&output),
        String::from_utf8_lossy(&output.stderr)
    );
    let image = image::open(&path).expect("a PNG was written").to_rgb8();
    let moment = stdout(&output)
        .lines()
        .find(|line| line.starts_with("moment: "))
        .expect("the app says what the picture shows")
        .to_owned();
    if let Some(keep) = std::env::var_os("STILLPOINT_KEEP_SCREENSHOTS") {
        let _ = std::fs::copy(
            &path,
            std::path::Path::new(&keep).join(format!("{name}.png")),
        );
    }
    Picture {
        width: image.width(),
        height: image.height(),
        pixels: image.pixels().map(|pixel| pixel.0).collect(),
        moment,
    }
}
