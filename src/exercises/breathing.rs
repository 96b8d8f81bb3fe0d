//! Breathing pacer timing: which part of the breath it is, and how full the pacer is.

use serde::Serialize;

use super::{Detail, StepView};
use crate::script::{BreathTimings, Breathing};

/// A part of one breath.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BreathPhase {
    /// Breathing in: the pacer grows.
    Inhale,
    /// Holding full.
    HoldIn,
    /// Breathing out: the pacer settles.
    Exhale,
    /// Resting empty.
    HoldOut,
}

impl BreathPhase {
    /// The word shown with the pacer.
    pub fn word(self) -> &'static str {
        match self {
            BreathPhase::Inhale => "in",
            BreathPhase::HoldIn | BreathPhase::HoldOut => "hold",
            BreathPhase::Exhale => "out",
        }
    }
}

/// The pacer at one moment.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct BreathState {
    /// The part of the breath.
    pub phase: BreathPhase,
    /// How far through that part, 0..1.
    pub phase_progress: f32,
    /// Seconds left in that part.
    pub phase_remaining: f64,
    /// Which breath, from 0.
    pub cycle: u32,
    /// How many breaths in all.
    pub cycles: u32,
    /// How full the pacer is, 0 (settled) to 1 (fully grown), eased so it never jerks.
    pub fullness: f32,
}

/// The pacer `t` seconds into a breathing pattern of `cycles` breaths.
pub fn state_at(timings: &BreathTimings, cycles: u32, t: f64) -> BreathState {
    let cycle_length = timings.cycle().max(f64::EPSILON);
    let last = cycles.saturating_sub(1);
    let total = cycle_length * f64::from(cycles);
    let t = t.clamp(0.0, total);
    let cycle = ((t / cycle_length).floor() as u32).min(last);
    let mut within = t - f64::from(cycle) * cycle_length;
    let phases = [
        (BreathPhase::Inhale, timings.inhale),
        (BreathPhase::HoldIn, timings.hold_in),
        (BreathPhase::Exhale, timings.exhale),
        (BreathPhase::HoldOut, timings.hold_out),
    ];
    let mut chosen = (BreathPhase::Exhale, timings.exhale, timings.exhale);
    for (phase, length) in phases {
        if length <= 0.0 {
            continue;
        }
        chosen = (phase, length, within.min(length));
        if within < length {
            break;
        }
        within -= length;
    }
    let (phase, length, into) = chosen;
    let phase_progress = (into / length).clamp(0.0, 1.0) as f32;
    let eased = 0.5 - 0.5 * (std::f32::consts::PI * phase_progress).cos();
    let fullness = match phase {
        BreathPhase::Inhale => eased,
        BreathPhase::HoldIn => 1.0,
        BreathPhase::Exhale => 1.0 - eased,
        BreathPhase::HoldOut => 0.0,
    };
    BreathState {
        phase,
        phase_progress,
        phase_remaining: length - into,
        cycle,
        cycles,
        fullness,
    }
}

/// The breathing step at `elapsed` seconds.
pub fn view(step: &Breathing, elapsed: f64) -> StepView {
    let timings = step.pattern.timings();
    let cycles = step.cycle_count();
    let total = timings.cycle() * f64::from(cycles);
    let breath = state_at(&timings, cycles, elapsed);
    let caption = step.caption.clone().unwrap_or_default();
    StepView::timed(caption, Detail::Breath(breath), elapsed, total)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::script::{BreathingPattern, HumanDuration};

    fn at(pattern: &BreathingPattern, t: f64) -> (BreathPhase, f32) {
        let state = state_at(&pattern.timings(), 100, t);
        (state.phase, state.phase_progress)
    }

    #[test]
    fn resonance_six_per_minute_is_five_in_five_out() {
        let pattern = BreathingPattern::Resonance {
            breaths_per_minute: 6.0,
        };
        assert_eq!(at(&pattern, 0.0), (BreathPhase::Inhale, 0.0));
        assert_eq!(at(&pattern, 2.5), (BreathPhase::Inhale, 0.5));
        assert_eq!(at(&pattern, 5.0), (BreathPhase::Exhale, 0.0));
        assert_eq!(at(&pattern, 7.5), (BreathPhase::Exhale, 0.5));
        assert_eq!(at(&pattern, 10.0), (BreathPhase::Inhale, 0.0));
        assert_eq!(state_at(&pattern.timings(), 100, 12.5).cycle, 1);
    }

    #[test]
    fn box_has_four_equal_sides() {
        let pattern = BreathingPattern::Box {
            side: HumanDuration::from_secs(4),
        };
        assert_eq!(at(&pattern, 1.0), (BreathPhase::Inhale, 0.25));
        assert_eq!(at(&pattern, 4.0), (BreathPhase::HoldIn, 0.0));
        assert_eq!(at(&pattern, 10.0), (BreathPhase::Exhale, 0.5));
        assert_eq!(at(&pattern, 13.0), (BreathPhase::HoldOut, 0.25));
        assert_eq!(at(&pattern, 16.0), (BreathPhase::Inhale, 0.0));
    }

    #[test]
    fn four_seven_eight() {
        let pattern = BreathingPattern::FourSevenEight;
        assert_eq!(at(&pattern, 3.0), (BreathPhase::Inhale, 0.75));
        assert_eq!(at(&pattern, 4.0), (BreathPhase::HoldIn, 0.0));
        assert_eq!(at(&pattern, 11.0), (BreathPhase::Exhale, 0.0));
        assert_eq!(at(&pattern, 17.0), (BreathPhase::Exhale, 0.75));
        assert_eq!(at(&pattern, 19.0), (BreathPhase::Inhale, 0.0));
    }

    #[test]
    fn fullness_grows_holds_and_settles_smoothly() {
        let timings = BreathingPattern::Box {
            side: HumanDuration::from_secs(4),
        }
        .timings();
        let full = |t| state_at(&timings, 3, t).fullness;
        assert_eq!(full(0.0), 0.0);
        assert!((full(2.0) - 0.5).abs() < 1e-6);
        assert_eq!(full(6.0), 1.0);
        assert!((full(10.0) - 0.5).abs() < 1e-6);
        assert_eq!(full(14.0), 0.0);
        // No jumps: a frame at 90 Hz never changes the size by more than a few percent.
        let mut t = 0.0;
        while t < 48.0 {
            assert!((full(t + 1.0 / 90.0) - full(t)).abs() < 0.01, "jump at {t}");
            t += 1.0 / 90.0;
        }
    }

    #[test]
    fn the_last_breath_ends_settled() {
        let timings = BreathingPattern::Resonance {
            breaths_per_minute: 6.0,
        }
        .timings();
        let end = state_at(&timings, 3, 30.0);
        assert_eq!((end.cycle, end.phase), (2, BreathPhase::Exhale));
        assert_eq!(end.fullness, 0.0);
        assert_eq!(end.phase_remaining, 0.0);
    }
}
