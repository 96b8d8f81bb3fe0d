//! Mono sound as WAV files: read whatever a WAV holds as mono samples, and write mono 16-bit
//! clips privately and atomically (a crash leaves the old file or the new one, never half).

use std::io;
use std::path::Path;

/// Mono samples in -1..1 and their rate.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MonoSound {
    /// The samples, one per frame.
    pub samples: Vec<f32>,
    /// Frames per second.
    pub rate: u32,
}

impl MonoSound {
    /// Seconds the sound lasts.
    pub fn seconds(&self) -> f64 {
        if self.rate == 0 {
            0.0
        } else {
            self.samples.len() as f64 / f64::from(self.rate)
        }
    }
}

/// Reads the WAV file at `path` as mono (channels averaged), any sample format hound reads.
pub fn read_mono(path: &Path) -> Result<MonoSound, hound::Error> {
    let reader = hound::WavReader::open(path)?;
    read_mono_from(reader)
}

/// Reads a WAV from `reader` as mono (see [`read_mono`]).
pub fn read_mono_from<R: io::Read>(
    mut reader: hound::WavReader<R>,
) -> Result<MonoSound, hound::Error> {
    let spec = reader.spec();
    let channels = usize::from(spec.channels.max(1));
    let interleaved: Vec<f32> = match spec.sample_format {
        hound::SampleFormat::Float => reader.samples::<f32>().collect::<Result<_, _>>()?,
        hound::SampleFormat::Int => {
            let full_scale = (1_i64 << (spec.bits_per_sample.clamp(1, 32) - 1)) as f32;
            reader
                .samples::<i32>()
                .map(|sample| sample.map(|value| value as f32 / full_scale))
                .collect::<Result<_, _>>()?
        }
    };
    let samples = interleaved
        .chunks(channels)
        .map(|frame| frame.iter().sum::<f32>() / frame.len() as f32)
        .collect();
    Ok(MonoSound {
        samples,
        rate: spec.sample_rate,
    })
}

/// Writes `sound` to `path` as a mono 16-bit WAV, private to the user (or the shared data
/// folder's group) and atomically. Samples beyond -1..1 are held at full scale.
pub fn write_mono(path: &Path, sound: &MonoSound) -> io::Result<()> {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: sound.rate,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut bytes = io::Cursor::new(Vec::with_capacity(44 + sound.samples.len() * 2));
    {
        let mut writer = hound::WavWriter::new(&mut bytes, spec).map_err(io::Error::other)?;
        for sample in &sound.samples {
            let value = (sample.clamp(-1.0, 1.0) * f32::from(i16::MAX)).round() as i16;
            writer.write_sample(value).map_err(io::Error::other)?;
        }
        writer.finalize().map_err(io::Error::other)?;
    }
    if let Some(folder) = path.parent() {
        crate::private::create_dir(folder)?;
    }
    crate::private::write_atomically(path, |out| out.write_all(bytes.get_ref()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_written_clip_reads_back_as_it_was() -> Result<(), Box<dyn std::error::Error>> {
        let folder = tempfile::tempdir()?;
        let path = folder.path().join("voice/clip.wav");
        let sound = MonoSound {
            samples: (0..1600).map(|n| (n as f32 / 40.0).sin() * 0.5).collect(),
            rate: 16_000,
        };
        write_mono(&path, &sound)?;
        let back = read_mono(&path)?;
        assert_eq!(back.rate, 16_000);
        assert_eq!(back.samples.len(), 1600);
        assert!((back.seconds() - 0.1).abs() < 1e-9);
        let worst = sound
            .samples
            .iter()
            .zip(&back.samples)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0_f32, f32::max);
        assert!(worst < 1e-3, "{worst}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                std::fs::metadata(&path)?.permissions().mode() & 0o777,
                0o600
            );
        }
        Ok(())
    }

    #[test]
    fn stereo_is_read_as_the_mean_of_its_channels() -> Result<(), Box<dyn std::error::Error>> {
        let folder = tempfile::tempdir()?;
        let path = folder.path().join("stereo.wav");
        let spec = hound::WavSpec {
            channels: 2,
            sample_rate: 8000,
            bits_per_sample: 32,
            sample_format: hound::SampleFormat::Float,
        };
        let mut writer = hound::WavWriter::create(&path, spec)?;
        for _ in 0..10 {
            writer.write_sample(0.5_f32)?;
            writer.write_sample(-0.1_f32)?;
        }
        writer.finalize()?;
        let back = read_mono(&path)?;
        assert_eq!(back.samples.len(), 10);
        assert!(back.samples.iter().all(|s| (s - 0.2).abs() < 1e-6));
        Ok(())
    }
}
