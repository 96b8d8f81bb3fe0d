//! Body scan: attention rests on each region in turn.

use super::{Detail, Spoken, StepView, slice_index};
use crate::script::BodyScan;

/// The region's prompt spoken at `elapsed` seconds, from the moment attention moves there.
pub fn spoken(step: &BodyScan, elapsed: f64) -> Option<Spoken> {
    let each = step.per_region.secs();
    let part = slice_index(elapsed, each, step.regions.len());
    step.regions.get(part).map(|region| Spoken {
        part,
        text: region.prompt().to_owned(),
        since: elapsed - each * part as f64,
    })
}

/// The body scan step at `elapsed` seconds.
pub fn view(step: &BodyScan, elapsed: f64) -> StepView {
    let each = step.per_region.secs();
    let count = step.regions.len();
    let index = slice_index(elapsed, each, count);
    let Some(&region) = step.regions.get(index) else {
        return StepView::timed(String::new(), Detail::Caption, elapsed, 0.0);
    };
    let detail = Detail::Region {
        region,
        index,
        count,
    };
    StepView::timed(
        region.prompt().to_owned(),
        detail,
        elapsed,
        each * count as f64,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::script::{BodyRegion, HumanDuration};

    #[test]
    fn regions_follow_the_script_order() {
        let step = BodyScan {
            regions: vec![BodyRegion::Feet, BodyRegion::Chest, BodyRegion::Face],
            per_region: HumanDuration::from_secs(20),
        };
        let region = |t| match view(&step, t).detail {
            Detail::Region { region, .. } => region,
            other => panic!("{other:?}"),
        };
        assert_eq!(region(0.0), BodyRegion::Feet);
        assert_eq!(region(20.0), BodyRegion::Chest);
        assert_eq!(region(59.0), BodyRegion::Face);
        assert_eq!(view(&step, 60.0).status, crate::exercises::Status::Done);
    }
}
