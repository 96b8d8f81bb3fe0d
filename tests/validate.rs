//! `stillpoint validate` and `list`: bundled sessions are valid, every kind of mistake is
//! reported at its exact place, and no input makes the parser panic.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "a test stops at the first thing that is wrong"
)]

mod common;

use common::{project_path, stdout, stillpoint};
use proptest::prelude::*;
use stillpoint::instruments::{InstrumentSet, parse_instrument};
use stillpoint::script::library;
use stillpoint::script::validate::Context;
use stillpoint::script::{Diagnostic, parse_session};

fn context() -> Context {
    let (instruments, problems) = InstrumentSet::load(&[project_path("assets/instruments")]);
    assert!(problems.is_empty(), "{problems:?}");
    Context {
        assets_dir: Some(project_path("assets")),
        instruments: Some(instruments.ids().map(str::to_owned).collect()),
        ..Context::default()
    }
}

fn check_fixture(name: &str) -> (String, Vec<Diagnostic>) {
    let path = project_path(&format!("tests/fixtures/invalid/{name}.session.ron"));
    let entry = library::check_file(&path, &context());
    let problems = match entry.outcome {
        Ok(_) => panic!("{name} should be invalid"),
        Err(problems) => problems,
    };
    (path.display().to_string(), problems)
}

#[test]
fn every_bundled_session_is_valid() {
    let files = library::session_files(&project_path("assets/sessions")).expect("sessions folder");
    assert!(files.len() >= 4, "the four bundled sessions at least");
    for entry in library::check_all(&files, &context()) {
        match &entry.outcome {
            Ok(checked) => assert!(
                checked.warnings.is_empty(),
                "{}: {:?}",
                entry.path.display(),
                checked.warnings
            ),
            Err(problems) => panic!("{}: {problems:#?}", entry.path.display()),
        }
    }
    let output = stillpoint(&["validate"]);
    assert!(output.status.success(), "{}", stdout(&output));
    assert!(stdout(&output).contains("all valid"));
}

/// (fixture, line, column, words the message must contain)
#[rustfmt::skip]
const FIXTURES: &[(&str, usize, usize, &str)] = &[
    ("unknown-field", 3, 5, "`titel` is not a setting of Session"),
    ("unclosed-string", 8, 46, "expected a comma here"),
    ("wrong-type", 8, 52, "expected a whole number here"),
    ("unknown-step-kind", 9, 9, "`Breathe` is not a known step kind"),
    ("bad-duration", 8, 25, "\"5 minutes please\" is not a length of time"),
    ("empty-steps", 7, 5, "the session has no steps"),
    ("zero-duration", 9, 14, "step 2 (Rest): `duration` is zero"),
    ("unsafe-resonance", 9, 32, "step 1 (Breathing): 14 breaths per minute is outside the safe range"),
    ("unsafe-custom-breathing", 9, 29, "step 1 (Breathing): a 1s inhale is outside the safe range"),
    ("duplicate-check-in", 10, 17, "step 3 (CheckIn): the check-in id \"suds\" is used twice"),
    ("unknown-environment", 5, 5, "there is no environment called \"beach\""),
    ("missing-field", 8, 34, "Narration needs `text`"),
    ("duration-and-cycles", 8, 61, "both `duration` and `cycles` are given"),
    ("one-choice", 8, 45, "`answer` needs at least 2 entries, found 1"),
    ("bad-colour", 8, 54, "\"blue\" is not a colour"),
    (
        "glaring-colour",
        8,
        54,
        "the colour \"#ffffff\" shines at brightness 1.00, above the ceiling of 0.90",
    ),
    ("unplayable-audio", 8, 42, "\"narration/hello.mp4\" is not an audio file"),
    ("unknown-phase", 4, 12, "`AfterDosing` is not a known phase"),
    ("unknown-posture", 7, 14, "`Standing` is not a known posture"),
    (
        "unknown-questionnaire",
        8,
        23,
        "step 1 (Questionnaire): there is no questionnaire \"phq-8\"",
    ),
    ("truncated", 7, 35, "the file ends too early"),
    ("binary", 3, 1, "not plain text"),
    ("empty", 1, 1, "the file is empty"),
];

#[test]
fn each_mistake_is_reported_at_its_place() {
    for &(name, line, column, gist) in FIXTURES {
        let (path, problems) = check_fixture(name);
        let expected = format!("{path}:{line}:{column}: ");
        let headlines: Vec<String> = problems
            .iter()
            .filter(|problem| problem.is_error())
            .map(Diagnostic::headline)
            .collect();
        assert!(
            headlines
                .iter()
                .any(|headline| headline.starts_with(&expected) && headline.contains(gist)),
            "{name}: expected `{expected}…{gist}…`, got {headlines:#?}"
        );
    }
}

#[test]
fn the_command_line_reports_every_invalid_fixture_and_fails() {
    let folder = project_path("tests/fixtures/invalid");
    let output = stillpoint(&["validate", "--brief", folder.to_str().expect("utf-8 path")]);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    for &(name, line, column, _) in FIXTURES {
        let place = format!("{name}.session.ron:{line}:{column}: ");
        assert!(text.contains(&place), "missing {place} in\n{text}");
    }
    assert!(text.contains(&format!(
        "{} session file(s) checked: {} invalid",
        FIXTURES.len(),
        FIXTURES.len()
    )));
}

#[test]
fn the_full_report_shows_the_offending_line_and_a_hint() {
    let path = project_path("tests/fixtures/invalid/unsafe-resonance.session.ron");
    let output = stillpoint(&["validate", path.to_str().expect("utf-8 path")]);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert!(
        text.contains("pattern: Resonance(breaths_per_minute: 14.0),"),
        "{text}"
    );
    assert!(text.contains("3 to 10 breaths per minute"), "{text}");
}

#[test]
fn warnings_are_reported_but_do_not_fail() {
    let path = project_path("tests/fixtures/warnings/missing-audio.session.ron");
    let output = stillpoint(&["validate", "--brief", path.to_str().expect("utf-8 path")]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
    let text = stdout(&output);
    assert!(
        text.contains("missing-audio.session.ron:8:42: warning: step 1 (Narration): the recording \"narration/not-recorded-yet.ogg\" was not found"),
        "{text}"
    );
}

#[test]
fn a_missing_file_is_an_error_not_a_crash() {
    let output = stillpoint(&["validate", "no/such/file.session.ron"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).contains("no/such/file.session.ron: cannot read the file"));
}

#[test]
fn duplicate_session_ids_across_files_are_caught() {
    let dir = tempfile::tempdir().expect("temp dir");
    let original = project_path("assets/sessions/box-breathing-reset.session.ron");
    for name in ["a", "b"] {
        std::fs::copy(&original, dir.path().join(format!("{name}.session.ron"))).expect("copy");
    }
    let output = stillpoint(&[
        "validate",
        "--brief",
        dir.path().to_str().expect("utf-8 path"),
    ]);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert!(
        text.contains(
            "b.session.ron:5:5: the session id \"box-breathing-reset\" is already used by"
        ),
        "{text}"
    );
}

#[test]
fn list_shows_every_bundled_session() {
    let output = stillpoint(&["list"]);
    assert!(output.status.success());
    let text = stdout(&output);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0].split_whitespace().collect::<Vec<_>>(),
        ["ID", "TITLE", "PHASE", "LENGTH"]
    );
    let expected = [
        (
            "box-breathing-reset",
            "Five-minute box breathing",
            "before dosing",
            "5 min",
        ),
        (
            "centering-before-dosing",
            "Arriving and centering",
            "before dosing",
            "13 min",
        ),
        (
            "creative-integration",
            "Painting what stayed with you",
            "integration",
            "25 min",
        ),
        (
            "outcome-measures",
            "Outcome measures: PHQ-9 and GAD-7",
            "integration",
            "6 min",
        ),
        (
            "rest-during-dosing",
            "Resting under the night sky",
            "during dosing",
            "43 min",
        ),
    ];
    assert_eq!(lines.len(), expected.len() + 1, "{text}");
    for (line, (id, title, phase, length)) in lines[1..].iter().zip(expected) {
        let columns: Vec<&str> = line
            .split("  ")
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .collect();
        assert_eq!(columns, [id, title, phase, length], "{line}");
    }
    let presets = stdout(&stillpoint(&["list", "--presets"]));
    assert!(
        presets.contains("dusk-lake") && presets.contains("warm-drone"),
        "{presets}"
    );
}

#[test]
fn deep_nesting_and_huge_files_are_refused_calmly() {
    let deep = format!(
        "Session(steps: {}{})",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let problems = parse_session("deep.session.ron", deep.as_bytes(), &Context::default())
        .expect_err("refused");
    assert!(
        problems[0].headline().contains("nested more than"),
        "{}",
        problems[0].headline()
    );

    let dir = tempfile::tempdir().expect("temp dir");
    let huge = dir.path().join("huge.session.ron");
    std::fs::write(&huge, vec![b' '; 8 * 1024 * 1024]).expect("write");
    let output = stillpoint(&["validate", "--brief", huge.to_str().expect("utf-8 path")]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).contains("a session script must be under 1024 KiB"));
}

fn bundled_source() -> String {
    std::fs::read_to_string(project_path(
        "assets/sessions/centering-before-dosing.session.ron",
    ))
    .expect("bundled session")
}

/// Applies random edits to `bytes`: each removes, inserts or replaces a byte, or cuts the
/// rest off.
fn mutate(bytes: &mut Vec<u8>, edits: Vec<(prop::sample::Index, usize, u8)>) {
    for (at, kind, byte) in edits {
        let at = at.index(bytes.len().max(1));
        match kind {
            0 if at < bytes.len() => {
                bytes.remove(at);
            }
            1 => bytes.insert(at.min(bytes.len()), byte),
            2 if at < bytes.len() => bytes[at] = byte,
            _ => bytes.truncate(at),
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = parse_session("fuzz.session.ron", &bytes, &Context::default());
    }

    #[test]
    fn mutated_sessions_never_panic_and_errors_are_located(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), 0usize..4, any::<u8>()), 1..6)
    ) {
        let mut bytes = bundled_source().into_bytes();
        mutate(&mut bytes, edits);
        if let Err(problems) = parse_session("fuzz.session.ron", &bytes, &context()) {
            prop_assert!(!problems.is_empty());
            for problem in problems.iter().filter(|problem| problem.is_error()) {
                // Everything wrong inside a non-empty file can be pointed at.
                prop_assert!(problem.location.is_some(), "{}", problem.headline());
                let source = String::from_utf8_lossy(&bytes);
                let _ = problem.render(&source, false);
            }
        }
    }

    #[test]
    fn mutated_instruments_never_panic_and_errors_are_located(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), 0usize..4, any::<u8>()), 1..6)
    ) {
        let path = project_path("assets/instruments/pcl-5.instrument.ron");
        let mut bytes = std::fs::read(path).expect("the bundled PCL-5");
        mutate(&mut bytes, edits);
        if let Err(problems) = parse_instrument("fuzz.instrument.ron", &bytes) {
            prop_assert!(!problems.is_empty());
            let source = String::from_utf8_lossy(&bytes);
            for problem in &problems {
                // Everything wrong inside a non-empty text file can be pointed at.
                prop_assert!(
                    problem.location.is_some() || std::str::from_utf8(&bytes).is_err(),
                    "{}",
                    problem.headline()
                );
                let _ = problem.render(&source, false);
            }
        }
    }

    #[test]
    fn grammar_shaped_noise_never_panics(text in "[A-Za-z(){}\\[\\]:,\" 0-9.#_\n-]{0,400}") {
        let wrapped = format!("Session(id: \"x\", steps: [{text}])");
        let _ = parse_session("fuzz.session.ron", wrapped.as_bytes(), &context());
        let _ = parse_session("fuzz.session.ron", text.as_bytes(), &context());
    }
}

#[test]
fn the_documented_example_is_a_valid_session() {
    let guide = std::fs::read_to_string(project_path("docs/session-format.md")).expect("guide");
    let start = guide
        .find("```ron\n// Lines starting")
        .expect("the complete example")
        + 7;
    let example = &guide[start..start + guide[start..].find("```").expect("end of example")];
    let checked = parse_session("example.session.ron", example.as_bytes(), &context())
        .unwrap_or_else(|problems| panic!("{problems:#?}"));
    assert_eq!(checked.session.steps.len(), 8);
    // Its recording is not shipped: a warning, not an error.
    assert_eq!(checked.warnings.len(), 1);
}

#[test]
fn questionnaire_instruments_are_validated_beside_sessions() {
    let output = stillpoint(&["validate"]);
    assert!(
        stdout(&output).contains("3 questionnaire file(s) checked: all valid"),
        "{}",
        stdout(&output)
    );
    let path = project_path("tests/fixtures/invalid/safety-item-out-of-range.instrument.ron");
    let path = path.to_str().expect("utf-8 path");
    let output = stillpoint(&["validate", "--brief", path]);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert_eq!(
        stdout(&output).lines().next(),
        Some(format!("{path}:14:5: safety item 3 is not one of items 1 to 2").as_str())
    );
    assert!(stdout(&output).contains("1 questionnaire file(s) checked: 1 invalid"));
}
