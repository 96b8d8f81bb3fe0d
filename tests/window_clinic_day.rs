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

/// The panel's status red (`BAD`), as egui draws it on the dark panel.
fn red([r, g, b]: [u8; 3]) -> bool {
    (215..=250).contains(&r) && (100..=140).contains(&g) && (90..=130).contains(&b)
}

/// Light lettering.
fn lettering([r, g, b]: [u8; 3]) -> bool {
    r > 170 && g > 170 && b > 170
}

/// The columns, from the right edge, over which the panel's dark background runs in the
/// middle row band of `picture`.
fn panel_width(picture: &Picture) -> u32 {
    let dark = |[r, g, b]: [u8; 3]| r < 40 && g < 44 && b < 52;
    (0..picture.width)
        .rev()
        .take_while(|&column| {
            let darks = (200..520)
                .filter(|&row| dark(picture.pixels[(row * picture.width + column) as usize]))
                .count();
            darks > 200
        })
        .count() as u32
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
    // The window sits over the mirror, left of the panel: its words are light lettering.
    let panel_left = picture.width - 390;
    let words = picture.count_in(24..panel_left, 24..600, lettering);
    assert!(words > 2500, "{words} pixels of the window's words");
    // "⚠ 1 open safety alert" in the status red, beside its words.
    let alert = picture.count_in(24..panel_left, 24..600, red);
    assert!(alert > 150, "{alert} pixels of the open alert's line");
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
