//! The session runtime: playing a script step by step under the therapist's control, and
//! recording everything as it happens. Runs headless (no window, GPU or audio device).

pub mod painting;
pub mod preview;
pub mod questionnaire;
pub mod record;
pub mod resume;
pub mod runtime;
pub mod selection;
pub mod unsaved;
pub mod voice_note;
pub mod writer;

use bevy::prelude::*;

use crate::AppSystems;
use crate::config::Settings;
use crate::instruments::InstrumentSet;
use questionnaire::{DeskAnswers, DeskOutcome, DeskQuestionnaireRecorded};
use record::Bus;
pub use runtime::{
    NEEDS_A_MICROPHONE, NoteRecording, RecordsFolder, SessionAction, SessionRuntime, SessionState,
    Volumes,
};
pub use selection::{ActiveScript, PendingStart, ReadyScript};
use unsaved::UnsavedRecords;

/// Plays sessions: reads [`SessionAction`] messages, advances time, writes the record.
pub fn plugin(app: &mut App) {
    app.add_plugins((painting::plugin, unsaved::plugin))
        .init_resource::<SessionRuntime>()
        .init_resource::<ReadyScript>()
        .init_resource::<Volumes>()
        .init_resource::<questionnaire::SafetyAlerts>()
        .init_resource::<InstrumentSet>()
        .add_message::<SessionAction>()
        .add_message::<DeskQuestionnaireRecorded>()
        .add_systems(
            Update,
            (apply_actions, advance).chain().in_set(AppSystems::Runtime),
        );
}

fn apply_actions(
    mut actions: MessageReader<SessionAction>,
    mut runtime: ResMut<SessionRuntime>,
    mut volumes: ResMut<Volumes>,
    mut alerts: ResMut<questionnaire::SafetyAlerts>,
    mut unsaved: ResMut<UnsavedRecords>,
    mut outcomes: MessageWriter<DeskQuestionnaireRecorded>,
    instruments: Res<InstrumentSet>,
    prepared: Res<ReadyScript>,
    folder: Res<RecordsFolder>,
    settings: Option<Res<Settings>>,
) {
    if instruments.is_changed() {
        runtime.use_instruments(instruments.clone());
    }
    for action in actions.read() {
        let (action, source) = action.with_source();
        runtime.set_source(source);
        match action {
            SessionAction::DeskQuestionnaire {
                patient,
                instrument,
                answers,
                secs,
            } => {
                let outcome = desk_questionnaire(
                    (patient, instrument, answers, *secs),
                    &instruments,
                    &folder.0,
                    &mut runtime,
                    &mut alerts,
                    &mut unsaved,
                );
                outcomes.write(DeskQuestionnaireRecorded(outcome));
            }
            SessionAction::AcknowledgeSafetyAlert => {
                let Some(alert) = alerts.acknowledge_first() else {
                    info!("ignored an acknowledgement: no safety alert is waiting");
                    continue;
                };
                if !runtime.acknowledge(&alert)
                    && let Some(path) = &alert.record
                    && let Err(problem) =
                        questionnaire::acknowledge_in_file(path, &alert, &mut unsaved)
                {
                    error!("{problem}");
                }
                info!("a safety alert was acknowledged in the panel");
            }
            SessionAction::Start { patient, record } => {
                if runtime.is_under_way() {
                    info!("ignored start: a session is under way; end it first");
                } else if let Err(problem) = crate::patient_code::check_or_practice(patient) {
                    warn!("ignored start: {problem}");
                } else if let Some(script) = &prepared.0 {
                    let path = record.clone().unwrap_or_else(|| {
                        record::new_record_path(&folder.0, patient, &script.session.id)
                    });
                    runtime.start(script.clone(), patient, &path);
                } else {
                    warn!("ignored start: no session is chosen");
                }
            }
            SessionAction::CloseUnfinished { path } => {
                if runtime.record_path() == Some(path.as_path()) {
                    info!(
                        "ignored closing {}: it is the session under way",
                        path.display()
                    );
                } else if let Err(problem) = writer::close_unfinished(path) {
                    warn!("cannot close the unfinished session: {problem}");
                } else {
                    info!(
                        "closed the unfinished session {} without resuming it",
                        path.display()
                    );
                }
            }
            SessionAction::ResumeRecord { .. } if runtime.is_under_way() => {
                info!("ignored resume: a session is under way; end it first");
            }
            SessionAction::ResumeRecord { path } => match &prepared.0 {
                Some(script) => {
                    if let Err(problem) = runtime.resume_record(script.clone(), path) {
                        warn!("cannot resume: {problem}");
                    }
                }
                None => warn!("cannot resume: no session is chosen"),
            },
            SessionAction::SetVolume {
                bus: Bus::Master,
                level,
            }
            | SessionAction::TryVolume {
                bus: Bus::Master,
                level,
            } => {
                // The record holds the level that is heard: never above the clinic's cap.
                let cap = settings
                    .as_ref()
                    .map_or(1.0, |settings| settings.audio.master_cap);
                let mut capped = action.clone();
                if let SessionAction::SetVolume { level: heard, .. }
                | SessionAction::TryVolume { level: heard, .. } = &mut capped
                {
                    *heard = level.min(cap);
                }
                runtime.apply(&capped, &mut volumes);
            }
            other => runtime.apply(other, &mut volumes),
        }
        runtime.set_source(None);
        alerts.raise(runtime.take_raised_alerts());
        for writer in runtime.take_unsaved_records() {
            unsaved.keep(writer);
        }
    }
    runtime.set_source(None);
}

/// Takes a questionnaire entered at the desk: scores it, shows its safety alerts at once
/// (before anything is written, so that no disk problem can hide one), then writes the alert
/// lines and the answers together, in the session under way when it is the same patient's,
/// else in a desk record of their own.
fn desk_questionnaire(
    (patient, instrument, answers, secs): (&str, &str, &[u32], f64),
    instruments: &InstrumentSet,
    folder: &std::path::Path,
    runtime: &mut SessionRuntime,
    alerts: &mut questionnaire::SafetyAlerts,
    unsaved: &mut UnsavedRecords,
) -> DeskOutcome {
    let Some(instrument) = instruments.get(instrument) else {
        let problem = format!("there is no questionnaire \"{instrument}\"");
        warn!("ignored a desk questionnaire: {problem}");
        return DeskOutcome::Refused(problem);
    };
    let in_session = runtime
        .record_path()
        .filter(|_| runtime.is_under_way() && runtime.patient() == patient)
        .map(std::path::Path::to_owned);
    let path = in_session
        .clone()
        .unwrap_or_else(|| questionnaire::desk_record_path(folder, patient, &instrument.id));
    let scored = match DeskAnswers::score(instrument, patient, answers, secs, &path) {
        Ok(scored) => scored,
        Err(problem) => {
            warn!("ignored a desk questionnaire: {problem}");
            return DeskOutcome::Refused(problem);
        }
    };
    if !scored.alerts.is_empty() {
        warn!("a safety alert waits for the therapist in the panel");
    }
    alerts.raise(scored.alerts.clone());
    let (place, written) = if in_session.is_some() {
        let written = runtime.record_desk_answers(&scored);
        ("in this session's record".to_owned(), written)
    } else {
        let written = questionnaire::write_desk_record(&path, &scored, unsaved);
        (format!("in {}", path.display()), written)
    };
    match written {
        Ok(()) => {
            info!("{} recorded {place}", instrument.short);
            DeskOutcome::Recorded(place)
        }
        Err(problem) => {
            error!("the desk questionnaire is not saved yet: {problem}");
            DeskOutcome::Waiting { place, problem }
        }
    }
}

fn advance(time: Res<Time>, mut runtime: ResMut<SessionRuntime>) {
    runtime.tick(time.delta());
}

/// A runtime started on a session of `steps` (RON step list), for unit tests; the record is
/// written into the returned folder.
#[cfg(test)]
pub fn test_runtime(steps: &str) -> (SessionRuntime, tempfile::TempDir) {
    let text = format!(
        r#"Session(id: "t", title: "T", phase: BeforeDosing, environment: "dusk-lake",
           soundscape: "silence", steps: [{steps}])"#
    );
    let session =
        crate::script::parse::parse_ron("t.session.ron", &text).expect("a valid test session");
    let dir = tempfile::tempdir().expect("a temp dir");
    let mut runtime = SessionRuntime::default();
    let script = std::sync::Arc::new(crate::script::SessionScript {
        session,
        sha256: String::new(),
        warnings: Vec::new(),
    });
    runtime.start(script, "P-1", &dir.path().join("r.jsonl"));
    (runtime, dir)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::AudioSettings;

    #[test]
    fn a_session_starts_at_the_clinics_levels_with_master_under_its_cap() {
        let audio = AudioSettings {
            master: 0.95,
            master_cap: 0.7,
            cues: 0.0,
            ..AudioSettings::default()
        };
        let volumes = Volumes::starting(&audio);
        assert_eq!(
            (volumes.master, volumes.cues, volumes.narration),
            (0.7, 0.0, 1.0)
        );
    }
}
