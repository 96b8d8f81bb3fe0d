//! Shaping a spoken clip the way the bundled voice is shaped: a gentle low-pass, silent ends
//! trimmed with short fades so nothing clicks, and the loudest sample set to one level.
//! Pure functions of samples, shared by the synthetic voice and anything else that shapes
//! speech.

/// The ramp of `len` samples from 0 to 1 (both ends included), as fades use it.
fn ramp(len: usize) -> impl DoubleEndedIterator<Item = f32> {
    let last = len.saturating_sub(1).max(1) as f32;
    (0..len).map(move |n| n as f32 / last)
}

/// `samples` through a gentle low-pass above `cutoff_hz`: a 65-tap windowed-sinc filter
/// (Hamming window, unity gain), centred so the sound does not shift in time.
pub fn soften(samples: &[f32], rate: u32, cutoff_hz: f32) -> Vec<f32> {
    const HALF: i32 = 32;
    if rate == 0 {
        return samples.to_vec();
    }
    let cutoff = (f64::from(cutoff_hz) / f64::from(rate)).min(0.49);
    let sinc = |x: f64| {
        if x == 0.0 {
            1.0
        } else {
            (std::f64::consts::PI * x).sin() / (std::f64::consts::PI * x)
        }
    };
    let taps = (2 * HALF + 1) as f64;
    let mut kernel: Vec<f64> = (-HALF..=HALF)
        .enumerate()
        .map(|(n, tap)| {
            let window = 0.54 - 0.46 * (2.0 * std::f64::consts::PI * n as f64 / (taps - 1.0)).cos();
            2.0 * cutoff * sinc(2.0 * cutoff * f64::from(tap)) * window
        })
        .collect();
    let sum: f64 = kernel.iter().sum();
    if sum.abs() > f64::EPSILON {
        kernel.iter_mut().for_each(|tap| *tap /= sum);
    }
    let kernel: Vec<f32> = kernel.into_iter().map(|tap| tap as f32).collect();
    let half = HALF as usize;
    let mut padded = vec![0.0_f32; samples.len() + 2 * half];
    padded[half..half + samples.len()].copy_from_slice(samples);
    padded
        .windows(kernel.len())
        .map(|window| window.iter().zip(&kernel).map(|(x, h)| x * h).sum())
        .collect()
}

/// The loudest sample's size, 0..1 of full scale.
pub fn peak(samples: &[f32]) -> f32 {
    samples
        .iter()
        .fold(0.0, |peak, sample| peak.max(sample.abs()))
}

/// The RMS level of `samples`, full scale 1 (0 for none).
pub fn rms(samples: &[f32]) -> f32 {
    if samples.is_empty() {
        return 0.0;
    }
    let power: f64 = samples
        .iter()
        .map(|&sample| f64::from(sample) * f64::from(sample))
        .sum();
    (power / samples.len() as f64).sqrt() as f32
}

/// `samples` without their quiet ends (quieter than `below_db` under the loudest sample),
/// keeping a fade's length of the quiet edge on each side, faded in over `fade_in` and out
/// over `fade_out` samples so the fades fall on near-silence. Empty when all is silence.
pub fn trim_and_fade(samples: &[f32], below_db: f32, fade_in: usize, fade_out: usize) -> Vec<f32> {
    let threshold = peak(samples) * 10f32.powf(below_db / 20.0);
    let loud = |sample: &f32| sample.abs() > threshold;
    let (Some(first), Some(last)) = (
        samples.iter().position(loud),
        samples.iter().rposition(loud),
    ) else {
        return Vec::new();
    };
    let end = (last + 1 + fade_out).min(samples.len());
    let mut kept = samples[first.saturating_sub(fade_in)..end].to_vec();
    let len = kept.len();
    let fade_in = fade_in.min(len);
    let fade_out = fade_out.min(len);
    kept.iter_mut()
        .zip(ramp(fade_in))
        .for_each(|(sample, gain)| *sample *= gain);
    kept[len - fade_out..]
        .iter_mut()
        .zip(ramp(fade_out).rev())
        .for_each(|(sample, gain)| *sample *= gain);
    kept
}

/// Scales `samples` so the loudest is at `peak_dbfs` (silence stays silence).
pub fn set_peak(samples: &mut [f32], peak_dbfs: f32) {
    let loudest = peak(samples);
    if loudest > 0.0 {
        let gain = 10f32.powf(peak_dbfs / 20.0) / loudest;
        samples.iter_mut().for_each(|sample| *sample *= gain);
    }
}

/// `seconds` of silence at `rate`.
pub fn silence(seconds: f32, rate: u32) -> Vec<f32> {
    vec![0.0; (seconds * rate as f32).round() as usize]
}

#[cfg(test)]
mod tests {
    use super::*;

    const RATE: u32 = 32_000;

    fn tone(hz: f32, seconds: f32, level: f32) -> Vec<f32> {
        (0..(seconds * RATE as f32) as usize)
            .map(|n| level * (std::f32::consts::TAU * hz * n as f32 / RATE as f32).sin())
            .collect()
    }

    fn rms(samples: &[f32]) -> f32 {
        (samples.iter().map(|s| s * s).sum::<f32>() / samples.len().max(1) as f32).sqrt()
    }

    #[test]
    fn the_low_pass_keeps_the_voice_and_takes_the_hiss_off() {
        let voice = tone(500.0, 0.5, 0.5);
        let softened = soften(&voice, RATE, 7000.0);
        assert_eq!(softened.len(), voice.len());
        let middle = 1000..15_000;
        let kept = rms(&softened[middle.clone()]) / rms(&voice[middle.clone()]);
        assert!((kept - 1.0).abs() < 0.02, "500 Hz kept at {kept}");
        // In time: the filter does not delay the sound.
        let worst = softened[middle.clone()]
            .iter()
            .zip(&voice[middle.clone()])
            .map(|(a, b)| (a - b).abs())
            .fold(0.0_f32, f32::max);
        assert!(worst < 0.02, "{worst}");
        let hiss = tone(12_000.0, 0.5, 0.5);
        let left = rms(&soften(&hiss, RATE, 7000.0)[middle.clone()]) / rms(&hiss[middle]);
        assert!(left < 0.05, "12 kHz left at {left}");
    }

    #[test]
    fn silent_ends_are_trimmed_to_a_fade_length_and_faded() {
        let fade_in = 320;
        let fade_out = 960;
        let mut sentence = silence(0.5, RATE);
        sentence.extend(tone(300.0, 1.0, 0.8));
        sentence.extend(silence(0.5, RATE));
        let trimmed = trim_and_fade(&sentence, -45.0, fade_in, fade_out);
        // The speech and at most a fade's length of silence on each side.
        let speech = RATE as usize;
        assert!(
            trimmed.len() >= speech && trimmed.len() <= speech + fade_in + fade_out + 1,
            "{} samples",
            trimmed.len()
        );
        assert_eq!(trimmed.first().copied(), Some(0.0));
        assert_eq!(trimmed.last().copied(), Some(0.0));
        assert!(peak(&trimmed[..fade_in / 2]) < 0.1);
        assert!(peak(&trimmed[trimmed.len() - fade_out / 4..]) < 0.3);
        assert!(peak(&trimmed[fade_in..trimmed.len() - fade_out]) > 0.79);
        assert!(trim_and_fade(&silence(1.0, RATE), -45.0, fade_in, fade_out).is_empty());
    }

    #[test]
    fn a_quiet_murmur_under_the_threshold_counts_as_silence() {
        let mut sentence = tone(200.0, 0.2, 0.001);
        sentence.extend(tone(300.0, 0.5, 0.9));
        sentence.extend(tone(200.0, 0.2, 0.001));
        let trimmed = trim_and_fade(&sentence, -45.0, 320, 960);
        assert!(trimmed.len() < (0.5 * RATE as f32) as usize + 320 + 960 + 1);
    }

    #[test]
    fn the_loudest_sample_is_set_to_the_level_asked() {
        let mut samples = tone(440.0, 0.1, 0.2);
        set_peak(&mut samples, -3.0);
        let dbfs = 20.0 * peak(&samples).log10();
        assert!((dbfs + 3.0).abs() < 0.01, "{dbfs}");
        let mut quiet = silence(0.1, RATE);
        set_peak(&mut quiet, -3.0);
        assert_eq!(peak(&quiet), 0.0);
        assert_eq!(silence(0.3, RATE).len(), 9600);
    }
}
