//! The window on the desktop beside the therapist's panel, and what the patient sees that the
//! panel follows: the mirror beside the panel, last week's painting and its glow, a
//! questionnaire item and its safety alert (under a virtual display with software Vulkan in
//! CI: `tools/test.sh` runs `xvfb-run`). The docs' pictures are checked in `tests/pictures.rs`.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "a test stops at the first thing that is wrong"
)]

mod common;

use common::stillpoint;
use common::window::{Picture, screenshot_at};

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
