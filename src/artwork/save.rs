//! Where paintings are kept: beside the session record, one artwork file per paint step
//! (`<record>.paint-<step>.artwork.json`, written atomically), with its GLB and PNG exports
//! beside it; finding a patient's paintings again.

use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};
use std::time::SystemTime;

use super::model::ArtworkFile;

/// The files of one paint step's painting.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ArtworkPaths {
    /// The artwork itself (`docs/ARTWORK.md`).
    pub artwork: PathBuf,
    /// The 3D export for viewers.
    pub glb: PathBuf,
    /// The picture for the therapist's notes.
    pub png: PathBuf,
}

impl ArtworkPaths {
    /// The files for paint step `step` (from 0) of the session recorded at `record`.
    pub fn beside(record: &Path, step: usize) -> Self {
        let stem = record.with_extension("");
        let named = |ending: &str| {
            let mut name = stem.as_os_str().to_owned();
            name.push(format!(".paint-{}.{ending}", step + 1));
            PathBuf::from(name)
        };
        Self {
            artwork: named("artwork.json"),
            glb: named("glb"),
            png: named("png"),
        }
    }

    /// The paths of the artwork file at `artwork` (named as [`Self::beside`] names it).
    pub fn of_artwork(artwork: &Path) -> Self {
        let text = artwork.to_string_lossy();
        let stem = text.strip_suffix(".artwork.json").unwrap_or(&text);
        Self {
            artwork: artwork.to_owned(),
            glb: PathBuf::from(format!("{stem}.glb")),
            png: PathBuf::from(format!("{stem}.png")),
        }
    }
}

/// The file a record names `name` in the record's folder `folder`. Only a bare file name is
/// taken (no folder in it, not `.` or `..`, not absolute), so that a record, an imported
/// one too, can never point at a file elsewhere, such as another patient's painting.
pub fn named_in(folder: &Path, name: &str) -> Result<PathBuf, String> {
    let mut parts = Path::new(name).components();
    match (parts.next(), parts.next()) {
        (Some(Component::Normal(part)), None) if part == name && !name.contains('\\') => {
            Ok(folder.join(name))
        }
        _ => Err(format!(
            "\"{name}\" is not the name of a file in the record's folder"
        )),
    }
}

/// Saves `file` at `path` atomically (a crash never leaves a broken artwork file).
pub fn save(path: &Path, file: &ArtworkFile) -> io::Result<()> {
    if let Some(folder) = path.parent() {
        crate::private::create_dir(folder)?;
    }
    let bytes = file.to_json().map_err(io::Error::other)?;
    crate::private::write_atomically(path, |out: &mut dyn Write| out.write_all(&bytes))
}

/// Reads the artwork file at `path`; problems read `path:line:column: message`.
pub fn load(path: &Path) -> Result<ArtworkFile, String> {
    let shown = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|error| format!("{shown}: {error}"))?;
    ArtworkFile::from_json(&shown, &bytes)
}

/// A painting found in a patient's folder.
#[derive(Clone, Debug, PartialEq)]
pub struct SavedArtwork {
    /// Its files.
    pub paths: ArtworkPaths,
    /// The record it belongs to.
    pub record: PathBuf,
    /// A short name: session and date, e.g. "creative-integration 2026-11-23 10:15".
    pub label: String,
    /// When it was last saved.
    pub modified: SystemTime,
}

/// Every painting in `folder` (a patient's records folder), newest first.
pub fn artworks_in(folder: &Path) -> Vec<SavedArtwork> {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return Vec::new();
    };
    let mut found: Vec<SavedArtwork> = entries
        .flatten()
        .filter_map(|entry| {
            let path = entry.path();
            let name = path.file_name()?.to_str()?.to_owned();
            let stem = name.strip_suffix(".artwork.json")?;
            let (record_stem, step) = stem.rsplit_once(".paint-")?;
            let modified = entry.metadata().and_then(|meta| meta.modified()).ok()?;
            Some(SavedArtwork {
                record: folder.join(format!("{record_stem}.jsonl")),
                label: label(record_stem, step),
                paths: ArtworkPaths::of_artwork(&path),
                modified,
            })
        })
        .collect();
    found.sort_by_key(|artwork| std::cmp::Reverse(artwork.modified));
    found
}

/// "creative-integration-20261123-101500", "6" → "creative-integration 2026-11-23 10:15 (step 6)".
/// Any other file name (renamed by hand, not ASCII) is shown as it is.
fn label(record_stem: &str, step: &str) -> String {
    let parts: Vec<&str> = record_stem.rsplitn(3, '-').collect();
    let digits = |text: &str| text.bytes().all(|byte| byte.is_ascii_digit());
    // Only ASCII digits are sliced, so every slice falls on a character boundary.
    if let [time, date, session] = parts.as_slice()
        && date.len() == 8
        && digits(date)
        && let Some(hours_minutes) = time.get(..4)
        && digits(hours_minutes)
    {
        return format!(
            "{session} {}-{}-{} {}:{} (step {step})",
            &date[..4],
            &date[4..6],
            &date[6..8],
            &hours_minutes[..2],
            &hours_minutes[2..]
        );
    }
    format!("{record_stem} (step {step})")
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use bevy::math::Vec3;

    use super::*;
    use crate::artwork::model::{Artwork, Rgb, Stroke, StrokePoint, Symmetry};

    fn artwork(strokes: usize) -> Artwork {
        Artwork {
            strokes: (0..strokes)
                .map(|n| {
                    Arc::new(Stroke {
                        colour: Rgb([200, 180, 160]),
                        width: 0.01,
                        symmetry: Symmetry::new(1 + n as u32 % 3),
                        points: (0..50)
                            .map(|i| StrokePoint {
                                at: Vec3::new(i as f32 * 0.01, n as f32 * 0.02, -0.6),
                                pressure: 0.5,
                            })
                            .collect(),
                    })
                })
                .collect(),
        }
    }

    #[test]
    fn files_sit_beside_the_record_and_are_found_again() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let record = dir
            .path()
            .join("creative-integration-20261123-101500.jsonl");
        let paths = ArtworkPaths::beside(&record, 5);
        assert_eq!(
            paths.artwork,
            dir.path()
                .join("creative-integration-20261123-101500.paint-6.artwork.json")
        );
        assert_eq!(ArtworkPaths::of_artwork(&paths.artwork), paths);
        save(
            &paths.artwork,
            &ArtworkFile::new(&artwork(2), "P-1", "c", 5),
        )
        .expect("saves");
        let found = artworks_in(dir.path());
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].record, record);
        assert_eq!(
            found[0].label,
            "creative-integration 2026-11-23 10:15 (step 6)"
        );
        let loaded = load(&paths.artwork).expect("loads");
        assert_eq!(loaded.artwork(), artwork(2));
    }

    #[test]
    fn a_save_cut_short_leaves_the_last_good_painting() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let path = dir.path().join("r.paint-1.artwork.json");
        let first = ArtworkFile::new(&artwork(3), "P-1", "c", 0);
        save(&path, &first).expect("saves");
        // The next save dies half way through writing, as in a crash or a full disk.
        let second = ArtworkFile::new(&artwork(9), "P-1", "c", 0)
            .to_json()
            .expect("serialises");
        let crashed = crate::private::write_atomically(&path, |out: &mut dyn Write| {
            out.write_all(&second[..second.len() / 2])?;
            Err(io::Error::other("the process died here"))
        });
        assert!(crashed.is_err());
        assert_eq!(load(&path).expect("still readable"), first);
        // A kill leaves the partial file behind; it does not disturb the next save.
        std::fs::write(
            dir.path().join("r.paint-1.artwork.json.partial"),
            &second[..100],
        )
        .expect("writes");
        let third = ArtworkFile::new(&artwork(4), "P-1", "c", 0);
        save(&path, &third).expect("saves over the partial file");
        assert_eq!(load(&path).expect("readable"), third);
        assert_eq!(
            artworks_in(dir.path()).len(),
            1,
            "partial files are not listed"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path)
                .expect("exists")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600, "private to the user");
        }
    }

    #[test]
    fn a_record_names_a_painting_by_its_bare_file_name_only() {
        let folder = Path::new("/data/records/P-1");
        assert_eq!(
            named_in(folder, "s.paint-1.artwork.json"),
            Ok(folder.join("s.paint-1.artwork.json"))
        );
        for name in [
            "",
            ".",
            "..",
            "../P-2/s.paint-1.artwork.json",
            "/data/records/P-2/s.paint-1.artwork.json",
            "sub/s.paint-1.artwork.json",
            "./s.paint-1.artwork.json",
            "s.paint-1.artwork.json/",
            "..\\P-2\\s.paint-1.artwork.json",
        ] {
            let refused = named_in(folder, name);
            assert!(
                refused
                    .as_ref()
                    .is_err_and(|problem| problem.contains(name)),
                "{name:?}: {refused:?}"
            );
        }
    }

    #[test]
    fn labels_read_the_date_and_never_cut_a_character() {
        assert_eq!(
            label("creative-integration-20261123-101500", "6"),
            "creative-integration 2026-11-23 10:15 (step 6)"
        );
        assert_eq!(
            label("intégration-20261123-101500", "2"),
            "intégration 2026-11-23 10:15 (step 2)"
        );
        // Renamed by hand: a letter of two bytes where the time's digits were.
        assert_eq!(label("x-20261123-1é15", "1"), "x-20261123-1é15 (step 1)");
        assert_eq!(label("x-2026112é-1015", "1"), "x-2026112é-1015 (step 1)");
        assert_eq!(label("peinture", "3"), "peinture (step 3)");
    }
}
