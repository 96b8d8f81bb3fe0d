//! Grounding: the 5-4-3-2-1 prompts, one at a time.

use super::{Detail, Spoken, StepView, slice_index};
use crate::script::Grounding;

/// The prompt spoken at `elapsed` seconds: each one from the moment it appears.
pub fn spoken(step: &Grounding, elapsed: f64) -> Option<Spoken> {
    let prompts = step.prompts();
    let each = step.per_prompt.secs();
    let part = slice_index(elapsed, each, prompts.len());
    prompts.get(part).map(|text| Spoken {
        part,
        text: text.clone(),
        since: elapsed - each * part as f64,
    })
}

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

    #[test]
    fn each_prompt_is_spoken_from_when_it_appears() {
        let step = Grounding {
            per_prompt: HumanDuration::from_secs(30),
            prompts: None,
        };
        let heard = spoken(&step, 42.0).expect("a prompt is spoken");
        assert_eq!(heard.part, 1);
        assert_eq!(heard.text, view(&step, 42.0).caption);
        assert!((heard.since - 12.0).abs() < 1e-9, "{}", heard.since);
    }
}
