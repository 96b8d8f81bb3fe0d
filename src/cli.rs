//! The `stillpoint` command line.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::bench::RenderBench;
use crate::capture::Capture;
use crate::catalog;
use crate::config::{Paths, Settings};
use crate::launch::{self, Launch};
use crate::script::SessionScript;
use crate::script::duration::format_length;
use crate::script::library::{self, Entry};
use crate::session::SessionAction;
use crate::session::preview::ThrowawayRecord;
use crate::session::resume::unfinished_records;
use crate::session::runtime::check_patient_code;

/// Calm, therapist-guided VR sessions for ketamine-assisted psychotherapy.
///
/// With no command, Stillpoint opens the desktop mirror on the default session (set in
/// config/stillpoint.ron). Sessions are RON files in assets/sessions/; see
/// docs/session-format.md to write your own.
#[derive(Debug, Parser)]
#[command(name = "stillpoint", version, about, long_about)]
pub struct Cli {
    /// What to do; opens the app window when left out.
    #[command(subcommand)]
    pub command: Option<Command>,
    /// The assets folder (sessions/, sounds). Default: ./assets, the one beside the program,
    /// or the installed one (/usr/share/stillpoint).
    #[arg(long, global = true, value_name = "DIR")]
    pub assets: Option<PathBuf>,
    /// The settings file. Default: config/stillpoint.ron beside the assets folder, else
    /// /etc/stillpoint/stillpoint.ron.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// The data folder: session records, and the clinic's own sessions in its sessions/
    /// (overrides `data_folder` in the settings).
    #[arg(long, global = true, value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// Window options when no command is given (with a command, give them after it).
    #[command(flatten)]
    pub window: WindowArgs,
}

/// Stillpoint's commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Open the app window straight into a session.
    ///
    /// With --patient the session starts at once and is recorded under that code. With
    /// --resume the newest unfinished record (of that patient and session, when given)
    /// continues at the step where it stopped.
    Run {
        /// The session's id (see `stillpoint list`).
        #[arg(long, value_name = "ID", required_unless_present = "resume")]
        session: Option<String>,
        /// The patient's pseudonymous code, e.g. P-014 (never a name).
        #[arg(long, value_name = "CODE")]
        patient: Option<String>,
        /// Continue the newest unfinished session record.
        #[arg(long)]
        resume: bool,
        /// Window options.
        #[command(flatten)]
        window: WindowArgs,
    },
    /// Run a session headless at full speed with simulated time and print its record.
    ///
    /// Steps that wait for the therapist continue after --auto-continue seconds; check-ins
    /// without an answer time out as in the app. The record's lines go to standard output;
    /// the last line on standard error is `frames=N frame_us_p50=X frame_us_p99=Y`.
    Simulate {
        /// The session's id (see `stillpoint list`).
        #[arg(long, value_name = "ID")]
        session: String,
        /// An action at a session time: pause, resume, next, back, calm, calm-end, end,
        /// answer:N (check-in 0-10), choose:N (intention), volume:BUS:LEVEL. Repeatable,
        /// e.g. --action 30=pause --action 40=resume.
        #[arg(long = "action", value_name = "T=ACTION")]
        actions: Vec<String>,
        /// Simulated frames per second.
        #[arg(long, default_value_t = 90.0, value_name = "N")]
        hz: f64,
        /// Write the record to this file (default: a temporary file, removed afterwards).
        #[arg(long, value_name = "PATH")]
        record: Option<PathBuf>,
        /// The patient code written in the record.
        #[arg(long, value_name = "CODE", default_value = "SIM-0")]
        patient: String,
        /// Seconds after which a step that waits for the therapist is continued.
        #[arg(long, value_name = "SECS", default_value_t = 60.0)]
        auto_continue: f64,
        /// Continue the unfinished record given with --record.
        #[arg(long, requires = "record")]
        resume: bool,
        /// Paint N stroke points of smooth synthetic brush motion in each paint step (the
        /// artwork, its GLB and its PNG are saved beside the record as in a live session).
        #[arg(long, value_name = "N", default_value_t = 0)]
        synthetic_paint: usize,
        /// Paint steps continue this earlier painting: an artwork file, or a record whose
        /// last painting is meant.
        #[arg(long, value_name = "PATH")]
        artwork_from: Option<PathBuf>,
    },
    /// Check session files and report every problem as `path:line:column: message`.
    ///
    /// Exits 0 when all files are valid (warnings allowed) and 1 otherwise.
    Validate {
        /// Files or folders to check. Default: every session in assets/sessions/.
        #[arg(value_name = "PATH")]
        paths: Vec<PathBuf>,
        /// One line per problem, without the excerpt of the file.
        #[arg(long)]
        brief: bool,
    },
    /// Write a printable report with charts from session records.
    ///
    /// With --patient, a course report from every record of that patient; with --record,
    /// one session. Writes report.html (self-contained, opens offline, prints to PDF from
    /// a browser) and the charts as SVG files, readable only by you.
    Report {
        /// The patient's pseudonymous code.
        #[arg(
            long,
            value_name = "CODE",
            required_unless_present = "record",
            conflicts_with = "record"
        )]
        patient: Option<String>,
        /// One record file.
        #[arg(long, value_name = "FILE")]
        record: Option<PathBuf>,
        /// Folder to write the report into. Default: <data folder>/reports/<patient>.
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
    /// Render a session's whole sound to a WAV file, for practising at home.
    ///
    /// Narration, soundscape and breathing cues play through the same mix as in the app,
    /// in session time, far faster than real time. Steps that wait for an answer or for
    /// the therapist are given their expected length (as in `stillpoint list`).
    ExportAudio {
        /// The session's id (see `stillpoint list`).
        #[arg(long, value_name = "ID")]
        session: String,
        /// The WAV file to write (16-bit stereo).
        #[arg(long, value_name = "FILE.wav")]
        out: PathBuf,
        /// Samples per second.
        #[arg(long, value_name = "HZ", default_value_t = 44_100,
              value_parser = clap::value_parser!(u32).range(8_000..=192_000))]
        sample_rate: u32,
    },
    /// For tools/narrate.py: every prompt the valid sessions speak, one JSON object a line
    /// (`session`, `text`, and `clip`, the voice file it plays, relative to the assets).
    #[command(hide = true)]
    SpokenPrompts,
    /// List the sessions found: id, title, phase and expected length.
    List {
        /// Also list the environments and soundscapes scripts can name.
        #[arg(long)]
        presets: bool,
    },
}

/// The latest session moment `--at` can show: a day, far beyond any session (and far
/// within what a time span can hold).
const LATEST_MOMENT_SECS: f64 = 86_400.0;

/// Options for commands that open the window.
#[derive(Debug, Clone, Default, PartialEq, Args)]
pub struct WindowArgs {
    /// Save a PNG of the window once the scene has rendered, then exit.
    #[arg(long, value_name = "PNG")]
    pub screenshot: Option<PathBuf>,
    /// With --screenshot: this moment of the session (seconds of session
    /// time), reached at once in simulated time.
    #[arg(long, value_name = "SECONDS")]
    pub at: Option<f64>,
    /// With --at: an action on the way, as for `simulate` (e.g. --action 40=calm).
    #[arg(long = "action", value_name = "T=ACTION", requires = "at")]
    pub actions: Vec<String>,
    /// Render benchmark: render N frames of the session (from --at, if given) after a
    /// warm-up, print `frames=… frame_ms_p50=… frame_ms_p99=… app_us_p50=… app_us_p99=…`
    /// on standard error, then exit.
    #[arg(long, value_name = "N", conflicts_with = "screenshot", hide = true)]
    pub bench_frames: Option<u32>,
    /// With --bench-frames: render a bare scene of one mesh and one light instead, for
    /// comparison.
    #[arg(long, requires = "bench_frames", hide = true)]
    pub bare: bool,
    /// Do not look for a headset; run on the desktop only.
    #[arg(long)]
    pub desktop: bool,
    /// Start with the therapist's panel hidden (Tab shows it). Pictures taken with
    /// --screenshot show the patient's view alone unless --with-panel is given.
    #[arg(long, conflicts_with = "with_panel")]
    pub no_panel: bool,
    /// With --screenshot: save a small preview picture (384x216), as the session library
    /// shows (tools/previews.sh makes them for every session).
    #[arg(long, requires = "screenshot", hide = true)]
    pub thumbnail: bool,
    /// With --screenshot: include the therapist's panel in the picture.
    #[arg(long, requires = "screenshot")]
    pub with_panel: bool,
    /// Close the app once the session clock reaches this many seconds (or the session ends),
    /// ending the headset's session cleanly first.
    #[arg(long, value_name = "SECONDS", hide = true)]
    pub quit_after: Option<f64>,
    /// Paint steps continue this earlier painting, to add to it or to look at it together:
    /// an artwork file, or a session record whose last painting is meant.
    #[arg(long, value_name = "PATH")]
    pub artwork_from: Option<PathBuf>,
}

impl WindowArgs {
    /// Refuses a moment before the session's start, and an earlier painting that is not there.
    fn check_moment(&self) -> Result<(), String> {
        check_artwork_from(self.artwork_from.as_deref())?;
        if let Some(secs) = self.quit_after
            && !(secs.is_finite() && secs >= 0.0)
        {
            return Err(format!("--quit-after {secs} must be zero or more seconds"));
        }
        match self.at {
            Some(at) if !(at.is_finite() && at >= 0.0) => {
                Err(format!("--at {at} must be zero or more seconds"))
            }
            Some(at) if at > LATEST_MOMENT_SECS => Err(format!(
                "--at {at} is beyond any session: give at most {LATEST_MOMENT_SECS} seconds (a day)"
            )),
            Some(_) if self.screenshot.is_none() && self.bench_frames.is_none() => {
                Err("--at needs --screenshot or --bench-frames".to_owned())
            }
            _ => Ok(()),
        }
    }

    /// The render benchmark asked for, if any.
    fn bench(&self) -> Option<RenderBench> {
        self.bench_frames.map(|frames| RenderBench {
            frames,
            at: self.at,
        })
    }

    /// The picture asked for, if any.
    fn capture(&self) -> Result<Option<Capture>, String> {
        let Some(path) = &self.screenshot else {
            return Ok(None);
        };
        let actions = self
            .actions
            .iter()
            .map(|action| crate::simulate::parse_timed_action(action))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Some(Capture {
            path: path.clone(),
            at: self.at,
            actions,
            thumbnail: self.thumbnail,
        }))
    }
}

impl Cli {
    /// Window options given before a command, where they would do nothing: they belong
    /// after `run`. The message says so.
    pub fn misplaced_window_options(&self) -> Option<String> {
        let command = self.command.as_ref()?;
        if self.window == WindowArgs::default() {
            return None;
        }
        let hint = match command {
            Command::Run { .. } => {
                "give them after `run`, e.g. `stillpoint run --session ID --desktop`"
            }
            _ => "only the app window takes them (`stillpoint` alone, or `stillpoint run`)",
        };
        Some(format!(
            "window options such as --desktop or --screenshot do nothing here: {hint}"
        ))
    }
}

/// Runs the command line; the return value is the process's exit code.
pub fn run(cli: Cli) -> ExitCode {
    if let Some(problem) = cli.misplaced_window_options() {
        eprintln!("error: {problem}");
        return ExitCode::from(2);
    }
    let mut paths = Paths::resolve(cli.assets, cli.config);
    let settings = match load_settings(&paths, cli.data) {
        Ok(settings) => settings,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::FAILURE;
        }
    };
    paths.clinic_sessions = settings.clinic_sessions_folder();
    let command = cli.command.unwrap_or(Command::Run {
        session: None,
        patient: None,
        resume: false,
        window: cli.window,
    });
    let outcome = match command {
        Command::Validate {
            paths: files,
            brief,
        } => Ok(validate(&paths, &settings, &files, brief)),
        Command::List { presets } => Ok(list(&paths, &settings, presets)),
        Command::SpokenPrompts => spoken_prompts(&paths, &settings),
        Command::ExportAudio {
            session,
            out,
            sample_rate,
        } => export_audio(&paths, &settings, &session, &out, sample_rate),
        Command::Run {
            session,
            patient,
            resume,
            window,
        } => open_window(paths, settings, session, patient, resume, window),
        Command::Report {
            patient,
            record,
            out,
        } => report(&settings, patient, record, out),
        Command::Simulate {
            session,
            actions,
            hz,
            record,
            patient,
            auto_continue,
            resume,
            synthetic_paint,
            artwork_from,
        } => simulate(
            &paths,
            &settings,
            &session,
            &actions,
            hz,
            record,
            patient,
            auto_continue,
            resume,
            synthetic_paint,
            artwork_from,
        ),
    };
    outcome.unwrap_or_else(|message| {
        eprintln!("{message}");
        ExitCode::FAILURE
    })
}

/// The clinic's settings, with the data folder given on the command line, if any.
fn load_settings(paths: &Paths, data: Option<PathBuf>) -> Result<Settings, String> {
    let mut settings = Settings::load(&paths.settings).map_err(|problem| problem.headline())?;
    if let Some(data) = data {
        settings.data_folder = Some(data);
    }
    Ok(settings)
}

/// The files named on the command line (folders expanded), or every bundled and clinic
/// session.
fn files_to_check(paths: &Paths, named: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    if named.is_empty() {
        return library::session_files_in(&paths.session_folders());
    }
    let mut files = Vec::new();
    for path in named {
        if path.is_dir() {
            let found = library::session_files(path)
                .map_err(|error| format!("{}: cannot read the folder: {error}", path.display()))?;
            files.extend(found);
        } else {
            files.push(path.clone());
        }
    }
    Ok(files)
}

/// The named session files (or every bundled and clinic one), each parsed and checked
/// against the clinic's settings.
fn check_sessions(
    paths: &Paths,
    settings: &Settings,
    named: &[PathBuf],
) -> Result<Vec<Entry>, String> {
    let files = files_to_check(paths, named)?;
    Ok(library::check_all(
        &files,
        &settings.validation_context(paths),
    ))
}

fn validate(paths: &Paths, settings: &Settings, named: &[PathBuf], brief: bool) -> ExitCode {
    let entries = match check_sessions(paths, settings, named) {
        Ok(entries) => entries,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::FAILURE;
        }
    };
    if entries.is_empty() {
        eprintln!("no session files (*.{}) found", library::EXTENSION);
        return ExitCode::FAILURE;
    }
    let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let mut out = std::io::stdout().lock();
    let mut invalid = 0;
    for entry in &entries {
        invalid += usize::from(entry.outcome.is_err());
        for diagnostic in entry.diagnostics() {
            let text = if brief {
                format!("{}\n", diagnostic.headline())
            } else {
                diagnostic.render(&entry.source, color)
            };
            let _ = out.write_all(text.as_bytes());
        }
    }
    let summary = match invalid {
        0 => format!("{} session file(s) checked: all valid", entries.len()),
        _ => format!(
            "{} session file(s) checked: {invalid} invalid",
            entries.len()
        ),
    };
    let _ = writeln!(out, "{summary}");
    if invalid == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn list(paths: &Paths, settings: &Settings, presets: bool) -> ExitCode {
    let entries = match check_sessions(paths, settings, &[]) {
        Ok(entries) => entries,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::FAILURE;
        }
    };
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(session_table(&entries).as_bytes());
    for entry in entries.iter().filter(|entry| entry.outcome.is_err()) {
        eprintln!(
            "{}: not listed, it has problems (run `stillpoint validate` to see them)",
            entry.path.display()
        );
    }
    if presets {
        for (heading, presets) in [
            ("Environments", catalog::ENVIRONMENTS),
            ("Soundscapes", catalog::SOUNDSCAPES),
        ] {
            let _ = writeln!(out, "\n{heading}:");
            for preset in presets {
                let _ = writeln!(out, "  {:<18} {}", preset.id, preset.summary);
            }
        }
    }
    ExitCode::SUCCESS
}

fn spoken_prompts(paths: &Paths, settings: &Settings) -> Result<ExitCode, String> {
    let entries = check_sessions(paths, settings, &[])?;
    let mut out = std::io::stdout().lock();
    for checked in entries
        .iter()
        .filter_map(|entry| entry.outcome.as_ref().ok())
    {
        let session = &checked.session;
        for (text, clip) in crate::audio::voice::session_prompts(session) {
            let line = serde_json::json!({ "session": session.id, "text": text, "clip": clip });
            let _ = writeln!(out, "{line}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The table `stillpoint list` prints: one line per valid session, in file order.
pub fn session_table(entries: &[Entry]) -> String {
    let rows: Vec<[String; 4]> = entries
        .iter()
        .filter_map(|entry| entry.outcome.as_ref().ok())
        .map(|checked| {
            let session = &checked.session;
            [
                session.id.clone(),
                session.title.clone(),
                session.phase.label().to_owned(),
                format_length(session.expected_secs()),
            ]
        })
        .collect();
    let header = ["ID", "TITLE", "PHASE", "LENGTH"].map(str::to_owned);
    let widths: Vec<usize> = (0..4)
        .map(|column| {
            std::iter::once(&header)
                .chain(&rows)
                .map(|row| row[column].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut table = String::new();
    for row in std::iter::once(&header).chain(&rows) {
        let line = format!(
            "{:<w0$}  {:<w1$}  {:<w2$}  {}",
            row[0],
            row[1],
            row[2],
            row[3],
            w0 = widths[0],
            w1 = widths[1],
            w2 = widths[2]
        );
        table.push_str(line.trim_end());
        table.push('\n');
    }
    table
}

fn open_window(
    paths: Paths,
    settings: Settings,
    session: Option<String>,
    patient: Option<String>,
    resume: bool,
    window: WindowArgs,
) -> Result<ExitCode, String> {
    if let Some(code) = &patient {
        check_patient_code(code)?;
    }
    window.check_moment()?;
    let capture = window.capture()?;
    let bench = window.bench();
    crate::desktop_check::check_window_prerequisites()?;
    if let Some(bench) = bench.filter(|_| window.bare) {
        return Ok(launch::exit_code(crate::bench::bare_app(bench).run()));
    }
    // First, as it may start this program again (with the OpenXR loader linked): nothing is
    // said before it, so nothing is said twice.
    let headset = if window.desktop {
        Err("started with --desktop".to_owned())
    } else if capture.is_some() || bench.is_some() {
        Err("pictures and benchmarks are taken on the desktop".to_owned())
    } else {
        find_headset_loader()
    };
    let records = settings.records_folder();
    let (id, start) = if resume {
        let found = unfinished_records(&records, patient.as_deref())
            .into_iter()
            .find(|record| session.as_ref().is_none_or(|id| *id == record.script))
            .ok_or_else(|| {
                format!(
                    "there is no unfinished session record to resume in {}",
                    records.display()
                )
            })?;
        let start = SessionAction::ResumeRecord { path: found.path };
        (found.script, Some(start))
    } else {
        let id = session.unwrap_or_else(|| settings.default_session.clone());
        let start = patient.map(|patient| SessionAction::Start {
            patient,
            record: None,
        });
        if start.is_none() {
            announce_unfinished(&records);
        }
        (id, start)
    };
    let (script, _) = find_session(&paths, &settings, &id)?;
    let panel = if capture.is_some() {
        window.with_panel
    } else {
        !window.no_panel
    };
    Ok(launch::run_window(Launch {
        paths,
        settings,
        script,
        start,
        capture,
        bench,
        headset,
        panel,
        quit_after: window.quit_after,
        artwork_from: window.artwork_from,
    }))
}

fn report(
    settings: &Settings,
    patient: Option<String>,
    record: Option<PathBuf>,
    out: Option<PathBuf>,
) -> Result<ExitCode, String> {
    let records = match (&patient, &record) {
        (Some(code), _) => {
            check_patient_code(code)?;
            crate::report::patient_records(&settings.records_folder(), code)?
        }
        (None, Some(file)) => vec![file.clone()],
        (None, None) => return Err("give --patient CODE or --record FILE".to_owned()),
    };
    let (sessions, problems) = crate::report::summarise(&records);
    for problem in &problems {
        eprintln!("{problem}");
    }
    let Some(first) = sessions.first() else {
        return Err("there is no readable session record to report on".to_owned());
    };
    let code = patient.unwrap_or_else(|| first.patient.clone());
    let folder = out.unwrap_or_else(|| {
        let base = settings.reports_folder().join(&code);
        match record.as_ref().and_then(|file| file.file_stem()) {
            Some(stem) => base.join(stem),
            None => base,
        }
    });
    let written = crate::report::write(&folder, &code, &sessions)?;
    println!("Report: {}", written.page.display());
    for chart in &written.charts {
        println!("Chart:  {}", chart.display());
    }
    Ok(ExitCode::SUCCESS)
}

/// Whether the OpenXR loader can be opened (restarting this program with a link to the
/// versioned loader when only that is installed); the reason for desktop only if not.
fn find_headset_loader() -> Result<(), String> {
    use crate::xr::loader::{self, Loader};
    match loader::prepare(&loader::link_folder()) {
        Ok(Loader::Ready) => Ok(()),
        Ok(Loader::Missing) => {
            eprintln!("{}", loader::MISSING_MESSAGE);
            Err(loader::MISSING_MESSAGE.to_owned())
        }
        Ok(Loader::VersionedOnly(path)) => Err(format!(
            "the OpenXR loader {} could not be linked for use",
            path.display()
        )),
        Err(problem) => {
            eprintln!("{problem}; running on the desktop only");
            Err(problem)
        }
    }
}

/// Tells the therapist, once at start, about sessions that were interrupted.
fn announce_unfinished(records: &Path) {
    if let Some(record) = unfinished_records(records, None).first() {
        eprintln!(
            "An unfinished session was found: \"{}\" for {} (started {}, stopped in step {}). \
             Continue it with `stillpoint run --resume --patient {}`, or close it in the \
             panel with \"Close without resuming\".",
            record.script,
            record.patient,
            record.started_at,
            record.step + 1,
            record.patient
        );
    }
}

#[expect(
    clippy::too_many_arguments,
    reason = "one argument per command-line option"
)]
fn simulate(
    paths: &Paths,
    settings: &Settings,
    id: &str,
    actions: &[String],
    hz: f64,
    record: Option<PathBuf>,
    patient: String,
    auto_continue: f64,
    resume: bool,
    synthetic_paint: usize,
    artwork_from: Option<PathBuf>,
) -> Result<ExitCode, String> {
    check_patient_code(&patient)?;
    check_artwork_from(artwork_from.as_deref())?;
    let actions = actions
        .iter()
        .map(|action| crate::simulate::parse_timed_action(action))
        .collect::<Result<Vec<_>, _>>()?;
    if !(auto_continue.is_finite() && auto_continue >= 0.0) {
        return Err(format!(
            "--auto-continue {auto_continue} must be zero or more seconds"
        ));
    }
    let (_, checked) = find_session(paths, settings, id)?;
    let throwaway = ThrowawayRecord::new("simulation.jsonl")?;
    let record = record.unwrap_or_else(|| throwaway.path().to_owned());
    let simulation = crate::simulate::Simulation {
        script: checked,
        patient,
        actions,
        hz,
        record: record.clone(),
        resume,
        auto_continue_secs: auto_continue,
        synthetic_paint,
        artwork_from,
    };
    let outcome = crate::simulate::run(&simulation);
    // The record is printed even when the simulation could not finish: it shows why.
    if let Ok(text) = std::fs::read_to_string(&record) {
        let _ = std::io::stdout().lock().write_all(text.as_bytes());
    }
    let outcome = outcome?;
    eprintln!(
        "frames={} frame_us_p50={:.2} frame_us_p99={:.2}",
        outcome.frames, outcome.frame_us_p50, outcome.frame_us_p99
    );
    Ok(ExitCode::SUCCESS)
}

/// Refuses an `--artwork-from` that names no file.
fn check_artwork_from(path: Option<&Path>) -> Result<(), String> {
    match path {
        Some(path) if !path.is_file() => Err(format!(
            "--artwork-from {}: no such file; give a session record (.jsonl) or an artwork file (.artwork.json)",
            path.display()
        )),
        _ => Ok(()),
    }
}

fn export_audio(
    paths: &Paths,
    settings: &Settings,
    id: &str,
    out: &Path,
    sample_rate: u32,
) -> Result<ExitCode, String> {
    let (_, checked) = find_session(paths, settings, id)?;
    let script = checked;
    let started = std::time::Instant::now();
    let exported =
        crate::audio::export::export_wav(script, settings.audio, &paths.assets, sample_rate, out)?;
    let took = started.elapsed().as_secs_f64();
    println!(
        "wrote {}: {} of sound, peak {:.1} dBFS, rendered in {:.1} s ({:.0}x real time)",
        out.display(),
        format_length(exported.secs),
        20.0 * f64::from(exported.peak.max(1e-6)).log10(),
        took,
        exported.secs / took.max(1e-3),
    );
    Ok(ExitCode::SUCCESS)
}

/// The file of the session with `id`, checked; explains what is wrong when it cannot be used.
fn find_session(
    paths: &Paths,
    settings: &Settings,
    id: &str,
) -> Result<(PathBuf, SessionScript), String> {
    let entries = check_sessions(paths, settings, &[])?;
    for entry in entries.iter() {
        if let Ok(checked) = &entry.outcome
            && checked.session.id == id
        {
            return Ok((entry.path.clone(), checked.clone()));
        }
    }
    let broken = entries
        .iter()
        .find(|entry| file_stem(&entry.path) == id && entry.outcome.is_err());
    Err(match broken {
        Some(entry) => format!(
            "the session \"{id}\" has problems; run `stillpoint validate {}` to see them",
            entry.path.display()
        ),
        None => format!(
            "there is no session \"{id}\" in {} or {}; `stillpoint list` shows the sessions found",
            paths.sessions().display(),
            settings.clinic_sessions_folder().display()
        ),
    })
}

fn file_stem(path: &Path) -> &str {
    path.file_name()
        .and_then(|name| name.to_str())
        .and_then(|name| name.strip_suffix(&format!(".{}", library::EXTENSION)))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cli_definition_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }

    #[test]
    fn window_options_work_where_they_are_given_or_are_refused() {
        let parse = |args: &[&str]| {
            Cli::try_parse_from(std::iter::once("stillpoint").chain(args.iter().copied()))
        };
        let before_run = parse(&["--desktop", "run", "--session", "x"]).expect("parses");
        let problem = before_run.misplaced_window_options().expect("refused");
        assert!(problem.contains("after `run`"), "{problem}");
        let before_list = parse(&["--no-panel", "list"]).expect("parses");
        assert!(before_list.misplaced_window_options().is_some());
        let Ok(Cli {
            command: Some(Command::Run { window, .. }),
            ..
        }) = parse(&["run", "--session", "x", "--desktop"])
        else {
            panic!("`run --desktop` parses");
        };
        assert!(window.desktop);
        let alone = parse(&["--desktop"]).expect("parses");
        assert!(alone.window.desktop && alone.misplaced_window_options().is_none());
        assert!(parse(&["validate", "--screenshot", "a.png"]).is_err());
        for data in [
            &["--data", "/tmp/d", "list"][..],
            &["list", "--data", "/tmp/d"],
        ] {
            let cli = parse(data).expect("--data goes before or after the command");
            assert_eq!(cli.data.as_deref(), Some(Path::new("/tmp/d")));
            assert!(cli.misplaced_window_options().is_none());
        }
    }

    #[test]
    fn a_moment_beyond_any_session_is_refused_not_a_panic() {
        let moment = |at: &str| {
            let cli = Cli::try_parse_from([
                "stillpoint",
                "run",
                "--session",
                "x",
                "--screenshot",
                "a.png",
                &format!("--at={at}"),
            ])
            .expect("parses");
            let Some(Command::Run { window, .. }) = cli.command else {
                panic!("run");
            };
            window.check_moment()
        };
        assert!(moment("1e20").is_err_and(|problem| problem.contains("at most 86400")));
        assert!(moment("inf").is_err());
        assert!(moment("-0.5e-3").is_err() && moment("NaN").is_err());
        assert_eq!(moment("86400"), Ok(()));
    }

    #[test]
    fn developer_options_are_hidden_from_help_but_still_work() {
        use clap::CommandFactory;
        let mut command = Cli::command();
        let run = command.find_subcommand_mut("run").expect("run");
        let help = run.render_long_help().to_string();
        for hidden in ["--bench-frames", "--bare", "--thumbnail", "--quit-after"] {
            assert!(!help.contains(hidden), "{hidden} shows in `run --help`");
        }
        assert!(help.contains("--screenshot") && help.contains("--desktop"));
        let cli =
            Cli::try_parse_from(["stillpoint", "run", "--session", "x", "--bench-frames", "5"])
                .expect("a hidden option still parses");
        let Some(Command::Run { window, .. }) = cli.command else {
            panic!("run");
        };
        assert_eq!(window.bench_frames, Some(5));
    }
}
