//! Voice note: the prompt is shown and spoken; then the patient speaks until a silence, a
//! "Done" (key, trigger or gaze) or the step's longest length; then a choice of keeping the
//! note, listening back, or recording again (once). The runtime keeps what happened in a
//! [`NoteProgress`] and saves the note; this is what shows at each moment.

use serde::Serialize;

use super::{ACKNOWLEDGE_SECS, Detail, Status, StepView};
use crate::script::{VoiceNote, expected};

/// Shown while the patient may speak.
pub const SPEAK_CAPTION: &str = "Speak when you are ready…";
/// Shown once the patient has said they are done, while the recording closes.
pub const CLOSING_CAPTION: &str = "Thank you.";
/// Shown while the patient chooses what to do with the note.
pub const REVIEW_CAPTION: &str = "Would you like to keep what you said?";
/// Shown while the note plays back.
pub const LISTENING_CAPTION: &str = "Listening back…";
/// Shown a moment after the note is kept.
pub const KEPT_CAPTION: &str = "Your words are kept.";
/// The choice that ends the recording.
pub const DONE: &str = "Done";
/// The choice that keeps the note.
pub const KEEP: &str = "Keep it";
/// The choice that plays the note back.
pub const LISTEN: &str = "Listen back";
/// The choice that records the note again (offered once).
pub const AGAIN: &str = "Record again";

/// Seconds after the prompt's reading time before the recording starts.
pub const PROMPT_PAUSE_SECS: f64 = 1.5;
/// Seconds past `max_length` the step waits for the recorder before it moves on without a
/// note (the recorder stops at `max_length` itself; this covers one that never answers).
pub const RECORDER_GRACE_SECS: f64 = 3.0;
/// Seconds the choice waits before the note is kept for a patient who does not choose.
pub const REVIEW_KEEPS_AFTER_SECS: f64 = 60.0;
/// Seconds of quiet after a note plays back, before the choice shows again.
pub const LISTEN_PAUSE_SECS: f64 = 0.8;

/// Where a voice note is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NotePhase {
    /// The prompt shows and is spoken.
    Prompt,
    /// The patient may speak; the recorder listens.
    Recording,
    /// The note is taken: keep it, listen back, or record again.
    Review,
    /// The note plays back to the patient.
    ListeningBack,
    /// Kept, or passed without a note.
    Ended,
}

/// A take of the note, waiting for the patient's choice.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Take {
    /// Seconds it lasts.
    pub seconds: f64,
    /// Step time it was taken.
    pub at: f64,
}

/// What has happened in the voice-note step showing; the runtime keeps it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct NoteProgress {
    /// Step time the recording (again) began; after the prompt when `None`.
    pub recording_from: Option<f64>,
    /// The patient said they are done; the recorder closes the take.
    pub stop_asked: bool,
    /// The take waiting for the patient's choice.
    pub take: Option<Take>,
    /// Step time the take began playing back, while it plays.
    pub listening_from: Option<f64>,
    /// The note was recorded a second time (offered once).
    pub recorded_again: bool,
    /// Step time the step ended, and whether a note was kept.
    pub ended: Option<(f64, bool)>,
}

/// Seconds the prompt shows before the recording starts: a calm reading time and a pause.
pub fn prompt_secs(step: &VoiceNote) -> f64 {
    let words = step.prompt.split_whitespace().count() as f64;
    words / expected::READING_WORDS_PER_SEC + PROMPT_PAUSE_SECS
}

/// Step time the recording starts.
pub fn recording_start(step: &VoiceNote, progress: &NoteProgress) -> f64 {
    progress.recording_from.unwrap_or_else(|| prompt_secs(step))
}

/// The choices after a take, in board order.
pub fn review_choices(progress: &NoteProgress) -> Vec<String> {
    let mut choices = vec![KEEP.to_owned(), LISTEN.to_owned()];
    if !progress.recorded_again {
        choices.push(AGAIN.to_owned());
    }
    choices
}

/// The voice-note step at `elapsed` seconds, after what `progress` holds.
pub fn view(step: &VoiceNote, elapsed: f64, progress: &NoteProgress) -> StepView {
    let detail = |phase, choices: Vec<String>, seconds: f64| Detail::VoiceNote {
        phase,
        choices,
        seconds: seconds.max(0.0),
    };
    if let Some((at, kept)) = progress.ended {
        let (caption, end) = if kept {
            (KEPT_CAPTION, at + ACKNOWLEDGE_SECS)
        } else {
            ("", at)
        };
        let mut view = StepView::timed(
            caption.to_owned(),
            detail(NotePhase::Ended, Vec::new(), 0.0),
            elapsed,
            end,
        );
        view.progress = 1.0;
        return view;
    }
    let start = recording_start(step, progress);
    let Some(take) = progress.take else {
        let deadline = start + step.max_length.secs() + RECORDER_GRACE_SECS;
        let (caption, detail) = if elapsed < start {
            (
                step.prompt.clone(),
                detail(NotePhase::Prompt, Vec::new(), 0.0),
            )
        } else if progress.stop_asked {
            let shown = detail(NotePhase::Recording, Vec::new(), elapsed - start);
            (CLOSING_CAPTION.to_owned(), shown)
        } else {
            let shown = detail(NotePhase::Recording, vec![DONE.to_owned()], elapsed - start);
            (SPEAK_CAPTION.to_owned(), shown)
        };
        let mut view = StepView::timed(caption, detail, elapsed, deadline);
        if view.status == Status::Done {
            // The recorder never answered: the runtime records the step passed without a note.
            view.status = Status::TimedOut;
        }
        return view;
    };
    if let Some(from) = progress.listening_from
        && elapsed < from + take.seconds + LISTEN_PAUSE_SECS
    {
        return waiting(
            LISTENING_CAPTION,
            detail(NotePhase::ListeningBack, Vec::new(), elapsed - from),
            elapsed,
            from + take.seconds + LISTEN_PAUSE_SECS + REVIEW_KEEPS_AFTER_SECS,
        );
    }
    let review_from = progress
        .listening_from
        .map_or(take.at, |from| from + take.seconds + LISTEN_PAUSE_SECS);
    waiting(
        REVIEW_CAPTION,
        detail(
            NotePhase::Review,
            review_choices(progress),
            elapsed - take.at,
        ),
        elapsed,
        review_from + REVIEW_KEEPS_AFTER_SECS,
    )
}

/// A moment that waits for the patient until `until`; the runtime keeps the take then.
fn waiting(caption: &str, detail: Detail, elapsed: f64, until: f64) -> StepView {
    StepView::timed(caption.to_owned(), detail, elapsed, until)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::script::HumanDuration;

    fn step() -> VoiceNote {
        VoiceNote {
            prompt: "Say what you want to remember".into(),
            max_length: HumanDuration::from_secs(30),
            silence_ends_after: HumanDuration::from_secs(4),
        }
    }

    fn phase(view: &StepView) -> NotePhase {
        match view.detail {
            Detail::VoiceNote { phase, .. } => phase,
            _ => panic!("not a voice note"),
        }
    }

    #[test]
    fn the_prompt_then_the_recording_then_the_choice() {
        let step = step();
        let start = prompt_secs(&step);
        assert!(
            (start - 4.5).abs() < 1e-9,
            "6 words read calmly, then a pause"
        );
        let mut progress = NoteProgress::default();
        assert_eq!(phase(&view(&step, 1.0, &progress)), NotePhase::Prompt);
        let recording = view(&step, start + 1.0, &progress);
        assert_eq!(phase(&recording), NotePhase::Recording);
        assert_eq!(recording.caption, SPEAK_CAPTION);
        // Nothing from the recorder by the longest length and a grace: passed without a note.
        let late = view(&step, start + 30.0 + RECORDER_GRACE_SECS, &progress);
        assert_eq!(late.status, Status::TimedOut);
        progress.take = Some(Take {
            seconds: 5.0,
            at: 12.0,
        });
        let review = view(&step, 13.0, &progress);
        assert_eq!(phase(&review), NotePhase::Review);
        assert!(matches!(&review.detail, Detail::VoiceNote { choices, .. } if choices.len() == 3));
        progress.listening_from = Some(14.0);
        assert_eq!(
            phase(&view(&step, 18.0, &progress)),
            NotePhase::ListeningBack
        );
        assert_eq!(phase(&view(&step, 20.0, &progress)), NotePhase::Review);
        // A patient who does not choose keeps the note.
        let kept_at = 14.0 + 5.0 + LISTEN_PAUSE_SECS + REVIEW_KEEPS_AFTER_SECS;
        assert_eq!(
            view(&step, kept_at - 0.1, &progress).status,
            Status::Running
        );
        assert_eq!(view(&step, kept_at, &progress).status, Status::Done);
        progress.recorded_again = true;
        assert!(
            matches!(view(&step, 20.0, &progress).detail, Detail::VoiceNote { ref choices, .. } if choices.len() == 2)
        );
        progress.ended = Some((21.0, true));
        assert_eq!(view(&step, 21.0, &progress).caption, KEPT_CAPTION);
        assert_eq!(
            view(&step, 21.0 + ACKNOWLEDGE_SECS, &progress).status,
            Status::Done
        );
        progress.ended = Some((21.0, false));
        assert_eq!(view(&step, 21.0, &progress).status, Status::Done);
    }
}
