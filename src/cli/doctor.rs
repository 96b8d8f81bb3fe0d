//! `stillpoint doctor`: the self-check a clinic runs once on a new computer. Each line is
//! OK, WARN or FAIL with what it found and what to do; the exit code is 1 when anything
//! fails. The window, the graphics device, the sound and the headset are checked for real:
//! Stillpoint opens as for a session (`run --probe`), waits until the headset shows the
//! scene, and closes again.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use super::human_size;
use crate::config::{Paths, Settings};
use crate::instruments::InstrumentSet;
use crate::private::Sharing;
use crate::script::library;
use crate::xr::loader::{self, Loader};

/// How long the probe may take before it counts as hanging.
const PROBE_LIMIT: Duration = Duration::from_secs(90);
/// Less free space than this on the data folder's drive is worth a warning.
const LOW_SPACE_BYTES: u64 = 1 << 30;

/// A check's verdict.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Verdict {
    Ok,
    Warn,
    Fail,
}

/// The lines printed so far, and whether any failed.
#[derive(Default)]
struct Report {
    failed: bool,
}

impl Report {
    fn line(&mut self, verdict: Verdict, what: &str, detail: &str) {
        let word = match verdict {
            Verdict::Ok => "OK  ",
            Verdict::Warn => "WARN",
            Verdict::Fail => {
                self.failed = true;
                "FAIL"
            }
        };
        println!("{word} {what:<9} {detail}");
    }
}

pub(super) fn doctor(paths: &Paths, settings: &Settings) -> Result<ExitCode, String> {
    let mut report = Report::default();
    match crate::desktop_check::check_window_prerequisites() {
        Ok(()) => {
            report.line(
                Verdict::Ok,
                "window",
                "a display, the window's libraries and a Vulkan driver are there",
            );
            probe(&mut report, paths, settings);
        }
        Err(problem) => {
            report.line(Verdict::Fail, "window", &problem);
            report.line(
                Verdict::Warn,
                "headset",
                "not tried: the window cannot open (graphics and sound not tried either)",
            );
        }
    }
    check_loader(&mut report);
    check_runtime(&mut report);
    check_microphone(&mut report, &crate::audio::capture::input_devices());
    check_data_folder(&mut report, &settings.data_root());
    check_sessions(&mut report, paths, settings);
    check_voice(&mut report);
    check_font(
        &mut report,
        &paths.assets.join(crate::visuals::caption::FONT),
    );
    Ok(if report.failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// Whether the synthetic voice that speaks the clinic's own words is installed.
fn check_voice(report: &mut Report) {
    match crate::voice::synthetic::check_installed() {
        Ok(()) => report.line(
            Verdict::Ok,
            "voice",
            "the synthetic voice is installed (`stillpoint voice make` speaks the clinic's words)",
        ),
        Err(error) => report.line(
            Verdict::Warn,
            "voice",
            &format!("{error}; until then the clinic's own words show as captions only"),
        ),
    }
}

/// Opens Stillpoint as for a session and reads what it found.
fn probe(report: &mut Report, paths: &Paths, settings: &Settings) {
    let found = run_probe(paths, settings);
    let lines = match found {
        Ok(lines) => lines,
        Err(problem) => {
            report.line(Verdict::Fail, "graphics", &problem);
            return;
        }
    };
    let value = |key: &str| {
        lines
            .iter()
            .find_map(|line| line.strip_prefix(&format!("probe: {key}=")))
            .unwrap_or("")
            .to_owned()
    };
    let gpu = value("gpu");
    let software = ["llvmpipe", "lavapipe", "SwiftShader", "softpipe"]
        .iter()
        .any(|name| gpu.contains(name));
    if gpu.is_empty() || gpu == "none" {
        report.line(Verdict::Fail, "graphics", "no graphics device was found");
    } else if software {
        report.line(
            Verdict::Warn,
            "graphics",
            &format!(
                "{gpu}: the software renderer, fine for the desktop but too slow for a \
                 headset; install the graphics card's Vulkan driver"
            ),
        );
    } else {
        report.line(Verdict::Ok, "graphics", &gpu);
    }
    let audio = value("audio");
    if audio == "ok" {
        report.line(Verdict::Ok, "sound", "plays on the default output device");
    } else {
        report.line(
            Verdict::Warn,
            "sound",
            &format!(
                "{}; sessions run silently with captions. Connect or choose an output \
                 device in the desktop's sound settings",
                audio.trim_start_matches("silent ")
            ),
        );
    }
    let headset = value("headset");
    if let Some(found) = headset.strip_prefix("shows ") {
        report.line(
            Verdict::Ok,
            "headset",
            &format!("a headset session was created and shows the scene ({found})"),
        );
    } else if let Some(why) = headset.strip_prefix("desktop ") {
        let why = if why == loader::MISSING_MESSAGE {
            "not tried: no OpenXR loader is installed (see the loader line)"
        } else {
            why
        };
        report.line(Verdict::Warn, "headset", why);
    } else {
        report.line(
            Verdict::Warn,
            "headset",
            &format!(
                "the runtime answered but the headset did not show the scene ({headset}); is \
                 the headset on, connected and awake?"
            ),
        );
    }
}

/// Runs `stillpoint run --probe` on the default session; its `probe:` lines.
fn run_probe(paths: &Paths, settings: &Settings) -> Result<Vec<String>, String> {
    let program = std::env::current_exe()
        .map_err(|error| format!("cannot find Stillpoint's own program: {error}"))?;
    // A throwaway data folder: the probe records nothing, and must not make folders.
    let scratch = tempfile::tempdir().map_err(|error| format!("no temporary folder: {error}"))?;
    let output_path = scratch.path().join("probe.out");
    let output = std::fs::File::create(&output_path)
        .map_err(|error| format!("no temporary file: {error}"))?;
    let mut child = Command::new(program)
        .arg("--assets")
        .arg(&paths.assets)
        .arg("--config")
        .arg(&paths.settings)
        .arg("--data")
        .arg(scratch.path())
        .args(["run", "--session", &settings.default_session])
        .args(["--no-panel", "--probe"])
        .stdout(output)
        .stderr(Stdio::null())
        .spawn()
        .map_err(|error| format!("cannot start Stillpoint's window: {error}"))?;
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child
            .try_wait()
            .map_err(|error| format!("the window's check stopped: {error}"))?
        {
            break status;
        }
        if started.elapsed() > PROBE_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!(
                "the window did not finish opening within {} s",
                PROBE_LIMIT.as_secs()
            ));
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let text = std::fs::read_to_string(&output_path).unwrap_or_default();
    let lines: Vec<String> = text
        .lines()
        .filter(|line| line.starts_with("probe: "))
        .map(str::to_owned)
        .collect();
    if lines.is_empty() {
        return Err(format!(
            "the window did not open ({status}); run `stillpoint` to see why"
        ));
    }
    Ok(lines)
}

/// The microphones, which the Voice window and voice notes record from.
fn check_microphone(report: &mut Report, devices: &[String]) {
    if devices.is_empty() {
        report.line(
            Verdict::Warn,
            "mic",
            "no microphone, so voice recording and voice notes are off: connect one and \
             check it in the desktop's sound settings",
        );
    } else {
        report.line(Verdict::Ok, "mic", &devices.join(", "));
    }
}

fn check_loader(report: &mut Report) {
    match loader::locate_in(&loader::library_folders()) {
        Loader::Ready => report.line(Verdict::Ok, "loader", "the OpenXR loader is installed"),
        Loader::VersionedOnly(path) => report.line(
            Verdict::Ok,
            "loader",
            &format!("the OpenXR loader is installed ({})", path.display()),
        ),
        Loader::Missing => report.line(Verdict::Warn, "loader", loader::MISSING_MESSAGE),
    }
}

/// The active runtime's manifest, where the OpenXR loader looks for it.
fn active_runtime_manifest() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("XR_RUNTIME_JSON").filter(|path| !path.is_empty()) {
        return Some(PathBuf::from(path));
    }
    let config_home = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|path| !path.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".config")));
    let config_dirs = std::env::var_os("XDG_CONFIG_DIRS")
        .filter(|dirs| !dirs.is_empty())
        .map_or_else(
            || vec![PathBuf::from("/etc/xdg")],
            |dirs| std::env::split_paths(&dirs).collect(),
        );
    config_home
        .into_iter()
        .chain(config_dirs)
        .chain([PathBuf::from("/etc")])
        .map(|folder| folder.join("openxr/1/active_runtime.json"))
        .find(|path| path.is_file())
}

fn check_runtime(report: &mut Report) {
    let Some(manifest) = active_runtime_manifest() else {
        report.line(
            Verdict::Warn,
            "runtime",
            "no OpenXR runtime is chosen (no active_runtime.json, no XR_RUNTIME_JSON): \
             set one up as docs/clinic-setup.md shows",
        );
        return;
    };
    let shown = manifest.display();
    let read = std::fs::read(&manifest)
        .map_err(|error| error.to_string())
        .and_then(|bytes| {
            serde_json::from_slice::<serde_json::Value>(&bytes).map_err(|error| error.to_string())
        });
    match read {
        Ok(json) => {
            let runtime = &json["runtime"];
            let library = runtime["library_path"].as_str().unwrap_or("");
            let name = runtime["name"].as_str().unwrap_or("an unnamed runtime");
            if library.is_empty() {
                report.line(
                    Verdict::Fail,
                    "runtime",
                    &format!("{shown} names no runtime library (`runtime.library_path`)"),
                );
            } else {
                report.line(
                    Verdict::Ok,
                    "runtime",
                    &format!("{name} ({library}), chosen in {shown}"),
                );
            }
        }
        Err(error) => report.line(
            Verdict::Fail,
            "runtime",
            &format!("{shown} cannot be read: {error}"),
        ),
    }
}

fn check_data_folder(report: &mut Report, data: &Path) {
    let shown = data.display();
    if let Err(error) = crate::private::create_dir(data) {
        report.line(
            Verdict::Fail,
            "data",
            &format!("{shown} cannot be made ({error}): sessions would not be recorded"),
        );
        return;
    }
    let written = tempfile::Builder::new()
        .prefix(".stillpoint-doctor")
        .tempfile_in(data);
    if let Err(error) = written {
        report.line(
            Verdict::Fail,
            "data",
            &format!("{shown} cannot be written ({error}): sessions would not be recorded"),
        );
        return;
    }
    let who = match Sharing::at(&data.join("records")) {
        Sharing::Group => "shared by its group (2770)",
        Sharing::Private => "private to this user",
    };
    match free_space(data) {
        Some(free) if free < LOW_SPACE_BYTES => report.line(
            Verdict::Warn,
            "data",
            &format!(
                "{shown}, {who}: only {} free; make room before recording sessions",
                human_size(free)
            ),
        ),
        Some(free) => report.line(
            Verdict::Ok,
            "data",
            &format!("{shown}, {who}, {} free", human_size(free)),
        ),
        None => report.line(
            Verdict::Ok,
            "data",
            &format!("{shown}, {who} (free space unknown)"),
        ),
    }
}

/// Free bytes on the drive holding `folder`, as `df` reports them.
fn free_space(folder: &Path) -> Option<u64> {
    let output = Command::new("df").arg("-Pk").arg(folder).output().ok()?;
    let text = String::from_utf8_lossy(&output.stdout);
    let kilobytes: u64 = text
        .lines()
        .nth(1)?
        .split_whitespace()
        .nth(3)?
        .parse()
        .ok()?;
    Some(kilobytes * 1024)
}

fn check_sessions(report: &mut Report, paths: &Paths, settings: &Settings) {
    let files = match library::session_files_in(&paths.session_folders()) {
        Ok(files) => files,
        Err(problem) => {
            report.line(Verdict::Fail, "sessions", &problem);
            return;
        }
    };
    let (instruments, _) = InstrumentSet::load(&paths.instrument_folders());
    let entries = library::check_all(&files, &settings.validation_context(paths, &instruments));
    let broken: Vec<_> = entries
        .iter()
        .filter_map(|entry| entry.outcome.as_ref().err())
        .filter_map(|problems| problems.first())
        .collect();
    let valid = entries.len() - broken.len();
    if entries.is_empty() {
        report.line(Verdict::Fail, "sessions", "no session files were found");
    } else if let Some(first) = broken.first() {
        report.line(
            Verdict::Warn,
            "sessions",
            &format!(
                "{valid} valid, {} with problems (not offered until fixed; `stillpoint \
                 validate` names each), the first: {}",
                broken.len(),
                first.headline()
            ),
        );
    } else {
        report.line(
            Verdict::Ok,
            "sessions",
            &format!("{valid} sessions, all valid"),
        );
    }
}

fn check_font(report: &mut Report, font: &Path) {
    let shown = font.display();
    match std::fs::read(font) {
        Ok(bytes) if bytes.starts_with(&[0, 1, 0, 0]) || bytes.starts_with(b"true") => {
            report.line(Verdict::Ok, "fonts", &format!("{shown}"));
        }
        Ok(_) => report.line(
            Verdict::Fail,
            "fonts",
            &format!("{shown} is not a TrueType font; reinstall Stillpoint"),
        ),
        Err(error) => report.line(
            Verdict::Fail,
            "fonts",
            &format!("{shown}: {error}; reinstall Stillpoint"),
        ),
    }
}
