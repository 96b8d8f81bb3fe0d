//! Stillpoint's sound, built on kira: soundscapes synthesized as they play, breathing cues
//! that follow the pacer, recorded narration and the voice of every text (found through
//! [`crate::voice::VoiceStore`]) that dips the soundscape while it speaks, and
//! the therapist's volumes under a master cap from the settings.
//!
//! [`score::Score`] says what should sound at a moment of the session (a pure function of
//! the runtime); [`conductor::Conductor`] makes a kira mix sound that way. The live app
//! plays it on the sound card ([`plugin`]); `export-audio` renders the same mix offline
//! ([`export`]). Without a sound card the app runs on silently and says so once.

pub mod capture;
pub mod conductor;
pub mod cues;
pub mod dsp;
pub mod export;
pub mod open_air;
pub mod preview;
pub mod score;
pub mod soundscapes;
pub mod synth;
pub mod voice;
pub mod voice_note;

use std::sync::Arc;

use bevy::prelude::*;
use kira::backend::DefaultBackend;

use crate::AppSystems;
use crate::config::{Paths, Settings};
use crate::script::SessionScript;
use crate::session::{ReadyScript, SessionRuntime, Volumes};
use crate::voice::{VoiceRevision, VoiceStore};
use conductor::Conductor;
use score::Score;

/// Whether sound is reaching the patient, for the log and the therapist's panel.
#[derive(Resource, Debug, Clone, PartialEq, Eq)]
pub enum AudioStatus {
    /// Playing on the system's default output device.
    Playing,
    /// No sound: the reason, said once.
    Silent(String),
}

/// The live mix on the sound card (kira's streams stay on the main thread).
struct LiveMix {
    conductor: Conductor<DefaultBackend>,
    prepared: Option<Arc<SessionScript>>,
    /// The data folder's clips the session's clips were loaded from.
    revision: VoiceRevision,
}

/// Plays the session's sound on the default output device, or runs on silently without one.
/// Needs [`Settings`] and [`Paths`] as resources; the session's clips are loaded again when
/// [`VoiceRevision`] changes.
pub fn plugin(app: &mut App) {
    app.init_resource::<VoiceRevision>()
        .add_plugins(preview::plugin)
        .add_systems(Startup, open_output)
        .add_systems(Update, conduct.in_set(AppSystems::Present));
}

fn open_output(world: &mut World) {
    let settings = world.resource::<Settings>();
    let (audio, data_root) = (settings.audio, settings.data_root());
    let store = VoiceStore::new(&world.resource::<Paths>().assets, &data_root);
    let status = match Conductor::<DefaultBackend>::new(Default::default(), audio, store) {
        Ok(conductor) => {
            info!("sound is playing on the default output device");
            world.insert_non_send(LiveMix {
                conductor,
                prepared: None,
                revision: VoiceRevision::default(),
            });
            AudioStatus::Playing
        }
        Err(error) => {
            let reason = format!("no sound: no audio output device is available ({error})");
            warn!("{reason}; Stillpoint runs on without sound, captions show as usual");
            AudioStatus::Silent(reason)
        }
    };
    world.insert_resource(status);
}

/// Makes the sound follow the session, each frame.
fn conduct(
    mix: Option<NonSendMut<LiveMix>>,
    prepared: Res<ReadyScript>,
    runtime: Res<SessionRuntime>,
    volumes: Res<Volumes>,
    revision: Res<VoiceRevision>,
) {
    let Some(mut mix) = mix else { return };
    let script = prepared.0.clone();
    let changed = match (&mix.prepared, &script) {
        (Some(before), Some(now)) => !Arc::ptr_eq(before, now) || mix.revision != *revision,
        (None, Some(_)) => true,
        _ => false,
    };
    if changed && let Some(script) = script {
        mix.revision = *revision;
        mix.conductor.prepare(&script.session);
        mix.prepared = Some(script);
    }
    mix.conductor.update(&Score::of(&runtime), &volumes);
}
