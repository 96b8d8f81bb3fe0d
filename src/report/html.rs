//! The report as one self-contained HTML page: inline styles and charts, nothing fetched
//! from anywhere, printable to PDF from a browser.

use std::fmt::Write;

use super::charts::Chart;
use super::html_questionnaires::{
    questionnaire_section, questionnaires_taken, safety_alerts, session_questionnaires,
};
use super::outcomes::Questionnaires;
use super::paintings::PaintingPicture;
use super::summary::{Outcome, SessionSummary, Stretch};
use super::voice_notes::{self, NotePlayer};
use super::words::{clock, escape, length};
use crate::session::record::EndReason;

fn stretches(list: &[Stretch]) -> String {
    if list.is_empty() {
        return "none".to_owned();
    }
    list.iter()
        .map(|stretch| match stretch.secs {
            Some(secs) => format!("at {} for {}", clock(stretch.from), length(secs)),
            None => format!("at {} (until the record stops)", clock(stretch.from)),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn status(session: &SessionSummary) -> String {
    let mut text = match session.outcome {
        Outcome::Ended(EndReason::Completed) => "completed".to_owned(),
        Outcome::Ended(EndReason::EndedByTherapist) => "ended by the therapist".to_owned(),
        Outcome::Ended(EndReason::Abandoned) => "interrupted, closed without resuming".to_owned(),
        Outcome::Unfinished => "unfinished: the record stops here (interrupted)".to_owned(),
    };
    if session.resumptions > 0 {
        let _ = write!(text, "; resumed {} time(s)", session.resumptions);
    }
    if !session.damaged_lines.is_empty() {
        let lines: Vec<String> = session.damaged_lines.iter().map(usize::to_string).collect();
        let _ = write!(text, "; unreadable line(s) {} skipped", lines.join(", "));
    }
    text
}

/// When the headset's runtime stopped during the session, if it did.
fn headset_gaps(session: &SessionSummary) -> String {
    if session.headset_gaps.is_empty() {
        return String::new();
    }
    format!(
        "<dt>Headset lost</dt><dd>{}</dd>",
        stretches(&session.headset_gaps)
    )
}

fn phase(session: &SessionSummary) -> &'static str {
    session.phase.map_or("unknown", |phase| phase.label())
}

fn answers(session: &SessionSummary) -> String {
    if session.answers.is_empty() {
        return "none".to_owned();
    }
    session
        .answers
        .iter()
        .map(|answer| {
            let value = answer
                .value
                .map_or_else(|| "no answer".to_owned(), |value| value.to_string());
            format!(
                "<span class=\"answer\">{} <b>{}</b> <small>at {}</small></span>",
                escape(&answer.id),
                escape(&value),
                clock(answer.at)
            )
        })
        .collect::<Vec<_>>()
        .join(" ")
}

const STYLE: &str = r#"
:root { color-scheme: light; --ink: #2f3340; --soft: #6b7080; --line: #dfe1e8; --accent: #466ea0; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
       color: var(--ink); margin: 0 auto; max-width: 1000px; padding: 32px 40px; line-height: 1.45; }
header { border-bottom: 3px solid var(--accent); padding-bottom: 12px; margin-bottom: 20px; }
h1 { font-size: 26px; margin: 0; }
h2 { font-size: 19px; margin: 28px 0 10px; }
h3 { font-size: 16px; margin: 0 0 6px; }
.meta { color: var(--soft); margin: 4px 0 0; }
.cards { display: flex; gap: 12px; flex-wrap: wrap; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 10px 16px; min-width: 150px; }
.card .number { font-size: 26px; font-weight: 600; }
.card .label { color: var(--soft); font-size: 13px; }
.charts { display: flex; gap: 16px; flex-wrap: wrap; align-items: flex-start; }
figure { margin: 0; }
figcaption { color: var(--soft); font-size: 12px; max-width: 760px; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { border-bottom: 1px solid var(--line); padding: 6px 8px; text-align: left; vertical-align: top; }
th { background: #f4f5f8; font-weight: 600; }
td.number { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.date { white-space: nowrap; }
.session { border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px; margin: 10px 0;
           break-inside: avoid; }
.session dl { display: grid; grid-template-columns: 150px 1fr; gap: 2px 12px; margin: 0; font-size: 13px; }
.session dt { color: var(--soft); }
.session dd { margin: 0; }
.unfinished { color: #9a5a1e; }
.answer { display: inline-block; background: #f0f3f8; border-radius: 4px; padding: 0 6px; margin: 1px 2px; }
footer { margin-top: 28px; color: var(--soft); font-size: 12px; }
.painting { display: inline-block; margin: 4px 12px 4px 0; }
.painting img { display: block; border-radius: 6px; background: #0b0f16; }
.painting figcaption, .painting .missing { font-size: 12px; color: var(--soft); }
.voice-note { margin: 2px 0 10px; }
.voice-note figcaption { display: flex; flex-direction: column; color: var(--ink); font-size: 13px; }
.voice-note .prompt { font-style: italic; }
.voice-note small, .voice-note .missing { font-size: 12px; color: var(--soft); }
.voice-note audio { display: block; width: 100%; max-width: 420px; height: 36px; margin-top: 4px; }
.voice-note .missing { margin: 4px 0 0; }
.voice-note .file { display: block; font-size: 11px; }
.alerts { border: 2px solid #b24a34; border-radius: 8px; background: #fdf4f0; padding: 10px 16px;
          margin: 0 0 20px; break-inside: avoid; }
.alerts h2 { margin: 0 0 6px; color: #8c3420; font-size: 18px; }
.alerts ul { margin: 0; padding-left: 20px; }
.alerts li { margin: 6px 0; }
.alerts .quote { font-style: italic; }
.open { color: #8c3420; font-weight: 700; }
.acknowledged { color: #3f6e52; font-weight: 600; }
.mark { display: inline-block; border-radius: 4px; padding: 0 6px; margin: 1px 2px; white-space: nowrap;
        background: #eaf3ee; color: #2f5e44; }
.mark.worse { background: #fbeee9; color: #8c3420; }
.mark.alert { background: #b24a34; color: #fff; font-weight: 600; }
.instrument { margin: 12px 0 22px; break-inside: avoid; }
.rules { color: var(--soft); font-size: 12px; margin: 6px 0 0; max-width: 900px; }
.subscales { white-space: nowrap; }
@media print { body { padding: 0; } .session { page-break-inside: avoid; } .voice-note audio { display: none; } }
"#;

/// The course charts a report shows.
pub struct Charts<'a> {
    /// Check-in answers session by session.
    pub check_ins: &'a Chart,
    /// Sessions by phase.
    pub phases: &'a Chart,
    /// Each questionnaire's totals, in the order of [`Questionnaires::instruments`].
    pub questionnaires: &'a [Chart],
}

/// The paintings of one session, as figures with their pictures.
fn paintings(pictures: &[PaintingPicture]) -> String {
    pictures
        .iter()
        .map(|painting| {
            let picture = match &painting.data_uri {
                Some(uri) => format!(
                    "<img src=\"{uri}\" width=\"160\" height=\"160\" alt=\"the painting of step {}\">",
                    painting.step + 1
                ),
                None => "<div class=\"missing\">picture not available</div>".to_owned(),
            };
            format!(
                "<figure class=\"painting\">{picture}<figcaption>step {}: {} strokes, {} points</figcaption></figure>",
                painting.step + 1,
                painting.strokes,
                painting.points
            )
        })
        .collect()
}

/// What the patient made and kept in each session, in session order.
pub struct Kept<'a> {
    /// Each session's paintings.
    pub pictures: &'a [Vec<PaintingPicture>],
    /// Each session's voice notes.
    pub voice_notes: &'a [Vec<NotePlayer>],
}

/// The whole report page.
pub fn page(
    patient: &str,
    sessions: &[SessionSummary],
    charts: &Charts,
    questionnaires: &Questionnaires,
    kept: &Kept,
    generated_at: &str,
) -> String {
    let (check_ins, phases) = (charts.check_ins, charts.phases);
    let mut html = String::new();
    let span = match (sessions.first(), sessions.last()) {
        (Some(first), Some(last)) if first.date() != last.date() => {
            format!("{} to {}", first.date(), last.date())
        }
        (Some(first), _) => first.date().to_owned(),
        _ => "no sessions".to_owned(),
    };
    let unfinished = sessions
        .iter()
        .filter(|session| session.outcome == Outcome::Unfinished)
        .count();
    let total_secs: f64 = sessions.iter().map(|session| session.duration_secs).sum();
    let _ = write!(
        html,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>Stillpoint report: {patient}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n\
         <header><h1>Stillpoint course report</h1>\
         <p class=\"meta\">Patient <b>{patient}</b> &middot; {count} session(s), {span}{taken} &middot; generated {generated}</p></header>\n",
        patient = escape(patient),
        count = sessions.len(),
        taken = questionnaires_taken(questionnaires),
        span = escape(&span),
        generated = escape(generated_at),
    );
    html.push_str(&safety_alerts(questionnaires, sessions));
    html.push_str("<section class=\"cards\">");
    let mut card = |number: String, label: &str| {
        let _ = write!(
            html,
            "<div class=\"card\"><div class=\"number\">{number}</div><div class=\"label\">{label}</div></div>"
        );
    };
    card(sessions.len().to_string(), "sessions");
    for (phase, count) in super::charts::phase_counts(sessions) {
        card(count.to_string(), phase.label());
    }
    card(length(total_secs), "in sessions");
    card(unfinished.to_string(), "unfinished");
    let notes: usize = kept.voice_notes.iter().map(Vec::len).sum();
    if notes > 0 {
        card(notes.to_string(), "voice notes");
    }
    html.push_str("</section>\n");

    let _ = writeln!(
        html,
        "<h2>Across the course</h2><div class=\"charts\">\
         <figure>{}<figcaption>{}</figcaption></figure>\
         <figure>{}<figcaption>{}</figcaption></figure></div>",
        check_ins.svg,
        escape(&check_ins.description),
        phases.svg,
        escape(&phases.description)
    );

    html.push_str(&questionnaire_section(
        questionnaires,
        charts.questionnaires,
        sessions,
    ));

    html.push_str(
        "<h2>Sessions</h2>\n<table>\n<thead><tr><th>#</th><th>Date</th><th>Session</th><th>Phase</th>\
         <th>Length</th><th>Steps done</th><th>Pauses</th><th>Calm</th><th>Check-ins</th>\
         <th>Intention</th></tr></thead>\n<tbody>\n",
    );
    for (number, session) in (1..).zip(sessions) {
        let check_ins = session
            .answers
            .iter()
            .map(|answer| {
                let value = answer
                    .value
                    .map_or("–".to_owned(), |value| value.to_string());
                format!("{} {}", escape(&answer.id), value)
            })
            .collect::<Vec<_>>()
            .join("<br>");
        let _ = writeln!(
            html,
            "<tr{class}><td class=\"number\">{number}</td><td class=\"date\">{date}</td><td>{title}</td><td>{phase}</td>\
             <td class=\"number\">{length}</td><td class=\"number\">{done} / {total}</td>\
             <td class=\"number\">{pauses}</td><td class=\"number\">{calm}</td><td>{check_ins}</td><td>{intention}</td></tr>",
            class = if session.outcome == Outcome::Unfinished {
                " class=\"unfinished\""
            } else {
                ""
            },
            date = escape(session.date()),
            title = escape(&session.title),
            phase = phase(session),
            length = length(session.duration_secs),
            done = session.steps_completed,
            total = session.steps_total,
            pauses = session.pauses.len(),
            calm = session.calm.len(),
            intention = escape(session.intention.as_deref().unwrap_or("–")),
        );
    }
    html.push_str("</tbody></table>\n<h2>Session details</h2>\n");
    for (index, session) in sessions.iter().enumerate() {
        let number = index + 1;
        let painted = kept.pictures.get(index).map_or(&[][..], Vec::as_slice);
        let painted = if painted.is_empty() {
            String::new()
        } else {
            format!("<dt>Paintings</dt><dd>{}</dd>", paintings(painted))
        };
        let spoken = kept.voice_notes.get(index).map_or(&[][..], Vec::as_slice);
        let spoken = if spoken.is_empty() {
            String::new()
        } else {
            format!("<dt>Voice notes</dt><dd>{}</dd>", voice_notes::html(spoken))
        };
        let _ = writeln!(
            html,
            "<article class=\"session\"><h3>{number}. {title} <small class=\"meta\">{date}, {phase}</small></h3><dl>\
             <dt>Started</dt><dd>{started}</dd>\
             <dt>Length</dt><dd>{length}</dd>\
             <dt>Steps</dt><dd>{done} of {total} done, {skipped} skipped</dd>\
             <dt>Pauses</dt><dd>{pauses}</dd>\
             <dt>Calm</dt><dd>{calm}</dd>{headset}\
             <dt>Check-ins</dt><dd>{answers}</dd>\
             <dt>Intention</dt><dd>{intention}</dd>{taken}{painted}{spoken}\
             <dt>Status</dt><dd{status_class}>{status}</dd>\
             <dt>Record</dt><dd><small>{record}</small></dd></dl></article>",
            title = escape(&session.title),
            date = escape(session.date()),
            phase = phase(session),
            started = escape(&session.started_at),
            length = length(session.duration_secs),
            done = session.steps_completed,
            total = session.steps_total,
            skipped = session.steps_skipped,
            pauses = stretches(&session.pauses),
            calm = stretches(&session.calm),
            headset = headset_gaps(session),
            answers = answers(session),
            intention = escape(session.intention.as_deref().unwrap_or("none chosen")),
            taken = session_questionnaires(session, questionnaires),
            status_class = if session.outcome == Outcome::Unfinished {
                " class=\"unfinished\""
            } else {
                ""
            },
            status = escape(&status(session)),
            record = escape(&crate::artwork::file_name(&session.record)),
        );
    }
    html.push_str(
        "<footer>Made by Stillpoint from the session records on this computer. \
         Patients are identified by pseudonymous code only. Times are session times \
         (minutes:seconds from the start of each session).</footer>\n</body>\n</html>\n",
    );
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_times_read_naturally() {
        assert_eq!(
            escape("<b>\"x\" & 'y'</b>"),
            "&lt;b&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/b&gt;"
        );
        assert_eq!(clock(754.4), "12:34");
        assert_eq!(clock(3725.0), "1:02:05");
        assert_eq!(length(45.0), "45 s");
        assert_eq!(length(180.0), "3 min");
        assert_eq!(length(190.0), "3 min 10 s");
        assert_eq!(length(3720.0), "1 h 02 min");
    }
}
