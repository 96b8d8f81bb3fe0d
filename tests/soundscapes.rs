//! Every soundscape, rendered offline through the app's own mix (`stillpoint export-audio`
//! on a session that only rests in it) and checked by the numbers: as loud as the others,
//! rising from silence, with nothing that stands out of its bed; and the shore's waves
//! arriving at the slow rhythm of a calm sea.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "a test stops at the first thing that is wrong"
)]

mod common;

use std::path::Path;

use common::stillpoint;
use stillpoint::catalog::SOUNDSCAPES;

/// Samples per second of the renders.
const RATE: usize = 32_000;
/// Loudness windows per second for the level and the rhythm.
const ENVELOPE_HZ: usize = 20;
/// Seconds of each render; the shore's is longer, for several waves and a gull.
const SECS: usize = 40;
const SHORE_SECS: usize = 90;

/// A soundscape rendered alone: its mono samples (left and right averaged).
struct Render {
    id: &'static str,
    mono: Vec<f32>,
}

impl Render {
    /// Loudness (RMS) of each window of `per_second` windows a second.
    fn envelope(&self, per_second: usize) -> Vec<f32> {
        self.mono
            .chunks(RATE / per_second)
            .map(|chunk| (chunk.iter().map(|s| s * s).sum::<f32>() / chunk.len() as f32).sqrt())
            .collect()
    }

    /// Loudness (RMS) between two moments, in seconds.
    fn loudness(&self, from: usize, to: usize) -> f32 {
        let part = &self.mono[from * RATE..to * RATE];
        (part.iter().map(|s| s * s).sum::<f32>() / part.len() as f32).sqrt()
    }
}

/// A session that rests `secs` seconds in soundscape `id`, in the data folder `data`.
fn write_session(data: &Path, id: &str, secs: usize) -> String {
    let session = format!("soundscape-{id}");
    let sessions = data.join("sessions");
    std::fs::create_dir_all(&sessions).unwrap();
    let text = format!(
        "Session(\n    id: \"{session}\",\n    title: \"Listening to {id}\",\n    phase: \
         DuringDosing,\n    environment: \"safe-place\",\n    soundscape: \"{id}\",\n    \
         steps: [Rest(duration: \"{secs}s\")],\n)\n"
    );
    std::fs::write(sessions.join(format!("{session}.session.ron")), text).unwrap();
    session
}

fn render(id: &'static str, secs: usize) -> Render {
    let data = tempfile::tempdir().unwrap();
    let session = write_session(data.path(), id, secs);
    let wav = data.path().join("sound.wav");
    let output = stillpoint(&[
        "--data",
        data.path().to_str().unwrap(),
        "export-audio",
        "--session",
        &session,
        "--out",
        wav.to_str().unwrap(),
        "--sample-rate",
        &RATE.to_string(),
    ]);
    assert!(
        output.status.success(),
        "{id}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut reader = hound::WavReader::open(&wav).unwrap();
    let samples: Vec<f32> = reader
        .samples::<i16>()
        .map(|sample| f32::from(sample.unwrap()) / f32::from(i16::MAX))
        .collect();
    let mono = samples
        .chunks(2)
        .map(|pair| (pair[0] + pair[1]) * 0.5)
        .collect();
    Render { id, mono }
}

/// Every soundscape with a sound, rendered once for the whole test program.
fn renders() -> &'static [Render] {
    static RENDERS: std::sync::OnceLock<Vec<Render>> = std::sync::OnceLock::new();
    RENDERS.get_or_init(|| {
        SOUNDSCAPES
            .iter()
            .filter(|preset| preset.id != "silence")
            .map(|preset| {
                let secs = if preset.id == "shore-dawn" {
                    SHORE_SECS
                } else {
                    SECS
                };
                render(preset.id, secs)
            })
            .collect()
    })
}

fn decibels(ratio: f32) -> f32 {
    20.0 * ratio.log10()
}

/// Once faded in, the soundscapes are in line with each other: the quietest and the loudest
/// are at most 8 dB apart, so changing the scene's sound never needs the volume touched.
#[test]
fn every_soundscape_is_about_as_loud_as_the_others() {
    let mut levels: Vec<(&str, f32)> = renders()
        .iter()
        .map(|render| (render.id, decibels(render.loudness(8, SECS - 4))))
        .collect();
    levels.sort_by(|a, b| a.1.total_cmp(&b.1));
    for (id, level) in &levels {
        println!("{id:<18} {level:.1} dBFS");
    }
    let (quietest, loudest) = (levels[0], levels[levels.len() - 1]);
    assert!(
        loudest.1 - quietest.1 <= 8.0,
        "{} at {:.1} dBFS and {} at {:.1} dBFS are too far apart",
        quietest.0,
        quietest.1,
        loudest.0,
        loudest.1
    );
}

/// Every soundscape rises from silence: its first twentieth of a second is near nothing, its
/// first second far below the settled level.
#[test]
fn every_soundscape_fades_in_from_silence() {
    for render in renders() {
        let settled = render.loudness(8, SECS - 4);
        let first = render.envelope(ENVELOPE_HZ)[0];
        let opening = render.loudness(0, 1);
        assert!(
            first < settled * 0.05,
            "{}: starts at {first}, settles at {settled}",
            render.id
        );
        assert!(
            opening < settled * 0.5,
            "{}: its first second is at {opening}, settled {settled}",
            render.id
        );
    }
}

/// Nothing starts out of the bed: no tenth of a second is more than 8 dB louder than the
/// middle level of the second before it (a wave, a gull or a bird rise gently, a startle
/// would jump 15 dB or more), and no sample jumps far beyond the sound's own sample-to-sample
/// movement (a click).
#[test]
fn no_soundscape_has_a_click_or_a_sound_that_starts_out_of_the_bed() {
    const WINDOWS: usize = 10;
    for render in renders() {
        let windows = render.envelope(WINDOWS);
        let mut worst = (0.0f32, 0usize);
        for at in 6 * WINDOWS..windows.len() - 5 * WINDOWS {
            let mut before = windows[at - WINDOWS..at].to_vec();
            before.sort_by(f32::total_cmp);
            let bed = before[before.len() / 2];
            if windows[at] / bed > worst.0 {
                worst = (windows[at] / bed, at);
            }
        }
        let (rise, at) = (decibels(worst.0), worst.1 as f32 / WINDOWS as f32);
        let steps: Vec<f32> = render
            .mono
            .windows(2)
            .map(|pair| (pair[1] - pair[0]).abs())
            .collect();
        let typical =
            (steps.iter().map(|step| step * step).sum::<f32>() / steps.len() as f32).sqrt();
        let largest = steps.iter().cloned().fold(0.0f32, f32::max);
        println!(
            "{:<18} steepest rise {rise:+.1} dB at {at:.1} s, largest step {:.1} times the typical",
            render.id,
            largest / typical
        );
        assert!(
            rise <= 8.0,
            "{}: rises {rise:+.1} dB at {at:.1} s",
            render.id
        );
        assert!(
            largest <= typical * 12.0,
            "{}: a sample jumps by {largest}, {:.1} times the typical step",
            render.id,
            largest / typical
        );
    }
}

/// The shore's waves arrive every eight to twelve seconds: the loudness, smoothed over half
/// a second, repeats at that period and is opposite half a wave later.
#[test]
fn the_shore_breathes_with_slow_waves() {
    let shore = renders()
        .iter()
        .find(|render| render.id == "shore-dawn")
        .expect("the shore is a soundscape");
    let raw = shore.envelope(ENVELOPE_HZ);
    let smoothed: Vec<f32> = raw
        .windows(ENVELOPE_HZ / 2)
        .map(|window| window.iter().sum::<f32>() / window.len() as f32)
        .collect();
    let settled = &smoothed[5 * ENVELOPE_HZ..(SHORE_SECS - 5) * ENVELOPE_HZ];
    let best = (4 * ENVELOPE_HZ..=16 * ENVELOPE_HZ)
        .max_by(|&a, &b| autocorrelation(settled, a).total_cmp(&autocorrelation(settled, b)))
        .unwrap();
    let period = best as f32 / ENVELOPE_HZ as f32;
    let strength = autocorrelation(settled, best);
    let half = autocorrelation(settled, best / 2);
    println!("shore-dawn waves every {period:.1} s (correlation {strength:.2}, {half:.2} at half)");
    assert!(
        (8.0..=12.0).contains(&period),
        "the waves come every {period} s"
    );
    assert!(strength > 0.4, "the waves' rhythm is faint: {strength}");
    assert!(
        half < 0.0,
        "half a wave later the sea is not quieter: {half}"
    );
    // The sea is never silent between waves.
    let quietest = settled.iter().cloned().fold(f32::MAX, f32::min);
    let loudest = settled.iter().cloned().fold(0.0f32, f32::max);
    assert!(
        quietest > loudest * 0.15,
        "between waves it falls to {quietest} of {loudest}"
    );
}

/// Normalised autocorrelation of `values` at `lag`.
fn autocorrelation(values: &[f32], lag: usize) -> f32 {
    let mean = values.iter().sum::<f32>() / values.len() as f32;
    let centred: Vec<f32> = values.iter().map(|v| v - mean).collect();
    let energy: f32 = centred.iter().map(|v| v * v).sum();
    let shared: f32 = centred
        .iter()
        .zip(&centred[lag..])
        .map(|(a, b)| a * b)
        .sum();
    shared / energy
}
