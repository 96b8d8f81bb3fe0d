//! `stillpoint report` on a synthetic course made by the real session runtime: several
//! centering sessions, a dosing rest, an integration session with a painting and one
//! killed mid-way.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "a test stops at the first thing that is wrong"
)]

mod common;

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use common::{project_path, stdout, stillpoint};
use stillpoint::artwork::PaintAction;
use stillpoint::exercises::Detail;
use stillpoint::report::paintings::pictures_of;
use stillpoint::report::summary::Outcome;
use stillpoint::report::{charts, summarise};
use stillpoint::script::SessionScript;
use stillpoint::script::Step;
use stillpoint::script::library::check_file;
use stillpoint::script::validate::Context;
use stillpoint::session::record::{Event, EventKind};
use stillpoint::session::{SessionAction, SessionRuntime, SessionState, Volumes};
use stillpoint::simulate::SyntheticPaint;

const PATIENT: &str = "P-21";

/// What the patient answers, in order, and where the therapist pauses or calms.
struct Plan {
    answers: VecDeque<u32>,
    pause_at: Option<f64>,
    calm_at: Option<f64>,
    /// Stop writing here, as if the machine died.
    killed_at: Option<f64>,
    /// The headset's runtime stops here and is back 30 s later; the therapist then resumes.
    headset_lost_at: Option<f64>,
}

fn script(id: &str) -> Arc<SessionScript> {
    let path = project_path(&format!("assets/sessions/{id}.session.ron"));
    let checked = check_file(&path, &Context::default())
        .outcome
        .expect("valid");
    Arc::new(checked)
}

/// Plays a bundled session through the runtime the app uses, as a patient and therapist
/// would, and dates its record `day` days into the course.
fn play(records: &Path, id: &str, day: u32, mut plan: Plan) -> PathBuf {
    let path = records
        .join(PATIENT)
        .join(format!("{id}-day{day:02}.jsonl"));
    let mut runtime = SessionRuntime::default();
    let mut volumes = Volumes::default();
    runtime.start(script(id), PATIENT, &path);
    let frame = Duration::from_millis(250);
    let mut paused_at = None;
    let mut calm_since = None;
    let mut lost_since = None;
    let mut headset_back = false;
    // Brush samples painted so far: three strokes of 300.
    let mut brush = 0u64;
    while runtime.state() != SessionState::Finished {
        let now = runtime.session_secs();
        if plan.killed_at.is_some_and(|at| now >= at) {
            break;
        }
        let unanswered = matches!(
            runtime.view().map(|view| &view.detail),
            Some(Detail::CheckIn { answer: None, .. } | Detail::Choices { chosen: None, .. })
        );
        let answerable = runtime.step_secs() > 3.0 && unanswered;
        let action = match runtime.step() {
            _ if plan.headset_lost_at.is_some_and(|at| now >= at) && lost_since.is_none() => {
                lost_since = Some(now);
                Some(SessionAction::HeadsetLost)
            }
            _ if lost_since.is_some_and(|at| now >= at + 30.0) && !headset_back => {
                headset_back = true;
                Some(SessionAction::HeadsetBack)
            }
            _ if headset_back && runtime.state() == SessionState::Paused => {
                Some(SessionAction::Resume)
            }
            _ if plan.pause_at.is_some_and(|at| now >= at) && paused_at.is_none() => {
                paused_at = Some(now);
                Some(SessionAction::Pause)
            }
            _ if paused_at.is_some_and(|at| now >= at + 40.0)
                && runtime.state() == SessionState::Paused =>
            {
                Some(SessionAction::Resume)
            }
            _ if plan.calm_at.is_some_and(|at| now >= at) && calm_since.is_none() => {
                calm_since = Some(now);
                Some(SessionAction::Calm)
            }
            _ if calm_since.is_some_and(|at| now >= at + 25.0)
                && runtime.state() == SessionState::Calm =>
            {
                Some(SessionAction::EndCalm)
            }
            Some(Step::CheckIn(_)) if answerable => {
                plan.answers.pop_front().map(SessionAction::Answer)
            }
            Some(Step::Intention(_)) if answerable => Some(SessionAction::Choose(1)),
            Some(Step::WaitForTherapist(_)) if runtime.step_secs() > 30.0 => {
                Some(SessionAction::Next)
            }
            Some(Step::Rest(_)) if runtime.step_secs() > 20.0 => Some(SessionAction::Next),
            Some(Step::Paint(_)) if brush < 900 => {
                let at = SyntheticPaint::brush_at(brush);
                let stroke = match brush % 300 {
                    0 => PaintAction::Press { at, pressure: 0.8 },
                    299 => PaintAction::Release,
                    _ => PaintAction::Drag { at, pressure: 0.8 },
                };
                brush += 1;
                Some(SessionAction::Paint(stroke))
            }
            _ => None,
        };
        if let Some(action) = action {
            runtime.apply(&action, &mut volumes);
        }
        runtime.tick(frame);
    }
    let killed = plan.killed_at.is_some();
    runtime.wait_for_exports();
    drop(runtime);
    // Date the session within the course.
    let text = std::fs::read_to_string(&path).expect("record");
    let dated = text.replacen(
        &text[text.find("\"started_at\":\"").expect("start") + 14..][..20],
        &format!("2026-11-{:02}T09:30:00Z", day),
        1,
    );
    let mut dated = dated;
    if killed {
        // The kill came in the middle of writing a line.
        dated.push_str("{\"t\":99");
    }
    std::fs::write(&path, dated).expect("write");
    path
}

fn plan(answers: &[u32]) -> Plan {
    Plan {
        answers: answers.iter().copied().collect(),
        pause_at: None,
        calm_at: None,
        killed_at: None,
        headset_lost_at: None,
    }
}

/// Three weeks: six centering sessions (SUDS falling), a dosing rest, an integration
/// session, and a centering session killed part way.
fn course(records: &Path) -> Vec<PathBuf> {
    let suds = [(7, 4), (6, 4), (6, 3), (5, 3), (4, 2), (3, 2)];
    let mut files = Vec::new();
    for (number, (before, after)) in suds.into_iter().enumerate() {
        let mut plan = plan(&[before, after]);
        if number == 1 {
            plan.pause_at = Some(60.0);
        }
        if number == 3 {
            plan.calm_at = Some(100.0);
        }
        files.push(play(
            records,
            "centering-before-dosing",
            2 + 3 * number as u32,
            plan,
        ));
    }
    let mut dosing = plan(&[8]);
    dosing.headset_lost_at = Some(30.0);
    files.push(play(records, "rest-during-dosing", 3, dosing));
    files.push(play(records, "creative-integration", 21, plan(&[5, 7])));
    let mut killed = plan(&[6]);
    killed.killed_at = Some(150.0);
    files.push(play(records, "centering-before-dosing", 23, killed));
    files
}

fn count_events(path: &Path, name: &str) -> usize {
    std::fs::read_to_string(path)
        .expect("record")
        .lines()
        .filter(|line| line.contains(&format!("\"event\":\"{name}\"")))
        .count()
}

#[test]
fn the_course_report_matches_the_records() {
    let data = tempfile::tempdir().expect("temp dir");
    let records = data.path().join("records");
    let files = course(&records);
    let (sessions, problems) = summarise(&files);
    // Only the line the kill cut short is left out.
    let cut_short = format!(
        "{}: line 12 could not be read and is left out",
        files.last().expect("killed").display()
    );
    assert_eq!(problems, std::slice::from_ref(&cut_short));
    assert_eq!(sessions.len(), 9);
    // Oldest first, whatever the file names.
    let dates: Vec<&str> = sessions.iter().map(|session| session.date()).collect();
    let mut sorted = dates.clone();
    sorted.sort_unstable();
    assert_eq!(dates, sorted);

    // Numbers equal the records.
    for session in &sessions {
        let path = &session.record;
        assert_eq!(
            session.pauses.len(),
            count_events(path, "paused"),
            "{}",
            path.display()
        );
        assert_eq!(session.calm.len(), count_events(path, "calm_on"));
        assert_eq!(session.answers.len(), count_events(path, "check_in"));
    }
    let centering: Vec<_> = sessions
        .iter()
        .filter(|s| s.script == "centering-before-dosing")
        .collect();
    let arrival: Vec<Option<u32>> = centering.iter().map(|s| s.answer("suds-arrival")).collect();
    assert_eq!(
        arrival,
        [
            Some(7),
            Some(6),
            Some(6),
            Some(5),
            Some(4),
            Some(3),
            Some(6)
        ]
    );
    let centered: Vec<Option<u32>> = centering
        .iter()
        .map(|s| s.answer("suds-centered"))
        .collect();
    assert_eq!(
        centered,
        [Some(4), Some(4), Some(3), Some(3), Some(2), Some(2), None]
    );
    assert_eq!(centering[1].pauses.len(), 1);
    assert!((centering[1].pauses[0].secs.expect("closed") - 40.0).abs() < 0.6);
    assert_eq!(centering[3].calm.len(), 1);
    let dosing = sessions
        .iter()
        .find(|s| s.script == "rest-during-dosing")
        .expect("the dosing rest");
    assert_eq!(dosing.headset_gaps.len(), 1, "{:?}", dosing.headset_gaps);
    assert!((dosing.headset_gaps[0].secs.expect("back") - 30.0).abs() < 0.6);
    assert_eq!(dosing.pauses.len(), 1, "the loss paused the session");
    assert_eq!(centering[0].intention.as_deref(), Some("Safety"));
    assert_eq!(centering[0].steps_completed, 12);
    let killed = centering.last().expect("killed session");
    assert_eq!(killed.outcome, Outcome::Unfinished);
    assert_eq!(killed.damaged_lines.len(), 1);
    assert_eq!(
        charts::phase_counts(&sessions).map(|(_, count)| count),
        [7, 1, 1]
    );
    // The integration session's painting, as its last save in the record says.
    let integration = sessions
        .iter()
        .find(|s| s.script == "creative-integration")
        .expect("the integration session");
    assert_eq!(integration.artworks.len(), 1);
    assert_eq!(integration.artworks[0].strokes, 3);
    let last_points = std::fs::read_to_string(&integration.record)
        .expect("record")
        .lines()
        .rfind(|line| line.contains("\"event\":\"artwork_saved\""))
        .and_then(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .and_then(|line| line["points"].as_u64());
    assert_eq!(
        last_points,
        Some(integration.artworks[0].points as u64),
        "the table's number is the record's"
    );
    let pictures = pictures_of(integration);
    let picture = pictures[0]
        .data_uri
        .clone()
        .expect("a picture of the painting");
    // Base64 of the PNG signature.
    assert!(
        picture.starts_with("data:image/png;base64,iVBORw0KGgo"),
        "{}",
        &picture[..40]
    );
    assert!(
        sessions
            .iter()
            .filter(|s| s.script != "creative-integration")
            .all(|s| s.artworks.is_empty()),
        "no painting where none was painted"
    );

    // The command writes the report privately, with charts, once told that the line cut
    // short may be left out.
    let out = data.path().join("out");
    let output = stillpoint(&[
        "report",
        "--patient",
        PATIENT,
        "--data",
        data.path().to_str().expect("utf-8"),
        "--out",
        out.to_str().expect("utf-8"),
        "--allow-partial",
    ]);
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && said.contains(&cut_short),
        "{said}"
    );
    assert!(stdout(&output).contains("report.html"));
    let html = std::fs::read_to_string(out.join("report.html")).expect("report");
    assert!(html.contains("Patient <b>P-21</b> &middot; 9 session(s), 2026-11-02 to 2026-11-23"));
    assert!(
        html.contains("suds-arrival 7<br>suds-centered 4"),
        "first centering row"
    );
    assert!(
        html.contains("<td>suds-arrival 6</td>"),
        "the killed session's one answer"
    );
    assert!(html.contains("unfinished: the record stops here"));
    assert!(html.contains("unreadable line(s)"));
    assert!(
        html.contains("at 1:00 for 40 s"),
        "the pause with its time and length"
    );
    assert!(
        html.contains("<dt>Headset lost</dt><dd>at 0:30 for 30 s</dd>"),
        "the headset's loss with its time and length"
    );
    assert_eq!(html.matches("<dt>Headset lost</dt>").count(), 1);
    // The painting's picture is in the page itself.
    assert!(
        html.contains(&picture),
        "the painting's picture is embedded"
    );
    assert!(html.contains("step 6: 3 strokes"));
    // Private and offline: the one image source is the embedded picture.
    assert_eq!(html.matches("src=").count(), 1);
    assert_eq!(html.matches("src=\"data:image/png;base64,").count(), 1);
    for forbidden in ["href=", "<script", "<link", "@import", "url("] {
        assert!(
            !html.contains(forbidden),
            "the report must not load anything ({forbidden})"
        );
    }
    // The only web address is the SVG namespace name, which is never fetched.
    let namespace = "xmlns=\"http://www.w3.org/2000/svg\"";
    assert_eq!(
        html.matches("http").count(),
        html.matches(namespace).count()
    );
    assert_eq!(html.matches("<svg").count(), 2, "both charts are inline");
    for name in ["check-ins.svg", "sessions-by-phase.svg"] {
        let svg = std::fs::read_to_string(out.join(name)).expect("chart");
        assert!(svg.starts_with("<svg") && svg.len() > 2000, "{name}");
    }
    // One dot per answered check-in per session.
    let expected_dots: usize = charts::check_in_series(&sessions)
        .values()
        .map(Vec::len)
        .sum();
    let svg = std::fs::read_to_string(out.join("check-ins.svg")).expect("chart");
    assert_eq!(svg.matches("<circle").count(), expected_dots);
    // suds-arrival ×7, suds-centered ×6, comfort, mood-start, mood-end.
    assert_eq!(expected_dots, 7 + 6 + 1 + 1 + 1);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |path: &Path| {
            std::fs::metadata(path)
                .expect("exists")
                .permissions()
                .mode()
                & 0o777
        };
        assert_eq!(mode(&out), 0o700);
        assert_eq!(mode(&out.join("report.html")), 0o600);
        assert_eq!(mode(&out.join("check-ins.svg")), 0o600);
    }

    // One damaged record on its own: reported as unfinished, with all that is readable.
    let single = data.path().join("single");
    let killed_record = files.last().expect("killed").to_str().expect("utf-8");
    let output = stillpoint(&[
        "report",
        "--record",
        killed_record,
        "--out",
        single.to_str().expect("utf-8"),
        "--allow-partial",
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let html = std::fs::read_to_string(single.join("report.html")).expect("report");
    assert!(html.contains("1 session(s), 2026-11-23"));
    assert!(html.contains("unfinished"));
    assert!(html.contains("suds-arrival <b>6</b>"));
}

#[test]
fn the_report_renders_in_a_browser() {
    let chromium = ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|name| {
            std::process::Command::new(name)
                .arg("--version")
                .output()
                .is_ok()
        })
        .expect("the report test needs Chromium: tools/test.sh installs Debian's chromium");
    let data = tempfile::tempdir().expect("temp dir");
    let files = course(&data.path().join("records"));
    let (sessions, _) = summarise(&files);
    let out = data.path().join("out");
    let written = stillpoint::report::write(&out, PATIENT, &sessions).expect("report");
    let shot = data.path().join("report.png");
    let status = std::process::Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--window-size=1100,1600",
        ])
        .arg(format!(
            "--user-data-dir={}",
            data.path().join("chromium").display()
        ))
        .arg(format!("--screenshot={}", shot.display()))
        .arg(format!("file://{}", written.page.display()))
        .output()
        .expect("chromium runs");
    assert!(
        shot.is_file(),
        "no screenshot: {}",
        String::from_utf8_lossy(&status.stderr)
    );
    let image = image::open(&shot).expect("PNG").to_rgb8();
    let mut colours: Vec<[u8; 3]> = image.pixels().map(|pixel| pixel.0).collect();
    colours.sort_unstable();
    colours.dedup();
    assert!(
        colours.len() > 20,
        "the page rendered ({} colours)",
        colours.len()
    );
    if let Some(keep) = std::env::var_os("STILLPOINT_KEEP_REPORT") {
        let _ = std::fs::copy(&shot, Path::new(&keep).join("report.png"));
    }
}

/// Damaged records, as a disk, a kill or a stray copy leave them: a byte flipped mid-file, a
/// line cut short, a line of a mebibyte, a file that is not a record at all. The report and
/// resume read everything else, name the bad lines, and never panic.
#[test]
fn damaged_records_are_read_around_their_bad_lines() {
    let dir = tempfile::tempdir().expect("temp dir");
    let records = dir.path().join("records");
    let folder = records.join("P-40");
    std::fs::create_dir_all(&folder).expect("folder");
    let whole = folder.join("whole.jsonl");
    common::simulated_record(&whole, "P-40");
    let text = std::fs::read(&whole).expect("record");
    let lines: Vec<&[u8]> = text.split(|&byte| byte == b'\n').collect();

    // Line 3 gets a byte that is not even UTF-8; line 5 is cut; a 1 MiB line is added as
    // line 7; the last line (the end) is kept.
    let mut damaged = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        let mut line = line.to_vec();
        match index + 1 {
            3 => {
                let middle = line.len() / 2;
                line[middle] = 0xFF;
            }
            5 => line.truncate(line.len() / 3),
            7 => {
                damaged.extend(vec![b'x'; 1 << 20]);
                damaged.push(b'\n');
            }
            _ => {}
        }
        damaged.extend(line);
        damaged.push(b'\n');
    }
    let path = folder.join("damaged.jsonl");
    std::fs::write(&path, &damaged).expect("writes");
    std::fs::write(
        folder.join("stray.jsonl"),
        b"\x89PNG\r\n\x1a\n not a record",
    )
    .expect("writes");

    let (sessions, problems) = summarise(&[path.clone(), folder.join("stray.jsonl")]);
    let [session] = sessions.as_slice() else {
        panic!("the damaged record is still a session: {sessions:?}");
    };
    assert_eq!(session.damaged_lines, [3, 5, 7]);
    assert!(
        matches!(session.outcome, Outcome::Ended(_)),
        "{:?}",
        session.outcome
    );
    assert!(
        problems
            .iter()
            .any(|problem| problem.contains("stray.jsonl")
                && problem.contains("not a session record")),
        "{problems:?}"
    );

    // The report says which lines it leaves out, and is written only when that is allowed.
    let out = dir.path().join("report");
    let report = |more: &[&str]| {
        let mut args = vec!["report", "--record", path.to_str().expect("utf-8"), "--out"];
        args.push(out.to_str().expect("utf-8"));
        args.extend(more);
        stillpoint(&args)
    };
    let left_out = format!("{}: lines 3, 5, 7 could not be read", path.display());
    let refused = report(&[]);
    let said = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(1), "{said}");
    assert!(
        said.contains(&left_out) && said.contains("--allow-partial") && !said.contains("panicked"),
        "{said}"
    );
    assert!(!out.exists(), "nothing written");
    let partial = report(&["--allow-partial"]);
    let said = String::from_utf8_lossy(&partial.stderr);
    assert!(
        partial.status.success() && said.contains(&left_out) && !said.contains("panicked"),
        "{said}"
    );
    let page = std::fs::read_to_string(out.join("report.html")).expect("a report");
    assert!(
        page.contains("3, 5, 7"),
        "the report names the damaged lines"
    );
    // Nothing here is unfinished; resume looks at every file and offers none, without a panic.
    assert!(stillpoint::session::resume::unfinished_records(&records, None).is_empty());
}

/// An imported record that names its painting outside its own folder (with `..`, or as an
/// absolute path: here another patient's painting) never has that painting in its report;
/// the report says what it left out.
#[test]
fn a_record_naming_a_painting_outside_its_folder_never_shows_that_painting() {
    let dir = tempfile::tempdir().expect("temp dir");
    let records = dir.path().join("records");
    let theirs = records.join("P-99/box-breathing-reset-20261101-100000.paint-1.png");
    std::fs::create_dir_all(theirs.parent().expect("a folder")).expect("folder");
    image::RgbaImage::from_pixel(8, 8, image::Rgba([200, 120, 60, 255]))
        .save(&theirs)
        .expect("another patient's picture");
    let record = records.join("P-40/box-breathing-reset-20261102-100000.jsonl");
    std::fs::create_dir_all(record.parent().expect("a folder")).expect("folder");
    common::simulated_record(&record, "P-40");
    let artwork = theirs.with_extension("artwork.json");
    let named = [
        "../P-99/box-breathing-reset-20261101-100000.paint-1.artwork.json".to_owned(),
        artwork.to_str().expect("utf-8").to_owned(),
    ];
    let mut text = std::fs::read_to_string(&record).expect("reads");
    for (step, file) in named.iter().enumerate() {
        let saved = Event {
            t: 10.0,
            kind: EventKind::ArtworkSaved {
                step,
                file: file.clone(),
                strokes: 1,
                points: 40,
            },
        };
        text.push_str(&serde_json::to_string(&saved).expect("a line"));
        text.push('\n');
    }
    std::fs::write(&record, text).expect("writes");

    let (sessions, problems) = summarise(std::slice::from_ref(&record));
    let pictures = pictures_of(&sessions[0]);
    assert_eq!(pictures.len(), 2);
    assert!(pictures.iter().all(|picture| picture.data_uri.is_none()));
    for (step, file) in named.iter().enumerate() {
        let said = format!(
            "the picture of the painting of paint step {} is left out: \"{file}\" is not",
            step + 1
        );
        assert!(
            problems.iter().any(|problem| problem.contains(&said)),
            "{said}: {problems:?}"
        );
    }

    let out = dir.path().join("report");
    let output = stillpoint(&[
        "report",
        "--record",
        record.to_str().expect("utf-8"),
        "--out",
        out.to_str().expect("utf-8"),
        "--allow-partial",
    ]);
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{said}");
    assert!(
        said.contains(&named[0]) && said.contains(&named[1]),
        "{said}"
    );
    let page = std::fs::read_to_string(out.join("report.html")).expect("a report");
    assert!(!page.contains("data:image/png"), "no painting embedded");
    assert_eq!(page.matches("picture not available").count(), 2);
}

/// A report written again replaces each of its files whole (a new file renamed into place,
/// as records are written), never rewriting the old one in place: a failed write leaves the
/// last report, and a copy linked to the old page keeps it.
#[test]
fn a_report_written_again_replaces_its_files_whole() {
    use std::os::unix::fs::MetadataExt;
    let dir = tempfile::tempdir().expect("temp dir");
    let record = dir
        .path()
        .join("records/P-40/box-breathing-reset-20261102-100000.jsonl");
    std::fs::create_dir_all(record.parent().expect("a folder")).expect("folder");
    common::simulated_record(&record, "P-40");
    let (sessions, _) = summarise(std::slice::from_ref(&record));
    let out = dir.path().join("report");
    let first = stillpoint::report::write(&out, "P-40", &sessions).expect("a report");
    let kept = dir.path().join("kept.html");
    std::fs::hard_link(&first.page, &kept).expect("links the page");
    let old_page = std::fs::read(&kept).expect("reads");
    let inode = |path: &Path| std::fs::metadata(path).expect("there").ino();
    let before: Vec<u64> = first.charts.iter().map(|chart| inode(chart)).collect();
    let second = stillpoint::report::write(&out, "P-41", &sessions).expect("a report");
    assert_eq!(
        std::fs::read(&kept).expect("reads"),
        old_page,
        "the old page is kept whole"
    );
    assert_ne!(inode(&second.page), inode(&kept), "a new page");
    for (chart, old) in second.charts.iter().zip(before) {
        assert_ne!(inode(chart), old, "{} is a new file", chart.display());
    }
    assert!(
        std::fs::read_to_string(&second.page)
            .expect("reads")
            .contains("P-41")
    );
}
