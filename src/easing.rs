//! Gentle change over time, for light and sound alike: nothing jumps.

/// Moves `value` toward `target` by at most `change`, never past it.
pub fn approach(value: f32, target: f32, change: f32) -> f32 {
    if value < target {
        (value + change).min(target)
    } else {
        (value - change).max(target)
    }
}

/// Eases 0..1 so fades start and end softly (smoothstep).
pub fn ease(t: f32) -> f32 {
    let t = t.clamp(0.0, 1.0);
    t * t * (3.0 - 2.0 * t)
}
