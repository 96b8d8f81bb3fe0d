//! Check-in: a 0–10 scale that waits for an answer, or times out.

use super::{Detail, Input, StepView};
use crate::script::{CheckIn, HumanDuration};

/// The highest value on the scale.
pub const MAX_VALUE: u32 = 10;

/// The check-in step at `elapsed` seconds.
pub fn view(step: &CheckIn, elapsed: f64, input: Input) -> StepView {
    let (question, low, high) = step.scale.wording();
    let detail = Detail::CheckIn {
        low: low.to_owned(),
        high: high.to_owned(),
        answer: input.answer,
    };
    let timeout = step.timeout.map(HumanDuration::secs);
    StepView::awaiting_answer(question.to_owned(), detail, elapsed, input, timeout)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exercises::Status;
    use crate::script::Scale;

    #[test]
    fn waits_for_an_answer_then_acknowledges_it() {
        let step = CheckIn {
            id: "suds".into(),
            scale: Scale::Suds,
            timeout: Some(HumanDuration::from_secs(60)),
        };
        assert_eq!(view(&step, 59.0, Input::default()).status, Status::Running);
        assert_eq!(view(&step, 60.0, Input::default()).status, Status::TimedOut);
        let answered = Input {
            answer: Some(3),
            answered_at: Some(10.0),
        };
        assert_eq!(view(&step, 11.0, answered).status, Status::Running);
        assert_eq!(view(&step, 11.5, answered).status, Status::Done);
        let open = CheckIn {
            timeout: None,
            ..step
        };
        assert_eq!(view(&open, 1e6, Input::default()).status, Status::Holding);
    }
}
