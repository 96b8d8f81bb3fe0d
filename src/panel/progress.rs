//! Check-ins: this session's answers as they come, and the patient's course so far, with
//! their questionnaires and any safety alert not acknowledged.

use bevy_egui::egui;

use super::chart::{ALERT, Series, line_chart, totals_chart};
use super::live::Course;
use super::view::PanelView;
use crate::report::charts::check_in_series;
use crate::report::outcomes::Questionnaires;
use crate::report::summary::{Outcome, SessionSummary};
use crate::script::duration::format_length;
use crate::session::record::EndReason;

pub(super) fn check_ins(ui: &mut egui::Ui, view: &PanelView) {
    ui.label(egui::RichText::new("Check-ins this session").strong());
    let Some(summary) = &view.live.summary else {
        ui.small("Answers appear here as the patient gives them.");
        return;
    };
    let series = session_series(summary);
    if series.is_empty() {
        ui.small("No answers yet.");
        return;
    }
    let end = summary
        .duration_secs
        .max(view.runtime.session_secs())
        .max(60.0);
    line_chart(ui, &series, (0.0, end), "session time", |secs| {
        format!("{:.0} min", secs / 60.0)
    });
}

/// The answers of one session as chart lines over session time, one per check-in.
pub fn session_series(summary: &SessionSummary) -> Vec<Series> {
    let mut series: Vec<Series> = Vec::new();
    for answer in &summary.answers {
        let Some(value) = answer.value else { continue };
        let point = (answer.at, value);
        match series.iter_mut().find(|line| line.name == answer.id) {
            Some(line) => line.points.push(point),
            None => series.push(Series {
                name: answer.id.clone(),
                points: vec![point],
            }),
        }
    }
    series
}

pub(super) fn course(ui: &mut egui::Ui, course: &Course) {
    if course.patient.is_empty() {
        return;
    }
    ui.label(egui::RichText::new(format!("Course of {}", course.patient)).strong());
    questionnaire_alerts(ui, &course.questionnaires);
    if course.sessions.is_empty() {
        ui.small("No earlier sessions recorded for this code.");
    }
    let series: Vec<Series> = check_in_series(&course.sessions)
        .into_iter()
        .map(|(name, points)| Series {
            name,
            points: points
                .into_iter()
                .map(|(number, value)| (f64::from(number), value))
                .collect(),
        })
        .collect();
    if !series.is_empty() {
        line_chart(
            ui,
            &series,
            (1.0, course.sessions.len().max(2) as f64),
            "session",
            |number| format!("#{number:.0}"),
        );
    }
    if let Some(last) = course.sessions.last() {
        ui.label(last_session_summary(last, course.sessions.len()));
    }
    questionnaires(ui, &course.questionnaires);
}

/// Safety alerts in the course not acknowledged, each in a line, above everything else;
/// those acknowledged are counted.
fn questionnaire_alerts(ui: &mut egui::Ui, found: &Questionnaires) {
    for shown in found
        .alerts
        .iter()
        .filter(|shown| !shown.alert.acknowledged)
    {
        ui.colored_label(ALERT, format!("⚠ Safety alert: {}.", shown.in_words()));
    }
    let acknowledged = found.alerts.len() - found.unacknowledged();
    if acknowledged > 0 {
        ui.small(format!(
            "{acknowledged} earlier safety alert(s), acknowledged."
        ));
    }
}

/// Each questionnaire's totals across the course, with the latest in words.
fn questionnaires(ui: &mut egui::Ui, found: &Questionnaires) {
    if found.instruments.is_empty() {
        return;
    }
    ui.add_space(6.0);
    ui.label(egui::RichText::new("Questionnaires").strong());
    for instrument in &found.instruments {
        ui.small(&instrument.name);
        totals_chart(ui, instrument);
        ui.label(instrument.latest_in_words());
        ui.add_space(4.0);
    }
}

/// One paragraph about a session, for the therapist preparing the next one.
pub fn last_session_summary(session: &SessionSummary, count: usize) -> String {
    let outcome = match session.outcome {
        Outcome::Ended(EndReason::Completed) => "completed",
        Outcome::Ended(EndReason::EndedByTherapist) => "ended by the therapist",
        Outcome::Ended(EndReason::Abandoned) => "closed without resuming",
        Outcome::Unfinished => "unfinished",
    };
    let answers: Vec<String> = session
        .answers
        .iter()
        .filter_map(|answer| answer.value.map(|value| format!("{} {value}", answer.id)))
        .collect();
    format!(
        "Last of {count}: {} on {}, {} ({}), {} of {} steps, {} pause(s), {} calm moment(s){}{}.",
        session.title,
        session.date(),
        format_length(session.duration_secs),
        outcome,
        session.steps_completed,
        session.steps_total,
        session.pauses.len(),
        session.calm.len(),
        if answers.is_empty() {
            String::new()
        } else {
            format!("; check-ins: {}", answers.join(", "))
        },
        session
            .intention
            .as_ref()
            .map(|intention| format!("; intention: {intention}"))
            .unwrap_or_default(),
    )
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::instruments::InstrumentSet;
    use crate::session::record::{AnsweredVia, Event, EventKind, ReadRecord};

    fn texts(shape: &egui::Shape, found: &mut Vec<String>) {
        match shape {
            egui::Shape::Text(text) => found.push(text.galley.text().to_owned()),
            egui::Shape::Vec(shapes) => shapes.iter().for_each(|shape| texts(shape, found)),
            _ => {}
        }
    }

    #[test]
    fn the_course_shows_questionnaires_and_open_alerts_even_without_sessions() {
        let folders = [PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("assets/instruments")];
        let (set, _) = InstrumentSet::load(&folders);
        let desk = |day: u32, total: u32, band: &str, alert: bool| {
            let mut events = vec![Event {
                t: 0.0,
                kind: EventKind::Questionnaire {
                    instrument: "phq-9".into(),
                    administration: None,
                    name: "PHQ-9".into(),
                    answers: Vec::new(),
                    total,
                    band: band.into(),
                    subscales: Vec::new(),
                    cluster_rule: None,
                    above_cutoff: None,
                    secs: 60.0,
                    taken_at: format!("2026-11-{day:02}T09:00:00Z"),
                    via: AnsweredVia::Desk,
                },
            }];
            if alert {
                events.push(Event {
                    t: 0.0,
                    kind: EventKind::SafetyAlert {
                        instrument: "phq-9".into(),
                        administration: None,
                        item: 9,
                        answer: 2,
                        message: "ask".into(),
                    },
                });
            }
            (
                PathBuf::from(format!("q-{day}.jsonl")),
                ReadRecord {
                    events,
                    damaged_lines: Vec::new(),
                },
            )
        };
        let course = Course {
            patient: "P-1".into(),
            questionnaires: Questionnaires::from_records(
                &[
                    desk(2, 16, "Moderately severe", false),
                    desk(9, 9, "Mild", true),
                ],
                &set,
            ),
            ..Course::default()
        };
        let context = egui::Context::default();
        let mut output = context.run_ui(egui::RawInput::default(), |ui| super::course(ui, &course));
        // No renderer here to take the font texture.
        output.textures_delta.clear();
        let mut found = Vec::new();
        for clipped in &output.shapes {
            texts(&clipped.shape, &mut found);
        }
        let all = found.join("\n");
        assert!(all.contains("Safety alert: PHQ-9 item 9 answered"), "{all}");
        assert!(all.contains("NOT acknowledged"), "{all}");
        assert!(
            all.contains(
                "PHQ-9 9 (Mild) on 2026-11-09, 7 lower than the first (16): reliable improvement."
            ),
            "{all}"
        );
        for band in ["Mild 5", "Moderate 10", "Moderately severe 15", "Severe 20"] {
            assert!(all.contains(band), "band line {band}: {all}");
        }
    }
}
