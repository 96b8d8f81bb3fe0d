//! What the window's session leaves in the patient's records: a session started from the
//! command line is recorded and resumed, and closing the window mid-painting saves the
//! painting first (under a virtual display with software Vulkan in CI: `tools/test.sh` runs
//! the tests inside `xvfb-run`).

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "a test stops at the first thing that is wrong"
)]

mod common;

use common::stillpoint;

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
    // With no sound card (as on a CI machine) the app runs on silently and says so once;
    // with one, it says sound is playing.
    let log = String::from_utf8_lossy(&output.stderr);
    let has_sound_card = std::fs::read_to_string("/proc/asound/cards")
        .is_ok_and(|cards| !cards.contains("no soundcards") && !cards.trim().is_empty());
    if has_sound_card {
        assert!(log.contains("sound is playing"), "{log}");
    } else {
        assert_eq!(log.matches("no audio output device").count(), 1, "{log}");
    }
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

/// Asks the Stillpoint window whose title holds `titled` to close, as its close button does:
/// the X window manager protocol's `WM_DELETE_WINDOW` message. Returns false while there is
/// no such window yet.
fn close_the_window(titled: &str) -> bool {
    use x11rb::connection::Connection;
    use x11rb::protocol::xproto::{AtomEnum, ClientMessageEvent, ConnectionExt, EventMask};
    let (connection, screen) = x11rb::connect(None).expect("the test's display");
    let root = connection.setup().roots[screen].root;
    let atom = |name: &str| {
        connection
            .intern_atom(false, name.as_bytes())
            .expect("asks")
            .reply()
            .expect("an atom")
            .atom
    };
    let (protocols, delete, net_name, utf8) = (
        atom("WM_PROTOCOLS"),
        atom("WM_DELETE_WINDOW"),
        atom("_NET_WM_NAME"),
        atom("UTF8_STRING"),
    );
    let children = connection
        .query_tree(root)
        .expect("asks")
        .reply()
        .expect("the top-level windows")
        .children;
    let title_of = |window| {
        [
            (net_name, utf8),
            (AtomEnum::WM_NAME.into(), AtomEnum::STRING.into()),
        ]
        .iter()
        .filter_map(|&(property, kind)| {
            connection
                .get_property(false, window, property, kind, 0, 256)
                .ok()?
                .reply()
                .ok()
        })
        .map(|reply| String::from_utf8_lossy(&reply.value).into_owned())
        .find(|title| !title.is_empty())
        .unwrap_or_default()
    };
    let Some(window) = children.into_iter().find(|&window| {
        let title = title_of(window);
        title.starts_with("Stillpoint") && title.contains(titled)
    }) else {
        return false;
    };
    let message = ClientMessageEvent::new(32, window, protocols, [delete, 0, 0, 0, 0]);
    connection
        .send_event(false, window, EventMask::NO_EVENT, message)
        .expect("sends");
    connection.flush().expect("flushes");
    true
}

#[test]
fn closing_the_window_mid_painting_saves_the_painting_first() {
    use stillpoint::artwork::model::{Artwork, ArtworkFile, Rgb, Stroke, StrokePoint, Symmetry};
    use stillpoint::artwork::save::{self, ArtworkPaths};
    let data = tempfile::tempdir().expect("temp dir");
    let sessions = data.path().join("sessions");
    std::fs::create_dir_all(&sessions).expect("the clinic's sessions folder");
    std::fs::write(
        sessions.join("paint-then-close.session.ron"),
        r#"Session(
    id: "paint-then-close",
    title: "Paint, then close",
    phase: Integration,
    environment: "forest-clearing",
    soundscape: "silence",
    steps: [
        Paint(prompt: "Paint what stayed with you. Shapes, colours, movement: anything at all.", duration: "12m"),
    ],
)"#,
    )
    .expect("a clinic session");
    // Last week's painting, which the paint step opens: a painting under way, not saved yet.
    let earlier = data.path().join("earlier.artwork.json");
    let points: Vec<StrokePoint> = (0..400)
        .map(|i| {
            let a = i as f32 * 0.02;
            StrokePoint {
                at: stillpoint::artwork::model::CANVAS_CENTRE
                    + bevy::math::Vec3::new(a.cos() * 0.2, a.sin() * 0.2, 0.0),
                pressure: 0.8,
            }
        })
        .collect();
    let artwork = Artwork {
        strokes: vec![std::sync::Arc::new(Stroke {
            colour: Rgb([0x8f, 0xb8, 0xde]),
            width: 0.012,
            symmetry: Symmetry::NONE,
            points,
        })],
    };
    save::save(&earlier, &ArtworkFile::new(&artwork, "P-41", "earlier", 0)).expect("saves");
    let log = data.path().join("stillpoint.log");
    let mut app = std::process::Command::new(env!("CARGO_BIN_EXE_stillpoint"))
        .args(["run", "--session", "paint-then-close", "--patient", "P-41"])
        .arg("--data")
        .arg(data.path())
        .arg("--artwork-from")
        .arg(&earlier)
        .current_dir(common::root())
        .env("NO_COLOR", "1")
        .env("STILLPOINT_OPENXR_LOADER_FOLDERS", "")
        .stderr(std::fs::File::create(&log).expect("a log file"))
        .spawn()
        .expect("the window opens");
    let records = data.path().join("records/P-41");
    let record = || {
        std::fs::read_dir(&records)
            .ok()?
            .flatten()
            .map(|entry| entry.path())
            .find(|path| path.extension().is_some_and(|ending| ending == "jsonl"))
    };
    let started = std::time::Instant::now();
    let opened = loop {
        let text = record().and_then(|path| std::fs::read_to_string(path).ok());
        if text.is_some_and(|text| text.contains("\"event\":\"artwork_opened\"")) {
            break true;
        }
        if started.elapsed() > std::time::Duration::from_secs(120)
            || app.try_wait().expect("its status").is_some()
        {
            break false;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    assert!(opened, "the paint step opened last week's painting");
    let record = record().expect("the record");
    let before = std::fs::read_to_string(&record).expect("reads");
    assert!(
        !before.contains("artwork_saved"),
        "nothing saved yet: {before}"
    );
    // The therapist closes the window with the painting unsaved (autosave is 20 s away),
    // once the window shows the step (its title says so: the app is drawing it). Like a
    // therapist, the test clicks again if a click is not taken, after 2 s (well before the
    // autosave, which must not be what saves the painting here).
    let mut clicked = None;
    let ended = loop {
        if let Some(status) = app.try_wait().expect("its status") {
            break Some(status);
        }
        if started.elapsed() > std::time::Duration::from_secs(180) {
            let _ = app.kill();
            break None;
        }
        let click_again = clicked
            .is_none_or(|at: std::time::Instant| at.elapsed() > std::time::Duration::from_secs(2));
        if click_again && close_the_window("step 1 of 1 (Paint)") {
            clicked = Some(std::time::Instant::now());
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    let stderr = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(
        ended.is_some_and(|status| status.success()),
        "the window closed cleanly ({ended:?}): {stderr}"
    );
    assert!(
        stderr.contains("everything is kept: Stillpoint ends"),
        "the process ended once the painting was kept, without tearing the app down: {stderr}"
    );
    let after = std::fs::read_to_string(&record).expect("reads");
    assert!(
        after.contains("\"event\":\"artwork_saved\""),
        "closing saved the painting: {after}"
    );
    let saved = save::load(&ArtworkPaths::beside(&record, 0).artwork).expect("it reads");
    assert_eq!(saved.artwork().point_count(), 400, "all of it");
}
