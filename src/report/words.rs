//! How a report writes times and words: session time as wall time, dates as a therapist
//! reads them, clock times and lengths, and text made safe for HTML. The reports, their
//! questionnaire pages and the exports all write them through here.

use crate::session::record::{EventKind, ReadRecord};

/// The wall-clock time, RFC 3339 UTC to the nearest second, of session time `t` in
/// `record`: from the session's start, or from a desk record's questionnaire. Every report
/// and export turns session time into wall time with this.
pub fn wall_time(record: &ReadRecord, t: f64) -> Option<String> {
    let origin = match &record.events.first()?.kind {
        EventKind::SessionStarted { started_at, .. } => started_at,
        EventKind::Questionnaire { taken_at, .. } => taken_at,
        _ => return None,
    };
    time_after(origin, t)
}

/// The wall-clock time, RFC 3339 UTC to the nearest second, `t` seconds after `origin`
/// (RFC 3339).
pub fn time_after(origin: &str, t: f64) -> Option<String> {
    let origin = humantime::parse_rfc3339_weak(origin).ok()?;
    let after = std::time::Duration::try_from_secs_f64(t.max(0.0).round()).ok()?;
    Some(humantime::format_rfc3339_seconds(origin.checked_add(after)?).to_string())
}

/// An RFC 3339 time as a therapist reads it: "2026-11-09 09:41 UTC".
pub fn readable_time(rfc3339: &str) -> String {
    match (rfc3339.get(..10), rfc3339.get(11..16)) {
        (Some(day), Some(time)) if rfc3339.ends_with('Z') => format!("{day} {time} UTC"),
        (Some(day), Some(time)) => format!("{day} {time}"),
        _ => rfc3339.to_owned(),
    }
}

/// A session time as `m:ss` (or `h:mm:ss`).
pub fn clock(secs: f64) -> String {
    let total = secs.max(0.0).round() as u64;
    let (hours, minutes, seconds) = (total / 3600, total / 60 % 60, total % 60);
    if hours > 0 {
        format!("{hours}:{minutes:02}:{seconds:02}")
    } else {
        format!("{minutes}:{seconds:02}")
    }
}

/// A length as the therapist says it: `45 s`, `3 min 10 s`, `1 h 02 min`.
pub fn length(secs: f64) -> String {
    let total = secs.max(0.0).round() as u64;
    match (total / 3600, total / 60 % 60, total % 60) {
        (0, 0, seconds) => format!("{seconds} s"),
        (0, minutes, 0) => format!("{minutes} min"),
        (0, minutes, seconds) => format!("{minutes} min {seconds} s"),
        (hours, minutes, _) => format!("{hours} h {minutes:02} min"),
    }
}

/// Escapes text for HTML.
pub fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            other => escaped.push(other),
        }
    }
    escaped
}
