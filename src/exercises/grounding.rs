//! Grounding: the 5-4-3-2-1 prompts, one at a time.

use super::{Detail, StepView, slice_index};
use crate::script::Grounding;

/// The grounding step at `elapsed` seconds.
pub fn view(step: &Grounding, elapsed: f64) -> StepView {
    let prompts = step.prompts();
    let each = step.per_prompt.secs();
    let index = slice_index(elapsed, each, prompts.len());
    let caption = prompts.get(index).cloned().unwrap_or_default();
    let detail = Detail::Prompt {
        index,
        count: prompts.len(),
    };
    StepView::timed(caption, detail, elapsed, each * prompts.len() as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exercises::Status;
    use crate::script::HumanDuration;

    #[test]
    fn prompts_advance_one_at_a_time() {
        let step = Grounding {
            per_prompt: HumanDuration::from_secs(30),
            prompts: None,
        };
        let at = |t| view(&step, t);
        assert!(at(0.0).caption.starts_with("Notice five things"));
        assert!(at(29.9).caption.starts_with("Notice five things"));
        assert!(at(30.0).caption.starts_with("Notice four things"));
        assert_eq!(at(149.0).detail, Detail::Prompt { index: 4, count: 5 });
        assert_eq!(at(149.0).status, Status::Running);
        assert_eq!(at(150.0).status, Status::Done);
    }
}
