//! The table of a patient's answers: one row per questionnaire item answered, each
//! administration followed by its safety alerts, then the alerts of questionnaires left
//! unsent, then one row per check-in answered, as CSV (RFC 4180: a header row, CRLF line
//! ends, fields quoted when they hold a comma, a double quote or a line break, double
//! quotes doubled). A field a spreadsheet would take for a formula is written as text.

use super::{PatientExport, record_name, via_name};
use crate::instruments::{Instrument, InstrumentSet};
use crate::report::alerts::NOT_RECORDED;
use crate::report::outcomes::{Administration, RaisedAlert};

/// The column saying whether an alert was acknowledged: the record does not say by whom.
pub const ACKNOWLEDGED: &str = "acknowledged (who acknowledged is not recorded)";

/// The columns, in order.
pub const COLUMNS: [&str; 17] = [
    "patient",
    "row",
    "taken_at",
    "instrument",
    "item",
    "item_text",
    "answer_score",
    "answer_label",
    "total",
    "band",
    "cluster_rule",
    "above_cutoff",
    "alert_recorded",
    ACKNOWLEDGED,
    "note",
    "via",
    "record",
];

/// The whole table: the header, then for each administration (oldest first) a row per
/// answer (`row` `answer`, items in order) and a row per safety alert (`row`
/// `safety_alert`), then the alerts of questionnaires left unsent, then a row per check-in
/// answered (`row` `check_in`: its id as `instrument`, its 0–10 answer as `answer_score`).
/// Fields a row has no value for are empty.
pub fn table(export: &PatientExport, instruments: &InstrumentSet) -> String {
    let mut text = String::new();
    push_row(&mut text, COLUMNS.iter().copied());
    for taken in &export.administrations {
        let instrument = instruments.get(&taken.instrument).map(AsRef::as_ref);
        let file = record_name(&taken.record);
        let total = taken.total.to_string();
        let via = via_name(taken.via);
        for (number, score) in (1..).zip(&taken.answers) {
            let number_text = number.to_string();
            let score_text = score.to_string();
            let note = taken
                .alerts
                .iter()
                .filter(|alert| alert.item == number)
                .find_map(|alert| alert.revision_in_words(instrument))
                .map(|words| format!("revised: {words} (a safety alert was raised)"))
                .unwrap_or_default();
            push_row(
                &mut text,
                [
                    export.patient.as_str(),
                    "answer",
                    &taken.taken_at,
                    &taken.instrument,
                    &number_text,
                    instrument
                        .and_then(|known| known.item_text(number))
                        .unwrap_or_default(),
                    &score_text,
                    instrument
                        .and_then(|known| known.answer_label(*score))
                        .unwrap_or_default(),
                    &total,
                    &taken.band,
                    taken
                        .cluster_rule
                        .map_or("", |yes| if yes { "met" } else { "not met" }),
                    taken
                        .above_cutoff
                        .map_or("", |yes| if yes { "yes" } else { "no" }),
                    "",
                    "",
                    &note,
                    via,
                    &file,
                ],
            );
        }
        for alert in &taken.alerts {
            push_alert(&mut text, &export.patient, alert, instrument, Some(taken));
        }
    }
    for alert in export.alerts_left() {
        let instrument = instruments.get(&alert.instrument).map(AsRef::as_ref);
        push_alert(&mut text, &export.patient, alert, instrument, None);
    }
    for check_in in &export.check_ins {
        let value = check_in.value.to_string();
        push_row(
            &mut text,
            [
                export.patient.as_str(),
                "check_in",
                check_in.answered_at.as_deref().unwrap_or_default(),
                &check_in.id,
                "",
                "",
                &value,
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "headset",
                &record_name(&check_in.record),
            ],
        );
    }
    text
}

/// A safety alert's row: when it was raised, the item and the answer that raised it,
/// whether a line was recorded, whether it was acknowledged, and in `note` a changed answer,
/// an alert found from the answers alone, or a questionnaire left unsent (`taken` `None`).
fn push_alert(
    text: &mut String,
    patient: &str,
    alert: &RaisedAlert,
    instrument: Option<&Instrument>,
    taken: Option<&Administration>,
) {
    let item = alert.item.to_string();
    let answer = alert.answer.to_string();
    let mut notes: Vec<String> = alert
        .revision_in_words(instrument)
        .map(|words| format!("revised: {words}"))
        .into_iter()
        .collect();
    if !alert.recorded {
        notes.push(NOT_RECORDED.to_owned());
    }
    if taken.is_none() {
        notes.push("the questionnaire was left before its answers were sent".to_owned());
    }
    notes.push(alert.message.clone());
    let total = taken
        .map(|taken| taken.total.to_string())
        .unwrap_or_default();
    push_row(
        text,
        [
            patient,
            "safety_alert",
            alert.when.as_deref().unwrap_or_default(),
            &alert.instrument,
            &item,
            instrument
                .and_then(|known| known.item_text(alert.item))
                .unwrap_or_default(),
            &answer,
            instrument
                .and_then(|known| known.answer_label(alert.answer))
                .unwrap_or_default(),
            &total,
            taken.map_or("", |taken| taken.band.as_str()),
            "",
            "",
            if alert.recorded { "yes" } else { "no" },
            if alert.acknowledged { "yes" } else { "no" },
            &notes.join("; "),
            taken.map_or("", |taken| via_name(taken.via)),
            &record_name(&alert.record),
        ],
    );
}

fn push_row<'a>(text: &mut String, fields: impl IntoIterator<Item = &'a str>) {
    for (index, field) in fields.into_iter().enumerate() {
        if index > 0 {
            text.push(',');
        }
        text.push_str(&quoted(field));
    }
    text.push_str("\r\n");
}

/// One field as RFC 4180 writes it. Words from a clinic's files (an item, an answer, a
/// check-in's id) that begin as a formula would (`=`, `+`, `-`, `@`, a tab or a carriage
/// return) get a leading `'`, so that a spreadsheet shows them and never runs them.
pub fn quoted(field: &str) -> String {
    let field = if field.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{field}")
    } else {
        field.to_owned()
    };
    if field.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_as_rfc_4180_says() {
        assert_eq!(quoted("Not at all"), "Not at all");
        assert_eq!(
            quoted("Feeling down, depressed, or hopeless"),
            "\"Feeling down, depressed, or hopeless\""
        );
        assert_eq!(
            quoted("Being \"superalert\""),
            "\"Being \"\"superalert\"\"\""
        );
        assert_eq!(quoted("two\nlines"), "\"two\nlines\"");
    }

    #[test]
    fn a_field_that_would_be_a_formula_is_written_as_text() {
        assert_eq!(quoted("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(quoted("+1"), "'+1");
        assert_eq!(quoted("-2+3"), "'-2+3");
        assert_eq!(quoted("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(quoted("\tx"), "'\tx");
        assert_eq!(quoted("\r=1"), "\"'\r=1\"");
        // Dates, codes and words as they are.
        assert_eq!(quoted("2026-12-01T10:00:00Z"), "2026-12-01T10:00:00Z");
        assert_eq!(quoted("P-014"), "P-014");
        assert_eq!(quoted("suds-arrival"), "suds-arrival");
    }
}
