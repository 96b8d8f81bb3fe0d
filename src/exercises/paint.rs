//! Painting: open until the therapist continues, or for a set time.

use super::{Detail, StepView};
use crate::script::{HumanDuration, Paint};

/// The paint step at `elapsed` seconds.
pub fn view(step: &Paint, elapsed: f64) -> StepView {
    let detail = Detail::Paint {
        symmetry: step.symmetry,
    };
    let length = step.duration.map(HumanDuration::secs);
    StepView::timed_or_holding(step.prompt.clone(), detail, elapsed, length)
}
