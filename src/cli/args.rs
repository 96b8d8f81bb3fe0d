//! The command line's arguments: the commands, their options, and the window's options.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use super::voice::VoiceCommand;
use crate::bench::RenderBench;
use crate::capture::Capture;
use crate::session::SessionAction;

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
        /// answer:N (check-in 0-10, or the questionnaire item showing, 0 its first answer),
        /// item-back, confirm (send the questionnaire), acknowledge (the safety alert),
        /// choose:N (intention, or a voice note's board), stop-recording (the patient is
        /// done speaking a voice note), volume:BUS:LEVEL, posture:NAME. Repeatable,
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
        /// Voice-note steps hear this WAV file as the patient speaking into the microphone
        /// (from its start at each recording); without it the simulation has no microphone.
        #[arg(long, value_name = "FILE.wav")]
        voice_from: Option<PathBuf>,
    },
    /// Check session and questionnaire files and report every problem as
    /// `path:line:column: message`.
    ///
    /// Exits 0 when all files are valid (warnings allowed) and 1 otherwise.
    Validate {
        /// Files or folders to check. Default: every session and questionnaire, bundled
        /// (assets/sessions/, assets/instruments/) and the clinic's own (the data folder's
        /// sessions/ and instruments/).
        #[arg(value_name = "PATH")]
        paths: Vec<PathBuf>,
        /// One line per problem, without the excerpt of the file.
        #[arg(long)]
        brief: bool,
    },
    /// Check this computer for Stillpoint: the window, graphics, sound, headset, OpenXR
    /// loader and runtime, data folder, sessions and fonts.
    ///
    /// Each line is OK, WARN or FAIL with what to do. Opens Stillpoint's window for a moment
    /// (and the headset, when there is one). Exits 1 when anything fails.
    Doctor,
    /// List, export, import or delete a patient's records, paintings and reports.
    ///
    /// See docs/patient-data.md for backups, retention and deletion on request.
    Patient {
        /// What to do.
        #[command(subcommand)]
        action: PatientCommand,
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
        /// Write the report even when something must be left out of it (a record or lines
        /// of one that cannot be read, a painting's picture named outside its record's
        /// folder). What is left out is listed either way; without this nothing is written
        /// and the exit status is 1.
        #[arg(long)]
        allow_partial: bool,
    },
    /// Export a patient's questionnaires, check-ins and safety alerts for the clinic's
    /// records: a FHIR R4 Bundle and a CSV table of answers.
    ///
    /// Writes <DIR>/<patient>-fhir.json (a Bundle of type collection: the Patient, known
    /// only by the code, a QuestionnaireResponse per questionnaire answered, an Observation
    /// per total, check-in and safety alert) and <DIR>/<patient>-answers.csv (one row per
    /// answer), readable only by you. See docs/questionnaires.md.
    Export {
        /// The patient's pseudonymous code.
        #[arg(long, value_name = "CODE")]
        patient: String,
        /// What to write: fhir, csv, or both (repeat the option or separate with commas).
        #[arg(long, value_name = "FORMAT", value_enum, value_delimiter = ',',
              default_values_t = [ExportFormat::Fhir, ExportFormat::Csv])]
        format: Vec<ExportFormat>,
        /// The folder to write into (created if needed).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Write the export even when something must be left out of it (a record or lines
        /// of one that cannot be read). What is left out is listed either way; without
        /// this nothing is written and the exit status is 1.
        #[arg(long)]
        allow_partial: bool,
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
    /// Where the voice of every spoken text comes from, and making the missing ones.
    ///
    /// A recording the clinic made always wins; then a clip made here by the synthetic
    /// voice; then the bundled voice. Clips made here go into the data folder's voice/.
    Voice {
        /// What to do.
        #[command(subcommand)]
        action: VoiceCommand,
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

/// What `stillpoint export` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    /// A FHIR R4 Bundle (JSON).
    Fhir,
    /// A CSV table, one row per answer.
    Csv,
}

/// What `stillpoint patient` does.
#[derive(Debug, Subcommand)]
pub enum PatientCommand {
    /// Every patient code with the number of sessions, the last date and the space used.
    List {
        /// Also list the practice patient (PRACTICE), whose records are kept apart.
        #[arg(long)]
        include_practice: bool,
    },
    /// Write every record, painting and report of one patient into one archive (.tar.gz),
    /// for a backup or a transfer.
    Export {
        /// The patient's pseudonymous code.
        code: String,
        /// The archive to write.
        #[arg(long, value_name = "FILE.tar.gz")]
        out: PathBuf,
    },
    /// Restore a patient's files from an archive made by `patient export`: refused when the
    /// patient already has files here; one that fails leaves nothing behind.
    Import {
        /// The archive.
        archive: PathBuf,
    },
    /// Delete every record, painting, voice note and report of one patient, after the code
    /// is typed again. The deletion log keeps the code, the date and the number of files.
    Delete {
        /// The patient's pseudonymous code.
        code: String,
    },
}

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
    /// An action at a session time, as for `simulate` (e.g. --action 40=calm): with --at,
    /// on the way to that moment; otherwise in the running session when its clock gets there.
    #[arg(long = "action", value_name = "T=ACTION")]
    pub actions: Vec<String>,
    /// Render benchmark: render N frames of the session (from --at, if given) after a
    /// warm-up, print `frames=… frame_ms_p50=… frame_ms_p99=… frame_ms_max=… app_us_p50=…
    /// app_us_p99=… app_us_max=…` on standard error, then exit. With a session the line ends
    /// with what its scene draws: `scene=… scene_meshes=… scene_draws=… scene_triangles=…`.
    #[arg(long, value_name = "N", conflicts_with = "screenshot", hide = true)]
    pub bench_frames: Option<u32>,
    /// With --bench-frames: render a bare scene of one mesh and one light instead, for
    /// comparison.
    #[arg(long, requires = "bench_frames", hide = true)]
    pub bare: bool,
    /// With --bench-frames: measure each layer of the scene on its own (sky, land or
    /// water, hills and trees, ambient lights, caption, boards, pacer, veil, painting), N
    /// frames each, and print a table of their cost over an empty frame.
    #[arg(long, requires = "bench_frames", conflicts_with = "bare", hide = true)]
    pub bench_layers: bool,
    /// Look this many degrees up (0 to 90) in the desktop view, as a reclined patient's head
    /// would; the words and choices are placed for that gaze (with --screenshot and the
    /// render benchmark).
    #[arg(long, value_name = "DEG")]
    pub head_pitch: Option<f32>,
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
    /// Open as for a session, print what was found (graphics device, sound, headset) once
    /// the headset shows the scene or the desktop has drawn, then close (`stillpoint
    /// doctor` uses it).
    #[arg(long, conflicts_with_all = ["screenshot", "bench_frames"], hide = true)]
    pub probe: bool,
    /// Paint steps continue this earlier painting, to add to it or to look at it together:
    /// an artwork file, or a session record whose last painting is meant.
    #[arg(long, value_name = "PATH")]
    pub artwork_from: Option<PathBuf>,
    /// Record from this WAV file, played in as if spoken, instead of the microphone (for
    /// trying the Voice window on a computer without one, and for the tests).
    #[arg(long, value_name = "FILE.wav")]
    pub microphone_from: Option<PathBuf>,
    /// Open the Voice window on the session, to record the clinic's voice for its words.
    #[arg(long)]
    pub voice: bool,
    /// Open the Patients window at start (for pictures of it).
    #[arg(long, hide = true)]
    pub patients_window: bool,
    /// Start in practice mode: sessions for the practice patient, kept apart.
    #[arg(long)]
    pub practice: bool,
}

impl WindowArgs {
    /// Refuses a moment before the session's start, and an earlier painting that is not there.
    pub(super) fn check_moment(&self) -> Result<(), String> {
        super::simulate::check_artwork_from(self.artwork_from.as_deref())?;
        if let Some(secs) = self.quit_after
            && !(secs.is_finite() && secs >= 0.0)
        {
            return Err(format!("--quit-after {secs} must be zero or more seconds"));
        }
        if let Some(pitch) = self.head_pitch
            && !(0.0..=90.0).contains(&pitch)
        {
            return Err(format!(
                "--head-pitch {pitch} must be between 0 and 90 degrees (level to straight up)"
            ));
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

    /// The `--action`s, with their session times.
    pub(super) fn timed_actions(&self) -> Result<Vec<(f64, SessionAction)>, String> {
        self.actions
            .iter()
            .map(|action| crate::simulate::parse_timed_action(action))
            .collect()
    }

    /// The render benchmark asked for, if any.
    pub(super) fn bench(&self) -> Option<RenderBench> {
        self.bench_frames.map(|frames| RenderBench {
            frames,
            at: self.at,
            layers: self.bench_layers,
        })
    }

    /// The picture asked for, if any.
    pub(super) fn capture(&self) -> Result<Option<Capture>, String> {
        let Some(path) = &self.screenshot else {
            return Ok(None);
        };
        let actions = self.timed_actions()?;
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

#[cfg(test)]
mod tests {
    use std::path::Path;

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
        for hidden in [
            "--bench-frames",
            "--bare",
            "--thumbnail",
            "--quit-after",
            "--probe",
        ] {
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
