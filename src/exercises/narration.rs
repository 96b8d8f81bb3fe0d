//! Narration: the caption (and recording) for its length.

use super::{Detail, StepView};
use crate::script::Narration;

/// The narration step at `elapsed` seconds.
pub fn view(step: &Narration, elapsed: f64) -> StepView {
    StepView::timed(
        step.text.clone(),
        Detail::Caption,
        elapsed,
        step.length_secs(),
    )
}
