//! A folder chooser inside the panel (egui has no system dialog): the places a clinic keeps
//! files (home, Documents, removable media under /media and /mnt), up and into folders, a
//! new folder; for an import, the archives in the folder shown.

use std::path::{Path, PathBuf};

use bevy_egui::egui;

use super::view::{BAD, GOOD};

/// What the chooser picks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Picks {
    /// A folder to write into.
    Folder,
    /// A patient archive (`.tar.gz`) to read.
    Archive,
}

/// One entry of the folder shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Its name.
    pub name: String,
    /// Its path.
    pub path: PathBuf,
    /// True for a folder.
    pub folder: bool,
}

/// The chooser's state: where it is and what it shows.
#[derive(Debug, Clone, PartialEq)]
pub struct FolderChooser {
    /// What it picks.
    pub picks: Picks,
    /// The folder shown.
    pub folder: PathBuf,
    /// Its folders (and archives, when picking one), in name order; hidden ones left out.
    pub entries: Vec<Entry>,
    /// The archive chosen, when picking one.
    pub chosen: Option<PathBuf>,
    /// The name typed for a new folder.
    pub new_folder: String,
    /// What went wrong last, in words.
    pub problem: Option<String>,
}

/// What the therapist did in the chooser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Choice {
    /// Still choosing.
    None,
    /// This folder (or archive) is the one.
    Picked(PathBuf),
    /// Put away without choosing.
    Cancelled,
}

impl FolderChooser {
    /// A chooser for `picks`, showing `start`.
    pub fn new(picks: Picks, start: &Path) -> Self {
        let mut chooser = Self {
            picks,
            folder: start.to_owned(),
            entries: Vec::new(),
            chosen: None,
            new_folder: String::new(),
            problem: None,
        };
        chooser.open(start);
        chooser
    }

    /// Shows `folder` (read now: one folder's names, never a whole tree).
    pub fn open(&mut self, folder: &Path) {
        match read_entries(folder, self.picks) {
            Ok(entries) => {
                self.folder = folder.to_owned();
                self.entries = entries;
                self.chosen = None;
                self.problem = None;
            }
            Err(error) => {
                self.problem = Some(format!("{} cannot be opened: {error}", folder.display()));
            }
        }
    }

    /// Shows the folder above, if there is one.
    pub fn up(&mut self) {
        if let Some(parent) = self.folder.parent().map(Path::to_owned) {
            self.open(&parent);
        }
    }

    /// Makes the folder named `new_folder` in the folder shown, and goes into it.
    pub fn make_folder(&mut self) {
        let name = self.new_folder.trim().to_owned();
        let plain = !name.is_empty()
            && name != "."
            && name != ".."
            && !name.contains(['/', '\\'])
            && !name.starts_with('.');
        if !plain {
            self.problem = Some(
                "Type a name for the new folder (no / and not starting with a dot).".to_owned(),
            );
            return;
        }
        let made = self.folder.join(&name);
        match std::fs::create_dir(&made) {
            Ok(()) => {
                self.new_folder.clear();
                self.open(&made);
            }
            Err(error) => {
                self.problem = Some(format!("Cannot make the folder {name}: {error}"));
            }
        }
    }

    /// What is picked now: the folder shown, or the archive chosen.
    pub fn picked(&self) -> Option<PathBuf> {
        match self.picks {
            Picks::Folder => Some(self.folder.clone()),
            Picks::Archive => self.chosen.clone(),
        }
    }
}

/// The places offered at the top: home, Documents, and each removable drive mounted under
/// /media (also /media/<user>/…) and /mnt.
pub fn places(home: Option<&Path>) -> Vec<(String, PathBuf)> {
    let mut places = Vec::new();
    if let Some(home) = home {
        places.push(("Home".to_owned(), home.to_owned()));
        let documents = home.join("Documents");
        if documents.is_dir() {
            places.push(("Documents".to_owned(), documents));
        }
    }
    let user = std::env::var("USER").unwrap_or_default();
    let mut mounts = Vec::new();
    for root in [
        PathBuf::from("/media").join(&user),
        "/media".into(),
        "/mnt".into(),
    ] {
        for entry in read_entries(&root, Picks::Folder).unwrap_or_default() {
            if entry.name != user && !mounts.contains(&entry.path) {
                mounts.push(entry.path);
            }
        }
    }
    for mount in mounts {
        let name = mount
            .file_name()
            .map_or_else(String::new, |name| name.to_string_lossy().into_owned());
        places.push((format!("Drive: {name}"), mount));
    }
    places
}

/// The folders of `folder` (and its archives when picking one), hidden ones left out.
fn read_entries(folder: &Path, picks: Picks) -> std::io::Result<Vec<Entry>> {
    let mut entries: Vec<Entry> = std::fs::read_dir(folder)?
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name().to_str()?.to_owned();
            let path = entry.path();
            let folder = path.is_dir();
            let archive = picks == Picks::Archive && name.ends_with(".tar.gz") && path.is_file();
            (!name.starts_with('.') && (folder || archive)).then_some(Entry { name, path, folder })
        })
        .collect();
    entries.sort_by(|a, b| {
        (!a.folder, a.name.to_lowercase()).cmp(&(!b.folder, b.name.to_lowercase()))
    });
    Ok(entries)
}

/// Draws the chooser; `action` names the button that picks ("Export here", "Import").
pub(super) fn chooser_ui(
    ui: &mut egui::Ui,
    chooser: &mut FolderChooser,
    home: Option<&Path>,
    action: &str,
) -> Choice {
    let mut go: Option<PathBuf> = None;
    ui.horizontal_wrapped(|ui| {
        for (name, path) in places(home) {
            if ui.button(name).clicked() {
                go = Some(path);
            }
        }
    });
    ui.horizontal(|ui| {
        if ui.button("⬆ Up").clicked() {
            chooser.up();
        }
        ui.label(egui::RichText::new(chooser.folder.display().to_string()).monospace());
    });
    egui::ScrollArea::vertical()
        .max_height(ui.text_style_height(&egui::TextStyle::Body) * 9.0)
        .auto_shrink([false, true])
        .show(ui, |ui| {
            if chooser.entries.is_empty() {
                ui.weak(match chooser.picks {
                    Picks::Folder => "No folders here.",
                    Picks::Archive => "No folders or patient archives (.tar.gz) here.",
                });
            }
            for entry in &chooser.entries {
                if entry.folder {
                    if ui
                        .selectable_label(false, format!("🗀 {}", entry.name))
                        .clicked()
                    {
                        go = Some(entry.path.clone());
                    }
                } else {
                    let chosen = chooser.chosen.as_ref() == Some(&entry.path);
                    let words = if chosen {
                        format!("✔ {}", entry.name)
                    } else {
                        format!("  {}", entry.name)
                    };
                    if ui.selectable_label(chosen, words).clicked() {
                        chooser.chosen = Some(entry.path.clone());
                    }
                }
            }
        });
    if let Some(folder) = go {
        chooser.open(&folder);
    }
    if chooser.picks == Picks::Folder {
        ui.horizontal(|ui| {
            ui.add(
                egui::TextEdit::singleline(&mut chooser.new_folder)
                    .hint_text("new folder name")
                    .desired_width(160.0),
            );
            if ui.button("New folder").clicked() {
                chooser.make_folder();
            }
        });
    }
    if let Some(problem) = &chooser.problem {
        ui.colored_label(BAD, format!("⚠ {problem}"));
    }
    let mut choice = Choice::None;
    ui.horizontal(|ui| {
        let picked = chooser.picked();
        let button = egui::Button::new(egui::RichText::new(action).strong().color(GOOD));
        if ui.add_enabled(picked.is_some(), button).clicked()
            && let Some(picked) = picked
        {
            choice = Choice::Picked(picked);
        }
        if ui.button("Cancel").clicked() {
            choice = Choice::Cancelled;
        }
    });
    choice
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chooser_goes_into_and_up_folders_makes_one_and_lists_archives() {
        let home = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir(home.path().join("Documents")).expect("makes");
        std::fs::create_dir(home.path().join(".hidden")).expect("makes");
        std::fs::write(home.path().join("P-1-2026-11-20.tar.gz"), b"x").expect("writes");
        std::fs::write(home.path().join("notes.txt"), b"x").expect("writes");
        let mut chooser = FolderChooser::new(Picks::Folder, home.path());
        let names: Vec<&str> = chooser
            .entries
            .iter()
            .map(|entry| entry.name.as_str())
            .collect();
        assert_eq!(names, ["Documents"], "folders only, hidden ones left out");
        chooser.open(&home.path().join("Documents"));
        chooser.new_folder = "Exports".to_owned();
        chooser.make_folder();
        assert_eq!(chooser.folder, home.path().join("Documents/Exports"));
        assert_eq!(
            chooser.picked(),
            Some(home.path().join("Documents/Exports"))
        );
        chooser.new_folder = "../escape".to_owned();
        chooser.make_folder();
        assert!(chooser.problem.is_some() && !home.path().join("Documents/escape").exists());
        chooser.up();
        chooser.up();
        assert_eq!(chooser.folder, home.path());
        let mut archives = FolderChooser::new(Picks::Archive, home.path());
        let names: Vec<&str> = archives
            .entries
            .iter()
            .map(|entry| entry.name.as_str())
            .collect();
        assert_eq!(names, ["Documents", "P-1-2026-11-20.tar.gz"]);
        assert_eq!(
            archives.picked(),
            None,
            "nothing until an archive is chosen"
        );
        archives.chosen = Some(archives.entries[1].path.clone());
        assert_eq!(
            archives.picked(),
            Some(home.path().join("P-1-2026-11-20.tar.gz"))
        );
        let places = places(Some(home.path()));
        assert_eq!(places[0], ("Home".to_owned(), home.path().to_owned()));
        assert_eq!(places[1].0, "Documents");
    }
}
