//! The questionnaire parts of the report page: the safety alerts at the top, each
//! instrument's chart and table, those left unfinished, and each session's questionnaires.

use std::fmt::Write;

use super::charts::Chart;
use super::outcomes::{AlertShown, InstrumentCourse, Questionnaires, Taken};
use super::summary::SessionSummary;
use super::words::{clock, escape, readable_time as when};

/// ", 5 questionnaire(s), 2 at the desk" for the header, or nothing.
pub(super) fn questionnaires_taken(questionnaires: &Questionnaires) -> String {
    let count: usize = questionnaires
        .instruments
        .iter()
        .map(|course| course.taken.len())
        .sum();
    match (count, questionnaires.desk_records) {
        (0, _) => String::new(),
        (count, 0) => format!(", {count} questionnaire(s)"),
        (count, desk) => format!(", {count} questionnaire(s) ({desk} at the desk)"),
    }
}

/// Where an alert was raised: in which session and when in it, or at the desk.
fn alert_place(shown: &AlertShown, sessions: &[SessionSummary]) -> String {
    if shown.at_desk {
        return "at the desk".to_owned();
    }
    match sessions
        .iter()
        .find(|session| session.record == shown.alert.record)
    {
        Some(session) => format!(
            "in “{}” at {}",
            escape(&session.title),
            clock(shown.alert.at)
        ),
        None => format!("at {} into a session", clock(shown.alert.at)),
    }
}

/// Every safety alert, at the top of the page, or nothing when there is none.
pub(super) fn safety_alerts(
    questionnaires: &Questionnaires,
    sessions: &[SessionSummary],
) -> String {
    if questionnaires.alerts.is_empty() {
        return String::new();
    }
    let open = questionnaires.unacknowledged();
    let mut html = format!(
        "<section class=\"alerts\" id=\"safety-alerts\"><h2>Safety alerts: {} raised{}</h2><ul>",
        questionnaires.alerts.len(),
        if open > 0 {
            format!(", <span class=\"open\">{open} NOT acknowledged</span>")
        } else {
            ", all acknowledged".to_owned()
        }
    );
    for shown in &questionnaires.alerts {
        let alert = &shown.alert;
        let item = shown.item_text.as_deref().map_or_else(String::new, |text| {
            format!(" <span class=\"quote\">“{}”</span>", escape(text))
        });
        let answer = shown.answer_words.as_deref().map_or_else(
            || format!("answered {}", alert.answer),
            |words| format!("answered “{}” ({})", escape(words), alert.answer),
        );
        let status = if alert.acknowledged {
            "<span class=\"acknowledged\">acknowledged</span>"
        } else {
            "<span class=\"open\">NOT acknowledged</span>"
        };
        let revision = shown.revision.as_deref().map_or_else(String::new, |words| {
            format!(
                " <span class=\"open\">The patient {}.</span>",
                escape(words)
            )
        });
        let unrecorded = if alert.recorded {
            String::new()
        } else {
            format!(
                " <span class=\"open\">This alert was {}.</span>",
                super::alerts::NOT_RECORDED
            )
        };
        let _ = write!(
            html,
            "<li><b>{name} item {item_number}</b>{item}: {answer}.{revision} {time}, {place}. \
             {status}.{unrecorded}<br><small>{message}</small></li>",
            name = escape(&shown.name),
            item_number = alert.item,
            time = alert
                .when
                .as_deref()
                .map_or_else(|| "Time not recorded".to_owned(), when),
            place = alert_place(shown, sessions),
            message = escape(&alert.message),
        );
    }
    html.push_str("</ul></section>\n");
    html
}

/// A change from the first total: "baseline", "−7", "+3", "0".
fn change_text(taken: &Taken) -> String {
    match taken.from_first {
        None => "baseline".to_owned(),
        Some(0) => "0".to_owned(),
        Some(change) if change < 0 => format!("−{}", change.unsigned_abs()),
        Some(change) => format!("+{change}"),
    }
}

/// The marks of one administration as small labels.
fn marks(taken: &Taken) -> String {
    let mut marks: Vec<String> = taken
        .administration
        .alerts
        .iter()
        .map(|alert| {
            format!(
                "<span class=\"mark alert\">safety alert: item {}{}{}{}</span>",
                alert.item,
                if alert.acknowledged {
                    ""
                } else {
                    ", NOT acknowledged"
                },
                match alert.revised_to {
                    Some(to) => format!(", answer {} changed to {to}", alert.answer),
                    None => String::new(),
                },
                if alert.recorded {
                    ""
                } else {
                    ", found from the answers (no alert line)"
                }
            )
        })
        .collect();
    marks.extend(taken.marks().into_iter().map(|mark| {
        let class = if mark == super::outcomes::RELIABLY_WORSE {
            "mark worse"
        } else {
            "mark"
        };
        format!("<span class=\"{class}\">{mark}</span>")
    }));
    if marks.is_empty() {
        "–".to_owned()
    } else {
        marks.join(" ")
    }
}

/// Where the course rules of an instrument come from, in a sentence.
fn rules(course: &InstrumentCourse) -> String {
    let Some(instrument) = &course.instrument else {
        return format!(
            "The definition of {} is not available on this computer, so no bands or change \
             rules are applied.",
            escape(&course.name)
        );
    };
    let source = match instrument.id.as_str() {
        "phq-9" => " (Löwe et al. 2004, Med Care 42:1194–1201)",
        "gad-7" => " (NHS Talking Therapies manual)",
        "pcl-5" => " (National Center for PTSD: 5–10 points reliable, 10–20 clinically meaningful)",
        _ => "",
    };
    let mut text = format!(
        "Each total is compared with the first. Reliable change: {} points or more{source}. \
         Response: a fall of half or more from the first.",
        instrument.reliable_change
    );
    if let Some(below) = instrument.remission_below {
        let _ = write!(text, " Remission: a total under {below}.");
    }
    if let Some(cutoff) = instrument.cutoff {
        let _ = write!(
            text,
            " Two screening results, each on its own: the DSM-5 cluster rule (every cluster \
             met) and the cut-point (a total of {cutoff} or more)."
        );
    }
    text.push_str(
        " Bands and rules as published; sources in Stillpoint's guide to questionnaires \
         (docs/questionnaires.md, “Across a course”).",
    );
    escape(&text)
}

/// PCL-5's clusters: "B 12 (4 endorsed, met)", one a line.
fn subscales(taken: &Taken, course: &InstrumentCourse) -> String {
    taken
        .administration
        .subscales
        .iter()
        .map(|cluster| {
            let needed = course
                .instrument
                .as_ref()
                .and_then(|instrument| instrument.cluster(&cluster.criterion))
                .map_or_else(String::new, |known| format!(" of {} needed", known.needed));
            format!(
                "{} {} <small>({} endorsed{needed}, {})</small>",
                escape(&cluster.criterion),
                cluster.score,
                cluster.endorsed,
                if cluster.met { "met" } else { "not met" }
            )
        })
        .collect::<Vec<_>>()
        .join("<br>")
}

/// One instrument: its chart, a row per administration, and the rules' sources.
fn instrument_section(course: &InstrumentCourse, chart: Option<&Chart>) -> String {
    let clusters = course
        .taken
        .iter()
        .any(|taken| !taken.administration.subscales.is_empty());
    let rule = course
        .taken
        .iter()
        .any(|taken| taken.administration.cluster_rule.is_some());
    let cut = course
        .taken
        .iter()
        .any(|taken| taken.administration.above_cutoff.is_some());
    let title = course.instrument.as_ref().map_or_else(
        || course.name.clone(),
        |instrument| instrument.title.clone(),
    );
    let mut html = format!(
        "<div class=\"instrument\" id=\"questionnaire-{id}\"><h3>{title}</h3>",
        id = escape(&course.id),
        title = escape(&title)
    );
    if let Some(chart) = chart {
        let _ = write!(
            html,
            "<figure>{}<figcaption>{}</figcaption></figure>",
            chart.svg,
            escape(&chart.description)
        );
    }
    html.push_str("<table><thead><tr><th>Date</th><th>Taken</th><th>Total</th><th>Band</th>");
    if clusters {
        html.push_str("<th>Clusters</th>");
    }
    if rule {
        html.push_str("<th>DSM-5 cluster rule</th>");
    }
    if cut {
        let cutoff = course
            .instrument
            .as_ref()
            .and_then(|instrument| instrument.cutoff)
            .map_or_else(String::new, |cutoff| format!(" ({cutoff})"));
        let _ = write!(html, "<th>Cut-point{cutoff}</th>");
    }
    html.push_str("<th>Change from first</th><th>Marks</th></tr></thead><tbody>");
    let top = course.max_total();
    for taken in &course.taken {
        let administration = &taken.administration;
        let _ = write!(
            html,
            "<tr><td class=\"date\">{date}</td><td>{via}</td><td class=\"number\">{total} / {top}</td><td>{band}</td>",
            date = escape(administration.date()),
            via = match administration.via {
                crate::session::record::AnsweredVia::Headset => "headset",
                crate::session::record::AnsweredVia::Desk => "desk",
            },
            total = administration.total,
            band = escape(&administration.band),
        );
        if clusters {
            let _ = write!(
                html,
                "<td class=\"subscales\">{}</td>",
                subscales(taken, course)
            );
        }
        let results = [
            (rule, administration.cluster_rule, "<b>met</b>", "not met"),
            (
                cut,
                administration.above_cutoff,
                "<b>at or above</b>",
                "below",
            ),
        ];
        for (shown, result, yes, no) in results {
            if shown {
                let words = result.map_or("–", |met| if met { yes } else { no });
                let _ = write!(html, "<td>{words}</td>");
            }
        }
        let _ = write!(
            html,
            "<td class=\"number\">{}</td><td>{}</td></tr>",
            change_text(taken),
            marks(taken)
        );
    }
    let _ = write!(
        html,
        "</tbody></table><p class=\"rules\">{}</p></div>",
        rules(course)
    );
    html
}

/// The questionnaires: each instrument's chart and table, and those left unfinished.
pub(super) fn questionnaire_section(
    questionnaires: &Questionnaires,
    charts: &[Chart],
    sessions: &[SessionSummary],
) -> String {
    if questionnaires.instruments.is_empty() && questionnaires.abandoned.is_empty() {
        return String::new();
    }
    let mut html = "<h2 id=\"questionnaires\">Questionnaires</h2>\n".to_owned();
    for (index, course) in questionnaires.instruments.iter().enumerate() {
        html.push_str(&instrument_section(course, charts.get(index)));
        html.push('\n');
    }
    if !questionnaires.abandoned.is_empty() {
        html.push_str("<h3>Left unfinished</h3><ul>");
        for left in &questionnaires.abandoned {
            let instrument = questionnaires
                .instruments
                .iter()
                .find(|course| course.id == left.instrument)
                .and_then(|course| course.instrument.clone());
            let name = instrument
                .as_ref()
                .map_or_else(|| left.instrument.clone(), |known| known.short.clone());
            let of = instrument
                .as_ref()
                .map_or_else(String::new, |known| format!(" of {}", known.items.len()));
            let place = sessions
                .iter()
                .find(|session| session.record == left.record)
                .map_or_else(String::new, |session| {
                    format!(" in “{}”", escape(&session.title))
                });
            let _ = write!(
                html,
                "<li>{name}: {answered}{of} items answered{place}, {time}; not scored.</li>",
                name = escape(&name),
                answered = left.answered,
                time = left
                    .when
                    .as_deref()
                    .map_or_else(|| format!("at {}", clock(left.at)), when),
            );
        }
        html.push_str("</ul>\n");
    }
    html
}

/// The questionnaires of one session, for its details.
pub(super) fn session_questionnaires(
    session: &SessionSummary,
    questionnaires: &Questionnaires,
) -> String {
    let mut taken: Vec<&super::outcomes::Administration> = questionnaires
        .instruments
        .iter()
        .flat_map(|course| &course.taken)
        .map(|taken| &taken.administration)
        .filter(|administration| administration.record == session.record)
        .collect();
    if taken.is_empty() && session.questionnaires_abandoned.is_empty() {
        return String::new();
    }
    taken.sort_by(|a, b| a.taken_at.cmp(&b.taken_at));
    let mut taken: Vec<String> = taken
        .into_iter()
        .map(|administration| {
            let alert = if administration.alerts.is_empty() {
                ""
            } else {
                " <span class=\"mark alert\">safety alert</span>"
            };
            format!(
                "{} <b>{}</b> ({}){alert}",
                escape(&administration.name),
                administration.total,
                escape(&administration.band)
            )
        })
        .collect();
    taken.extend(
        session
            .questionnaires_abandoned
            .iter()
            .map(|(instrument, answered)| {
                format!("{} left after {answered} item(s)", escape(instrument))
            }),
    );
    format!("<dt>Questionnaires</dt><dd>{}</dd>", taken.join("; "))
}
