//! `stillpoint export-audio`: a whole session's sound rendered offline to a WAV file.

use std::path::Path;
use std::process::ExitCode;

use super::find_session;
use crate::config::{Paths, Settings};
use crate::script::duration::format_length;
use crate::voice::VoiceStore;

pub(super) fn export_audio(
    paths: &Paths,
    settings: &Settings,
    id: &str,
    out: &Path,
    sample_rate: u32,
) -> Result<ExitCode, String> {
    let (_, checked) = find_session(paths, settings, id)?;
    let script = checked;
    let store = VoiceStore::new(&paths.assets, &settings.data_root());
    let started = std::time::Instant::now();
    let exported =
        crate::audio::export::export_wav(script, settings.audio, &store, sample_rate, out)?;
    let took = started.elapsed().as_secs_f64();
    println!(
        "wrote {}: {} of sound, peak {:.1} dBFS, rendered in {:.1} s ({:.0}x real time)",
        out.display(),
        format_length(exported.secs),
        20.0 * f64::from(exported.peak.max(1e-6)).log10(),
        took,
        exported.secs / took.max(1e-3),
    );
    Ok(ExitCode::SUCCESS)
}
