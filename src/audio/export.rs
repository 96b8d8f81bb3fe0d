//! Rendering a session's sound offline: `stillpoint export-audio`. The session runs through
//! the real runtime in simulated time while the same conductor and mix as the live app
//! render into a WAV file, far faster than real time, for practising at home.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use kira::backend::{Backend, Renderer};

use super::conductor::Conductor;
use super::score::Score;
use crate::config::AudioSettings;
use crate::exercises::Status;
use crate::script::{SessionScript, Step};
use crate::session::preview::{PREVIEW_PATIENT, ThrowawayRecord};
use crate::session::{SessionAction, SessionRuntime, SessionState, Volumes};
use crate::voice::VoiceStore;

/// Session steps advance this many times a second while rendering (cues start within
/// this much of their breath).
const TICKS_PER_SECOND: u32 = 100;

/// A kira backend with no device: the caller pulls audio from it with [`Self::render`].
/// Used for export and by tests.
#[derive(Default)]
pub struct OfflineBackend {
    renderer: Option<Renderer>,
}

/// Settings of the [`OfflineBackend`].
#[derive(Debug, Clone, Copy)]
pub struct OfflineSettings {
    /// Frames per second to render.
    pub sample_rate: u32,
}

impl Backend for OfflineBackend {
    type Settings = OfflineSettings;
    type Error = std::convert::Infallible;

    fn setup(settings: OfflineSettings, _buffer: usize) -> Result<(Self, u32), Self::Error> {
        Ok((Self::default(), settings.sample_rate))
    }

    fn start(&mut self, renderer: Renderer) -> Result<(), Self::Error> {
        self.renderer = Some(renderer);
        Ok(())
    }
}

impl OfflineBackend {
    /// Renders interleaved stereo into `out` (silence if the mix has not started).
    pub fn render(&mut self, out: &mut [f32]) {
        match &mut self.renderer {
            Some(renderer) => {
                renderer.on_start_processing();
                renderer.process(out, 2);
            }
            None => out.fill(0.0),
        }
    }
}

/// What an export produced.
#[derive(Debug, Clone, PartialEq)]
pub struct Exported {
    /// Seconds of sound.
    pub secs: f64,
    /// The loudest sample, 0..1 of full scale.
    pub peak: f32,
}

/// How steps that wait for a person are given a length in an export: the same expected
/// lengths `stillpoint list` plans with, after which the session moves on.
fn hold_is_over(runtime: &SessionRuntime) -> bool {
    let Some(step) = runtime.step() else {
        return false;
    };
    let waits = matches!(
        step,
        Step::CheckIn(_) | Step::Intention(_) | Step::WaitForTherapist(_)
    ) || runtime
        .view()
        .is_some_and(|view| view.status == Status::Holding);
    waits && runtime.step_secs() >= step.expected_secs() - 1e-6
}

/// Renders the whole of `script` at `sample_rate` into `samples` (interleaved stereo),
/// calling `sink` with each block. Clips are found through `store`, as in the app. The
/// record of the run goes into a temporary folder.
pub fn render_session(
    script: SessionScript,
    settings: AudioSettings,
    store: &VoiceStore,
    sample_rate: u32,
    mut sink: impl FnMut(&[f32]) -> Result<(), String>,
) -> Result<Exported, String> {
    let mut conductor =
        Conductor::<OfflineBackend>::new(OfflineSettings { sample_rate }, settings, store.clone())?;
    conductor.prepare(&script.session);
    let volumes = Volumes::starting(&settings);
    let record = ThrowawayRecord::new("export.jsonl")?;
    let mut runtime = SessionRuntime::default();
    runtime.start(Arc::new(script), PREVIEW_PATIENT, record.path());
    let tick = Duration::from_secs_f64(1.0 / f64::from(TICKS_PER_SECOND));
    let frames_per_tick = (sample_rate / TICKS_PER_SECOND) as usize;
    let mut block = vec![0.0f32; frames_per_tick * 2];
    let mut peak = 0.0f32;
    let mut ticks = 0u64;
    // After the session ends, the last sounds ring out for a few seconds.
    let mut tail_ticks = u64::from(TICKS_PER_SECOND) * 4;
    while tail_ticks > 0 {
        if runtime.state() == SessionState::Finished {
            tail_ticks -= 1;
        } else if hold_is_over(&runtime) {
            runtime.apply(&SessionAction::Next, &mut Volumes::default());
        }
        conductor.update(&Score::of(&runtime), &volumes);
        conductor.backend_mut().render(&mut block);
        peak = block
            .iter()
            .fold(peak, |peak, sample| peak.max(sample.abs()));
        sink(&block)?;
        runtime.tick(tick);
        ticks += 1;
    }
    Ok(Exported {
        secs: ticks as f64 / f64::from(TICKS_PER_SECOND),
        peak,
    })
}

/// Exports `script`'s sound to a 16-bit stereo WAV file at `path`, its clips found through
/// `store`.
pub fn export_wav(
    script: SessionScript,
    settings: AudioSettings,
    store: &VoiceStore,
    sample_rate: u32,
    path: &Path,
) -> Result<Exported, String> {
    let spec = hound::WavSpec {
        channels: 2,
        sample_rate,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let shown = path.display();
    let mut writer = hound::WavWriter::create(path, spec)
        .map_err(|error| format!("cannot write {shown}: {error}"))?;
    let exported = render_session(script, settings, store, sample_rate, |block| {
        for sample in block {
            let value = (sample.clamp(-1.0, 1.0) * f32::from(i16::MAX)).round() as i16;
            writer
                .write_sample(value)
                .map_err(|error| format!("cannot write {shown}: {error}"))?;
        }
        Ok(())
    })?;
    writer
        .finalize()
        .map_err(|error| format!("cannot finish {shown}: {error}"))?;
    Ok(exported)
}
