//! The painting of a paint step: opening the earlier one, autosaving beside the record,
//! and exporting it when the step ends. It lives in the session runtime as a [`PaintStep`]
//! and changes only through [`SessionAction::Paint`], like everything else.

use std::path::{Path, PathBuf};
use std::thread::JoinHandle;

use bevy::prelude::*;

use super::record::{EventKind, ReadRecord};
use super::{SessionAction, SessionRuntime};
use crate::AppSystems;
use crate::artwork::model::{Artwork, ArtworkFile, Rgb, Symmetry};
use crate::artwork::save::{self, ArtworkPaths};
use crate::artwork::{Canvas, PaintAction, file_name};
use crate::script::Paint;

/// Seconds between saves while the patient paints (and only when something changed).
pub const AUTOSAVE_SECS: f64 = 20.0;

/// An earlier painting (an artwork file, or a record whose last painting is meant) that the
/// next paint step opens, from `--artwork-from`.
#[derive(Resource, Debug, Clone, PartialEq, Eq)]
pub struct ArtworkToReopen(pub PathBuf);

/// The painting logic that runs headless: opening an earlier painting when asked, and
/// saving and finishing exports when the program closes.
pub fn plugin(app: &mut App) {
    app.add_systems(
        Update,
        reopen_when_painting_starts
            .run_if(resource_exists::<ArtworkToReopen>)
            .in_set(AppSystems::Input),
    )
    // After the window plugin's exit systems, which write `AppExit` in `Last` when the last
    // window closes: the desktop's loop stops right after that frame.
    .add_systems(Last, save_before_exit.in_set(crate::KeepBeforeExit));
}

/// When the program closes (the window, `--quit-after`), the painting under way is saved
/// and the exports under way finish, so closing loses nothing.
fn save_before_exit(mut exits: MessageReader<AppExit>, mut runtime: ResMut<SessionRuntime>) {
    if exits.read().last().is_some() {
        runtime.save_painting_now();
        runtime.wait_for_exports();
    }
}

/// Sends the `--artwork-from` painting into each paint step that starts empty.
fn reopen_when_painting_starts(
    runtime: Res<SessionRuntime>,
    reopen: Res<ArtworkToReopen>,
    mut opened_for: Local<Option<(PathBuf, usize)>>,
    mut actions: MessageWriter<SessionAction>,
) {
    let Some(painting) = runtime.painting() else {
        return;
    };
    let here = runtime.record_path();
    let already = opened_for
        .as_ref()
        .is_some_and(|(record, step)| Some(record.as_path()) == here && *step == painting.step());
    if already || !painting.canvas().artwork().strokes.is_empty() {
        return;
    }
    *opened_for = Some((
        here.map(Path::to_owned).unwrap_or_default(),
        painting.step(),
    ));
    actions.write(SessionAction::Paint(PaintAction::Reopen(reopen.0.clone())));
}

/// A save running in the background, and what the record will say when it is done.
#[derive(Debug)]
struct BackgroundSave {
    handle: JoinHandle<std::io::Result<()>>,
    event: EventKind,
    /// The canvas revision being written: saved once the write has reached the disk.
    revision: u64,
}

/// The painting of the paint step now showing, and its saving.
#[derive(Debug)]
pub struct PaintStep {
    canvas: Canvas,
    step: usize,
    patient: String,
    session: String,
    /// None when the session has no record to keep it beside.
    paths: Option<ArtworkPaths>,
    saved_revision: Option<u64>,
    last_save_secs: f64,
    saving: Option<BackgroundSave>,
    /// The last problem opening a painting.
    problem: Option<String>,
    /// Why the last save failed; cleared by the next save that succeeds.
    save_problem: Option<String>,
}

impl PaintStep {
    /// The painting of paint step `step`; continues the one already saved beside `record`
    /// (after a crash, or when the therapist went back to it). Returns what to record.
    pub fn begin(
        paint: &Paint,
        step: usize,
        record: Option<&Path>,
        patient: &str,
        session: &str,
        now: f64,
    ) -> (Self, Option<EventKind>) {
        let palette = paint
            .palette
            .iter()
            .flatten()
            .filter_map(|colour| Rgb::try_from(colour.clone()).ok())
            .collect();
        let mut painting = Self {
            canvas: Canvas::new(palette, Symmetry::new(paint.symmetry)),
            step,
            patient: patient.to_owned(),
            session: session.to_owned(),
            paths: record.map(|record| ArtworkPaths::beside(record, step)),
            saved_revision: None,
            last_save_secs: now,
            saving: None,
            problem: None,
            save_problem: None,
        };
        let existing = painting
            .paths
            .as_ref()
            .map(|paths| paths.artwork.clone())
            .filter(|path| path.exists());
        let event = existing.and_then(|path| match save::load(&path) {
            Ok(file) => {
                painting.canvas.open(file.artwork());
                painting.saved_revision = Some(painting.canvas.revision());
                info!("continuing the painting in {}", path.display());
                Some(EventKind::ArtworkOpened {
                    step,
                    from: file_name(&path),
                })
            }
            Err(problem) => {
                // Keep the unreadable file for inspection; painting starts afresh.
                let aside = path.with_extension("json.unreadable");
                let _ = std::fs::rename(&path, &aside);
                painting.note_problem(format!(
                    "the earlier painting could not be read ({problem}); it is kept as {}",
                    aside.display()
                ));
                None
            }
        });
        (painting, event)
    }

    /// The painting.
    pub fn canvas(&self) -> &Canvas {
        &self.canvas
    }

    /// The paint step's index, from 0.
    pub fn step(&self) -> usize {
        self.step
    }

    /// Where the painting is saved, when the session has a record.
    pub fn paths(&self) -> Option<&ArtworkPaths> {
        self.paths.as_ref()
    }

    /// The problem the panel shows: a save that failed (until one succeeds), else the last
    /// problem opening a painting.
    pub fn problem(&self) -> Option<&str> {
        self.save_problem.as_deref().or(self.problem.as_deref())
    }

    /// True when everything painted is saved.
    pub fn is_saved(&self) -> bool {
        self.saved_revision == Some(self.canvas.revision()) && self.canvas.active().is_none()
    }

    /// True while a save is being written in the background.
    pub fn is_saving(&self) -> bool {
        self.saving.is_some()
    }

    /// True when there is something to save: a change since the last save, except an empty
    /// canvas that was never saved (a painting cleared after saving is saved empty).
    fn needs_saving(&self) -> bool {
        let untouched = self.saved_revision.is_none() && self.canvas.point_count() == 0;
        !self.is_saved() && !untouched
    }

    /// Applies a painting action; returns what to record (opening an earlier painting).
    pub fn apply(&mut self, action: &PaintAction) -> Option<EventKind> {
        let PaintAction::Reopen(from) = action else {
            self.canvas.apply(action);
            return None;
        };
        let opened = if from.extension().is_some_and(|ending| ending == "jsonl") {
            latest_of_record(from)
        } else {
            save::load(from).map(|file| (from.clone(), file.artwork()))
        };
        match opened {
            Ok((path, artwork)) => {
                info!("opened the painting {}", path.display());
                self.canvas.open(artwork);
                Some(EventKind::ArtworkOpened {
                    step: self.step,
                    from: path.display().to_string(),
                })
            }
            Err(problem) => {
                self.note_problem(format!("the painting could not be opened: {problem}"));
                None
            }
        }
    }

    /// Starts a background save when [`AUTOSAVE_SECS`] have passed with changes; returns
    /// what to record when an earlier background save has finished.
    pub fn autosave(&mut self, now: f64) -> Option<EventKind> {
        let finished = self.collect_background_save(false);
        let due = now - self.last_save_secs >= AUTOSAVE_SECS;
        if due && self.saving.is_none() && self.needs_saving() {
            self.last_save_secs = now;
            if let Some((path, file, event)) = self.prepare_save() {
                let revision = self.canvas.revision();
                let handle = std::thread::Builder::new()
                    .name("artwork save".into())
                    .spawn(move || save::save(&path, &file()));
                match handle {
                    Ok(handle) => {
                        self.saving = Some(BackgroundSave {
                            handle,
                            event,
                            revision,
                        });
                    }
                    Err(error) => self.save_failed(&format!("cannot start saving: {error}")),
                }
            }
        }
        finished
    }

    /// Saves what is unsaved now (the stroke being painted included), waiting for it and
    /// for a background save under way; returns what to record.
    pub fn save_now(&mut self) -> Vec<EventKind> {
        let mut events: Vec<EventKind> = self.collect_background_save(true).into_iter().collect();
        if self.needs_saving()
            && let Some((path, file, event)) = self.prepare_save()
        {
            let revision = self.canvas.revision();
            match save::save(&path, &file()) {
                Ok(()) => {
                    self.saved(revision);
                    events.push(event);
                }
                Err(error) => self.save_failed(&format!("{}: {error}", path.display())),
            }
        }
        events
    }

    /// Ends the step: the stroke under way is finished and everything saved, waiting for
    /// it; the GLB and PNG exports start in the background, once the `earlier` exports still
    /// running have finished (Next, Back, Next exports one step twice: the newer painting
    /// must be the one that stays). Returns what to record, and the exports to wait for
    /// before the program exits.
    pub fn finish(mut self, earlier: Vec<JoinHandle<()>>) -> (Vec<EventKind>, Vec<JoinHandle<()>>) {
        self.canvas.apply(&PaintAction::Release);
        let events = self.save_now();
        let Some(paths) = self
            .paths
            .clone()
            .filter(|_| !self.canvas.artwork().strokes.is_empty())
        else {
            return (events, earlier);
        };
        let artwork = self.canvas.artwork().clone();
        (events, export_in_background(artwork, paths, earlier))
    }

    /// What a save now would write: the path, the file (built where the save runs), and the
    /// event for the record. The painting counts as saved only once the write succeeds.
    fn prepare_save(
        &mut self,
    ) -> Option<(
        PathBuf,
        impl FnOnce() -> ArtworkFile + Send + 'static,
        EventKind,
    )> {
        let path = self.paths.as_ref()?.artwork.clone();
        let artwork = self.canvas.snapshot();
        let event = EventKind::ArtworkSaved {
            step: self.step,
            file: file_name(&path),
            strokes: artwork.strokes.len(),
            points: artwork.point_count(),
        };
        let (patient, session, step) = (self.patient.clone(), self.session.clone(), self.step);
        let file = move || ArtworkFile::new(&artwork, &patient, &session, step);
        Some((path, file, event))
    }

    fn collect_background_save(&mut self, wait: bool) -> Option<EventKind> {
        let ready = self
            .saving
            .as_ref()
            .is_some_and(|saving| wait || saving.handle.is_finished());
        if !ready {
            return None;
        }
        let saving = self.saving.take()?;
        match saving.handle.join() {
            Ok(Ok(())) => {
                self.saved(saving.revision);
                return Some(saving.event);
            }
            Ok(Err(error)) => self.save_failed(&error.to_string()),
            Err(_) => self.save_failed("the saving thread stopped"),
        }
        None
    }

    /// A save reached the disk: the painting is saved as it was at `revision`, and an
    /// earlier failure no longer stands.
    fn saved(&mut self, revision: u64) {
        self.saved_revision = Some(revision);
        if self.save_problem.take().is_some() {
            info!("the painting is saved again");
        }
    }

    /// A save did not reach the disk: the painting stays unsaved, so the next autosave, the
    /// step's end or closing tries once more.
    fn save_failed(&mut self, why: &str) {
        let problem = format!("the painting could not be saved: {why}");
        if self.save_problem.as_ref() != Some(&problem) {
            error!("{problem}");
            self.save_problem = Some(problem);
        }
    }

    fn note_problem(&mut self, problem: String) {
        if self.problem.as_ref() != Some(&problem) {
            error!("{problem}");
            self.problem = Some(problem);
        }
    }
}

/// Writes the GLB and PNG exports of `artwork` on a thread of their own, once the `earlier`
/// exports have finished; returns the export to wait for before the program exits.
fn export_in_background(
    artwork: Artwork,
    paths: ArtworkPaths,
    earlier: Vec<JoinHandle<()>>,
) -> Vec<JoinHandle<()>> {
    let exporting = std::thread::Builder::new()
        .name("artwork export".into())
        .spawn(move || {
            for export in earlier {
                if export.join().is_err() {
                    error!("an earlier painting's export stopped unexpectedly");
                }
            }
            if let Err(error) = crate::artwork::export(&artwork, &paths) {
                error!("the painting could not be exported: {error}");
            }
        });
    match exporting {
        Ok(handle) => vec![handle],
        Err(error) => {
            error!("the painting could not be exported: {error}");
            Vec::new()
        }
    }
}

/// Exports again the painting of paint step `step` saved beside `record` when its GLB or
/// PNG is missing or older than the artwork file (the program stopped while they were
/// written); returns the export to wait for.
pub fn export_if_outdated(record: &Path, step: usize) -> Vec<JoinHandle<()>> {
    let paths = ArtworkPaths::beside(record, step);
    let modified = |path: &Path| {
        std::fs::metadata(path)
            .and_then(|meta| meta.modified())
            .ok()
    };
    let Some(saved) = modified(&paths.artwork) else {
        return Vec::new();
    };
    let current = [&paths.glb, &paths.png]
        .iter()
        .all(|export| modified(export).is_some_and(|exported| exported >= saved));
    if current {
        return Vec::new();
    }
    match save::load(&paths.artwork) {
        Ok(file) => {
            info!(
                "exporting {} again: its export was cut short",
                paths.artwork.display()
            );
            export_in_background(file.artwork(), paths, Vec::new())
        }
        Err(problem) => {
            error!("the painting could not be exported again: {problem}");
            Vec::new()
        }
    }
}

/// The artwork last saved by the session recorded at `record` (its last "artwork saved"
/// event), loaded.
pub fn latest_of_record(record: &Path) -> Result<(PathBuf, Artwork), String> {
    let shown = record.display();
    let read = ReadRecord::read(record)
        .map_err(|error| format!("cannot read the record {shown}: {error}"))?;
    let file = read
        .events
        .iter()
        .rev()
        .find_map(|event| match &event.kind {
            EventKind::ArtworkSaved { file, .. } => Some(file.clone()),
            _ => None,
        })
        .ok_or_else(|| format!("the record {shown} has no saved painting"))?;
    // A bare name only: an imported record must never open another patient's painting.
    let path = save::named_in(record.parent().unwrap_or(Path::new(".")), &file)
        .map_err(|problem| format!("the record {shown}: {problem}"))?;
    let loaded = save::load(&path)?;
    Ok((path, loaded.artwork()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_naming_a_painting_outside_its_folder_opens_nothing() {
        let dir = tempfile::tempdir().expect("temp dir");
        let other = dir.path().join("P-2/own.artwork.json");
        let record = dir.path().join("P-1/r.jsonl");
        let mut writer = crate::session::writer::RecordWriter::create(&record).expect("record");
        for file in ["../P-2/own.artwork.json", other.to_string_lossy().as_ref()] {
            writer
                .append(&crate::session::record::Event {
                    t: 1.0,
                    kind: EventKind::ArtworkSaved {
                        step: 0,
                        file: file.to_owned(),
                        strokes: 1,
                        points: 2,
                    },
                })
                .expect("written");
            let problem = latest_of_record(&record).expect_err("refused");
            assert!(problem.contains("is not the name of a file"), "{problem}");
        }
    }

    /// A paint step's painting, saved beside `record`.
    fn begin_beside(record: &Path) -> (PaintStep, Option<EventKind>) {
        let paint: Paint =
            crate::script::parse::parse_ron("p.ron", r#"(prompt: "Paint.", symmetry: 1)"#)
                .expect("a paint step");
        PaintStep::begin(&paint, 0, Some(record), "P-1", "s", 0.0)
    }

    /// A record path in `dir` whose folder is a file: nothing can be written beside it.
    fn record_in_blocked_folder(dir: &Path) -> PathBuf {
        let blocked = dir.join("P-1");
        std::fs::write(&blocked, b"").expect("a file where the folder should be");
        blocked.join("r.jsonl")
    }

    /// Paints one short stroke, `offset` metres above the canvas centre.
    fn one_stroke(painting: &mut PaintStep, offset: f32) {
        let at = crate::artwork::model::CANVAS_CENTRE + Vec3::Y * offset;
        painting.apply(&PaintAction::Press { at, pressure: 1.0 });
        painting.apply(&PaintAction::Drag {
            at: at + Vec3::X * 0.05,
            pressure: 1.0,
        });
        painting.apply(&PaintAction::Release);
    }

    #[test]
    fn a_save_that_fails_leaves_the_painting_unsaved_and_says_why() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let record = record_in_blocked_folder(dir.path());
        let (mut painting, opened) = begin_beside(&record);
        assert_eq!(opened, None);
        one_stroke(&mut painting, 0.0);
        assert!(
            painting.save_now().is_empty(),
            "nothing saved, nothing recorded"
        );
        assert!(!painting.is_saved(), "still unsaved, so it is tried again");
        let problem = painting.problem().expect("the panel can say why");
        assert!(problem.contains("could not be saved"), "{problem}");
    }

    /// Next, Back, Next: the step is exported twice, and the older export may still be
    /// running (here it is slow on purpose). The newer painting is the one that stays.
    #[test]
    fn a_newer_export_of_the_same_step_waits_for_the_older_one() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let record = dir.path().join("r.jsonl");
        let (mut painting, _) = begin_beside(&record);
        one_stroke(&mut painting, 0.0);
        let paths = ArtworkPaths::beside(&record, 0);
        let older = {
            let glb = paths.glb.clone();
            std::thread::spawn(move || {
                std::thread::sleep(std::time::Duration::from_millis(300));
                crate::private::write_atomically(&glb, |out| out.write_all(b"the older painting"))
                    .expect("writes");
            })
        };
        let (_, exports) = painting.finish(vec![older]);
        assert_eq!(
            exports.len(),
            1,
            "one export to wait for, which waits for the older"
        );
        for export in exports {
            export.join().expect("the export finishes");
        }
        // Had the older export not been waited for, it would write after this pause.
        std::thread::sleep(std::time::Duration::from_millis(500));
        let glb = std::fs::read(&paths.glb).expect("the GLB is there");
        assert!(glb.starts_with(b"glTF"), "the newer painting stays");
        assert!(paths.png.is_file());
    }

    #[test]
    fn a_painting_counts_as_saved_only_once_the_background_write_has_finished() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let record = dir.path().join("r.jsonl");
        let (mut painting, _) = begin_beside(&record);
        one_stroke(&mut painting, 0.0);
        assert_eq!(painting.autosave(AUTOSAVE_SECS + 1.0), None);
        assert!(painting.saving.is_some(), "a background save is under way");
        assert!(
            !painting.is_saved(),
            "not saved before the write has finished"
        );
        let mut recorded = None;
        for _ in 0..500 {
            recorded = painting.autosave(AUTOSAVE_SECS + 1.5);
            if recorded.is_some() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        assert!(matches!(recorded, Some(EventKind::ArtworkSaved { .. })));
        assert!(painting.is_saved());
    }

    #[test]
    fn a_save_that_succeeds_after_a_failure_clears_the_failure() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let record = record_in_blocked_folder(dir.path());
        let folder = record.parent().expect("its folder").to_path_buf();
        let (mut painting, _) = begin_beside(&record);
        one_stroke(&mut painting, 0.0);
        assert!(painting.save_now().is_empty());
        assert!(
            painting
                .problem()
                .is_some_and(|problem| problem.contains("could not be saved"))
        );
        // The disk is usable again (space freed, the folder restored).
        std::fs::remove_file(&folder).expect("removes");
        std::fs::create_dir(&folder).expect("makes the folder");
        one_stroke(&mut painting, 0.1);
        let events = painting.save_now();
        assert!(matches!(
            events.as_slice(),
            [EventKind::ArtworkSaved { .. }]
        ));
        assert!(painting.is_saved());
        assert_eq!(
            painting.problem(),
            None,
            "the panel no longer says it failed"
        );
    }
}
