//! Waiting for the therapist: holds until they continue.

use super::{Detail, StepView};
use crate::script::WaitForTherapist;

/// The waiting step (it looks the same at every moment).
pub fn view(step: &WaitForTherapist) -> StepView {
    let caption = step
        .caption
        .clone()
        .unwrap_or_else(|| WaitForTherapist::DEFAULT_CAPTION.to_owned());
    StepView::timed_or_holding(caption, Detail::Caption, 0.0, None)
}
