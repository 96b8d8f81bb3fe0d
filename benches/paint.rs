//! Per-frame cost of the whole headless app while a patient paints onto an artwork that
//! already holds 10,000, 50,000 or 200,000 points: the session runtime, the brush (one new
//! sample a frame, as from a 90 Hz controller), autosaving, and keeping the stroke meshes in
//! step. And the time to reopen a painting of 50,000 or 200,000 points: from its file to
//! every stroke's mesh built, in a new app. And the time to make the GLB export of a
//! 200,000-point painting (done in the background when a paint step ends). Run with
//! `cargo bench --bench paint`.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "a benchmark stops at the first thing that is wrong"
)]
#![expect(
    missing_docs,
    reason = "criterion's macros generate undocumented items"
)]

use std::sync::Arc;

use bevy::prelude::*;
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use stillpoint::artwork::model::{Artwork, ArtworkFile, Rgb, Stroke, StrokePoint, Symmetry};
use stillpoint::paint::view::{ShownStrokes, StrokeMaterial, sync_plugin};
use stillpoint::script::Session;
use stillpoint::script::SessionScript;
use stillpoint::script::parse::parse_ron;
use stillpoint::session::SessionRuntime;
use stillpoint::simulate::{Simulation, SyntheticPaint, headless_app};

/// An artwork of `points` points in strokes of 300, drawn along the synthetic brush's path.
fn artwork(points: usize) -> Artwork {
    let strokes = (0..points)
        .collect::<Vec<_>>()
        .chunks(300)
        .map(|chunk| {
            Arc::new(Stroke {
                colour: Rgb([143, 184, 222]),
                width: 0.014,
                symmetry: Symmetry::NONE,
                points: chunk
                    .iter()
                    .map(|&n| StrokePoint {
                        at: SyntheticPaint::brush_at(n as u64),
                        pressure: 0.8,
                    })
                    .collect(),
            })
        })
        .collect();
    Artwork { strokes }
}

/// The points of the painting under way, if a paint step shows.
fn painted_points(app: &App) -> Option<usize> {
    app.world()
        .resource::<SessionRuntime>()
        .painting()
        .map(|painting| painting.canvas().point_count())
}

/// A session of one long paint step.
fn paint_session() -> Session {
    parse_ron(
        "bench.session.ron",
        r#"Session(id: "bench-paint", title: "Bench", phase: Integration,
           environment: "forest-clearing", soundscape: "silence",
           steps: [Paint(prompt: "Paint.", duration: "3h")])"#,
    )
    .expect("a valid session")
}

/// An artwork file of `points` points in `folder`.
fn saved_artwork(folder: &std::path::Path, points: usize) -> std::path::PathBuf {
    let earlier = folder.join("earlier.paint-1.artwork.json");
    let file = ArtworkFile::new(&artwork(points), "BENCH-1", "bench-paint", 0);
    stillpoint::artwork::save::save(&earlier, &file).expect("saves");
    earlier
}

/// The headless app painting onto the artwork in `earlier`, with the stroke meshes kept in
/// step as on screen.
fn app_reopening(folder: &std::path::Path, earlier: std::path::PathBuf) -> App {
    let simulation = Simulation {
        script: SessionScript {
            session: paint_session(),
            sha256: String::new(),
            warnings: Vec::new(),
        },
        patient: "BENCH-1".into(),
        actions: Vec::new(),
        hz: 90.0,
        record: folder.join("bench.jsonl"),
        resume: false,
        auto_continue_secs: 60.0,
        synthetic_paint: 1,
        artwork_from: Some(earlier),
        instruments: Default::default(),
        voice: None,
    };
    let mut app = headless_app(&simulation, folder.to_path_buf());
    app.add_plugins(AssetPlugin::default())
        .init_asset::<Mesh>()
        .init_resource::<StrokeMaterial>()
        .add_plugins(sync_plugin);
    app
}

/// True once the reopened painting's `points` are on the canvas and its strokes on show.
fn shown(app: &App, points: usize) -> bool {
    painted_points(app).is_some_and(|painted| painted >= points)
        && app.world().resource::<ShownStrokes>().piece_count() > 0
}

/// From the artwork file to every stroke shown: reading and checking the file (when the app
/// is made), then the frames until the canvas holds it and its meshes are built.
fn reopen(c: &mut Criterion) {
    let mut group = c.benchmark_group("reopen");
    group
        .sample_size(10)
        .warm_up_time(std::time::Duration::from_secs(1))
        .measurement_time(std::time::Duration::from_secs(10));
    for points in [50_000, 200_000] {
        let folder = tempfile::tempdir().expect("temp dir");
        let earlier = saved_artwork(folder.path(), points);
        group.bench_function(format!("{points} points"), |b| {
            b.iter_batched(
                || (),
                |()| {
                    let mut app = app_reopening(folder.path(), earlier.clone());
                    let mut frames = 0;
                    while !shown(&app, points) {
                        app.update();
                        frames += 1;
                        assert!(frames < 100, "not shown after {frames} frames");
                    }
                    app
                },
                BatchSize::PerIteration,
            )
        });
    }
    group.finish();
}

fn paint_frame(c: &mut Criterion) {
    let mut group = c.benchmark_group("paint frame");
    // The brush adds about a point a frame while measured (a few hundred thousand frames),
    // so each artwork ends larger than named: the figures are upper bounds for its size.
    group
        .sample_size(40)
        .warm_up_time(std::time::Duration::from_secs(1))
        .measurement_time(std::time::Duration::from_secs(3));
    for points in [10_000, 50_000, 200_000] {
        let folder = tempfile::tempdir().expect("temp dir");
        let earlier = saved_artwork(folder.path(), points);
        let mut app = app_reopening(folder.path(), earlier);
        // One brush sample a frame, as from a controller at 90 Hz, for as long as it runs.
        app.insert_resource(SyntheticPaint::at_rate(usize::MAX, 1));
        // Open the artwork and show it (a one-off cost when a painting is reopened).
        for _ in 0..5 {
            app.update();
        }
        let opened = painted_points(&app);
        assert!(opened.is_some_and(|opened| opened >= points), "{opened:?}");
        assert!(app.world().resource::<ShownStrokes>().piece_count() > 0);
        // The frames measured paint: a few seconds of them add points on show (the oldest
        // strokes merge meanwhile, so pieces are not counted).
        for _ in 0..400 {
            app.update();
        }
        let painted = painted_points(&app);
        assert!(painted > opened, "{painted:?} after {opened:?}");
        assert!(app.world().resource::<ShownStrokes>().piece_count() > 0);
        group.bench_function(format!("{points} points"), |b| b.iter(|| app.update()));
    }
    group.finish();
}

/// The GLB export of a finished painting, from its strokes to the file's bytes.
fn export_glb(c: &mut Criterion) {
    let mut group = c.benchmark_group("export");
    group
        .sample_size(10)
        .warm_up_time(std::time::Duration::from_secs(1))
        .measurement_time(std::time::Duration::from_secs(10));
    let painting = artwork(200_000);
    group.bench_function("GLB of 200000 points", |b| {
        b.iter(|| stillpoint::artwork::glb::glb(&painting))
    });
    group.finish();
}

criterion_group!(benches, reopen, paint_frame, export_glb);
criterion_main!(benches);
