//! Settings from `config/stillpoint.ron`, and where the app finds its files.

use std::path::{Path, PathBuf};

use bevy::prelude::*;
use serde::Deserialize;

use crate::script::Diagnostic;
use crate::script::diagnostic::Location;
use crate::script::parse::parse_ron;

/// The settings file, relative to the folder that holds `assets/`.
pub const SETTINGS_FILE: &str = "config/stillpoint.ron";

/// Clinic settings. Every field may be left out of the file.
#[derive(Resource, Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    /// The session opened when Stillpoint starts without `run --session`.
    pub default_session: String,
    /// Where session records and artwork are kept; the platform's data folder by default
    /// (on Linux `~/.local/share/stillpoint`).
    pub data_folder: Option<PathBuf>,
    /// The brightest anything on screen may be, as relative luminance from 0.3 to 1; a
    /// lower value dims the whole view evenly for light-sensitive patients.
    pub brightness_ceiling: f32,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            default_session: "centering-before-dosing".to_owned(),
            data_folder: None,
            brightness_ceiling: crate::comfort::DEFAULT_BRIGHTNESS_CEILING,
        }
    }
}

impl Settings {
    /// Reads the settings file; a missing file means the defaults.
    pub fn load(path: &Path) -> Result<Self, Diagnostic> {
        let shown = path.display().to_string();
        match std::fs::read_to_string(path) {
            Ok(text) => {
                let settings: Self = parse_ron(&shown, &text)?;
                settings.check(&shown, &text)?;
                Ok(settings)
            }
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(Self::default()),
            Err(error) => Err(Diagnostic::error(
                &shown,
                None,
                format!("cannot read the settings file: {error}"),
            )),
        }
    }
}

impl Settings {
    /// Rejects values outside their safe ranges, pointing at the field in `text`.
    fn check(&self, shown: &str, text: &str) -> Result<(), Diagnostic> {
        let lowest = crate::comfort::LOWEST_BRIGHTNESS_CEILING;
        if (lowest..=1.0).contains(&self.brightness_ceiling) {
            return Ok(());
        }
        let location = text
            .find("brightness_ceiling")
            .map(|offset| Location::at_offset(text, offset, "brightness_ceiling".len()));
        Err(Diagnostic::error(
            shown,
            location,
            format!(
                "a brightness ceiling of {} is outside {lowest} to 1",
                self.brightness_ceiling
            ),
        )
        .with_help("0.9 suits most patients; lower it for light-sensitive patients"))
    }

    /// The data folder: `data_folder`, or the platform's (on Linux `~/.local/share/stillpoint`).
    pub fn data_root(&self) -> PathBuf {
        self.data_folder.clone().unwrap_or_else(|| {
            directories::ProjectDirs::from("", "", "stillpoint").map_or_else(
                || PathBuf::from("stillpoint-data"),
                |dirs| dirs.data_dir().to_path_buf(),
            )
        })
    }

    /// The folder of session records: `<data folder>/records`.
    pub fn records_folder(&self) -> PathBuf {
        self.data_root().join("records")
    }

    /// The folder reports are written to by default: `<data folder>/reports`.
    pub fn reports_folder(&self) -> PathBuf {
        self.data_root().join("reports")
    }
}

/// Where Stillpoint's files are.
#[derive(Resource, Clone, Debug, PartialEq, Eq)]
pub struct Paths {
    /// The `assets/` folder: sessions, sounds, images.
    pub assets: PathBuf,
    /// The settings file.
    pub settings: PathBuf,
}

impl Paths {
    /// Uses the given folders, or finds `assets/` beside the working directory, the
    /// executable, or the source tree it was built from.
    pub fn resolve(assets: Option<PathBuf>, settings: Option<PathBuf>) -> Self {
        let assets = assets.unwrap_or_else(find_assets);
        let assets = std::path::absolute(&assets).unwrap_or(assets);
        let settings = settings.unwrap_or_else(|| {
            assets
                .parent()
                .unwrap_or(Path::new("."))
                .join(SETTINGS_FILE)
        });
        Self { assets, settings }
    }

    /// The folder of bundled and clinic session scripts.
    pub fn sessions(&self) -> PathBuf {
        self.assets.join("sessions")
    }
}

fn find_assets() -> PathBuf {
    let beside_executable = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join("assets")));
    let candidates = [Some(PathBuf::from("assets")), beside_executable]
        .into_iter()
        .flatten()
        .chain([Path::new(env!("CARGO_MANIFEST_DIR")).join("assets")]);
    let mut fallback = None;
    for candidate in candidates {
        if candidate.join("sessions").is_dir() {
            return candidate;
        }
        fallback.get_or_insert(candidate);
    }
    fallback.unwrap_or_else(|| PathBuf::from("assets"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_file_means_defaults() {
        let settings = Settings::load(Path::new("/nonexistent/stillpoint.ron"));
        assert_eq!(settings, Ok(Settings::default()));
    }

    #[test]
    fn unknown_settings_are_errors_with_a_location() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("stillpoint.ron");
        std::fs::write(&path, "(\n    default_sesion: \"x\",\n)").expect("write");
        let error = Settings::load(&path).expect_err("typo must be caught");
        assert!(
            error
                .headline()
                .ends_with(":2:5: `default_sesion` is not a setting of Settings"),
            "{}",
            error.headline()
        );
    }

    #[test]
    fn a_brightness_ceiling_out_of_range_is_refused_at_its_place() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("stillpoint.ron");
        std::fs::write(&path, "(\n    brightness_ceiling: 0.1,\n)").expect("write");
        let error = Settings::load(&path).expect_err("too dark to read");
        assert!(
            error
                .headline()
                .ends_with(":2:5: a brightness ceiling of 0.1 is outside 0.3 to 1"),
            "{}",
            error.headline()
        );
        std::fs::write(&path, "(brightness_ceiling: 0.6)").expect("write");
        let settings = Settings::load(&path).expect("a valid ceiling");
        assert_eq!(settings.brightness_ceiling, 0.6);
    }
}
