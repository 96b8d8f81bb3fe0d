//! Settings from `config/stillpoint.ron`, and where the app finds its files.

use std::path::{Path, PathBuf};

use bevy::asset::AssetPath;
use bevy::prelude::*;
use serde::{Deserialize, Serialize};

use crate::instruments::InstrumentSet;
use crate::script::Diagnostic;
use crate::script::diagnostic::Location;
use crate::script::parse::parse_ron;
use crate::script::validate::Context;

/// The settings file, relative to the folder that holds `assets/`.
pub const SETTINGS_FILE: &str = "config/stillpoint.ron";

/// The settings file of the installed package, used when there is none beside `assets/`.
pub const INSTALLED_SETTINGS_FILE: &str = "/etc/stillpoint/stillpoint.ron";

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
    /// Sound levels and the master cap.
    pub audio: AudioSettings,
    /// The size of the panel's words, until a therapist picks another in the panel (kept in
    /// the data folder's [`PANEL_PREFERENCES_FILE`]).
    pub panel_text_size: TextSize,
    /// The therapist's remote control: whether it is on at start, and where it listens.
    pub remote: RemoteSettings,
}

/// The remote control served to a paired phone or tablet over HTTPS on the clinic's network.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RemoteSettings {
    /// Turn the remote on when Stillpoint starts (off by default: the therapist turns it on
    /// in the panel's Remote… window).
    pub on_at_start: bool,
    /// The address it listens on: `0.0.0.0` for every network of this computer, or one of
    /// its addresses (e.g. the clinic Wi-Fi's) to listen on that network alone.
    pub address: std::net::IpAddr,
    /// The port (HTTPS only). Open it in the computer's firewall for the clinic's network.
    pub port: u16,
}

impl Default for RemoteSettings {
    fn default() -> Self {
        Self {
            on_at_start: false,
            address: std::net::IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED),
            port: 8443,
        }
    }
}

/// The size of the panel's words.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TextSize {
    /// Smaller than usual, for a small screen.
    Small,
    /// The usual size.
    #[default]
    Normal,
    /// Larger, for reading at arm's length.
    Large,
    /// Larger still.
    Larger,
}

impl TextSize {
    /// Every size, smallest first.
    pub const ALL: [Self; 4] = [Self::Small, Self::Normal, Self::Large, Self::Larger];

    /// The size as the panel names it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Small => "Small",
            Self::Normal => "Normal",
            Self::Large => "Large",
            Self::Larger => "Larger",
        }
    }

    /// How much larger than the usual size the words (and the panel's width) are.
    pub fn scale(self) -> f32 {
        match self {
            Self::Small => 0.87,
            Self::Normal => 1.0,
            Self::Large => 1.2,
            Self::Larger => 1.4,
        }
    }
}

/// The file in the data folder that keeps what the therapist chose in the panel.
pub const PANEL_PREFERENCES_FILE: &str = "panel.ron";

/// What the therapist chose in the panel, kept in the data folder (writable by the user, as
/// the settings file may not be).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PanelPreferences {
    /// The size of the panel's words; the settings' `panel_text_size` when none was chosen.
    pub text_size: Option<TextSize>,
}

impl PanelPreferences {
    /// Reads the preferences in the data folder `data`: none when the file is missing, and
    /// none (with the reason) when it cannot be read.
    pub fn load(data: &Path) -> Result<Self, String> {
        let path = data.join(PANEL_PREFERENCES_FILE);
        match std::fs::read_to_string(&path) {
            Ok(text) => ron::from_str(&text).map_err(|error| {
                format!(
                    "{}: {error}; the panel uses the settings' text size",
                    path.display()
                )
            }),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(Self::default()),
            Err(error) => Err(format!("{}: {error}", path.display())),
        }
    }

    /// Writes the preferences into the data folder `data` (atomically, private to the user).
    pub fn save(&self, data: &Path) -> Result<(), String> {
        let path = data.join(PANEL_PREFERENCES_FILE);
        let text = ron::ser::to_string_pretty(self, ron::ser::PrettyConfig::default())
            .map_err(|error| format!("{}: {error}", path.display()))?;
        crate::private::create_dir(data)
            .and_then(|()| {
                crate::private::write_atomically(&path, |out| out.write_all(text.as_bytes()))
            })
            .map_err(|error| {
                format!(
                    "cannot keep the panel's text size in {}: {error}",
                    path.display()
                )
            })
    }

    /// The text size to use: the one chosen, or the clinic's setting.
    pub fn text_size(&self, settings: &Settings) -> TextSize {
        self.text_size.unwrap_or(settings.panel_text_size)
    }
}

/// The clinic's sound levels, each 0..1: where the therapist's sliders start, and the
/// loudest the whole mix may ever be.
#[derive(Clone, Copy, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AudioSettings {
    /// The master level at the start of a session.
    pub master: f32,
    /// Spoken guidance.
    pub narration: f32,
    /// The ambient soundscape.
    pub soundscape: f32,
    /// Breathing cues.
    pub cues: f32,
    /// The master level can never go above this, whatever the slider says.
    pub master_cap: f32,
}

impl Default for AudioSettings {
    fn default() -> Self {
        Self {
            master: 0.8,
            narration: 1.0,
            soundscape: 0.7,
            cues: 0.6,
            master_cap: 0.9,
        }
    }
}

impl AudioSettings {
    /// Each level with its name in the settings file.
    fn named(&self) -> [(&'static str, f32); 5] {
        [
            ("master", self.master),
            ("narration", self.narration),
            ("soundscape", self.soundscape),
            ("cues", self.cues),
            ("master_cap", self.master_cap),
        ]
    }
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            default_session: "centering-before-dosing".to_owned(),
            data_folder: None,
            brightness_ceiling: crate::limits::DEFAULT_BRIGHTNESS_CEILING,
            audio: AudioSettings::default(),
            panel_text_size: TextSize::default(),
            remote: RemoteSettings::default(),
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
        let at = |field: &str| {
            find_field(text, field).map(|offset| Location::at_offset(text, offset, field.len()))
        };
        let lowest = crate::limits::LOWEST_BRIGHTNESS_CEILING;
        if !(lowest..=1.0).contains(&self.brightness_ceiling) {
            return Err(Diagnostic::error(
                shown,
                at("brightness_ceiling"),
                format!(
                    "a brightness ceiling of {} is outside {lowest} to 1",
                    self.brightness_ceiling
                ),
            )
            .with_help("0.9 suits most patients; lower it for light-sensitive patients"));
        }
        for (field, level) in self.audio.named() {
            if !(0.0..=1.0).contains(&level) {
                return Err(Diagnostic::error(
                    shown,
                    at(field),
                    format!("the {field} level {level} is outside 0 to 1"),
                )
                .with_help("sound levels go from 0 (silent) to 1 (the loudest)"));
            }
        }
        Ok(())
    }

    /// What session files are checked against: the assets folder in `paths`, the clinic's
    /// brightness ceiling and the questionnaires `instruments` (loaded once by the caller).
    pub fn validation_context(&self, paths: &Paths, instruments: &InstrumentSet) -> Context {
        Context {
            assets_dir: Some(paths.assets.clone()),
            data_root: Some(self.data_root()),
            brightness_ceiling: self.brightness_ceiling,
            instruments: Some(instruments.ids().map(str::to_owned).collect()),
        }
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

    /// The folder of the clinic's own sessions, `<data folder>/sessions`: listed beside the
    /// bundled ones, and editable without administrator rights when Stillpoint is installed.
    pub fn clinic_sessions_folder(&self) -> PathBuf {
        self.data_root().join("sessions")
    }

    /// The remote control's own files (its certificate and the paired devices):
    /// `<data folder>/remote`.
    pub fn remote_folder(&self) -> PathBuf {
        self.data_root().join("remote")
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
    /// The clinic's own sessions (see [`Settings::clinic_sessions_folder`]).
    pub clinic_sessions: PathBuf,
}

/// The asset source the window reads the clinic's own sessions from (`clinic://…`).
pub const CLINIC_SOURCE: &str = "clinic";

impl Paths {
    /// Uses the given folders, or finds `assets/` beside the working directory, the
    /// executable, the installed package (`/usr/share/stillpoint`) or the source tree it was
    /// built from, and the settings beside `assets/` or in `/etc/stillpoint/`.
    pub fn resolve(assets: Option<PathBuf>, settings: Option<PathBuf>) -> Self {
        let assets = assets.unwrap_or_else(find_assets);
        let assets = std::path::absolute(&assets).unwrap_or(assets);
        let settings = settings.unwrap_or_else(|| {
            let beside_assets = assets
                .parent()
                .unwrap_or(Path::new("."))
                .join(SETTINGS_FILE);
            let installed = Path::new(INSTALLED_SETTINGS_FILE);
            if !beside_assets.is_file() && installed.is_file() {
                installed.to_path_buf()
            } else {
                beside_assets
            }
        });
        let clinic_sessions = Settings::default().clinic_sessions_folder();
        Self {
            assets,
            settings,
            clinic_sessions,
        }
    }

    /// Every folder sessions are read from: the bundled ones, then the clinic's own.
    pub fn session_folders(&self) -> Vec<PathBuf> {
        vec![self.sessions(), self.clinic_sessions.clone()]
    }

    /// Every folder questionnaire instruments are read from: the bundled ones
    /// (`assets/instruments`), then the clinic's own (`instruments` beside its sessions).
    pub fn instrument_folders(&self) -> Vec<PathBuf> {
        vec![
            self.assets.join("instruments"),
            self.clinic_sessions.with_file_name("instruments"),
        ]
    }

    /// The folder of bundled session scripts.
    pub fn sessions(&self) -> PathBuf {
        self.assets.join("sessions")
    }

    /// `file` as the asset server names it: relative to the assets folder when inside it,
    /// `clinic://…` when in the clinic's sessions folder.
    pub fn asset_path(&self, file: &Path) -> AssetPath<'static> {
        if let Ok(relative) = file.strip_prefix(&self.assets) {
            AssetPath::from(relative.to_path_buf())
        } else if let Ok(relative) = file.strip_prefix(&self.clinic_sessions) {
            AssetPath::from(relative.to_path_buf()).with_source(CLINIC_SOURCE)
        } else {
            AssetPath::from(file.to_path_buf())
        }
    }
}

/// Where `field:` is written in `text` (a whole word followed by a colon).
fn find_field(text: &str, field: &str) -> Option<usize> {
    text.match_indices(field)
        .map(|(offset, _)| offset)
        .find(|&offset| {
            let before = text[..offset].chars().next_back();
            let after = text[offset + field.len()..].trim_start();
            !before.is_some_and(|c| c.is_alphanumeric() || c == '_') && after.starts_with(':')
        })
}

fn find_assets() -> PathBuf {
    let beside_executable = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join("assets")));
    // The Debian package puts the program in /usr/bin and its assets in /usr/share/stillpoint.
    let installed = std::env::current_exe().ok().and_then(|exe| {
        exe.parent()
            .and_then(Path::parent)
            .map(|prefix| prefix.join("share/stillpoint"))
    });
    let candidates = [Some(PathBuf::from("assets")), beside_executable, installed]
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
    fn the_panels_text_size_is_the_settings_until_one_is_chosen_and_kept() {
        let data = tempfile::tempdir().expect("temp dir");
        let settings = Settings {
            panel_text_size: TextSize::Large,
            ..Settings::default()
        };
        let none = PanelPreferences::load(data.path()).expect("no file yet");
        assert_eq!(none.text_size(&settings), TextSize::Large);
        let chosen = PanelPreferences {
            text_size: Some(TextSize::Larger),
        };
        chosen.save(data.path()).expect("saves");
        let read = PanelPreferences::load(data.path()).expect("reads");
        assert_eq!(read.text_size(&settings), TextSize::Larger);
        std::fs::write(
            data.path().join(PANEL_PREFERENCES_FILE),
            "(text_size: Huge)",
        )
        .expect("writes");
        let refused = PanelPreferences::load(data.path());
        assert!(refused.is_err_and(|problem| problem.contains("settings' text size")));
    }

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

    #[test]
    fn sound_levels_are_read_and_checked_at_their_place() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("stillpoint.ron");
        std::fs::write(
            &path,
            "(\n    audio: (master: 0.5,\n        master_cap: 1.5),\n)",
        )
        .expect("write");
        let error = Settings::load(&path).expect_err("a cap above full scale");
        assert!(
            error
                .headline()
                .ends_with(":3:9: the master_cap level 1.5 is outside 0 to 1"),
            "{}",
            error.headline()
        );
        std::fs::write(&path, "(audio: (master: 0.95, master_cap: 0.7, cues: 0.0))")
            .expect("write");
        let audio = Settings::load(&path).expect("valid levels").audio;
        assert_eq!(
            (audio.master, audio.master_cap, audio.cues, audio.narration),
            (0.95, 0.7, 0.0, 1.0)
        );
    }
}
