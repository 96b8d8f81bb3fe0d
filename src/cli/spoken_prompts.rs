//! `stillpoint spoken-prompts` (hidden, for `tools/narrate.py`): the words the bundled voice
//! must speak.

use std::io::Write;
use std::process::ExitCode;

use super::validate::check_sessions;
use crate::config::{Paths, Settings};
use crate::voice::{VOICE_FOLDER, session_texts};

pub(super) fn spoken_prompts(paths: &Paths, settings: &Settings) -> Result<ExitCode, String> {
    let entries = check_sessions(paths, settings, &[])?;
    let mut out = std::io::stdout().lock();
    for checked in entries
        .iter()
        .filter_map(|entry| entry.outcome.as_ref().ok())
    {
        let session = &checked.session;
        for spoken in session_texts(session) {
            let clip = format!("{VOICE_FOLDER}/{}.ogg", spoken.key);
            let line =
                serde_json::json!({ "session": session.id, "text": spoken.text, "clip": clip });
            let _ = writeln!(out, "{line}");
        }
    }
    Ok(ExitCode::SUCCESS)
}
