//! The Voice window in the real panel: opened on a session with a WAV file standing in for
//! the microphone, it lists the session's texts with their sources and Record buttons
//! (under a virtual display in CI: `tools/test.sh` runs `xvfb-run`).

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "a test stops at the first thing that is wrong"
)]

mod common;

use common::window::screenshot_at;

#[test]
fn the_voice_window_lists_a_sessions_texts_beside_the_panel() {
    let dir = tempfile::tempdir().expect("temp dir");
    let take = dir.path().join("take.wav");
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: 16_000,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut writer = hound::WavWriter::create(&take, spec).expect("a WAV file");
    for n in 0..32_000 {
        let t = f64::from(n) / 16_000.0;
        writer
            .write_sample(((std::f64::consts::TAU * 160.0 * t).sin() * 3000.0) as i16)
            .expect("a sample");
    }
    writer.finalize().expect("written");
    let data = dir.path().join("data");
    let picture = screenshot_at(
        "centering-before-dosing",
        "voice-window",
        &[
            "--with-panel",
            "--voice",
            "--microphone-from",
            take.to_str().expect("utf-8"),
            "--data",
            data.to_str().expect("utf-8"),
        ],
    );
    assert!(picture.moment.contains("state=Idle"), "{}", picture.moment);
    // The window stands over the mirror, left of the panel: its dark body holds light
    // lettering (the words and the buttons)...
    let mirror = 0..picture.width - 390;
    let window_dark = picture.count_in(mirror.clone(), 60..600, |[r, g, b]| {
        r < 40 && g < 44 && b < 52
    });
    assert!(window_dark > 200_000, "{window_dark} pixels of the window");
    let lettering = picture.count_in(mirror.clone(), 60..600, |[r, g, b]| {
        r > 170 && g > 170 && b > 170
    });
    assert!(lettering > 3000, "{lettering} pixels of lettering");
    // ...with each text's source as a tag in a column of its own at the left.
    let tags = picture.count_in(40..180, 110..600, |[r, g, b]| {
        r > 140 && r.abs_diff(g) < 8 && g.abs_diff(b) < 8
    });
    assert!(tags > 300, "{tags} pixels of source tags");
}

#[test]
fn a_microphone_file_that_is_not_a_wav_file_is_named_before_the_window_opens() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("take.wav");
    std::fs::write(&file, b"not a sound").expect("written");
    let output = common::stillpoint(&[
        "run",
        "--session",
        "centering-before-dosing",
        "--microphone-from",
        file.to_str().expect("utf-8"),
    ]);
    assert_eq!(output.status.code(), Some(1));
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(
        said.contains(&format!(
            "{}: not a WAV file to record from",
            file.display()
        )),
        "{said}"
    );
}
