//! Warnings for spoken texts that have no voice, each pointed at where the text is written,
//! so a clinic author sees which words the patient will only read. Which texts have a voice
//! is for the caller to say (the voice store knows); this file only locates them.

use super::diagnostic::{Diagnostic, Location};
use super::model::{Session, Step};
use super::outline::Outline;

/// The field a step's spoken words are written in (or, for words the step makes itself, the
/// field they come from).
fn spoken_field(step: &Step) -> &'static str {
    match step {
        Step::Narration(_) | Step::Closing(_) => "text",
        Step::Breathing(_) | Step::Rest(_) | Step::WaitForTherapist(_) => "caption",
        Step::Grounding(_) => "prompts",
        Step::BodyScan(_) => "regions",
        Step::CheckIn(_) => "scale",
        Step::Questionnaire(_) => "instrument",
        Step::Intention(_) | Step::Paint(_) | Step::Reflection(_) | Step::VoiceNote(_) => "prompt",
        // A replay speaks the patient's own notes, never words of the file.
        Step::VoiceNoteReplay(_) => "notes",
    }
}

/// A warning for each of `unvoiced` (a step, from 0, and the words it speaks with no voice)
/// of `session`, read from `source` at `path`, at the words in the file.
pub fn unvoiced_warnings(
    path: &str,
    source: &str,
    session: &Session,
    unvoiced: &[(usize, &str)],
) -> Vec<Diagnostic> {
    let outline = Outline::of(source);
    unvoiced
        .iter()
        .filter_map(|&(index, text)| {
            let step = session.steps.get(index)?;
            let location = outline
                .step_text(source, index, spoken_field(step), text)
                .map(|bytes| Location::at_offset(source, bytes.start, bytes.len()));
            let message = format!(
                "step {} ({}): \"{}\" has no voice; the patient only reads it",
                index + 1,
                step.kind(),
                text.trim()
            );
            Some(
                Diagnostic::error(path, location, message)
                    .with_help(
                        "run `stillpoint voice make` to speak it with the synthetic voice, or \
                         record it in the Voice window",
                    )
                    .as_warning(),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::script::parse_session;
    use crate::script::validate::Context;

    #[test]
    fn each_unvoiced_text_is_pointed_at_where_it_is_written() {
        let source = "Session(\n    format: 1, id: \"t\", title: \"T\", phase: Integration,\n    \
                      environment: \"dusk-lake\", soundscape: \"silence\",\n    steps: [\n        \
                      Narration(text: \"Settle in.\", duration: \"5s\"),\n        \
                      CheckIn(id: \"suds\", scale: Suds),\n    ],\n)\n";
        let session = parse_session("t.session.ron", source.as_bytes(), &Context::default())
            .expect("valid")
            .session;
        let found = unvoiced_warnings(
            "t.session.ron",
            source,
            &session,
            &[
                (0, "Settle in."),
                (1, "How much distress do you feel right now?"),
            ],
        );
        let headlines: Vec<String> = found.iter().map(Diagnostic::headline).collect();
        assert_eq!(
            headlines,
            [
                "t.session.ron:5:25: warning: step 1 (Narration): \"Settle in.\" has no voice; \
                 the patient only reads it",
                "t.session.ron:6:29: warning: step 2 (CheckIn): \"How much distress do you feel \
                 right now?\" has no voice; the patient only reads it",
            ]
        );
        assert!(found.iter().all(|diagnostic| !diagnostic.is_error()));
    }
}
