//! The offline synthetic voice that speaks what the clinic writes, into the data folder.
//!
//! It is the voice of the bundled clips: Festival's `text2wave` speaking with
//! `cmu_us_slt_arctic_hts` (Debian's `festival` and `festvox-us-slt-hts`), slowed a little,
//! one sentence at a time, each softened, trimmed and faded, with pauses between sentences,
//! the loudest sample at -3 dBFS, and a moment of silence before and after. Nothing here
//! needs the source tree, Python or administrator rights: the clip goes to
//! `<data folder>/voice/synthetic/<key>.wav`.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::shape::{set_peak, silence, soften, trim_and_fade};
use super::wav::{MonoSound, read_mono, write_mono};
use super::{VoiceStore, voice_key};

/// The program that speaks.
pub const TEXT2WAVE: &str = "text2wave";
/// The Festival voice the bundled clips speak with.
pub const VOICE: &str = "cmu_us_slt_arctic_hts";
/// The Debian packages the synthetic voice comes in.
pub const PACKAGES: &str = "festival festvox-us-slt-hts";

/// How the voice speaks and how each clip is shaped: the values `tools/narrate.py` makes
/// the bundled clips with.
mod settings {
    /// Over 1 speaks more slowly: calm, unhurried.
    pub const DURATION_STRETCH: f32 = 1.22;
    /// Seconds of silence between sentences.
    pub const SENTENCE_PAUSE_S: f32 = 0.7;
    /// Seconds of silence before the first word.
    pub const LEAD_IN_S: f32 = 0.3;
    /// Seconds of silence after the last word.
    pub const TAIL_S: f32 = 0.5;
    /// Seconds of the fade at the start of each sentence.
    pub const FADE_IN_S: f32 = 0.01;
    /// Seconds of the fade at the end of each sentence.
    pub const FADE_OUT_S: f32 = 0.03;
    /// Quieter than this, under a sentence's loudest sample, is silence.
    pub const TRIM_BELOW_DB: f32 = -45.0;
    /// The loudest sample of a clip.
    pub const PEAK_DBFS: f32 = -3.0;
    /// The gentle low-pass that takes the synthetic edge off the voice.
    pub const SOFTEN_HZ: f32 = 7000.0;
}

/// Why a synthetic clip could not be made.
#[derive(Debug, thiserror::Error)]
pub enum SynthError {
    /// The synthetic voice is not installed on this machine.
    #[error(
        "the synthetic voice is not installed ({0}); install the Debian packages {PACKAGES} \
         (`sudo apt install {PACKAGES}`)"
    )]
    NotInstalled(String),
    /// The voice is there but could not speak these words.
    #[error("the synthetic voice could not speak \"{text}\": {reason}")]
    Failed {
        /// The words.
        text: String,
        /// What went wrong.
        reason: String,
    },
    /// The clip could not be written.
    #[error("cannot write the clip {path}: {source}")]
    Write {
        /// Where it was to go.
        path: PathBuf,
        /// Why it could not.
        source: std::io::Error,
    },
}

/// Makes the synthetic clip of `text` in the data folder (`voice/synthetic/<key>.wav`) and
/// returns its path. A clip already there is made again.
pub fn make_clip(store: &VoiceStore, text: &str) -> Result<PathBuf, SynthError> {
    let sound = speak(text)?;
    let path = store.synthetic(&voice_key(text));
    write_mono(&path, &sound).map_err(|source| SynthError::Write {
        path: path.clone(),
        source,
    })?;
    Ok(path)
}

/// Whether the synthetic voice is installed and speaks: says one short word.
pub fn check_installed() -> Result<(), SynthError> {
    speak("Ready.").map(drop)
}

/// The finished clip of `text`: each sentence spoken, softened, trimmed and faded, with
/// pauses between them, at the bundled clips' peak, with silence before and after.
pub fn speak(text: &str) -> Result<MonoSound, SynthError> {
    let folder = tempfile::tempdir().map_err(|error| SynthError::Failed {
        text: text.to_owned(),
        reason: format!("no temporary folder: {error}"),
    })?;
    let mut speech = Vec::new();
    let mut rate = 0;
    for sentence in sentences(&plain_words(text)) {
        let spoken = festival_sentence(sentence, folder.path())?;
        rate = spoken.rate;
        let softened = soften(&spoken.samples, rate, settings::SOFTEN_HZ);
        let fade_in = (settings::FADE_IN_S * rate as f32).round() as usize;
        let fade_out = (settings::FADE_OUT_S * rate as f32).round() as usize;
        let shaped = trim_and_fade(&softened, settings::TRIM_BELOW_DB, fade_in, fade_out);
        if shaped.is_empty() {
            continue;
        }
        if !speech.is_empty() {
            speech.extend(silence(settings::SENTENCE_PAUSE_S, rate));
        }
        speech.extend(shaped);
    }
    if speech.is_empty() {
        return Err(SynthError::Failed {
            text: text.to_owned(),
            reason: "it made no sound".to_owned(),
        });
    }
    set_peak(&mut speech, settings::PEAK_DBFS);
    let mut samples = silence(settings::LEAD_IN_S, rate);
    samples.extend(speech);
    samples.extend(silence(settings::TAIL_S, rate));
    Ok(MonoSound { samples, rate })
}

/// The words with typographic quotes, dashes and ellipses written plainly, which Festival
/// reads as a writer means them.
fn plain_words(text: &str) -> String {
    text.trim()
        .replace(['\u{2018}', '\u{2019}'], "'")
        .replace(['\u{201c}', '\u{201d}'], "\"")
        .replace(['\u{2013}', '\u{2014}'], ", ")
        .replace('\u{2026}', "...")
}

/// The sentences of `text`: split after `.`, `!`, `?` or `…` followed by a space.
fn sentences(text: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let mut start = 0;
    let mut after_end = false;
    for (at, character) in text.char_indices() {
        if character.is_whitespace() && after_end {
            found.push(&text[start..at]);
            start = at;
        }
        after_end = matches!(character, '.' | '!' | '?' | '…');
    }
    found.push(&text[start..]);
    found
        .into_iter()
        .map(str::trim)
        .filter(|sentence| !sentence.is_empty())
        .collect()
}

/// One sentence spoken by Festival's `text2wave`, as it comes.
fn festival_sentence(sentence: &str, folder: &Path) -> Result<MonoSound, SynthError> {
    let text_file = folder.join("sentence.txt");
    let wave_file = folder.join("sentence.wav");
    let failed = |reason: String| SynthError::Failed {
        text: sentence.to_owned(),
        reason,
    };
    std::fs::write(&text_file, format!("{sentence}\n"))
        .map_err(|error| failed(format!("cannot write a temporary file: {error}")))?;
    let _ = std::fs::remove_file(&wave_file);
    let setup = format!(
        "(begin (voice_{VOICE}) (Parameter.set 'Duration_Stretch {}))",
        settings::DURATION_STRETCH
    );
    let output = Command::new(TEXT2WAVE)
        .arg("-eval")
        .arg(&setup)
        .arg(&text_file)
        .arg("-o")
        .arg(&wave_file)
        .output()
        .map_err(|error| match error.kind() {
            std::io::ErrorKind::NotFound => {
                SynthError::NotInstalled(format!("`{TEXT2WAVE}` was not found"))
            }
            _ => failed(format!("`{TEXT2WAVE}` did not run: {error}")),
        })?;
    let said = String::from_utf8_lossy(&output.stderr);
    if said.contains(&format!("voice_{VOICE}")) {
        return Err(SynthError::NotInstalled(format!(
            "Festival has no voice {VOICE}"
        )));
    }
    if !output.status.success() || !wave_file.is_file() {
        let said = said.lines().last().unwrap_or("no sound was written");
        return Err(failed(format!("`{TEXT2WAVE}` failed: {said}")));
    }
    read_mono(&wave_file).map_err(|error| failed(format!("cannot read what it said: {error}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_spoken_sentence_by_sentence() {
        assert_eq!(
            sentences("Breathe in. Hold it… And let go!  Rest?"),
            ["Breathe in.", "Hold it…", "And let go!", "Rest?"]
        );
        assert_eq!(sentences("3.5 breaths, slowly"), ["3.5 breaths, slowly"]);
        assert!(sentences("   ").is_empty());
        assert_eq!(
            plain_words(" \u{201c}It\u{2019}s fine\u{201d} \u{2014} rest\u{2026} "),
            "\"It's fine\" ,  rest..."
        );
    }
}
