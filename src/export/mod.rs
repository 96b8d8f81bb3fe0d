//! `stillpoint export`: a patient's questionnaires, check-ins and safety alerts for the
//! clinic's own records, as a FHIR R4 Bundle ([`fhir`]) and as a table of answers
//! ([`csv`]). `docs/questionnaires.md` ("Export for the clinic's records") documents both.

pub mod csv;
pub mod fhir;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::instruments::InstrumentSet;
use crate::report::outcomes::{Administration, RaisedAlert, course};
use crate::report::summary::SessionSummary;
use crate::report::words::wall_time;
use crate::session::record::{AnsweredVia, ReadRecord};

/// What an export can be written as.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Format {
    /// A FHIR R4 Bundle of type `collection`: `<patient>-fhir.json`.
    Fhir,
    /// One row per answer: `<patient>-answers.csv`.
    Csv,
}

impl Format {
    /// The file this format is written to, for `patient`.
    pub fn file_name(self, patient: &str) -> String {
        match self {
            Self::Fhir => format!("{patient}-fhir.json"),
            Self::Csv => format!("{patient}-answers.csv"),
        }
    }
}

/// A check-in answered during a session (SUDS and other 0–10 ratings).
#[derive(Clone, Debug, PartialEq)]
pub struct CheckIn {
    /// The record it is in.
    pub record: PathBuf,
    /// The session's script id.
    pub script: String,
    /// The session's title.
    pub title: String,
    /// The check-in's id from the script, e.g. `suds-arrival`.
    pub id: String,
    /// The answer, 0–10.
    pub value: u32,
    /// Session time it was given, seconds.
    pub at: f64,
    /// Wall-clock time it was given (the session's start plus `at`, to the second), RFC 3339
    /// UTC; `None` when the record's start time cannot be read.
    pub answered_at: Option<String>,
}

/// Everything of one patient that an export holds, read from their records.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PatientExport {
    /// The patient's pseudonymous code.
    pub patient: String,
    /// Every questionnaire answered in full, oldest first.
    pub administrations: Vec<Administration>,
    /// Every safety alert, including those of questionnaires left unfinished and those
    /// found from the answers with no alert line.
    pub alerts: Vec<RaisedAlert>,
    /// Every check-in answered (unanswered ones are left out), in session order.
    pub check_ins: Vec<CheckIn>,
    /// What is left out: records, or lines of them, that could not be read.
    pub problems: Vec<String>,
}

impl PatientExport {
    /// Reads `records` of `patient`: desk records (a questionnaire taken with no session)
    /// and session records alike, with the safety rules of `instruments`.
    pub fn read(patient: &str, records: &[PathBuf], instruments: &InstrumentSet) -> Self {
        let mut problems = Vec::new();
        let mut check_ins = Vec::new();
        let mut sessions = Vec::new();
        for path in records {
            // One that cannot be read at all, `course` reports.
            let Ok(record) = ReadRecord::read(path) else {
                continue;
            };
            problems.extend(crate::report::damaged_lines(path, &record));
            if record.is_desk() {
                continue;
            }
            match SessionSummary::from_record(path, &record) {
                Some(summary) => sessions.push((summary, record)),
                None => problems.push(format!(
                    "{}: left out: it begins neither with session_started nor with questionnaire",
                    path.display()
                )),
            }
        }
        sessions.sort_by(|(a, _), (b, _)| {
            a.started_at
                .cmp(&b.started_at)
                .then_with(|| a.record.cmp(&b.record))
        });
        for (session, record) in &sessions {
            for answer in &session.answers {
                let Some(value) = answer.value else {
                    continue;
                };
                let answered_at = wall_time(record, answer.at);
                check_ins.push(CheckIn {
                    record: session.record.clone(),
                    script: session.script.clone(),
                    title: session.title.clone(),
                    id: answer.id.clone(),
                    value,
                    at: answer.at,
                    answered_at,
                });
            }
        }
        let (administrations, alerts, unreadable) = course(records, instruments);
        problems.extend(unreadable);
        Self {
            patient: patient.to_owned(),
            administrations,
            alerts,
            check_ins,
            problems,
        }
    }

    /// The alerts in no administration: those of questionnaires left before their answers
    /// were sent.
    pub fn alerts_left(&self) -> Vec<&RaisedAlert> {
        let mut owned: Vec<&RaisedAlert> = self
            .administrations
            .iter()
            .flat_map(|taken| &taken.alerts)
            .collect();
        self.alerts
            .iter()
            .filter(|alert| match owned.iter().position(|own| own == alert) {
                Some(index) => {
                    owned.swap_remove(index);
                    false
                }
                None => true,
            })
            .collect()
    }

    /// Answers to questionnaires, over every administration.
    pub fn answer_count(&self) -> usize {
        self.administrations
            .iter()
            .map(|taken| taken.answers.len())
            .sum()
    }

    /// Writes the export in each of `formats` into `folder` (created private to the user),
    /// each file atomically and private; returns the files written.
    pub fn write(
        &self,
        folder: &Path,
        formats: &[Format],
        instruments: &InstrumentSet,
    ) -> Result<Vec<PathBuf>, String> {
        crate::private::create_dir(folder)
            .map_err(|error| format!("cannot create the folder {}: {error}", folder.display()))?;
        let mut formats = formats.to_vec();
        formats.sort_unstable();
        formats.dedup();
        let mut written = Vec::new();
        for format in formats {
            let text = match format {
                Format::Fhir => {
                    let bundle = fhir::bundle(self, instruments);
                    let mut text = serde_json::to_string_pretty(&bundle)
                        .map_err(|error| format!("cannot write the FHIR bundle: {error}"))?;
                    text.push('\n');
                    text
                }
                Format::Csv => csv::table(self, instruments),
            };
            let path = folder.join(format.file_name(&self.patient));
            crate::private::write_atomically(&path, |out| out.write_all(text.as_bytes()))
                .map_err(|error| format!("cannot write {}: {error}", path.display()))?;
            written.push(path);
        }
        Ok(written)
    }
}

/// Where a questionnaire was answered, as exports write it: `headset` or `desk`.
pub fn via_name(via: AnsweredVia) -> &'static str {
    match via {
        AnsweredVia::Headset => "headset",
        AnsweredVia::Desk => "desk",
    }
}

/// The record's file name, as exports name it (the folder is the patient's own).
pub fn record_name(path: &Path) -> String {
    path.file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// A UUID made from `parts` (SHA-256 of them, laid out as a version 4 UUID), so that the
/// same record exported again gets the same identifiers.
pub fn stable_uuid(parts: &[&str]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part.as_bytes());
        hasher.update([0u8]);
    }
    let digest = hasher.finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|byte| format!("{byte:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

/// Each administration's key within its record (`<instrument>@<taken_at>`, numbered when
/// one record holds two alike), in the order of `administrations`.
pub(crate) fn administration_keys(administrations: &[Administration]) -> Vec<String> {
    let mut seen = BTreeMap::<(PathBuf, String), usize>::new();
    administrations
        .iter()
        .map(|taken| {
            let key = format!("{}@{}", taken.instrument, taken.taken_at);
            let count = seen.entry((taken.record.clone(), key.clone())).or_default();
            *count += 1;
            if *count == 1 {
                key
            } else {
                format!("{key}#{count}")
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_are_stable_and_shaped_as_version_4() {
        let one = stable_uuid(&["P-014", "record.jsonl", "phq-9"]);
        assert_eq!(one, stable_uuid(&["P-014", "record.jsonl", "phq-9"]));
        assert_ne!(one, stable_uuid(&["P-014", "record.jsonl", "gad-7"]));
        // Parts are kept apart: "ab" + "c" is not "a" + "bc".
        assert_ne!(stable_uuid(&["ab", "c"]), stable_uuid(&["a", "bc"]));
        let groups: Vec<&str> = one.split('-').collect();
        assert_eq!(
            groups.iter().map(|group| group.len()).collect::<Vec<_>>(),
            [8, 4, 4, 4, 12]
        );
        assert!(groups[2].starts_with('4'), "{one}");
        assert!(
            matches!(groups[3].chars().next(), Some('8' | '9' | 'a' | 'b')),
            "{one}"
        );
    }
}
