//! Intention: a prompt with choices (or spoken aloud to the therapist).

use super::{Detail, Input, StepView};
use crate::script::{HumanDuration, Intention, IntentionAnswer};

/// The intention step at `elapsed` seconds.
pub fn view(step: &Intention, elapsed: f64, input: Input) -> StepView {
    let timeout = step.timeout.map(HumanDuration::secs);
    match &step.answer {
        IntentionAnswer::Choose(choices) => {
            let detail = Detail::Choices {
                choices: choices.clone(),
                chosen: input.answer,
            };
            StepView::awaiting_answer(step.prompt.clone(), detail, elapsed, input, timeout)
        }
        IntentionAnswer::SpokenAloud => {
            let detail = Detail::Choices {
                choices: Vec::new(),
                chosen: None,
            };
            StepView::timed_or_holding(step.prompt.clone(), detail, elapsed, timeout)
        }
    }
}
