//! The voice-note steps in the runtime: the recorder's takes saved beside the record, the
//! patient's choice after a take (keep, listen back, record again once), the note named in
//! the record when kept or the step passed without one, and the earlier notes a replay plays.

use std::path::Path;

use bevy::prelude::*;

use super::SessionRuntime;
use crate::exercises::voice_note::{self, AGAIN, DONE, KEEP, LISTEN, NotePhase, Take};
use crate::exercises::voice_note_replay::ReplayedNote;
use crate::exercises::{Detail, StepView};
use crate::script::{Step, VoiceNote};
use crate::session::record::{EventKind, ReadRecord, StepEnd};
use crate::session::voice_note::{earlier_notes, kept_steps, remove_unkept_takes, save_take};
use crate::voice::wav::MonoSound;

/// What the recorder needs to know while the patient may speak.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NoteRecording {
    /// The voice-note step, from 0.
    pub step: usize,
    /// Which recording of the step: 0, then 1 when the patient records again.
    pub attempt: u32,
    /// The longest the recording may last, seconds.
    pub max_secs: f64,
    /// Seconds of silence after speech that end it.
    pub silence_secs: f64,
    /// The patient said they are done: close the take now.
    pub stop_asked: bool,
    /// False while the session is paused: what the microphone hears is not part of the note.
    pub running: bool,
    /// Seconds the recording has been open (a recording reopened after Calm has less left).
    pub into: f64,
}

/// The words the therapist reads when a voice note cannot be recorded for want of a
/// microphone.
pub const NEEDS_A_MICROPHONE: &str = "Voice notes need a microphone";

impl SessionRuntime {
    /// The voice-note step showing while its recording is open (running, or paused).
    pub fn note_recording(&self) -> Option<NoteRecording> {
        let Some(Step::VoiceNote(step)) = self.step() else {
            return None;
        };
        let Some(Detail::VoiceNote {
            phase: NotePhase::Recording,
            seconds,
            ..
        }) = self.view.as_ref().map(|view| &view.detail)
        else {
            return None;
        };
        use super::SessionState::{Paused, Running};
        matches!(self.state, Running | Paused).then(|| NoteRecording {
            step: self.step,
            attempt: u32::from(self.note.recorded_again),
            max_secs: step.max_length.secs(),
            silence_secs: step.silence_ends_after.secs(),
            stop_asked: self.note.stop_asked,
            running: self.state == Running,
            into: *seconds,
        })
    }

    /// The patient's own voice that should be playing now, and seconds into it: a take
    /// played back, or an earlier note replayed.
    pub fn note_playing(&self) -> Option<(&Path, f64)> {
        match self.view.as_ref().map(|view| &view.detail)? {
            Detail::VoiceNote {
                phase: NotePhase::ListeningBack,
                seconds,
                ..
            } => Some((self.note_take.as_ref()?.path.as_path(), *seconds)),
            Detail::NoteReplay {
                index,
                playing_at: Some(at),
                ..
            } => Some((self.replay.get(*index)?.path.as_path(), *at)),
            _ => None,
        }
    }

    /// Why the last voice note could not be recorded, for the therapist, when it could not.
    pub fn voice_note_notice(&self) -> Option<&str> {
        self.note_notice.as_deref()
    }

    pub(super) fn voice_note_view(&self, step: &VoiceNote, elapsed: f64) -> StepView {
        voice_note::view(step, elapsed, &self.note)
    }

    pub(super) fn replay_view(&self, elapsed: f64) -> StepView {
        let notes: Vec<ReplayedNote> = self
            .replay
            .iter()
            .map(|note| ReplayedNote {
                seconds: note.seconds,
                prompt: note.prompt.clone(),
                date: note.date(),
            })
            .collect();
        crate::exercises::voice_note_replay::view(&notes, elapsed)
    }

    /// Sets up a voice-note or replay step being entered.
    pub(super) fn enter_voice_step(&mut self) {
        self.note = Default::default();
        self.note_take = None;
        self.replay.clear();
        if let Some(Step::VoiceNoteReplay(replay)) = self.step() {
            let limit = usize::try_from(replay.notes).unwrap_or(usize::MAX);
            self.replay = self
                .record_path()
                .map(|record| earlier_notes(record, limit))
                .unwrap_or_default();
            if self.replay.is_empty() {
                info!("no earlier voice notes of this patient to play back: the step passes");
            } else {
                info!("playing back {} earlier voice notes", self.replay.len());
            }
        }
    }

    /// Records how a voice-note step ended, when the patient's choice has not: a take still
    /// waiting is kept (a note is never lost to a skip), else the step passed without one.
    pub(super) fn finish_voice_step(&mut self, how: StepEnd) {
        if !matches!(self.step(), Some(Step::VoiceNote(_))) || self.note.ended.is_some() {
            return;
        }
        if self.note_take.is_some() {
            self.keep_take();
            return;
        }
        let reason = match how {
            StepEnd::TimedOut => "no sound came from the microphone",
            StepEnd::SessionEnded => "the session ended before a note was kept",
            _ => "the step was skipped before a note was kept",
        };
        self.pass_without_note(reason);
    }

    /// A resumed record: takes it left unkept are removed, and a voice-note step whose note
    /// it holds moves on without asking again.
    pub(super) fn resume_voice_step(&mut self, path: &Path, record: &ReadRecord) {
        remove_unkept_takes(path, record);
        if matches!(self.step(), Some(Step::VoiceNote(_)))
            && kept_steps(record).contains(&self.step)
        {
            info!("the voice note of this step is already kept: moving on");
            self.note.ended = Some((self.step_secs(), false));
        }
    }

    /// The recorder's take: saved beside the record, waiting for the patient's choice.
    pub(super) fn note_taken(&mut self, sound: &MonoSound, ignored: &dyn Fn(&str)) {
        if self.note_recording().is_none() {
            return ignored("no voice note is recording");
        }
        let Some(record) = self.record_path().map(Path::to_owned) else {
            return ignored("no record to keep the note beside");
        };
        match save_take(&record, self.step, sound) {
            Ok(Some(saved)) => {
                self.note.take = Some(Take {
                    seconds: saved.seconds,
                    at: self.step_secs(),
                });
                self.note_take = Some(saved);
            }
            Ok(None) => self.pass_without_note("nothing was said"),
            Err(problem) => {
                error!("{problem}");
                self.note_notice = Some(format!("The voice note was not saved: {problem}."));
                self.pass_without_note("the note could not be saved");
            }
        }
    }

    /// The recorder could not make a note: no microphone (the therapist is told), or
    /// nothing was said.
    pub(super) fn note_missed(
        &mut self,
        reason: &str,
        no_microphone: bool,
        ignored: &dyn Fn(&str),
    ) {
        if self.note_recording().is_none() {
            return ignored("no voice note is recording");
        }
        if no_microphone {
            let notice = format!("{NEEDS_A_MICROPHONE}: {reason}.");
            warn!("{notice}");
            self.note_notice = Some(notice);
            self.pass_without_note("no microphone");
        } else {
            self.pass_without_note(reason);
        }
    }

    /// The patient is done speaking (key, trigger or the Done board).
    pub(super) fn stop_recording(&mut self, ignored: &dyn Fn(&str)) {
        if self.note_recording().is_none() {
            return ignored("no voice note is recording");
        }
        self.note.stop_asked = true;
    }

    /// A choice on the voice note's board, by index.
    pub(super) fn choose_in_note(&mut self, index: u32, ignored: &dyn Fn(&str)) {
        let Some(Detail::VoiceNote { choices, .. }) = self.view.as_ref().map(|view| &view.detail)
        else {
            return ignored("no voice note is showing");
        };
        let Some(choice) = usize::try_from(index)
            .ok()
            .and_then(|index| choices.get(index))
        else {
            return ignored("there is no such choice");
        };
        match choice.as_str() {
            DONE => self.stop_recording(ignored),
            KEEP => self.keep_take(),
            LISTEN => self.note.listening_from = Some(self.step_secs()),
            AGAIN => self.record_again(),
            _ => ignored("there is no such choice"),
        }
    }

    fn keep_take(&mut self) {
        let Some(saved) = self.note_take.take() else {
            return;
        };
        let prompt = match self.step() {
            Some(Step::VoiceNote(step)) => step.prompt.clone(),
            _ => String::new(),
        };
        info!("voice note kept: {} ({:.1} s)", saved.file, saved.seconds);
        self.write(EventKind::VoiceNote {
            step: self.step,
            file: saved.file,
            seconds: (saved.seconds * 100.0).round() / 100.0,
            prompt,
        });
        self.note.take = None;
        self.note.ended = Some((self.step_secs(), true));
    }

    fn record_again(&mut self) {
        if let Some(rejected) = self.note_take.take() {
            remove_take(&rejected.path);
        }
        self.note = voice_note::NoteProgress {
            recording_from: Some(self.step_secs()),
            recorded_again: true,
            ..Default::default()
        };
    }

    fn pass_without_note(&mut self, reason: &str) {
        if let Some(unkept) = self.note_take.take() {
            remove_take(&unkept.path);
        }
        self.write(EventKind::VoiceNoteSkipped {
            step: self.step,
            reason: reason.to_owned(),
        });
        self.note.take = None;
        self.note.ended = Some((self.step_secs(), false));
    }
}

fn remove_take(path: &Path) {
    if let Err(error) = std::fs::remove_file(path) {
        warn!("could not remove the take {}: {error}", path.display());
    }
}
