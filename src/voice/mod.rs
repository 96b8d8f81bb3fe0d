//! The voice of every spoken text, found by a hash of its words wherever the text appears.
//!
//! A text's clip comes from the first of these that has it:
//! 1. the clinic's own recording, `<data folder>/voice/<key>.wav`;
//! 2. a clip made here by the offline synthetic voice, `<data folder>/voice/synthetic/<key>.wav`;
//! 3. the bundled voice, `assets/voice/<key>.ogg`.
//!
//! An edited text has a new key, so it goes back to having no voice until one is made or
//! recorded. Everything here is headless: it names files, it plays nothing.

pub mod shape;
pub mod synthetic;
pub mod take;
pub mod wav;

use std::path::{Path, PathBuf};

use bevy::prelude::Resource;
use sha2::{Digest, Sha256};

use crate::exercises::spoken_texts;
use crate::script::Session;

/// The folder of voice clips, in the data folder and in `assets/`.
pub const VOICE_FOLDER: &str = "voice";
/// The folder of synthetic clips inside the data folder's [`VOICE_FOLDER`].
pub const SYNTHETIC_FOLDER: &str = "synthetic";
/// The data folder's folder of the clinic's own narration recordings, which a narration
/// step's `audio:` may name as `recordings/<file>`.
pub use crate::script::validate::RECORDINGS_FOLDER;

/// The key that names the clip of `text`: 16 hex digits of the SHA-256 of its trimmed words.
pub fn voice_key(text: &str) -> String {
    Sha256::digest(text.trim().as_bytes())
        .iter()
        .take(8)
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// Counts changes to the data folder's voice clips made while the app runs (a take recorded,
/// redone or deleted, a synthetic clip made): whatever holds clips loaded reloads them when
/// it changes.
#[derive(Resource, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct VoiceRevision(pub u64);

impl VoiceRevision {
    /// Says that the clips changed.
    pub fn bump(&mut self) {
        self.0 = self.0.wrapping_add(1);
    }
}

/// One text a session speaks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SpokenText {
    /// The words.
    pub text: String,
    /// Their [`voice_key`].
    pub key: String,
    /// The first step (from 0) that speaks them.
    pub step: usize,
}

/// Every text `session` speaks, once each, in the order they first come.
pub fn session_texts(session: &Session) -> Vec<SpokenText> {
    let mut seen = std::collections::HashSet::new();
    session
        .steps
        .iter()
        .enumerate()
        .flat_map(|(step, kind)| spoken_texts(kind).into_iter().map(move |text| (step, text)))
        .filter(|(_, text)| seen.insert(voice_key(text)))
        .map(|(step, text)| SpokenText {
            key: voice_key(&text),
            text,
            step,
        })
        .collect()
}

/// Where the voice of a text comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum VoiceSource {
    /// The clinic recorded it (always wins).
    ClinicRecording,
    /// Made on this machine by the offline synthetic voice (`stillpoint voice make`).
    Synthetic,
    /// Bundled with Stillpoint.
    Bundled,
    /// No voice: the text shows as a caption only.
    None,
}

impl VoiceSource {
    /// The source in a few plain words, for `voice list` and the panel.
    pub fn describe(self) -> &'static str {
        match self {
            Self::ClinicRecording => "the clinic's recording",
            Self::Synthetic => "synthetic voice, made here",
            Self::Bundled => "bundled voice",
            Self::None => "no voice",
        }
    }
}

/// The folders voice clips are found in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VoiceStore {
    /// The program's `assets/` folder (bundled clips).
    pub assets: PathBuf,
    /// The clinic's data folder (its recordings and the clips made here).
    pub data_root: PathBuf,
}

impl VoiceStore {
    /// The store over `assets` and the data folder `data_root`.
    pub fn new(assets: &Path, data_root: &Path) -> Self {
        Self {
            assets: assets.to_path_buf(),
            data_root: data_root.to_path_buf(),
        }
    }

    /// Where the clinic's recording of the text with `key` is (or would be).
    pub fn clinic_recording(&self, key: &str) -> PathBuf {
        self.data_root.join(VOICE_FOLDER).join(format!("{key}.wav"))
    }

    /// Where the synthetic clip of the text with `key` is (or would be).
    pub fn synthetic(&self, key: &str) -> PathBuf {
        self.data_root
            .join(VOICE_FOLDER)
            .join(SYNTHETIC_FOLDER)
            .join(format!("{key}.wav"))
    }

    /// Where the bundled clip of the text with `key` is (or would be).
    pub fn bundled(&self, key: &str) -> PathBuf {
        self.assets.join(VOICE_FOLDER).join(format!("{key}.ogg"))
    }

    /// The voice of `text`: where it comes from and its file (`None` when it has none).
    pub fn find(&self, text: &str) -> (VoiceSource, Option<PathBuf>) {
        self.find_key(&voice_key(text))
    }

    /// The voice of the text with `key` (see [`VoiceStore::find`]).
    pub fn find_key(&self, key: &str) -> (VoiceSource, Option<PathBuf>) {
        [
            (VoiceSource::ClinicRecording, self.clinic_recording(key)),
            (VoiceSource::Synthetic, self.synthetic(key)),
            (VoiceSource::Bundled, self.bundled(key)),
        ]
        .into_iter()
        .find(|(_, path)| path.is_file())
        .map_or((VoiceSource::None, None), |(source, path)| {
            (source, Some(path))
        })
    }

    /// The file a narration step's `audio:` names: `recordings/<file>` in the data folder
    /// when there is one there, otherwise the file relative to `assets/`.
    pub fn recording(&self, audio: &str) -> PathBuf {
        let in_data = self.data_root.join(audio);
        if Path::new(audio).starts_with(RECORDINGS_FOLDER) && in_data.is_file() {
            in_data
        } else {
            self.assets.join(audio)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_named_by_its_words() {
        let key = voice_key("Notice five things you can see.");
        assert_eq!(key.len(), 16);
        assert!(key.chars().all(|c| c.is_ascii_hexdigit()), "{key}");
        assert_eq!(key, voice_key("  Notice five things you can see.\n"));
        assert_ne!(key, voice_key("Notice four things you can feel."));
    }

    #[test]
    fn the_clinics_recording_wins_then_the_synthetic_then_the_bundled() -> std::io::Result<()> {
        let assets = tempfile::tempdir()?;
        let data = tempfile::tempdir()?;
        let store = VoiceStore::new(assets.path(), data.path());
        let text = "Let your shoulders soften.";
        let key = voice_key(text);
        assert_eq!(store.find(text), (VoiceSource::None, None));

        let mut made = Vec::new();
        for path in [
            store.bundled(&key),
            store.synthetic(&key),
            store.clinic_recording(&key),
        ] {
            std::fs::create_dir_all(path.parent().unwrap_or(Path::new(".")))?;
            std::fs::write(&path, b"clip")?;
            made.push(path);
        }
        assert_eq!(
            store.find(text),
            (VoiceSource::ClinicRecording, Some(made[2].clone()))
        );
        std::fs::remove_file(&made[2])?;
        assert_eq!(
            store.find(text),
            (VoiceSource::Synthetic, Some(made[1].clone()))
        );
        std::fs::remove_file(&made[1])?;
        assert_eq!(
            store.find(text),
            (VoiceSource::Bundled, Some(made[0].clone()))
        );
        Ok(())
    }

    #[test]
    fn a_recording_is_read_from_the_data_folder_before_the_assets() -> std::io::Result<()> {
        let assets = tempfile::tempdir()?;
        let data = tempfile::tempdir()?;
        let store = VoiceStore::new(assets.path(), data.path());
        assert_eq!(
            store.recording("narration/arrival/01-narration.ogg"),
            assets.path().join("narration/arrival/01-narration.ogg")
        );
        assert_eq!(
            store.recording("recordings/welcome.wav"),
            assets.path().join("recordings/welcome.wav")
        );
        std::fs::create_dir_all(data.path().join(RECORDINGS_FOLDER))?;
        std::fs::write(data.path().join("recordings/welcome.wav"), b"clip")?;
        assert_eq!(
            store.recording("recordings/welcome.wav"),
            data.path().join("recordings/welcome.wav")
        );
        Ok(())
    }
}
