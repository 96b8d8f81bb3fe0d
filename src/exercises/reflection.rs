//! Reflection: a prompt while the patient talks with the therapist.

use super::{Detail, StepView};
use crate::script::{HumanDuration, Reflection};

/// The reflection step at `elapsed` seconds.
pub fn view(step: &Reflection, elapsed: f64) -> StepView {
    let length = step.duration.map(HumanDuration::secs);
    StepView::timed_or_holding(step.prompt.clone(), Detail::Caption, elapsed, length)
}
