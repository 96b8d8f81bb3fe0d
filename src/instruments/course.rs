//! A patient's course on one instrument: what changed since the first administration, by
//! the rules `docs/questionnaires.md` cites (reliable change, response, remission).

use super::model::Instrument;

/// How a total compares with the course's first total.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CourseChange {
    /// Latest minus first (negative is better on every bundled instrument).
    pub change: i64,
    /// The change is at least the instrument's reliable change, either way.
    pub reliable: bool,
    /// True when reliable and an improvement.
    pub reliably_improved: bool,
    /// A drop of at least half of the first total.
    pub response: bool,
    /// The total is under the instrument's remission threshold.
    pub remission: bool,
}

/// Compares `latest` with the course's `first` total on `instrument`.
pub fn course_change(instrument: &Instrument, first: u32, latest: u32) -> CourseChange {
    let change = i64::from(latest) - i64::from(first);
    let reliable = change.unsigned_abs() >= u64::from(instrument.reliable_change);
    CourseChange {
        change,
        reliable,
        reliably_improved: reliable && change < 0,
        response: first > 0 && u64::from(latest) * 2 <= u64::from(first),
        remission: instrument
            .remission_below
            .is_some_and(|below| latest < below),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::instruments::library::bundled;

    #[test]
    fn phq9_counts_5_points_as_reliable_half_as_response_and_under_5_as_remission() {
        let phq = bundled("phq-9");
        let change = course_change(&phq, 18, 14);
        assert_eq!(
            (change.change, change.reliable, change.response),
            (-4, false, false)
        );
        let change = course_change(&phq, 18, 13);
        assert!(change.reliably_improved && !change.response && !change.remission);
        let change = course_change(&phq, 18, 9);
        assert!(change.response && !change.remission);
        let change = course_change(&phq, 18, 4);
        assert!(change.response && change.remission);
        let worse = course_change(&phq, 6, 12);
        assert!(worse.reliable && !worse.reliably_improved && !worse.response);
    }

    #[test]
    fn pcl5_counts_10_points_as_reliable_and_under_the_cut_off_as_remission() {
        let pcl = bundled("pcl-5");
        assert!(!course_change(&pcl, 50, 41).reliable);
        let change = course_change(&pcl, 50, 40);
        assert!(change.reliably_improved && !change.remission);
        assert!(course_change(&pcl, 50, 32).remission);
        assert!(!course_change(&pcl, 50, 33).remission);
        // A first total of 0 cannot halve: no response is claimed.
        assert!(!course_change(&pcl, 0, 0).response);
    }
}
