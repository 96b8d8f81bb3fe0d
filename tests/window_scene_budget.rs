//! Every scene stays within its drawing budget: the render benchmark counts what each scene
//! draws (meshes, draw calls, triangles, from the scene's own meshes the camera sees) and no
//! scene passes `bench::scene::SCENE_BUDGET`. Counts, not times: the frame time budget is
//! measured by `tools/bench-ratios.sh --scenes`. Each scene is shown by its session in
//! tests/fixtures/scenes/, which the gallery (tools/gallery.sh) uses too. Needs a display
//! (`xvfb-run`), like the other window tests.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "a test stops at the first thing that is wrong"
)]

mod common;

use common::{project_path, stdout, stillpoint, stillpoint_with_env};
use stillpoint::bench::scene::{SCENE_BUDGET, SceneCount};
use stillpoint::catalog::ENVIRONMENTS;

/// The session that shows `scene`, kept with the tests.
fn fixture(scene: &str) -> std::path::PathBuf {
    project_path(&format!(
        "tests/fixtures/scenes/sessions/scene-{scene}.session.ron"
    ))
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
    let data = tempfile::tempdir().unwrap();
    let sessions = data.path().join("sessions");
    std::fs::create_dir_all(&sessions).unwrap();
    let mut over = Vec::new();
    for preset in ENVIRONMENTS {
        let session = format!("scene-{}", preset.id);
        std::fs::copy(
            fixture(preset.id),
            sessions.join(format!("{session}.session.ron")),
        )
        .unwrap();
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
