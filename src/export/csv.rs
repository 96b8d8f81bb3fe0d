//! The table of a patient's answers: one row per questionnaire item answered, then one per
//! check-in answered, as CSV (RFC 4180: a header row, CRLF line ends, fields quoted when
//! they hold a comma, a double quote or a line break, double quotes doubled). A field a
//! spreadsheet would take for a formula is written as text.

use super::{PatientExport, answer_label, item_text, record_name};
use crate::instruments::InstrumentSet;
use crate::session::record::AnsweredVia;

/// The columns, in order.
pub const COLUMNS: [&str; 11] = [
    "patient",
    "taken_at",
    "instrument",
    "item",
    "item_text",
    "answer_score",
    "answer_label",
    "total",
    "band",
    "via",
    "record",
];

/// The whole table: the header, a row per questionnaire answer (oldest administration
/// first, items in order), then a row per check-in answered. A check-in's row has the
/// check-in's id as `instrument`, its 0–10 answer as `answer_score`, `via` `headset`, and
/// `item`, `item_text`, `answer_label`, `total` and `band` empty.
pub fn table(export: &PatientExport, instruments: &InstrumentSet) -> String {
    let mut text = String::new();
    push_row(&mut text, COLUMNS.iter().copied());
    for taken in &export.administrations {
        let instrument = instruments.get(&taken.instrument).map(AsRef::as_ref);
        let via = match taken.via {
            AnsweredVia::Headset => "headset",
            AnsweredVia::Desk => "desk",
        };
        let file = record_name(&taken.record);
        let total = taken.total.to_string();
        for (index, score) in taken.answers.iter().enumerate() {
            let number = (index + 1).to_string();
            let score_text = score.to_string();
            push_row(
                &mut text,
                [
                    export.patient.as_str(),
                    &taken.taken_at,
                    &taken.instrument,
                    &number,
                    item_text(instrument, index + 1).unwrap_or_default(),
                    &score_text,
                    answer_label(instrument, *score).unwrap_or_default(),
                    &total,
                    &taken.band,
                    via,
                    &file,
                ],
            );
        }
    }
    for check_in in &export.check_ins {
        let value = check_in.value.to_string();
        push_row(
            &mut text,
            [
                export.patient.as_str(),
                check_in.answered_at.as_deref().unwrap_or_default(),
                &check_in.id,
                "",
                "",
                &value,
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
