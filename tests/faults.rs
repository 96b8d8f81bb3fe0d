//! Faults injected, nothing lost: a disk that fills up mid-painting, a data folder that
//! cannot be written, and Stillpoint killed at twenty moments of a painting session. Each
//! checks the promises of the README and `docs/session-records.md`.
//!
//! The first two mount small file systems, which needs root: they are marked `ignore` so
//! that `cargo test` as a user passes over them visibly, and `tools/test.sh` runs them as
//! root (in CI), where they fail if they cannot mount.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "a test stops at the first thing that is wrong"
)]

mod common;

use common::Mounted;

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use stillpoint::artwork::PaintAction;
use stillpoint::artwork::save::{self, ArtworkPaths};
use stillpoint::script::SessionScript;
use stillpoint::script::library::check_file;
use stillpoint::script::validate::Context;
use stillpoint::session::record::{EventKind, ReadRecord};
use stillpoint::session::{SessionAction, SessionRuntime, SessionState, Volumes};
use stillpoint::simulate::SyntheticPaint;

fn creative_integration() -> Arc<SessionScript> {
    let path = common::project_path("assets/sessions/creative-integration.session.ron");
    Arc::new(
        check_file(&path, &Context::default())
            .outcome
            .expect("the bundled session is valid"),
    )
}

/// Moves the session on to its paint step.
fn go_to_the_paint_step(runtime: &mut SessionRuntime, volumes: &mut Volumes) {
    for _ in 0..20 {
        if runtime.painting().is_some() {
            return;
        }
        runtime.apply(&SessionAction::Next, volumes);
    }
    panic!("the session has a paint step");
}

/// Paints `strokes` strokes of `points` brush samples each, from sample `from`.
fn paint(runtime: &mut SessionRuntime, volumes: &mut Volumes, from: u64, strokes: u64) {
    for stroke in 0..strokes {
        let first = from + stroke * 300;
        runtime.apply(
            &SessionAction::Paint(PaintAction::Press {
                at: SyntheticPaint::brush_at(first),
                pressure: 0.8,
            }),
            volumes,
        );
        for n in first + 1..first + 300 {
            runtime.apply(
                &SessionAction::Paint(PaintAction::Drag {
                    at: SyntheticPaint::brush_at(n),
                    pressure: 0.8,
                }),
                volumes,
            );
        }
        runtime.apply(&SessionAction::Paint(PaintAction::Release), volumes);
    }
}

/// Lets the autosave come due, then ticks until `done` says the background save is over.
fn autosave_until(runtime: &mut SessionRuntime, done: impl Fn(&SessionRuntime) -> bool) {
    runtime.tick(Duration::from_secs(21));
    let started = Instant::now();
    while !done(runtime) {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the autosave settles"
        );
        std::thread::sleep(Duration::from_millis(5));
        runtime.tick(Duration::from_millis(1));
    }
}

/// The lines of `record`, each checked to be a whole JSON line (no fragment anywhere).
fn whole_json_lines(record: &Path) -> Vec<serde_json::Value> {
    let text = std::fs::read_to_string(record).expect("the record reads as text");
    assert!(text.ends_with('\n'), "the record ends with a whole line");
    text.lines()
        .map(|line| serde_json::from_str(line).expect("every line is whole JSON"))
        .collect()
}

fn event_names(record: &Path) -> Vec<String> {
    whole_json_lines(record)
        .iter()
        .map(|line| line["event"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[test]
#[ignore = "mounts a 2 MiB tmpfs, which needs root: tools/test.sh runs it as root"]
fn a_disk_that_fills_mid_painting_keeps_what_was_saved_and_saves_again_once_freed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    let _mounted = Mounted::tmpfs(&data, "2m", "");
    let record = data.join("records/P-51/creative-integration-20261130-100000.jsonl");
    let artwork = ArtworkPaths::beside(&record, 5).artwork;
    let (mut runtime, mut volumes) = (SessionRuntime::default(), Volumes::default());
    runtime.start(creative_integration(), "P-51", &record);
    go_to_the_paint_step(&mut runtime, &mut volumes);
    let step = runtime.painting().expect("painting").step();
    assert_eq!(ArtworkPaths::beside(&record, step).artwork, artwork);

    // A first painting is saved while there is room.
    paint(&mut runtime, &mut volumes, 0, 4);
    autosave_until(&mut runtime, |runtime| {
        runtime
            .painting()
            .is_some_and(|painting| painting.is_saved())
    });
    let saved_first = std::fs::read(&artwork).expect("the first save is on the disk");

    // The disk fills up.
    let filler = data.join("filler");
    let mut file = std::fs::File::create(&filler).expect("a filler file");
    let chunk = vec![0u8; 16 * 1024];
    while std::io::Write::write_all(&mut file, &chunk).is_ok() {}
    drop(file);
    paint(&mut runtime, &mut volumes, 4 * 300, 6);
    // The record's last page may still have room for a few lines: pause and resume until
    // a line does not fit.
    let mut pauses = 0;
    while runtime.record_problem().is_none() {
        assert!(pauses < 1000, "the record fills up");
        runtime.apply(&SessionAction::Pause, &mut volumes);
        runtime.apply(&SessionAction::Resume, &mut volumes);
        pauses += 1;
    }
    let problem = runtime
        .record_problem()
        .expect("the panel says the record fails");
    assert!(problem.contains("could not be written"), "{problem}");
    autosave_until(&mut runtime, |runtime| {
        runtime
            .painting()
            .and_then(|painting| painting.problem())
            .is_some()
    });
    let painting = runtime.painting().expect("painting");
    let shown = painting.problem().expect("a problem");
    assert!(shown.contains("could not be saved"), "{shown}");
    assert!(!painting.is_saved());
    assert_eq!(
        runtime.state(),
        SessionState::Running,
        "the session runs on"
    );
    assert_eq!(
        std::fs::read(&artwork).expect("still there"),
        saved_first,
        "what was saved stays whole"
    );
    save::load(&artwork).expect("and reads");
    let count = |names: &[String], name: &str| names.iter().filter(|n| *n == name).count();
    let before_freeing = event_names(&record);
    assert!(
        count(&before_freeing, "resumed") < pauses,
        "the last lines wait to be written"
    );

    // Space is freed: the next autosave succeeds and the waiting lines are written.
    std::fs::remove_file(&filler).expect("frees the space");
    autosave_until(&mut runtime, |runtime| {
        runtime
            .painting()
            .is_some_and(|painting| painting.is_saved())
    });
    let painting = runtime.painting().expect("painting");
    assert_eq!(
        painting.problem(),
        None,
        "the panel no longer says it failed"
    );
    assert_eq!(runtime.record_problem(), None, "nor that the record fails");
    let points = painting.canvas().point_count();
    let reread = save::load(&artwork).expect("the new save reads");
    assert_eq!(reread.artwork().point_count(), points);
    let names = event_names(&record);
    assert_eq!(
        (count(&names, "paused"), count(&names, "resumed")),
        (pauses, pauses),
        "every line that waited is written"
    );
    let last_resumed = names.iter().rposition(|name| name == "resumed");
    let last_save = names.iter().rposition(|name| name == "artwork_saved");
    assert!(
        last_resumed < last_save,
        "in order, before the save that came after them: {names:?}"
    );
    let read = ReadRecord::read(&record).expect("the record reads");
    assert!(read.damaged_lines.is_empty(), "{:?}", read.damaged_lines);
}

#[test]
#[ignore = "mounts a read-only tmpfs, which needs root: tools/test.sh runs it as root"]
fn a_read_only_data_folder_runs_the_session_and_says_nothing_is_recorded() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    let _mounted = Mounted::tmpfs(&data, "1m", ",ro");
    let record = data.join("records/P-52/creative-integration-20261130-100000.jsonl");
    let (mut runtime, mut volumes) = (SessionRuntime::default(), Volumes::default());
    runtime.start(creative_integration(), "P-52", &record);
    let problem = runtime.record_problem().expect("the panel says so");
    assert!(
        problem.contains("could not be created") && problem.contains("Read-only"),
        "{problem}"
    );
    assert_eq!(runtime.state(), SessionState::Running, "the session runs");
    go_to_the_paint_step(&mut runtime, &mut volumes);
    paint(&mut runtime, &mut volumes, 0, 2);
    runtime.tick(Duration::from_secs(30));
    let painting = runtime.painting().expect("painting");
    assert!(painting.canvas().point_count() > 0, "the patient paints");
    runtime.apply(&SessionAction::End, &mut volumes);
    assert_eq!(runtime.state(), SessionState::Finished);
    assert!(!record.exists(), "nothing was written");

    // The clinic's self-check says so, as a failure.
    let output = common::stillpoint(&["--data", data.to_str().expect("utf-8"), "doctor"]);
    assert!(!output.status.success(), "a failure is the exit code too");
    let said = common::stdout(&output);
    let line = said
        .lines()
        .find(|line| line.starts_with("FAIL data"))
        .unwrap_or_else(|| panic!("no failed data line: {said}"));
    assert!(
        line.contains("Read-only") && line.contains("sessions would not be recorded"),
        "{line}"
    );
}

/// A small random number generator, so that each seed kills at its own moment.
fn next_random(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

/// Waits until `record` holds an event named `name` (or the time runs out).
fn wait_for_event(record: &Path, name: &str, child: &mut std::process::Child) -> bool {
    let started = Instant::now();
    let pattern = format!("\"event\":\"{name}\"");
    while started.elapsed() < Duration::from_secs(60) {
        if std::fs::read_to_string(record).is_ok_and(|text| text.contains(&pattern)) {
            return true;
        }
        if child.try_wait().expect("its status").is_some() {
            return false;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    false
}

/// Every file beside the record opens in its reader: records, artwork files, GLB, PNG.
fn every_file_reads(folder: &Path) {
    for entry in std::fs::read_dir(folder).expect("the folder").flatten() {
        let path = entry.path();
        let name = path.to_string_lossy().into_owned();
        if name.ends_with(".jsonl") {
            let text = String::from_utf8(std::fs::read(&path).expect("reads")).expect("UTF-8");
            let mut lines: Vec<&str> = text.split('\n').collect();
            // Only the very last line may be cut short by the kill.
            lines.pop();
            for line in lines {
                serde_json::from_str::<serde_json::Value>(line)
                    .unwrap_or_else(|error| panic!("{name}: {error}: {line}"));
            }
            ReadRecord::read(&path).expect("the record reads");
        } else if name.ends_with(".artwork.json") {
            save::load(&path).unwrap_or_else(|error| panic!("{error}"));
        } else if name.ends_with(".glb") {
            gltf::Gltf::from_slice_without_validation(&std::fs::read(&path).expect("reads"))
                .unwrap_or_else(|error| panic!("{name}: {error}"));
        } else if name.ends_with(".png") {
            image::open(&path).unwrap_or_else(|error| panic!("{name}: {error}"));
        }
    }
}

/// The points of the paint step's artwork file now, if there is one.
fn saved_points(record: &Path) -> Option<usize> {
    let artwork = ArtworkPaths::beside(record, 5).artwork;
    artwork
        .exists()
        .then(|| save::load(&artwork).expect("reads").artwork().point_count())
}

#[test]
fn killed_at_twenty_moments_of_painting_every_file_reads_and_resume_continues_the_last_save() {
    let mut random = 0x5eed_u64;
    let mut landed_in = std::collections::BTreeMap::<&str, usize>::new();
    for seed in 0..20 {
        let dir = tempfile::tempdir().expect("temp dir");
        let record = dir
            .path()
            .join("P-53/creative-integration-20261130-100000.jsonl");
        std::fs::create_dir_all(record.parent().expect("folder")).expect("folder");
        let simulate = |resume: bool, paint: &str| {
            let mut command = Command::new(env!("CARGO_BIN_EXE_stillpoint"));
            command
                .current_dir(common::root())
                .args(["simulate", "--session", "creative-integration"])
                .args(["--patient", "P-53", "--hz", "400", "--auto-continue", "5"])
                .args(["--synthetic-paint", paint])
                .arg("--record")
                .arg(&record)
                .env("STILLPOINT_OPENXR_LOADER_FOLDERS", "")
                .stdout(Stdio::null())
                .stderr(Stdio::null());
            if resume {
                command.arg("--resume");
            }
            command
        };
        let mut child = simulate(false, "60000").spawn().expect("simulate starts");
        // Half the kills land while the patient paints and the painting autosaves (the
        // first save is recorded, the brush is still moving), half once the step has ended
        // and its exports are being written while the session goes on; each at a random
        // moment of that stretch.
        let (moment, reached, stretch_micros) = if seed % 2 == 0 {
            let reached = wait_for_event(&record, "artwork_saved", &mut child);
            ("autosave", reached, 120_000)
        } else {
            let reached = wait_for_event(&record, "artwork_saved", &mut child)
                && wait_for_event_after_painting(&record, &mut child);
            ("export", reached, 250_000)
        };
        assert!(reached, "seed {seed}: the simulation reached its {moment}");
        std::thread::sleep(Duration::from_micros(
            next_random(&mut random) % stretch_micros,
        ));
        let running = child.try_wait().expect("its status").is_none();
        child.kill().expect("kill -9");
        child.wait().expect("it ends");
        assert!(running, "seed {seed}: killed mid-run");
        *landed_in.entry(moment).or_default() += 1;

        let folder = record.parent().expect("folder");
        every_file_reads(folder);
        let last_saved = saved_points(&record);
        let read = ReadRecord::read(&record).expect("reads");
        assert!(
            !read.is_finished(),
            "seed {seed}: killed before the session ended"
        );

        // Resume, painting nothing more: the paint step continues exactly what was saved.
        let output = simulate(true, "0").output().expect("resume runs");
        assert!(
            output.status.success(),
            "seed {seed}: the resumed session runs"
        );
        every_file_reads(folder);
        let read = ReadRecord::read(&record).expect("reads");
        assert!(
            read.is_finished(),
            "seed {seed}: the resumed session finished"
        );
        assert_eq!(
            saved_points(&record),
            last_saved,
            "seed {seed}: the painting is the one last saved, no more and no less"
        );
        let paths = ArtworkPaths::beside(&record, 5);
        if paths.artwork.exists() {
            for export in [&paths.glb, &paths.png] {
                assert!(
                    export.is_file(),
                    "seed {seed}: an export cut short is written again: {}",
                    export.display()
                );
            }
        }
        for entry in std::fs::read_dir(folder).expect("folder").flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            assert!(
                !name.ends_with(".partial"),
                "seed {seed}: what the kill left half-written is cleaned up: {name}"
            );
        }
    }
    assert_eq!(landed_in.get("autosave"), Some(&10), "{landed_in:?}");
    assert_eq!(landed_in.get("export"), Some(&10), "{landed_in:?}");
}

/// Waits until the paint step has finished (its exports start then).
fn wait_for_event_after_painting(record: &Path, child: &mut std::process::Child) -> bool {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(60) {
        let finished_painting = ReadRecord::read(record).is_ok_and(|read| {
            read.events
                .iter()
                .any(|event| matches!(event.kind, EventKind::StepFinished { step: 5, .. }))
        });
        if finished_painting {
            return true;
        }
        if child.try_wait().expect("its status").is_some() {
            return false;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    false
}

/// Writes a patient archive at `path` with `files` (name, bytes), as `patient export` does.
fn patient_archive(path: &Path, files: &[(String, Vec<u8>)]) {
    let file = std::fs::File::create(path).expect("creates");
    let mut builder = tar::Builder::new(flate2::write::GzEncoder::new(
        file,
        flate2::Compression::fast(),
    ));
    for (name, bytes) in files {
        let mut header = tar::Header::new_gnu();
        header.set_size(bytes.len() as u64);
        header.set_mode(0o600);
        builder
            .append_data(&mut header, name, bytes.as_slice())
            .expect("appends");
    }
    builder
        .into_inner()
        .expect("finishes")
        .finish()
        .expect("compresses");
}

/// An import into a data folder whose disk fills up part-way fails with a clear message,
/// leaves neither a half patient folder nor its temporary folder, and, once there is room,
/// the same import goes through whole.
#[test]
#[ignore = "mounts a 4 MiB tmpfs, which needs root: tools/test.sh runs it as root"]
fn an_import_onto_a_full_disk_leaves_nothing_half_and_goes_through_once_freed() {
    use stillpoint::patients::{self, PatientFolders};
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    let _mounted = Mounted::tmpfs(&data, "4m", "");
    // Three files of 1 MiB that do not compress, with 2 MiB of the disk already taken.
    let mut state = 0x5eed_u64;
    let files: Vec<(String, Vec<u8>)> = ["a.jsonl", "a.paint-1.artwork.json", "a.paint-1.png"]
        .iter()
        .map(|name| {
            let bytes = (0..1 << 17)
                .flat_map(|_| next_random(&mut state).to_le_bytes())
                .collect();
            (format!("records/P-9/{name}"), bytes)
        })
        .collect();
    let archive = dir.path().join("P-9.tar.gz");
    patient_archive(&archive, &files);
    let taken = data.join("taken");
    std::fs::write(&taken, vec![1_u8; 2 << 20]).expect("fills half the disk");
    let folders = PatientFolders::in_data_folder(&data);

    let failed = patients::import(&folders, &archive);
    let problem = failed.expect_err("the disk fills up");
    assert!(
        problem.contains("No space left") && problem.contains("nothing was imported"),
        "{problem}"
    );
    let mut left: Vec<String> = std::fs::read_dir(&data)
        .expect("reads")
        .flatten()
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left, ["taken"], "no half folder, no temporary folder");
    assert!(
        patients::list(&folders, patients::Practice::LeftOut)
            .expect("lists")
            .is_empty()
    );

    std::fs::remove_file(&taken).expect("frees the space");
    assert_eq!(
        patients::import(&folders, &archive),
        Ok(("P-9".to_owned(), 3)),
        "the same import again, with room"
    );
    for (name, bytes) in &files {
        assert!(
            std::fs::read(data.join(name)).expect("imported") == *bytes,
            "{name} whole"
        );
    }
}

/// A deletion that fails part-way (here a folder that cannot be removed, a mount point) is
/// logged all the same: the attempt before, the failure after, with no file's name.
#[test]
#[ignore = "mounts a tmpfs, which needs root: tools/test.sh runs it as root"]
fn a_deletion_that_fails_is_logged_as_attempted_and_failed() {
    use stillpoint::patients::{self, PatientFolders};
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    let folders = PatientFolders::in_data_folder(&data);
    let records = folders.records.join("P-8");
    let _mounted = Mounted::tmpfs(&records, "1m", "");
    let record = records.join("creative-integration-20261101-100000.jsonl");
    std::fs::write(&record, b"{}\n").expect("a record");
    std::fs::create_dir_all(folders.reports.join("P-8")).expect("reports");
    std::fs::write(folders.reports.join("P-8/report.html"), b"<p>").expect("a report");

    let failed = patients::delete(&folders, "P-8").expect_err("a mount point stays");
    assert!(failed.contains("files are left"), "{failed}");
    let log = std::fs::read_to_string(&folders.deletion_log).expect("a deletion log");
    let [attempt, outcome] = log.lines().collect::<Vec<_>>()[..] else {
        panic!("two lines: {log}");
    };
    assert!(
        attempt.ends_with("Z deleting patient P-8: 2 files"),
        "{log}"
    );
    assert!(
        outcome.contains("Z deleting patient P-8 failed: 1 of 2 files left ("),
        "{log}"
    );
    assert!(
        !log.contains("creative") && !log.contains("records") && !log.contains("2026-11-01"),
        "no file's name, no session, no date of care: {log}"
    );
}
