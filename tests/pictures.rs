//! The docs' pictures are the program's own: every picture in `docs/images` is listed once in
//! `tools/pictures.list`, with the moment of a session it shows, and this test takes each one
//! again from the running program (under a virtual display with software Vulkan in CI:
//! `tools/test.sh` runs `xvfb-run`) and compares it with the committed one.
//!
//! The comparison is perceptual and coarse, so that nothing but a real change fails it: both
//! pictures are turned to grey (luma, Rec. 709) and shrunk to 48x27 cells (each cell the mean
//! of 20x20 pixels of the 960x540 picture). The test fails when the cells differ by more than
//! [`MEAN_LIMIT`] of 255 on average (the whole picture changed), or when any one cell differs
//! by more than [`CELL_LIMIT`] (a button, a word or a colour patch changed). The moment is
//! reached in simulated time, so it is the same every time; only the wall clock's words (the
//! date in the patient's course, the time an alert was raised) change from run to run, a few
//! small digits that move a cell by far less than the limit.
//!
//! To take every picture again: `tools/pictures.sh` (it runs this test with
//! `STILLPOINT_REMAKE_PICTURES=1`, which writes `docs/images/<name>.png` before comparing).

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "a test stops at the first thing that is wrong"
)]

mod common;

use std::collections::BTreeSet;

use common::window::{Picture, screenshot_at};

/// The size of the docs' pictures, pixels.
const PICTURE_SIZE: (u32, u32) = (960, 540);
/// The size of the grey cells pictures are compared at.
const CELLS: (u32, u32) = (48, 27);
/// The largest mean difference of the grey cells, of 255, before a picture counts as stale.
const MEAN_LIMIT: f64 = 2.0;
/// The largest difference of any one grey cell, of 255, before a picture counts as stale.
const CELL_LIMIT: u8 = 32;
/// What to run when a picture is stale or missing.
const REMAKE: &str = "tools/pictures.sh";
/// The docs' pictures made by other commands (which `tools/pictures.sh` also runs), by the
/// start of their name, with the command that makes them: the scene gallery (its pictures
/// checked against the catalog by `tests/presets.rs`) and the remote on a phone (taken by the
/// real-browser test).
const MADE_ELSEWHERE: &[(&str, &str)] = &[
    ("scenes/", "tools/gallery.sh"),
    (
        "remote-phone",
        "STILLPOINT_GUIDE_PICTURES=docs/images cargo test --test remote_browser",
    ),
];

/// One line of `tools/pictures.list`.
struct Listed {
    name: String,
    session: String,
    options: Vec<String>,
    shows: String,
    /// `stillpoint simulate` runs that fill the picture's data folder first (e.g. the sessions
    /// the Patients window lists), each with `--data` added; `{data}` in them names that folder.
    first: Vec<Vec<String>>,
}

/// The pictures listed in `tools/pictures.list`, in its order.
fn listed_pictures() -> Vec<Listed> {
    let list = std::fs::read_to_string(common::project_path("tools/pictures.list"))
        .expect("tools/pictures.list");
    list.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(|line| {
            let fields: Vec<&str> = line.split(" | ").map(str::trim).collect();
            let (name, session, options, shows, first) = match fields[..] {
                [name, session, options, shows] => (name, session, options, shows, ""),
                [name, session, options, shows, first] => (name, session, options, shows, first),
                _ => panic!(
                    "tools/pictures.list: \"{line}\" needs four or five fields separated by \" | \""
                ),
            };
            Listed {
                name: name.to_owned(),
                session: session.to_owned(),
                options: options.split_whitespace().map(str::to_owned).collect(),
                shows: shows.to_owned(),
                first: first
                    .split(';')
                    .map(|run| {
                        run.split_whitespace()
                            .map(str::to_owned)
                            .collect::<Vec<_>>()
                    })
                    .filter(|run| !run.is_empty())
                    .collect(),
            }
        })
        .collect()
}

/// The names of the pictures (image links to `images/<name>.png`) the README and the docs show.
fn pictures_in_docs() -> BTreeSet<String> {
    let mut files = vec![common::project_path("README.md")];
    let docs = std::fs::read_dir(common::project_path("docs")).expect("docs/");
    files.extend(
        docs.map(|entry| entry.expect("a docs entry").path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "md")),
    );
    let mut names = BTreeSet::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("a doc");
        // Image links only: `](…images/<name>.png)`.
        for rest in text.split("](").skip(1) {
            if let Some((target, _)) = rest.split_once(')')
                && let Some((_, file)) = target.rsplit_once("images/")
                && let Some(name) = file.strip_suffix(".png")
            {
                names.insert(name.to_owned());
            }
        }
    }
    names
}

/// The pictures committed in `docs/images`.
fn pictures_committed() -> BTreeSet<String> {
    std::fs::read_dir(common::project_path("docs/images"))
        .expect("docs/images")
        .map(|entry| entry.expect("an image entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "png"))
        .filter_map(|path| Some(path.file_stem()?.to_str()?.to_owned()))
        .collect()
}

#[test]
fn every_picture_in_the_docs_is_listed_once_and_committed() {
    let listed = listed_pictures();
    let names: BTreeSet<String> = listed.iter().map(|picture| picture.name.clone()).collect();
    assert_eq!(names.len(), listed.len(), "a name is listed twice");
    let made_elsewhere = |name: &String| {
        MADE_ELSEWHERE
            .iter()
            .any(|(start, _)| name.starts_with(start))
    };
    let (elsewhere, shown): (BTreeSet<String>, BTreeSet<String>) =
        pictures_in_docs().into_iter().partition(made_elsewhere);
    assert_eq!(
        shown, names,
        "the docs show exactly the pictures tools/pictures.list makes"
    );
    assert_eq!(
        pictures_committed()
            .into_iter()
            .filter(|name| !made_elsewhere(name))
            .collect::<BTreeSet<_>>(),
        names,
        "docs/images holds exactly the listed pictures (run {REMAKE})"
    );
    for name in elsewhere {
        let maker = MADE_ELSEWHERE
            .iter()
            .find(|(start, _)| name.starts_with(start))
            .map_or(REMAKE, |(_, maker)| maker);
        assert!(
            common::project_path(&format!("docs/images/{name}.png")).is_file(),
            "the docs show images/{name}.png, which is not committed: run {maker}"
        );
    }
}

/// A picture shrunk to grey cells: luma (Rec. 709) averaged over each cell.
fn grey_cells(picture: &image::RgbImage) -> image::GrayImage {
    let grey = image::GrayImage::from_fn(picture.width(), picture.height(), |x, y| {
        let [r, g, b] = picture.get_pixel(x, y).0;
        let luma = 0.2126 * f64::from(r) + 0.7152 * f64::from(g) + 0.0722 * f64::from(b);
        image::Luma([luma.round().clamp(0.0, 255.0) as u8])
    });
    image::imageops::resize(
        &grey,
        CELLS.0,
        CELLS.1,
        image::imageops::FilterType::Triangle,
    )
}

/// The mean and the largest difference of two pictures' grey cells, of 255.
fn perceptual_difference(now: &image::RgbImage, then: &image::RgbImage) -> (f64, u8) {
    let (now, then) = (grey_cells(now), grey_cells(then));
    let differences: Vec<u8> = now
        .as_raw()
        .iter()
        .zip(then.as_raw())
        .map(|(a, b)| a.abs_diff(*b))
        .collect();
    let mean = differences.iter().map(|&d| f64::from(d)).sum::<f64>() / differences.len() as f64;
    (mean, differences.iter().copied().max().unwrap_or(0))
}

/// The window's picture shrunk to the docs' size.
fn docs_sized(picture: &Picture) -> image::RgbImage {
    let flat: Vec<u8> = picture.pixels.iter().flatten().copied().collect();
    let taken = image::RgbImage::from_raw(picture.width, picture.height, flat)
        .expect("the picture's pixels");
    let (width, height) = PICTURE_SIZE;
    image::imageops::resize(&taken, width, height, image::imageops::FilterType::Triangle)
}

#[test]
fn the_docs_pictures_show_what_the_program_shows_now() {
    let remake = std::env::var_os("STILLPOINT_REMAKE_PICTURES").is_some();
    let mut stale = Vec::new();
    for listed in listed_pictures() {
        let data = tempfile::tempdir().expect("temp dir");
        let data_path = data.path().to_str().expect("utf-8");
        for run in &listed.first {
            let mut args = vec!["simulate", "--data", data_path];
            let run: Vec<String> = run
                .iter()
                .map(|arg| arg.replace("{data}", data_path))
                .collect();
            args.extend(run.iter().map(String::as_str));
            let output = common::stillpoint(&args);
            assert!(
                output.status.success(),
                "{}: simulate {} failed: {}",
                listed.name,
                run.join(" "),
                String::from_utf8_lossy(&output.stderr)
            );
        }
        let mut options = vec!["--data", data_path];
        options.extend(listed.options.iter().map(String::as_str));
        let picture = screenshot_at(&listed.session, &listed.name, &options);
        assert!(
            picture.moment.contains(&listed.shows),
            "{}: the program shows {} rather than {}",
            listed.name,
            picture.moment,
            listed.shows
        );
        let now = docs_sized(&picture);
        let path = common::project_path(&format!("docs/images/{}.png", listed.name));
        if remake {
            now.save(&path).expect("saves the picture into docs/images");
            println!("made {}", path.display());
        }
        let Ok(committed) = image::open(&path) else {
            stale.push(format!("{}: not in docs/images", listed.name));
            continue;
        };
        let committed = committed.to_rgb8();
        if committed.dimensions() != PICTURE_SIZE {
            stale.push(format!(
                "{}: {:?} pixels, not {PICTURE_SIZE:?}",
                listed.name,
                committed.dimensions()
            ));
            continue;
        }
        let (mean, worst) = perceptual_difference(&now, &committed);
        println!(
            "{}: mean difference {mean:.2}, worst cell {worst}",
            listed.name
        );
        if mean > MEAN_LIMIT || worst > CELL_LIMIT {
            stale.push(format!(
                "{}: mean difference {mean:.2} of 255 (limit {MEAN_LIMIT}), worst cell {worst} \
                 (limit {CELL_LIMIT})",
                listed.name
            ));
        }
    }
    assert!(
        stale.is_empty(),
        "the docs' pictures no longer show what the program shows; run {REMAKE} and look at \
         them before committing:\n  {}",
        stale.join("\n  ")
    );
}

#[test]
fn the_comparison_sees_a_changed_button_but_not_a_rounding() {
    // A calm picture: a soft vertical gradient, as the scenes' skies are.
    let base = image::RgbImage::from_fn(PICTURE_SIZE.0, PICTURE_SIZE.1, |_, y| {
        let level = (40 + y / 6) as u8;
        image::Rgb([level, level, level.saturating_add(20)])
    });
    // Every pixel one level off (another renderer's rounding): not a change.
    let rounded = image::RgbImage::from_fn(PICTURE_SIZE.0, PICTURE_SIZE.1, |x, y| {
        let [r, g, b] = base.get_pixel(x, y).0;
        image::Rgb([r.saturating_add(1), g, b.saturating_sub(1)])
    });
    let (mean, worst) = perceptual_difference(&base, &rounded);
    assert!(mean <= MEAN_LIMIT && worst <= CELL_LIMIT, "{mean} {worst}");
    // A 60x24 pixel button gone light: a change, though small in the whole picture.
    let mut button = base.clone();
    for x in 800..860 {
        for y in 40..64 {
            button.put_pixel(x, y, image::Rgb([220, 230, 230]));
        }
    }
    let (mean, worst) = perceptual_difference(&base, &button);
    assert!(mean < MEAN_LIMIT, "a small change: {mean}");
    assert!(
        worst > CELL_LIMIT,
        "yet seen: the worst cell differs by {worst}"
    );
}
