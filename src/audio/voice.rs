//! The recorded voice of the prompts a patient follows: grounding and body-scan prompts,
//! check-in questions, intention prompts, breathing and rest captions. Each text has its
//! clip in `assets/voice/`, named by a hash of the words, so a prompt is voiced wherever it
//! appears and an edited prompt simply has no clip until `tools/narrate.py` makes one.

use sha2::{Digest, Sha256};

use crate::exercises::spoken_texts;
use crate::script::Session;

/// The folder of prompt clips, relative to `assets/`.
pub const VOICE_FOLDER: &str = "voice";

/// The clip that speaks `text`, relative to `assets/`: `voice/<16 hex digits>.ogg`.
pub fn prompt_clip(text: &str) -> String {
    let digest = Sha256::digest(text.trim().as_bytes());
    let hex: String = digest
        .iter()
        .take(8)
        .map(|byte| format!("{byte:02x}"))
        .collect();
    format!("{VOICE_FOLDER}/{hex}.ogg")
}

/// Every prompt `session` speaks, once each, in the order they come: (text, clip).
pub fn session_prompts(session: &Session) -> Vec<(String, String)> {
    let mut seen = std::collections::HashSet::new();
    session
        .steps
        .iter()
        .flat_map(spoken_texts)
        .filter(|text| seen.insert(text.clone()))
        .map(|text| {
            let clip = prompt_clip(&text);
            (text, clip)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clip_is_named_by_its_words() {
        let clip = prompt_clip("Notice five things you can see.");
        assert!(
            clip.starts_with("voice/") && clip.ends_with(".ogg"),
            "{clip}"
        );
        assert_eq!(clip.len(), "voice/".len() + 16 + ".ogg".len());
        assert_eq!(clip, prompt_clip("  Notice five things you can see.\n"));
        assert_ne!(clip, prompt_clip("Notice four things you can feel."));
    }
}
