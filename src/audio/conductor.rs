//! The mix: kira tracks for narration, soundscape and cues under a capped master, and the
//! conductor that makes them sound the way the [`Score`] says. It works with any kira
//! backend: the sound card in the app, the offline renderer for export and tests.

use std::collections::HashMap;
use std::time::Duration;

use bevy::log::{info, warn};
use kira::backend::Backend;
use kira::sound::static_sound::{StaticSoundData, StaticSoundHandle};
use kira::track::{MainTrackBuilder, TrackBuilder, TrackHandle};
use kira::{AudioManager, AudioManagerSettings, Capacities, Decibels, Easing, StartTime, Tween};

use super::cues::BreathTone;
use super::score::{OWN_VOICE_PART, Score, SpokenLine};
use super::soundscapes::soundscape;
use super::synth::{Synth, SynthHandle};
use super::voice::{Clip, read_sound, session_clips};
use crate::config::AudioSettings;
use crate::script::Session;
use crate::session::Volumes;
use crate::voice::VoiceStore;

/// Seconds the whole mix takes to rise from silence when sound starts.
pub const MASTER_FADE_IN_SECS: f32 = 3.0;
/// Seconds a soundscape takes to fade in when the session starts.
const SOUNDSCAPE_FADE_IN_SECS: f32 = 4.0;
/// Seconds one soundscape takes to give way to another (Calm and back, a rest's own sound).
const SOUNDSCAPE_CROSSFADE_SECS: f32 = 1.5;
/// How far the soundscape dips while the voice speaks, in decibels.
const DUCK_DB: f32 = -9.0;
/// Seconds the dip takes to go down, and to come back up after the voice.
const DUCK_DOWN_SECS: f32 = 0.6;
const DUCK_UP_SECS: f32 = 1.8;
/// Seconds a volume change from the panel takes.
const VOLUME_SECS: f32 = 0.25;
/// Seconds the voice takes to pause, resume or stop.
const VOICE_FADE_SECS: f32 = 0.4;
/// Seconds a cue takes to fade when the breath is interrupted (pause, Calm, skip).
const CUE_STOP_SECS: f32 = 0.35;

/// A volume of 0..1 in decibels (0 becomes kira's silence).
pub fn decibels(amplitude: f32) -> Decibels {
    if amplitude <= 0.001 {
        Decibels::SILENCE
    } else {
        Decibels((20.0 * amplitude.log10()).max(Decibels::SILENCE.0))
    }
}

fn tween(secs: f32) -> Tween {
    Tween {
        start_time: StartTime::Immediate,
        duration: Duration::from_secs_f32(secs.max(0.0)),
        easing: Easing::Linear,
    }
}

/// The voice that is speaking now.
struct PlayingLine {
    step: usize,
    part: usize,
    clip: Clip,
    handle: StaticSoundHandle,
    paused: bool,
    last_at: f64,
}

/// What the conductor has told the tracks, so it only sends changes.
#[derive(Clone, Copy, Debug, PartialEq)]
struct TrackLevels {
    master: f32,
    narration: f32,
    soundscape: f32,
    cues: f32,
}

/// Plays a [`Score`] through kira.
pub struct Conductor<B: Backend> {
    manager: AudioManager<B>,
    narration: TrackHandle,
    soundscape: TrackHandle,
    cues: TrackHandle,
    store: VoiceStore,
    settings: AudioSettings,
    clips: HashMap<Clip, Option<StaticSoundData>>,
    playing_soundscape: Option<(String, SynthHandle)>,
    speaking: Option<PlayingLine>,
    cue: Option<((usize, u32, super::cues::CueDirection), SynthHandle)>,
    levels: Option<TrackLevels>,
}

impl<B: Backend> Conductor<B> {
    /// Opens the backend and sets up the mix, starting silent and rising to the master
    /// level over [`MASTER_FADE_IN_SECS`]. Clips are found through `store`.
    pub fn new(
        backend_settings: B::Settings,
        settings: AudioSettings,
        store: VoiceStore,
    ) -> Result<Self, String>
    where
        B::Error: std::fmt::Display,
    {
        let mut manager = AudioManager::<B>::new(AudioManagerSettings {
            capacities: Capacities::default(),
            main_track_builder: MainTrackBuilder::new().volume(Decibels::SILENCE),
            internal_buffer_size: 128,
            backend_settings,
        })
        .map_err(|error| error.to_string())?;
        let mut track = |name: &str| {
            manager
                .add_sub_track(TrackBuilder::new().volume(Decibels::SILENCE))
                .map_err(|error| format!("cannot make the {name} track: {error}"))
        };
        let narration = track("narration")?;
        let soundscape = track("soundscape")?;
        let cues = track("cues")?;
        Ok(Self {
            manager,
            narration,
            soundscape,
            cues,
            store,
            settings,
            clips: HashMap::new(),
            playing_soundscape: None,
            speaking: None,
            cue: None,
            levels: None,
        })
    }

    /// The backend, e.g. to render offline.
    pub fn backend_mut(&mut self) -> &mut B {
        self.manager.backend_mut()
    }

    /// Loads the session's recordings and the voice of its texts ahead of time (again, after
    /// the script is edited or the data folder's clips change). A recording the script names
    /// that cannot be played is said once; texts without a voice (words a clinic wrote or
    /// changed) are counted in one line. Either way the caption shows alone.
    pub fn prepare(&mut self, session: &Session) {
        self.clips.clear();
        let mut unvoiced = 0;
        for clip in session_clips(session) {
            let loaded = self.load(&clip);
            unvoiced += usize::from(matches!(clip, Clip::Voice { .. }) && loaded.is_none());
            self.clips.insert(clip, loaded);
        }
        if unvoiced > 0 {
            info!(
                "{unvoiced} text(s) of \"{}\" have no voice; they show as captions only \
                 (`stillpoint voice make` makes their clips, or the clinic records them)",
                session.id
            );
        }
    }

    /// The sound of `clip`, when it has a file that plays; a file that cannot be played is
    /// said once.
    fn load(&self, clip: &Clip) -> Option<StaticSoundData> {
        let path = clip.path(&self.store)?;
        let loaded = read_sound(&path);
        loaded
            .map_err(|error| {
                warn!(
                    "the sound {} cannot be played ({error}); its caption shows without sound",
                    path.display()
                );
            })
            .ok()
    }

    /// Makes the mix sound like `score` at the therapist's `volumes`.
    pub fn update(&mut self, score: &Score, volumes: &Volumes) {
        self.follow_soundscape(score);
        self.follow_narration(score.narration.as_ref());
        self.follow_cue(score);
        let voice_speaks = score
            .narration
            .as_ref()
            .is_some_and(|line| line.playing && self.clip_covers(line));
        self.set_levels(volumes, voice_speaks, score.closing_fade);
    }

    fn clip_covers(&self, line: &SpokenLine) -> bool {
        self.clips
            .get(&line.clip)
            .and_then(Option::as_ref)
            .is_some_and(|data| line.at < data.duration().as_secs_f64())
    }

    fn follow_soundscape(&mut self, score: &Score) {
        let current = self.playing_soundscape.as_ref().map(|(id, _)| id.as_str());
        if current == score.soundscape.as_deref() {
            return;
        }
        let first = self.playing_soundscape.is_none();
        if let Some((_, handle)) = self.playing_soundscape.take() {
            handle.stop(SOUNDSCAPE_CROSSFADE_SECS);
        }
        let Some(id) = &score.soundscape else { return };
        let Some(generator) = soundscape(id) else {
            return;
        };
        let fade = if first {
            SOUNDSCAPE_FADE_IN_SECS
        } else {
            SOUNDSCAPE_CROSSFADE_SECS
        };
        match self.soundscape.play(Synth::new(generator, 1.0, fade)) {
            Ok(handle) => self.playing_soundscape = Some((id.clone(), handle)),
            Err(error) => warn!("the soundscape {id} cannot play: {error}"),
        }
    }

    fn follow_narration(&mut self, line: Option<&SpokenLine>) {
        let same = |playing: &PlayingLine, line: &SpokenLine| {
            playing.step == line.step
                && playing.part == line.part
                && playing.clip == line.clip
                && line.at + 0.25 >= playing.last_at
        };
        if let Some(playing) = &mut self.speaking {
            match line {
                Some(line) if same(playing, line) => {
                    playing.last_at = line.at;
                    if playing.paused && line.playing {
                        playing.handle.resume(tween(VOICE_FADE_SECS));
                        playing.paused = false;
                    } else if !playing.paused && !line.playing {
                        playing.handle.pause(tween(VOICE_FADE_SECS));
                        playing.paused = true;
                    }
                    return;
                }
                _ => {
                    playing.handle.stop(tween(VOICE_FADE_SECS));
                    if playing.part == OWN_VOICE_PART {
                        // A take recorded again is saved under the same name: read it anew.
                        self.clips.remove(&playing.clip);
                    }
                    self.speaking = None;
                }
            }
        }
        let Some(line) = line else { return };
        if !self.clips.contains_key(&line.clip) {
            // A clip the session's steps do not name (a voice note played back) loads when
            // it is first wanted.
            let loaded = self.load(&line.clip);
            self.clips.insert(line.clip.clone(), loaded);
        }
        let Some(Some(data)) = self.clips.get(&line.clip) else {
            return;
        };
        if !line.playing || line.at >= data.duration().as_secs_f64() {
            return;
        }
        // From the start the voice begins at once; joining part-way it fades in.
        let fade = if line.at < 0.1 { 0.02 } else { VOICE_FADE_SECS };
        let data = data.start_position(line.at).fade_in_tween(tween(fade));
        match self.narration.play(data) {
            Ok(handle) => {
                self.speaking = Some(PlayingLine {
                    step: line.step,
                    part: line.part,
                    clip: line.clip.clone(),
                    handle,
                    paused: false,
                    last_at: line.at,
                });
            }
            Err(error) => warn!("the sound {:?} cannot play: {error}", line.clip),
        }
    }

    fn follow_cue(&mut self, score: &Score) {
        let wanted = score.cue.as_ref();
        if self.cue.as_ref().map(|(key, _)| *key) == wanted.map(|cue| cue.key()) {
            return;
        }
        if let Some((_, handle)) = self.cue.take() {
            handle.stop(CUE_STOP_SECS);
        }
        let Some(cue) = wanted else { return };
        let tone = BreathTone::new(cue.direction, cue.length as f32, cue.at as f32);
        // A tone that starts with its breath opens by itself; joined part-way it fades in.
        let fade = if cue.at < 0.05 { 0.0 } else { VOICE_FADE_SECS };
        match self.cues.play(Synth::new(tone, 1.0, fade)) {
            Ok(handle) => self.cue = Some((cue.key(), handle)),
            Err(error) => warn!("a breathing cue cannot play: {error}"),
        }
    }

    fn set_levels(&mut self, volumes: &Volumes, voice_speaks: bool, closing_fade: f32) {
        let duck = if voice_speaks { DUCK_DB } else { 0.0 };
        let wanted = TrackLevels {
            master: volumes.master.min(self.settings.master_cap),
            narration: volumes.narration,
            soundscape: decibels(volumes.soundscape * (1.0 - closing_fade)).0 + duck,
            cues: volumes.cues,
        };
        let Some(before) = self.levels else {
            // The first levels: everything rises gently from silence.
            self.manager
                .main_track()
                .set_volume(decibels(wanted.master), tween(MASTER_FADE_IN_SECS));
            self.narration
                .set_volume(decibels(wanted.narration), tween(0.0));
            self.soundscape
                .set_volume(Decibels(wanted.soundscape), tween(0.0));
            self.cues.set_volume(decibels(wanted.cues), tween(0.0));
            self.levels = Some(wanted);
            return;
        };
        if (before.master - wanted.master).abs() > 1e-4 {
            self.manager
                .main_track()
                .set_volume(decibels(wanted.master), tween(VOLUME_SECS));
        }
        if (before.narration - wanted.narration).abs() > 1e-4 {
            self.narration
                .set_volume(decibels(wanted.narration), tween(VOLUME_SECS));
        }
        if (before.cues - wanted.cues).abs() > 1e-4 {
            self.cues
                .set_volume(decibels(wanted.cues), tween(VOLUME_SECS));
        }
        // Closing fades move a little every frame: only changes of a tenth of a decibel
        // are sent; smaller ones wait until they add up.
        let change = wanted.soundscape - before.soundscape;
        let soundscape = if change.abs() > 0.1 {
            let secs = if voice_speaks && change < 0.0 {
                DUCK_DOWN_SECS
            } else if change > -DUCK_DB * 0.5 {
                DUCK_UP_SECS
            } else {
                VOLUME_SECS
            };
            self.soundscape
                .set_volume(Decibels(wanted.soundscape), tween(secs));
            wanted.soundscape
        } else {
            before.soundscape
        };
        self.levels = Some(TrackLevels {
            soundscape,
            ..wanted
        });
    }
}
