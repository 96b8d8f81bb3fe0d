//! How the app starts on the desktop: an unknown session or no desktop explained without a
//! window, no OpenXR loader or a broken one named while the session runs in the window, the
//! doctor's verdicts on this machine, and the render benchmark's figures (under a virtual
//! display with software Vulkan in CI: `tools/test.sh` runs the tests inside `xvfb-run`).

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "a test stops at the first thing that is wrong"
)]

mod common;

use common::{stdout, stillpoint, stillpoint_with_env};

#[test]
fn an_unknown_session_is_explained_without_opening_a_window() {
    let output = stillpoint(&["run", "--session", "no-such-session"]);
    assert_eq!(output.status.code(), Some(1));
    let message = String::from_utf8_lossy(&output.stderr);
    assert!(
        message.contains("there is no session \"no-such-session\""),
        "{message}"
    );
}

#[test]
fn without_a_desktop_the_window_explains_instead_of_crashing() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_stillpoint"))
        .current_dir(common::root())
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .args(["run", "--session", "box-breathing-reset"])
        .output()
        .expect("stillpoint runs");
    assert_eq!(output.status.code(), Some(1));
    let message = String::from_utf8_lossy(&output.stderr);
    assert!(message.contains("needs a desktop session"), "{message}");
    // A display that no X server answers (a desktop session that ended): the same sentence.
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_stillpoint"))
        .current_dir(common::root())
        .env("DISPLAY", ":987")
        .env_remove("WAYLAND_DISPLAY")
        .args(["run", "--session", "box-breathing-reset"])
        .output()
        .expect("stillpoint runs");
    assert_eq!(output.status.code(), Some(1));
    let message = String::from_utf8_lossy(&output.stderr);
    assert!(
        message.contains("none answers on display :987"),
        "one sentence, not a crash: {message}"
    );
}

#[test]
fn without_an_openxr_loader_the_app_runs_on_the_desktop_and_names_what_to_install() {
    // No OpenXR loader is found, whatever this machine has: the loader search is limited to
    // an empty list, even with a loader on the library path. The app says so once, runs the
    // session in the window, and closes cleanly when asked.
    let data = tempfile::tempdir().expect("temp dir");
    let decoy = tempfile::tempdir().expect("temp dir");
    std::fs::write(decoy.path().join("libopenxr_loader.so"), b"").expect("a decoy loader");
    let output = stillpoint_with_env(
        &[
            "run",
            "--session",
            "box-breathing-reset",
            "--patient",
            "P-31",
            "--data",
            data.path().to_str().expect("utf-8 path"),
            "--quit-after",
            "3",
        ],
        &[("LD_LIBRARY_PATH", decoy.path().as_os_str())],
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert_eq!(
        stderr.matches("no OpenXR loader is installed").count(),
        1,
        "{stderr}"
    );
    assert!(stderr.contains("libopenxr-loader1"), "{stderr}");
    assert!(
        stderr.contains("session advanced to step 1 of"),
        "the session ran: {stderr}"
    );
    assert!(
        data.path()
            .join("records/P-31")
            .read_dir()
            .is_ok_and(|mut files| files.next().is_some()),
        "the session was recorded"
    );
}

#[test]
fn a_loader_that_cannot_be_opened_is_named_as_such_not_as_a_missing_runtime() {
    // A file by the loader's name that is not a library: found, but it cannot be opened.
    let data = tempfile::tempdir().expect("temp dir");
    let broken = tempfile::tempdir().expect("temp dir");
    std::fs::write(broken.path().join("libopenxr_loader.so"), b"not a library")
        .expect("a broken loader");
    let output = stillpoint_with_env(
        &[
            "run",
            "--session",
            "box-breathing-reset",
            "--patient",
            "P-32",
            "--data",
            data.path().to_str().expect("utf-8 path"),
            "--quit-after",
            "2",
        ],
        &[
            ("LD_LIBRARY_PATH", broken.path().as_os_str()),
            (
                "STILLPOINT_OPENXR_LOADER_FOLDERS",
                broken.path().as_os_str(),
            ),
        ],
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains("the OpenXR loader is installed but could not be opened"),
        "{stderr}"
    );
    assert!(stderr.contains("--reinstall libopenxr-loader1"), "{stderr}");
    assert!(
        !stderr.contains("no OpenXR runtime is running"),
        "not mistaken for a missing runtime: {stderr}"
    );
    assert!(
        stderr.contains("session advanced to step 1 of"),
        "the session ran on the desktop: {stderr}"
    );
}

/// Runs `stillpoint --data DATA doctor` with `env` added (no OpenXR loader is found, as with
/// every test here); its output lines.
fn doctor(data: &std::path::Path, env: &[(&str, &std::path::Path)]) -> (bool, Vec<String>) {
    let env: Vec<(&str, &std::ffi::OsStr)> = env
        .iter()
        .map(|(name, value)| (*name, value.as_os_str()))
        .collect();
    let output = stillpoint_with_env(
        &["--data", data.to_str().expect("utf-8 path"), "doctor"],
        &env,
    );
    let lines = stdout(&output).lines().map(str::to_owned).collect();
    (output.status.success(), lines)
}

/// The line about `what`, split into its verdict and the rest.
fn verdict<'a>(lines: &'a [String], what: &str) -> (&'a str, &'a str) {
    let line = lines
        .iter()
        .find(|line| line.get(5..).is_some_and(|rest| rest.starts_with(what)))
        .unwrap_or_else(|| panic!("no {what} line in {lines:#?}"));
    (line[..4].trim_end(), line[5 + what.len()..].trim_start())
}

#[test]
fn the_doctor_gives_true_verdicts_on_this_machine() {
    let dir = tempfile::tempdir().expect("temp dir");
    let no_config = dir.path().join("empty");
    std::fs::create_dir(&no_config).expect("a folder");
    let data = dir.path().join("data");
    // No runtime chosen: the user's and the system's runtime folders are empty ones.
    let (passed, lines) = doctor(
        &data,
        &[
            ("XDG_CONFIG_HOME", &no_config),
            ("XDG_CONFIG_DIRS", &no_config),
        ],
    );
    assert!(passed, "nothing fails here: {lines:#?}");
    assert_eq!(verdict(&lines, "window").0, "OK");
    let (graphics, device) = verdict(&lines, "graphics");
    assert!(graphics == "OK" || graphics == "WARN", "{device}");
    if device.contains("llvmpipe") {
        assert_eq!(
            graphics, "WARN",
            "the software renderer is not for a headset"
        );
        assert!(device.contains("too slow for a headset"));
    }
    let (sound, said) = verdict(&lines, "sound");
    assert!(
        sound == "OK" || said.contains("sessions run silently"),
        "{said}"
    );
    let (headset, why) = verdict(&lines, "headset");
    assert_eq!(headset, "WARN");
    assert!(why.contains("no OpenXR loader is installed"), "{why}");
    assert_eq!(verdict(&lines, "loader").0, "WARN");
    let (runtime, why) = verdict(&lines, "runtime");
    assert!(
        runtime == "WARN" && why.contains("no OpenXR runtime is chosen"),
        "{why}"
    );
    let (data_verdict, about) = verdict(&lines, "data");
    assert_eq!(data_verdict, "OK", "{about}");
    assert!(
        about.contains("private to this user") && about.contains("free"),
        "{about}"
    );
    assert_eq!(verdict(&lines, "sessions"), ("OK", "5 sessions, all valid"));
    assert_eq!(verdict(&lines, "fonts").0, "OK");

    // A data folder that cannot be written fails, and so does the doctor.
    let blocked = dir.path().join("a-file");
    std::fs::write(&blocked, b"").expect("a file where the folder should be");
    let (passed, lines) = doctor(&blocked.join("data"), &[]);
    assert!(!passed, "{lines:#?}");
    let (data_verdict, about) = verdict(&lines, "data");
    assert_eq!(data_verdict, "FAIL");
    assert!(about.contains("sessions would not be recorded"), "{about}");

    // The chosen runtime is read from its manifest; a broken one fails.
    let manifest = dir.path().join("runtime.json");
    std::fs::write(
        &manifest,
        r#"{"file_format_version": "1.0.0", "runtime": {"name": "Clinic Runtime", "library_path": "/usr/lib/libclinic_xr.so"}}"#,
    )
    .expect("a manifest");
    let (_, lines) = doctor(&data, &[("XR_RUNTIME_JSON", &manifest)]);
    let (runtime, which) = verdict(&lines, "runtime");
    assert_eq!(runtime, "OK");
    assert!(
        which.starts_with("Clinic Runtime (/usr/lib/libclinic_xr.so), chosen in"),
        "{which}"
    );
    std::fs::write(&manifest, b"{ not json").expect("a broken manifest");
    let (passed, lines) = doctor(&data, &[("XR_RUNTIME_JSON", &manifest)]);
    assert!(!passed);
    assert_eq!(verdict(&lines, "runtime").0, "FAIL");
}

/// The render benchmark runs the session and the bare comparison scene the same way and
/// reports its figures (the figures themselves are read by a person, not asserted, so a
/// short warm-up does here).
#[test]
fn the_render_benchmark_reports_frame_times_for_both_scenes() {
    for bare in [false, true] {
        let mut args = vec![
            "run",
            "--session",
            "centering-before-dosing",
            "--at",
            "169",
            "--bench-frames",
            "20",
        ];
        if bare {
            args.push("--bare");
        }
        let output =
            stillpoint_with_env(&args, &[("STILLPOINT_BENCH_WARM_UP_FRAMES", "10".as_ref())]);
        let errors = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{errors}");
        let figures = errors
            .lines()
            .find(|line| line.starts_with("frames=20 frame_ms_p50="))
            .unwrap_or_else(|| panic!("no figures in: {errors}"));
        let value = |name: &str| -> f64 {
            figures
                .split_whitespace()
                .find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
                .and_then(|value| value.parse().ok())
                .unwrap_or_else(|| panic!("{name} missing from {figures}"))
        };
        assert!(value("frame_ms_p50") > 0.0);
        assert!(value("frame_ms_p99") >= value("frame_ms_p50"));
        assert!(value("app_us_p99") >= value("app_us_p50"));
        assert!(value("frame_ms_max") >= value("frame_ms_p99"));
        assert!(value("app_us_max") >= value("app_us_p99"));
    }
}
