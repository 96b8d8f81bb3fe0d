//! Closing: the last words, then a slow fade out over the end of the step.

use super::{Detail, StepView};
use crate::script::Closing;

/// Seconds of the final fade (the last part of the closing step).
pub const FADE_SECS: f64 = 6.0;

/// The closing step at `elapsed` seconds.
pub fn view(step: &Closing, elapsed: f64) -> StepView {
    let length = step.duration.secs();
    let fade_start = (length - FADE_SECS).max(0.0);
    let fade = ((elapsed - fade_start) / (length - fade_start).max(f64::EPSILON)).clamp(0.0, 1.0);
    let detail = Detail::Closing { fade: fade as f32 };
    StepView::timed(step.text.clone(), detail, elapsed, length)
}
