//! `stillpoint report`: a patient's course, or one session, as a private, printable HTML
//! page with charts, made from the session records.

pub mod charts;
pub mod html;
pub mod outcomes;
pub mod paintings;
pub mod summary;

use std::path::{Path, PathBuf};

use summary::SessionSummary;

/// The files a report consists of.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Written {
    /// The self-contained HTML page.
    pub page: PathBuf,
    /// Each chart as its own SVG file.
    pub charts: Vec<PathBuf>,
}

/// The record files of `patient` under `records_folder`.
pub fn patient_records(records_folder: &Path, patient: &str) -> Result<Vec<PathBuf>, String> {
    let folder = records_folder.join(patient);
    let entries = std::fs::read_dir(&folder).map_err(|error| {
        format!(
            "no records for patient \"{patient}\" in {}: {error}",
            records_folder.display()
        )
    })?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| {
            path.extension()
                .is_some_and(|extension| extension == "jsonl")
        })
        .collect();
    files.sort();
    Ok(files)
}

/// Summarises every readable record, oldest first. Files that cannot be read at all are
/// described in the second list; they never hide the others.
pub fn summarise(records: &[PathBuf]) -> (Vec<SessionSummary>, Vec<String>) {
    let mut sessions = Vec::new();
    let mut problems = Vec::new();
    for path in records {
        match SessionSummary::read(path) {
            Ok(Some(session)) => sessions.push(session),
            Ok(None) => problems.push(format!(
                "{}: not a session record (it does not begin with session_started)",
                path.display()
            )),
            Err(error) => problems.push(format!("{}: cannot read: {error}", path.display())),
        }
    }
    sessions.sort_by(|a, b| {
        a.started_at
            .cmp(&b.started_at)
            .then_with(|| a.record.cmp(&b.record))
    });
    (sessions, problems)
}

/// Writes the report for `patient` into `folder` (created private to the user).
pub fn write(folder: &Path, patient: &str, sessions: &[SessionSummary]) -> Result<Written, String> {
    let check_ins = charts::course_check_ins(sessions)?;
    let phases = charts::sessions_by_phase(sessions)?;
    let generated = crate::clock::wall_clock();
    let paintings: Vec<_> = sessions.iter().map(paintings::pictures_of).collect();
    let page_text = html::page(
        patient,
        sessions,
        &html::Charts {
            check_ins: &check_ins,
            phases: &phases,
        },
        &paintings,
        &generated,
    );
    let failed =
        |path: &Path, error: std::io::Error| format!("cannot write {}: {error}", path.display());
    crate::private::create_dir(folder).map_err(|error| failed(folder, error))?;
    let page = folder.join("report.html");
    let mut written = Written {
        page: page.clone(),
        charts: Vec::new(),
    };
    for (name, chart) in [
        ("check-ins.svg", &check_ins),
        ("sessions-by-phase.svg", &phases),
    ] {
        let path = folder.join(name);
        crate::private::write_file(&path, chart.svg.as_bytes())
            .map_err(|error| failed(&path, error))?;
        written.charts.push(path);
    }
    crate::private::write_file(&page, page_text.as_bytes())
        .map_err(|error| failed(&page, error))?;
    Ok(written)
}
