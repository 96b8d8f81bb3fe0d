//! What a therapist wants to know about one session, read from its record.

use std::path::{Path, PathBuf};

use crate::script::Phase;
use crate::session::record::{EndReason, EventKind, ReadRecord, StepEnd};

/// A stretch of a session: a pause or a calm moment.
#[derive(Clone, Debug, PartialEq)]
pub struct Stretch {
    /// Session time it began, seconds.
    pub from: f64,
    /// How long it lasted, seconds; `None` when the record stops during it.
    pub secs: Option<f64>,
}

/// One check-in answer.
#[derive(Clone, Debug, PartialEq)]
pub struct Answer {
    /// The check-in's id from the script.
    pub id: String,
    /// 0–10, or `None` for no answer.
    pub value: Option<u32>,
    /// Session time it was given (or the check-in ended), seconds.
    pub at: f64,
}

/// How a record ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The session ended normally or by the therapist.
    Ended(EndReason),
    /// The record stops mid-session (a crash or a closed window).
    Unfinished,
}

/// One session, summarised from its record.
#[derive(Clone, Debug, PartialEq)]
pub struct SessionSummary {
    /// The record file.
    pub record: PathBuf,
    /// The session's script id.
    pub script: String,
    /// The session's title.
    pub title: String,
    /// Where it belongs in the course, when the record says.
    pub phase: Option<Phase>,
    /// The patient's code.
    pub patient: String,
    /// Wall-clock start, RFC 3339 UTC.
    pub started_at: String,
    /// Session time of the last event, seconds.
    pub duration_secs: f64,
    /// Steps in the script.
    pub steps_total: usize,
    /// Distinct steps that ran their course (or were continued by the therapist).
    pub steps_completed: usize,
    /// Distinct steps the therapist skipped.
    pub steps_skipped: usize,
    /// Pauses, in order.
    pub pauses: Vec<Stretch>,
    /// Calm moments, in order.
    pub calm: Vec<Stretch>,
    /// Times the headset's runtime stopped, each until it came back.
    pub headset_gaps: Vec<Stretch>,
    /// Check-in answers, in order.
    pub answers: Vec<Answer>,
    /// The intention chosen, if one was.
    pub intention: Option<String>,
    /// Times the session was picked up after an interruption.
    pub resumptions: usize,
    /// The paintings saved, the last save of each paint step, in step order.
    pub artworks: Vec<SavedPainting>,
    /// The voice notes the patient kept, in the order they were spoken; a file named twice
    /// (a note recorded again) once, as its later line says.
    pub voice_notes: Vec<KeptVoiceNote>,
    /// Questionnaires left before their answers were sent: the instrument and how many
    /// items were answered.
    pub questionnaires_abandoned: Vec<(String, usize)>,
    /// How the record ends.
    pub outcome: Outcome,
    /// Lines that could not be read (1-based), e.g. one cut off by a crash.
    pub damaged_lines: Vec<usize>,
}

impl SessionSummary {
    /// Reads and summarises a record; `None` when it does not start like a session record.
    pub fn read(path: &Path) -> std::io::Result<Option<Self>> {
        Ok(Self::from_record(path, &ReadRecord::read(path)?))
    }

    /// Summarises a record already read.
    pub fn from_record(path: &Path, record: &ReadRecord) -> Option<Self> {
        let Some(EventKind::SessionStarted {
            script,
            title,
            phase,
            patient,
            started_at,
            steps,
            ..
        }) = record.start()
        else {
            return None;
        };
        let mut summary = Self {
            record: path.to_owned(),
            script: script.clone(),
            title: title.clone(),
            phase: *phase,
            patient: patient.clone(),
            started_at: started_at.clone(),
            duration_secs: record.last_t(),
            steps_total: *steps,
            steps_completed: 0,
            steps_skipped: 0,
            pauses: Vec::new(),
            calm: Vec::new(),
            headset_gaps: Vec::new(),
            answers: Vec::new(),
            intention: None,
            resumptions: 0,
            artworks: Vec::new(),
            voice_notes: Vec::new(),
            questionnaires_abandoned: record
                .left_questionnaires()
                .iter()
                .map(|left| (left.instrument.to_owned(), left.answers.len()))
                .collect(),
            outcome: Outcome::Unfinished,
            damaged_lines: record.damaged_lines.clone(),
        };
        let mut completed = std::collections::BTreeSet::new();
        let mut skipped = std::collections::BTreeSet::new();
        for event in &record.events {
            let t = event.t;
            match &event.kind {
                EventKind::StepFinished { step, how, .. } => match how {
                    StepEnd::Completed
                    | StepEnd::TimedOut
                    | StepEnd::Continued
                    | StepEnd::AutoContinued => {
                        completed.insert(*step);
                    }
                    StepEnd::Skipped => {
                        skipped.insert(*step);
                    }
                    StepEnd::WentBack | StepEnd::SessionEnded => {}
                },
                EventKind::Paused => summary.pauses.push(Stretch {
                    from: t,
                    secs: None,
                }),
                EventKind::Resumed => close_last(&mut summary.pauses, t),
                EventKind::CalmOn => summary.calm.push(Stretch {
                    from: t,
                    secs: None,
                }),
                EventKind::CalmOff => close_last(&mut summary.calm, t),
                EventKind::HeadsetLost => summary.headset_gaps.push(Stretch {
                    from: t,
                    secs: None,
                }),
                EventKind::HeadsetBack => close_last(&mut summary.headset_gaps, t),
                EventKind::CheckIn { id, value } => summary.answers.push(Answer {
                    id: id.clone(),
                    value: *value,
                    at: t,
                }),
                EventKind::IntentionChosen { choice } => {
                    if choice.is_some() {
                        summary.intention.clone_from(choice);
                    }
                }
                EventKind::SessionResumed { .. } => summary.resumptions += 1,
                EventKind::ArtworkSaved {
                    step,
                    file,
                    strokes,
                    points,
                } => {
                    let saved = SavedPainting {
                        step: *step,
                        file: file.clone(),
                        strokes: *strokes,
                        points: *points,
                    };
                    match summary
                        .artworks
                        .iter_mut()
                        .find(|known| known.step == *step)
                    {
                        Some(known) => *known = saved,
                        None => summary.artworks.push(saved),
                    }
                }
                EventKind::VoiceNote {
                    step,
                    file,
                    seconds,
                    prompt,
                } => {
                    let kept = KeptVoiceNote {
                        step: *step,
                        file: file.clone(),
                        seconds: *seconds,
                        prompt: prompt.clone(),
                        at: t,
                    };
                    // A file named again holds the later take only (a note recorded again).
                    match summary
                        .voice_notes
                        .iter_mut()
                        .find(|known| known.file == *file)
                    {
                        Some(known) => *known = kept,
                        None => summary.voice_notes.push(kept),
                    }
                }
                EventKind::SessionEnded { reason } => summary.outcome = Outcome::Ended(*reason),
                EventKind::SessionStarted { .. }
                | EventKind::StepEntered { .. }
                | EventKind::VolumeSet { .. }
                | EventKind::PostureSet { .. }
                | EventKind::Questionnaire { .. }
                | EventKind::QuestionnaireProgress { .. }
                | EventKind::QuestionnaireAbandoned { .. }
                | EventKind::SafetyAlert { .. }
                | EventKind::SafetyAcknowledged { .. }
                | EventKind::ArtworkOpened { .. }
                | EventKind::VoiceNoteSkipped { .. } => {}
            }
        }
        // A step skipped once but completed later counts as completed.
        summary.steps_skipped = skipped.difference(&completed).count();
        summary.steps_completed = completed.len();
        summary.artworks.sort_by_key(|painting| painting.step);
        Some(summary)
    }

    /// The calendar day the session started, `YYYY-MM-DD`.
    pub fn date(&self) -> &str {
        self.started_at.get(..10).unwrap_or(&self.started_at)
    }

    /// The last answer given to check-in `id` (a check-in revisited with Back and then left
    /// unanswered keeps its earlier answer).
    pub fn answer(&self, id: &str) -> Option<u32> {
        self.answers
            .iter()
            .rev()
            .filter(|answer| answer.id == id)
            .find_map(|answer| answer.value)
    }
}

/// A painting a session saved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SavedPainting {
    /// The paint step, from 0.
    pub step: usize,
    /// The artwork file's name, in the record's folder.
    pub file: String,
    /// Its strokes.
    pub strokes: usize,
    /// Its points.
    pub points: usize,
}

/// A voice note a session kept.
#[derive(Clone, Debug, PartialEq)]
pub struct KeptVoiceNote {
    /// The voice-note step, from 0.
    pub step: usize,
    /// The sound file's name, in the record's folder.
    pub file: String,
    /// Seconds it lasts.
    pub seconds: f64,
    /// The prompt the patient answered.
    pub prompt: String,
    /// Session time it was kept.
    pub at: f64,
}

/// Ends the last open stretch at `t`.
fn close_last(stretches: &mut [Stretch], t: f64) {
    if let Some(last) = stretches.last_mut()
        && last.secs.is_none()
    {
        last.secs = Some((t - last.from).max(0.0));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::record::Event;

    fn record(lines: &[(f64, EventKind)]) -> ReadRecord {
        ReadRecord {
            events: lines
                .iter()
                .map(|(t, kind)| Event {
                    t: *t,
                    kind: kind.clone(),
                })
                .collect(),
            damaged_lines: vec![9],
        }
    }

    #[test]
    fn pauses_calm_answers_and_steps_are_counted() {
        let finished = |step, how| EventKind::StepFinished {
            step,
            kind: "Rest".into(),
            how,
        };
        let read = record(&[
            (
                0.0,
                EventKind::SessionStarted {
                    script: "s".into(),
                    title: "S".into(),
                    phase: Some(Phase::BeforeDosing),
                    sha256: String::new(),
                    patient: "P-1".into(),
                    started_at: "2026-11-02T09:00:00Z".into(),
                    steps: 4,
                },
            ),
            (5.0, EventKind::Paused),
            (35.0, EventKind::Resumed),
            (40.0, finished(0, StepEnd::Skipped)),
            (41.0, finished(1, StepEnd::WentBack)),
            (50.0, finished(0, StepEnd::Completed)),
            (
                60.0,
                EventKind::CheckIn {
                    id: "suds".into(),
                    value: Some(4),
                },
            ),
            (61.0, finished(1, StepEnd::Completed)),
            (62.0, finished(2, StepEnd::Skipped)),
            (
                70.0,
                EventKind::IntentionChosen {
                    choice: Some("Safety".into()),
                },
            ),
            (80.0, EventKind::CalmOn),
            (90.0, EventKind::HeadsetLost),
            (96.5, EventKind::HeadsetBack),
            (120.0, EventKind::HeadsetLost),
        ]);
        let summary = SessionSummary::from_record(Path::new("r.jsonl"), &read).unwrap();
        assert_eq!(summary.date(), "2026-11-02");
        assert_eq!((summary.steps_completed, summary.steps_skipped), (2, 1));
        assert_eq!(
            summary.pauses,
            [Stretch {
                from: 5.0,
                secs: Some(30.0)
            }]
        );
        assert_eq!(
            summary.calm,
            [Stretch {
                from: 80.0,
                secs: None
            }]
        );
        assert_eq!(
            summary.headset_gaps,
            [
                Stretch {
                    from: 90.0,
                    secs: Some(6.5)
                },
                Stretch {
                    from: 120.0,
                    secs: None
                }
            ]
        );
        assert_eq!(summary.answer("suds"), Some(4));
        assert_eq!(summary.intention.as_deref(), Some("Safety"));
        assert_eq!(summary.outcome, Outcome::Unfinished);
        assert_eq!(summary.duration_secs, 120.0);
        assert_eq!(summary.damaged_lines, [9]);
    }

    #[test]
    fn a_record_without_a_start_is_not_a_session() {
        let read = record(&[(1.0, EventKind::Paused)]);
        assert_eq!(SessionSummary::from_record(Path::new("r"), &read), None);
    }

    #[test]
    fn a_kept_voice_note_is_listed_once_with_its_prompt_and_its_last_take()
    -> Result<(), serde_json::Error> {
        let line = r#"{"t":42.5,"event":"voice_note","step":3,"file":"P-001.note-3.wav","seconds":12.25,"prompt":"Say what you want to remember."}"#;
        let event: Event = serde_json::from_str(line)?;
        let start = EventKind::SessionStarted {
            script: "s".into(),
            title: "S".into(),
            phase: None,
            sha256: String::new(),
            patient: "P-001".into(),
            started_at: "2026-12-04T10:00:00Z".into(),
            steps: 5,
        };
        let skipped = EventKind::VoiceNoteSkipped {
            step: 4,
            reason: "no microphone".into(),
        };
        let mut again = event.kind.clone();
        if let EventKind::VoiceNote { seconds, .. } = &mut again {
            *seconds = 9.5;
        }
        let read = record(&[
            (0.0, start),
            (event.t - 20.0, event.kind),
            (event.t, again),
            (50.0, skipped),
        ]);
        let summary = SessionSummary::from_record(Path::new("r"), &read);
        let notes = summary
            .map(|summary| summary.voice_notes)
            .unwrap_or_default();
        assert_eq!(
            notes,
            vec![KeptVoiceNote {
                step: 3,
                file: "P-001.note-3.wav".into(),
                seconds: 9.5,
                prompt: "Say what you want to remember.".into(),
                at: 42.5,
            }]
        );
        Ok(())
    }
}
