//! Questionnaire: one item at a time, each answer shown chosen for a moment before the next
//! item; Back corrects the item before; after the last item the patient confirms, and only
//! then is anything recorded (the runtime writes the record; this is what shows).

use serde::Serialize;

use super::{ACKNOWLEDGE_SECS, Detail, StepView};
use crate::instruments::Instrument;
use crate::script::Questionnaire;

/// Seconds an item's answer stays highlighted before the next item shows.
pub const ITEM_ACKNOWLEDGE_SECS: f64 = 0.8;

/// The patient's answers so far in the questionnaire showing.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Answers {
    /// One answer per item answered, in item order.
    pub given: Vec<u32>,
    /// Step time the last answer was given (it stays highlighted a moment).
    pub last_at: Option<f64>,
    /// Step time the answers were confirmed.
    pub confirmed_at: Option<f64>,
}

impl Answers {
    /// The item showing at `elapsed` (from 0; the item count on the confirming page), and
    /// its answer while that answer is still being acknowledged.
    pub fn showing(&self, elapsed: f64) -> (usize, Option<u32>) {
        match (self.last_at, self.given.last()) {
            (Some(at), Some(&last)) if elapsed < at + ITEM_ACKNOWLEDGE_SECS => {
                (self.given.len() - 1, Some(last))
            }
            _ => (self.given.len(), None),
        }
    }
}

/// Which page of a questionnaire shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Page {
    /// An item and its answers.
    Item,
    /// Every item answered: send the answers, or go back.
    Confirm,
    /// Sent: thanks, then the session moves on.
    Sent,
}

/// The questionnaire step at `elapsed` seconds, with `instrument` (`None` when the
/// instrument named is not available: the step then holds for the therapist).
pub fn view(
    step: &Questionnaire,
    instrument: Option<&Instrument>,
    elapsed: f64,
    answers: &Answers,
) -> StepView {
    let Some(instrument) = instrument else {
        return StepView::timed_or_holding(
            format!(
                "The questionnaire \"{}\" is not available.\nYour therapist will continue.",
                step.instrument
            ),
            Detail::Caption,
            elapsed,
            None,
        );
    };
    let count = instrument.items.len();
    let detail = |page, item, chosen, responses: Vec<String>| Detail::Questionnaire {
        name: instrument.short.clone(),
        stem: instrument.stem.clone(),
        page,
        item,
        count,
        responses,
        chosen,
    };
    if let Some(confirmed_at) = answers.confirmed_at {
        let mut view = StepView::timed(
            "Thank you.\nYour answers are with your therapist.".to_owned(),
            detail(Page::Sent, count, None, Vec::new()),
            elapsed,
            confirmed_at + ACKNOWLEDGE_SECS,
        );
        view.progress = 1.0;
        return view;
    }
    let (item, chosen) = answers.showing(elapsed);
    let (caption, page, responses) = match instrument.items.get(item) {
        Some(shown) => (
            shown.text.clone(),
            Page::Item,
            instrument
                .responses
                .iter()
                .map(|response| response.label.clone())
                .collect(),
        ),
        None => (
            format!("That is all {count} questions.\nSend your answers to your therapist?"),
            Page::Confirm,
            Vec::new(),
        ),
    };
    let mut view = StepView::timed_or_holding(
        caption,
        detail(page, item, chosen, responses),
        elapsed,
        None,
    );
    view.progress = if count == 0 {
        0.0
    } else {
        answers.given.len() as f32 / count as f32
    };
    view
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exercises::Status;
    use crate::instruments::library::bundled;

    fn shown(view: &StepView) -> (Page, usize, Option<u32>) {
        match &view.detail {
            Detail::Questionnaire {
                page, item, chosen, ..
            } => (*page, *item, *chosen),
            other => panic!("not a questionnaire: {other:?}"),
        }
    }

    #[test]
    fn items_come_one_at_a_time_then_a_confirmation_then_thanks() {
        let phq9 = bundled("phq-9");
        let step = Questionnaire {
            instrument: "phq-9".into(),
        };
        let mut answers = Answers::default();
        let first = view(&step, Some(&phq9), 0.0, &answers);
        assert_eq!(shown(&first), (Page::Item, 0, None));
        assert_eq!(first.caption, phq9.items[0].text);
        assert_eq!(first.status, Status::Holding);
        answers.given.push(2);
        answers.last_at = Some(5.0);
        // The answer stays chosen a moment, then the next item shows.
        assert_eq!(
            shown(&view(&step, Some(&phq9), 5.5, &answers)),
            (Page::Item, 0, Some(2))
        );
        let second = view(&step, Some(&phq9), 5.0 + ITEM_ACKNOWLEDGE_SECS, &answers);
        assert_eq!(shown(&second), (Page::Item, 1, None));
        assert_eq!(second.caption, phq9.items[1].text);
        answers.given = vec![1; 9];
        let confirm = view(&step, Some(&phq9), 60.0, &answers);
        assert_eq!(shown(&confirm), (Page::Confirm, 9, None));
        assert_eq!(confirm.status, Status::Holding);
        answers.confirmed_at = Some(61.0);
        let sent = view(&step, Some(&phq9), 61.0, &answers);
        assert_eq!(shown(&sent).0, Page::Sent);
        assert_eq!(sent.status, Status::Running);
        let over = view(&step, Some(&phq9), 61.0 + ACKNOWLEDGE_SECS, &answers);
        assert_eq!(over.status, Status::Done);
    }

    #[test]
    fn a_missing_instrument_holds_for_the_therapist() {
        let step = Questionnaire {
            instrument: "gone".into(),
        };
        let shown = view(&step, None, 10.0, &Answers::default());
        assert_eq!(shown.status, Status::Holding);
        assert!(shown.caption.contains("\"gone\" is not available"));
    }
}
