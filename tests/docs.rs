//! The docs say what the program does: the parts of the README and `docs/` that state a fact
//! of the code (the bundled sessions, simulate's actions, the patient-code rule, what
//! `validate` prints, that no network connection is made, where each link leads) are read
//! here and held to the code.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "a test stops at the first thing that is wrong"
)]

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use common::{stdout, stillpoint};

/// A doc's text.
fn doc(relative: &str) -> String {
    std::fs::read_to_string(common::project_path(relative)).expect(relative)
}

/// The lines between `<!-- marker -->` and `<!-- /marker -->` in `text`.
fn marked<'a>(text: &'a str, marker: &str) -> Vec<&'a str> {
    let (_, rest) = text
        .split_once(&format!("<!-- {marker} -->"))
        .unwrap_or_else(|| panic!("no <!-- {marker} --> in the doc"));
    let (inside, _) = rest
        .split_once(&format!("<!-- /{marker} -->"))
        .unwrap_or_else(|| panic!("no <!-- /{marker} --> in the doc"));
    inside
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect()
}

/// The cells of a table's body rows (after its header and rule).
fn table_rows(lines: &[&str]) -> Vec<Vec<String>> {
    lines
        .iter()
        .filter(|line| line.starts_with('|'))
        .skip(2)
        .map(|line| {
            line.trim_matches('|')
                .split('|')
                .map(|cell| cell.trim().trim_matches('`').to_owned())
                .collect()
        })
        .collect()
}

#[test]
fn the_guides_table_of_sessions_is_what_stillpoint_list_finds() {
    let data = tempfile::tempdir().expect("temp dir");
    let listed = stillpoint(&["--data", data.path().to_str().expect("utf-8"), "list"]);
    assert!(listed.status.success(), "{listed:?}");
    // ID, TITLE, PHASE, LENGTH, in columns at least two spaces apart.
    let mut found: Vec<[String; 4]> = stdout(&listed)
        .lines()
        .skip(1)
        .map(|line| {
            let cells: Vec<String> = line
                .split("  ")
                .map(str::trim)
                .filter(|cell| !cell.is_empty())
                .map(str::to_owned)
                .collect();
            cells.try_into().unwrap_or_else(|cells| panic!("{cells:?}"))
        })
        .collect();
    let guide = doc("docs/therapist-guide.md");
    let mut documented: Vec<[String; 4]> = table_rows(&marked(&guide, "bundled sessions"))
        .into_iter()
        .map(|row| {
            let [title, id, phase, length, _] = &row[..] else {
                panic!("{row:?}");
            };
            [id.clone(), title.clone(), phase.clone(), length.clone()]
        })
        .collect();
    found.sort();
    documented.sort();
    assert_eq!(
        documented, found,
        "the guide's sessions against `stillpoint list`"
    );
    let count = ["no", "one", "two", "three", "four", "five", "six", "seven"][found.len()];
    assert!(
        guide.contains(&format!("Stillpoint comes with {count} sessions")),
        "the guide counts {count} sessions"
    );
}

#[test]
fn what_validate_prints_is_what_the_docs_show() {
    let data = tempfile::tempdir().expect("temp dir");
    let validated = stillpoint(&[
        "--data",
        data.path().to_str().expect("utf-8"),
        "validate",
        "--brief",
    ]);
    assert!(validated.status.success(), "{validated:?}");
    let printed = stdout(&validated);
    let sessions = std::fs::read_dir(common::project_path("assets/sessions"))
        .expect("assets/sessions")
        .count();
    let summary = format!("{sessions} session file(s) checked: all valid");
    assert!(printed.contains(&summary), "{printed}");
    for relative in ["docs/clinic-setup.md", "docs/questionnaires.md"] {
        let text = doc(relative);
        let shown = text
            .lines()
            .flat_map(|line| line.split('`'))
            .filter(|part| part.contains("file(s) checked"))
            .map(str::trim);
        for shown in shown {
            assert!(
                printed.contains(shown),
                "{relative} shows \"{shown}\"; validate prints {printed}"
            );
        }
    }
    let setup = doc("docs/clinic-setup.md");
    assert!(
        setup.contains(&format!("sessions  {sessions} sessions, all valid")),
        "the doctor's example counts {sessions} sessions"
    );
}

#[test]
fn the_actions_in_the_docs_are_the_ones_the_parser_takes() {
    let development = doc("docs/development.md");
    let documented: Vec<String> = table_rows(&marked(&development, "actions"))
        .into_iter()
        .map(|row| row[0].clone())
        .collect();
    assert_eq!(documented, stillpoint::simulate::ACTIONS.map(str::to_owned));
    for action in &documented {
        let example = action
            .replace(":NAME", ":lying")
            .replace(":N", ":1")
            .replace("BUS:LEVEL", "cues:0.5");
        stillpoint::simulate::parse_timed_action(&format!("2={example}"))
            .unwrap_or_else(|error| panic!("{action}: {error}"));
    }
}

#[test]
fn the_patient_code_rule_the_docs_state_is_the_one_the_program_checks() {
    let rule = "A patient code is 1 to 32 characters: letters, digits, `-` or `_`, with at \
                least one digit. No spaces, so a name cannot slip in.";
    for relative in [
        "docs/therapist-guide.md",
        "docs/patient-data.md",
        "docs/session-records.md",
    ] {
        let text = doc(relative);
        let flowed = text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(flowed.contains(rule), "{relative} states the rule");
    }
    let check = stillpoint::patient_code::check;
    let longest = "a1".repeat(16);
    for fits in ["P-014", "p_7", "7", "2026-03", longest.as_str()] {
        assert_eq!(check(fits), Ok(()), "\"{fits}\" fits the rule");
    }
    let too_long = format!("P-{}", "1".repeat(31));
    for breaks in [
        "",
        "P-ABC",
        "P 14",
        "Jane Doe",
        "P.014",
        "P/014",
        "Zoë-1",
        too_long.as_str(),
    ] {
        assert!(check(breaks).is_err(), "\"{breaks}\" breaks the rule");
    }
}

#[test]
fn no_socket_is_opened_outside_the_remote_control() {
    let mut files = Vec::new();
    let mut folders = vec![common::project_path("src")];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).expect("a source folder") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                files.push(path);
            }
        }
    }
    let remote = common::project_path("src/remote");
    for file in files.iter().filter(|file| !file.starts_with(&remote)) {
        let text = std::fs::read_to_string(file).expect("a source file");
        // Network sockets, not addresses (the settings name the remote's address) and not the
        // local socket of the X display the desktop check opens.
        for word in [
            "TcpStream",
            "TcpListener",
            "UdpSocket",
            "tokio::net",
            "socket2",
        ] {
            assert!(
                !text.contains(word),
                "{} uses {word}: docs/privacy.md promises no network connection",
                file.display()
            );
        }
    }
}

/// GitHub's anchor for a heading: lower case, punctuation dropped, spaces as dashes.
fn anchor(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == ' ' || *c == '-' || *c == '_')
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

/// The anchors of a Markdown file's headings.
fn anchors(file: &Path) -> BTreeSet<String> {
    let text = std::fs::read_to_string(file).expect("a doc");
    let mut in_code = false;
    let mut found = BTreeSet::new();
    for line in text.lines() {
        if line.starts_with("```") {
            in_code = !in_code;
        } else if !in_code && line.starts_with('#') {
            found.insert(anchor(line.trim_start_matches('#')));
        }
    }
    found
}

/// The Markdown files a reader is given: the README and `docs/*.md`.
fn markdown_files() -> Vec<PathBuf> {
    let mut files = vec![common::project_path("README.md")];
    let docs = std::fs::read_dir(common::project_path("docs")).expect("docs/");
    files.extend(
        docs.map(|entry| entry.expect("a docs entry").path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "md")),
    );
    files
}

#[test]
fn every_link_in_the_docs_leads_to_a_file_and_heading_that_are_there() {
    let mut broken = Vec::new();
    for file in markdown_files() {
        let text = std::fs::read_to_string(&file).expect("a doc");
        let folder = file.parent().expect("a folder");
        for rest in text.split("](").skip(1) {
            let Some((target, _)) = rest.split_once(')') else {
                continue;
            };
            if target.contains("://") || target.starts_with("mailto:") || target.contains(' ') {
                continue;
            }
            let (path, heading) = target.split_once('#').unwrap_or((target, ""));
            let linked = if path.is_empty() {
                file.clone()
            } else {
                folder.join(path)
            };
            if !linked.exists() {
                broken.push(format!("{}: {target} (no such file)", file.display()));
            } else if !heading.is_empty()
                && linked.extension().is_some_and(|ext| ext == "md")
                && !anchors(&linked).contains(heading)
            {
                broken.push(format!("{}: {target} (no such heading)", file.display()));
            }
        }
    }
    assert!(
        broken.is_empty(),
        "broken links:\n  {}",
        broken.join("\n  ")
    );
}

#[test]
fn the_guides_shortcuts_are_the_ones_the_panel_lists() {
    let guide = doc("docs/therapist-guide.md");
    let documented: Vec<String> = table_rows(&marked(&guide, "shortcuts"))
        .into_iter()
        .map(|row| row[0].clone())
        .collect();
    for (keys, what) in stillpoint::panel::layout::SHORTCUTS {
        assert!(
            documented.iter().any(|row| row == keys),
            "the panel lists {keys} ({what}); the guide's table does not"
        );
    }
    for keys in &documented {
        assert!(
            stillpoint::panel::layout::SHORTCUTS
                .iter()
                .any(|(listed, _)| listed == keys),
            "the guide lists {keys}; the panel's list of shortcuts does not"
        );
    }
}
