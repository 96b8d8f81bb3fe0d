//! Listening to a voice clip from the panel: the clip is read off the frame (on the I/O task
//! pool) and played once on the default output, beside the session's own mix. A new clip
//! stops the one playing; without an output the reason is said in the panel.

use std::path::PathBuf;

use bevy::prelude::*;
use bevy::tasks::futures::check_ready;
use bevy::tasks::{IoTaskPool, Task};
use kira::backend::DefaultBackend;
use kira::sound::static_sound::{StaticSoundData, StaticSoundHandle};
use kira::{AudioManager, AudioManagerSettings, Tween};

use super::voice::read_sound;
use crate::AppSystems;

/// Play this clip to the therapist (`None`: stop the one playing).
#[derive(Message, Debug, Clone, PartialEq, Eq)]
pub struct PreviewVoice(pub Option<PathBuf>);

/// What the preview is doing, for the panel.
#[derive(Resource, Debug, Default, Clone, PartialEq, Eq)]
pub struct PreviewStatus {
    /// The clip being read or played.
    pub playing: Option<PathBuf>,
    /// Why the last clip could not be played.
    pub problem: Option<String>,
}

/// The preview's own output (opened at the first Listen) and the clip being read.
#[derive(Default)]
struct PreviewOutput {
    manager: Option<AudioManager<DefaultBackend>>,
    playing: Option<StaticSoundHandle>,
    reading: Option<(PathBuf, Task<Result<StaticSoundData, String>>)>,
}

/// Plays the clips the panel asks to hear.
pub fn plugin(app: &mut App) {
    app.add_message::<PreviewVoice>()
        .init_resource::<PreviewStatus>()
        .insert_non_send(PreviewOutput::default())
        .add_systems(Update, preview.in_set(AppSystems::Present));
}

fn preview(
    mut asked: MessageReader<PreviewVoice>,
    mut output: NonSendMut<PreviewOutput>,
    mut status: ResMut<PreviewStatus>,
) {
    for PreviewVoice(clip) in asked.read() {
        if let Some(mut playing) = output.playing.take() {
            playing.stop(Tween::default());
        }
        output.reading = clip.clone().map(|path| {
            let file = path.clone();
            let task = IoTaskPool::get().spawn(async move { read_sound(&file) });
            (path, task)
        });
        status.playing.clone_from(clip);
        status.problem = None;
    }
    if let Some((path, task)) = &mut output.reading
        && let Some(read) = check_ready(task)
    {
        let path = path.clone();
        output.reading = None;
        match read.and_then(|clip| play(&mut output, clip)) {
            Ok(handle) => output.playing = Some(handle),
            Err(problem) => {
                status.problem = Some(format!("{} cannot be played: {problem}", path.display()));
                status.playing = None;
            }
        }
    }
    let finished = output
        .playing
        .as_ref()
        .is_some_and(|handle| handle.state() == kira::sound::PlaybackState::Stopped);
    if finished {
        output.playing = None;
        status.playing = None;
    }
}

fn play(output: &mut PreviewOutput, clip: StaticSoundData) -> Result<StaticSoundHandle, String> {
    if output.manager.is_none() {
        let manager = AudioManager::<DefaultBackend>::new(AudioManagerSettings::default())
            .map_err(|error| format!("no audio output device is available ({error})"))?;
        output.manager = Some(manager);
    }
    output
        .manager
        .as_mut()
        .ok_or_else(|| "no audio output device is available".to_owned())?
        .play(clip)
        .map_err(|error| error.to_string())
}
