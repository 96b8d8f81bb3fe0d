//! The recordings a narration or closing step names in `audio:`: a file Stillpoint can play,
//! inside the assets folder or the data folder's recordings, and there.

use std::path::Path;

use super::{Checker, Context};
use crate::script::model::Step;

/// The data folder's folder of the clinic's own narration recordings (`voice` names it
/// through this constant).
pub const RECORDINGS_FOLDER: &str = "recordings";
/// Audio formats the player reads.
const AUDIO_EXTENSIONS: &[&str] = &["ogg", "wav"];

/// Checks the recording `audio` that step `index` names, if any.
pub(super) fn check_audio(
    checker: &mut Checker,
    context: &Context,
    index: usize,
    step: &Step,
    audio: Option<&str>,
) {
    let Some(audio) = audio else { return };
    let path = Path::new(audio);
    let extension = path
        .extension()
        .and_then(|extension| extension.to_str())
        .map(str::to_ascii_lowercase);
    if !extension.is_some_and(|extension| AUDIO_EXTENSIONS.contains(&extension.as_str())) {
        checker.value_problem(
            index,
            step,
            "audio",
            audio,
            format!("\"{audio}\" is not an audio file Stillpoint can play"),
            "use an .ogg or .wav recording",
        );
        return;
    }
    if path.is_absolute() || path.components().any(|part| part.as_os_str() == "..") {
        checker.value_problem(
            index,
            step,
            "audio",
            audio,
            format!("\"{audio}\" points outside the assets and data folders"),
            "give the path inside assets/, e.g. \"narration/arrival.ogg\", or a recording of \
             the clinic's in the data folder, e.g. \"recordings/arrival.wav\"",
        );
        return;
    }
    let in_data = context
        .data_root
        .as_ref()
        .filter(|_| path.starts_with(RECORDINGS_FOLDER))
        .map(|data| data.join(path));
    if let Some(assets) = &context.assets_dir
        && !assets.join(path).is_file()
        && !in_data.as_ref().is_some_and(|file| file.is_file())
    {
        let places = match &in_data {
            Some(file) => format!(
                "{} or {}",
                file.parent().unwrap_or(file).display(),
                assets.display()
            ),
            None => assets.display().to_string(),
        };
        let message = format!("the recording \"{audio}\" was not found in {places}");
        let help = "the caption will be shown without sound until the file is added";
        checker.value_problem(index, step, "audio", audio, message, help);
        checker.demote_last();
    }
}
