//! A patient's voice notes as files: a take trimmed of the silence at its ends, made 16 kHz
//! mono, and saved privately beside the session record under a name no other note has; the
//! notes of the patient's earlier sessions, newest first, for a replay; and the takes a stop
//! left beside a record without a `voice_note` line, removed when it resumes.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::record::{EventKind, ReadRecord};
use crate::voice::shape::rms;
use crate::voice::wav::{MonoSound, write_mono};

/// The rate notes are saved at: speech needs no more, and a minute stays near 2 MB.
pub const NOTE_RATE: u32 = 16_000;
/// Loudness (RMS of a 20 ms frame, full scale 1) above which a frame counts as speech:
/// about -40 dBFS, well above a quiet room and well below a voice close to a headset.
pub const SPEECH_LEVEL: f32 = 0.01;
/// Seconds of a frame the speech detector looks at.
pub const FRAME_SECS: f64 = 0.02;
/// Seconds of quiet kept before the first and after the last speech when a take is trimmed.
pub const TRIM_MARGIN_SECS: f64 = 0.25;
/// Seconds faded in and out at the ends of a saved note.
const FADE_SECS: f64 = 0.01;

/// Whether `samples` (about one frame) sound like speech rather than a quiet room.
pub fn is_speech(samples: &[f32]) -> bool {
    rms(samples) >= SPEECH_LEVEL
}

/// `sound` from a little before its first speech to a little after its last, faded at both
/// ends; `None` when nothing in it is speech.
pub fn trimmed(sound: &MonoSound) -> Option<MonoSound> {
    let frame = ((f64::from(sound.rate) * FRAME_SECS).round() as usize).max(1);
    let frames: Vec<bool> = sound.samples.chunks(frame).map(is_speech).collect();
    let first = frames.iter().position(|&speech| speech)?;
    let last = frames.iter().rposition(|&speech| speech)?;
    let margin = (f64::from(sound.rate) * TRIM_MARGIN_SECS) as usize;
    let start = (first * frame).saturating_sub(margin);
    let end = ((last + 1) * frame + margin).min(sound.samples.len());
    let mut samples = sound.samples[start..end].to_vec();
    let fade = ((f64::from(sound.rate) * FADE_SECS) as usize).min(samples.len() / 2);
    for index in 0..fade {
        let gain = index as f32 / fade as f32;
        samples[index] *= gain;
        let from_end = samples.len() - 1 - index;
        samples[from_end] *= gain;
    }
    Some(MonoSound {
        samples,
        rate: sound.rate,
    })
}

/// `sound` at `rate`: each new sample the mean of the old ones it covers when the rate goes
/// down (which keeps what is above the new rate's range from folding back as noise), or
/// drawn between its neighbours when it goes up.
pub fn resampled(sound: &MonoSound, rate: u32) -> MonoSound {
    if sound.rate == rate || sound.rate == 0 || sound.samples.is_empty() {
        return MonoSound {
            samples: sound.samples.clone(),
            rate: if sound.rate == 0 { rate } else { sound.rate },
        };
    }
    let step = f64::from(sound.rate) / f64::from(rate);
    let count = (sound.samples.len() as f64 / step).floor() as usize;
    let last = sound.samples.len() - 1;
    let samples = (0..count)
        .map(|index| {
            let from = index as f64 * step;
            if step > 1.0 {
                let start = from.floor() as usize;
                let end = (((index + 1) as f64 * step).floor() as usize).clamp(start + 1, last + 1);
                let covered = &sound.samples[start..end];
                covered.iter().sum::<f32>() / covered.len() as f32
            } else {
                let below = (from.floor() as usize).min(last);
                let above = (below + 1).min(last);
                let between = (from - from.floor()) as f32;
                sound.samples[below] * (1.0 - between) + sound.samples[above] * between
            }
        })
        .collect();
    MonoSound { samples, rate }
}

/// A note saved beside a record.
#[derive(Clone, Debug, PartialEq)]
pub struct SavedNote {
    /// The file.
    pub path: PathBuf,
    /// Its name in the record's folder, as the record names it.
    pub file: String,
    /// Seconds it lasts.
    pub seconds: f64,
}

/// The first free name for a note of `step` beside `record`:
/// `<record stem>.note-<step>.wav`, then `…note-<step>-2.wav` and on; a note is never
/// written over.
pub fn note_path(record: &Path, step: usize) -> PathBuf {
    let folder = record.parent().unwrap_or(Path::new(""));
    let stem = record
        .file_stem()
        .map_or_else(|| "record".into(), |stem| stem.to_string_lossy());
    (1..)
        .map(|take: u32| match take {
            1 => folder.join(format!("{stem}.note-{step}.wav")),
            _ => folder.join(format!("{stem}.note-{step}-{take}.wav")),
        })
        .find(|path| !path.exists())
        .unwrap_or_else(|| folder.join(format!("{stem}.note-{step}.wav")))
}

/// Saves the take `sound` of step `step` beside `record`: trimmed, at [`NOTE_RATE`], mono
/// 16-bit WAV, private like the record. `Ok(None)` when nothing in it is speech.
pub fn save_take(
    record: &Path,
    step: usize,
    sound: &MonoSound,
) -> Result<Option<SavedNote>, String> {
    let Some(trimmed) = trimmed(sound) else {
        return Ok(None);
    };
    let note = resampled(&trimmed, NOTE_RATE);
    let path = note_path(record, step);
    write_mono(&path, &note).map_err(|error| {
        format!(
            "the voice note {} could not be saved: {error}",
            path.display()
        )
    })?;
    let file = path
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(Some(SavedNote {
        path,
        file,
        seconds: note.seconds(),
    }))
}

/// Removes the note files beside `record` that it does not name: takes a stop left before
/// the patient kept them, or rejected takes a stop left undeleted.
pub fn remove_unkept_takes(record: &Path, read: &ReadRecord) {
    let (Some(folder), Some(stem)) = (record.parent(), record.file_stem()) else {
        return;
    };
    let prefix = format!("{}.note-", stem.to_string_lossy());
    let kept: BTreeSet<&str> = read
        .events
        .iter()
        .filter_map(|event| match &event.kind {
            EventKind::VoiceNote { file, .. } => Some(file.as_str()),
            _ => None,
        })
        .collect();
    let Ok(entries) = std::fs::read_dir(folder) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with(&prefix) && name.ends_with(".wav") && !kept.contains(name.as_str()) {
            match std::fs::remove_file(entry.path()) {
                Ok(()) => bevy::log::info!("removed the voice note take {name}, never kept"),
                Err(error) => bevy::log::warn!("could not remove the take {name}: {error}"),
            }
        }
    }
}

/// The steps of `read` whose note is kept.
pub fn kept_steps(read: &ReadRecord) -> BTreeSet<usize> {
    read.events
        .iter()
        .filter_map(|event| match event.kind {
            EventKind::VoiceNote { step, .. } => Some(step),
            _ => None,
        })
        .collect()
}

/// A note the patient kept in an earlier session.
#[derive(Clone, Debug, PartialEq)]
pub struct EarlierNote {
    /// The sound file.
    pub path: PathBuf,
    /// Seconds it lasts.
    pub seconds: f64,
    /// The prompt the patient answered.
    pub prompt: String,
    /// When its session started (RFC 3339), with the note's session time, for ordering.
    pub started_at: String,
    /// Session time of the note.
    pub t: f64,
}

impl EarlierNote {
    /// The day it was said, as a patient reads it, e.g. "4 December 2026".
    pub fn date(&self) -> String {
        const MONTHS: [&str; 12] = [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ];
        let part = |range: std::ops::Range<usize>| {
            self.started_at
                .get(range)
                .and_then(|text| text.parse::<usize>().ok())
        };
        match (part(0..4), part(5..7), part(8..10)) {
            (Some(year), Some(month @ 1..=12), Some(day)) => {
                format!("{day} {} {year}", MONTHS[month - 1])
            }
            _ => self.started_at.clone(),
        }
    }
}

/// The notes the patient kept in the other records of `record`'s folder (the patient's
/// folder), newest first, at most `limit`; notes whose file is gone are left out.
pub fn earlier_notes(record: &Path, limit: usize) -> Vec<EarlierNote> {
    let Some(folder) = record.parent() else {
        return Vec::new();
    };
    let Ok(entries) = std::fs::read_dir(folder) else {
        return Vec::new();
    };
    let mut notes = Vec::new();
    for path in entries.flatten().map(|entry| entry.path()) {
        if path == record
            || path
                .extension()
                .is_none_or(|extension| extension != "jsonl")
        {
            continue;
        }
        let Ok(read) = ReadRecord::read(&path) else {
            continue;
        };
        let Some(EventKind::SessionStarted { started_at, .. }) = read.start() else {
            continue;
        };
        for event in &read.events {
            if let EventKind::VoiceNote {
                file,
                seconds,
                prompt,
                ..
            } = &event.kind
            {
                let note = folder.join(file);
                if note.is_file() {
                    notes.push(EarlierNote {
                        path: note,
                        seconds: *seconds,
                        prompt: prompt.clone(),
                        started_at: started_at.clone(),
                        t: event.t,
                    });
                }
            }
        }
    }
    notes.sort_by(|a, b| {
        (b.started_at.as_str(), b.t)
            .partial_cmp(&(a.started_at.as_str(), a.t))
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    notes.truncate(limit);
    notes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn speech_then_silence(rate: u32) -> MonoSound {
        let mut samples: Vec<f32> = vec![0.0; rate as usize];
        samples.extend((0..rate * 2).map(|n| 0.3 * (n as f32 * 0.07).sin()));
        samples.extend(vec![0.0; rate as usize * 3]);
        MonoSound { samples, rate }
    }

    #[test]
    fn a_take_is_trimmed_to_its_speech_with_a_margin() {
        let take = trimmed(&speech_then_silence(48_000)).expect("speech");
        let expected = 2.0 + 2.0 * TRIM_MARGIN_SECS;
        assert!(
            (take.seconds() - expected).abs() < 0.03,
            "{}",
            take.seconds()
        );
        assert_eq!(take.samples[0], 0.0, "faded in");
        let silence = MonoSound {
            samples: vec![0.001; 48_000],
            rate: 48_000,
        };
        assert!(trimmed(&silence).is_none());
    }

    #[test]
    fn resampling_keeps_the_length_and_the_tone() {
        let rate = 48_000;
        let tone = MonoSound {
            samples: (0..rate)
                .map(|n| (n as f32 * 200.0 * std::f32::consts::TAU / rate as f32).sin())
                .collect(),
            rate,
        };
        let down = resampled(&tone, NOTE_RATE);
        assert_eq!(down.rate, NOTE_RATE);
        assert_eq!(down.samples.len(), 16_000);
        assert!((rms(&down.samples) - rms(&tone.samples)).abs() < 0.01);
        let up = resampled(&down, 44_100);
        assert!((up.seconds() - 1.0).abs() < 0.001);
    }

    #[test]
    fn a_second_note_of_a_step_gets_a_name_of_its_own() -> Result<(), Box<dyn std::error::Error>> {
        let folder = tempfile::tempdir()?;
        let record = folder.path().join("integration-20261204.jsonl");
        let first = save_take(&record, 3, &speech_then_silence(16_000))?.ok_or("speech")?;
        assert_eq!(first.file, "integration-20261204.note-3.wav");
        let second = save_take(&record, 3, &speech_then_silence(16_000))?.ok_or("speech")?;
        assert_eq!(second.file, "integration-20261204.note-3-2.wav");
        assert!(first.path.is_file() && second.path.is_file());
        Ok(())
    }
}
