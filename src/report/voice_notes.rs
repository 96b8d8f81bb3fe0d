//! The voice notes of a session for its report: each with when it was kept, its prompt, its
//! length and a player whose sound is embedded in the page, so that the report stays one
//! file that opens offline and fetches nothing.

use std::fmt::Write;
use std::io::{self, Cursor};
use std::path::Path;

use super::paintings::base64;
use super::summary::SessionSummary;
use super::words::{clock, escape, length, readable_time, time_after};
use crate::artwork::save;

/// The largest note file a report embeds: about 30 minutes of the 16 kHz mono notes a
/// session keeps. A larger file is named in the page instead of played there.
pub const MAX_EMBEDDED_BYTES: u64 = 64 << 20;

/// One voice note as the report shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct NotePlayer {
    /// The voice-note step, from 0.
    pub step: usize,
    /// The prompt the patient answered.
    pub prompt: String,
    /// Seconds it lasts, as the record says.
    pub seconds: f64,
    /// Session time it was kept, seconds.
    pub at: f64,
    /// When it was kept, as a therapist reads it ("2026-12-04 10:12 UTC"), or the session's
    /// day when the record's start time cannot be read.
    pub when: String,
    /// The sound file's name, in the record's folder.
    pub file: String,
    /// The sound as a `data:audio/wav;base64,…` URI, or why it cannot be played, in one
    /// plain sentence.
    pub sound: Result<String, String>,
}

/// The players of `session`'s voice notes, in the order they were kept.
pub fn players_of(session: &SessionSummary) -> Vec<NotePlayer> {
    let folder = record_folder(session);
    session
        .voice_notes
        .iter()
        .map(|note| NotePlayer {
            step: note.step,
            prompt: note.prompt.clone(),
            seconds: note.seconds,
            at: note.at,
            when: time_after(&session.started_at, note.at)
                .map_or_else(|| session.date().to_owned(), |at| readable_time(&at)),
            file: note.file.clone(),
            sound: sound(folder, &note.file),
        })
        .collect()
}

/// What [`players_of`] leaves out of `session`: one line for each note whose sound is not
/// played because the record names its file by more than a bare file name.
pub fn left_out(session: &SessionSummary) -> Vec<String> {
    let folder = record_folder(session);
    session
        .voice_notes
        .iter()
        .filter_map(|note| {
            let problem = save::named_in(folder, &note.file).err()?;
            Some(format!(
                "{}: the voice note of step {} is left out: {problem}",
                session.record.display(),
                note.step + 1
            ))
        })
        .collect()
}

/// The folder of `session`'s record, where its notes are.
fn record_folder(session: &SessionSummary) -> &Path {
    session.record.parent().unwrap_or(Path::new("."))
}

/// The note `file` in `folder` as a data URI, or why it cannot be played.
fn sound(folder: &Path, file: &str) -> Result<String, String> {
    let path = save::named_in(folder, file).map_err(|_| {
        format!("The recording is not shown: the record names it outside the patient's folder (\"{file}\").")
    })?;
    let unreadable =
        |error: io::Error| format!("The recording {file} cannot be read here ({error}).");
    let size = match std::fs::metadata(&path) {
        Ok(meta) => meta.len(),
        Err(error) if error.kind() == io::ErrorKind::NotFound => {
            return Err(format!(
                "The recording {file} is missing from the patient's records folder."
            ));
        }
        Err(error) => return Err(unreadable(error)),
    };
    if size > MAX_EMBEDDED_BYTES {
        return Err(format!(
            "The recording {file} is too long to include in this page ({} MiB); it is kept \
             in the patient's records folder.",
            size >> 20
        ));
    }
    let bytes = std::fs::read(&path).map_err(unreadable)?;
    let frames = hound::WavReader::new(Cursor::new(&bytes))
        .map(|reader| reader.duration())
        .map_err(|_| format!("The recording {file} is damaged: it is not a WAV sound file."))?;
    if frames == 0 {
        return Err(format!("The recording {file} holds no sound."));
    }
    Ok(format!("data:audio/wav;base64,{}", base64(&bytes)))
}

/// The notes of one session as the lines of its part of the report: when, the prompt, the
/// length, and a player with the file's name below it (or the plain reason there is none).
pub(super) fn html(players: &[NotePlayer]) -> String {
    let mut html = String::new();
    for (number, note) in (1..).zip(players) {
        let player = match &note.sound {
            Ok(uri) => format!(
                "<audio controls preload=\"metadata\" src=\"{uri}\" \
                 aria-label=\"voice note {number}, step {step}\"></audio>\
                 <small class=\"file\">{file}</small>",
                step = note.step + 1,
                file = escape(&note.file),
            ),
            Err(why) => format!("<p class=\"missing\">{}</p>", escape(why)),
        };
        let _ = write!(
            html,
            "<figure class=\"voice-note\"><figcaption><span class=\"prompt\">{prompt}</span>\
             <small>{when} &middot; at {at} in the session &middot; {length}</small></figcaption>\
             {player}</figure>",
            prompt = escape(&note.prompt),
            when = escape(&note.when),
            at = clock(note.at),
            length = length(note.seconds),
        );
    }
    html
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::summary::{KeptVoiceNote, Outcome};
    use crate::voice::wav::{MonoSound, write_mono};

    fn session(record: &Path, files: &[&str]) -> SessionSummary {
        SessionSummary {
            record: record.to_owned(),
            script: "s".into(),
            title: "S".into(),
            phase: None,
            patient: "P-1".into(),
            started_at: "2026-12-04T10:00:00Z".into(),
            duration_secs: 600.0,
            steps_total: 4,
            steps_completed: 4,
            steps_skipped: 0,
            pauses: Vec::new(),
            calm: Vec::new(),
            headset_gaps: Vec::new(),
            answers: Vec::new(),
            intention: None,
            resumptions: 0,
            artworks: Vec::new(),
            voice_notes: (0..)
                .zip(files)
                .map(|(step, file)| KeptVoiceNote {
                    step,
                    file: (*file).to_owned(),
                    seconds: 2.0,
                    prompt: "Say <what> you want to remember".into(),
                    at: 754.4,
                })
                .collect(),
            questionnaires_abandoned: Vec::new(),
            outcome: Outcome::Unfinished,
            damaged_lines: Vec::new(),
        }
    }

    #[test]
    fn a_note_plays_from_the_page_and_anything_else_says_why_not() -> io::Result<()> {
        let dir = tempfile::tempdir()?;
        let record = dir.path().join("s-20261204-100000.jsonl");
        let sound = MonoSound {
            samples: vec![0.25; 32_000],
            rate: 16_000,
        };
        write_mono(&dir.path().join("kept.wav"), &sound)?;
        let silence = MonoSound {
            samples: Vec::new(),
            rate: 16_000,
        };
        write_mono(&dir.path().join("empty.wav"), &silence)?;
        std::fs::write(dir.path().join("damaged.wav"), b"RIFF and nothing more")?;
        let files = [
            "kept.wav",
            "gone.wav",
            "damaged.wav",
            "empty.wav",
            "../kept.wav",
        ];
        let players = players_of(&session(&record, &files));
        let kept = std::fs::read(dir.path().join("kept.wav"))?;
        assert_eq!(
            players[0].sound,
            Ok(format!("data:audio/wav;base64,{}", base64(&kept)))
        );
        assert_eq!(players[0].when, "2026-12-04 10:12 UTC");
        let why: Vec<String> = players[1..]
            .iter()
            .map(|player| player.sound.clone().err().unwrap_or_default())
            .collect();
        assert!(why[0].contains("gone.wav is missing"), "{why:?}");
        assert!(why[1].contains("damaged.wav is damaged"), "{why:?}");
        assert!(why[2].contains("empty.wav holds no sound"), "{why:?}");
        assert!(why[3].contains("outside the patient's folder"), "{why:?}");
        assert_eq!(
            left_out(&session(&record, &files)).len(),
            1,
            "only the name outside the folder is a problem of the report"
        );

        let page = html(&players);
        assert_eq!(page.matches("<audio controls").count(), 1, "{page}");
        assert_eq!(page.matches("class=\"missing\"").count(), 4);
        assert!(page.contains("Say &lt;what&gt; you want to remember"));
        assert!(page.contains("at 12:34 in the session &middot; 2 s"));
        Ok(())
    }
}
