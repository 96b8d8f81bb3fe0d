//! Sound in: the microphone on machines that have one, or a WAV file that stands in for it
//! (the tests, `simulate`, and machines without a capture device). Everything that records
//! (the clinic's takes in the Voice window, a patient's voice notes) pulls mono samples from
//! the one [`SoundIn`] resource, whichever source is behind it.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::thread::JoinHandle;

use bevy::prelude::*;
use cpal::traits::{DeviceTrait, HostTrait, StreamTrait};

use crate::voice::wav::{MonoSound, read_mono};

/// Why sound cannot be captured.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CaptureError {
    /// The machine has no capture device.
    #[error("no microphone is connected")]
    NoDevice,
    /// The device is there but would not open.
    #[error("the microphone {device} could not be opened: {reason}")]
    Unusable {
        /// The device's name.
        device: String,
        /// What the sound system said.
        reason: String,
    },
}

/// A source of mono sound: started, pulled while it runs, stopped.
pub trait SoundSource: Send + Sync + 'static {
    /// The source in a few words, e.g. the microphone's name.
    fn name(&self) -> String;
    /// Starts capturing; returns the sample rate of what [`SoundSource::pull`] gives.
    fn start(&mut self) -> Result<u32, CaptureError>;
    /// The samples captured since the last pull. `seconds` is the time that has passed
    /// (a live device gives what it captured meanwhile, a file gives that much of itself).
    fn pull(&mut self, seconds: f64) -> Vec<f32>;
    /// Stops capturing (the device is closed until the next start).
    fn stop(&mut self);
}

/// A WAV file played into the recorder as if spoken live, then silence.
pub struct WavSource {
    name: String,
    sound: MonoSound,
    position: usize,
    owed: f64,
}

impl WavSource {
    /// The source that speaks the WAV file at `path`.
    pub fn open(path: &Path) -> Result<Self, hound::Error> {
        Ok(Self::new(&path.display().to_string(), read_mono(path)?))
    }

    /// The source that speaks `sound`, named `name`.
    pub fn new(name: &str, sound: MonoSound) -> Self {
        Self {
            name: name.to_owned(),
            sound,
            position: 0,
            owed: 0.0,
        }
    }
}

impl SoundSource for WavSource {
    fn name(&self) -> String {
        format!("the sound file {}", self.name)
    }

    fn start(&mut self) -> Result<u32, CaptureError> {
        self.position = 0;
        self.owed = 0.0;
        Ok(self.sound.rate.max(1))
    }

    fn pull(&mut self, seconds: f64) -> Vec<f32> {
        self.owed += seconds.max(0.0) * f64::from(self.sound.rate);
        let count = self.owed.floor() as usize;
        self.owed -= count as f64;
        let end = self.position + count;
        let samples = (self.position..end)
            .map(|index| self.sound.samples.get(index).copied().unwrap_or(0.0))
            .collect();
        self.position = end;
        samples
    }

    fn stop(&mut self) {}
}

/// The system's default capture device, through cpal. The stream runs on a thread of its
/// own and hands its samples over a channel; it is open only between start and stop.
pub struct Microphone {
    device: String,
    running: Option<RunningCapture>,
}

struct RunningCapture {
    samples: Mutex<mpsc::Receiver<Vec<f32>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Microphone {
    /// The default capture device, if the machine has one.
    pub fn default_device() -> Result<Self, CaptureError> {
        let device = cpal::default_host()
            .default_input_device()
            .filter(captures_sound)
            .ok_or(CaptureError::NoDevice)?;
        Ok(Self {
            device: device.to_string(),
            running: None,
        })
    }
}

/// The names of the machine's capture devices (empty when it has none).
pub fn input_devices() -> Vec<String> {
    cpal::default_host()
        .input_devices()
        .map(|devices| {
            devices
                .filter(captures_sound)
                .map(|device| device.to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// True for a device that can capture sound: not ALSA's `null` device (which every Linux
/// machine lists and which only ever gives silence), and one that offers a way to record
/// (ALSA names a `default` device even on a machine with no sound card at all).
fn captures_sound(device: &cpal::Device) -> bool {
    let is_null = device.id().is_ok_and(|id| id.id() == "null");
    !is_null && device.default_input_config().is_ok()
}

impl SoundSource for Microphone {
    fn name(&self) -> String {
        format!("the microphone {}", self.device)
    }

    fn start(&mut self) -> Result<u32, CaptureError> {
        self.stop();
        let (samples_in, samples) = mpsc::channel();
        let (opened_in, opened) = mpsc::sync_channel(1);
        let stop = Arc::new(AtomicBool::new(false));
        let stop_seen = Arc::clone(&stop);
        let thread = std::thread::Builder::new()
            .name("microphone".into())
            .spawn(move || capture_until_stopped(samples_in, opened_in, stop_seen))
            .map_err(|error| self.unusable(error))?;
        let rate = opened
            .recv()
            .map_err(|error| self.unusable(error))?
            .map_err(|reason| CaptureError::Unusable {
                device: self.device.clone(),
                reason,
            })?;
        self.running = Some(RunningCapture {
            samples: Mutex::new(samples),
            stop,
            thread: Some(thread),
        });
        Ok(rate)
    }

    fn pull(&mut self, _seconds: f64) -> Vec<f32> {
        self.running
            .as_ref()
            .and_then(|running| running.samples.lock().ok())
            .map(|samples| samples.try_iter().flatten().collect())
            .unwrap_or_default()
    }

    fn stop(&mut self) {
        if let Some(mut running) = self.running.take() {
            running.stop.store(true, Ordering::Relaxed);
            if let Some(thread) = running.thread.take() {
                let _ = thread.join();
            }
        }
    }
}

impl Microphone {
    fn unusable(&self, error: impl std::fmt::Display) -> CaptureError {
        CaptureError::Unusable {
            device: self.device.clone(),
            reason: error.to_string(),
        }
    }
}

impl Drop for Microphone {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The microphone thread: opens the default input, says its rate (or why not), and sends
/// mono blocks until told to stop.
fn capture_until_stopped(
    samples: mpsc::Sender<Vec<f32>>,
    opened: mpsc::SyncSender<Result<u32, String>>,
    stop: Arc<AtomicBool>,
) {
    let stream = match open_stream(samples) {
        Ok((stream, rate)) => {
            let _ = opened.send(Ok(rate));
            stream
        }
        Err(reason) => {
            let _ = opened.send(Err(reason));
            return;
        }
    };
    while !stop.load(Ordering::Relaxed) {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    drop(stream);
}

fn open_stream(samples: mpsc::Sender<Vec<f32>>) -> Result<(cpal::Stream, u32), String> {
    let device = cpal::default_host()
        .default_input_device()
        .ok_or_else(|| CaptureError::NoDevice.to_string())?;
    let config = device
        .default_input_config()
        .map_err(|error| error.to_string())?;
    let channels = usize::from(config.channels().max(1));
    let rate = config.sample_rate();
    let on_error = |error: cpal::Error| warn!("the microphone stopped sending sound: {error}");
    let stream = match config.sample_format() {
        cpal::SampleFormat::F32 => device.build_input_stream(
            config.config(),
            move |data: &[f32], _: &_| {
                let _ = samples.send(to_mono(data, channels, |sample| sample));
            },
            on_error,
            None,
        ),
        cpal::SampleFormat::I16 => device.build_input_stream(
            config.config(),
            move |data: &[i16], _: &_| {
                let _ = samples.send(to_mono(data, channels, |sample| {
                    f32::from(sample) / f32::from(i16::MAX)
                }));
            },
            on_error,
            None,
        ),
        cpal::SampleFormat::I32 => device.build_input_stream(
            config.config(),
            move |data: &[i32], _: &_| {
                let _ = samples.send(to_mono(data, channels, |sample| {
                    sample as f32 / i32::MAX as f32
                }));
            },
            on_error,
            None,
        ),
        other => {
            return Err(format!(
                "its sample format {other} is not one Stillpoint reads"
            ));
        }
    }
    .map_err(|error| error.to_string())?;
    stream.play().map_err(|error| error.to_string())?;
    Ok((stream, rate))
}

/// Interleaved frames of `channels` as mono samples.
fn to_mono<T: Copy>(data: &[T], channels: usize, value: impl Fn(T) -> f32) -> Vec<f32> {
    data.chunks(channels)
        .map(|frame| frame.iter().map(|&sample| value(sample)).sum::<f32>() / frame.len() as f32)
        .collect()
}

/// What the app captures sound from, if anything, and whether it can.
#[derive(Resource)]
pub struct SoundIn {
    source: Option<Box<dyn SoundSource>>,
    /// Why there is no source, in one sentence for the therapist; `None` when there is one.
    pub missing: Option<String>,
}

impl SoundIn {
    /// Captures from `source`.
    pub fn from_source(source: impl SoundSource) -> Self {
        Self {
            source: Some(Box::new(source)),
            missing: None,
        }
    }

    /// Nothing to capture from, and why.
    pub fn none(reason: impl Into<String>) -> Self {
        Self {
            source: None,
            missing: Some(reason.into()),
        }
    }

    /// The default microphone, or none with the reason in one sentence.
    pub fn default_microphone() -> Self {
        match Microphone::default_device() {
            Ok(microphone) => Self::from_source(microphone),
            Err(error) => Self::none(format!(
                "No microphone: {error}, so voice recording and voice notes are off."
            )),
        }
    }

    /// The source, when there is one.
    pub fn source(&mut self) -> Option<&mut (dyn SoundSource + 'static)> {
        self.source.as_deref_mut()
    }

    /// The source's name, or the reason there is none.
    pub fn describe(&self) -> String {
        match (&self.source, &self.missing) {
            (Some(source), _) => source.name(),
            (None, Some(reason)) => reason.clone(),
            (None, None) => "no microphone".to_owned(),
        }
    }
}

/// Puts the default microphone behind [`SoundIn`], unless a source is already there (a WAV
/// file given on the command line, or a test's). Says once when there is none.
pub fn plugin(app: &mut App) {
    if !app.world().contains_resource::<SoundIn>() {
        let sound_in = SoundIn::default_microphone();
        if let Some(reason) = &sound_in.missing {
            info!("{reason}");
        }
        app.insert_resource(sound_in);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wav_source_gives_as_much_of_itself_as_time_has_passed_then_silence() {
        let sound = MonoSound {
            samples: vec![0.5; 1000],
            rate: 1000,
        };
        let mut source = WavSource::new("test.wav", sound);
        assert_eq!(source.start(), Ok(1000));
        let first = source.pull(0.25);
        assert_eq!(first.len(), 250);
        assert!(first.iter().all(|&sample| sample == 0.5));
        // A fraction of a sample is owed, not lost.
        let small: usize = (0..4).map(|_| source.pull(0.0005).len()).sum();
        assert_eq!(small, 2);
        let rest = source.pull(1.0);
        assert_eq!(rest.len(), 1000);
        assert_eq!(rest.iter().filter(|&&sample| sample == 0.5).count(), 748);
        assert!(rest[748..].iter().all(|&sample| sample == 0.0));
        // Starting again speaks the file from its beginning.
        source.start().ok();
        assert_eq!(source.pull(0.001), vec![0.5]);
    }

    #[test]
    fn interleaved_frames_are_averaged_to_mono() {
        let mono = to_mono(&[1.0_f32, 0.0, 0.5, 0.5, -1.0, 1.0], 2, |sample| sample);
        assert_eq!(mono, vec![0.5, 0.5, 0.0]);
    }

    #[test]
    fn without_a_source_the_reason_is_said() {
        let mut sound_in = SoundIn::none("No microphone: none is connected.");
        assert!(sound_in.source().is_none());
        assert_eq!(sound_in.describe(), "No microphone: none is connected.");
    }
}
