//! Voice-note replay: the patient's earlier notes, newest first, each introduced by "Last
//! time you said…" with its prompt and date, played, and followed by a short pause. With no
//! earlier notes the step ends at once and shows nothing.

use super::{Detail, StepView};

/// The words that introduce each note.
pub const CAPTION: &str = "Last time you said…";
/// Seconds the caption shows before a note plays.
pub const INTRO_SECS: f64 = 2.5;
/// Seconds of quiet after a note.
pub const AFTER_SECS: f64 = 2.0;

/// An earlier note to play, as the step shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct ReplayedNote {
    /// Seconds it lasts.
    pub seconds: f64,
    /// The prompt the patient answered.
    pub prompt: String,
    /// When it was said, as the patient reads it.
    pub date: String,
}

/// Seconds one note takes with its introduction and pause.
fn slot(note: &ReplayedNote) -> f64 {
    INTRO_SECS + note.seconds.max(0.0) + AFTER_SECS
}

/// The replay step at `elapsed` seconds, playing `notes` in order.
pub fn view(notes: &[ReplayedNote], elapsed: f64) -> StepView {
    let length: f64 = notes.iter().map(slot).sum();
    let mut from = 0.0;
    for (index, note) in notes.iter().enumerate() {
        let end = from + slot(note);
        if elapsed < end || index + 1 == notes.len() {
            let into = elapsed - from - INTRO_SECS;
            let detail = Detail::NoteReplay {
                index,
                count: notes.len(),
                prompt: note.prompt.clone(),
                date: note.date.clone(),
                playing_at: (0.0..note.seconds).contains(&into).then_some(into),
            };
            return StepView::timed(CAPTION.to_owned(), detail, elapsed, length);
        }
        from = end;
    }
    StepView::timed(String::new(), Detail::Caption, elapsed, 0.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exercises::Status;

    fn note(seconds: f64, prompt: &str) -> ReplayedNote {
        ReplayedNote {
            seconds,
            prompt: prompt.into(),
            date: "3 March".into(),
        }
    }

    fn playing(view: &StepView) -> (usize, Option<f64>) {
        match view.detail {
            Detail::NoteReplay {
                index, playing_at, ..
            } => (index, playing_at),
            _ => panic!("not a replay"),
        }
    }

    #[test]
    fn each_note_is_introduced_played_and_followed_by_a_pause() {
        let notes = [note(10.0, "newest"), note(4.0, "older")];
        assert_eq!(playing(&view(&notes, 1.0)), (0, None));
        assert_eq!(playing(&view(&notes, INTRO_SECS + 3.0)), (0, Some(3.0)));
        assert_eq!(playing(&view(&notes, INTRO_SECS + 11.0)), (0, None));
        let second = slot(&notes[0]) + INTRO_SECS + 1.0;
        assert_eq!(playing(&view(&notes, second)), (1, Some(1.0)));
        let length = slot(&notes[0]) + slot(&notes[1]);
        assert_eq!(view(&notes, length - 0.1).status, Status::Running);
        assert_eq!(view(&notes, length).status, Status::Done);
    }

    #[test]
    fn with_no_notes_it_ends_at_once_showing_nothing() {
        let empty = view(&[], 0.0);
        assert_eq!(empty.status, Status::Done);
        assert_eq!(empty.caption, "");
    }
}
