//! Voice notes as patient data: the course report plays each one from the page (checked in a
//! real browser that never reaches the network), and a patient's archive, import and
//! deletion carry them like every other file of the patient; the CSV and FHIR exports do not.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "a test stops at the first thing that is wrong"
)]

mod common;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use common::{stdout, stillpoint, stillpoint_typing};
use serde_json::{Value, json};
use stillpoint::report::paintings::base64;
use stillpoint::session::record::{EndReason, Event, EventKind, StepEnd};
use stillpoint::session::writer::RecordWriter;
use stillpoint::voice::wav::{MonoSound, write_mono};

const PATIENT: &str = "P-31";

/// A voice note a test keeps: its step, length, prompt and session time.
struct Note {
    step: usize,
    seconds: f64,
    prompt: &'static str,
    at: f64,
    /// Whether its sound file is written (a missing one is left out).
    written: bool,
}

/// A spoken-like tone of `seconds` at 16 kHz, as the voice-note step writes its notes.
fn tone(seconds: f64) -> MonoSound {
    let rate = 16_000;
    let frames = (seconds * f64::from(rate)) as usize;
    MonoSound {
        samples: (0..frames)
            .map(|n| (n as f32 * 0.07).sin() * 0.3 * (n as f32 * 0.0007).sin().abs())
            .collect(),
        rate,
    }
}

/// Writes an integration session's record `name` for [`PATIENT`] in `data`, started at
/// `started_at`, with a check-in and `notes`, and each note's sound beside it.
fn session(data: &Path, name: &str, started_at: &str, notes: &[Note]) -> Vec<PathBuf> {
    let folder = data.join("records").join(PATIENT);
    let record = folder.join(format!("{name}.jsonl"));
    let mut writer = RecordWriter::create(&record).expect("a record");
    let mut line = |t: f64, kind: EventKind| writer.append(&Event { t, kind }).expect("a line");
    line(
        0.0,
        EventKind::SessionStarted {
            script: "integration-voice".into(),
            title: "Integration: what to keep".into(),
            phase: None,
            sha256: "0".repeat(64),
            patient: PATIENT.into(),
            started_at: started_at.into(),
            steps: 6,
        },
    );
    line(
        20.0,
        EventKind::CheckIn {
            id: "suds-after".into(),
            value: Some(3),
        },
    );
    let mut files = Vec::new();
    for note in notes {
        let file = format!("{name}.note-{}.wav", note.step + 1);
        if note.written {
            let path = folder.join(&file);
            write_mono(&path, &tone(note.seconds)).expect("a note");
            files.push(path);
        }
        line(
            note.at,
            EventKind::VoiceNote {
                step: note.step,
                file,
                seconds: note.seconds,
                prompt: note.prompt.into(),
            },
        );
        line(
            note.at,
            EventKind::StepFinished {
                step: note.step,
                kind: "VoiceNote".into(),
                how: StepEnd::Completed,
            },
        );
    }
    line(
        900.0,
        EventKind::SessionEnded {
            reason: EndReason::Completed,
        },
    );
    files
}

/// Two integration sessions of [`PATIENT`] in `data`: three notes whose sound is there and
/// one whose file is gone. Returns the sound files, in the order the report shows them.
fn course(data: &Path) -> Vec<PathBuf> {
    let mut files = session(
        data,
        "integration-voice-20261201-100000",
        "2026-12-01T10:00:00Z",
        &[Note {
            step: 2,
            seconds: 2.0,
            prompt: "Say what you want to remember from today",
            at: 300.0,
            written: true,
        }],
    );
    files.extend(session(
        data,
        "integration-voice-20261208-100000",
        "2026-12-08T10:00:00Z",
        &[
            Note {
                step: 1,
                seconds: 1.5,
                prompt: "What did you notice in your body?",
                at: 125.0,
                written: true,
            },
            Note {
                step: 3,
                seconds: 4.0,
                prompt: "A word for the week ahead",
                at: 610.0,
                written: false,
            },
            Note {
                step: 4,
                seconds: 3.25,
                prompt: "Anything else to keep?",
                at: 700.0,
                written: true,
            },
        ],
    ));
    files
}

fn succeeded(output: &Output) {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Writes the course report of [`PATIENT`] with the real binary; returns its page.
fn report(data: &Path) -> PathBuf {
    let output = stillpoint(&[
        "--data",
        data.to_str().expect("utf-8"),
        "report",
        "--patient",
        PATIENT,
    ]);
    succeeded(&output);
    data.join("reports").join(PATIENT).join("report.html")
}

#[test]
fn each_note_is_in_its_sessions_part_of_the_report_with_its_sound_in_the_page() {
    let dir = tempfile::tempdir().expect("temp dir");
    let sounds = course(dir.path());
    let html = std::fs::read_to_string(report(dir.path())).expect("the page");

    // The sound of each note is in the page itself, byte for byte, in the order spoken.
    let players: Vec<&str> = html
        .split("<audio controls preload=\"metadata\" src=\"")
        .skip(1)
        .map(|rest| rest.split('"').next().expect("the source"))
        .collect();
    let expected: Vec<String> = sounds
        .iter()
        .map(|file| {
            let bytes = std::fs::read(file).expect("the note");
            format!("data:audio/wav;base64,{}", base64(&bytes))
        })
        .collect();
    assert_eq!(players, expected);

    // Each in its session's part, with when it was kept, its prompt and its length.
    let parts: Vec<&str> = html.split("<article class=\"session\">").skip(1).collect();
    assert_eq!(parts.len(), 2);
    for (part, shown) in [
        (
            parts[0],
            &[
                "Say what you want to remember from today",
                "2026-12-01 10:05 UTC &middot; at 5:00 in the session &middot; 2 s",
            ][..],
        ),
        (
            parts[1],
            &[
                "What did you notice in your body?",
                "2026-12-08 10:02 UTC &middot; at 2:05 in the session &middot; 2 s",
                "A word for the week ahead",
                "Anything else to keep?",
                "2026-12-08 10:11 UTC &middot; at 11:40 in the session &middot; 3 s",
            ][..],
        ),
    ] {
        for words in shown {
            assert!(part.contains(words), "{words} in {part}");
        }
    }
    assert!(parts[0].contains(
        "</audio><small class=\"file\">integration-voice-20261201-100000.note-3.wav</small>"
    ));
    assert_eq!(parts[0].matches("<audio").count(), 1);
    assert_eq!(parts[1].matches("<audio").count(), 2);
    // The note whose file is gone says so, with no player.
    assert!(parts[1].contains(
        "<p class=\"missing\">The recording integration-voice-20261208-100000.note-4.wav is \
         missing from the patient&#39;s records folder.</p>"
    ));
    assert!(html.contains("<div class=\"number\">4</div><div class=\"label\">voice notes</div>"));

    // One file that fetches nothing: every source is in the page (the charts' SVG names
    // its namespace by an address, which is never fetched).
    for fetching in ["<script", "<link", "<iframe", "url(", "href="] {
        assert!(!html.contains(fetching), "the page holds {fetching}");
    }
    assert_eq!(
        html.matches(" src=\"").count(),
        html.matches(" src=\"data:").count()
    );
}

/// Chromium with the DevTools protocol on a pipe (`--remote-debugging-pipe`: it reads
/// commands on its descriptor 3 and answers on 4, each message ending in a NUL).
struct Browser {
    child: std::process::Child,
    commands: std::process::ChildStdin,
    replies: BufReader<std::process::ChildStdout>,
    next: u64,
    /// Every event the browser sent, in order.
    events: Vec<Value>,
    /// Dropped with the browser; until then a guard ends a browser that hangs, so that the
    /// test fails instead of waiting for ever.
    _alive: std::sync::mpsc::Sender<()>,
}

impl Browser {
    fn start(profile: &Path) -> Self {
        let chromium = ["chromium", "chromium-browser", "google-chrome"]
            .into_iter()
            .find(|name| Command::new(name).arg("--version").output().is_ok())
            .expect(
                "the voice-note report test needs Chromium: tools/setup.sh --test installs \
                 Debian's chromium",
            );
        // The shell hands its input and output to Chromium as descriptors 3 and 4.
        let mut child = Command::new("sh")
            .arg("-c")
            .arg("exec \"$0\" \"$@\" 3<&0 4>&1 </dev/null >/dev/null")
            .arg(chromium)
            .args([
                "--headless",
                "--remote-debugging-pipe",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--mute-audio",
            ])
            .arg(format!("--user-data-dir={}", profile.display()))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromium starts");
        let commands = child.stdin.take().expect("its commands");
        let replies = BufReader::new(child.stdout.take().expect("its replies"));
        let (alive, watched) = std::sync::mpsc::channel::<()>();
        let pid = child.id().to_string();
        std::thread::spawn(move || {
            let waited = watched.recv_timeout(std::time::Duration::from_secs(120));
            if waited == Err(std::sync::mpsc::RecvTimeoutError::Timeout) {
                let _ = Command::new("kill").arg(&pid).status();
            }
        });
        Self {
            _alive: alive,
            child,
            commands,
            replies,
            next: 0,
            events: Vec::new(),
        }
    }

    /// The next message from the browser.
    fn message(&mut self) -> Value {
        let mut bytes = Vec::new();
        self.replies
            .read_until(0, &mut bytes)
            .expect("chromium answers");
        assert_eq!(bytes.pop(), Some(0), "chromium stopped answering");
        serde_json::from_slice(&bytes).expect("a message")
    }

    /// Sends `method` with `params` (to the page of `session`, if given) and returns its
    /// result, keeping the events that come before it.
    fn call(&mut self, session: Option<&str>, method: &str, params: Value) -> Value {
        self.next += 1;
        let mut command = json!({"id": self.next, "method": method, "params": params});
        if let Some(session) = session {
            command["sessionId"] = json!(session);
        }
        let mut bytes = serde_json::to_vec(&command).expect("JSON");
        bytes.push(0);
        self.commands.write_all(&bytes).expect("sends");
        loop {
            let message = self.message();
            if message["id"] == json!(self.next) {
                assert!(message.get("error").is_none(), "{method}: {message}");
                return message["result"].clone();
            }
            self.events.push(message);
        }
    }

    /// Waits for the event `method`, keeping it with the others.
    fn wait_for(&mut self, method: &str) {
        while !self.events.iter().any(|event| event["method"] == method) {
            let message = self.message();
            self.events.push(message);
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Once the page has loaded: its address and each player's length in seconds once its
/// sound is read (-1 for a sound the browser cannot play).
const PLAYERS: &str = "new Promise(done => {
  const look = () => {
    const players = [...document.querySelectorAll('audio')];
    if (players.every(player => player.readyState >= 1 || player.error)) {
      done({ page: location.href,
             durations: players.map(player => player.error ? -1 : player.duration) });
    } else {
      setTimeout(look, 50);
    }
  };
  look();
})";

#[test]
fn the_reports_players_play_their_notes_in_a_browser_that_fetches_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    course(dir.path());
    let page = report(dir.path());
    let address = format!("file://{}", page.display());

    let mut browser = Browser::start(&dir.path().join("chromium"));
    let target = browser.call(None, "Target.createTarget", json!({"url": "about:blank"}));
    let attached = browser.call(
        None,
        "Target.attachToTarget",
        json!({"targetId": target["targetId"], "flatten": true}),
    );
    let session = attached["sessionId"]
        .as_str()
        .expect("a session")
        .to_owned();
    let session = Some(session.as_str());
    browser.call(session, "Network.enable", json!({}));
    browser.call(session, "Page.enable", json!({}));
    browser.call(session, "Page.navigate", json!({"url": address}));
    browser.wait_for("Page.loadEventFired");
    let found = browser.call(
        session,
        "Runtime.evaluate",
        json!({"expression": PLAYERS, "awaitPromise": true, "returnByValue": true}),
    );
    let value = &found["result"]["value"];
    assert_eq!(value["page"], json!(address), "{found}");
    let durations: Vec<f64> = value["durations"]
        .as_array()
        .expect("the players")
        .iter()
        .map(|duration| duration.as_f64().expect("a number"))
        .collect();
    assert_eq!(durations.len(), 3, "three notes have their sound: {found}");
    for (duration, expected) in durations.iter().zip([2.0, 1.5, 3.25]) {
        assert!(
            (duration - expected).abs() < 0.01,
            "a player {expected} s long: {durations:?}"
        );
    }

    // Everything the page asked for is in the page or is the page itself.
    let asked: Vec<&str> = browser
        .events
        .iter()
        .filter(|event| event["method"] == "Network.requestWillBeSent")
        .filter_map(|event| event["params"]["request"]["url"].as_str())
        .collect();
    assert!(asked.contains(&address.as_str()), "{asked:?}");
    for url in &asked {
        assert!(
            url.starts_with("file:") || url.starts_with("data:"),
            "the page reached out to {url}"
        );
    }
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).expect("there").permissions().mode() & 0o777
}

#[test]
fn notes_go_with_a_patients_archive_come_back_private_and_are_deleted_with_the_patient() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    let sounds = course(&data);
    report(&data);
    let bytes: BTreeMap<PathBuf, Vec<u8>> = sounds
        .iter()
        .map(|file| (file.clone(), std::fs::read(file).expect("the note")))
        .collect();
    let folder = data.join("records").join(PATIENT);
    let inside = |file: &Path| {
        format!(
            "records/{PATIENT}/{}",
            file.strip_prefix(&folder).expect("inside").display()
        )
    };

    // Listed: three notes kept (the fourth's file is gone, but the records name four).
    let listed = stdout(&stillpoint_typing(&data, &["patient", "list"], ""));
    let header: Vec<&str> = listed
        .lines()
        .next()
        .expect("a header")
        .split_whitespace()
        .collect();
    let row: Vec<&str> = listed
        .lines()
        .find(|line| line.starts_with(PATIENT))
        .expect("the patient")
        .split_whitespace()
        .collect();
    let notes = header
        .iter()
        .position(|name| *name == "notes")
        .expect("a column");
    assert_eq!(row[notes], "4", "{listed}");

    // The archive holds each note, private, byte for byte.
    let archive = dir.path().join("P-31.tar.gz");
    let archive_text = archive.to_str().expect("utf-8");
    succeeded(&stillpoint_typing(
        &data,
        &["patient", "export", PATIENT, "--out", archive_text],
        "",
    ));
    let mut held = BTreeMap::new();
    let mut reader = tar::Archive::new(flate2::read::GzDecoder::new(
        std::fs::File::open(&archive).expect("the archive"),
    ));
    for entry in reader.entries().expect("entries") {
        let mut entry = entry.expect("an entry");
        let name = entry.path().expect("a name").display().to_string();
        let entry_mode = entry.header().mode().expect("a mode") & 0o777;
        let mut content = Vec::new();
        entry.read_to_end(&mut content).expect("reads");
        held.insert(name, (entry_mode, content));
    }
    for (file, content) in &bytes {
        let (entry_mode, archived) = &held[&inside(file)];
        assert_eq!(*entry_mode, 0o600, "{}", file.display());
        assert!(archived == content, "{}: the same bytes", file.display());
    }

    // Deleted with the patient: nothing of theirs is left.
    succeeded(&stillpoint_typing(
        &data,
        &["patient", "delete", PATIENT],
        "P-31\n",
    ));
    for file in bytes.keys() {
        assert!(!file.exists(), "{} is deleted", file.display());
    }
    assert!(!folder.exists());

    // Imported: each note back, private, byte for byte, and listed as before.
    succeeded(&stillpoint_typing(
        &data,
        &["patient", "import", archive_text],
        "",
    ));
    for (file, content) in &bytes {
        assert_eq!(std::fs::read(file).expect("back"), *content);
        assert_eq!(mode(file), 0o600, "{}", file.display());
    }
    assert_eq!(
        stdout(&stillpoint_typing(&data, &["patient", "list"], "")),
        listed
    );

    // The clinical exports carry the answers, never a recording.
    let out = dir.path().join("export");
    succeeded(&stillpoint_typing(
        &data,
        &[
            "export",
            "--patient",
            PATIENT,
            "--out",
            out.to_str().expect("utf-8"),
        ],
        "",
    ));
    let written: Vec<PathBuf> = std::fs::read_dir(&out)
        .expect("the export")
        .flatten()
        .map(|entry| entry.path())
        .collect();
    assert!(!written.is_empty());
    for path in written {
        let text = std::fs::read_to_string(&path).expect("text");
        assert!(
            !text.contains(".wav") && !text.contains("data:audio") && !text.contains("UklGR"),
            "{} holds no recording",
            path.display()
        );
    }
}
