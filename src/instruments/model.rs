//! The instrument file's format (`docs/questionnaires.md` documents it for clinics).

use serde::Deserialize;

/// A questionnaire with its wording, answers and scoring rules.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Instrument {
    /// The file format's version; 1.
    pub format: u32,
    /// Short lowercase id used in sessions and records, e.g. `phq-9`.
    pub id: String,
    /// Full title, e.g. "Patient Health Questionnaire (PHQ-9)".
    pub title: String,
    /// Short name for charts and the panel, e.g. "PHQ-9".
    pub short: String,
    /// Where the wording was taken from.
    pub source: String,
    /// What the copyright holder allows, in their words.
    pub licence: String,
    /// The question every item answers, e.g. "Over the last 2 weeks, how often…".
    pub stem: String,
    /// The answers, scored 0, 1, 2… in order.
    pub responses: Vec<Response>,
    /// The items, in order (numbered from 1 in rules).
    pub items: Vec<Item>,
    /// LOINC code of the whole questionnaire, when it has one.
    #[serde(default)]
    pub loinc_panel: Option<String>,
    /// LOINC code of the total score, when it has one.
    #[serde(default)]
    pub loinc_total: Option<String>,
    /// Severity bands, ascending by their lowest total.
    pub bands: Vec<Band>,
    /// Symptom clusters of a cluster rule (PCL-5's DSM-5 criteria B–E).
    #[serde(default)]
    pub clusters: Vec<Cluster>,
    /// The lowest answer that counts an item as endorsed, for [`Instrument::clusters`].
    #[serde(default)]
    pub endorsed_from: Option<u32>,
    /// The cut-point: a total at or above it screens positive (PCL-5: 33), a result apart
    /// from the cluster rule. A band must begin at it, so that no band straddles it.
    #[serde(default)]
    pub cutoff: Option<u32>,
    /// Points of change between administrations that count as reliable.
    pub reliable_change: u32,
    /// A total under this counts as remission.
    #[serde(default)]
    pub remission_below: Option<u32>,
    /// Items whose answer must alert the therapist at once.
    #[serde(default)]
    pub safety: Vec<Safety>,
}

/// One answer choice.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Response {
    /// Its words, e.g. "Several days".
    pub label: String,
    /// Its LOINC answer code, when it has one.
    #[serde(default)]
    pub loinc: Option<String>,
}

/// One item.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    /// The words, exactly as published.
    pub text: String,
    /// Its LOINC code, when it has one.
    #[serde(default)]
    pub loinc: Option<String>,
}

/// A severity band: totals from `from` up to the next band.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Band {
    /// The band's lowest total.
    pub from: u32,
    /// Its name, e.g. "Moderate".
    pub label: String,
}

/// A symptom cluster: its items and how many must be endorsed.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cluster {
    /// Its name, e.g. "Intrusion".
    pub name: String,
    /// The diagnostic criterion it stands for, e.g. "B".
    pub criterion: String,
    /// Its items, numbered from 1.
    pub items: Vec<u32>,
    /// Endorsed items needed to meet it.
    pub needed: u32,
}

/// An item whose answer above `above` alerts the therapist.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Safety {
    /// The item, numbered from 1.
    pub item: u32,
    /// Answers above this alert.
    pub above: u32,
    /// What the therapist is shown.
    pub alert: String,
}

impl Instrument {
    /// The highest score an item can get.
    pub fn max_answer(&self) -> u32 {
        u32::try_from(self.responses.len().saturating_sub(1)).unwrap_or(u32::MAX)
    }

    /// The highest total.
    pub fn max_total(&self) -> u32 {
        self.max_answer()
            .saturating_mul(u32::try_from(self.items.len()).unwrap_or(u32::MAX))
    }

    /// The band a total falls in.
    pub fn band_of(&self, total: u32) -> Option<&Band> {
        self.bands.iter().rev().find(|band| total >= band.from)
    }

    /// The words of item `item` (numbered from 1), when the instrument has that item.
    pub fn item_text(&self, item: u32) -> Option<&str> {
        let index = usize::try_from(item).ok()?.checked_sub(1)?;
        self.items.get(index).map(|item| item.text.as_str())
    }

    /// The words of the answer scored `answer`, e.g. "Several days", when there is one.
    pub fn answer_label(&self, answer: u32) -> Option<&str> {
        let index = usize::try_from(answer).ok()?;
        self.responses
            .get(index)
            .map(|response| response.label.as_str())
    }

    /// The cluster of criterion `criterion` (e.g. "B"), when there is one.
    pub fn cluster(&self, criterion: &str) -> Option<&Cluster> {
        self.clusters
            .iter()
            .find(|cluster| cluster.criterion == criterion)
    }

    /// True when every item has a LOINC code: its answers can then be sent as LOINC's own
    /// form (the panel's items by their codes), not as a form of Stillpoint's.
    pub fn has_loinc_items(&self) -> bool {
        self.loinc_panel.is_some() && self.items.iter().all(|item| item.loinc.is_some())
    }

    /// The band lines a chart draws (every band's lowest total above 0).
    pub fn band_lines(&self) -> impl Iterator<Item = &Band> {
        self.bands.iter().filter(|band| band.from > 0)
    }
}

#[cfg(test)]
mod tests {
    use crate::instruments::library::bundled;

    #[test]
    fn items_and_answers_are_named_from_one_place() {
        let phq = bundled("phq-9");
        assert!(
            phq.item_text(9)
                .is_some_and(|text| text.contains("better off dead"))
        );
        assert_eq!(phq.item_text(0), None);
        assert_eq!(phq.item_text(10), None);
        assert_eq!(phq.answer_label(1), Some("Several days"));
        assert_eq!(phq.answer_label(4), None);
        assert!(phq.has_loinc_items());
        assert!(
            !bundled("pcl-5").has_loinc_items(),
            "PCL-5's items have no LOINC codes here"
        );
    }
}
