//! Every scene stays within its drawing budget and keeps its words legible: the render
//! benchmark counts what each scene draws (meshes, draw calls, triangles, from the scene's
//! own meshes the camera sees) and no scene passes `bench::scene::SCENE_BUDGET`; the caption
//! stands out from its panel over every scene's sky. Counts, not times: the frame time budget
//! is measured by `tools/bench-ratios.sh --scenes`. Each scene is shown by its session in
//! tests/fixtures/scenes/, which the gallery (tools/gallery.sh) uses too. Needs a display
//! (`xvfb-run`), like the other window tests.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "a test stops at the first thing that is wrong"
)]

mod common;

use common::window::{Picture, screenshot_at};
use common::{project_path, stdout, stillpoint, stillpoint_with_env};
use stillpoint::bench::scene::{SCENE_BUDGET, SceneCount};
use stillpoint::catalog::ENVIRONMENTS;

/// The session that shows `scene`, kept with the tests.
fn fixture(scene: &str) -> std::path::PathBuf {
    project_path(&format!(
        "tests/fixtures/scenes/sessions/scene-{scene}.session.ron"
    ))
}

/// A data folder whose sessions/ holds every scene's session, `scene-<scene>`.
fn data_folder_with_every_scene() -> tempfile::TempDir {
    let data = tempfile::tempdir().unwrap();
    let sessions = data.path().join("sessions");
    std::fs::create_dir_all(&sessions).unwrap();
    for preset in ENVIRONMENTS {
        std::fs::copy(
            fixture(preset.id),
            sessions.join(format!("scene-{}.session.ron", preset.id)),
        )
        .unwrap();
    }
    data
}

#[test]
fn every_scene_has_a_valid_session_that_shows_it() {
    for preset in ENVIRONMENTS {
        let path = fixture(preset.id);
        assert!(
            path.is_file(),
            "no session shows {}: add {}",
            preset.id,
            path.display()
        );
        let output = stillpoint(&["validate", path.to_str().unwrap()]);
        assert!(
            output.status.success(),
            "{}: {}",
            preset.id,
            stdout(&output)
        );
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.contains(&format!("environment: \"{}\"", preset.id)),
            "{} shows another scene",
            path.display()
        );
    }
}

#[test]
fn every_scene_draws_within_its_budget() {
    let data = data_folder_with_every_scene();
    let mut over = Vec::new();
    for preset in ENVIRONMENTS {
        let session = format!("scene-{}", preset.id);
        let output = stillpoint_with_env(
            &[
                "--data",
                data.path().to_str().unwrap(),
                "run",
                "--session",
                &session,
                "--at",
                "40",
                "--no-panel",
                "--bench-frames",
                "3",
            ],
            &[("STILLPOINT_BENCH_WARM_UP_FRAMES", "5".as_ref())],
        );
        let errors = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{}: {errors}", preset.id);
        let figures = errors
            .lines()
            .find(|line| line.starts_with("frames="))
            .unwrap_or_else(|| panic!("{}: no figures in {errors}", preset.id));
        let value = |name: &str| -> usize {
            figures
                .split_whitespace()
                .find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
                .and_then(|value| value.parse().ok())
                .unwrap_or_else(|| panic!("{name} missing from {figures}"))
        };
        assert!(
            figures.contains(&format!(" scene={} ", preset.id)),
            "{figures}"
        );
        let count = SceneCount {
            meshes: value("scene_meshes"),
            draws: value("scene_draws"),
            triangles: value("scene_triangles"),
        };
        println!("{:<18} {count:?}", preset.id);
        // The count sees the scene: its sky at least is drawn.
        assert!(
            count.meshes > 0 && count.draws > 0 && count.triangles > 0,
            "{}: {count:?}",
            preset.id
        );
        assert!(count.draws <= count.meshes, "{}: {count:?}", preset.id);
        over.extend(
            count
                .over(&SCENE_BUDGET)
                .into_iter()
                .map(|what| format!("{}: {what}", preset.id)),
        );
    }
    assert!(over.is_empty(), "{}", over.join("\n"));
}

/// WCAG's least contrast for body text (AA): the caption's words against its panel.
const LEAST_CAPTION_CONTRAST: f32 = 4.5;

#[test]
fn every_scene_shows_its_caption_legibly_seated_and_reclined() {
    let data = data_folder_with_every_scene();
    let data_arg = data.path().to_str().unwrap();
    let mut faint = Vec::new();
    for preset in ENVIRONMENTS {
        let session = format!("scene-{}", preset.id);
        for (posture, pose) in [
            ("seated", &[][..]),
            (
                "reclined",
                &["--head-pitch", "40", "--action", "0.1=posture:reclined"][..],
            ),
        ] {
            let name = format!("{}-{posture}-caption", preset.id);
            let mut extra = vec!["--data", data_arg, "--at", "5"];
            extra.extend_from_slice(pose);
            let picture = screenshot_at(&session, &name, &extra);
            assert!(
                picture.moment.contains("kind=Narration"),
                "{name}: {}",
                picture.moment
            );
            let Some((words, panel)) = caption_luminances(&picture) else {
                faint.push(format!("{name}: no words twice as bright as their panel"));
                continue;
            };
            let contrast = (words + 0.05) / (panel + 0.05);
            println!("{name:<36} words {words:.3} panel {panel:.3} contrast {contrast:.1}:1");
            if contrast < LEAST_CAPTION_CONTRAST {
                faint.push(format!("{name}: {contrast:.1}:1"));
            }
        }
    }
    assert!(
        faint.is_empty(),
        "captions under {LEAST_CAPTION_CONTRAST}:1 against their panel:\n{}",
        faint.join("\n")
    );
}

/// The relative luminance (WCAG) of the caption's brightest lettering and of its panel, or
/// `None` when no lettering shows. Lettering is light pixels with a pixel under half their
/// brightness a few pixels away (words on a panel, not foam, clouds or a pale sky); the panel
/// is the median of the other pixels in the box that lettering fills.
fn caption_luminances(picture: &Picture) -> Option<(f32, f32)> {
    let at = |column: u32, row: u32| picture.pixels[(row * picture.width + column) as usize];
    let light = |[r, g, b]: [u8; 3]| r > 225 && g > 220 && b > 210;
    let reach = 4;
    let mut columns = Vec::new();
    let mut rows = Vec::new();
    for row in reach..picture.height - reach {
        for column in reach..picture.width - reach {
            let pixel = at(column, row);
            if !light(pixel) {
                continue;
            }
            let half = picture.luminance(pixel) / 2.0;
            let beside_dark = [
                (column - reach, row),
                (column + reach, row),
                (column, row - reach),
                (column, row + reach),
            ]
            .into_iter()
            .any(|(x, y)| picture.luminance(at(x, y)) < half);
            if beside_dark {
                columns.push(column);
                rows.push(row);
            }
        }
    }
    if columns.len() < 500 {
        return None;
    }
    let span = |mut values: Vec<u32>| {
        values.sort_unstable();
        values[values.len() / 50]..values[values.len() - 1 - values.len() / 50]
    };
    let (columns, rows) = (span(columns), span(rows));
    let mut lettering = Vec::new();
    let mut panel = Vec::new();
    for row in rows {
        for column in columns.clone() {
            let pixel = at(column, row);
            if light(pixel) {
                lettering.push(relative_luminance(pixel));
            } else {
                panel.push(relative_luminance(pixel));
            }
        }
    }
    let words = lettering.iter().copied().fold(0.0, f32::max);
    panel.sort_by(f32::total_cmp);
    Some((words, *panel.get(panel.len() / 2)?))
}

/// WCAG's relative luminance of an sRGB colour.
fn relative_luminance(pixel: [u8; 3]) -> f32 {
    let linear = |channel: u8| {
        let value = f32::from(channel) / 255.0;
        if value <= 0.040_45 {
            value / 12.92
        } else {
            ((value + 0.055) / 1.055).powf(2.4)
        }
    };
    let [r, g, b] = pixel;
    0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)
}
