//! Helpers shared by the integration tests.

#![allow(dead_code, reason = "each test file uses a different subset")]
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "a test helper stops the test at the first thing that is wrong"
)]

pub mod export;
pub mod questionnaire;
pub mod rust_source;
pub mod session;
pub mod window;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The project's root folder.
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A path inside the project.
pub fn project_path(relative: &str) -> PathBuf {
    root().join(relative)
}

/// Runs the `stillpoint` binary from the project root, as on a machine without an OpenXR
/// loader (whether this one has a headset installed or not).
pub fn stillpoint(args: &[&str]) -> Output {
    stillpoint_with_env(args, &[])
}

/// Runs the `stillpoint` binary as [`stillpoint`] does, with `env` added (or replacing what
/// it sets).
pub fn stillpoint_with_env(args: &[&str], env: &[(&str, &std::ffi::OsStr)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_stillpoint"));
    command
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .env("STILLPOINT_OPENXR_LOADER_FOLDERS", "");
    for (name, value) in env {
        command.env(name, value);
    }
    command.output().expect("the stillpoint binary runs")
}

/// Writes the record of a whole five-minute box-breathing session for `patient` at `record`,
/// through `stillpoint simulate`.
pub fn simulated_record(record: &Path, patient: &str) {
    let output = stillpoint(&[
        "simulate",
        "--session",
        "box-breathing-reset",
        "--patient",
        patient,
        "--record",
        record.to_str().expect("utf-8 path"),
    ]);
    assert!(output.status.success(), "{output:?}");
}

/// Runs `stillpoint --data DATA ARGS…` as a person at the terminal would, typing `typed`
/// on its standard input (a confirmation such as the patient's code).
pub fn stillpoint_typing(data: &Path, args: &[&str], typed: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_stillpoint"))
        .arg("--data")
        .arg(data)
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("stillpoint runs");
    child
        .stdin
        .take()
        .expect("its input")
        .write_all(typed.as_bytes())
        .expect("types");
    child.wait_with_output().expect("it ends")
}

/// Standard output as text.
pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The Khronos glTF Validator's report on a glTF or GLB file (`issues` and `info`), through
/// `node` and `tools/gltf-validator/validate.mjs`, which runs the npm package `gltf-validator`
/// at the version pinned in `tools/gltf-validator/package-lock.json` (tools/setup.sh --test
/// installs Node.js and, with `npm ci`, the package into `tools/gltf-validator/node_modules`).
pub fn khronos_gltf_report(path: &Path) -> serde_json::Value {
    const INSTALL: &str = "run tools/setup.sh --test (installs Node.js and the Khronos glTF \
                           Validator from npm into tools/gltf-validator/node_modules)";
    assert!(
        project_path("tools/gltf-validator/node_modules/gltf-validator/package.json").exists(),
        "the Khronos glTF Validator is not installed: {INSTALL}"
    );
    let output = Command::new("node")
        .arg(project_path("tools/gltf-validator/validate.mjs"))
        .arg(path)
        .output()
        .unwrap_or_else(|error| panic!("node does not run ({error}): {INSTALL}"));
    serde_json::from_slice(&output.stdout).unwrap_or_else(|error| {
        panic!(
            "the validator's report is JSON ({error}): {}",
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

/// PHQ-9's severity band for `total`, as Kroenke, Spitzer & Williams (2001) publish them:
/// worked out here, independently of the product's scoring.
pub fn phq9_band(total: u32) -> &'static str {
    match total {
        0..=4 => "Minimal",
        5..=9 => "Mild",
        10..=14 => "Moderate",
        15..=19 => "Moderately severe",
        _ => "Severe",
    }
}

/// A tmpfs mounted for the length of a test.
pub struct Mounted(PathBuf);

impl Mounted {
    /// Mounts a tmpfs of `size` (e.g. "2m") at `at`, with `options` added (e.g. "ro").
    pub fn tmpfs(at: &Path, size: &str, options: &str) -> Self {
        std::fs::create_dir_all(at).expect("the mount point");
        let status = Command::new("mount")
            .args(["-t", "tmpfs", "-o"])
            .arg(format!("size={size},mode=0700{options}"))
            .arg("tmpfs")
            .arg(at)
            .status()
            .expect("mount runs");
        assert!(
            status.success(),
            "cannot mount a tmpfs at {} (this test needs root)",
            at.display()
        );
        Self(at.to_owned())
    }
}

impl Drop for Mounted {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}
