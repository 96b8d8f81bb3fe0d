//! The app window opens on a session's calm scene and renders it (under a virtual display
//! with software Vulkan in CI: `tools/test.sh` runs the tests inside `xvfb-run`).

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "a test stops at the first thing that is wrong"
)]

mod common;

use common::{stdout, stillpoint};

struct Picture {
    width: u32,
    height: u32,
    pixels: Vec<[u8; 3]>,
}

impl Picture {
    fn luminance(&self, [r, g, b]: [u8; 3]) -> f32 {
        0.2126 * f32::from(r) + 0.7152 * f32::from(g) + 0.0722 * f32::from(b)
    }

    fn mean_luminance(&self) -> f32 {
        self.band_luminance(0, self.height)
    }

    /// Mean luminance of the rows from `top` up to (not including) `bottom`.
    fn band_luminance(&self, top: u32, bottom: u32) -> f32 {
        let start = (top * self.width) as usize;
        let end = (bottom * self.width) as usize;
        let band = &self.pixels[start..end];
        band.iter().map(|&p| self.luminance(p)).sum::<f32>() / band.len() as f32
    }

    /// Pixels of the breathing orb's warm white core, below the caption panel.
    fn orb_pixels(&self) -> usize {
        self.pixels[(300 * self.width) as usize..]
            .iter()
            .filter(|&&[r, g, b]| r > 235 && g > 215 && b > 180 && r >= b)
            .count()
    }

    /// Pixels of light caption lettering in the panel above the middle.
    fn caption_pixels(&self) -> usize {
        self.pixels[(120 * self.width) as usize..(300 * self.width) as usize]
            .iter()
            .filter(|&&[r, g, b]| r > 225 && g > 220 && b > 210)
            .count()
    }

    /// Mean (red - blue) of a band of rows: positive for warm colours, negative for cool.
    fn warmth(&self, top: u32, bottom: u32) -> f32 {
        let band = &self.pixels[(top * self.width) as usize..(bottom * self.width) as usize];
        band.iter()
            .map(|&[r, _, b]| f32::from(r) - f32::from(b))
            .sum::<f32>()
            / band.len() as f32
    }

    fn distinct_colours(&self) -> usize {
        let mut colours: Vec<[u8; 3]> = self.pixels.clone();
        colours.sort_unstable();
        colours.dedup();
        colours.len()
    }
}

fn screenshot(session: &str) -> Picture {
    screenshot_at(session, session, &[])
}

/// A picture of the window named `name`, with extra arguments such as `--at 12`.
fn screenshot_at(session: &str, name: &str, extra: &[&str]) -> Picture {
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
    }
}

#[test]
fn the_window_shows_each_sessions_scene() {
    let dusk = screenshot("centering-before-dosing");
    assert_eq!((dusk.width, dusk.height), (1280, 720));
    // A real scene: soft gradients make many distinct colours, and nothing is blank.
    assert!(
        dusk.distinct_colours() > 200,
        "{} colours",
        dusk.distinct_colours()
    );
    // At dusk the sky darkens upwards from a warm horizon (just above the middle).
    let top = dusk.band_luminance(0, 40);
    let horizon = dusk.band_luminance(250, 290);
    assert!(
        top < horizon * 0.8,
        "top {top} should be darker than the horizon {horizon}"
    );

    let night = screenshot("rest-during-dosing");
    assert!(night.distinct_colours() > 50);
    assert!(
        night.mean_luminance() < dusk.mean_luminance() * 0.6,
        "night {} vs dusk {}",
        night.mean_luminance(),
        dusk.mean_luminance()
    );
}

#[test]
fn an_unknown_session_is_explained_without_opening_a_window() {
    let output = stillpoint(&["run", "--session", "no-such-session"]);
    assert_eq!(output.status.code(), Some(1));
    let message = String::from_utf8_lossy(&output.stderr);
    assert!(
        message.contains("there is no session \"no-such-session\""),
        "{message}"
    );
}

#[test]
fn a_session_started_from_the_command_line_is_recorded_and_can_be_resumed() {
    let data = tempfile::tempdir().expect("temp dir");
    let data_arg = data.path().to_str().expect("utf-8 path");
    let picture = data.path().join("start.png");
    let output = stillpoint(&[
        "run",
        "--session",
        "box-breathing-reset",
        "--patient",
        "P-42",
        "--data",
        data_arg,
        "--screenshot",
        picture.to_str().expect("utf-8 path"),
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let folder = data.path().join("records/P-42");
    let records: Vec<_> = std::fs::read_dir(&folder)
        .expect("the patient's records folder")
        .map(|entry| entry.expect("entry").path())
        .collect();
    assert_eq!(records.len(), 1);
    let text = std::fs::read_to_string(&records[0]).expect("record");
    let first: serde_json::Value =
        serde_json::from_str(text.lines().next().expect("a line")).expect("JSON");
    assert_eq!(first["event"], "session_started");
    assert_eq!(first["patient"], "P-42");
    assert!(
        !text.contains("session_ended"),
        "the window closed mid-session"
    );

    // The next start finds the interrupted session and continues the same record.
    let again = stillpoint(&[
        "run",
        "--resume",
        "--data",
        data_arg,
        "--screenshot",
        picture.to_str().expect("utf-8 path"),
    ]);
    assert!(
        again.status.success(),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    let text = std::fs::read_to_string(&records[0]).expect("record");
    assert!(text.contains("\"event\":\"session_resumed\""), "{text}");
}

#[test]
fn without_a_desktop_the_window_explains_instead_of_crashing() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_stillpoint"))
        .current_dir(common::root())
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .args(["run", "--session", "box-breathing-reset"])
        .output()
        .expect("stillpoint runs");
    assert_eq!(output.status.code(), Some(1));
    let message = String::from_utf8_lossy(&output.stderr);
    assert!(message.contains("needs a desktop session"), "{message}");
}

/// The centering session's breathing step begins at 164 s when its first check-in is left
/// unanswered (14 + 14 s of narration, the 2-minute check-in timeout, 16 s of narration);
/// at 6 breaths a minute the in-breath is full 5 s later and the out-breath settled 10 s later.
#[test]
fn the_breathing_orb_grows_on_the_in_breath_and_settles_on_the_out_breath() {
    let session = "centering-before-dosing";
    let full = screenshot_at(session, "inhale", &["--at", "169"]);
    let settled = screenshot_at(session, "exhale", &["--at", "174"]);
    let (full, settled) = (full.orb_pixels(), settled.orb_pixels());
    assert!(
        settled > 200,
        "the settled orb is still visible ({settled} pixels)"
    );
    // Radii 0.24 m and 0.09 m: about seven times the area.
    assert!(full > settled * 4, "full {full} vs settled {settled}");
    let before = screenshot_at(session, "check-in", &["--at", "100"]);
    assert_eq!(before.orb_pixels(), 0, "no orb outside breathing steps");
    // The check-in's question shows on the caption panel.
    assert!(
        before.caption_pixels() > 500,
        "{} caption pixels",
        before.caption_pixels()
    );
}

#[test]
fn calm_fades_to_the_warm_safe_place_and_back() {
    let session = "centering-before-dosing";
    let lake = screenshot_at(session, "lake", &["--at", "100"]);
    let calm = screenshot_at(session, "calm", &["--at", "100", "--action", "60=calm"]);
    let back = screenshot_at(
        session,
        "after-calm",
        &[
            "--at",
            "100",
            "--action",
            "60=calm",
            "--action",
            "80=calm-end",
        ],
    );
    // The safe place is warmer than the dusk lake's violet sky, and lighter underfoot.
    let (lake_warmth, calm_warmth) = (lake.warmth(0, 100), calm.warmth(0, 100));
    assert!(
        calm_warmth > lake_warmth + 15.0,
        "warmth: calm {calm_warmth}, lake {lake_warmth}"
    );
    assert!(calm.band_luminance(500, 720) > lake.band_luminance(500, 720) + 40.0);
    // Ending Calm returns to the session's own scene.
    assert!((back.band_luminance(0, 720) - lake.band_luminance(0, 720)).abs() < 2.0);
}
