//! `stillpoint voice list|make`: where the voice of every spoken text comes from, and the
//! synthetic voice making the clips that are missing, into the data folder.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::process::ExitCode;
use std::time::Instant;

use super::find_session;
use super::validate::check_sessions;
use crate::config::{Paths, Settings};
use crate::script::{Session, SessionScript, Step};
use crate::voice::synthetic::{SynthError, make_clip};
use crate::voice::wav::read_mono;
use crate::voice::{SpokenText, VoiceSource, VoiceStore, session_texts};

/// What `stillpoint voice` does.
#[derive(Debug, clap::Subcommand)]
pub enum VoiceCommand {
    /// Every spoken text of every session (or one), with where its voice comes from: the
    /// clinic's recording, the synthetic voice made here, the bundled voice, or none.
    List {
        /// Only this session (see `stillpoint list`).
        #[arg(long, value_name = "ID")]
        session: Option<String>,
    },
    /// Make the missing voices with the offline synthetic voice, into the data folder's
    /// voice/synthetic/ (needs the Debian packages festival and festvox-us-slt-hts).
    ///
    /// Texts the clinic recorded, and texts with a bundled voice, are left as they are.
    Make {
        /// Only this session (see `stillpoint list`).
        #[arg(long, value_name = "ID")]
        session: Option<String>,
        /// Make the synthetic clips that are already there again (never a clinic recording).
        #[arg(long)]
        force: bool,
    },
}

/// Longest text shown in full in the table; longer ones are cut with "…".
const SHOWN_CHARS: usize = 64;

pub(super) fn voice(
    paths: &Paths,
    settings: &Settings,
    action: VoiceCommand,
) -> Result<ExitCode, String> {
    let store = VoiceStore::new(&paths.assets, &settings.data_root());
    match action {
        VoiceCommand::List { session } => {
            let sessions = sessions(paths, settings, session.as_deref())?;
            print!("{}", voice_table(&store, &sessions));
            Ok(ExitCode::SUCCESS)
        }
        VoiceCommand::Make { session, force } => {
            let sessions = sessions(paths, settings, session.as_deref())?;
            Ok(make(&store, &sessions, force))
        }
    }
}

/// One session and whether it is the clinic's own.
struct Listed {
    script: SessionScript,
    clinic: bool,
}

/// The session asked for, or every valid one (bundled first, then the clinic's own).
fn sessions(paths: &Paths, settings: &Settings, id: Option<&str>) -> Result<Vec<Listed>, String> {
    let clinic_folder = settings.clinic_sessions_folder();
    if let Some(id) = id {
        let (path, script) = find_session(paths, settings, id)?;
        return Ok(vec![Listed {
            script,
            clinic: path.starts_with(&clinic_folder),
        }]);
    }
    let entries = check_sessions(paths, settings, &[])?;
    for entry in entries.iter().filter(|entry| entry.outcome.is_err()) {
        eprintln!(
            "{}: not listed, it has problems (run `stillpoint validate` to see them)",
            entry.path.display()
        );
    }
    Ok(entries
        .into_iter()
        .filter_map(|entry| {
            let clinic = entry.path.starts_with(&clinic_folder);
            entry.outcome.ok().map(|script| Listed { script, clinic })
        })
        .collect())
}

/// A narration or closing step's own recording (`audio:`), with its step.
fn recordings(session: &Session) -> impl Iterator<Item = (usize, &str, &str)> {
    session
        .steps
        .iter()
        .enumerate()
        .filter_map(|(index, step)| match step {
            Step::Narration(narration) => Some((index, &narration.text, &narration.audio)),
            Step::Closing(closing) => Some((index, &closing.text, &closing.audio)),
            _ => None,
        })
        .filter_map(|(index, text, audio)| Some((index, text.as_str(), audio.as_deref()?)))
}

/// Words cut to [`SHOWN_CHARS`] characters.
fn shown(text: &str) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= SHOWN_CHARS {
        return text;
    }
    let cut: String = text.chars().take(SHOWN_CHARS - 1).collect();
    format!("{}…", cut.trim_end())
}

/// The table `voice list` prints: per session, each step's spoken texts with their voice,
/// then the count of each source.
fn voice_table(store: &VoiceStore, sessions: &[Listed]) -> String {
    let mut table = String::from(
        "Where each spoken text's voice comes from. A recording the clinic made always wins; \
         then a clip made here by the synthetic voice; then the bundled voice.\n",
    );
    let mut counts = std::collections::BTreeMap::<VoiceSource, usize>::new();
    let mut recorded = 0;
    for Listed { script, clinic } in sessions {
        let session = &script.session;
        let whose = if *clinic { "the clinic's" } else { "bundled" };
        let _ = writeln!(table, "\n{} ({whose}): {}", session.id, session.title);
        let _ = writeln!(table, "  {:>4}  {:<28}  TEXT", "STEP", "VOICE");
        let mut rows: Vec<(usize, String, String)> = recordings(session)
            .map(|(index, text, audio)| {
                let voice = if store.recording(audio).is_file() {
                    recorded += 1;
                    format!("recording {audio}")
                } else {
                    *counts.entry(VoiceSource::None).or_default() += 1;
                    format!("no voice: {audio} is missing")
                };
                (index, voice, shown(text))
            })
            .collect();
        for SpokenText { text, key, step } in session_texts(session) {
            let (source, _) = store.find_key(&key);
            *counts.entry(source).or_default() += 1;
            rows.push((step, source.describe().to_owned(), shown(&text)));
        }
        rows.sort_by_key(|(step, _, _)| *step);
        for (step, voice, text) in rows {
            let _ = writeln!(table, "  {:>4}  {voice:<28}  {text}", step + 1);
        }
    }
    let mut summary: Vec<String> = counts
        .iter()
        .map(|(source, count)| format!("{count} {}", source.describe()))
        .collect();
    if recorded > 0 {
        summary.insert(0, format!("{recorded} step recording(s)"));
    }
    let _ = writeln!(table, "\nIn all: {}.", summary.join(", "));
    if let Some(missing) = counts.get(&VoiceSource::None) {
        let _ = writeln!(
            table,
            "{missing} text(s) have no voice and show as captions only: `stillpoint voice make` \
             speaks them with the synthetic voice, or the clinic records them."
        );
    }
    table
}

/// Makes the missing clips of `sessions` (each text once); prints each and the total.
fn make(store: &VoiceStore, sessions: &[Listed], force: bool) -> ExitCode {
    let mut seen = HashSet::new();
    let wanted: Vec<(String, SpokenText)> = sessions
        .iter()
        .flat_map(|listed| {
            let id = &listed.script.session.id;
            session_texts(&listed.script.session)
                .into_iter()
                .map(move |spoken| (id.clone(), spoken))
        })
        .filter(|(_, spoken)| seen.insert(spoken.key.clone()))
        .filter(|(_, spoken)| match store.find_key(&spoken.key).0 {
            VoiceSource::None => true,
            VoiceSource::Synthetic => force,
            VoiceSource::ClinicRecording | VoiceSource::Bundled => false,
        })
        .collect();
    if wanted.is_empty() {
        println!("Every spoken text already has a voice; nothing to make.");
        return ExitCode::SUCCESS;
    }
    println!(
        "Making {} clip(s) with the synthetic voice into {}",
        wanted.len(),
        store
            .synthetic("")
            .parent()
            .unwrap_or(&store.data_root)
            .display()
    );
    let started = Instant::now();
    let (mut made, mut speech, mut failed) = (0, 0.0, 0);
    for (id, spoken) in &wanted {
        let one = Instant::now();
        match make_clip(store, &spoken.text) {
            Ok(path) => {
                let seconds = read_mono(&path).map_or(0.0, |sound| sound.seconds());
                made += 1;
                speech += seconds;
                println!(
                    "  {seconds:5.1} s  {}  ({id}, step {}; made in {:.1} s)",
                    shown(&spoken.text),
                    spoken.step + 1,
                    one.elapsed().as_secs_f64()
                );
            }
            Err(error @ SynthError::NotInstalled(_)) => {
                eprintln!("{error}");
                return ExitCode::FAILURE;
            }
            Err(error) => {
                failed += 1;
                eprintln!("  {id}, step {}: {error}", spoken.step + 1);
            }
        }
    }
    let took = started.elapsed().as_secs_f64();
    println!(
        "Made {made} clip(s), {speech:.1} s of speech, in {took:.1} s ({:.2} s a clip).",
        took / f64::from(made.max(1))
    );
    if failed > 0 {
        eprintln!("{failed} clip(s) could not be made; their texts show as captions only.");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_texts_are_cut_to_fit_the_table() {
        assert_eq!(shown("  Settle\n  in. "), "Settle in.");
        let long = "word ".repeat(30);
        let cut = shown(&long);
        assert!(cut.chars().count() <= SHOWN_CHARS, "{cut}");
        assert!(cut.starts_with("word word") && cut.ends_with('…'), "{cut}");
    }
}
