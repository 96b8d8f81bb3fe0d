//! Human-friendly durations for session scripts: `"45s"`, `"4m"`, `"1m 30s"`, `"1h"`.

use std::fmt;
use std::time::Duration;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A length of time written the way a person would say it, e.g. `"90s"`, `"4m"` or `"1m 30s"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Default, Hash)]
pub struct HumanDuration(pub Duration);

impl HumanDuration {
    /// A duration of whole seconds.
    pub const fn from_secs(secs: u64) -> Self {
        Self(Duration::from_secs(secs))
    }

    /// The duration in seconds.
    pub fn secs(self) -> f64 {
        self.0.as_secs_f64()
    }

    /// Parses `"90s"`, `"4m"`, `"1m 30s"`, `"1h 5m"`, `"2.5s"`; units s, m, h (and their
    /// long forms such as `sec`, `min`, `minutes`).
    pub fn parse(text: &str) -> Result<Self, String> {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err(expected_message(text));
        }
        if let Some(value) = parse_decimal_seconds(trimmed) {
            return Ok(value);
        }
        humantime::parse_duration(trimmed)
            .map(Self)
            .map_err(|_| expected_message(text))
    }
}

/// `"2.5s"`: humantime has no fractional numbers, but breathing phases often want them.
fn parse_decimal_seconds(text: &str) -> Option<HumanDuration> {
    let number = text
        .strip_suffix("s")
        .or_else(|| text.strip_suffix("sec"))?
        .trim();
    if !number.contains('.') {
        return None;
    }
    let secs: f64 = number.parse().ok()?;
    (secs.is_finite() && (0.0..=86_400.0).contains(&secs))
        .then(|| HumanDuration(Duration::from_secs_f64(secs)))
}

fn expected_message(text: &str) -> String {
    format!(
        "\"{text}\" is not a length of time; write it like \"45s\", \"4m\", \"1m 30s\" or \"2.5s\""
    )
}

impl fmt::Display for HumanDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let total = self.0.as_secs_f64();
        if total.fract() > 1e-9 {
            return write!(f, "{total}s");
        }
        let total = self.0.as_secs();
        let (hours, minutes, seconds) = (total / 3600, total / 60 % 60, total % 60);
        let mut parts = Vec::new();
        if hours > 0 {
            parts.push(format!("{hours}h"));
        }
        if minutes > 0 {
            parts.push(format!("{minutes}m"));
        }
        if seconds > 0 || parts.is_empty() {
            parts.push(format!("{seconds}s"));
        }
        f.write_str(&parts.join(" "))
    }
}

impl Serialize for HumanDuration {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for HumanDuration {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct DurationVisitor;

        impl Visitor<'_> for DurationVisitor {
            type Value = HumanDuration;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a length of time in quotes, like \"45s\", \"4m\" or \"1m 30s\"")
            }

            fn visit_str<E: de::Error>(self, text: &str) -> Result<Self::Value, E> {
                HumanDuration::parse(text).map_err(E::custom)
            }
        }

        deserializer.deserialize_str(DurationVisitor)
    }
}

/// A session length the way a therapist reads it: `"14 min"`, `"45 s"`, `"1 h 05 min"`.
pub fn format_length(secs: f64) -> String {
    if secs < 59.5 {
        return format!("{} s", secs.round() as u64);
    }
    let minutes = (secs / 60.0).round() as u64;
    match (minutes / 60, minutes % 60) {
        (0, minutes) => format!("{minutes} min"),
        (hours, minutes) => format!("{hours} h {minutes:02} min"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_read_naturally() {
        assert_eq!(format_length(40.0), "40 s");
        assert_eq!(format_length(14.0 * 60.0 + 10.0), "14 min");
        assert_eq!(format_length(65.0 * 60.0), "1 h 05 min");
    }

    #[test]
    fn parses_the_forms_authors_write() {
        let cases = [
            ("45s", 45.0),
            ("4m", 240.0),
            ("1m 30s", 90.0),
            ("1m30s", 90.0),
            ("1h", 3600.0),
            ("2.5s", 2.5),
            (" 10 min ", 600.0),
            ("0s", 0.0),
        ];
        for (text, secs) in cases {
            let parsed = HumanDuration::parse(text).map(HumanDuration::secs);
            assert_eq!(parsed, Ok(secs), "{text}");
        }
    }

    #[test]
    fn rejects_what_is_not_a_duration() {
        for text in ["", "soon", "4", "-3s", "1.5.2s", "m"] {
            let error = HumanDuration::parse(text).expect_err(text);
            assert!(error.contains("is not a length of time"), "{error}");
        }
    }

    #[test]
    fn displays_round_trip() {
        for text in ["45s", "4m", "1m 30s", "1h 5m", "2.5s", "0s"] {
            let parsed = HumanDuration::parse(text).expect("valid");
            assert_eq!(parsed.to_string(), text);
        }
    }
}
