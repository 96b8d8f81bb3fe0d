//! The clinic's own words get a voice: `stillpoint voice list` names the texts without one,
//! `validate` warns at each of them, `voice make` speaks them with the synthetic voice (as
//! loud as the bundled clips), `export-audio` then has the voice where the prompt is, and a
//! recording the clinic made wins over the synthetic voice. Needs Festival and its voice
//! (`tools/setup.sh --test` installs them).

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "a test stops at the first thing that is wrong"
)]

mod common;

use std::path::Path;

use common::{project_path, stdout, stillpoint, stillpoint_with_env};
use stillpoint::voice::wav::{MonoSound, read_mono, write_mono};
use stillpoint::voice::{VoiceStore, voice_key};

/// Samples per second of the test exports.
const RATE: u32 = 16_000;

const WELCOME: &str = "Welcome to our clinic. Let your body settle into the chair.";
const HANDS: &str = "Notice the weight of your hands resting in your lap.";
const THANKS: &str = "Thank you for resting with us.";
/// When the rest step's caption (the prompt checked in the export) starts, in seconds.
const HANDS_AT: f64 = 12.0;

const SESSION: &str = r#"// A clinic's own session: none of its words has a bundled voice.
Session(
    format: 1,
    id: "clinic-welcome",
    title: "Our clinic's welcome",
    phase: BeforeDosing,
    description: "A short welcome written by the clinic.",
    environment: "dusk-lake",
    soundscape: "lake-dusk",
    steps: [
        Narration(
            text: "Welcome to our clinic. Let your body settle into the chair.",
            duration: "12s",
        ),
        Rest(
            duration: "20s",
            caption: "Notice the weight of your hands resting in your lap.",
        ),
        Closing(
            text: "Thank you for resting with us.",
            duration: "10s",
        ),
    ],
)
"#;

/// A data folder holding the clinic's session, and the session file.
fn clinic_data() -> (tempfile::TempDir, std::path::PathBuf) {
    let data = tempfile::tempdir().unwrap();
    let sessions = data.path().join("sessions");
    std::fs::create_dir_all(&sessions).unwrap();
    let file = sessions.join("clinic-welcome.session.ron");
    std::fs::write(&file, SESSION).unwrap();
    (data, file)
}

fn run(data: &Path, args: &[&str]) -> std::process::Output {
    let mut all = vec!["--data", data.to_str().unwrap()];
    all.extend_from_slice(args);
    stillpoint(&all)
}

/// The voice `voice list` gives the row of `text`.
fn listed_voice(data: &Path, text: &str) -> String {
    let output = run(data, &["voice", "list", "--session", "clinic-welcome"]);
    assert!(output.status.success(), "{output:?}");
    let listing = stdout(&output);
    assert!(listing.contains("always wins"), "{listing}");
    let row = listing
        .lines()
        .find(|line| line.ends_with(text))
        .unwrap_or_else(|| panic!("no row for \"{text}\" in\n{listing}"));
    let (_step, voice) = row
        .trim_end_matches(text)
        .trim()
        .split_once(' ')
        .expect("a step and a voice");
    voice.trim().to_owned()
}

/// The session's sound, exported, as mono samples at [`RATE`].
fn export(data: &Path) -> Vec<f32> {
    let out = data.join("export.wav");
    let output = run(
        data,
        &[
            "export-audio",
            "--session",
            "clinic-welcome",
            "--out",
            out.to_str().unwrap(),
            "--sample-rate",
            &RATE.to_string(),
        ],
    );
    assert!(output.status.success(), "{output:?}");
    let mut reader = hound::WavReader::open(&out).unwrap();
    let samples: Vec<f32> = reader
        .samples::<i16>()
        .map(|sample| f32::from(sample.unwrap()) / f32::from(i16::MAX))
        .collect();
    samples
        .chunks(2)
        .map(|pair| (pair[0] + pair[1]) * 0.5)
        .collect()
}

fn window(samples: &[f32], from: f64, to: f64) -> &[f32] {
    let at = |secs: f64| ((secs * f64::from(RATE)) as usize).min(samples.len());
    &samples[at(from)..at(to)]
}

fn rms(samples: &[f32]) -> f32 {
    (samples.iter().map(|s| s * s).sum::<f32>() / samples.len().max(1) as f32).sqrt()
}

/// The power of `samples` at `hz` (Goertzel), relative to their whole power.
fn share_at(samples: &[f32], hz: f32, rate: u32) -> f32 {
    let coefficient = 2.0 * (std::f32::consts::TAU * hz / rate as f32).cos();
    let (mut previous, mut before) = (0.0_f32, 0.0_f32);
    for sample in samples {
        let next = sample + coefficient * previous - before;
        before = previous;
        previous = next;
    }
    let power = previous * previous + before * before - coefficient * previous * before;
    let total: f32 = samples.iter().map(|s| s * s).sum();
    power / (total * samples.len() as f32 / 2.0).max(f32::EPSILON)
}

/// The loudness of the speech in a clip: the RMS of its 50 ms windows that are not silence,
/// in dBFS.
fn speech_dbfs(samples: &[f32], rate: u32) -> f32 {
    let spoken: Vec<f32> = samples
        .chunks(rate as usize / 20)
        .map(rms)
        .filter(|&level| level > 0.01)
        .collect();
    let power = spoken.iter().map(|level| level * level).sum::<f32>() / spoken.len() as f32;
    10.0 * power.log10()
}

/// The speech loudness of the bundled voice clips, on average, in dBFS.
fn bundled_speech_dbfs() -> f32 {
    let clips: Vec<f32> = std::fs::read_dir(project_path("assets/voice"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|extension| extension == "ogg"))
        .take(8)
        .map(|path| {
            let data = kira::sound::static_sound::StaticSoundData::from_file(&path).unwrap();
            let mono: Vec<f32> = data
                .frames
                .iter()
                .map(|f| (f.left + f.right) * 0.5)
                .collect();
            speech_dbfs(&mono, data.sample_rate)
        })
        .collect();
    assert!(clips.len() >= 4, "bundled voice clips to compare with");
    clips.iter().sum::<f32>() / clips.len() as f32
}

#[test]
fn the_clinics_words_are_voiced_by_voice_make_as_the_bundled_ones_are() {
    let (data, file) = clinic_data();
    let store = VoiceStore::new(&project_path("assets"), data.path());

    // Before: no voice, a warning at each text that still validates, and silence under the
    // rest step's caption but for the soundscape.
    for text in [WELCOME, HANDS, THANKS] {
        assert_eq!(listed_voice(data.path(), text), "no voice");
    }
    let output = run(
        data.path(),
        &["validate", "--brief", file.to_str().unwrap()],
    );
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let line = SESSION.lines().position(|l| l.contains(HANDS)).unwrap() + 1;
    let column = SESSION.lines().nth(line - 1).unwrap().find('"').unwrap() + 1;
    let expected = format!(
        "{}:{line}:{column}: warning: step 2 (Rest): \"{HANDS}\" has no voice",
        file.display()
    );
    assert!(stdout(&output).contains(&expected), "{}", stdout(&output));
    let unvoiced = export(data.path());

    // Making the voices.
    let output = run(
        data.path(),
        &["voice", "make", "--session", "clinic-welcome"],
    );
    assert!(output.status.success(), "{output:?}");
    let made = stdout(&output);
    assert!(made.contains("Made 3 clip(s)"), "{made}");
    for text in [WELCOME, HANDS, THANKS] {
        assert_eq!(
            listed_voice(data.path(), text),
            "synthetic voice, made here"
        );
        assert!(store.synthetic(&voice_key(text)).is_file(), "{text}");
    }
    let output = run(
        data.path(),
        &["validate", "--brief", file.to_str().unwrap()],
    );
    assert!(!stdout(&output).contains("has no voice"), "{output:?}");
    // Nothing left to make; a second run leaves the clips as they are.
    let again = run(
        data.path(),
        &["voice", "make", "--session", "clinic-welcome"],
    );
    assert!(stdout(&again).contains("nothing to make"), "{again:?}");

    // Shaped like the bundled clips: the loudest sample at -3 dBFS, the speech as loud.
    let clip = read_mono(&store.synthetic(&voice_key(HANDS))).unwrap();
    let peak = clip
        .samples
        .iter()
        .fold(0.0_f32, |peak, s| peak.max(s.abs()));
    let peak_dbfs = 20.0 * peak.log10();
    assert!((peak_dbfs + 3.0).abs() <= 0.5, "peak {peak_dbfs} dBFS");
    let lead_in = &clip.samples[..(0.25 * clip.rate as f32) as usize];
    assert!(
        lead_in.iter().all(|s| s.abs() < 1e-3),
        "silence before the words"
    );
    let made_dbfs = speech_dbfs(&clip.samples, clip.rate);
    let bundled_dbfs = bundled_speech_dbfs();
    assert!(
        (made_dbfs - bundled_dbfs).abs() <= 3.0,
        "speech at {made_dbfs:.1} dBFS, the bundled clips' at {bundled_dbfs:.1} dBFS"
    );

    // The export has the voice where the prompt is.
    let voiced = export(data.path());
    let (from, to) = (HANDS_AT + 0.5, HANDS_AT + 3.0);
    let (before, after) = (
        rms(window(&unvoiced, from, to)),
        rms(window(&voiced, from, to)),
    );
    assert!(
        after > before * 1.5,
        "the prompt's window: {after} with its voice, {before} without"
    );
    let later = rms(window(&voiced, HANDS_AT + 10.0, HANDS_AT + 16.0));
    assert!(
        after > later * 1.3,
        "voice {after} against the quiet {later}"
    );

    // A recording the clinic made wins, in `voice list` and in what plays: here a tone,
    // easy to tell from a voice.
    let tone = MonoSound {
        samples: (0..3 * RATE)
            .map(|n| 0.5 * (std::f32::consts::TAU * 440.0 * n as f32 / RATE as f32).sin())
            .collect(),
        rate: RATE,
    };
    write_mono(&store.clinic_recording(&voice_key(HANDS)), &tone).unwrap();
    assert_eq!(listed_voice(data.path(), HANDS), "the clinic's recording");
    let forced = run(
        data.path(),
        &["voice", "make", "--session", "clinic-welcome", "--force"],
    );
    assert!(stdout(&forced).contains("Made 2 clip(s)"), "{forced:?}");
    let kept = read_mono(&store.clinic_recording(&voice_key(HANDS))).unwrap();
    assert_eq!(
        kept.samples.len(),
        tone.samples.len(),
        "the recording is left alone"
    );
    let recorded = export(data.path());
    let (synthetic_share, recorded_share) = (
        share_at(window(&voiced, from, to), 440.0, RATE),
        share_at(window(&recorded, from, to), 440.0, RATE),
    );
    assert!(
        recorded_share > 0.5 && recorded_share > synthetic_share * 10.0,
        "440 Hz is {recorded_share} of the sound with the recording, {synthetic_share} without"
    );
}

#[test]
fn a_narration_may_play_a_recording_from_the_data_folder() {
    let (data, _) = clinic_data();
    let file = data.path().join("sessions/recorded.session.ron");
    let session = SESSION.replace("clinic-welcome", "recorded").replace(
        "duration: \"12s\",",
        "audio: \"recordings/welcome.wav\",\n            duration: \"12s\",",
    );
    std::fs::write(&file, &session).unwrap();
    let output = run(
        data.path(),
        &["validate", "--brief", file.to_str().unwrap()],
    );
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let text = stdout(&output);
    assert!(
        text.contains("the recording \"recordings/welcome.wav\" was not found in"),
        "{text}"
    );
    assert!(
        !text.contains(&format!("\"{WELCOME}\" has no voice")),
        "{text}"
    );

    let tone = MonoSound {
        samples: vec![0.25; RATE as usize],
        rate: RATE,
    };
    write_mono(&data.path().join("recordings/welcome.wav"), &tone).unwrap();
    let output = run(
        data.path(),
        &["validate", "--brief", file.to_str().unwrap()],
    );
    assert!(!stdout(&output).contains("was not found"), "{output:?}");
    let output = run(data.path(), &["voice", "list", "--session", "recorded"]);
    assert!(
        stdout(&output).contains("recording recordings/welcome.wav"),
        "{output:?}"
    );
}

#[test]
fn without_the_synthetic_voice_voice_make_says_what_to_install() {
    let (data, _) = clinic_data();
    let empty = tempfile::tempdir().unwrap();
    let mut args = vec!["--data", data.path().to_str().unwrap()];
    args.extend(["voice", "make"]);
    let output = stillpoint_with_env(&args, &[("PATH", empty.path().as_os_str())]);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(
        said.contains("the synthetic voice is not installed")
            && said.contains("festival festvox-us-slt-hts"),
        "{said}"
    );
    assert!(!data.path().join("voice/synthetic").exists());
}
