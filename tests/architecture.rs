//! The shape of the code, enforced: every module of `src/` sits in one of three layers, and
//! imports only from its own layer or the layers below, with no cycle between modules, nor
//! between the files of one folder; and no file of `src/` or `tests/` grows past
//! [`MAX_LINES`]. `docs/development.md` explains the layers; the table here is the one that
//! counts.

#![allow(
    clippy::expect_used,
    clippy::panic,
    reason = "a test stops at the first thing that is wrong"
)]

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use common::rust_source::{group_heads, paths_after, without_comments};

/// The layers, lowest first, and their modules (the first part of a `crate::` path).
const LAYERS: &[(&str, &[&str])] = &[
    (
        "core",
        &[
            "artwork",
            "catalog",
            "clock",
            "config",
            "easing",
            "exercises",
            "export",
            "instruments",
            "limits",
            "linker",
            "patient_code",
            "patients",
            "private",
            "report",
            "script",
            "session",
            "voice",
        ],
    ),
    (
        "presentation",
        &[
            "audio",
            "comfort",
            "controls",
            "environment",
            "paint",
            "panel",
            "pointing",
            "posture",
            "remote",
            "requests",
            "viewpoint",
            "visuals",
            "xr",
        ],
    ),
    (
        "shell",
        &[
            "bench",
            "capture",
            "cli",
            "desktop_check",
            "launch",
            "probe",
            "simulate",
        ],
    ),
];

/// What `lib.rs` itself defines, which every layer may use: the frame stages, what closing
/// keeps, and the headless logic plugin.
const CRATE_ROOT_ITEMS: &[&str] = &[
    "AppSystems",
    "KeepBeforeExit",
    "LogicPlugin",
    "frame_stages_on_one_thread",
];

/// The most lines a file of `src/` or `tests/` may have: past it, a file holds more than one
/// thing and is split along its seams.
const MAX_LINES: usize = 700;

/// Files allowed past [`MAX_LINES`], each with its reason. Empty: every file fits.
const LONG_FILES: &[(&str, &str)] = &[];

/// One `crate::` import: in which file, of which module, as written.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Import {
    file: String,
    line: usize,
    target: String,
    written: String,
}

/// The layer of `module`, as an index into [`LAYERS`].
fn layer_of(module: &str) -> Option<usize> {
    LAYERS
        .iter()
        .position(|(_, modules)| modules.contains(&module))
}

/// Every `crate::` path in `source` (a file of module `module`), outside comments.
fn imports_in(file: &str, source: &str) -> Vec<Import> {
    let code = without_comments(source);
    let mut found = Vec::new();
    let mut rest = code.as_str();
    let mut offset = 0;
    while let Some(at) = rest.find("crate::") {
        let start = offset + at;
        let preceded_by_ident = code[..start]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '_');
        let after = &code[start + "crate::".len()..];
        let line = code[..start].matches('\n').count() + 1;
        if !preceded_by_ident {
            let (targets, written) = if let Some(group) = after.strip_prefix('{') {
                let end = group.find('}').map_or(group.len(), |_| {
                    let mut depth = 1;
                    group
                        .char_indices()
                        .find(|&(_, c)| {
                            depth += match c {
                                '{' => 1,
                                '}' => -1,
                                _ => 0,
                            };
                            depth == 0
                        })
                        .map_or(group.len(), |(index, _)| index)
                });
                (
                    group_heads(&group[..end]),
                    format!("crate::{{{}}}", &group[..end]),
                )
            } else {
                let name: String = after
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                let path: String = after
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
                    .collect();
                (vec![name], format!("crate::{}", path.trim_end_matches(':')))
            };
            for target in targets {
                found.push(Import {
                    file: file.to_owned(),
                    line,
                    target,
                    written: written.split_whitespace().collect::<Vec<_>>().join(" "),
                });
            }
        }
        offset = start + "crate::".len();
        rest = &code[offset..];
    }
    found
}

/// The module a file of `src/` belongs to (`src/session/runtime.rs` → `session`); `None`
/// for the crate root (`lib.rs`, `main.rs`).
fn module_of(relative: &Path) -> Option<String> {
    let first = relative.components().next()?.as_os_str().to_str()?;
    match first {
        "lib.rs" | "main.rs" => None,
        file => Some(file.trim_end_matches(".rs").to_owned()),
    }
}

/// Every rule `files` (path relative to `src/`, text) break, one message each.
fn problems(files: &[(PathBuf, String)]) -> Vec<String> {
    let mut problems = Vec::new();
    let mut edges: BTreeMap<(String, String), Import> = BTreeMap::new();
    for (relative, source) in files {
        let Some(module) = module_of(relative) else {
            continue;
        };
        let shown = format!("src/{}", relative.display());
        let Some(from) = layer_of(&module) else {
            problems.push(format!(
                "{shown}: the module `{module}` is in no layer; add it to the table in \
                 tests/architecture.rs and to docs/development.md"
            ));
            continue;
        };
        for import in imports_in(&shown, source) {
            if import.target == module || CRATE_ROOT_ITEMS.contains(&import.target.as_str()) {
                continue;
            }
            let Some(to) = layer_of(&import.target) else {
                problems.push(format!(
                    "{}:{}: `{}` names `{}`, which is neither a module in the layer table \
                     nor one of lib.rs's own items",
                    import.file, import.line, import.written, import.target
                ));
                continue;
            };
            if to > from {
                problems.push(format!(
                    "{}:{}: `{}` imports upward: `{module}` is {} and `{}` is {}; {} imports \
                     only from {}",
                    import.file,
                    import.line,
                    import.written,
                    LAYERS[from].0,
                    import.target,
                    LAYERS[to].0,
                    LAYERS[from].0,
                    LAYERS[..=from]
                        .iter()
                        .map(|(name, _)| *name)
                        .collect::<Vec<_>>()
                        .join(" and ")
                ));
            }
            edges
                .entry((module.clone(), import.target.clone()))
                .or_insert(import);
        }
    }
    problems.extend(cycles(&edges));
    problems
}

/// One message for each cycle of imports between modules, naming an import on each step.
fn cycles(edges: &BTreeMap<(String, String), Import>) -> Vec<String> {
    let mut next: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (from, to) in edges.keys() {
        next.entry(from).or_default().insert(to);
    }
    let mut reported: BTreeSet<BTreeSet<String>> = BTreeSet::new();
    let mut messages = Vec::new();
    for start in next.keys() {
        // Depth-first search for a path from `start` back to itself.
        let mut stack: Vec<(&str, Vec<&str>)> = vec![(start, vec![start])];
        let mut seen: BTreeSet<&str> = BTreeSet::new();
        while let Some((at, path)) = stack.pop() {
            for &to in next.get(at).into_iter().flatten() {
                if to == *start {
                    let members: BTreeSet<String> = path.iter().map(|m| m.to_string()).collect();
                    if reported.insert(members) {
                        let mut steps = path.clone();
                        steps.push(start);
                        let shown = steps
                            .windows(2)
                            .map(|pair| {
                                let import = &edges[&(pair[0].to_owned(), pair[1].to_owned())];
                                format!(
                                    "{} → {} ({}:{} `{}`)",
                                    pair[0], pair[1], import.file, import.line, import.written
                                )
                            })
                            .collect::<Vec<_>>()
                            .join(", ");
                        messages.push(format!("an import cycle between modules: {shown}"));
                    }
                } else if seen.insert(to) {
                    let mut longer = path.clone();
                    longer.push(to);
                    stack.push((to, longer));
                }
            }
        }
    }
    messages
}

/// Where a file of `src/` sits in the module tree: the folder its module is declared in, and
/// its module's name (`a/b.rs` and `a/b/mod.rs` are both `b` in `a`). `None` for the crate
/// root and for the top-level modules, whose imports between each other the layer test
/// checks.
fn file_place(relative: &Path) -> Option<(Vec<String>, String)> {
    let mut parts: Vec<String> = relative
        .components()
        .map(|part| part.as_os_str().to_string_lossy().into_owned())
        .collect();
    let file = parts.pop()?;
    let name = match file.as_str() {
        "mod.rs" => parts.pop()?,
        other => other.trim_end_matches(".rs").to_owned(),
    };
    (!parts.is_empty()).then_some((parts, name))
}

/// One message for each cycle of imports between the files of one folder of `src/` (a
/// folder's `mod.rs` left out: it declares the files and wires them together).
fn file_cycles(files: &[(PathBuf, String)]) -> Vec<String> {
    let known: BTreeSet<PathBuf> = files.iter().map(|(path, _)| path.clone()).collect();
    // The file a module path names: `a/b.rs`, or `a/b/mod.rs`.
    let file_of = |segments: &[String]| -> Option<PathBuf> {
        (1..=segments.len()).rev().find_map(|length| {
            let base: PathBuf = segments[..length].iter().collect();
            [base.with_extension("rs"), base.join("mod.rs")]
                .into_iter()
                .find(|path| known.contains(path))
        })
    };
    let mut edges: BTreeMap<(String, String), Import> = BTreeMap::new();
    for (relative, source) in files {
        let Some((folder, own)) = file_place(relative) else {
            continue;
        };
        // A file's tests (its `#[cfg(test)]` module, last in the file) may borrow a sibling's
        // helpers: only what the program itself is built from counts.
        let code = without_comments(source);
        let code = code.split("#[cfg(test)]").next().unwrap_or_default();
        let shown = format!("src/{}", relative.display());
        let reached = paths_after(code, "super::")
            .into_iter()
            .map(|(line, path)| {
                let written = format!("super::{}", path.join("::"));
                (line, [folder.clone(), path].concat(), written)
            })
            .chain(
                paths_after(code, "crate::")
                    .into_iter()
                    .map(|(line, path)| {
                        (line, path.clone(), format!("crate::{}", path.join("::")))
                    }),
            );
        for (line, path, written) in reached {
            let Some(target) = file_of(&path) else {
                continue;
            };
            let Some((target_folder, target_name)) = file_place(&target) else {
                continue;
            };
            if target_folder != folder || target_name == own {
                continue;
            }
            edges
                .entry((shown.clone(), format!("src/{}", target.display())))
                .or_insert(Import {
                    file: shown.clone(),
                    line,
                    target: target_name,
                    written,
                });
        }
    }
    cycles(&edges)
        .into_iter()
        .map(|message| message.replace("between modules", "between files of one folder"))
        .collect()
}

/// Every file of `folder` (and below) with more than [`MAX_LINES`] lines, unless it is in
/// [`LONG_FILES`].
fn long_files(files: &[(PathBuf, String)], shown_under: &str) -> Vec<String> {
    files
        .iter()
        .filter_map(|(path, text)| {
            let shown = format!("{shown_under}/{}", path.display());
            let lines = text.lines().count();
            (lines > MAX_LINES && !LONG_FILES.iter().any(|(long, _)| *long == shown)).then(|| {
                format!(
                    "{shown} has {lines} lines, over {MAX_LINES}: split it along its seams \
                     into files whose names say what each holds"
                )
            })
        })
        .collect()
}

/// Every `.rs` file under `folder`, with its path relative to `root`.
fn rust_files(root: &Path, folder: &Path, into: &mut Vec<(PathBuf, String)>) {
    let mut entries: Vec<_> = std::fs::read_dir(folder)
        .expect("src/ is readable")
        .map(|entry| entry.expect("a readable entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            rust_files(root, &path, into);
        } else if path.extension().is_some_and(|ending| ending == "rs") {
            let text = std::fs::read_to_string(&path).expect("a readable source file");
            let relative = path.strip_prefix(root).expect("under src/").to_owned();
            into.push((relative, text));
        }
    }
}

#[test]
fn every_import_follows_the_layers_and_no_modules_import_each_other() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &src, &mut files);
    assert!(files.len() > 50, "the sources are found: {}", files.len());
    let imports: usize = files
        .iter()
        .map(|(path, text)| imports_in(&path.display().to_string(), text).len())
        .sum();
    assert!(imports > 200, "imports are read: {imports}");
    let problems = problems(&files);
    assert!(
        problems.is_empty(),
        "the layers are broken:\n{}",
        problems.join("\n")
    );
}

#[test]
fn no_files_of_one_folder_import_each_other() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &src, &mut files);
    let cycles = file_cycles(&files);
    assert!(cycles.is_empty(), "{}", cycles.join("\n"));
}

#[test]
fn no_file_of_src_or_tests_is_over_the_line_limit() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut problems = Vec::new();
    for folder in ["src", "tests"] {
        let mut files = Vec::new();
        rust_files(&root.join(folder), &root.join(folder), &mut files);
        assert!(!files.is_empty(), "{folder}/ has files");
        problems.extend(long_files(&files, folder));
    }
    for (long, reason) in LONG_FILES {
        assert!(
            root.join(long).exists() && !reason.is_empty(),
            "{long}: an exception names a file that is gone, or gives no reason"
        );
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Planted files whose folder has a cycle (through `super::`, through `crate::`, a group)
/// and a long file: each is named; a folder's `mod.rs` importing its files is not a cycle.
#[test]
fn a_planted_cycle_between_files_or_a_long_file_is_named() {
    let planted = vec![
        (
            PathBuf::from("panel/layout.rs"),
            "use super::{session::calm_button, view::PanelView};\n".to_owned(),
        ),
        (
            PathBuf::from("panel/session.rs"),
            "//! Session.\n\nfn f() { crate::panel::layout::draw_panel(); }\n".to_owned(),
        ),
        (
            PathBuf::from("panel/view.rs"),
            "use super::live::Course;\n".to_owned(),
        ),
        (
            PathBuf::from("panel/mod.rs"),
            "use layout::draw_panel;\nuse view::PanelView;\n".to_owned(),
        ),
        (
            PathBuf::from("panel/live.rs"),
            "use super::PanelState;\n".to_owned(),
        ),
        (
            PathBuf::from("session/runtime/mod.rs"),
            "use super::questionnaire::PendingAlert;\n".to_owned(),
        ),
        (
            PathBuf::from("session/questionnaire.rs"),
            "use super::runtime::new_record_path;\n".to_owned(),
        ),
    ];
    assert_eq!(
        file_cycles(&planted),
        [
            "an import cycle between files of one folder: src/panel/layout.rs → \
             src/panel/session.rs (src/panel/layout.rs:1 `super::session::calm_button`), \
             src/panel/session.rs → src/panel/layout.rs (src/panel/session.rs:3 \
             `crate::panel::layout::draw_panel`)",
            "an import cycle between files of one folder: src/session/questionnaire.rs → \
             src/session/runtime/mod.rs (src/session/questionnaire.rs:1 \
             `super::runtime::new_record_path`), src/session/runtime/mod.rs → \
             src/session/questionnaire.rs (src/session/runtime/mod.rs:1 \
             `super::questionnaire::PendingAlert`)",
        ]
    );
    let long = vec![
        (PathBuf::from("short.rs"), "fn f() {}\n".repeat(MAX_LINES)),
        (
            PathBuf::from("long.rs"),
            "fn f() {}\n".repeat(MAX_LINES + 1),
        ),
    ];
    assert_eq!(
        long_files(&long, "tests"),
        [format!(
            "tests/long.rs has {} lines, over {MAX_LINES}: split it along its seams into \
             files whose names say what each holds",
            MAX_LINES + 1
        )]
    );
}

#[test]
fn every_module_of_src_is_in_the_layer_table() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut modules: Vec<String> = std::fs::read_dir(&src)
        .expect("src/ is readable")
        .filter_map(|entry| module_of(Path::new(&entry.ok()?.file_name())))
        .collect();
    modules.sort();
    let unplaced: Vec<&String> = modules
        .iter()
        .filter(|module| layer_of(module).is_none())
        .collect();
    assert!(unplaced.is_empty(), "modules in no layer: {unplaced:?}");
}

/// A file planted with an upward import, a cycle and an unknown name: each is named, with
/// the file, the line, the import and the rule.
#[test]
fn a_planted_upward_import_or_cycle_is_named_with_its_file_and_rule() {
    let planted = vec![
        (
            PathBuf::from("script/validate.rs"),
            "//! Validation.\n\nuse crate::catalog;\nuse crate::comfort::preset_peak;\n".to_owned(),
        ),
        (
            PathBuf::from("environment/mod.rs"),
            "use crate::{AppSystems, launch::ActiveScript};\n// crate::xr in a comment\n"
                .to_owned(),
        ),
        (
            PathBuf::from("visuals/mod.rs"),
            "fn f() { crate::pointing::choose(); }\n".to_owned(),
        ),
        (
            PathBuf::from("pointing.rs"),
            "use crate::visuals::board;\nlet s = \"crate::bench\";\n".to_owned(),
        ),
        (
            PathBuf::from("scratch.rs"),
            "use crate::script;\n".to_owned(),
        ),
    ];
    let problems = problems(&planted);
    let expected = [
        "src/script/validate.rs:4: `crate::comfort::preset_peak` imports upward: `script` is \
         core and `comfort` is presentation; core imports only from core",
        "src/environment/mod.rs:1: `crate::{AppSystems, launch::ActiveScript}` imports upward: \
         `environment` is presentation and `launch` is shell; presentation imports only from \
         core and presentation",
        "src/scratch.rs: the module `scratch` is in no layer; add it to the table in \
         tests/architecture.rs and to docs/development.md",
        "an import cycle between modules: pointing → visuals (src/pointing.rs:1 \
         `crate::visuals::board`), visuals → pointing (src/visuals/mod.rs:1 \
         `crate::pointing::choose`)",
    ];
    for message in expected {
        assert!(
            problems.iter().any(|problem| problem == message),
            "missing: {message}\nfound:\n{}",
            problems.join("\n")
        );
    }
    assert_eq!(problems.len(), expected.len(), "{problems:#?}");
}
