//! Painting in an integration session, end to end through the real runtime: a patient
//! paints (synthetic brush motion through the same actions a controller sends), the
//! painting is saved beside the record while painting and at the step's end, survives a
//! crash, reopens a week later, and exports a GLB and a PNG for the therapist's notes.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "a test stops at the first thing that is wrong"
)]

mod common;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use bevy::prelude::*;
use common::{project_path, stdout, stillpoint};
use stillpoint::artwork::model::{Artwork, Stroke};
use stillpoint::artwork::save::{self, ArtworkPaths};
use stillpoint::report::summary::SessionSummary;
use stillpoint::script::SessionScript;
use stillpoint::script::library;
use stillpoint::script::validate::Context;
use stillpoint::session::record::{EventKind, ReadRecord};
use stillpoint::session::{SessionAction, SessionRuntime, SessionState};
use stillpoint::simulate::{Simulation, headless_app, headless_app_on};

/// The paint step of the bundled integration session (from 0).
const PAINT_STEP: usize = 5;

fn integration_session() -> SessionScript {
    library::check_file(
        &project_path("assets/sessions/creative-integration.session.ron"),
        &Context::default(),
    )
    .outcome
    .expect("the bundled session is valid")
}

fn simulation(record: PathBuf, synthetic_paint: usize) -> Simulation {
    Simulation {
        script: integration_session(),
        patient: "P-21".into(),
        actions: Vec::new(),
        hz: 30.0,
        record,
        resume: false,
        auto_continue_secs: 30.0,
        synthetic_paint,
        artwork_from: None,
        instruments: Default::default(),
        voice: None,
    }
}

/// How many points the paint step showing holds, if one shows.
fn painted_points(app: &App) -> Option<usize> {
    app.world()
        .resource::<SessionRuntime>()
        .painting()
        .map(|painting| painting.canvas().point_count())
}

/// Every "artwork saved" event of a record: (step, file, strokes, points).
fn saves(record: &Path) -> Vec<(usize, String, usize, usize)> {
    if !record.exists() {
        return Vec::new();
    }
    ReadRecord::read(record)
        .expect("the record reads")
        .events
        .into_iter()
        .filter_map(|event| match event.kind {
            EventKind::ArtworkSaved {
                step,
                file,
                strokes,
                points,
            } => Some((step, file, strokes, points)),
            _ => None,
        })
        .collect()
}

fn opened(record: &Path) -> Vec<String> {
    ReadRecord::read(record)
        .expect("the record reads")
        .events
        .into_iter()
        .filter_map(|event| match event.kind {
            EventKind::ArtworkOpened { from, .. } => Some(from),
            _ => None,
        })
        .collect()
}

#[test]
fn a_painting_is_saved_beside_the_record_and_exported_for_the_therapist() {
    let dir = tempfile::tempdir().expect("temp dir");
    let record = dir
        .path()
        .join("creative-integration-20261123-101500.jsonl");
    let output = stillpoint(&[
        "simulate",
        "--session",
        "creative-integration",
        "--patient",
        "P-21",
        "--hz",
        "30",
        "--synthetic-paint",
        "3000",
        "--record",
        record.to_str().expect("utf-8"),
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout(&output).contains("\"event\":\"artwork_saved\""));

    // Saved while painting (every 20 s of changes) and once more at the step's end.
    let saved = saves(&record);
    assert!(saved.len() >= 2, "{saved:?}");
    let (step, file, strokes, points) = saved.last().cloned().expect("a save");
    assert_eq!(step, PAINT_STEP);
    assert!(
        points >= 3000,
        "the brush laid down its 3000 points: {points}"
    );
    assert!(
        saved.windows(2).all(|pair| pair[0].3 <= pair[1].3),
        "{saved:?}"
    );

    let paths = ArtworkPaths::beside(&record, PAINT_STEP);
    assert_eq!(paths.artwork, dir.path().join(&file));
    let artwork = save::load(&paths.artwork).expect("the artwork file reads");
    assert_eq!(artwork.patient, "P-21");
    assert_eq!(artwork.session, "creative-integration");
    assert_eq!(artwork.strokes.len(), strokes);
    assert_eq!(artwork.artwork().point_count(), points);
    assert!(
        artwork
            .strokes
            .iter()
            .map(|stroke| stroke.colour)
            .collect::<std::collections::HashSet<_>>()
            .len()
            > 3,
        "the session's palette was used"
    );

    // The GLB opens in a glTF reader with the painting's geometry (its positions quantised,
    // which the gltf crate reads without judging), and the Khronos validator finds nothing
    // wrong with it.
    let glb = std::fs::read(&paths.glb).expect("a GLB was exported");
    let gltf = gltf::Gltf::from_slice_without_validation(&glb).expect("the GLB parses");
    let blob = gltf.blob.as_deref().expect("a binary chunk");
    let mesh = gltf.meshes().next().expect("a mesh");
    let mut vertices = 0;
    for primitive in mesh.primitives() {
        let positions = primitive
            .get(&gltf::Semantic::Positions)
            .expect("positions");
        assert_eq!(positions.data_type(), gltf::accessor::DataType::I16);
        let reader = primitive.reader(|_| Some(blob));
        assert!(reader.read_colors(0).is_some(), "vertex colours");
        vertices += positions.count();
    }
    assert!(vertices > points, "{vertices} vertices for {points} points");
    let report = common::khronos_gltf_report(&paths.glb);
    assert_eq!(report["issues"]["numErrors"], 0, "{report:#}");
    assert_eq!(report["issues"]["numWarnings"], 0, "{report:#}");
    assert_eq!(report["info"]["totalVertexCount"], vertices);

    // The PNG is a picture of light on a dark ground.
    let png = image::open(&paths.png)
        .expect("a PNG was exported")
        .to_rgb8();
    assert_eq!((png.width(), png.height()), (1024, 1024));
    let bright = png
        .pixels()
        .filter(|pixel| pixel.0.iter().any(|&c| c > 120))
        .count();
    assert!(bright > 10_000, "{bright} bright pixels");
    let corner = png.get_pixel(2, 2).0;
    assert!(corner.iter().all(|&c| c < 40), "a dark corner: {corner:?}");

    // The report's summary knows the painting.
    let summary = SessionSummary::read(&record)
        .expect("reads")
        .expect("a session record");
    assert_eq!(summary.artworks.len(), 1);
    assert_eq!(summary.artworks[0].points, points);
}

#[test]
fn a_painting_of_200000_points_exports_as_a_glb_of_at_most_15_mb() {
    let dir = tempfile::tempdir().expect("temp dir");
    let record = dir.path().join("large.jsonl");
    let output = stillpoint(&[
        "simulate",
        "--session",
        "creative-integration",
        "--synthetic-paint",
        "200000",
        "--record",
        record.to_str().expect("utf-8 path"),
    ]);
    assert!(output.status.success(), "{output:?}");
    let paths = ArtworkPaths::beside(&record, PAINT_STEP);
    let points = save::load(&paths.artwork)
        .expect("the artwork reads")
        .artwork()
        .point_count();
    assert!(points >= 200_000, "{points} points");
    let bytes = std::fs::metadata(&paths.glb).expect("a GLB").len();
    assert!(bytes <= 15_000_000, "the GLB holds {bytes} bytes");
    let report = common::khronos_gltf_report(&paths.glb);
    assert_eq!(report["issues"]["numErrors"], 0, "{report:#}");
    assert_eq!(report["issues"]["numWarnings"], 0, "{report:#}");
    assert_eq!(
        report["info"]["extensionsRequired"],
        serde_json::json!(["KHR_mesh_quantization"])
    );
}

#[test]
fn a_painting_survives_a_crash_and_continues_when_the_session_resumes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let record = dir.path().join("crash.jsonl");
    let mut app = headless_app(&simulation(record.clone(), 100_000), dir.path().into());
    // Paint until the painting has been saved twice while painting, then "crash": the app
    // is dropped mid-stroke, with no step end and no session end.
    let mut frames = 0;
    while saves(&record).len() < 2 {
        app.update();
        frames += 1;
        assert!(frames < 100_000, "the painting was never saved");
    }
    for _ in 0..30 {
        app.update();
    }
    // A crash ends a save's writing thread with the program. Dropping the app would leave
    // the thread writing after the resume below, so the crash comes between two saves.
    // Frames are paced in wall time while the save writes: unpaced, the next autosave falls
    // due (20 simulated seconds) before a slow disk has finished this one, and the brush
    // paints on to the step's end without ever leaving a moment between saves.
    while app
        .world()
        .resource::<SessionRuntime>()
        .painting()
        .is_some_and(|painting| painting.is_saving())
    {
        std::thread::sleep(std::time::Duration::from_millis(10));
        app.update();
    }
    let painted_at_crash = app
        .world()
        .resource::<SessionRuntime>()
        .painting()
        .expect("still painting")
        .canvas()
        .point_count();
    drop(app);
    let (_, _, _, saved_points) = saves(&record).last().cloned().expect("saved");
    assert!(saved_points > 0 && saved_points <= painted_at_crash);
    // A save that was cut off by the crash leaves its partial file behind.
    let paths = ArtworkPaths::beside(&record, PAINT_STEP);
    let mut partial = paths.artwork.clone().into_os_string();
    partial.push(".partial");
    std::fs::write(&partial, b"{\"format\":\"stillpoint-artwork\",\"vers").expect("writes");

    // The therapist resumes the record: the painting is there as it was last saved.
    let mut resumed = simulation(record.clone(), 0);
    resumed.resume = true;
    let mut app = headless_app(&resumed, dir.path().into());
    for _ in 0..3 {
        app.update();
    }
    let runtime = app.world().resource::<SessionRuntime>();
    assert_eq!(runtime.step_index(), PAINT_STEP);
    let painting = runtime.painting().expect("the paint step again");
    // The painting as last saved: the save the record names, or a later one whose file was
    // in place when the app stopped but whose record line was not yet written.
    let reopened_points = painting.canvas().point_count();
    assert!(
        (saved_points..=painted_at_crash).contains(&reopened_points),
        "{reopened_points} points reopened; {saved_points} recorded as saved, {painted_at_crash} painted"
    );
    assert_eq!(
        opened(&record).len(),
        1,
        "the record says the painting was opened"
    );

    // Ending the session keeps it as saved (nothing changed) and exports it.
    app.world_mut().write_message(SessionAction::End);
    app.update();
    let mut runtime = app.world_mut().resource_mut::<SessionRuntime>();
    assert_eq!(runtime.state(), SessionState::Finished);
    runtime.wait_for_exports();
    let file = save::load(&paths.artwork).expect("readable");
    assert_eq!(file.artwork().point_count(), reopened_points);
    assert!(paths.glb.is_file() && paths.png.is_file());
}

#[test]
fn a_week_later_the_painting_reopens_from_its_record_and_grows() {
    let dir = tempfile::tempdir().expect("temp dir");
    let first = dir.path().join("week-1.jsonl");
    stillpoint::simulate::run(&simulation(first.clone(), 1500)).expect("the first session");
    let first_artwork: Artwork = stillpoint::session::painting::latest_of_record(&first)
        .expect("a painting")
        .1;
    assert!(first_artwork.point_count() >= 1500);

    let second = dir.path().join("week-2.jsonl");
    let mut next_week = simulation(second.clone(), 800);
    next_week.artwork_from = Some(first.clone());
    stillpoint::simulate::run(&next_week).expect("the second session");

    let from = opened(&second);
    assert_eq!(from.len(), 1, "{from:?}");
    assert!(from[0].ends_with("week-1.paint-6.artwork.json"), "{from:?}");
    let grown = save::load(&ArtworkPaths::beside(&second, PAINT_STEP).artwork)
        .expect("the second painting");
    let grown: Artwork = grown.artwork();
    assert!(grown.point_count() >= first_artwork.point_count() + 800);
    assert_eq!(
        grown.strokes[..first_artwork.strokes.len()],
        first_artwork.strokes[..],
        "last week's strokes come first, unchanged"
    );
    // The first week's painting is untouched.
    let again = save::load(&ArtworkPaths::beside(&first, PAINT_STEP).artwork).expect("reads");
    assert_eq!(again.artwork(), first_artwork);
    let listed = save::artworks_in(dir.path());
    assert_eq!(listed.len(), 2);
}

#[test]
fn closing_the_program_mid_stroke_saves_everything_painted() {
    let dir = tempfile::tempdir().expect("temp dir");
    let record = dir.path().join("closing.jsonl");
    let mut app = headless_app(&simulation(record.clone(), 100_000), dir.path().into());
    // Into the paint step, and a few seconds of painting: less than one autosave period.
    while painted_points(&app).is_none_or(|points| points < 200) {
        app.update();
    }
    let before = saves(&record).len();
    app.world_mut().write_message(AppExit::Success);
    app.update();
    let points = painted_points(&app).expect("still in the paint step");
    let saved = saves(&record);
    assert_eq!(saved.len(), before + 1, "one save as the program closes");
    assert_eq!(
        saved.last().map(|save| save.3),
        Some(points),
        "the stroke under way too"
    );
}

/// Closing the last window ends the program the way the desktop does: Bevy's window plugin
/// writes `AppExit` in `Last` and the windowing loop stops after that frame. The painting
/// under way is saved in that same frame, whatever order the plugins were added in.
#[test]
fn closing_the_last_window_saves_the_painting_in_the_frame_the_program_ends() {
    use bevy::window::{ExitCondition, Window, WindowPlugin};
    let dir = tempfile::tempdir().expect("temp dir");
    let record = dir.path().join("window-closed.jsonl");
    // The window plugin comes first, as in the desktop app.
    let mut app = App::new();
    app.add_plugins(WindowPlugin {
        primary_window: None,
        exit_condition: ExitCondition::OnAllClosed,
        close_when_requested: true,
        ..default()
    });
    let mut app = headless_app_on(app, &simulation(record.clone(), 100_000), dir.path().into());
    let window = app.world_mut().spawn(Window::default()).id();
    while painted_points(&app).is_none_or(|points| points < 200) {
        app.update();
        assert!(app.should_exit().is_none(), "the window is still open");
    }
    let before = saves(&record).len();
    // The therapist closes the window; the loop stops after the frame that says so.
    app.world_mut().despawn(window);
    let mut frames = 0;
    while app.should_exit().is_none() {
        app.update();
        frames += 1;
        assert!(frames < 3, "closing the last window ends the program");
    }
    let points = painted_points(&app).expect("still in the paint step");
    let saved = saves(&record);
    assert_eq!(
        saved.len(),
        before + 1,
        "saved in the frame the program ended"
    );
    assert_eq!(saved.last().map(|save| save.3), Some(points));
}

/// `count` strokes of `points` points each along the synthetic brush's path, in turn in the
/// first `colours` of four pastel colours.
fn brush_strokes(count: u64, points: u64, colours: usize) -> Vec<Arc<Stroke>> {
    use stillpoint::artwork::model::{Rgb, StrokePoint, Symmetry};
    use stillpoint::simulate::SyntheticPaint;
    let palette = [
        [143, 184, 222],
        [230, 170, 120],
        [200, 160, 220],
        [150, 210, 180],
    ];
    (0..count)
        .map(|n| {
            Arc::new(Stroke {
                colour: Rgb(palette[n as usize % colours.clamp(1, palette.len())]),
                width: 0.014,
                symmetry: Symmetry::NONE,
                points: (n * points..(n + 1) * points)
                    .map(|sample| StrokePoint {
                        at: SyntheticPaint::brush_at(sample),
                        pressure: 0.8,
                    })
                    .collect(),
            })
        })
        .collect()
}

/// A headless app, its data in `folder`, running a session of one paint step that opens
/// `strokes` as last week's painting, with the stroke meshes kept in step with the canvas.
fn app_showing(folder: &Path, strokes: Vec<Arc<Stroke>>) -> App {
    use stillpoint::artwork::model::ArtworkFile;
    use stillpoint::paint::light::StrokeLight;
    use stillpoint::paint::view::{StrokeMaterial, sync_plugin};
    let earlier = folder.join("earlier.paint-1.artwork.json");
    let file = ArtworkFile::new(&Artwork { strokes }, "P-21", "one-paint-step", 0);
    save::save(&earlier, &file).unwrap();
    let session = stillpoint::script::parse::parse_ron(
        "one-paint-step.session.ron",
        r#"Session(id: "one-paint-step", title: "Paint", phase: Integration,
           environment: "forest-clearing", soundscape: "silence",
           steps: [Paint(prompt: "Paint.", duration: "1h")])"#,
    )
    .unwrap();
    let mut simulation = simulation(folder.join("r.jsonl"), 0);
    simulation.script = SessionScript {
        session,
        sha256: String::new(),
        warnings: Vec::new(),
    };
    simulation.artwork_from = Some(earlier);
    let mut app = headless_app(&simulation, folder.to_path_buf());
    app.add_plugins(AssetPlugin::default())
        .init_asset::<Mesh>()
        .init_asset::<StrokeLight>()
        .add_plugins(sync_plugin);
    let material = StrokeMaterial::new(&mut app.world_mut().resource_mut());
    app.insert_resource(material);
    app
}

/// A large painting is shown as a few merged meshes: past `SEPARATE_POINTS` the oldest
/// strokes are bundled, one band mesh per colour; erasing an old stroke parts its
/// bundle and the rest stay on show; clearing removes everything.
#[test]
fn a_large_painting_merges_its_oldest_strokes_and_parts_a_bundle_when_one_is_erased() {
    use stillpoint::artwork::{PaintAction, Tool};
    use stillpoint::paint::view::{BUNDLE_POINTS, SEPARATE_POINTS, ShownStrokes};

    let folder = tempfile::tempdir().unwrap();
    // 50,000 points in strokes of 250, in four colours.
    let strokes = brush_strokes(200, 250, 4);
    let first_point = strokes[0].points[125].at;
    let mut app = app_showing(folder.path(), strokes);
    let shown = |app: &App| {
        let shown = app.world().resource::<ShownStrokes>();
        (
            shown.stroke_count(),
            shown.bundled_strokes(),
            shown.piece_count(),
        )
    };
    let frames_until = |app: &mut App, what: &str, done: &dyn Fn(&App) -> bool| {
        for _ in 0..3_000 {
            if done(app) {
                return;
            }
            app.update();
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        panic!("{what}: never");
    };
    frames_until(&mut app, "the painting shown", &|app| shown(app).0 == 200);
    // Bundled until no more than SEPARATE_POINTS stay on their own.
    let separate_strokes = SEPARATE_POINTS / 250;
    frames_until(&mut app, "the old strokes bundled", &|app| {
        shown(app).1 >= 200 - separate_strokes
    });
    let (count, bundled, pieces) = shown(&app);
    assert_eq!(count, 200, "every stroke on show");
    assert!(bundled <= 200 - separate_strokes + BUNDLE_POINTS / 250);
    // 40 strokes of two pieces on their own, each bundle one mesh per colour: a few dozen
    // pieces, not the 400 the strokes had.
    assert!(pieces < 120, "{pieces} pieces on show");
    // Erasing the first (bundled) stroke: it goes, the other 199 stay on show.
    let paint = |app: &mut App, action: PaintAction| {
        app.world_mut().write_message(SessionAction::Paint(action));
        app.update();
    };
    paint(&mut app, PaintAction::Tool(Tool::Eraser));
    paint(
        &mut app,
        PaintAction::Press {
            at: first_point,
            pressure: 1.0,
        },
    );
    paint(&mut app, PaintAction::Release);
    let left = app
        .world()
        .resource::<SessionRuntime>()
        .painting()
        .map(|painting| painting.canvas().artwork().strokes.len())
        .unwrap();
    assert!(left < 200, "the eraser took the stroke");
    frames_until(&mut app, "the rest shown after erasing", &|app| {
        shown(app).0 == left
    });
    for _ in 0..20 {
        app.update();
        assert_eq!(
            shown(&app).0,
            left,
            "the strokes stay on show while rebundled"
        );
    }
    paint(&mut app, PaintAction::Clear);
    frames_until(&mut app, "the clear shown", &|app| shown(app) == (0, 0, 0));
}

/// Each stroke's band is drawn three times from one mesh: as its core in the view, and in
/// the painting's glow alone (small, then laid over the view) as the shape that hides the
/// halos behind it and, widened and faint, as its halo, with the box the halo reaches.
#[test]
fn the_halos_are_drawn_in_the_glow_from_the_cores_mesh_where_the_cores_hide_those_behind() {
    use bevy::camera::visibility::RenderLayers;
    use stillpoint::paint::glow::{GLOW_LAYER, HaloReach};
    use stillpoint::paint::light::{StrokeLayer, StrokeLight};

    let folder = tempfile::tempdir().unwrap();
    let strokes = brush_strokes(6, 120, 1);
    let points: Vec<Vec3> = strokes
        .iter()
        .flat_map(|stroke| stroke.points.iter().map(|point| point.at))
        .collect();
    let mut app = app_showing(folder.path(), strokes);
    let named = |app: &mut App, name: &str| {
        let mut query = app.world_mut().query::<(Entity, &Name)>();
        query
            .iter(app.world())
            .filter(|(_, of)| of.as_str() == name)
            .map(|(entity, _)| entity)
            .collect::<Vec<_>>()
    };
    for _ in 0..200 {
        app.update();
        if !named(&mut app, "Stroke's glow").is_empty() {
            break;
        }
    }
    let (cores, halos) = (
        named(&mut app, "Stroke of light"),
        named(&mut app, "Stroke's glow"),
    );
    assert!(!halos.is_empty() && cores.len() == halos.len());
    let glow_only = RenderLayers::layer(GLOW_LAYER);
    let world = app.world();
    let mut reach: Option<(Vec3, Vec3)> = None;
    for halo in &halos {
        assert_eq!(world.get::<RenderLayers>(*halo), Some(&glow_only));
        let HaloReach(least, most) = *world.get::<HaloReach>(*halo).expect("a halo's reach");
        reach = Some(reach.map_or((least, most), |(low, high)| {
            (low.min(least), high.max(most))
        }));
    }
    let (least, most) = reach.unwrap();
    assert!(
        points
            .iter()
            .all(|point| point.cmpgt(least).all() && point.cmplt(most).all()),
        "the halos' boxes hold every point of the painting"
    );
    let materials = world.resource::<Assets<StrokeLight>>();
    let layer_of = |entity: Entity| {
        let material = &world.get::<MeshMaterial3d<StrokeLight>>(entity).unwrap().0;
        materials.get(material).unwrap().layer
    };
    for core in &cores {
        // In the view: the default layer.
        assert_eq!(world.get::<RenderLayers>(*core), None);
        assert_eq!(layer_of(*core), StrokeLayer::Core);
        let mesh = &world.get::<Mesh3d>(*core).unwrap().0;
        let children = world.get::<Children>(*core).expect("the core's glow");
        let child = |name: &str| {
            children
                .iter()
                .find(|child| {
                    world
                        .get::<Name>(*child)
                        .is_some_and(|of| of.as_str() == name)
                })
                .unwrap_or_else(|| panic!("{name}"))
        };
        for (name, layer) in [
            ("Stroke of light in the glow", StrokeLayer::CoreInGlow),
            ("Stroke's glow", StrokeLayer::Halo),
        ] {
            let in_glow = child(name);
            assert_eq!(world.get::<RenderLayers>(in_glow), Some(&glow_only));
            assert_eq!(&world.get::<Mesh3d>(in_glow).unwrap().0, mesh);
            assert_eq!(layer_of(in_glow), layer);
        }
    }
}
