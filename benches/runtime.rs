//! Per-frame cost of the session runtime with a session running, and the cost of
//! validating every bundled session. Run with `cargo bench --bench runtime`.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "a test stops at the first thing that is wrong"
)]
#![expect(
    missing_docs,
    reason = "criterion's macros generate undocumented items"
)]

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, criterion_group, criterion_main};
use stillpoint::script::library;
use stillpoint::script::validate::Context;
use stillpoint::session::{SessionAction, SessionRuntime, SessionState};
use stillpoint::simulate::{Simulation, headless_app};

fn sessions_folder() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/sessions")
}

fn runtime_frame(c: &mut Criterion) {
    let path = sessions_folder().join("centering-before-dosing.session.ron");
    let checked = library::check_file(&path, &Context::default())
        .outcome
        .expect("bundled session is valid");
    let records = tempfile::tempdir().expect("temp dir");
    let simulation = Simulation {
        script: checked,
        patient: "BENCH-1".into(),
        actions: Vec::new(),
        hz: 90.0,
        record: records.path().join("bench-0.jsonl"),
        resume: false,
        auto_continue_secs: 60.0,
        synthetic_paint: 0,
        artwork_from: None,
        instruments: Default::default(),
        voice: None,
    };
    let mut app = headless_app(&simulation, records.path().to_path_buf());
    let mut runs = 0;
    c.bench_function("runtime frame (centering session, 90 Hz)", |b| {
        b.iter(|| {
            app.update();
            if app.world().resource::<SessionRuntime>().state() == SessionState::Finished {
                runs += 1;
                app.world_mut().write_message(SessionAction::Start {
                    patient: "BENCH-1".into(),
                    record: Some(records.path().join(format!("bench-{runs}.jsonl"))),
                });
            }
        });
    });
}

fn validate_bundled(c: &mut Criterion) {
    let files = library::session_files(&sessions_folder()).expect("sessions folder");
    let context = Context {
        assets_dir: Some(Path::new(env!("CARGO_MANIFEST_DIR")).join("assets")),
        ..Context::default()
    };
    c.bench_function("validate all bundled sessions", |b| {
        b.iter(|| black_box(library::check_all(black_box(&files), &context)));
    });
}

criterion_group!(benches, runtime_frame, validate_bundled);
criterion_main!(benches);
