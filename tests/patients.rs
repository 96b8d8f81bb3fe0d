//! A patient's data, managed from the command line: listed, exported, deleted on request
//! (the code typed again) and imported back, byte for byte.

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "a test stops at the first thing that is wrong"
)]

mod common;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{stdout, stillpoint, stillpoint_typing};

/// Every file under `folder` with its bytes and modification time, by path inside it.
fn contents(folder: &Path) -> BTreeMap<PathBuf, (Vec<u8>, std::time::SystemTime)> {
    let mut found = BTreeMap::new();
    let mut folders = vec![folder.to_owned()];
    while let Some(at) = folders.pop() {
        for entry in std::fs::read_dir(&at).expect("readable").flatten() {
            let path = entry.path();
            if path.is_dir() {
                folders.push(path);
            } else {
                let modified = entry
                    .metadata()
                    .and_then(|meta| meta.modified())
                    .expect("a time");
                let inside = path.strip_prefix(folder).expect("inside").to_owned();
                found.insert(inside, (std::fs::read(&path).expect("reads"), modified));
            }
        }
    }
    found
}

/// Seconds since the epoch, as archives keep them.
fn whole_seconds(time: std::time::SystemTime) -> u64 {
    time.duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_secs()
}

#[test]
fn a_patients_data_lists_exports_deletes_on_request_and_imports_back_unchanged() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    let data_text = data.to_str().expect("utf-8");
    let records = data.join("records");
    // P-14: a painting session (artwork, GLB, PNG beside the record), a breathing session
    // and a report; P-15: one session.
    for (patient, session, name, paint) in [
        (
            "P-14",
            "creative-integration",
            "creative-integration-20261101-100000",
            "2000",
        ),
        (
            "P-14",
            "box-breathing-reset",
            "box-breathing-reset-20261108-100000",
            "0",
        ),
        (
            "P-15",
            "box-breathing-reset",
            "box-breathing-reset-20261109-100000",
            "0",
        ),
    ] {
        let record = records.join(patient).join(format!("{name}.jsonl"));
        let output = stillpoint(&[
            "simulate",
            "--session",
            session,
            "--patient",
            patient,
            "--hz",
            "30",
            "--synthetic-paint",
            paint,
            "--record",
            record.to_str().expect("utf-8"),
        ]);
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let output = stillpoint(&["--data", data_text, "report", "--patient", "P-14"]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );

    let listed = stdout(&stillpoint(&["--data", data_text, "patient", "list"]));
    let line = |code: &str| {
        listed
            .lines()
            .find(|line| line.starts_with(code))
            .unwrap_or_else(|| panic!("{code} in {listed}"))
            .split_whitespace()
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    let p14 = line("P-14");
    assert_eq!(p14[1], "2", "two sessions: {listed}");
    assert_eq!(p14[2], "0", "no questionnaires at the desk: {listed}");
    assert_eq!(p14[3], "0", "no voice notes: {listed}");
    assert_eq!(p14[4].len(), 10, "the last date: {listed}");
    assert_eq!(p14[6], "MB", "a painting takes megabytes: {listed}");
    assert_eq!(line("P-15")[1], "1");

    let before_records = contents(&records.join("P-14"));
    let before_reports = contents(&data.join("reports/P-14"));
    assert_eq!(before_records.len(), 5, "{:?}", before_records.keys());
    assert!(before_reports.contains_key(Path::new("report.html")));

    let archive = dir.path().join("P-14.tar.gz");
    let exported = stillpoint(&[
        "--data",
        data_text,
        "patient",
        "export",
        "P-14",
        "--out",
        archive.to_str().expect("utf-8"),
    ]);
    assert!(
        exported.status.success(),
        "{}",
        String::from_utf8_lossy(&exported.stderr)
    );
    let files = before_records.len() + before_reports.len();
    assert!(stdout(&exported).contains(&format!("Exported {files} files")));

    // Deleting asks for the code again: a wrong one deletes nothing.
    let refused = stillpoint_typing(&data, &["patient", "delete", "P-14"], "P-41\n");
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("not deleted"));
    assert_eq!(contents(&records.join("P-14")).len(), 5);

    let deleted = stillpoint_typing(&data, &["patient", "delete", "P-14"], "P-14\n");
    assert!(
        deleted.status.success(),
        "{}",
        String::from_utf8_lossy(&deleted.stderr)
    );
    assert!(!records.join("P-14").exists() && !data.join("reports/P-14").exists());
    assert!(records.join("P-15").exists(), "the other patient stays");
    // The attempt is logged before the files are removed, and the outcome after.
    let log = std::fs::read_to_string(data.join("deletions.log")).expect("a deletion log");
    let [attempt, outcome] = log.lines().collect::<Vec<_>>()[..] else {
        panic!("two lines: {log}");
    };
    assert!(
        attempt.ends_with(&format!("Z deleting patient P-14: {files} files"))
            && outcome.ends_with(&format!("Z deleted patient P-14: {files} files")),
        "the code, the time and the count, nothing else: {log}"
    );
    assert!(!stdout(&stillpoint(&["--data", data_text, "patient", "list"])).contains("P-14"));

    let imported = stillpoint(&[
        "--data",
        data_text,
        "patient",
        "import",
        archive.to_str().expect("utf-8"),
    ]);
    assert!(
        imported.status.success(),
        "{}",
        String::from_utf8_lossy(&imported.stderr)
    );
    for (folder, before) in [
        ("records/P-14", &before_records),
        ("reports/P-14", &before_reports),
    ] {
        let after = contents(&data.join(folder));
        assert_eq!(
            after.keys().collect::<Vec<_>>(),
            before.keys().collect::<Vec<_>>()
        );
        for (path, (bytes, modified)) in before {
            let (again, restored) = &after[path];
            assert!(
                again == bytes,
                "{folder}/{}: the same bytes",
                path.display()
            );
            assert_eq!(
                whole_seconds(*restored),
                whole_seconds(*modified),
                "{}",
                path.display()
            );
        }
    }
    assert_eq!(line("P-14"), p14, "listed as before");

    // Importing over the patient's files refuses, and changes nothing.
    let again = stillpoint(&[
        "--data",
        data_text,
        "patient",
        "import",
        archive.to_str().expect("utf-8"),
    ]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already there"));
}

#[test]
fn an_archive_that_reaches_outside_a_patients_folders_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    for (name, why) in [
        (
            "records/P-1/../../escaped.txt",
            "is not a file Stillpoint keeps",
        ),
        ("settings/P-1/x.jsonl", "is not a file Stillpoint keeps"),
        ("records/Jane Doe/x.jsonl", "digit"),
    ] {
        let archive = dir.path().join("bad.tar.gz");
        let file = std::fs::File::create(&archive).expect("creates");
        let mut builder = tar::Builder::new(flate2::write::GzEncoder::new(
            file,
            flate2::Compression::fast(),
        ));
        let mut header = tar::Header::new_gnu();
        header.set_size(4);
        header.set_mode(0o600);
        header.set_entry_type(tar::EntryType::Regular);
        // Written as raw bytes, as a hand-made archive could be: no checks on the way in.
        header.as_old_mut().name[..name.len()].copy_from_slice(name.as_bytes());
        header.set_cksum();
        builder.append(&header, &b"data"[..]).expect("appends");
        builder
            .into_inner()
            .expect("finishes")
            .finish()
            .expect("compresses");
        let output = stillpoint_typing(
            &data,
            &["patient", "import", archive.to_str().expect("utf-8")],
            "",
        );
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{name}: refused");
        assert!(stderr.contains(why), "{name}: {stderr}");
        assert!(!dir.path().join("escaped.txt").exists());
        assert!(!data.join("records").exists(), "{name}: nothing written");
    }
}

#[test]
fn an_archive_holding_a_file_larger_than_a_patients_file_can_be_is_refused_unread() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    let archive = dir.path().join("big.tar.gz");
    let mut builder = tar::Builder::new(flate2::write::GzEncoder::new(
        std::fs::File::create(&archive).expect("creates"),
        flate2::Compression::fast(),
    ));
    // The header says 600 MiB: refused on the header's word, before a byte is read.
    let mut header = tar::Header::new_gnu();
    header.set_path("records/P-1/big.jsonl").expect("a name");
    header.set_size(600 << 20);
    header.set_mode(0o600);
    header.set_cksum();
    builder.append(&header, &b"data"[..]).expect("appends");
    builder
        .into_inner()
        .expect("finishes")
        .finish()
        .expect("compresses");
    let output = stillpoint_typing(
        &data,
        &["patient", "import", archive.to_str().expect("utf-8")],
        "",
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("\"records/P-1/big.jsonl\" holds 600 MiB, more than the 512 MiB")
            && stderr.contains("nothing was imported"),
        "{stderr}"
    );
    assert!(!data.join("records").exists());
}

/// A record with a damaged line: the export says which file and line it leaves out, and
/// writes nothing unless a partial export is asked for.
#[test]
fn an_export_that_would_leave_lines_out_writes_only_when_allowed_to() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    let record = data.join("records/P-3/box-breathing-reset-20261109-100000.jsonl");
    std::fs::create_dir_all(record.parent().expect("a folder")).expect("makes");
    common::simulated_record(&record, "P-3");
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .open(&record)
        .expect("opens");
    file.write_all(b"{\"t\": 3\n").expect("damages it");
    let lines = std::fs::read_to_string(&record)
        .expect("reads")
        .lines()
        .count();
    let out = dir.path().join("export");
    let export = |more: &[&str]| {
        let mut args = vec!["export", "--patient", "P-3", "--out"];
        args.push(out.to_str().expect("utf-8"));
        args.extend(more);
        stillpoint_typing(&data, &args, "")
    };
    let said = format!("{}: line {lines} could not be read", record.display());

    let refused = export(&[]);
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&said) && stderr.contains("--allow-partial"),
        "{stderr}"
    );
    assert!(!out.exists(), "nothing written");

    let partial = export(&["--allow-partial"]);
    let stderr = String::from_utf8_lossy(&partial.stderr);
    assert!(partial.status.success(), "{stderr}");
    assert!(
        stderr.contains(&said),
        "still says what is left out: {stderr}"
    );
    assert!(out.join("P-3-fhir.json").exists() && out.join("P-3-answers.csv").exists());
}

/// User accounts and a group made for a test, removed again when it ends.
struct Accounts {
    users: Vec<String>,
    group: String,
}

impl Drop for Accounts {
    fn drop(&mut self) {
        for user in &self.users {
            let _ = Command::new("userdel").arg(user).status();
        }
        let _ = Command::new("groupdel").arg(&self.group).status();
    }
}

fn succeeds(program: &str, args: &[&str]) {
    let status = Command::new(program).args(args).status().expect("runs");
    assert!(
        status.success(),
        "{program} {args:?} (this test needs root)"
    );
}

#[test]
#[ignore = "makes user accounts and a group, which needs root: tools/test.sh runs it as root"]
fn a_shared_clinic_folder_is_shared_by_its_group_and_closed_to_everyone_else() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let tag = std::process::id();
    let group = format!("spclinic{tag}");
    let (first, second, outsider) = (
        format!("spa{tag}"),
        format!("spb{tag}"),
        format!("spo{tag}"),
    );
    succeeds("groupadd", &[&group]);
    let _accounts = Accounts {
        users: vec![first.clone(), second.clone(), outsider.clone()],
        group: group.clone(),
    };
    for (user, member) in [(&first, true), (&second, true), (&outsider, false)] {
        let mut args = vec!["-M", "-N", user.as_str()];
        if member {
            args.extend(["-G", group.as_str()]);
        }
        succeeds("useradd", &args);
    }

    // The program, its assets and settings where every account can read them, and the
    // clinic's folder as IT sets it up: owned by the group, 2770.
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).expect("opens");
    let program = dir.path().join("stillpoint");
    std::fs::copy(env!("CARGO_BIN_EXE_stillpoint"), &program).expect("copies the program");
    for folder in ["assets", "config"] {
        succeeds(
            "cp",
            &[
                "-r",
                common::project_path(folder).to_str().expect("utf-8"),
                dir.path().to_str().expect("utf-8"),
            ],
        );
    }
    succeeds(
        "chmod",
        &["-R", "a+rX", dir.path().to_str().expect("utf-8")],
    );
    let clinic = dir.path().join("clinic");
    std::fs::create_dir(&clinic).expect("the clinic's folder");
    succeeds("chgrp", &[&group, clinic.to_str().expect("utf-8")]);
    std::fs::set_permissions(&clinic, std::fs::Permissions::from_mode(0o2770)).expect("shares");

    let as_user = |user: &str, args: &[&str]| {
        Command::new("runuser")
            .args(["-u", user, "--", "env"])
            .arg(format!("HOME={}", dir.path().display()))
            .arg(&program)
            .arg("--assets")
            .arg(dir.path().join("assets"))
            .arg("--config")
            .arg(dir.path().join("config/stillpoint.ron"))
            .arg("--data")
            .arg(&clinic)
            .args(args)
            .output()
            .expect("runs as the user")
    };
    let record_of = |patient: &str| {
        clinic
            .join("records")
            .join(patient)
            .join("box-breathing-reset-20261130-090000.jsonl")
    };
    for (user, patient) in [(&first, "P-71"), (&second, "P-72")] {
        let record = record_of(patient);
        let output = as_user(
            user,
            &[
                "simulate",
                "--session",
                "box-breathing-reset",
                "--patient",
                patient,
                "--hz",
                "30",
                "--record",
                record.to_str().expect("utf-8"),
            ],
        );
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    // The second therapist reports on the first one's patient, from their records.
    let report = as_user(&second, &["report", "--patient", "P-71"]);
    assert!(
        report.status.success(),
        "{}",
        String::from_utf8_lossy(&report.stderr)
    );
    let listed = as_user(&first, &["patient", "list"]);
    let listed = String::from_utf8_lossy(&listed.stdout);
    assert!(
        listed.contains("P-71") && listed.contains("P-72"),
        "{listed}"
    );

    let gid = std::fs::metadata(&clinic).expect("there").gid();
    for (path, mode) in [
        (clinic.join("records"), 0o2770),
        (clinic.join("records/P-71"), 0o2770),
        (record_of("P-71"), 0o660),
        (clinic.join("reports/P-71"), 0o2770),
        (clinic.join("reports/P-71/report.html"), 0o660),
    ] {
        let meta = std::fs::metadata(&path).expect("there");
        assert_eq!(
            meta.permissions().mode() & 0o7777,
            mode,
            "{}",
            path.display()
        );
        assert_eq!(
            meta.gid(),
            gid,
            "{} belongs to the clinic's group",
            path.display()
        );
    }
    let read = |user: &str, path: &Path| {
        Command::new("runuser")
            .args(["-u", user, "--", "cat"])
            .arg(path)
            .output()
            .expect("runs")
            .status
            .success()
    };
    assert!(read(&first, &clinic.join("reports/P-71/report.html")));
    assert!(read(&second, &record_of("P-71")));
    assert!(
        !read(&outsider, &record_of("P-71")),
        "an outsider reads nothing"
    );
    let outside = as_user(&outsider, &["patient", "list"]);
    let seen = String::from_utf8_lossy(&outside.stdout);
    assert!(!seen.contains("P-71") && !seen.contains("P-72"), "{seen}");
}
