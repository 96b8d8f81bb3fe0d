//! From an instrument file's bytes to a checked [`Instrument`], with every problem located.

use std::collections::HashSet;

use super::model::Instrument;
use crate::script::diagnostic::{Diagnostic, Location};
use crate::script::outline::Outline;
use crate::script::parse::{parse_ron, text_of};

/// What an instrument file is called in messages.
pub(super) const INSTRUMENT_KIND: &str = "questionnaire instrument";
/// The format version this build reads.
const FORMAT: u32 = 1;

/// Parses and checks an instrument file. `path` is only used in messages.
pub fn parse_instrument(path: &str, bytes: &[u8]) -> Result<Instrument, Vec<Diagnostic>> {
    let source = text_of(
        path,
        bytes,
        INSTRUMENT_KIND,
        "an instrument file starts with `Instrument(` — see docs/questionnaires.md",
    )
    .map_err(|problem| vec![problem])?;
    let instrument = parse_ron::<Instrument>(path, source).map_err(|problem| vec![problem])?;
    let problems = check(path, source, &instrument);
    if problems.is_empty() {
        Ok(instrument)
    } else {
        Err(problems)
    }
}

/// The mistakes the format cannot catch, each pointed at its field.
fn check(path: &str, source: &str, instrument: &Instrument) -> Vec<Diagnostic> {
    let outline = Outline::of(source);
    let mut found = Vec::new();
    let mut problem = |field: &str, message: String, help: &str| {
        let location = outline
            .field(source, field)
            .map(|bytes| Location::at_offset(source, bytes.start, bytes.len()));
        found.push(Diagnostic::error(path, location, message).with_help(help));
    };
    if instrument.format != FORMAT {
        problem(
            "format",
            format!(
                "format {} is not known; this version reads format {FORMAT}",
                instrument.format
            ),
            "write `format: 1`",
        );
    }
    let id_ok = !instrument.id.is_empty()
        && instrument
            .id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !id_ok {
        problem(
            "id",
            format!("`{}` is not a usable id", instrument.id),
            "use lowercase letters, digits and dashes, e.g. `phq-9`",
        );
    }
    for (field, text) in [
        ("title", &instrument.title),
        ("short", &instrument.short),
        ("source", &instrument.source),
        ("licence", &instrument.licence),
        ("stem", &instrument.stem),
    ] {
        if text.trim().is_empty() {
            problem(
                field,
                format!("`{field}` is empty"),
                "every instrument names its title, source and licence, and the question its items answer",
            );
        }
    }
    if instrument.responses.len() < 2 {
        problem(
            "responses",
            "an instrument needs at least two answers".to_owned(),
            "list the answers in score order, the one scored 0 first",
        );
    }
    if instrument.items.is_empty() {
        problem(
            "items",
            "an instrument needs at least one item".to_owned(),
            "list the items in the order they are asked",
        );
    }
    if let Some(empty) = instrument
        .responses
        .iter()
        .map(|response| &response.label)
        .chain(instrument.items.iter().map(|item| &item.text))
        .position(|text| text.trim().is_empty())
    {
        let field = if empty < instrument.responses.len() {
            "responses"
        } else {
            "items"
        };
        problem(
            field,
            "an answer or item has no words".to_owned(),
            "write the words as published",
        );
    }
    let item_count = u32::try_from(instrument.items.len()).unwrap_or(u32::MAX);
    let max_total = instrument.max_total();
    let ascending = instrument
        .bands
        .windows(2)
        .all(|pair| pair[0].from < pair[1].from);
    if instrument.bands.first().is_none_or(|band| band.from != 0) || !ascending {
        problem(
            "bands",
            "the bands must start at 0 and rise".to_owned(),
            "list the bands from the lowest, e.g. `Band(from: 0, label: \"Minimal\")` first",
        );
    }
    if let Some(band) = instrument.bands.iter().find(|band| band.from > max_total) {
        problem(
            "bands",
            format!(
                "band \"{}\" starts at {}, above the highest total ({max_total})",
                band.label, band.from
            ),
            "check the band's lowest total",
        );
    }
    let item_in_range = |item: u32| (1..=item_count).contains(&item);
    for cluster in &instrument.clusters {
        let unique: HashSet<_> = cluster.items.iter().collect();
        if cluster.items.is_empty()
            || !cluster.items.iter().all(|&item| item_in_range(item))
            || unique.len() != cluster.items.len()
        {
            problem(
                "clusters",
                format!(
                    "cluster {} names items that are not items 1 to {item_count}, or names one twice",
                    cluster.criterion
                ),
                "items are numbered from 1, in the order of `items`",
            );
        } else if cluster.needed == 0 || cluster.needed as usize > cluster.items.len() {
            problem(
                "clusters",
                format!(
                    "cluster {} needs {} endorsed items but has {}",
                    cluster.criterion,
                    cluster.needed,
                    cluster.items.len()
                ),
                "`needed` is between 1 and the number of the cluster's items",
            );
        }
    }
    match instrument.endorsed_from {
        None if !instrument.clusters.is_empty() => problem(
            "clusters",
            "clusters need `endorsed_from`, the lowest answer that counts an item as endorsed"
                .to_owned(),
            "PCL-5 uses `endorsed_from: 2` (\"Moderately\" or more)",
        ),
        Some(from) if from == 0 || from > instrument.max_answer() => problem(
            "endorsed_from",
            format!(
                "`endorsed_from: {from}` is not an answer above 0 (answers score 0 to {})",
                instrument.max_answer()
            ),
            "PCL-5 uses `endorsed_from: 2`",
        ),
        _ => {}
    }
    if let Some(cutoff) = instrument.cutoff
        && (cutoff == 0 || cutoff > max_total)
    {
        problem(
            "cutoff",
            format!("the cut-off {cutoff} is not a total between 1 and {max_total}"),
            "PCL-5's cut-off is 31 to 33; 33 is usual",
        );
    } else if let Some(cutoff) = instrument.cutoff
        && !instrument.bands.iter().any(|band| band.from == cutoff)
    {
        problem(
            "bands",
            format!("no band begins at the cut-off {cutoff}, so a band would straddle it"),
            "begin a band at the cut-off, named by the total alone, e.g. \"Total 33 or more\"",
        );
    }
    if instrument.reliable_change == 0 || instrument.reliable_change > max_total {
        problem(
            "reliable_change",
            format!(
                "a reliable change of {} points is not between 1 and {max_total}",
                instrument.reliable_change
            ),
            "use the figure published for the instrument, e.g. 5 for PHQ-9",
        );
    }
    if let Some(below) = instrument.remission_below
        && (below == 0 || below > max_total)
    {
        problem(
            "remission_below",
            format!("remission below {below} is not a total between 1 and {max_total}"),
            "PHQ-9 uses 5",
        );
    }
    for safety in &instrument.safety {
        if !item_in_range(safety.item) {
            problem(
                "safety",
                format!(
                    "safety item {} is not one of items 1 to {item_count}",
                    safety.item
                ),
                "items are numbered from 1, in the order of `items`",
            );
        } else if safety.above >= instrument.max_answer() {
            problem(
                "safety",
                format!(
                    "safety item {} alerts above {}, which no answer reaches",
                    safety.item, safety.above
                ),
                "PHQ-9 item 9 alerts above 0",
            );
        } else if safety.alert.trim().is_empty() {
            problem(
                "safety",
                format!("safety item {} has no alert for the therapist", safety.item),
                "write what the therapist is shown",
            );
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::instruments::library::bundled;

    #[test]
    fn the_bundled_instruments_read_with_their_published_shape() {
        let phq = bundled("phq-9");
        assert_eq!(
            (phq.items.len(), phq.max_answer(), phq.max_total()),
            (9, 3, 27)
        );
        assert_eq!(phq.safety[0].item, 9);
        let gad = bundled("gad-7");
        assert_eq!((gad.items.len(), gad.max_total()), (7, 21));
        let pcl = bundled("pcl-5");
        assert_eq!((pcl.items.len(), pcl.max_total()), (20, 80));
        assert_eq!(pcl.clusters.len(), 4);
        assert_eq!(pcl.cutoff, Some(33));
        assert_eq!(pcl.loinc_total.as_deref(), Some("101698-9"));
    }

    fn problems_of(source: &str) -> Vec<String> {
        match parse_instrument("clinic.instrument.ron", source.as_bytes()) {
            Ok(_) => Vec::new(),
            Err(problems) => problems.iter().map(Diagnostic::headline).collect(),
        }
    }

    const SMALL: &str = r#"Instrument(
    format: 1,
    id: "calm-2",
    title: "Calm check",
    short: "CALM-2",
    source: "Made for the test",
    licence: "None needed",
    stem: "Today:",
    responses: [Response(label: "No"), Response(label: "Yes")],
    items: [Item(text: "Calm?"), Item(text: "Rested?")],
    bands: [Band(from: 0, label: "Low"), Band(from: 1, label: "High")],
    reliable_change: 1,
    safety: [SAFETY],
)
"#;

    #[test]
    fn a_clinics_own_instrument_reads_and_its_mistakes_are_located() {
        assert!(problems_of(&SMALL.replace("SAFETY", "")).is_empty());
        assert_eq!(
            problems_of(&SMALL.replace("SAFETY", r#"Safety(item: 3, above: 0, alert: "x")"#)),
            ["clinic.instrument.ron:13:5: safety item 3 is not one of items 1 to 2"]
        );
        assert_eq!(
            problems_of(&SMALL.replace("SAFETY", "").replace("from: 1,", "from: 5,")),
            ["clinic.instrument.ron:11:5: band \"High\" starts at 5, above the highest total (2)"]
        );
        let typo = SMALL.replace("SAFETY", "").replace("stem:", "stme:");
        let problems = problems_of(&typo);
        assert_eq!(problems.len(), 1);
        assert!(
            problems[0].starts_with("clinic.instrument.ron:8:5: "),
            "{problems:?}"
        );
    }

    #[test]
    fn a_band_that_straddles_the_cut_off_is_refused() {
        let cut = SMALL.replace("SAFETY", "");
        assert!(
            problems_of(&cut.replace("reliable_change: 1,", "reliable_change: 1, cutoff: 1,"))
                .is_empty()
        );
        assert_eq!(
            problems_of(&cut.replace("reliable_change: 1,", "reliable_change: 1, cutoff: 2,")),
            [
                "clinic.instrument.ron:11:5: no band begins at the cut-off 2, so a band would straddle it"
            ]
        );
    }

    #[test]
    fn a_cluster_rule_without_endorsement_or_with_a_missing_item_is_refused() {
        let clusters = SMALL.replace("SAFETY", "").replace(
            "reliable_change: 1,",
            r#"reliable_change: 1, clusters: [Cluster(name: "A", criterion: "A", items: [1, 4], needed: 1)],"#,
        );
        assert_eq!(
            problems_of(&clusters),
            [
                "clinic.instrument.ron:12:25: cluster A names items that are not items 1 to 2, or names one twice",
                "clinic.instrument.ron:12:25: clusters need `endorsed_from`, the lowest answer that counts an item as endorsed",
            ]
        );
    }
}
