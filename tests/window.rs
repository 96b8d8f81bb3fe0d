//! The app window opens on a session's calm scene and renders it (under a virtual display
//! with software Vulkan in CI: `tools/test.sh` runs the tests inside `xvfb-run`).

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "a test stops at the first thing that is wrong"
)]

mod common;

use common::{stdout, stillpoint, stillpoint_with_env};

struct Picture {
    width: u32,
    height: u32,
    pixels: Vec<[u8; 3]>,
    /// The app's own line saying what the picture shows (`moment: t=… state=… …`).
    moment: String,
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

    /// Pixels of the breathing orb's warm white core, below the caption panel (the warm
    /// white of the orb, not the cooler white of lettering; clear of the glints on the
    /// water towards the sun, further right).
    fn orb_pixels(&self) -> usize {
        self.count_in(540..740, 300..560, |[r, g, b]| {
            r > 240 && g > 215 && b > 180 && b < 216
        })
    }

    /// Pixels of light lettering on the board of choices, below eye level.
    fn board_pixels(&self) -> usize {
        self.count_in(380..900, 380..470, |[r, g, b]| {
            r > 225 && g > 220 && b > 210
        })
    }

    fn count_in(
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

    /// Where the things the patient reads stand: the light lettering of the caption and the
    /// board, and the orb's warm core, as (column, row) pixels.
    fn content_pixels(&self) -> Vec<(u32, u32)> {
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
    fn content_box(&self) -> Option<(f32, f32, f32, f32)> {
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
    // A display that no X server answers (a desktop session that ended): the same sentence.
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_stillpoint"))
        .current_dir(common::root())
        .env("DISPLAY", ":987")
        .env_remove("WAYLAND_DISPLAY")
        .args(["run", "--session", "box-breathing-reset"])
        .output()
        .expect("stillpoint runs");
    assert_eq!(output.status.code(), Some(1));
    let message = String::from_utf8_lossy(&output.stderr);
    assert!(
        message.contains("none answers on display :987"),
        "one sentence, not a crash: {message}"
    );
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

/// The render benchmark runs the session and the bare comparison scene the same way and
/// reports its figures (the figures themselves are read by a person, not asserted).
#[test]
fn the_render_benchmark_reports_frame_times_for_both_scenes() {
    for bare in [false, true] {
        let mut args = vec![
            "run",
            "--session",
            "centering-before-dosing",
            "--at",
            "169",
            "--bench-frames",
            "20",
        ];
        if bare {
            args.push("--bare");
        }
        let output = stillpoint(&args);
        let errors = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{errors}");
        let figures = errors
            .lines()
            .find(|line| line.starts_with("frames=20 frame_ms_p50="))
            .unwrap_or_else(|| panic!("no figures in: {errors}"));
        let value = |name: &str| -> f64 {
            figures
                .split_whitespace()
                .find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
                .and_then(|value| value.parse().ok())
                .unwrap_or_else(|| panic!("{name} missing from {figures}"))
        };
        assert!(value("frame_ms_p50") > 0.0);
        assert!(value("frame_ms_p99") >= value("frame_ms_p50"));
        assert!(value("app_us_p99") >= value("app_us_p50"));
        assert!(value("frame_ms_max") >= value("frame_ms_p99"));
        assert!(value("app_us_max") >= value("app_us_p99"));
    }
}

#[test]
fn the_mirror_shows_the_patients_view_beside_the_therapists_panel() {
    let session = "centering-before-dosing";
    let mirror = screenshot_at(
        session,
        "mirror-with-panel",
        &["--at", "100", "--action", "45=answer:6", "--with-panel"],
    );
    assert!(mirror.moment.contains("state=Running"), "{}", mirror.moment);
    // The panel is the right-hand 390 points: its dark background, light lettering and
    // the teal Calm button at its top.
    let panel_left = mirror.width - 390;
    let panel_area = ((mirror.width - panel_left) * mirror.height) as usize;
    let panel_dark = mirror.count_in(panel_left..mirror.width, 0..mirror.height, |[r, g, b]| {
        r < 40 && g < 44 && b < 52
    });
    assert!(
        panel_dark * 2 > panel_area,
        "the panel is mostly its dark background ({panel_dark} of {panel_area})"
    );
    let lettering = mirror.count_in(panel_left..mirror.width, 0..mirror.height, |[r, g, b]| {
        r > 170 && g > 170 && b > 170
    });
    assert!(lettering > 1500, "{lettering} pixels of lettering");
    let calm_button = mirror.count_in(panel_left..mirror.width, 0..140, |[r, g, b]| {
        (40..=60).contains(&r) && (110..=135).contains(&g) && (118..=142).contains(&b)
    });
    assert!(
        calm_button > 4000,
        "{calm_button} pixels of the Calm button"
    );
    // Beside it, the patient's scene: the dusk lake's many colours, not a blank.
    let scene_colours = {
        let mut colours: Vec<[u8; 3]> = (0..mirror.height)
            .flat_map(|row| (0..panel_left).map(move |column| (row, column)))
            .map(|(row, column)| mirror.pixels[(row * mirror.width + column) as usize])
            .collect();
        colours.sort_unstable();
        colours.dedup();
        colours.len()
    };
    assert!(scene_colours > 500, "{scene_colours} colours in the scene");
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

#[test]
fn without_an_openxr_loader_the_app_runs_on_the_desktop_and_names_what_to_install() {
    // No OpenXR loader is found, whatever this machine has: the loader search is limited to
    // an empty list, even with a loader on the library path. The app says so once, runs the
    // session in the window, and closes cleanly when asked.
    let data = tempfile::tempdir().expect("temp dir");
    let decoy = tempfile::tempdir().expect("temp dir");
    std::fs::write(decoy.path().join("libopenxr_loader.so"), b"").expect("a decoy loader");
    let output = stillpoint_with_env(
        &[
            "run",
            "--session",
            "box-breathing-reset",
            "--patient",
            "P-31",
            "--data",
            data.path().to_str().expect("utf-8 path"),
            "--quit-after",
            "3",
        ],
        &[("LD_LIBRARY_PATH", decoy.path().as_os_str())],
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert_eq!(
        stderr.matches("no OpenXR loader is installed").count(),
        1,
        "{stderr}"
    );
    assert!(stderr.contains("libopenxr-loader1"), "{stderr}");
    assert!(
        stderr.contains("session advanced to step 1 of"),
        "the session ran: {stderr}"
    );
    assert!(
        data.path()
            .join("records/P-31")
            .read_dir()
            .is_ok_and(|mut files| files.next().is_some()),
        "the session was recorded"
    );
}

#[test]
fn last_weeks_painting_glows_in_front_of_the_patient_when_reopened() {
    let session = "creative-integration";
    let dir = tempfile::tempdir().expect("temp dir");
    let record = dir.path().join("week-1.jsonl");
    let painted = stillpoint(&[
        "simulate",
        "--session",
        session,
        "--hz",
        "30",
        "--synthetic-paint",
        "4000",
        "--record",
        record.to_str().expect("utf-8"),
    ]);
    assert!(
        painted.status.success(),
        "{}",
        String::from_utf8_lossy(&painted.stderr)
    );
    // A week later, well into the paint step (it begins at 570 s), with and without it: as
    // the patient sees it, and on the desktop beside the therapist's panel.
    let at_600 = [
        "--at",
        "600",
        "--artwork-from",
        record.to_str().expect("utf-8"),
    ];
    let reopened = screenshot_at(session, "painting", &at_600);
    let empty = screenshot_at(session, "painting-empty", &at_600[..2]);
    let beside_panel = screenshot_at(
        session,
        "painting-panel",
        &[&at_600[..], &["--with-panel"]].concat(),
    );
    let empty_beside_panel = screenshot_at(
        session,
        "painting-panel-empty",
        &["--at", "600", "--with-panel"],
    );
    for picture in [&reopened, &empty, &beside_panel, &empty_beside_panel] {
        assert!(
            picture.moment.contains("step=6 kind=Paint"),
            "{}",
            picture.moment
        );
    }
    // The loops of light fill the middle of the view, 60 cm in front of the patient, and
    // their glow tints the scene softly around them.
    let (lit, tinted, hues) = painting_light(&reopened, &empty, 340..940);
    assert!(lit > 20_000, "{lit} pixels lit by the painting");
    // Measured: about 44,000 pixels with the glow, 1,700 (the cores' smoothed edges) without.
    assert!(tinted > 15_000, "{tinted} pixels tinted by the glow");
    // Soft pastel light, not white: the channels differ.
    let spread = hues.iter().max().expect("3") - hues.iter().min().expect("3");
    assert!(spread * 20 > hues[0], "{hues:?}");
    // Beside the panel the patient's view is narrower, and the glow is drawn for it as it is.
    let (lit, tinted, _) = painting_light(&beside_panel, &empty_beside_panel, 200..760);
    assert!(
        lit > 20_000,
        "{lit} pixels lit by the painting beside the panel"
    );
    assert!(
        tinted > 15_000,
        "{tinted} pixels tinted by the glow beside the panel"
    );
}

/// Where `with` shows the painting and `without` does not, in rows 160 to 700 and `columns`:
/// how many pixels it lights (brighter by more than 40 in a channel), how many it only tints
/// (changed by 6 to 40), and the lit pixels' summed colour.
fn painting_light(
    with: &Picture,
    without: &Picture,
    columns: std::ops::Range<u32>,
) -> (usize, usize, [u64; 3]) {
    let (mut lit, mut tinted) = (0, 0);
    let mut hues = [0u64; 3];
    for row in 160..700 {
        for column in columns.clone() {
            let index = (row * with.width + column) as usize;
            let (shown, bare) = (with.pixels[index], without.pixels[index]);
            let change = |c: usize| i32::from(shown[c]) - i32::from(bare[c]);
            let changed = (0..3).map(|c| change(c).abs()).max().unwrap_or(0);
            if (0..3).any(|c| change(c) > 40) {
                lit += 1;
                for c in 0..3 {
                    hues[c] += u64::from(shown[c]);
                }
            } else if (6..=40).contains(&changed) {
                tinted += 1;
            }
        }
    }
    (lit, tinted, hues)
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
    // therapist, the test clicks again if a click is not taken.
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
            .is_none_or(|at: std::time::Instant| at.elapsed() > std::time::Duration::from_secs(20));
        if click_again && close_the_window("step 1 of 1 (Paint)") {
            clicked = Some(std::time::Instant::now());
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    let stderr = std::fs::read_to_string(&log).unwrap_or_default();
    assert!(
        ended.is_some_and(|status| status.success()),
        "the window closed cleanly: {stderr}"
    );
    let after = std::fs::read_to_string(&record).expect("reads");
    assert!(
        after.contains("\"event\":\"artwork_saved\""),
        "closing saved the painting: {after}"
    );
    let saved = save::load(&ArtworkPaths::beside(&record, 0).artwork).expect("it reads");
    assert_eq!(saved.artwork().point_count(), 400, "all of it");
}

#[test]
fn a_loader_that_cannot_be_opened_is_named_as_such_not_as_a_missing_runtime() {
    // A file by the loader's name that is not a library: found, but it cannot be opened.
    let data = tempfile::tempdir().expect("temp dir");
    let broken = tempfile::tempdir().expect("temp dir");
    std::fs::write(broken.path().join("libopenxr_loader.so"), b"not a library")
        .expect("a broken loader");
    let output = stillpoint_with_env(
        &[
            "run",
            "--session",
            "box-breathing-reset",
            "--patient",
            "P-32",
            "--data",
            data.path().to_str().expect("utf-8 path"),
            "--quit-after",
            "2",
        ],
        &[
            ("LD_LIBRARY_PATH", broken.path().as_os_str()),
            (
                "STILLPOINT_OPENXR_LOADER_FOLDERS",
                broken.path().as_os_str(),
            ),
        ],
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains("the OpenXR loader is installed but could not be opened"),
        "{stderr}"
    );
    assert!(stderr.contains("--reinstall libopenxr-loader1"), "{stderr}");
    assert!(
        !stderr.contains("no OpenXR runtime is running"),
        "not mistaken for a missing runtime: {stderr}"
    );
    assert!(
        stderr.contains("session advanced to step 1 of"),
        "the session ran on the desktop: {stderr}"
    );
}

/// The therapist guide's pictures (`docs/images/<name>.png`): each a moment of a session with
/// the panel, the options that show it, and what the app must say the picture shows.
const GUIDE_PICTURES: &[(&str, &str, &[&str], &str)] = &[
    ("guide-start", "centering-before-dosing", &[], "state=Idle"),
    (
        "guide-under-way",
        "centering-before-dosing",
        &["--patient", "P-014", "--at", "169"],
        "state=Running step=5 kind=Breathing",
    ),
    (
        "guide-calm",
        "centering-before-dosing",
        &["--patient", "P-014", "--at", "200", "--action", "190=calm"],
        "state=Calm",
    ),
    (
        "guide-painting",
        "creative-integration",
        &["--patient", "P-014", "--at", "600"],
        "kind=Paint",
    ),
];

/// The size of the guide's pictures, pixels.
const GUIDE_PICTURE_SIZE: (u32, u32) = (960, 540);

/// The guide shows what the app shows: each picture is taken here, of the moment the guide
/// describes, and matches the one in `docs/images` (compared coarsely: text and animation
/// may differ a little from run to run, a different screen may not). To take them again,
/// run this test with `STILLPOINT_GUIDE_PICTURES=docs/images`.
#[test]
fn the_therapist_guides_pictures_are_the_apps_own() {
    let guide = std::fs::read_to_string(common::project_path("docs/therapist-guide.md"))
        .expect("the therapist guide");
    let shown: Vec<&str> = guide
        .split("](images/")
        .skip(1)
        .filter_map(|rest| rest.split_once(".png)").map(|(name, _)| name))
        .collect();
    let names: Vec<&str> = GUIDE_PICTURES.iter().map(|(name, ..)| *name).collect();
    assert_eq!(
        shown, names,
        "the guide shows these pictures, in this order"
    );
    let (width, height) = GUIDE_PICTURE_SIZE;
    for (name, session, options, shows) in GUIDE_PICTURES {
        let data = tempfile::tempdir().expect("temp dir");
        let mut extra = vec![
            "--with-panel",
            "--data",
            data.path().to_str().expect("utf-8"),
        ];
        extra.extend_from_slice(options);
        let picture = screenshot_at(session, name, &extra);
        assert!(picture.moment.contains(shows), "{name}: {}", picture.moment);
        let flat: Vec<u8> = picture.pixels.iter().flatten().copied().collect();
        let taken = image::RgbImage::from_raw(picture.width, picture.height, flat)
            .expect("the picture's pixels");
        let small =
            image::imageops::resize(&taken, width, height, image::imageops::FilterType::Triangle);
        if let Some(folder) = std::env::var_os("STILLPOINT_GUIDE_PICTURES") {
            small
                .save(std::path::Path::new(&folder).join(format!("{name}.png")))
                .expect("saves the guide's picture");
        }
        let committed = image::open(common::project_path(&format!("docs/images/{name}.png")))
            .expect("the guide's picture is in docs/images")
            .to_rgb8();
        assert_eq!(committed.dimensions(), (width, height), "{name}");
        let coarse = |picture: &image::RgbImage| {
            image::imageops::resize(picture, 48, 27, image::imageops::FilterType::Triangle)
        };
        let (now, then) = (coarse(&small), coarse(&committed));
        let difference = now
            .as_raw()
            .iter()
            .zip(then.as_raw())
            .map(|(a, b)| f64::from(a.abs_diff(*b)))
            .sum::<f64>()
            / now.as_raw().len() as f64;
        assert!(
            difference < 4.0,
            "{name}: the app now shows something else than the guide's picture (mean \
             difference {difference:.1} of 255); take them again (see this test's comment)"
        );
    }
}

/// Runs `stillpoint --data DATA doctor` with `env` added (no OpenXR loader is found, as with
/// every test here); its output lines.
fn doctor(data: &std::path::Path, env: &[(&str, &std::path::Path)]) -> (bool, Vec<String>) {
    let env: Vec<(&str, &std::ffi::OsStr)> = env
        .iter()
        .map(|(name, value)| (*name, value.as_os_str()))
        .collect();
    let output = stillpoint_with_env(
        &["--data", data.to_str().expect("utf-8 path"), "doctor"],
        &env,
    );
    let lines = stdout(&output).lines().map(str::to_owned).collect();
    (output.status.success(), lines)
}

/// The line about `what`, split into its verdict and the rest.
fn verdict<'a>(lines: &'a [String], what: &str) -> (&'a str, &'a str) {
    let line = lines
        .iter()
        .find(|line| line.get(5..).is_some_and(|rest| rest.starts_with(what)))
        .unwrap_or_else(|| panic!("no {what} line in {lines:#?}"));
    (line[..4].trim_end(), line[5 + what.len()..].trim_start())
}

#[test]
fn the_doctor_gives_true_verdicts_on_this_machine() {
    let dir = tempfile::tempdir().expect("temp dir");
    let no_config = dir.path().join("empty");
    std::fs::create_dir(&no_config).expect("a folder");
    let data = dir.path().join("data");
    // No runtime chosen: the user's and the system's runtime folders are empty ones.
    let (passed, lines) = doctor(
        &data,
        &[
            ("XDG_CONFIG_HOME", &no_config),
            ("XDG_CONFIG_DIRS", &no_config),
        ],
    );
    assert!(passed, "nothing fails here: {lines:#?}");
    assert_eq!(verdict(&lines, "window").0, "OK");
    let (graphics, device) = verdict(&lines, "graphics");
    assert!(graphics == "OK" || graphics == "WARN", "{device}");
    if device.contains("llvmpipe") {
        assert_eq!(
            graphics, "WARN",
            "the software renderer is not for a headset"
        );
        assert!(device.contains("too slow for a headset"));
    }
    let (sound, said) = verdict(&lines, "sound");
    assert!(
        sound == "OK" || said.contains("sessions run silently"),
        "{said}"
    );
    let (headset, why) = verdict(&lines, "headset");
    assert_eq!(headset, "WARN");
    assert!(why.contains("no OpenXR loader is installed"), "{why}");
    assert_eq!(verdict(&lines, "loader").0, "WARN");
    let (runtime, why) = verdict(&lines, "runtime");
    assert!(
        runtime == "WARN" && why.contains("no OpenXR runtime is chosen"),
        "{why}"
    );
    let (data_verdict, about) = verdict(&lines, "data");
    assert_eq!(data_verdict, "OK", "{about}");
    assert!(
        about.contains("private to this user") && about.contains("free"),
        "{about}"
    );
    assert_eq!(verdict(&lines, "sessions"), ("OK", "5 sessions, all valid"));
    assert_eq!(verdict(&lines, "fonts").0, "OK");

    // A data folder that cannot be written fails, and so does the doctor.
    let blocked = dir.path().join("a-file");
    std::fs::write(&blocked, b"").expect("a file where the folder should be");
    let (passed, lines) = doctor(&blocked.join("data"), &[]);
    assert!(!passed, "{lines:#?}");
    let (data_verdict, about) = verdict(&lines, "data");
    assert_eq!(data_verdict, "FAIL");
    assert!(about.contains("sessions would not be recorded"), "{about}");

    // The chosen runtime is read from its manifest; a broken one fails.
    let manifest = dir.path().join("runtime.json");
    std::fs::write(
        &manifest,
        r#"{"file_format_version": "1.0.0", "runtime": {"name": "Clinic Runtime", "library_path": "/usr/lib/libclinic_xr.so"}}"#,
    )
    .expect("a manifest");
    let (_, lines) = doctor(&data, &[("XR_RUNTIME_JSON", &manifest)]);
    let (runtime, which) = verdict(&lines, "runtime");
    assert_eq!(runtime, "OK");
    assert!(
        which.starts_with("Clinic Runtime (/usr/lib/libclinic_xr.so), chosen in"),
        "{which}"
    );
    std::fs::write(&manifest, b"{ not json").expect("a broken manifest");
    let (passed, lines) = doctor(&data, &[("XR_RUNTIME_JSON", &manifest)]);
    assert!(!passed);
    assert_eq!(verdict(&lines, "runtime").0, "FAIL");
}

#[test]
fn a_questionnaire_item_in_the_headset_and_its_safety_alert_in_the_panel() {
    let session = "outcome-measures";
    // PHQ-9 begins at 12 s; three items answered, the fourth showing.
    let item = screenshot_at(
        session,
        "questionnaire-item",
        &[
            "--at",
            "16.5",
            "--action",
            "13=answer:1",
            "--action",
            "14=answer:2",
            "--action",
            "15=answer:0",
        ],
    );
    assert!(
        item.moment.contains("kind=Questionnaire")
            && item
                .moment
                .contains("caption=\"Feeling tired or having little energy\""),
        "{}",
        item.moment
    );
    assert!(item.caption_pixels() > 500, "{}", item.caption_pixels());
    // The four answers and "4 of 9" with the stem, as light lettering on their cards.
    let answers = item.count_in(480..800, 380..520, |[r, g, b]| {
        r > 225 && g > 220 && b > 210
    });
    assert!(answers > 350, "{answers} pixels of answer lettering");
    let heading = item.count_in(400..880, 340..378, |[r, g, b]| {
        r > 225 && g > 220 && b > 210
    });
    assert!(heading > 400, "{heading} pixels of the heading");
    // The Back button below them.
    let back = item.count_in(480..640, 550..590, |[r, g, b]| {
        r > 225 && g > 220 && b > 210
    });
    assert!(back > 30, "{back} pixels of Back");
    // Item 9 answered "Several days": the alert covers the panel and the mirror.
    let mut args = vec![
        "--at".to_owned(),
        "24".to_owned(),
        "--with-panel".to_owned(),
    ];
    for index in 0..9 {
        args.extend(["--action".to_owned(), format!("{}=answer:1", 13 + index)]);
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let alert = screenshot_at(session, "questionnaire-safety-alert", &args);
    let border = alert.count_in(300..980, 150..570, |[r, g, b]| {
        (215..=250).contains(&r) && (100..=140).contains(&g) && (90..=130).contains(&b)
    });
    assert!(border > 2500, "{border} pixels of the alert's red border");
    let lettering = alert.count_in(360..920, 210..510, |[r, g, b]| {
        r > 170 && g > 170 && b > 170
    });
    assert!(lettering > 800, "{lettering} pixels of the alert's words");
}
