//! A clinic's recorded take made into a clip: refused when it clipped, is too quiet, holds
//! no speech or too little of it; otherwise trimmed of the silence before and after (with a
//! little margin), brought to the bundled voice's speech level, held below -1 dBFS and
//! faded in and out so that it never clicks. Pure functions of the samples: headless.

use super::shape::{peak, rms};
use super::wav::MonoSound;

/// The speech level of the bundled voice clips (`assets/voice/*.ogg`), dBFS: the RMS of
/// their speech, measured over [`FRAME_SECS`] frames as [`speech_level_db`] does (the median
/// of the 25 bundled clips: -18.0; they range from -22.0 to -15.6, peaking at -3). A take
/// is brought to this level, so the clinic's voice sits with the bundled one.
pub const BUNDLED_SPEECH_DBFS: f32 = -18.0;
/// The highest peak a clip may have, dBFS.
pub const PEAK_CEILING_DBFS: f32 = -1.0;
/// Speech quieter than this (dBFS, before shaping) is refused as too quiet.
pub const TOO_QUIET_DBFS: f32 = -50.0;
/// A take whose loudest moment is below this (dBFS) holds no speech at all.
pub const SILENCE_DBFS: f32 = -60.0;
/// The least speech a take must hold, seconds.
pub const MIN_SPEECH_SECS: f64 = 0.3;
/// The length of the frames levels are measured over, seconds.
pub const FRAME_SECS: f64 = 0.05;
/// A frame is speech when it is at most this far (dB) below the loudest frame...
const SPEECH_RANGE_DB: f32 = 40.0;
/// ...and this far (dB) above the quiet of the room (the quietest tenth of the frames)...
const ABOVE_ROOM_DB: f32 = 12.0;
/// ...though a frame this close (dB) to the loudest is always speech (a sound that is
/// nearly all speech has no quiet of the room to measure).
const ALWAYS_SPEECH_DB: f32 = 15.0;
/// The quiet kept before the first and after the last speech, seconds.
const MARGIN_SECS: f64 = 0.1;
/// The fade in and out, seconds.
const FADE_SECS: f64 = 0.02;
/// A sample at or beyond this is at full scale.
const FULL_SCALE: f32 = 0.999;
/// This many consecutive samples at full scale is a clipped take...
const CLIPPED_RUN: usize = 3;
/// ...and so is more than this share of all samples at full scale.
const CLIPPED_SHARE: f64 = 0.0005;
/// How quickly the limiter takes hold, and lets go, seconds.
const LIMIT_ATTACK_SECS: f64 = 0.002;
const LIMIT_RELEASE_SECS: f64 = 0.04;

/// Why a take was not kept, in words for the therapist.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum Refusal {
    /// The take reached full scale: the sound is distorted.
    #[error(
        "it clipped (the sound was too loud for the microphone and is distorted): \
         lower the microphone's level or sit a little further away, and record again"
    )]
    Clipped,
    /// The speech was far quieter than it should be.
    #[error(
        "too quiet: move closer to the microphone or raise its level \
         (speech at {level_db:.0} dBFS, at least {TOO_QUIET_DBFS:.0} is needed)"
    )]
    TooQuiet {
        /// The speech level of the take, dBFS.
        level_db: f32,
    },
    /// Nothing was heard.
    #[error("no speech was heard: check that the right microphone is connected and not muted")]
    NoSpeech,
    /// Too little was said.
    #[error(
        "too short ({seconds:.1} s of speech): say the whole text after the count-in, then Stop"
    )]
    TooShort {
        /// Seconds of speech heard.
        seconds: f64,
    },
}

/// The RMS level of `samples` in dBFS (very quiet or empty: -120).
pub fn level_dbfs(samples: &[f32]) -> f32 {
    to_db(rms(samples))
}

/// The peak of `samples` in dBFS.
pub fn peak_dbfs(samples: &[f32]) -> f32 {
    to_db(peak(samples))
}

fn to_db(amplitude: f32) -> f32 {
    if amplitude <= 1e-6 {
        -120.0
    } else {
        20.0 * amplitude.log10()
    }
}

/// The speech in a sound: its [`FRAME_SECS`] frames that are speech, and their level.
#[derive(Clone, Debug, PartialEq)]
pub struct Speech {
    /// The first and last speech frame (from 0), inclusive.
    pub frames: (usize, usize),
    /// How many frames are speech.
    pub count: usize,
    /// Samples per frame.
    pub frame_len: usize,
    /// The RMS of the speech frames together, dBFS.
    pub level_db: f32,
}

impl Speech {
    /// Seconds of speech.
    pub fn seconds(&self) -> f64 {
        self.count as f64 * FRAME_SECS
    }
}

/// Finds the speech in `sound`: frames no more than 40 dB below the loudest and clearly
/// above the room's quiet (any within 15 dB of the loudest). `None` when the loudest frame is below [`SILENCE_DBFS`].
pub fn find_speech(sound: &MonoSound) -> Option<Speech> {
    let frame_len = ((f64::from(sound.rate) * FRAME_SECS).round() as usize).max(1);
    let levels: Vec<f32> = sound.samples.chunks(frame_len).map(level_dbfs).collect();
    let loudest = levels.iter().copied().fold(f32::MIN, f32::max);
    if levels.is_empty() || loudest < SILENCE_DBFS {
        return None;
    }
    let mut sorted = levels.clone();
    sorted.sort_by(f32::total_cmp);
    let room = sorted[sorted.len() / 10];
    let threshold = (loudest - SPEECH_RANGE_DB)
        .max(room + ABOVE_ROOM_DB)
        .min(loudest - ALWAYS_SPEECH_DB);
    let speech: Vec<usize> = (0..levels.len())
        .filter(|&frame| levels[frame] >= threshold)
        .collect();
    let (&first, &last) = (speech.first()?, speech.last()?);
    let mean_square = speech
        .iter()
        .map(|&frame| {
            let db = f64::from(levels[frame]);
            10f64.powf(db / 10.0)
        })
        .sum::<f64>()
        / speech.len() as f64;
    Some(Speech {
        frames: (first, last),
        count: speech.len(),
        frame_len,
        level_db: (10.0 * mean_square.log10()) as f32,
    })
}

/// The speech level of `sound` in dBFS (see [`find_speech`]), if it holds speech.
pub fn speech_level_db(sound: &MonoSound) -> Option<f32> {
    find_speech(sound).map(|speech| speech.level_db)
}

/// Whether `samples` clipped: a run of [`CLIPPED_RUN`] samples at full scale, or more than
/// 0.05% of them.
pub fn clipped(samples: &[f32]) -> bool {
    let mut run = 0;
    let mut total = 0_usize;
    for &sample in samples {
        if sample.abs() >= FULL_SCALE {
            run += 1;
            total += 1;
            if run >= CLIPPED_RUN {
                return true;
            }
        } else {
            run = 0;
        }
    }
    total as f64 > samples.len() as f64 * CLIPPED_SHARE
}

/// Makes the clip of a raw take, or says why the take cannot be kept.
pub fn shape(raw: &MonoSound) -> Result<MonoSound, Refusal> {
    if clipped(&raw.samples) {
        return Err(Refusal::Clipped);
    }
    let speech = find_speech(raw).ok_or(Refusal::NoSpeech)?;
    if speech.seconds() < MIN_SPEECH_SECS {
        return Err(Refusal::TooShort {
            seconds: speech.seconds(),
        });
    }
    if speech.level_db < TOO_QUIET_DBFS {
        return Err(Refusal::TooQuiet {
            level_db: speech.level_db,
        });
    }
    let rate = f64::from(raw.rate);
    let margin = (rate * MARGIN_SECS).round() as usize;
    let start = (speech.frames.0 * speech.frame_len).saturating_sub(margin);
    let end = ((speech.frames.1 + 1) * speech.frame_len + margin).min(raw.samples.len());
    let gain = 10f32.powf((BUNDLED_SPEECH_DBFS - speech.level_db) / 20.0);
    let mut samples: Vec<f32> = raw.samples[start..end].iter().map(|&s| s * gain).collect();
    limit(&mut samples, raw.rate);
    fade(&mut samples, (rate * FADE_SECS).round() as usize);
    Ok(MonoSound {
        samples,
        rate: raw.rate,
    })
}

/// Holds every peak at or below [`PEAK_CEILING_DBFS`], turning the sound down smoothly
/// around each peak (a quick attack before it, a slower release after) and leaving the
/// rest as it was.
fn limit(samples: &mut [f32], rate: u32) {
    let ceiling = 10f32.powf(PEAK_CEILING_DBFS / 20.0);
    let mut gains: Vec<f32> = samples
        .iter()
        .map(|&s| {
            if s.abs() > ceiling {
                ceiling / s.abs()
            } else {
                1.0
            }
        })
        .collect();
    let step = |secs: f64| (1.0 / (f64::from(rate) * secs).max(1.0)) as f32;
    let (release, attack) = (step(LIMIT_RELEASE_SECS), step(LIMIT_ATTACK_SECS));
    for index in 1..gains.len() {
        gains[index] = gains[index].min(gains[index - 1] + release);
    }
    for index in (0..gains.len().saturating_sub(1)).rev() {
        gains[index] = gains[index].min(gains[index + 1] + attack);
    }
    for (sample, gain) in samples.iter_mut().zip(gains) {
        *sample *= gain;
    }
}

/// Fades the first and last `length` samples in and out (a raised cosine).
fn fade(samples: &mut [f32], length: usize) {
    let length = length.min(samples.len() / 2);
    let total = samples.len();
    for index in 0..length {
        let gain = 0.5 - 0.5 * (std::f32::consts::PI * index as f32 / length.max(1) as f32).cos();
        samples[index] *= gain;
        samples[total - 1 - index] *= gain;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RATE: u32 = 16_000;

    /// Speech-like sound: a warbling tone in syllables, at `level_db` dBFS RMS while it
    /// sounds, between `before` and `after` seconds of room noise at -70 dBFS.
    fn take(before: f64, speech: f64, after: f64, level_db: f32) -> MonoSound {
        let rate = f64::from(RATE);
        let amplitude = 10f32.powf(level_db / 20.0) * std::f32::consts::SQRT_2;
        let noise = 10f32.powf(-70.0 / 20.0) * 1.7;
        let mut seed = 12345_u32;
        let mut hiss = move || {
            seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            (seed >> 8) as f32 / (1 << 24) as f32 * 2.0 - 1.0
        };
        let total = ((before + speech + after) * rate) as usize;
        let samples = (0..total)
            .map(|n| {
                let t = n as f64 / rate;
                let voiced = t >= before && t < before + speech;
                let tone = if voiced {
                    let u = t - before;
                    (std::f64::consts::TAU * (180.0 * u + 8.0 * (5.0 * u).sin())).sin() as f32
                        * amplitude
                } else {
                    0.0
                };
                tone + hiss() * noise
            })
            .collect();
        MonoSound {
            samples,
            rate: RATE,
        }
    }

    #[test]
    fn a_good_take_is_trimmed_to_its_speech_with_a_little_margin() {
        let raw = take(1.5, 2.0, 2.0, -30.0);
        let clip = shape(&raw).expect("a good take is kept");
        // 2 s of speech and about 0.1 s either side; the 3.5 s of quiet around it are gone.
        let seconds = clip.seconds();
        assert!((2.15..=2.35).contains(&seconds), "{seconds} s");
        // The speech is all there: its level holds from just after the start to just before
        // the end.
        let frame = (f64::from(RATE) * FRAME_SECS) as usize;
        let middle = &clip.samples[clip.samples.len() / 2..clip.samples.len() / 2 + frame];
        assert!((level_dbfs(middle) - BUNDLED_SPEECH_DBFS).abs() < 0.5);
        // It begins and ends at silence: nothing clicks.
        assert!(clip.samples[0].abs() < 1e-3 && clip.samples[clip.samples.len() - 1].abs() < 1e-3);
    }

    #[test]
    fn a_kept_take_is_at_the_bundled_level_and_peaks_below_minus_one_dbfs() {
        for level in [-42.0, -30.0, -12.0] {
            let clip = shape(&take(0.5, 3.0, 0.5, level)).expect("kept");
            let speech = speech_level_db(&clip).expect("speech");
            assert!(
                (speech - BUNDLED_SPEECH_DBFS).abs() < 0.5,
                "{level} dBFS became {speech} dBFS"
            );
            assert!(peak_dbfs(&clip.samples) <= PEAK_CEILING_DBFS + 0.01);
        }
        // A take with sharp peaks well above its speech is limited around them, not turned
        // down whole (which would put its speech 10 dB lower).
        let mut raw = take(0.5, 3.0, 0.5, -30.0);
        for index in (8_000..56_000).step_by(4_000) {
            raw.samples[index] = 0.6;
        }
        let clip = shape(&raw).expect("kept");
        assert!(peak_dbfs(&clip.samples) <= PEAK_CEILING_DBFS + 0.01);
        let speech = speech_level_db(&clip).expect("speech");
        assert!((speech - BUNDLED_SPEECH_DBFS).abs() < 1.0, "{speech}");
    }

    #[test]
    fn a_take_that_clipped_is_refused() {
        let mut raw = take(0.5, 2.0, 0.5, -20.0);
        raw.samples[20_000..20_004].fill(1.0);
        assert_eq!(shape(&raw), Err(Refusal::Clipped));
        // Single full-scale samples here and there, too many of them.
        let mut scattered = take(0.5, 2.0, 0.5, -20.0);
        for index in (1_000..40_000).step_by(1_000) {
            scattered.samples[index] = -1.0;
        }
        assert_eq!(shape(&scattered), Err(Refusal::Clipped));
        assert!(Refusal::Clipped.to_string().contains("clipped"));
    }

    #[test]
    fn a_take_too_quiet_is_refused_with_what_to_do() {
        let refusal = shape(&take(0.5, 2.0, 0.5, -56.0)).expect_err("refused");
        assert!(matches!(refusal, Refusal::TooQuiet { level_db } if level_db < -50.0));
        assert!(
            refusal
                .to_string()
                .starts_with("too quiet: move closer to the microphone or raise its level"),
            "{refusal}"
        );
    }

    #[test]
    fn a_silent_or_short_take_is_refused() {
        let silent = take(2.0, 0.0, 0.0, -20.0);
        assert_eq!(shape(&silent), Err(Refusal::NoSpeech));
        let nothing = MonoSound {
            samples: vec![0.0; 16_000],
            rate: RATE,
        };
        assert_eq!(shape(&nothing), Err(Refusal::NoSpeech));
        let short = shape(&take(1.0, 0.15, 1.0, -20.0)).expect_err("refused");
        assert!(
            matches!(short, Refusal::TooShort { seconds } if seconds < 0.3),
            "{short}"
        );
    }

    #[test]
    fn the_bundled_speech_level_is_that_of_the_bundled_clips() {
        use kira::sound::static_sound::StaticSoundData;
        let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/voice");
        let mut clips: Vec<_> = std::fs::read_dir(&folder)
            .expect("the bundled voice folder")
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "ogg"))
            .collect();
        clips.sort();
        assert!(clips.len() >= 5, "{} bundled clips", clips.len());
        let mut levels = Vec::new();
        for path in &clips {
            let data = StaticSoundData::from_file(path).expect("decodes");
            let sound = MonoSound {
                samples: data
                    .frames
                    .iter()
                    .map(|frame| (frame.left + frame.right) / 2.0)
                    .collect(),
                rate: data.sample_rate,
            };
            levels.push(speech_level_db(&sound).expect("the clip speaks"));
            let peak = peak_dbfs(&sound.samples);
            assert!((peak + 3.0).abs() < 0.5, "{}: peak {peak}", path.display());
        }
        levels.sort_by(f32::total_cmp);
        let median = levels[levels.len() / 2];
        assert!(
            (median - BUNDLED_SPEECH_DBFS).abs() < 1.5,
            "the bundled clips speak at {median:.1} dBFS (from {:.1} to {:.1})",
            levels[0],
            levels[levels.len() - 1]
        );
    }
}
