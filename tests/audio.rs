//! `stillpoint export-audio`: the centering session's whole sound, rendered offline through
//! the app's own mix, checked by the numbers: its length, its level, no clipping, and the
//! breathing cues' rhythm.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "a test stops at the first thing that is wrong"
)]

mod common;

use common::{project_path, stdout, stillpoint};
use stillpoint::script::validate::Context;
use stillpoint::script::{BreathingPattern, Step, parse_session};
use stillpoint::voice::VoiceStore;

/// Samples per second for the test export (enough for the cue tones, quick to analyse).
const RATE: u32 = 16_000;
/// Envelope windows per second.
const ENVELOPE_HZ: usize = 20;

struct Export {
    /// Mono samples (left and right averaged).
    mono: Vec<f32>,
    peak: f32,
}

fn export(session: &str) -> Export {
    let dir = tempfile::tempdir().unwrap();
    let wav = dir.path().join("session.wav");
    let output = stillpoint(&[
        "export-audio",
        "--session",
        session,
        "--out",
        wav.to_str().unwrap(),
        "--sample-rate",
        &RATE.to_string(),
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout(&output).contains("of sound, peak"),
        "{}",
        stdout(&output)
    );
    let mut reader = hound::WavReader::open(&wav).unwrap();
    let spec = reader.spec();
    assert_eq!(
        (spec.channels, spec.sample_rate, spec.bits_per_sample),
        (2, RATE, 16)
    );
    let samples: Vec<f32> = reader
        .samples::<i16>()
        .map(|sample| f32::from(sample.unwrap()) / f32::from(i16::MAX))
        .collect();
    let peak = samples.iter().fold(0.0f32, |peak, s| peak.max(s.abs()));
    let mono = samples
        .chunks(2)
        .map(|pair| (pair[0] + pair[1]) * 0.5)
        .collect();
    Export { mono, peak }
}

/// Loudness (RMS) of each 1/ENVELOPE_HZ window.
fn envelope(samples: &[f32]) -> Vec<f32> {
    samples
        .chunks(RATE as usize / ENVELOPE_HZ)
        .map(|chunk| (chunk.iter().map(|s| s * s).sum::<f32>() / chunk.len() as f32).sqrt())
        .collect()
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

#[test]
fn the_centering_session_exports_as_a_calm_guided_meditation() {
    let path = project_path("assets/sessions/centering-before-dosing.session.ron");
    let bytes = std::fs::read(&path).unwrap();
    let session = parse_session(&path.display().to_string(), &bytes, &Context::default())
        .unwrap()
        .session;
    let audio = export("centering-before-dosing");
    let secs = audio.mono.len() as f64 / f64::from(RATE);

    // As long as the session is expected to take, plus a few seconds for sounds to ring out.
    let expected = session.expected_secs();
    assert!(
        (secs - expected - 4.0).abs() < 0.5,
        "{secs:.1} s exported for a session of {expected:.1} s"
    );

    // Never clips, and never silent for long while the session runs.
    assert!(audio.peak < 0.99, "peak {}", audio.peak);
    assert!(audio.peak > 0.1, "peak {}", audio.peak);
    let loudness = envelope(&audio.mono);
    let running = &loudness[..(expected as usize - 2) * ENVELOPE_HZ];
    let silent = running.iter().filter(|&&rms| rms < 1e-3).count();
    assert!(
        silent < 10 * ENVELOPE_HZ,
        "{} s of silence while the session runs",
        silent / ENVELOPE_HZ
    );

    // The sound fades in: the first half second is far quieter than what follows.
    let first = loudness[..ENVELOPE_HZ / 2]
        .iter()
        .cloned()
        .fold(0.0, f32::max);
    let settled = loudness[10 * ENVELOPE_HZ..20 * ENVELOPE_HZ]
        .iter()
        .cloned()
        .fold(0.0, f32::max);
    assert!(
        first < settled * 0.25,
        "starts at {first}, settles at {settled}"
    );

    // During resonance breathing the cues swell and fade once per breath: at 6 breaths a
    // minute the loudness repeats every 10 s, and is opposite half a breath later.
    let (start, breathing) = session
        .steps
        .iter()
        .scan(0.0, |at, step| {
            let start = *at;
            *at += step.expected_secs();
            Some((start, step))
        })
        .find_map(|(start, step)| match step {
            Step::Breathing(breathing) => Some((start, breathing)),
            _ => None,
        })
        .expect("a breathing step");
    let BreathingPattern::Resonance { breaths_per_minute } = breathing.pattern else {
        panic!("the centering session breathes at resonance");
    };
    let period = 60.0 / f64::from(breaths_per_minute);
    let length = breathing.pattern.timings().cycle() * f64::from(breathing.cycle_count());
    let window = &loudness[((start + period) * ENVELOPE_HZ as f64) as usize
        ..((start + length - period) * ENVELOPE_HZ as f64) as usize];
    let lags = 2 * ENVELOPE_HZ..=20 * ENVELOPE_HZ;
    let best = lags
        .max_by(|&a, &b| autocorrelation(window, a).total_cmp(&autocorrelation(window, b)))
        .unwrap();
    let best_secs = best as f64 / ENVELOPE_HZ as f64;
    assert!(
        (best_secs - period).abs() <= 0.2,
        "the loudness repeats every {best_secs} s, not every {period} s"
    );
    let at_period = autocorrelation(window, (period * ENVELOPE_HZ as f64) as usize);
    let at_half = autocorrelation(window, (period * ENVELOPE_HZ as f64 / 2.0) as usize);
    assert!(at_period > 0.5, "correlation over one breath {at_period}");
    assert!(at_half < 0.0, "correlation over half a breath {at_half}");
}

/// With closed eyes a patient can follow the whole centering session: each grounding prompt
/// and each body-scan region is heard when it appears (the voice is louder than the quiet
/// that follows it, though the soundscape dips under the voice), and every prompt of every
/// bundled session has its voice clip.
#[test]
fn every_prompt_a_patient_follows_is_spoken() {
    let mut spoken = 0;
    for entry in std::fs::read_dir(project_path("assets/sessions")).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        let session = parse_session(&path.display().to_string(), &bytes, &Context::default())
            .unwrap()
            .session;
        let prompts = stillpoint::voice::session_texts(&session);
        // Only the questionnaires' session has none: its items are read, not spoken, and
        // its welcome and closing are recordings.
        if session.id != "outcome-measures" {
            assert!(!prompts.is_empty(), "{} speaks no prompt", session.id);
        }
        spoken += prompts.len();
        let store = VoiceStore::new(&project_path("assets"), &project_path("no-data-folder"));
        for spoken in prompts {
            let clip = store.bundled(&spoken.key);
            assert!(
                clip.is_file(),
                "{}: \"{}\" has no voice ({}); run tools/narrate.py",
                session.id,
                spoken.text,
                clip.display()
            );
        }
    }
    assert!(spoken > 20, "{spoken} prompts spoken in all");

    let path = project_path("assets/sessions/centering-before-dosing.session.ron");
    let bytes = std::fs::read(&path).unwrap();
    let session = parse_session(&path.display().to_string(), &bytes, &Context::default())
        .unwrap()
        .session;
    let loudness = envelope(&export("centering-before-dosing").mono);
    let mean = |from: f64, to: f64| {
        let window =
            &loudness[(from * ENVELOPE_HZ as f64) as usize..(to * ENVELOPE_HZ as f64) as usize];
        window.iter().sum::<f32>() / window.len() as f32
    };
    let mut start = 0.0;
    let mut heard = 0;
    for step in &session.steps {
        let parts = match step {
            Step::Grounding(grounding) => {
                Some((grounding.prompts().len(), grounding.per_prompt.secs()))
            }
            Step::BodyScan(scan) => Some((scan.regions.len(), scan.per_region.secs())),
            _ => None,
        };
        if let Some((count, each)) = parts {
            for part in 0..count {
                let onset = start + each * part as f64;
                let voice = mean(onset + 0.5, onset + 2.5);
                let quiet = mean(onset + each - 4.0, onset + each - 1.0);
                assert!(
                    voice > quiet * 1.3,
                    "the prompt at {onset:.0} s is not heard: {voice} against {quiet} after it"
                );
                heard += 1;
            }
        }
        start += step.expected_secs();
    }
    assert_eq!(
        heard,
        5 + 8,
        "five grounding prompts and eight body regions"
    );
}

#[test]
fn export_refuses_an_unknown_session_and_an_unwritable_file() {
    let output = stillpoint(&["export-audio", "--session", "nope", "--out", "/tmp/x.wav"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("there is no session \"nope\""));
    let output = stillpoint(&[
        "export-audio",
        "--session",
        "box-breathing-reset",
        "--out",
        "/nonexistent/folder/x.wav",
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("cannot write /nonexistent/folder/x.wav")
    );
}
