//! Rest: the calm scene for a set time.

use super::{Detail, StepView};
use crate::script::Rest;

/// The rest step at `elapsed` seconds.
pub fn view(step: &Rest, elapsed: f64) -> StepView {
    let caption = step.caption.clone().unwrap_or_default();
    StepView::timed(caption, Detail::Caption, elapsed, step.duration.secs())
}
