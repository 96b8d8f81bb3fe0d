//! Check-ins: this session's answers as they come, and the patient's course so far.

use bevy_egui::egui;

use super::chart::{Series, line_chart};
use super::layout::PanelView;
use super::live::Course;
use crate::report::charts::check_in_series;
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
    if course.sessions.is_empty() {
        ui.small("No earlier sessions recorded for this code.");
        return;
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
