//! The Voice window, opened from the session library: every text a session speaks, where
//! its voice comes from, and for each Record (count-in, level meter, Stop), Listen, Redo,
//! Use synthetic and Delete. Takes are made and kept by the [`Recorder`]; the synthetic
//! voice is made on a background task; every change bumps [`VoiceRevision`] so a running
//! session reloads its clips.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;

use bevy::prelude::*;
use bevy::tasks::futures::check_ready;
use bevy::tasks::{AsyncComputeTaskPool, Task};
use bevy_egui::{EguiContexts, egui};

use super::intent::PanelIntent;
use super::recorder::{COUNT_IN_SECS, Outcome, Phase, Recorder};
use super::view::{BAD, GOOD, PanelState, WARN, scaled};
use crate::AppSystems;
use crate::audio::capture::SoundIn;
use crate::audio::preview::{PreviewStatus, PreviewVoice};
use crate::config::{Paths, Settings};
use crate::script::library::check_file;
use crate::script::validate::Context;
use crate::session::SessionRuntime;
use crate::voice::synthetic::make_clip;
use crate::voice::{SpokenText, VoiceRevision, VoiceSource, VoiceStore, session_texts};

/// How often the sources are looked at again while the window is open.
const LOOK_AGAIN: Duration = Duration::from_secs(2);
/// The level meter's range, dBFS: its left end and its right.
const METER_RANGE: (f32, f32) = (-60.0, 0.0);
/// Above this (dBFS) the meter turns amber: close to too loud.
const METER_LOUD: f32 = -6.0;
/// The tag of a synthetic voice: the panel's teal, lighter to read on the dark window.
const SYNTHETIC: egui::Color32 = egui::Color32::from_rgb(110, 190, 200);
/// The tag of a bundled voice: a quiet grey.
const BUNDLED: egui::Color32 = egui::Color32::from_gray(175);
/// The words of each text: light, to read at a glance.
const WORDS: egui::Color32 = egui::Color32::from_gray(225);

/// The Voice window: the session it shows, if it is open, and what it is waiting for.
#[derive(Resource, Default)]
pub struct VoiceWindow {
    opening: Option<PathBuf>,
    shown: Option<ShownSession>,
    confirm_delete: Option<String>,
    making: Vec<(String, Task<Result<PathBuf, String>>)>,
    notes: HashMap<String, (bool, String)>,
}

impl VoiceWindow {
    /// The window, opening on the session file at `path` (`stillpoint run --voice`).
    pub fn on(path: PathBuf) -> Self {
        Self {
            opening: Some(path),
            ..default()
        }
    }
}

/// The session the window shows: its texts and where each one's voice comes from.
struct ShownSession {
    title: String,
    texts: Vec<SpokenText>,
    sources: Vec<(VoiceSource, Option<PathBuf>)>,
    problem: Option<String>,
    looked: Option<(Duration, VoiceRevision)>,
}

/// What the therapist asked of a text in the window.
enum Ask {
    Record(String),
    Stop,
    Listen(Option<PathBuf>),
    UseSynthetic(usize),
    ConfirmDelete(String),
    Delete(String),
    KeepTake,
    Close,
}

/// The window, its recorder and the systems that drive them.
pub fn plugin(app: &mut App) {
    app.add_message::<PreviewVoice>()
        .init_resource::<VoiceWindow>()
        .init_resource::<Recorder>()
        .init_resource::<VoiceRevision>()
        .add_systems(Update, (open_window, record).in_set(AppSystems::Present))
        .add_systems(
            bevy_egui::EguiPrimaryContextPass,
            draw_window.after(super::layout::draw_panel),
        );
}

fn store(paths: &Paths, settings: Option<&Settings>) -> VoiceStore {
    VoiceStore::new(
        &paths.assets,
        &settings.map(Settings::data_root).unwrap_or_default(),
    )
}

/// Opens the window on the session the library asked for, reading its texts.
fn open_window(mut intents: MessageReader<PanelIntent>, mut window: ResMut<VoiceWindow>) {
    for intent in intents.read() {
        if let PanelIntent::Voice(path) = intent {
            window.opening = Some(path.clone());
        }
    }
    let Some(path) = window.opening.take() else {
        return;
    };
    let entry = check_file(&path, &Context::default());
    window.confirm_delete = None;
    window.shown = Some(match entry.outcome {
        Ok(checked) => ShownSession {
            title: checked.session.title.clone(),
            texts: session_texts(&checked.session),
            sources: Vec::new(),
            problem: None,
            looked: None,
        },
        Err(problems) => ShownSession {
            title: path.display().to_string(),
            texts: Vec::new(),
            sources: Vec::new(),
            problem: Some(format!(
                "This session file has problems, so its texts cannot be listed: {}",
                problems
                    .first()
                    .map(|problem| problem.headline())
                    .unwrap_or_default()
            )),
            looked: None,
        },
    });
}

/// Moves the take on by the frame's time, collects synthetic clips as they are made, and
/// looks at the sources again when they may have changed.
fn record(
    time: Res<Time<Real>>,
    paths: Res<Paths>,
    settings: Option<Res<Settings>>,
    mut window: ResMut<VoiceWindow>,
    mut recorder: ResMut<Recorder>,
    mut revision: ResMut<VoiceRevision>,
    sound_in: Option<ResMut<SoundIn>>,
    runtime: Res<SessionRuntime>,
) {
    let store = store(&paths, settings.as_deref());
    if let Some(mut sound_in) = sound_in {
        if runtime.is_under_way() {
            recorder.cancel(
                &mut sound_in,
                "the take was stopped because a session started, so that nothing of it is \
                 recorded.",
            );
        }
        recorder.advance(time.delta_secs_f64(), &mut sound_in, &store, &mut revision);
    }
    let mut made = Vec::new();
    window
        .making
        .retain_mut(|(key, task)| match check_ready(task) {
            Some(result) => {
                made.push((key.clone(), result));
                false
            }
            None => true,
        });
    for (key, result) in made {
        let note = match result {
            Ok(_) => {
                revision.bump();
                (
                    true,
                    "The synthetic voice speaks these words now.".to_owned(),
                )
            }
            Err(problem) => (
                false,
                format!("The synthetic voice could not be made: {problem}."),
            ),
        };
        window.notes.insert(key, note);
    }
    let now = time.elapsed();
    let current = *revision;
    if let Some(shown) = &mut window.shown {
        let stale = shown
            .looked
            .is_none_or(|(at, seen)| seen != current || now.saturating_sub(at) >= LOOK_AGAIN);
        if stale {
            shown.sources = shown
                .texts
                .iter()
                .map(|text| store.find_key(&text.key))
                .collect();
            shown.looked = Some((now, current));
        }
    }
}

/// Everything the window draws from and changes.
#[derive(bevy::ecs::system::SystemParam)]
struct VoiceParts<'w> {
    window: ResMut<'w, VoiceWindow>,
    recorder: ResMut<'w, Recorder>,
    revision: ResMut<'w, VoiceRevision>,
    sound_in: Option<ResMut<'w, SoundIn>>,
    preview: Option<Res<'w, PreviewStatus>>,
    listen: MessageWriter<'w, PreviewVoice>,
    runtime: Res<'w, SessionRuntime>,
    panel: Res<'w, PanelState>,
    paths: Res<'w, Paths>,
    settings: Option<Res<'w, Settings>>,
}

fn draw_window(mut contexts: EguiContexts, mut parts: VoiceParts) -> Result {
    if parts.window.shown.is_none() || !parts.panel.visible {
        return Ok(());
    }
    let ctx = contexts.ctx_mut()?.clone();
    let under_way = parts.runtime.is_under_way();
    let cannot_record = parts
        .sound_in
        .as_deref()
        .map_or(Some("No microphone.".to_owned()), |sound_in| {
            parts.recorder.refusal(sound_in, under_way)
        })
        .filter(|_| !parts.recorder.busy());
    let mut asked = Vec::new();
    let mut open = true;
    let title = parts
        .window
        .shown
        .as_ref()
        .map(|shown| shown.title.clone())
        .unwrap_or_default();
    egui::Window::new(format!("Voice — {title}"))
        .id(egui::Id::new("voice-window"))
        .open(&mut open)
        .collapsible(false)
        .resizable(true)
        .default_pos(egui::pos2(24.0, 24.0))
        .default_size(egui::vec2(820.0, 600.0))
        .show(&ctx, |ui| {
            ui.label(
                "Record your own voice for the words of this session. Your recording always \
                 wins over the synthetic and bundled voices, and follows the words wherever \
                 they appear. Changed words need a new recording.",
            );
            if let Some(reason) = &cannot_record {
                ui.colored_label(WARN, format!("⚠ {reason}"));
            }
            if let Some(problem) = parts.preview.as_ref().and_then(|p| p.problem.clone()) {
                ui.colored_label(WARN, format!("⚠ {problem}"));
            }
            ui.separator();
            egui::ScrollArea::vertical()
                .auto_shrink([false, false])
                .show(ui, |ui| {
                    rows(ui, &parts, cannot_record.is_some(), &mut asked);
                });
        });
    if !open {
        asked.push(Ask::Close);
    }
    apply(&mut parts, asked, under_way);
    Ok(())
}

/// One row per text: the words, the source's tag, what can be done.
fn rows(ui: &mut egui::Ui, parts: &VoiceParts, cannot_record: bool, asked: &mut Vec<Ask>) {
    let Some(shown) = &parts.window.shown else {
        return;
    };
    if let Some(problem) = &shown.problem {
        ui.colored_label(BAD, problem);
    }
    if shown.texts.is_empty() && shown.problem.is_none() {
        ui.label("This session speaks no texts: it has nothing to record.");
    }
    for (index, text) in shown.texts.iter().enumerate() {
        let (source, clip) = shown
            .sources
            .get(index)
            .cloned()
            .unwrap_or((VoiceSource::None, None));
        ui.horizontal(|ui| {
            ui.add_sized(
                egui::vec2(150.0, 20.0),
                egui::Label::new(source_tag(source)),
            );
            ui.add(egui::Label::new(egui::RichText::new(&text.text).color(WORDS)).wrap());
        });
        ui.horizontal(|ui| {
            ui.add_space(158.0);
            let recording_this = parts.recorder.key() == Some(text.key.as_str());
            if recording_this {
                take_under_way(ui, &parts.recorder, asked);
            } else {
                buttons(ui, parts, text, index, source, clip, cannot_record, asked);
            }
        });
        if let Some(note) = note_for(parts, &text.key) {
            ui.horizontal(|ui| {
                ui.add_space(158.0);
                ui.add(egui::Label::new(note).wrap());
            });
        }
        ui.separator();
    }
}

fn source_tag(source: VoiceSource) -> egui::RichText {
    let (words, colour) = match source {
        VoiceSource::ClinicRecording => ("Your recording", GOOD),
        VoiceSource::Synthetic => ("Synthetic voice", SYNTHETIC),
        VoiceSource::Bundled => ("Bundled voice", BUNDLED),
        VoiceSource::None => ("No voice", WARN),
    };
    egui::RichText::new(words).color(colour).strong()
}

#[allow(
    clippy::too_many_arguments,
    reason = "a row's buttons need the text, its place and its voice"
)]
fn buttons(
    ui: &mut egui::Ui,
    parts: &VoiceParts,
    text: &SpokenText,
    index: usize,
    source: VoiceSource,
    clip: Option<PathBuf>,
    cannot_record: bool,
    asked: &mut Vec<Ask>,
) {
    let recorded = source == VoiceSource::ClinicRecording;
    if parts.window.confirm_delete.as_deref() == Some(text.key.as_str()) {
        ui.colored_label(WARN, "Delete your recording of these words?");
        if ui.button("Delete").clicked() {
            asked.push(Ask::Delete(text.key.clone()));
        }
        if ui.button("Keep it").clicked() {
            asked.push(Ask::KeepTake);
        }
        return;
    }
    let record = if recorded { "Redo" } else { "Record" };
    if ui
        .add_enabled(!cannot_record, egui::Button::new(record))
        .clicked()
    {
        asked.push(Ask::Record(text.key.clone()));
    }
    let playing = parts
        .preview
        .as_ref()
        .is_some_and(|preview| preview.playing.is_some() && preview.playing == clip);
    let listen = if playing {
        "Stop listening"
    } else {
        "▶ Listen"
    };
    if let Some(clip) = clip.filter(|_| ui.button(listen).clicked()) {
        asked.push(Ask::Listen((!playing).then_some(clip)));
    }
    let making = parts.window.making.iter().any(|(key, _)| *key == text.key);
    if making {
        ui.spinner();
        ui.label("Making the synthetic voice…");
    } else if recorded {
        if ui.button("Use synthetic").clicked() {
            asked.push(Ask::UseSynthetic(index));
        }
        if ui.button("Delete…").clicked() {
            asked.push(Ask::ConfirmDelete(text.key.clone()));
        }
    }
}

/// The count-in, or the meter and Stop while the take is recorded.
fn take_under_way(ui: &mut egui::Ui, recorder: &Recorder, asked: &mut Vec<Ask>) {
    match recorder.phase() {
        Phase::CountIn(left) => {
            let number = left.ceil().clamp(1.0, COUNT_IN_SECS);
            ui.label(
                egui::RichText::new(format!("Recording in {number:.0}…"))
                    .size(scaled(ui, 22.0))
                    .color(WARN),
            );
            if ui.button("Cancel").clicked() {
                asked.push(Ask::Stop);
            }
        }
        Phase::Recording(seconds) => {
            ui.label(
                egui::RichText::new(format!("Recording  {seconds:.0} s"))
                    .size(scaled(ui, 20.0))
                    .color(BAD),
            );
            meter(ui, recorder.level_db());
            if ui
                .button(egui::RichText::new("Stop").size(scaled(ui, 18.0)))
                .clicked()
            {
                asked.push(Ask::Stop);
            }
        }
        Phase::Idle => {}
    }
}

/// The live level: a bar from -60 to 0 dBFS, green where speech belongs, amber near the top.
fn meter(ui: &mut egui::Ui, level_db: f32) {
    let (low, high) = METER_RANGE;
    let (rect, _) = ui.allocate_exact_size(
        egui::vec2(scaled(ui, 280.0), scaled(ui, 26.0)),
        egui::Sense::hover(),
    );
    let painter = ui.painter();
    painter.rect_filled(rect, 4.0, ui.visuals().extreme_bg_color);
    let fraction = ((level_db - low) / (high - low)).clamp(0.0, 1.0);
    let mut filled = rect;
    filled.set_width(rect.width() * fraction);
    let colour = if level_db > METER_LOUD { WARN } else { GOOD };
    painter.rect_filled(filled, 4.0, colour);
    painter.text(
        rect.right_center() - egui::vec2(6.0, 0.0),
        egui::Align2::RIGHT_CENTER,
        if level_db <= low {
            "silence".to_owned()
        } else if level_db > METER_LOUD {
            format!("⚠ loud  {level_db:.0} dB")
        } else {
            format!("{level_db:.0} dB")
        },
        egui::FontId::proportional(scaled(ui, 14.0)),
        egui::Color32::from_gray(230),
    );
}

/// What happened last to the text with `key`, in a colour that says whether it went well.
fn note_for(parts: &VoiceParts, key: &str) -> Option<egui::RichText> {
    let (good, words) = match parts.recorder.outcome(key) {
        Some(Outcome::Saved(seconds)) => (
            true,
            format!("Kept: {seconds:.1} s, brought to the level of the bundled voice."),
        ),
        Some(Outcome::Refused(reason)) => (false, format!("Not kept: {reason}")),
        None => parts.window.notes.get(key).cloned()?,
    };
    let (mark, colour) = if good { ("✔", GOOD) } else { ("⚠", BAD) };
    Some(egui::RichText::new(format!("{mark} {words}")).color(colour))
}

fn apply(parts: &mut VoiceParts, asked: Vec<Ask>, under_way: bool) {
    let store = store(&parts.paths, parts.settings.as_deref());
    for ask in asked {
        match ask {
            Ask::Record(key) => {
                parts.window.notes.remove(&key);
                let started = match parts.sound_in.as_deref() {
                    Some(sound_in) => parts.recorder.record(&key, sound_in, under_way),
                    None => Err("No microphone.".to_owned()),
                };
                if let Err(reason) = started {
                    parts.window.notes.insert(key, (false, reason));
                }
            }
            Ask::Stop => {
                if let Some(sound_in) = parts.sound_in.as_deref_mut() {
                    parts.recorder.stop(sound_in, &store, &mut parts.revision);
                }
            }
            Ask::Listen(clip) => {
                parts.listen.write(PreviewVoice(clip));
            }
            Ask::UseSynthetic(index) => use_synthetic(parts, &store, index),
            Ask::ConfirmDelete(key) => parts.window.confirm_delete = Some(key),
            Ask::KeepTake => parts.window.confirm_delete = None,
            Ask::Delete(key) => {
                parts.window.confirm_delete = None;
                let note = remove_take(&store, &key, &mut parts.revision)
                    .map(|()| "Your recording was deleted.".to_owned());
                parts
                    .window
                    .notes
                    .insert(key, (note.is_ok(), note.unwrap_or_else(|error| error)));
            }
            Ask::Close => {
                if let Some(sound_in) = parts.sound_in.as_deref_mut()
                    && parts.recorder.busy()
                {
                    parts.recorder.stop(sound_in, &store, &mut parts.revision);
                }
                parts.listen.write(PreviewVoice(None));
                parts.window.shown = None;
                parts.window.confirm_delete = None;
            }
        }
    }
}

/// Removes the clinic's take of the text at `index`; when nothing else voices it then, the
/// synthetic voice makes its clip on a background task.
fn use_synthetic(parts: &mut VoiceParts, store: &VoiceStore, index: usize) {
    let Some(text) = parts
        .window
        .shown
        .as_ref()
        .and_then(|shown| shown.texts.get(index))
        .cloned()
    else {
        return;
    };
    if let Err(error) = remove_take(store, &text.key, &mut parts.revision) {
        parts.window.notes.insert(text.key, (false, error));
        return;
    }
    if store.find_key(&text.key).0 != VoiceSource::None {
        parts
            .window
            .notes
            .insert(text.key, (true, "Your recording was removed.".to_owned()));
        return;
    }
    let (store, words) = (store.clone(), text.text.clone());
    let task = AsyncComputeTaskPool::get()
        .spawn(async move { make_clip(&store, &words).map_err(|error| error.to_string()) });
    parts.window.making.push((text.key, task));
}

/// Deletes the clinic's take of the text with `key`.
fn remove_take(store: &VoiceStore, key: &str, revision: &mut VoiceRevision) -> Result<(), String> {
    let path = store.clinic_recording(key);
    match std::fs::remove_file(&path) {
        Ok(()) => {
            revision.bump();
            Ok(())
        }
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(error) => Err(format!(
            "Your recording {} could not be removed: {error}.",
            path.display()
        )),
    }
}
