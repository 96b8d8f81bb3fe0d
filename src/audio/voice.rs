//! The clips a session speaks and where each is found. A text's voice is found by the hash
//! of its words through [`VoiceStore`]: the clinic's recording, then a clip made here by the
//! synthetic voice, then the bundled one, so a prompt the clinic wrote is spoken exactly as
//! a bundled one. A step's `audio:` recording is read from the data folder's `recordings/`
//! or from `assets/`; any other file (a patient's voice note played back) is named as it is.

use std::path::{Path, PathBuf};

use kira::Frame;
use kira::sound::static_sound::{StaticSoundData, StaticSoundSettings};

use crate::script::{Session, Step};
use crate::voice::wav::read_mono;
use crate::voice::{VoiceStore, session_texts, voice_key};

/// A sound the narration track plays.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Clip {
    /// The voice of a text, by its [`voice_key`].
    Voice {
        /// The key of the words.
        key: String,
    },
    /// A narration or closing step's `audio:` recording, as the script names it.
    Recording(String),
    /// Any other sound file.
    File(PathBuf),
}

impl Clip {
    /// The voice of `text`.
    pub fn voice(text: &str) -> Self {
        Self::Voice {
            key: voice_key(text),
        }
    }

    /// The file that plays it, when there is one.
    pub fn path(&self, store: &VoiceStore) -> Option<PathBuf> {
        match self {
            Self::Voice { key } => store.find_key(key).1,
            Self::Recording(audio) => Some(store.recording(audio)),
            Self::File(path) => Some(path.clone()),
        }
    }
}

/// The sound in the file at `path`, ready to play. WAV files (the clinic's takes, the clips
/// made here, a patient's voice notes) are read as mono by hound, whatever their sample
/// format; other files (the bundled Ogg clips) by kira.
pub fn read_sound(path: &Path) -> Result<StaticSoundData, String> {
    let is_wav = path
        .extension()
        .is_some_and(|extension| extension.eq_ignore_ascii_case("wav"));
    if is_wav {
        read_mono(path)
            .map(|sound| StaticSoundData {
                sample_rate: sound.rate,
                frames: sound.samples.into_iter().map(Frame::from_mono).collect(),
                settings: StaticSoundSettings::default(),
                slice: None,
            })
            .map_err(|error| error.to_string())
    } else {
        StaticSoundData::from_file(path).map_err(|error| error.to_string())
    }
}

/// Every clip `session` plays, once each: its steps' recordings, then the voice of every
/// text it speaks.
pub fn session_clips(session: &Session) -> Vec<Clip> {
    let mut clips: Vec<Clip> = Vec::new();
    let recordings = session.steps.iter().filter_map(|step| match step {
        Step::Narration(narration) => narration.audio.clone(),
        Step::Closing(closing) => closing.audio.clone(),
        _ => None,
    });
    for recording in recordings.map(Clip::Recording) {
        if !clips.contains(&recording) {
            clips.push(recording);
        }
    }
    clips.extend(
        session_texts(session)
            .into_iter()
            .map(|spoken| Clip::Voice { key: spoken.key }),
    );
    clips
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::script::parse_session;
    use crate::script::validate::Context;

    #[test]
    fn a_session_plays_its_recordings_and_the_voice_of_each_text_once() {
        let source = r#"Session(
            format: 1, id: "t", title: "T", phase: Integration,
            environment: "dusk-lake", soundscape: "silence",
            steps: [
                Narration(text: "Welcome.", audio: "recordings/welcome.wav", duration: "5s"),
                Narration(text: "Our own words.", duration: "5s"),
                Reflection(prompt: "Our own words."),
                Closing(text: "Thank you.", audio: "recordings/welcome.wav", duration: "5s"),
            ],
        )"#;
        let session = parse_session("t.session.ron", source.as_bytes(), &Context::default())
            .expect("valid")
            .session;
        assert_eq!(
            session_clips(&session),
            [
                Clip::Recording("recordings/welcome.wav".to_owned()),
                Clip::voice("Our own words."),
            ]
        );
    }

    #[test]
    fn a_clip_is_found_in_the_data_folder_before_the_assets() -> std::io::Result<()> {
        let assets = tempfile::tempdir()?;
        let data = tempfile::tempdir()?;
        let store = VoiceStore::new(assets.path(), data.path());
        let clip = Clip::voice("Rest here.");
        assert_eq!(clip.path(&store), None);
        let Clip::Voice { key } = &clip else {
            panic!("a voice clip");
        };
        let synthetic = store.synthetic(key);
        std::fs::create_dir_all(synthetic.parent().unwrap_or(data.path()))?;
        std::fs::write(&synthetic, b"clip")?;
        assert_eq!(clip.path(&store), Some(synthetic));
        assert_eq!(
            Clip::Recording("narration/a.ogg".to_owned()).path(&store),
            Some(assets.path().join("narration/a.ogg"))
        );
        let note = data.path().join("records/note.wav");
        assert_eq!(Clip::File(note.clone()).path(&store), Some(note));
        Ok(())
    }
}
