//! A patient's voice notes through the real runtime and recorder, fed from a voice-like WAV:
//! saved beside the record at the speech's length, private, named in the record; ended by
//! silence, by the longest length or by Done; recorded again once; passed over without a
//! microphone or when nothing is said; kept across a kill and resume; played back later,
//! newest first; and validated with located errors.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "a test stops at the first thing that is wrong"
)]

mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use bevy::prelude::*;
use stillpoint::exercises::Detail;
use stillpoint::exercises::voice_note::NotePhase;
use stillpoint::script::SessionScript;
use stillpoint::script::parse::parse_ron;
use stillpoint::session::record::{Event, EventKind, ReadRecord};
use stillpoint::session::{SessionAction, SessionRuntime, SessionState};
use stillpoint::simulate::{Simulation, headless_app};
use stillpoint::voice::wav::{MonoSound, read_mono, write_mono};

const RATE: u32 = 48_000;
const HZ: f64 = 50.0;

/// `lead` seconds of silence, `speech` seconds of a voiced sound (a 180 Hz tone with its
/// harmonics, swelling and fading at a syllable's pace), then `after` seconds of silence.
fn voice(lead: f64, speech: f64, after: f64) -> MonoSound {
    let count = |secs: f64| (secs * f64::from(RATE)) as usize;
    let mut samples = vec![0.0; count(lead)];
    samples.extend((0..count(speech)).map(|n| {
        let t = n as f32 / RATE as f32;
        let tone = [(1.0, 1.0), (2.0, 0.5), (3.0, 0.3), (4.0, 0.15)]
            .iter()
            .map(|(harmonic, gain)| gain * (std::f32::consts::TAU * 180.0 * harmonic * t).sin())
            .sum::<f32>();
        let syllables = 0.65 + 0.35 * (std::f32::consts::TAU * 4.0 * t).sin();
        0.15 * tone * syllables
    }));
    samples.extend(vec![0.0; count(after)]);
    MonoSound {
        samples,
        rate: RATE,
    }
}

fn session(steps: &str) -> SessionScript {
    let text = format!(
        r#"Session(id: "notes", title: "Notes", phase: Integration, environment: "dusk-lake",
           soundscape: "silence", steps: [{steps}])"#
    );
    SessionScript {
        session: parse_ron("notes.session.ron", &text).expect("the test session parses"),
        sha256: "0".repeat(64),
        warnings: Vec::new(),
    }
}

const NOTE_THEN_REST: &str = r#"
    VoiceNote(prompt: "Say what you want to remember from today", max_length: "1m"),
    Rest(duration: "5s")"#;

struct Run {
    app: App,
    record: PathBuf,
}

impl Run {
    fn new(script: SessionScript, voice: Option<MonoSound>, record: &Path) -> Self {
        Self::with(script, voice, record, false)
    }

    fn with(script: SessionScript, voice: Option<MonoSound>, record: &Path, resume: bool) -> Self {
        let simulation = Simulation {
            script,
            patient: "P-7".into(),
            actions: Vec::new(),
            hz: HZ,
            record: record.to_owned(),
            resume,
            auto_continue_secs: 600.0,
            synthetic_paint: 0,
            artwork_from: None,
            instruments: Default::default(),
            voice,
        };
        let folder = record.parent().unwrap().to_owned();
        let mut app = headless_app(&simulation, folder);
        app.update();
        Self {
            app,
            record: record.to_owned(),
        }
    }

    fn runtime(&self) -> &SessionRuntime {
        self.app.world().resource::<SessionRuntime>()
    }

    fn phase(&self) -> Option<NotePhase> {
        match self.runtime().view()?.detail {
            Detail::VoiceNote { phase, .. } => Some(phase),
            _ => None,
        }
    }

    /// Runs frames until `done` holds, at most ten simulated minutes.
    fn until(&mut self, done: impl Fn(&Self) -> bool) {
        for _ in 0..(600.0 * HZ) as usize {
            if done(self) {
                return;
            }
            self.app.update();
        }
        panic!("not reached in ten minutes of session time");
    }

    fn act(&mut self, action: SessionAction) {
        self.app.world_mut().write_message(action);
        self.app.update();
    }

    fn events(&self) -> Vec<EventKind> {
        ReadRecord::read(&self.record)
            .expect("the record reads")
            .events
            .into_iter()
            .map(|event| event.kind)
            .collect()
    }

    fn kept(&self) -> Vec<(String, f64)> {
        self.events()
            .into_iter()
            .filter_map(|kind| match kind {
                EventKind::VoiceNote { file, seconds, .. } => Some((file, seconds)),
                _ => None,
            })
            .collect()
    }

    fn skipped(&self) -> Vec<String> {
        self.events()
            .into_iter()
            .filter_map(|kind| match kind {
                EventKind::VoiceNoteSkipped { reason, .. } => Some(reason),
                _ => None,
            })
            .collect()
    }
}

fn note_files(folder: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(folder)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains(".note-"))
        .collect();
    names.sort();
    names
}

#[test]
fn a_spoken_note_ends_on_silence_and_is_kept_beside_the_record_privately() {
    let dir = tempfile::tempdir().unwrap();
    let record = dir.path().join("P-7/first.jsonl");
    let mut run = Run::new(
        session(NOTE_THEN_REST),
        Some(voice(1.0, 3.0, 20.0)),
        &record,
    );
    run.until(|run| run.phase() == Some(NotePhase::Recording));
    let started = run.runtime().step_secs();
    run.until(|run| run.phase() == Some(NotePhase::Review));
    // One second of quiet, three of speech, then the four seconds of silence that end it.
    let ended = run.runtime().step_secs() - started;
    assert!(
        (ended - 8.0).abs() < 0.2,
        "the recording ended after {ended} s"
    );
    run.act(SessionAction::Choose(0));
    let kept = run.kept();
    assert_eq!(kept.len(), 1, "{:?}", run.events());
    let (file, seconds) = &kept[0];
    assert_eq!(file, "first.note-0.wav");
    assert!((seconds - 3.0).abs() <= 0.5, "the note lasts {seconds} s");
    let path = record.with_file_name(file);
    let saved = read_mono(&path).unwrap();
    assert_eq!(saved.rate, 16_000);
    assert!((saved.seconds() - seconds).abs() < 0.01);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    run.until(|run| run.runtime().state() == SessionState::Finished);
    assert!(run.skipped().is_empty());
}

#[test]
fn the_longest_length_ends_a_note_that_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let record = dir.path().join("P-7/long.jsonl");
    let steps = r#"VoiceNote(prompt: "Say it", max_length: "10s"), Rest(duration: "5s")"#;
    let mut run = Run::new(session(steps), Some(voice(1.0, 30.0, 0.0)), &record);
    run.until(|run| run.phase() == Some(NotePhase::Recording));
    let started = run.runtime().step_secs();
    run.until(|run| run.phase() == Some(NotePhase::Review));
    let ended = run.runtime().step_secs() - started;
    assert!(
        (ended - 10.0).abs() < 0.2,
        "the recording ended after {ended} s"
    );
    // Nobody chooses: the note is kept for the patient, and the session goes on.
    run.until(|run| run.runtime().state() == SessionState::Finished);
    let kept = run.kept();
    assert_eq!(kept.len(), 1);
    assert!((kept[0].1 - 9.0).abs() <= 0.5, "{kept:?}");
}

#[test]
fn done_ends_the_recording_and_recording_again_replaces_the_first_take() {
    let dir = tempfile::tempdir().unwrap();
    let record = dir.path().join("P-7/again.jsonl");
    let mut run = Run::new(session(NOTE_THEN_REST), Some(voice(0.5, 6.0, 5.0)), &record);
    run.until(|run| run.phase() == Some(NotePhase::Recording));
    let started = run.runtime().step_secs();
    run.until(|run| run.runtime().step_secs() >= started + 2.5);
    run.act(SessionAction::StopRecording);
    run.until(|run| run.phase() == Some(NotePhase::Review));
    let folder = record.parent().unwrap();
    assert_eq!(note_files(folder), ["again.note-0.wav"]);
    let first = read_mono(&folder.join("again.note-0.wav")).unwrap();
    assert!(first.seconds() < 3.0, "stopped early: {}", first.seconds());
    // Listen back: the take plays to the patient, then the choice returns.
    run.act(SessionAction::Choose(1));
    assert_eq!(run.phase(), Some(NotePhase::ListeningBack));
    let playing = run
        .runtime()
        .note_playing()
        .map(|(path, _)| path.to_owned());
    assert_eq!(playing, Some(folder.join("again.note-0.wav")));
    run.until(|run| run.phase() == Some(NotePhase::Review));
    // Record again: the first take is gone, and the choice is offered only once.
    run.act(SessionAction::Choose(2));
    assert_eq!(run.phase(), Some(NotePhase::Recording));
    assert!(note_files(folder).is_empty());
    run.until(|run| run.phase() == Some(NotePhase::Review));
    match &run.runtime().view().unwrap().detail {
        Detail::VoiceNote { choices, .. } => assert_eq!(choices, &["Keep it", "Listen back"]),
        other => panic!("{other:?}"),
    }
    run.act(SessionAction::Choose(0));
    assert_eq!(note_files(folder), ["again.note-0.wav"]);
    let kept = run.kept();
    assert_eq!(kept.len(), 1);
    assert!((kept[0].1 - 6.0).abs() <= 0.5, "{kept:?}");
}

#[test]
fn nothing_said_passes_the_step_at_its_longest_length() {
    let dir = tempfile::tempdir().unwrap();
    let record = dir.path().join("P-7/quiet.jsonl");
    let steps = r#"VoiceNote(prompt: "Say it", max_length: "10s"), Rest(duration: "5s")"#;
    let mut run = Run::new(session(steps), Some(voice(30.0, 0.0, 0.0)), &record);
    run.until(|run| run.runtime().step_index() == 1);
    assert_eq!(run.skipped(), ["nothing was said"]);
    assert!(run.kept().is_empty());
    assert!(note_files(record.parent().unwrap()).is_empty());
    assert!(run.runtime().voice_note_notice().is_none());
}

#[test]
fn without_a_microphone_the_patient_moves_on_and_the_therapist_is_told() {
    let dir = tempfile::tempdir().unwrap();
    let record = dir.path().join("P-7/nomic.jsonl");
    let mut run = Run::new(session(NOTE_THEN_REST), None, &record);
    run.until(|run| run.runtime().step_index() == 1);
    // The prompt's reading time, and no wait after it.
    assert!(run.runtime().session_secs() < 12.0);
    assert_eq!(run.skipped(), ["no microphone"]);
    let notice = run.runtime().voice_note_notice().unwrap_or_default();
    assert!(
        notice.starts_with("Voice notes need a microphone"),
        "{notice}"
    );
}

#[test]
fn a_resumed_session_keeps_the_note_and_does_not_ask_again() {
    let dir = tempfile::tempdir().unwrap();
    let record = dir.path().join("P-7/resumed.jsonl");
    let script = session(NOTE_THEN_REST);
    {
        let mut run = Run::new(script.clone(), Some(voice(1.0, 3.0, 20.0)), &record);
        run.until(|run| run.phase() == Some(NotePhase::Review));
        run.act(SessionAction::Choose(0));
        assert_eq!(run.kept().len(), 1);
        // Stopped here, still in the voice-note step: the app is gone without a last word.
    }
    let mut resumed = Run::with(script.clone(), Some(voice(1.0, 3.0, 20.0)), &record, true);
    resumed.until(|run| run.runtime().step_index() == 1);
    assert_eq!(resumed.kept().len(), 1);
    assert!(resumed.skipped().is_empty());
    assert_eq!(note_files(record.parent().unwrap()), ["resumed.note-0.wav"]);

    // Stopped while recording: the take is not kept, and the step asks again.
    let second = dir.path().join("P-7/killed.jsonl");
    {
        let mut run = Run::new(script.clone(), Some(voice(1.0, 3.0, 20.0)), &second);
        run.until(|run| run.phase() == Some(NotePhase::Recording));
    }
    let mut again = Run::with(script, Some(voice(1.0, 3.0, 20.0)), &second, true);
    again.until(|run| run.phase() == Some(NotePhase::Recording));
    again.until(|run| run.phase() == Some(NotePhase::Review));
    again.act(SessionAction::Choose(0));
    assert_eq!(again.kept().len(), 1);
}

#[test]
fn a_kill_after_the_note_is_kept_loses_nothing_and_resume_does_not_ask_again() {
    let data = tempfile::tempdir().unwrap();
    let sessions = data.path().join("sessions");
    std::fs::create_dir_all(&sessions).unwrap();
    std::fs::write(
        sessions.join("notes.session.ron"),
        format!(
            r#"Session(id: "notes", title: "Notes", phase: Integration, environment: "dusk-lake",
               soundscape: "silence", steps: [{NOTE_THEN_REST}, Rest(duration: "1h")])"#
        ),
    )
    .unwrap();
    let wav = data.path().join("voice.wav");
    write_mono(&wav, &voice(1.0, 3.0, 20.0)).unwrap();
    let record = data.path().join("records/P-7/killed.jsonl");
    std::fs::create_dir_all(record.parent().unwrap()).unwrap();
    let data_arg = data.path().to_str().unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_stillpoint"))
        .current_dir(common::root())
        .args([
            "--data",
            data_arg,
            "simulate",
            "--session",
            "notes",
            "--hz",
            "50",
        ])
        .args([
            "--patient",
            "P-7",
            "--action",
            "20=choose:0",
            "--voice-from",
        ])
        .arg(&wav)
        .arg("--record")
        .arg(&record)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    let kept = || std::fs::read_to_string(&record).is_ok_and(|text| text.contains("voice_note"));
    while !kept() && started.elapsed().as_secs() < 60 {
        std::thread::sleep(Duration::from_millis(2));
    }
    let still_running = child.try_wait().unwrap().is_none();
    child.kill().unwrap();
    let _ = child.wait();
    assert!(still_running, "killed mid-session");
    let output = common::stillpoint(&[
        "--data",
        data_arg,
        "simulate",
        "--session",
        "notes",
        "--hz",
        "2",
        "--resume",
        "--record",
        record.to_str().unwrap(),
        "--action",
        "40=end",
    ]);
    assert!(output.status.success(), "{output:?}");
    let read = ReadRecord::read(&record).unwrap();
    let notes: Vec<&EventKind> = read
        .events
        .iter()
        .map(|event| &event.kind)
        .filter(|kind| {
            matches!(
                kind,
                EventKind::VoiceNote { .. } | EventKind::VoiceNoteSkipped { .. }
            )
        })
        .collect();
    assert_eq!(notes.len(), 1, "{notes:?}");
    let EventKind::VoiceNote { file, .. } = notes[0] else {
        panic!("{notes:?}");
    };
    assert!(record.with_file_name(file).is_file());
    assert!(read.is_finished());

    // The note that survived the kill plays in the course report, goes with the patient's
    // archive, and is gone with the patient.
    let report = common::stillpoint(&["--data", data_arg, "report", "--patient", "P-7"]);
    assert!(report.status.success(), "{report:?}");
    let page = std::fs::read_to_string(data.path().join("reports/P-7/report.html")).unwrap();
    assert!(
        page.contains("data:audio/wav;base64,"),
        "the report plays the note"
    );
    let archive = data.path().join("P-7.tar.gz");
    let archive_arg = archive.to_str().unwrap();
    let exported = common::stillpoint(&[
        "--data",
        data_arg,
        "patient",
        "export",
        "P-7",
        "--out",
        archive_arg,
    ]);
    assert!(exported.status.success(), "{exported:?}");
    let mut archived = tar::Archive::new(flate2::read::GzDecoder::new(
        std::fs::File::open(&archive).unwrap(),
    ));
    let names: Vec<String> = archived
        .entries()
        .unwrap()
        .map(|entry| entry.unwrap().path().unwrap().display().to_string())
        .collect();
    assert!(names.contains(&format!("records/P-7/{file}")), "{names:?}");
    let deleted = common::stillpoint_typing(data.path(), &["patient", "delete", "P-7"], "P-7\n");
    assert!(deleted.status.success(), "{deleted:?}");
    assert!(!record.with_file_name(file).exists(), "the note is deleted");
}

/// Writes a record of an earlier session started at `started_at` that kept one note.
fn earlier_record(folder: &Path, name: &str, started_at: &str, prompt: &str, seconds: f64) {
    let file = format!("{name}.note-0.wav");
    let sound = voice(0.0, seconds, 0.0);
    write_mono(&folder.join(&file), &sound).unwrap();
    let lines = [
        Event {
            t: 0.0,
            kind: EventKind::SessionStarted {
                script: "notes".into(),
                title: "Notes".into(),
                phase: None,
                sha256: "0".repeat(64),
                patient: "P-7".into(),
                started_at: started_at.into(),
                steps: 1,
            },
        },
        Event {
            t: 30.0,
            kind: EventKind::VoiceNote {
                step: 0,
                file,
                seconds,
                prompt: prompt.into(),
            },
        },
    ];
    let text: String = lines
        .iter()
        .map(|event| serde_json::to_string(event).unwrap() + "\n")
        .collect();
    std::fs::write(folder.join(format!("{name}.jsonl")), text).unwrap();
}

#[test]
fn a_replay_plays_the_patients_earlier_notes_newest_first() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("P-7");
    std::fs::create_dir_all(&folder).unwrap();
    earlier_record(
        &folder,
        "older",
        "2026-11-01T10:00:00Z",
        "What you noticed",
        2.0,
    );
    earlier_record(
        &folder,
        "newer",
        "2026-11-08T10:00:00Z",
        "What you keep",
        3.0,
    );
    let record = folder.join("today.jsonl");
    let steps = r#"VoiceNoteReplay(notes: 2), Rest(duration: "5s")"#;
    let mut run = Run::new(session(steps), None, &record);
    let playing = |run: &Run| {
        run.runtime()
            .note_playing()
            .map(|(path, _)| path.to_owned())
    };
    run.until(|run| playing(run).is_some());
    assert_eq!(playing(&run), Some(folder.join("newer.note-0.wav")));
    match &run.runtime().view().unwrap().detail {
        Detail::NoteReplay { prompt, date, .. } => {
            assert_eq!(prompt, "What you keep");
            assert_eq!(date, "8 November 2026");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(run.runtime().view().unwrap().caption, "Last time you said…");
    run.until(|run| playing(run) == Some(folder.join("older.note-0.wav")));
    run.until(|run| run.runtime().step_index() == 1);
    // Each note, its introduction and a pause.
    let secs = run.runtime().session_secs();
    assert!((secs - (5.0 + 2.0 * 4.5)).abs() < 0.1, "{secs}");
}

#[test]
fn a_replay_with_no_earlier_notes_ends_at_once_showing_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let record = dir.path().join("P-8/today.jsonl");
    let steps = r#"VoiceNoteReplay(), Rest(duration: "5s")"#;
    let run = Run::new(session(steps), None, &record);
    assert_eq!(run.runtime().step_index(), 1);
    assert!(run.runtime().session_secs() < 0.1);
}

#[test]
fn validation_locates_a_voice_note_out_of_bounds_or_out_of_place() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.session.ron");
    std::fs::write(
        &path,
        r#"Session(
    id: "bad",
    title: "Bad",
    phase: Integration,
    environment: "dusk-lake",
    soundscape: "silence",
    steps: [
        VoiceNote(prompt: "Say it", max_length: "20m"),
        VoiceNoteReplay(notes: 9),
    ],
)
"#,
    )
    .unwrap();
    let output = common::stillpoint(&["validate", "--brief", path.to_str().unwrap()]);
    let said = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{said}");
    assert!(
        said.contains("bad.session.ron:8:37: ") && said.contains("`max_length` is 20m"),
        "{said}"
    );
    assert!(said.contains("bad.session.ron:9:25: "), "{said}");

    let before = dir.path().join("before.session.ron");
    std::fs::write(
        &before,
        r#"Session(id: "before", title: "Before", phase: BeforeDosing, environment: "dusk-lake",
    soundscape: "silence", steps: [VoiceNote(prompt: "Say it")])
"#,
    )
    .unwrap();
    let output = common::stillpoint(&["validate", "--brief", before.to_str().unwrap()]);
    let said = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{said}");
    assert!(
        said.contains("before.session.ron:2:46: ") && said.contains("integration session"),
        "{said}"
    );
}
