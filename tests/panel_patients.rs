//! The clinic's day in the panel, headless: the Patients window (each patient at a glance,
//! the report, an export to a chosen folder, an import, a deletion with the code typed),
//! practice records kept apart and cleared, and the dosing day's next session offered for
//! the same patient. The window's work is done by the same functions as the command line,
//! so what it writes is compared with what `stillpoint` writes.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "a test stops at the first thing that is wrong"
)]

mod common;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::export::{PATIENT, event, instruments, make_course, write_record};
use common::questionnaire::{panel_app, press};
use common::{project_path, stdout, stillpoint};
use stillpoint::config::Settings;
use stillpoint::panel::dosing;
use stillpoint::panel::intent::PanelIntent;
use stillpoint::panel::live::{ItemSummary, Library, LibraryItem};
use stillpoint::panel::patients::{Ask, PatientsWindow, Work};
use stillpoint::panel::view::DosingOffer;
use stillpoint::patient_code::PRACTICE;
use stillpoint::script::library::check_file;
use stillpoint::script::validate::Context;
use stillpoint::script::{Phase, SessionScript};
use stillpoint::session::record::{EndReason, EventKind, ReadRecord};
use stillpoint::session::{ReadyScript, SessionRuntime, SessionState};

fn never_opens(_: &Path) -> Result<(), String> {
    Err("no browser here".to_owned())
}

fn opens(page: &Path) -> Result<(), String> {
    assert!(page.is_file(), "the page is written before it is opened");
    Ok(())
}

fn work(data: &Path, open_page: fn(&Path) -> Result<(), String>) -> Work {
    Work {
        settings: Settings {
            data_folder: Some(data.to_path_buf()),
            ..Settings::default()
        },
        instruments: instruments(),
        in_session: None,
        open_page,
    }
}

/// Waits for the window's work and readings (on the task pool, or done at once), reading
/// the patients again after work as the panel does.
fn settle(window: &mut PatientsWindow, work: &Work) {
    let started = Instant::now();
    loop {
        if window.collect() {
            window.ask(Ask::Refresh, work);
        }
        if window.settled() {
            return;
        }
        assert!(started.elapsed() < Duration::from_secs(60), "the work ends");
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn ask(window: &mut PatientsWindow, work: &Work, asked: Ask) {
    window.ask(asked, work);
    settle(window, work);
}

/// P-014's course (questionnaires, an open safety alert) and a practice session.
fn clinic(data: &Path) {
    let records = data.join("records");
    make_course(&records);
    write_record(
        &records
            .join(PRACTICE)
            .join("box-breathing-reset-20261120-080000.jsonl"),
        &[
            event(
                0.0,
                EventKind::SessionStarted {
                    script: "box-breathing-reset".into(),
                    title: "Box breathing".into(),
                    phase: None,
                    sha256: "0".repeat(64),
                    patient: PRACTICE.into(),
                    started_at: "2026-11-20T08:00:00Z".into(),
                    steps: 3,
                },
            ),
            event(
                60.0,
                EventKind::SessionEnded {
                    reason: EndReason::Completed,
                },
            ),
        ],
    );
}

fn codes(window: &PatientsWindow) -> Vec<(String, bool)> {
    let listing = window
        .listing
        .as_ref()
        .expect("read")
        .as_ref()
        .expect("readable");
    listing
        .iter()
        .map(|patient| (patient.summary.code.clone(), patient.summary.practice))
        .collect()
}

#[test]
fn each_patient_at_a_glance_with_practice_apart_and_left_out_of_the_list() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path();
    clinic(data);
    let work = work(data, never_opens);
    let mut window = PatientsWindow::default();
    window.show(&work);
    settle(&mut window, &work);
    assert!(window.open);
    assert_eq!(
        codes(&window),
        [(PATIENT.to_owned(), false), (PRACTICE.to_owned(), true)],
        "the practice patient last, marked"
    );
    let listing = window.listing.as_ref().unwrap().as_ref().unwrap();
    let patient = &listing[0];
    assert_eq!(patient.summary.sessions, 2);
    assert_eq!(patient.summary.last.as_deref(), Some("2026-11-09"));
    assert_eq!(patient.open_alerts, 1, "the alert of the abandoned PHQ-9");
    let measures: Vec<(&str, &str)> = patient
        .measures
        .iter()
        .map(|measure| (measure.name.as_str(), measure.band.as_str()))
        .collect();
    assert_eq!(measures.len(), 3, "{measures:?}");
    assert!(
        measures.iter().any(|(name, _)| *name == "PHQ-9"),
        "{measures:?}"
    );
    assert!(
        measures.iter().all(|(_, band)| !band.is_empty()),
        "{measures:?}"
    );
    // The command line leaves practice out unless asked.
    let list = |extra: &[&str]| {
        let mut args = vec!["--data", data.to_str().unwrap(), "patient", "list"];
        args.extend_from_slice(extra);
        stdout(&stillpoint(&args))
    };
    assert!(list(&[]).contains(PATIENT) && !list(&[]).contains(PRACTICE));
    assert!(list(&["--include-practice"]).contains(PRACTICE));
    // The practice code is never typed as a patient's.
    let typed = stillpoint(&[
        "simulate",
        "--session",
        "box-breathing-reset",
        "--patient",
        PRACTICE,
    ]);
    assert!(!typed.status.success());
    assert!(String::from_utf8_lossy(&typed.stderr).contains("practice mode"));
}

#[test]
fn an_export_to_a_chosen_folder_writes_what_the_command_line_writes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    clinic(&data);
    let work = work(&data, never_opens);
    let mut window = PatientsWindow::default();
    window.show(&work);
    settle(&mut window, &work);
    window.ask(Ask::ChooseExport(PATIENT.to_owned()), &work);
    let (_, chooser) = window.chooser.as_mut().expect("the chooser is open");
    chooser.open(dir.path());
    chooser.new_folder = "USB stick".to_owned();
    chooser.make_folder();
    let out = dir.path().join("USB stick");
    assert_eq!(chooser.picked(), Some(out.clone()));
    ask(&mut window, &work, Ask::Picked(out.clone()));
    let outcome = window.outcome.clone().expect("an outcome");
    assert!(outcome.done, "{outcome:?}");
    let today = stillpoint::patients::work::today();
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            format!("{PATIENT}-{today}.tar.gz"),
            format!("{PATIENT}-answers.csv"),
            format!("{PATIENT}-fhir.json"),
        ]
    );
    assert_eq!(outcome.files.len(), 3);
    // The command line's export of the same patient: the same CSV, byte for byte.
    let by_cli = dir.path().join("by-cli");
    let cli = common::export::export(&data, &by_cli, "csv");
    assert!(cli.status.success(), "{cli:?}");
    let csv = format!("{PATIENT}-answers.csv");
    assert_eq!(
        std::fs::read(out.join(&csv)).unwrap(),
        std::fs::read(by_cli.join(&csv)).unwrap()
    );
    // The archive restores the patient after a deletion.
    window.ask(Ask::AskDelete(PATIENT.to_owned()), &work);
    window.deleting.as_mut().unwrap().typed = PATIENT.to_owned();
    ask(&mut window, &work, Ask::Delete);
    assert_eq!(codes(&window), [(PRACTICE.to_owned(), true)]);
    window.ask(Ask::ChooseImport, &work);
    let (_, chooser) = window.chooser.as_mut().expect("the chooser is open");
    chooser.open(&out);
    let archive = chooser
        .entries
        .iter()
        .find(|entry| !entry.folder)
        .expect("the archive is listed")
        .path
        .clone();
    chooser.chosen = Some(archive.clone());
    ask(&mut window, &work, Ask::Picked(archive));
    assert!(
        window.outcome.as_ref().unwrap().done,
        "{:?}",
        window.outcome
    );
    assert_eq!(codes(&window)[0], (PATIENT.to_owned(), false));
}

#[test]
fn a_deletion_needs_the_code_typed_and_is_logged_as_the_command_line_logs_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path();
    clinic(data);
    let mut work = work(data, never_opens);
    let mut window = PatientsWindow::default();
    window.show(&work);
    settle(&mut window, &work);
    window.ask(Ask::AskDelete(PATIENT.to_owned()), &work);
    window.deleting.as_mut().unwrap().typed = "P-01".to_owned();
    ask(&mut window, &work, Ask::Delete);
    let refused = window.outcome.clone().unwrap();
    assert!(
        !refused.done && refused.words.contains("is not P-014"),
        "{refused:?}"
    );
    assert!(
        data.join("records").join(PATIENT).is_dir(),
        "nothing deleted"
    );
    // Not while the patient's session is under way.
    work.in_session = Some(PATIENT.to_owned());
    window.ask(Ask::AskDelete(PATIENT.to_owned()), &work);
    window.deleting.as_mut().unwrap().typed = PATIENT.to_owned();
    ask(&mut window, &work, Ask::Delete);
    assert!(window.outcome.as_ref().unwrap().words.contains("under way"));
    work.in_session = None;
    window.ask(Ask::AskDelete(PATIENT.to_owned()), &work);
    window.deleting.as_mut().unwrap().typed = format!(" {PATIENT} ");
    ask(&mut window, &work, Ask::Delete);
    let deleted = window.outcome.clone().unwrap();
    assert!(deleted.done, "{deleted:?}");
    assert!(!data.join("records").join(PATIENT).exists());
    let log = std::fs::read_to_string(data.join("deletions.log")).expect("the log");
    let lines: Vec<&str> = log.lines().collect();
    assert_eq!(lines.len(), 2, "{log}");
    assert!(
        lines[0].ends_with(&format!("deleting patient {PATIENT}: 5 files")),
        "{log}"
    );
    assert!(
        lines[1].ends_with(&format!("deleted patient {PATIENT}: 5 files")),
        "{log}"
    );
    assert_eq!(codes(&window), [(PRACTICE.to_owned(), true)]);
    // Clearing practice leaves nothing of it, and is logged the same way.
    window.ask(Ask::AskClearPractice, &work);
    assert!(window.clearing_practice);
    ask(&mut window, &work, Ask::ClearPractice);
    assert!(
        window.outcome.as_ref().unwrap().done,
        "{:?}",
        window.outcome
    );
    assert!(!data.join("records").join(PRACTICE).exists());
    assert_eq!(codes(&window), []);
    let log = std::fs::read_to_string(data.join("deletions.log")).expect("the log");
    assert!(
        log.contains(&format!("deleted patient {PRACTICE}: 1 files")),
        "{log}"
    );
}

#[test]
fn the_report_is_made_as_the_command_line_makes_it_and_opened_or_its_path_shown() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path();
    clinic(data);
    let mut window = PatientsWindow::default();
    let without = work(data, never_opens);
    ask(&mut window, &without, Ask::Report(PATIENT.to_owned()));
    let shown = window.outcome.clone().unwrap();
    let page = data.join("reports").join(PATIENT).join("report.html");
    assert!(
        shown.done && shown.words.contains("no browser could be opened"),
        "{shown:?}"
    );
    assert_eq!(shown.files, std::slice::from_ref(&page));
    let by_window = std::fs::read_to_string(&page).expect("the page");
    let cli = stillpoint(&[
        "--data",
        data.to_str().unwrap(),
        "report",
        "--patient",
        PATIENT,
    ]);
    assert!(cli.status.success(), "{cli:?}");
    assert_eq!(
        std::fs::read_to_string(&page).unwrap().len(),
        by_window.len()
    );
    let with = work(data, opens);
    ask(&mut window, &with, Ask::Report(PATIENT.to_owned()));
    let opened = window.outcome.clone().unwrap();
    assert!(opened.words.contains("open in the browser"), "{opened:?}");
}

fn script(name: &str) -> Arc<SessionScript> {
    let path = project_path(&format!("assets/sessions/{name}.session.ron"));
    let session = check_file(&path, &Context::default())
        .outcome
        .expect("valid")
        .session;
    Arc::new(SessionScript {
        session,
        sha256: "0".repeat(64),
        warnings: Vec::new(),
    })
}

fn item(name: &str, phase: Phase) -> LibraryItem {
    let checked = script(name);
    LibraryItem {
        path: project_path(&format!("assets/sessions/{name}.session.ron")),
        id: checked.session.id.clone(),
        summary: Some(ItemSummary {
            title: checked.session.title.clone(),
            phase,
            length_secs: 60.0,
        }),
        problems: Vec::new(),
        preview: None,
    }
}

fn records_of(folder: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(folder)
        .map(|entries| entries.flatten().map(|entry| entry.path()).collect())
        .unwrap_or_default();
    found.sort();
    found
}

#[test]
fn a_centering_session_ends_with_the_during_dosing_session_offered_for_the_same_patient() {
    let records = tempfile::tempdir().expect("temp dir");
    let mut app = panel_app(records.path());
    app.add_plugins(dosing::plugin).insert_resource(Library {
        items: vec![
            item("centering-before-dosing", Phase::BeforeDosing),
            item("rest-during-dosing", Phase::DuringDosing),
        ],
        ..Library::default()
    });
    app.insert_resource(ReadyScript(Some(script("centering-before-dosing"))));
    app.update();
    press(
        &mut app,
        PanelIntent::Start {
            patient: "P-014".into(),
        },
    );
    assert_eq!(
        app.world().resource::<SessionRuntime>().state(),
        SessionState::Running
    );
    assert_eq!(
        app.world().resource::<DosingOffer>().0,
        None,
        "nothing offered mid-session"
    );
    press(&mut app, PanelIntent::End);
    let next = app
        .world()
        .resource::<DosingOffer>()
        .0
        .clone()
        .expect("offered");
    assert_eq!(next.patient, "P-014");
    assert!(
        next.path.ends_with("rest-during-dosing.session.ron"),
        "{next:?}"
    );
    // "Not now" puts it away.
    press(&mut app, PanelIntent::DismissOffer);
    assert_eq!(app.world().resource::<DosingOffer>().0, None);
    // One click: the file opens (loaded here by hand, as the asset server would) and the
    // session starts for the same code.
    app.insert_resource(ReadyScript(Some(script("rest-during-dosing"))));
    for intent in dosing::take(&next) {
        app.world_mut().write_message(intent);
    }
    app.update();
    app.update();
    let runtime = app.world().resource::<SessionRuntime>();
    assert_eq!(runtime.state(), SessionState::Running);
    assert_eq!(runtime.patient(), "P-014");
    assert_eq!(app.world().resource::<DosingOffer>().0, None, "taken");
    let recorded = records_of(&records.path().join("P-014"));
    assert_eq!(recorded.len(), 2, "{recorded:?}");
    let second = ReadRecord::read(
        recorded
            .iter()
            .find(|path| {
                path.file_name()
                    .unwrap()
                    .to_string_lossy()
                    .starts_with("rest-during-dosing")
            })
            .unwrap(),
    )
    .unwrap();
    assert!(matches!(
        second.start(),
        Some(EventKind::SessionStarted { patient, .. }) if patient == "P-014"
    ));
    // After a session of another phase, nothing is offered.
    press(&mut app, PanelIntent::End);
    assert_eq!(app.world().resource::<DosingOffer>().0, None);
}

#[test]
fn practice_sessions_are_recorded_apart_and_never_in_a_patients_course() {
    let records = tempfile::tempdir().expect("temp dir");
    let mut app = panel_app(records.path());
    app.add_plugins(stillpoint::panel::practice::plugin)
        .insert_resource(stillpoint::panel::live::PatientCode("P-014".into()));
    app.insert_resource(ReadyScript(Some(script("box-breathing-reset"))));
    app.update();
    press(&mut app, PanelIntent::Practice(true));
    let code = app
        .world()
        .resource::<stillpoint::panel::live::PatientCode>()
        .0
        .clone();
    assert_eq!(code, PRACTICE);
    press(&mut app, PanelIntent::Start { patient: code });
    assert_eq!(app.world().resource::<SessionRuntime>().patient(), PRACTICE);
    press(&mut app, PanelIntent::End);
    press(&mut app, PanelIntent::Practice(false));
    let code = app
        .world()
        .resource::<stillpoint::panel::live::PatientCode>()
        .0
        .clone();
    assert_eq!(code, "P-014", "the typed code comes back");
    assert_eq!(records_of(&records.path().join(PRACTICE)).len(), 1);
    assert!(
        !records.path().join("P-014").exists(),
        "nothing in the patient's course"
    );
}
