//! The window shows each session's scene and the moments of a session as the patient sees
//! them: the scenes, the words, the board and the orb, for a seated, reclined or lying
//! patient, and the session previews. The app's window is opened under a virtual display with
//! software Vulkan in CI (`tools/test.sh` runs the tests inside `xvfb-run`).

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "a test stops at the first thing that is wrong"
)]

mod common;

use common::window::{screenshot, screenshot_at};
use common::{stdout, stillpoint};

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
fn a_clinic_session_in_the_data_folder_opens_in_the_window() {
    let data = tempfile::tempdir().expect("temp dir");
    let sessions = data.path().join("sessions");
    std::fs::create_dir_all(&sessions).expect("sessions folder");
    let bundled = std::fs::read_to_string(common::project_path(
        "assets/sessions/box-breathing-reset.session.ron",
    ))
    .expect("bundled session");
    let clinic = bundled.replace("id: \"box-breathing-reset\"", "id: \"clinic-evening\"");
    assert_ne!(clinic, bundled, "the copy has an id of its own");
    std::fs::write(sessions.join("clinic-evening.session.ron"), clinic).expect("write");
    let data_arg = data.path().to_str().expect("utf-8 path");

    let listed = stillpoint(&["--data", data_arg, "list"]);
    assert!(
        stdout(&listed).contains("clinic-evening"),
        "{}",
        stdout(&listed)
    );
    // The window reads it through its own asset source, outside the assets folder.
    let picture = screenshot_at(
        "clinic-evening",
        "clinic-evening",
        &["--data", data_arg, "--at", "80"],
    );
    assert!(
        picture.moment.contains("kind=Breathing"),
        "the clinic's session runs: {}",
        picture.moment
    );
    assert!(picture.distinct_colours() > 200);
}

/// Five moments of the centering session, each checked for what it must show. The
/// breathing step begins at 164 s when the first check-in is left unanswered (14 + 14 s of
/// narration, the 2-minute check-in timeout, 16 s of narration); at 6 breaths a minute each
/// breath is 5 s in and 5 s out, so at 168 s the orb is nearly full and at 173.5 s nearly
/// settled.
#[test]
fn five_moments_of_the_centering_session() {
    let session = "centering-before-dosing";
    let arrival = screenshot_at(session, "arrival", &["--at", "5"]);
    let inhale = screenshot_at(session, "inhale", &["--at", "168"]);
    let exhale = screenshot_at(session, "exhale", &["--at", "173.5"]);
    let check_in = screenshot_at(session, "check-in", &["--at", "40"]);
    let calm = screenshot_at(session, "calm", &["--at", "100", "--action", "60=calm"]);

    // Arrival: the first words of welcome over the dusk lake, nothing else yet.
    assert!(
        arrival
            .moment
            .contains("step=1 kind=Narration scene=dusk-lake")
            && arrival.moment.contains("caption=\"Welcome."),
        "{}",
        arrival.moment
    );
    assert!(arrival.caption_pixels() > 500);
    assert_eq!(arrival.orb_pixels(), 0, "no orb before breathing");
    assert!(arrival.board_pixels() < 20, "no board before the check-in");

    // Breathing: the orb is full on the in-breath and settled on the out-breath.
    assert!(
        inhale.moment.contains("kind=Breathing breath=in"),
        "{}",
        inhale.moment
    );
    assert!(
        exhale.moment.contains("kind=Breathing breath=out"),
        "{}",
        exhale.moment
    );
    let (full, settled) = (inhale.orb_pixels(), exhale.orb_pixels());
    assert!(
        settled > 200,
        "the settled orb is still visible ({settled} pixels)"
    );
    // Radii near 0.24 m and 0.09 m: several times the area.
    assert!(full > settled * 4, "full {full} vs settled {settled}");

    // Check-in: the question on the caption and the 0-10 scale on the board below.
    assert!(
        check_in.moment.contains("kind=CheckIn") && check_in.moment.contains("distress"),
        "{}",
        check_in.moment
    );
    assert!(check_in.caption_pixels() > 500);
    assert!(
        check_in.board_pixels() > 300,
        "{} board pixels",
        check_in.board_pixels()
    );
    assert_eq!(check_in.orb_pixels(), 0);

    // Calm: the warm safe place, no words, no board; warmer than the dusk lake's violet
    // sky and lighter underfoot.
    assert!(
        calm.moment.contains("state=Calm") && calm.moment.contains("scene=safe-place"),
        "{}",
        calm.moment
    );
    assert!(calm.moment.ends_with("caption=\"\""), "{}", calm.moment);
    assert!(calm.board_pixels() < 20);
    let (lake_warmth, calm_warmth) = (check_in.warmth(0, 100), calm.warmth(0, 100));
    assert!(
        calm_warmth > lake_warmth + 15.0,
        "warmth: calm {calm_warmth}, lake {lake_warmth}"
    );
    assert!(calm.band_luminance(500, 720) > check_in.band_luminance(500, 720) + 40.0);
}

#[test]
fn reclined_and_lying_patients_see_the_words_and_choices_in_the_middle_of_their_view() {
    let session = "centering-before-dosing";
    let moments = [
        ("caption", "5", "kind=Narration"),
        ("check-in", "40", "kind=CheckIn"),
        ("pacer", "168", "kind=Breathing"),
    ];
    for (posture, pitch) in [("reclined", "40"), ("lying", "85")] {
        let action = format!("0.1=posture:{posture}");
        for (what, at, kind) in moments {
            let name = format!("{posture}-{what}");
            let picture = screenshot_at(
                session,
                &name,
                &["--head-pitch", pitch, "--at", at, "--action", &action],
            );
            assert!(picture.moment.contains(kind), "{name}: {}", picture.moment);
            let content = picture.content_pixels().len();
            assert!(
                content > 800,
                "{name}: only {content} pixels of words or pacer"
            );
            let (left, top, right, bottom) = picture.content_box().expect("content");
            assert!(
                left > 0.2 && right < 0.8 && top > 0.2 && bottom < 0.9,
                "{name}: the content spans {left:.2}..{right:.2} across and {top:.2}..{bottom:.2} down"
            );
            // Its middle is a little below the middle of the view.
            let middle = (top + bottom) / 2.0;
            assert!(
                (0.45..0.75).contains(&middle),
                "{name}: middle at {middle:.2}"
            );
            // The sky or the scene fills the rest: no empty black, light in every corner.
            let black = picture
                .pixels
                .iter()
                .filter(|&&pixel| picture.luminance(pixel) < 8.0)
                .count();
            assert!(
                black * 200 < picture.pixels.len(),
                "{name}: {black} black pixels"
            );
            for (columns, rows) in [
                (0..160, 0..90),
                (1120..1280, 0..90),
                (0..160, 630..720),
                (1120..1280, 630..720),
            ] {
                let corner = picture.count_in(columns.clone(), rows.clone(), |pixel| {
                    picture.luminance(pixel) > 30.0
                });
                assert!(
                    corner > 160 * 90 * 9 / 10,
                    "{name}: a dark corner {columns:?} {rows:?}"
                );
            }
        }
    }
    // Seated, the same raised gaze leaves the words low at the edge of the view: the posture
    // is what brings them to the middle.
    let seated = screenshot_at(
        session,
        "seated-caption-looking-up",
        &["--head-pitch", "40", "--at", "5"],
    );
    let (_, _, _, bottom) = seated.content_box().expect("the caption shows");
    assert!(
        bottom > 0.9,
        "seated, the caption ends at {bottom:.2} of the height"
    );
}

#[test]
fn ending_calm_returns_to_the_sessions_own_scene() {
    let session = "centering-before-dosing";
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
    assert!(
        back.moment.contains("state=Running") && back.moment.contains("scene=dusk-lake"),
        "{}",
        back.moment
    );
    let lake = screenshot("centering-before-dosing");
    // The sky above the caption is the dusk lake's again.
    assert!((back.band_luminance(0, 130) - lake.band_luminance(0, 130)).abs() < 3.0);
}

#[test]
fn session_previews_are_small_pictures_of_each_scene() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("preview.png");
    let output = stillpoint(&[
        "run",
        "--session",
        "box-breathing-reset",
        "--at",
        "75",
        "--screenshot",
        path.to_str().expect("utf-8 path"),
        "--thumbnail",
    ]);
    assert!(output.status.success(), "{output:?}");
    let fresh = image::open(&path).expect("a PNG was written").to_rgb8();
    assert_eq!((fresh.width(), fresh.height()), (384, 216));
    // Every bundled session has its committed preview (tools/previews.sh), as small.
    let listed = stdout(&stillpoint(&["list"]));
    for id in listed
        .lines()
        .skip(1)
        .filter_map(|line| line.split_whitespace().next())
    {
        let preview = common::project_path(&format!("assets/previews/{id}.png"));
        let picture = image::open(&preview)
            .unwrap_or_else(|error| panic!("{}: {error}", preview.display()))
            .to_rgb8();
        assert_eq!((picture.width(), picture.height()), (384, 216), "{id}");
        let mut colours: Vec<[u8; 3]> = picture.pixels().map(|pixel| pixel.0).collect();
        colours.sort_unstable();
        colours.dedup();
        assert!(colours.len() > 300, "{id}: a scene, not a blank");
    }
}
