//! Scoring one administration by the instrument's published rules.

use serde::{Deserialize, Serialize};

use super::model::Instrument;

/// Why answers could not be scored.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScoreError {
    /// Not one answer per item.
    #[error("{instrument} has {items} items but {answers} answers were given")]
    WrongCount {
        /// The instrument's short name.
        instrument: String,
        /// Its items.
        items: usize,
        /// The answers given.
        answers: usize,
    },
    /// An answer outside the instrument's scale.
    #[error("item {item} of {instrument} was answered {answer}, but answers score 0 to {max}")]
    OutOfRange {
        /// The instrument's short name.
        instrument: String,
        /// The item, from 1.
        item: usize,
        /// The answer given.
        answer: u32,
        /// The highest answer.
        max: u32,
    },
}

/// A symptom cluster's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClusterScore {
    /// The criterion, e.g. "B".
    pub criterion: String,
    /// The sum of its items.
    pub score: u32,
    /// Its items answered at or above the endorsement level.
    pub endorsed: u32,
    /// True when enough items are endorsed.
    pub met: bool,
}

/// A safety item answered above its threshold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SafetyAlert {
    /// The item, from 1.
    pub item: u32,
    /// The answer given.
    pub answer: u32,
    /// What the therapist is shown.
    pub message: String,
}

/// One administration, scored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scored {
    /// The sum of the answers.
    pub total: u32,
    /// The severity band's name.
    pub band: String,
    /// Each cluster's result (PCL-5).
    pub clusters: Vec<ClusterScore>,
    /// The cluster rule's result, for an instrument with clusters: every cluster met
    /// (PCL-5: the DSM-5 rule). One screening method, apart from the cut-point.
    pub cluster_rule: Option<bool>,
    /// The cut-point's result, for an instrument with one: the total reaches it. The other
    /// screening method, apart from the cluster rule.
    pub above_cutoff: Option<bool>,
    /// Safety items that need the therapist now.
    pub alerts: Vec<SafetyAlert>,
}

impl Instrument {
    /// The safety alert for item `item` (from 1) answered `answer`, if that answer is above
    /// the item's safety threshold: raised as the item is answered, whatever the total.
    pub fn alert_for(&self, item: u32, answer: u32) -> Option<SafetyAlert> {
        self.safety
            .iter()
            .find(|safety| safety.item == item && answer > safety.above)
            .map(|safety| SafetyAlert {
                item,
                answer,
                message: safety.alert.clone(),
            })
    }

    /// The cut-point's result for `total`, for an instrument with a cut-point.
    pub fn above_cutoff(&self, total: u32) -> Option<bool> {
        self.cutoff.map(|cutoff| total >= cutoff)
    }

    /// Scores one answer per item, in item order.
    pub fn score(&self, answers: &[u32]) -> Result<Scored, ScoreError> {
        if answers.len() != self.items.len() {
            return Err(ScoreError::WrongCount {
                instrument: self.short.clone(),
                items: self.items.len(),
                answers: answers.len(),
            });
        }
        let max = self.max_answer();
        if let Some((index, &answer)) = answers
            .iter()
            .enumerate()
            .find(|(_, answer)| **answer > max)
        {
            return Err(ScoreError::OutOfRange {
                instrument: self.short.clone(),
                item: index + 1,
                answer,
                max,
            });
        }
        let total = answers.iter().sum();
        let answer_to = |item: u32| {
            usize::try_from(item)
                .ok()
                .and_then(|item| answers.get(item.checked_sub(1)?))
                .copied()
                .unwrap_or(0)
        };
        let endorsed_from = self.endorsed_from.unwrap_or(1);
        let clusters: Vec<ClusterScore> = self
            .clusters
            .iter()
            .map(|cluster| {
                let scores: Vec<u32> = cluster.items.iter().map(|&item| answer_to(item)).collect();
                let endorsed = scores
                    .iter()
                    .filter(|&&score| score >= endorsed_from)
                    .count();
                let endorsed = u32::try_from(endorsed).unwrap_or(u32::MAX);
                ClusterScore {
                    criterion: cluster.criterion.clone(),
                    score: scores.iter().sum(),
                    endorsed,
                    met: endorsed >= cluster.needed,
                }
            })
            .collect();
        let cluster_rule = cluster_rule(&clusters);
        let alerts = self
            .safety
            .iter()
            .filter_map(|safety| self.alert_for(safety.item, answer_to(safety.item)))
            .collect();
        Ok(Scored {
            total,
            band: self
                .band_of(total)
                .map(|band| band.label.clone())
                .unwrap_or_default(),
            clusters,
            cluster_rule,
            above_cutoff: self.above_cutoff(total),
            alerts,
        })
    }
}

/// The cluster rule's result from each cluster's: every one met; `None` with no clusters.
pub fn cluster_rule(clusters: &[ClusterScore]) -> Option<bool> {
    (!clusters.is_empty()).then(|| clusters.iter().all(|cluster| cluster.met))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::instruments::library::bundled;

    #[test]
    fn phq9_and_gad7_bands_fall_at_5_10_15_and_20() {
        let phq = bundled("phq-9");
        let band = |total: u32| {
            // Spread the total over the first items, item 9 kept at 0.
            let mut answers = vec![0; 9];
            let mut left = total;
            for answer in answers.iter_mut().take(8) {
                *answer = left.min(3);
                left -= *answer;
            }
            phq.score(&answers)
                .map(|scored| (scored.total, scored.band))
        };
        for (total, expected) in [
            (0, "Minimal"),
            (4, "Minimal"),
            (5, "Mild"),
            (9, "Mild"),
            (10, "Moderate"),
            (14, "Moderate"),
            (15, "Moderately severe"),
            (19, "Moderately severe"),
            (20, "Severe"),
            (24, "Severe"),
        ] {
            assert_eq!(band(total), Ok((total, expected.to_owned())));
        }
        let gad = bundled("gad-7");
        let scored = gad.score(&[3, 3, 3, 3, 3, 0, 0]).expect("scores");
        assert_eq!((scored.total, scored.band.as_str()), (15, "Severe"));
        let scored = gad.score(&[2, 2, 2, 2, 1, 0, 0]).expect("scores");
        assert_eq!((scored.total, scored.band.as_str()), (9, "Mild"));
    }

    #[test]
    fn phq9_item_9_above_0_alerts_whatever_the_total() {
        let phq = bundled("phq-9");
        let scored = phq.score(&[0, 0, 0, 0, 0, 0, 0, 0, 1]).expect("scores");
        assert_eq!(scored.total, 1);
        assert_eq!(scored.band, "Minimal");
        assert_eq!(scored.alerts.len(), 1);
        assert_eq!((scored.alerts[0].item, scored.alerts[0].answer), (9, 1));
        let none = phq.score(&[3, 3, 3, 3, 3, 3, 3, 3, 0]).expect("scores");
        assert!(none.alerts.is_empty());
    }

    #[test]
    fn pcl5_cluster_rule_and_cut_point_are_two_results() {
        let pcl = bundled("pcl-5");
        // One endorsed intrusion, one avoidance, two cognition/mood, two arousal items (each
        // answered 2, "Moderately"), 1 elsewhere: every cluster met, total 26 under 33.
        let mut answers = vec![1; 20];
        for item in [1, 6, 8, 9, 15, 16] {
            answers[item - 1] = 2;
        }
        let scored = pcl.score(&answers).expect("scores");
        assert_eq!(scored.total, 26);
        assert!(scored.clusters.iter().all(|cluster| cluster.met));
        assert_eq!(
            (scored.cluster_rule, scored.above_cutoff),
            (Some(true), Some(false))
        );
        assert_eq!(scored.band, "Total under 33");
        // 33 with only one cognition/mood item endorsed: criterion D is not met, the
        // cut-point is reached, and the band says only what the total is.
        let mut no_d = vec![1; 20];
        for item in [1, 2, 3, 4, 5, 6, 7, 8, 15, 16, 17] {
            no_d[item - 1] = 2;
        }
        no_d[0] = 4;
        let scored = pcl.score(&no_d).expect("scores");
        assert_eq!(scored.total, 33);
        let d = scored
            .clusters
            .iter()
            .find(|c| c.criterion == "D")
            .expect("D");
        assert_eq!((d.endorsed, d.met), (1, false));
        assert_eq!(
            (scored.cluster_rule, scored.above_cutoff),
            (Some(false), Some(true))
        );
        assert_eq!(scored.band, "Total 33 or more");
        // An instrument with neither has neither result.
        let phq = bundled("phq-9").score(&[0; 9]).expect("scores");
        assert_eq!((phq.cluster_rule, phq.above_cutoff), (None, None));
    }

    #[test]
    fn answers_of_the_wrong_count_or_range_are_refused() {
        let gad = bundled("gad-7");
        assert!(matches!(
            gad.score(&[0; 6]),
            Err(ScoreError::WrongCount {
                items: 7,
                answers: 6,
                ..
            })
        ));
        assert!(matches!(
            gad.score(&[0, 0, 4, 0, 0, 0, 0]),
            Err(ScoreError::OutOfRange {
                item: 3,
                answer: 4,
                max: 3,
                ..
            })
        ));
    }
}
