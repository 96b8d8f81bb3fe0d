//! The scenes and soundscapes a script may name are the same everywhere a person reads them:
//! in `stillpoint list --presets`, in the tables of docs/session-format.md (each with its
//! line on when to choose it) and in the scene gallery, docs/scene-gallery.md.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "a test stops at the first thing that is wrong"
)]

mod common;

use common::{project_path, stdout, stillpoint};
use stillpoint::catalog::{ENVIRONMENTS, Preset, SOUNDSCAPES};

/// The lines of `list --presets` under `heading`, up to the next blank line.
fn listed_under<'a>(listing: &'a str, heading: &str) -> Vec<&'a str> {
    listing
        .lines()
        .skip_while(|line| *line != heading)
        .skip(1)
        .take_while(|line| !line.trim().is_empty())
        .collect()
}

#[test]
fn list_presets_names_every_scene_and_soundscape_with_its_summary() {
    let output = stillpoint(&["list", "--presets"]);
    assert!(output.status.success(), "{output:?}");
    let listing = stdout(&output);
    for (heading, presets) in [
        ("Environments:", ENVIRONMENTS),
        ("Soundscapes:", SOUNDSCAPES),
    ] {
        let lines = listed_under(&listing, heading);
        assert_eq!(
            lines.len(),
            presets.len(),
            "{heading} lists {lines:?} for {} presets",
            presets.len()
        );
        for preset in presets {
            let line = lines
                .iter()
                .find(|line| line.split_whitespace().next() == Some(preset.id))
                .unwrap_or_else(|| panic!("{} is not listed under {heading}", preset.id));
            assert!(
                line.ends_with(preset.summary),
                "{}: {line:?} does not end with its summary",
                preset.id
            );
        }
    }
}

/// The rows of the table under `heading` in `text`: the first column's name in backticks and
/// the second column.
fn table_under(text: &str, heading: &str) -> Vec<(String, String)> {
    text.lines()
        .skip_while(|line| *line != heading)
        .skip(1)
        .skip_while(|line| !line.starts_with('|'))
        .take_while(|line| line.starts_with('|'))
        .skip(2)
        .map(|row| {
            let cells: Vec<&str> = row.trim_matches('|').split('|').map(str::trim).collect();
            let name = cells[0].trim_matches('`').to_owned();
            (name, cells.get(1).copied().unwrap_or_default().to_owned())
        })
        .collect()
}

fn check_table(rows: &[(String, String)], presets: &[Preset], what: &str) {
    for preset in presets {
        let (_, when) = rows
            .iter()
            .find(|(name, _)| name == preset.id)
            .unwrap_or_else(|| panic!("the {what} table of session-format.md lacks {}", preset.id));
        assert!(
            when.split_whitespace().count() >= 8,
            "{}: say when to choose it, not just {when:?}",
            preset.id
        );
    }
    for (name, _) in rows {
        assert!(
            presets.iter().any(|preset| preset.id == name),
            "session-format.md's {what} table has {name}, which scripts cannot name"
        );
        assert_eq!(
            rows.iter().filter(|(other, _)| other == name).count(),
            1,
            "{name} is in the {what} table twice"
        );
    }
}

#[test]
fn the_format_guide_has_a_row_for_each_scene_and_soundscape() {
    let guide = std::fs::read_to_string(project_path("docs/session-format.md")).unwrap();
    let scenes = table_under(&guide, "### Scenes");
    let soundscapes = table_under(&guide, "### Soundscapes");
    check_table(&scenes, ENVIRONMENTS, "scene");
    check_table(&soundscapes, SOUNDSCAPES, "soundscape");
}

/// The scene gallery (made by tools/gallery.sh) shows every scene: its section, its preview
/// and the four moments, each picture small enough to keep the repository light.
#[test]
fn the_scene_gallery_shows_every_scene_in_small_pictures() {
    let page = std::fs::read_to_string(project_path("docs/scene-gallery.md")).unwrap();
    let rerun = "run tools/gallery.sh";
    for preset in ENVIRONMENTS {
        assert!(
            page.contains(&format!("\n## {}\n", preset.id)),
            "the gallery has no section for {}: {rerun}",
            preset.id
        );
        let pictures = [
            ("preview", (384, 216)),
            ("seated-caption", (640, 360)),
            ("seated-breathing", (640, 360)),
            ("reclined-caption", (640, 360)),
            ("reclined-breathing", (640, 360)),
        ];
        for (moment, size) in pictures {
            let relative = format!("images/scenes/{}-{moment}.png", preset.id);
            assert!(
                page.contains(&relative),
                "the gallery does not show {relative}"
            );
            let path = project_path(&format!("docs/{relative}"));
            let bytes = std::fs::metadata(&path)
                .unwrap_or_else(|error| panic!("{}: {error}; {rerun}", path.display()))
                .len();
            assert!(bytes < 400_000, "{} is {bytes} bytes", path.display());
            let picture = image::open(&path).unwrap();
            assert_eq!(
                (picture.width(), picture.height()),
                size,
                "{}",
                path.display()
            );
        }
    }
}
