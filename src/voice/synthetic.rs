//! The offline synthetic voice that speaks what the clinic writes, into the data folder.

use std::path::PathBuf;

use super::VoiceStore;

/// Why a synthetic clip could not be made.
#[derive(Debug, thiserror::Error)]
pub enum SynthError {
    /// The synthetic voice is not installed on this machine.
    #[error("the synthetic voice is not installed ({0})")]
    NotInstalled(String),
}

/// Makes the synthetic clip of `text` in the data folder (`voice/synthetic/<key>.wav`) and
/// returns its path.
pub fn make_clip(store: &VoiceStore, text: &str) -> Result<PathBuf, SynthError> {
    let _ = (store, text);
    Err(SynthError::NotInstalled("not built yet".into()))
}
