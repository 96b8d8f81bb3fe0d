//! The shape of the code, enforced: every module of `src/` sits in one of three layers, and
//! imports only from its own layer or the layers below, with no cycle between modules.
//! `docs/architecture.md` explains the layers; the table here is the one that counts.

#![allow(
    clippy::expect_used,
    clippy::panic,
    reason = "a test stops at the first thing that is wrong"
)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

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

/// What `lib.rs` itself defines, which every layer may use: the frame stages and the
/// headless logic plugin.
const CRATE_ROOT_ITEMS: &[&str] = &["AppSystems", "LogicPlugin", "frame_stages_on_one_thread"];

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

/// `source` with its comments and the insides of its string and character literals
/// blanked, keeping line breaks so that line numbers stay right.
fn without_comments(source: &str) -> String {
    let chars: Vec<char> = source.chars().collect();
    let mut kept = String::with_capacity(source.len());
    let mut at = 0;
    let blank = |kept: &mut String, skipped: &[char]| {
        kept.extend(skipped.iter().filter(|&&c| c == '\n'));
    };
    while at < chars.len() {
        let c = chars[at];
        let next = chars.get(at + 1).copied();
        let after_ident = at > 0 && (chars[at - 1].is_alphanumeric() || chars[at - 1] == '_');
        if c == '/' && next == Some('/') {
            let end = chars[at..]
                .iter()
                .position(|&c| c == '\n')
                .map_or(chars.len(), |offset| at + offset);
            at = end;
        } else if c == '/' && next == Some('*') {
            let end = (at + 2..chars.len())
                .find(|&k| chars[k - 1] == '*' && chars[k] == '/')
                .map_or(chars.len(), |k| k + 1);
            blank(&mut kept, &chars[at..end]);
            at = end;
        } else if c == 'r' && !after_ident && matches!(next, Some('"' | '#')) {
            // A raw string: r"…", r#"…"#, …
            let hashes = chars[at + 1..].iter().take_while(|&&c| c == '#').count();
            let open = at + 1 + hashes;
            if chars.get(open) != Some(&'"') {
                kept.push(c);
                at += 1;
                continue;
            }
            let closing: Vec<char> = std::iter::once('"')
                .chain(std::iter::repeat_n('#', hashes))
                .collect();
            let end = (open + 1..chars.len())
                .find(|&k| chars[k..].starts_with(&closing))
                .map_or(chars.len(), |k| k + closing.len());
            kept.push_str("\"\"");
            blank(&mut kept, &chars[at..end]);
            at = end;
        } else if c == '"' {
            let mut end = at + 1;
            while end < chars.len() && chars[end] != '"' {
                end += if chars[end] == '\\' { 2 } else { 1 };
            }
            let end = (end + 1).min(chars.len());
            kept.push_str("\"\"");
            blank(&mut kept, &chars[at..end]);
            at = end;
        } else if c == '\'' && (next == Some('\\') || chars.get(at + 2) == Some(&'\'')) {
            // A character literal ('"', '\n'), not a lifetime ('a).
            let end = (at + 2..chars.len())
                .find(|&k| chars[k] == '\'' && (chars[k - 1] != '\\' || chars[k - 2] == '\\'))
                .map_or(chars.len(), |k| k + 1);
            kept.push_str("' '");
            at = end;
        } else {
            kept.push(c);
            at += 1;
        }
    }
    kept
}

/// The first name of each item in a `{…}` group (nested groups skipped).
fn group_heads(group: &str) -> Vec<String> {
    let mut heads = Vec::new();
    let mut depth = 0;
    let mut at_item_start = true;
    let mut current = String::new();
    for c in group.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                if !current.is_empty() {
                    heads.push(std::mem::take(&mut current));
                }
                at_item_start = true;
                continue;
            }
            _ => {}
        }
        if depth == 0 && at_item_start {
            if c.is_alphanumeric() || c == '_' {
                current.push(c);
            } else if !current.is_empty() {
                heads.push(std::mem::take(&mut current));
                at_item_start = false;
            }
        }
    }
    if !current.is_empty() {
        heads.push(current);
    }
    heads
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
                 tests/architecture.rs and to docs/architecture.md"
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
         tests/architecture.rs and to docs/architecture.md",
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
