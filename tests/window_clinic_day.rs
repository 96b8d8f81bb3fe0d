//! The clinic's day in the window (under a virtual display with software Vulkan in CI:
//! `tools/test.sh` runs `xvfb-run`): the Patients window, practice mode, the dosing day's
//! offer of the next session, and the text size. `STILLPOINT_KEEP_SCREENSHOTS=FOLDER` keeps
//! the pictures (patients-window.png, practice-mode.png, dosing-offer.png,
//! panel-text-larger.png).

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "a test stops at the first thing that is wrong"
)]

mod common;

use common::export::make_course;
use common::window::{Picture, screenshot_at};

/// Lettering: egui's grey words on the window's dark rows (the cores of its thin strokes).
fn lettering([r, g, b]: [u8; 3]) -> bool {
    r > 90 && g > 90 && b > 90
}

/// The panel's width: from the first column (from the left) that is mostly the panel's dark
/// background (the dusk lake beside it has no such dark) to the right edge.
fn panel_width(picture: &Picture) -> u32 {
    let dark = |[r, g, b]: [u8; 3]| r < 40 && g < 44 && b < 52;
    let left = (0..picture.width)
        .find(|&column| {
            let darks = (0..picture.height)
                .filter(|&row| dark(picture.pixels[(row * picture.width + column) as usize]))
                .count() as u32;
            darks * 2 > picture.height
        })
        .unwrap_or(picture.width);
    picture.width - left
}

#[test]
fn the_patients_window_shows_each_patient_with_alerts_and_measures_in_words() {
    let data = tempfile::tempdir().expect("temp dir");
    make_course(&data.path().join("records"));
    let picture = screenshot_at(
        "centering-before-dosing",
        "patients-window",
        &[
            "--with-panel",
            "--patients-window",
            "--data",
            data.path().to_str().unwrap(),
        ],
    );
    // The window sits at the top left, over the mirror: the patient's code, sessions, last
    // date and measures as lettering on its dark background. (The open alert itself shows
    // over everything until it is acknowledged, as the panel raises it.)
    let words = picture.count_in(30..630, 110..195, lettering);
    assert!(words > 600, "{words} pixels of the patient's line");
    // "⚠ 1 open safety alert" in the status red, with its words.
    let alert = picture.count_in(30..630, 140..168, |[r, g, b]| {
        r > 150 && r > g.saturating_add(60) && r > b.saturating_add(60)
    });
    assert!(alert > 60, "{alert} pixels of the open alert's line");
}

#[test]
fn practice_mode_is_marked_in_the_panel_by_word_and_colour() {
    let data = tempfile::tempdir().expect("temp dir");
    let picture = screenshot_at(
        "centering-before-dosing",
        "practice-mode",
        &[
            "--with-panel",
            "--practice",
            "--data",
            data.path().to_str().unwrap(),
        ],
    );
    let panel_left = picture.width - 390;
    let violet = picture.count_in(panel_left..picture.width, 0..260, |[r, g, b]| {
        (150..=200).contains(&r) && (125..=175).contains(&g) && (200..=245).contains(&b)
    });
    assert!(
        violet > 300,
        "{violet} pixels of the practice band's violet"
    );
}

#[test]
fn the_centering_sessions_end_offers_the_during_dosing_session_for_the_same_patient() {
    let data = tempfile::tempdir().expect("temp dir");
    let picture = screenshot_at(
        "centering-before-dosing",
        "dosing-offer",
        &[
            "--with-panel",
            "--patient",
            "P-014",
            "--at",
            "30",
            "--action",
            "20=end",
            "--data",
            data.path().to_str().unwrap(),
        ],
    );
    assert!(
        picture.moment.contains("state=Finished"),
        "{}",
        picture.moment
    );
    // The offer's green Start button in the panel.
    let panel_left = picture.width - 390;
    let start = picture.count_in(panel_left..picture.width, 0..picture.height, |[r, g, b]| {
        (44..=60).contains(&r) && (90..=106).contains(&g) && (62..=78).contains(&b)
    });
    assert!(start > 4000, "{start} pixels of the offer's Start button");
}

#[test]
fn a_larger_text_size_kept_in_the_data_folder_widens_the_panel() {
    let normal_data = tempfile::tempdir().expect("temp dir");
    let normal = screenshot_at(
        "centering-before-dosing",
        "panel-text-normal",
        &[
            "--with-panel",
            "--data",
            normal_data.path().to_str().unwrap(),
        ],
    );
    let larger_data = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        larger_data.path().join("panel.ron"),
        "(text_size: Some(Larger))",
    )
    .expect("writes");
    let larger = screenshot_at(
        "centering-before-dosing",
        "panel-text-larger",
        &[
            "--with-panel",
            "--data",
            larger_data.path().to_str().unwrap(),
        ],
    );
    let (narrow, wide) = (panel_width(&normal), panel_width(&larger));
    assert!(
        (385..=395).contains(&narrow) && (540..=552).contains(&wide),
        "the panel is {narrow} px at Normal and {wide} px at Larger"
    );
}
