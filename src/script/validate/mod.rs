//! Checks a parsed session for mistakes the format itself cannot catch: empty lists,
//! zero lengths, unsafe breathing rates, duplicate ids, unknown presets, missing audio.

use std::collections::HashSet;

mod audio;

use super::diagnostic::{Diagnostic, Location};
use super::duration::HumanDuration;
use super::model::*;
use super::outline::Outline;
use super::voice_note::{SettingProblem, replay_problems, voice_note_problems};
use crate::{catalog, limits};
pub use audio::RECORDINGS_FOLDER;
use audio::check_audio;

/// Safe limits for breathing pacers: slow enough to calm, never so slow or held so long
/// that it strains a frightened patient.
pub mod breathing_limits {
    /// Slowest whole breath rate, breaths per minute.
    pub const MIN_PER_MINUTE: f64 = 2.0;
    /// Fastest whole breath rate, breaths per minute; faster pacing can bring on
    /// over-breathing.
    pub const MAX_PER_MINUTE: f64 = 10.0;
    /// Shortest in- or out-breath, seconds.
    pub const MIN_BREATH_SECS: f64 = 2.0;
    /// Longest in- or out-breath, seconds.
    pub const MAX_BREATH_SECS: f64 = 12.0;
    /// Longest hold, seconds.
    pub const MAX_HOLD_SECS: f64 = 10.0;
}

/// Longest any single timed step may be.
const MAX_STEP: HumanDuration = HumanDuration::from_secs(3 * 60 * 60);
/// Captions longer than this are hard to read at 2 m in a headset.
const LONG_CAPTION_CHARS: usize = 320;

/// What validation needs to know besides the file itself.
#[derive(Clone, Debug)]
pub struct Context {
    /// The `assets/` folder audio paths are relative to; audio is not checked when absent.
    pub assets_dir: Option<std::path::PathBuf>,
    /// The clinic's data folder, whose `recordings/` a narration's `audio:` may name.
    pub data_root: Option<std::path::PathBuf>,
    /// The clinic's brightness ceiling, which colours in scripts must stay under.
    pub brightness_ceiling: f32,
    /// The ids of the questionnaires a session may use; not checked when absent.
    pub instruments: Option<std::collections::BTreeSet<String>>,
}

impl Default for Context {
    fn default() -> Self {
        Self {
            assets_dir: None,
            data_root: None,
            brightness_ceiling: limits::DEFAULT_BRIGHTNESS_CEILING,
            instruments: None,
        }
    }
}

/// Collects problems, locating them through the outline.
struct Checker<'a> {
    path: &'a str,
    source: &'a str,
    outline: Outline,
    found: Vec<Diagnostic>,
}

impl Checker<'_> {
    fn located(&self, bytes: Option<std::ops::Range<usize>>) -> Option<Location> {
        bytes.map(|bytes| Location::at_offset(self.source, bytes.start, bytes.len()))
    }

    fn session_problem(&mut self, field: &str, message: String, help: &str) {
        let location = self.located(self.outline.field(self.source, field));
        self.push(Diagnostic::error(self.path, location, message), help);
    }

    fn step_problem(
        &mut self,
        index: usize,
        step: &Step,
        field: &str,
        message: String,
        help: &str,
    ) {
        let bytes = self.outline.step_field(self.source, index, field);
        self.step_problem_at(bytes, index, step, message, help);
    }

    /// A problem with one text value of a step (a colour, a path, a choice), pointed at
    /// where that value is written.
    fn value_problem(
        &mut self,
        index: usize,
        step: &Step,
        field: &str,
        value: &str,
        message: String,
        help: &str,
    ) {
        let bytes = self.outline.step_text(self.source, index, field, value);
        self.step_problem_at(bytes, index, step, message, help);
    }

    fn step_problem_at(
        &mut self,
        bytes: Option<std::ops::Range<usize>>,
        index: usize,
        step: &Step,
        message: String,
        help: &str,
    ) {
        let location = self.located(bytes);
        let message = format!("step {} ({}): {message}", index + 1, step.kind());
        self.push(Diagnostic::error(self.path, location, message), help);
    }

    fn demote_last(&mut self) {
        if let Some(last) = self.found.pop() {
            self.found.push(last.as_warning());
        }
    }

    fn step_warning(
        &mut self,
        index: usize,
        step: &Step,
        field: &str,
        message: String,
        help: &str,
    ) {
        self.step_problem(index, step, field, message, help);
        self.demote_last();
    }

    fn push(&mut self, diagnostic: Diagnostic, help: &str) {
        self.found.push(if help.is_empty() {
            diagnostic
        } else {
            diagnostic.with_help(help)
        });
    }
}

/// Checks `session` (parsed from `source`) and returns every problem found, in file order.
pub fn check(path: &str, source: &str, session: &Session, context: &Context) -> Vec<Diagnostic> {
    let mut checker = Checker {
        path,
        source,
        outline: Outline::of(source),
        found: Vec::new(),
    };
    check_metadata(&mut checker, session);
    let mut check_in_ids = HashSet::new();
    for (index, step) in session.steps.iter().enumerate() {
        check_step(&mut checker, context, index, step, &mut check_in_ids);
        check_voice_step(&mut checker, session.phase, index, step);
    }
    let last = session.steps.len().saturating_sub(1);
    for (index, step) in session.steps.iter().enumerate() {
        if matches!(step, Step::Closing(_)) && index != last {
            checker.step_warning(
                index,
                step,
                "text",
                "a closing step ends the session, but more steps follow it".to_owned(),
                "move the closing step to the end",
            );
        }
    }
    let mut found = checker.found;
    found.sort_by_key(|diagnostic| {
        diagnostic
            .location
            .as_ref()
            .map_or((0, 0), |location| (location.line, location.column))
    });
    found
}

fn check_metadata(checker: &mut Checker, session: &Session) {
    if session.format != FORMAT_VERSION {
        checker.session_problem(
            "format",
            format!(
                "this file is written in format {}, but this version of Stillpoint reads format {FORMAT_VERSION}",
                session.format
            ),
            "update Stillpoint, or write `format: 1`",
        );
    }
    if !is_valid_id(&session.id) {
        checker.session_problem(
            "id",
            format!("the session id \"{}\" is not usable", session.id),
            "use lowercase letters, digits and hyphens, e.g. \"centering-before-dosing\"",
        );
    }
    if session.title.trim().is_empty() {
        checker.session_problem(
            "title",
            "the title is empty".to_owned(),
            "give the session a title the therapist will recognise",
        );
    }
    if catalog::find(catalog::ENVIRONMENTS, &session.environment).is_none() {
        let message = format!("there is no environment called \"{}\"", session.environment);
        let help = format!("choose one of {}", catalog::names(catalog::ENVIRONMENTS));
        checker.session_problem("environment", message, &help);
    }
    check_soundscape_name(checker, &session.soundscape, |checker, message, help| {
        checker.session_problem("soundscape", message, help);
    });
    if session.steps.is_empty() {
        checker.session_problem(
            "steps",
            "the session has no steps".to_owned(),
            "add at least one step, e.g. Narration(text: \"Welcome.\")",
        );
    }
}

fn check_soundscape_name(
    checker: &mut Checker,
    name: &str,
    report: impl FnOnce(&mut Checker, String, &str),
) {
    if catalog::find(catalog::SOUNDSCAPES, name).is_none() {
        let help = format!("choose one of {}", catalog::names(catalog::SOUNDSCAPES));
        report(
            checker,
            format!("there is no soundscape called \"{name}\""),
            &help,
        );
    }
}

fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit() || byte == b'-')
        && !id.starts_with('-')
        && !id.ends_with('-')
}

fn check_step(
    checker: &mut Checker,
    context: &Context,
    index: usize,
    step: &Step,
    check_in_ids: &mut HashSet<String>,
) {
    let length = |checker: &mut Checker, field: &str, value: Option<HumanDuration>| {
        check_length(checker, index, step, field, value);
    };
    match step {
        Step::Narration(narration) => {
            check_text(checker, index, step, "text", &narration.text);
            length(checker, "duration", narration.duration);
            check_audio(checker, context, index, step, narration.audio.as_deref());
        }
        Step::Breathing(breathing) => check_breathing(checker, index, step, breathing),
        Step::Grounding(grounding) => {
            length(checker, "per_prompt", Some(grounding.per_prompt));
            if let Some(prompts) = &grounding.prompts {
                check_list(checker, index, step, "prompts", prompts, 1);
            }
        }
        Step::BodyScan(scan) => {
            length(checker, "per_region", Some(scan.per_region));
            if scan.regions.is_empty() {
                checker.step_problem(
                    index,
                    step,
                    "regions",
                    "the body scan has no regions".to_owned(),
                    "list regions such as [Feet, Legs, Belly, Chest, Shoulders, Face]",
                );
            }
        }
        Step::CheckIn(check_in) => {
            if !is_valid_id(&check_in.id) {
                checker.step_problem(
                    index,
                    step,
                    "id",
                    format!("the check-in id \"{}\" is not usable", check_in.id),
                    "use lowercase letters, digits and hyphens, e.g. \"suds-before\"",
                );
            } else if !check_in_ids.insert(check_in.id.clone()) {
                checker.step_problem(
                    index,
                    step,
                    "id",
                    format!(
                        "the check-in id \"{}\" is used twice in this session",
                        check_in.id
                    ),
                    "give every check-in its own id, e.g. \"suds-before\" and \"suds-after\"",
                );
            }
            if let Scale::Custom {
                question,
                low,
                high,
            } = &check_in.scale
            {
                check_text(checker, index, step, "question", question);
                check_text(checker, index, step, "low", low);
                check_text(checker, index, step, "high", high);
            }
            length(checker, "timeout", check_in.timeout);
        }
        Step::Questionnaire(questionnaire) => {
            if let Some(known) = &context.instruments
                && !known.contains(&questionnaire.instrument)
            {
                let names: Vec<&str> = known.iter().map(String::as_str).collect();
                checker.step_problem(
                    index,
                    step,
                    "instrument",
                    format!("there is no questionnaire \"{}\"", questionnaire.instrument),
                    &format!(
                        "use one of: {} (or add a *.instrument.ron file: see docs/questionnaires.md)",
                        names.join(", ")
                    ),
                );
            }
        }
        Step::Intention(intention) => {
            check_text(checker, index, step, "prompt", &intention.prompt);
            if let IntentionAnswer::Choose(choices) = &intention.answer {
                check_list(checker, index, step, "answer", choices, 2);
                if choices.len() > 6 {
                    checker.step_problem(
                        index,
                        step,
                        "answer",
                        format!("{} choices are too many to take in calmly", choices.len()),
                        "offer two to six choices",
                    );
                }
            }
            length(checker, "timeout", intention.timeout);
        }
        Step::Rest(rest) => {
            length(checker, "duration", Some(rest.duration));
            if let Some(caption) = &rest.caption {
                check_text(checker, index, step, "caption", caption);
            }
            if let Some(soundscape) = &rest.soundscape {
                check_soundscape_name(checker, soundscape, |checker, message, help| {
                    checker.step_problem(index, step, "soundscape", message, help);
                });
            }
        }
        Step::WaitForTherapist(wait) => {
            if let Some(caption) = &wait.caption {
                check_text(checker, index, step, "caption", caption);
            }
        }
        Step::Paint(paint) => {
            check_text(checker, index, step, "prompt", &paint.prompt);
            length(checker, "duration", paint.duration);
            if let Some(palette) = &paint.palette {
                check_palette(checker, index, step, palette, context.brightness_ceiling);
            }
            if !(1..=12).contains(&paint.symmetry) {
                checker.step_problem(
                    index,
                    step,
                    "symmetry",
                    format!("symmetry {} is not available", paint.symmetry),
                    "use 1 for none, or 2 to 12 for a mirrored mandala",
                );
            }
        }
        Step::Reflection(reflection) => {
            check_text(checker, index, step, "prompt", &reflection.prompt);
            length(checker, "duration", reflection.duration);
        }
        Step::VoiceNote(note) => check_text(checker, index, step, "prompt", &note.prompt),
        Step::VoiceNoteReplay(_) => {}
        Step::Closing(closing) => {
            check_text(checker, index, step, "text", &closing.text);
            length(checker, "duration", Some(closing.duration));
            check_audio(checker, context, index, step, closing.audio.as_deref());
        }
    }
}

/// A voice note is an integration exercise: a patient before or during the dose is not
/// asked to speak into a recorder. Its lengths and a replay's count are held to their bounds.
fn check_voice_step(checker: &mut Checker, phase: Phase, index: usize, step: &Step) {
    let problems = match step {
        Step::VoiceNote(note) => {
            if phase != Phase::Integration {
                checker.step_problem(
                    index,
                    step,
                    "prompt",
                    format!(
                        "a voice note belongs in an integration session, not one {}",
                        phase.label()
                    ),
                    "move the step to an integration session, or use a Reflection step here",
                );
            }
            voice_note_problems(note)
        }
        Step::VoiceNoteReplay(replay) => replay_problems(replay),
        _ => return,
    };
    for SettingProblem {
        field,
        message,
        help,
    } in problems
    {
        checker.step_problem(index, step, field, message, &help);
    }
}

fn check_length(
    checker: &mut Checker,
    index: usize,
    step: &Step,
    field: &str,
    value: Option<HumanDuration>,
) {
    let Some(value) = value else { return };
    if value.0.is_zero() {
        checker.step_problem(
            index,
            step,
            field,
            format!("`{field}` is zero; a step needs some time"),
            "give a length such as \"30s\" or \"2m\"",
        );
    } else if value > MAX_STEP {
        checker.step_problem(
            index,
            step,
            field,
            format!("`{field}` is {value}, longer than any step should be"),
            "keep single steps under 3 hours",
        );
    }
}

fn check_text(checker: &mut Checker, index: usize, step: &Step, field: &str, text: &str) {
    if text.trim().is_empty() {
        checker.step_problem(
            index,
            step,
            field,
            format!("`{field}` is empty"),
            "write the words the patient will see",
        );
    } else if text.chars().count() > LONG_CAPTION_CHARS {
        checker.step_warning(
            index,
            step,
            field,
            format!(
                "`{field}` is {} characters long; long captions are hard to read in a headset",
                text.chars().count()
            ),
            "split it into two narration steps",
        );
    }
}

fn check_list(
    checker: &mut Checker,
    index: usize,
    step: &Step,
    field: &str,
    items: &[String],
    minimum: usize,
) {
    if items.len() < minimum {
        let message = match minimum {
            1 => format!("`{field}` is empty"),
            _ => format!(
                "`{field}` needs at least {minimum} entries, found {}",
                items.len()
            ),
        };
        checker.step_problem(index, step, field, message, "");
        return;
    }
    let mut seen = HashSet::new();
    for item in items {
        if item.trim().is_empty() {
            let message = format!("`{field}` has an empty entry");
            checker.value_problem(index, step, field, item, message, "");
        } else if !seen.insert(item.trim()) {
            let message = format!("`{field}` lists \"{item}\" twice");
            checker.value_problem(index, step, field, item, message, "");
        } else {
            check_text(checker, index, step, field, item);
        }
    }
}

fn check_palette(
    checker: &mut Checker,
    index: usize,
    step: &Step,
    palette: &[String],
    brightness_ceiling: f32,
) {
    if palette.is_empty() {
        checker.step_problem(
            index,
            step,
            "palette",
            "the palette is empty".to_owned(),
            "list colours like [\"#f2c6a0\", \"#8fb8de\"], or leave the palette out",
        );
    }
    for colour in palette {
        let Some([red, green, blue]) = parse_hex_colour(colour) else {
            checker.value_problem(
                index,
                step,
                "palette",
                colour,
                format!("\"{colour}\" is not a colour"),
                "write colours as \"#rrggbb\", e.g. \"#8fb8de\"",
            );
            continue;
        };
        let light = limits::Animation {
            what: format!("the colour \"{colour}\""),
            cycle_secs: f32::INFINITY,
            peak: bevy::color::Color::srgb_u8(red, green, blue),
        };
        if let Err(violation) = limits::check(&light, brightness_ceiling) {
            checker.value_problem(
                index,
                step,
                "palette",
                colour,
                violation.to_string(),
                "choose a softer colour; light ribbons glow, e.g. \"#f2e6d8\" instead of white",
            );
        }
    }
}

/// Parses `"#rrggbb"` into 0–255 channels.
pub fn parse_hex_colour(text: &str) -> Option<[u8; 3]> {
    let digits = text.strip_prefix('#')?;
    if digits.len() != 6 || !digits.is_ascii() {
        return None;
    }
    let channel = |at: usize| u8::from_str_radix(&digits[at..at + 2], 16).ok();
    Some([channel(0)?, channel(2)?, channel(4)?])
}

fn check_breathing(checker: &mut Checker, index: usize, step: &Step, breathing: &Breathing) {
    use breathing_limits::*;
    match (breathing.duration, breathing.cycles) {
        (Some(_), Some(_)) => checker.step_problem(
            index,
            step,
            "cycles",
            "both `duration` and `cycles` are given".to_owned(),
            "keep one: breathe for a time, or for a number of breaths",
        ),
        (None, None) => checker.step_problem(
            index,
            step,
            "pattern",
            "the step does not say how long to breathe".to_owned(),
            "add `duration: \"3m\"` or `cycles: 12`",
        ),
        (Some(duration), None) => {
            check_length(checker, index, step, "duration", Some(duration));
        }
        (None, Some(0)) => checker.step_problem(
            index,
            step,
            "cycles",
            "`cycles` is zero".to_owned(),
            "breathe for at least one cycle",
        ),
        (None, Some(_)) => {}
    }
    if let Some(caption) = &breathing.caption {
        check_text(checker, index, step, "caption", caption);
    }
    if let BreathingPattern::Resonance { breaths_per_minute } = breathing.pattern {
        let rate = f64::from(breaths_per_minute);
        if !(3.0..=MAX_PER_MINUTE).contains(&rate) {
            checker.step_problem(
                index,
                step,
                "breaths_per_minute",
                format!("{breaths_per_minute} breaths per minute is outside the safe range"),
                "resonance breathing uses 3 to 10 breaths per minute; 6 is typical",
            );
        }
        return;
    }
    let timings = breathing.pattern.timings();
    // Box breathing has one length for every part; custom rhythms name each part.
    let pattern_field = match breathing.pattern {
        BreathingPattern::Box { .. } => "side",
        _ => "pattern",
    };
    let field_for = |part: &'static str| match pattern_field {
        "pattern" => part,
        other => other,
    };
    for (name, secs) in [("inhale", timings.inhale), ("exhale", timings.exhale)] {
        if !(MIN_BREATH_SECS..=MAX_BREATH_SECS).contains(&secs) {
            let message = format!("a {secs}s {name} is outside the safe range");
            let help =
                format!("keep each {name} between {MIN_BREATH_SECS}s and {MAX_BREATH_SECS}s");
            checker.step_problem(index, step, field_for(name), message, &help);
        }
    }
    for (name, secs) in [("hold_in", timings.hold_in), ("hold_out", timings.hold_out)] {
        if secs > MAX_HOLD_SECS {
            let message = format!("a {secs}s hold is longer than is comfortable");
            let help = format!("keep holds at or under {MAX_HOLD_SECS}s");
            checker.step_problem(index, step, field_for(name), message, &help);
        }
    }
    let per_minute = 60.0 / timings.cycle();
    if !(MIN_PER_MINUTE..=MAX_PER_MINUTE).contains(&per_minute) {
        checker.step_problem(
            index,
            step,
            pattern_field,
            format!("this rhythm paces {per_minute:.1} breaths per minute, outside the safe range"),
            &format!("a whole breath should take between 6s and 30s ({MIN_PER_MINUTE} to {MAX_PER_MINUTE} per minute)"),
        );
    }
}
