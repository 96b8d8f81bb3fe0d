//! What the therapist asks for in the panel, and how each request enters the session
//! runtime. Buttons only write [`PanelIntent`]s; this plugin turns them into the same
//! [`SessionAction`] messages the keyboard, the headset and `simulate` send, so the panel
//! never changes session state by itself. Runs headless.

use std::path::PathBuf;

use bevy::prelude::*;

use crate::AppSystems;
use crate::config::Paths;
use crate::requests::RecentreRequest;
use crate::script::Posture;
use crate::session::record::Bus;
use crate::session::selection::{ActiveScript, PendingStart};
use crate::session::{SessionAction, SessionRuntime, SessionState};

/// A request from the therapist's panel.
#[derive(Message, Debug, Clone, PartialEq)]
pub enum PanelIntent {
    /// Show this session file (while none is under way), ready to start.
    Open(PathBuf),
    /// Start the session shown, for this patient code.
    Start {
        /// The patient's pseudonymous code.
        patient: String,
    },
    /// Continue an unfinished record; `script` is its session file.
    ResumeRecord {
        /// The record.
        record: PathBuf,
        /// The session file it was made with.
        script: PathBuf,
    },
    /// Close an unfinished record without resuming it.
    CloseUnfinished {
        /// The record.
        record: PathBuf,
    },
    /// Pause a running session, or resume a paused one.
    PauseOrResume,
    /// The next step.
    Next,
    /// The previous step.
    Back,
    /// Calm on, or back from the safe place.
    Calm,
    /// End the session (already confirmed by the therapist).
    End,
    /// Set a volume, 0..1.
    Volume {
        /// Which bus.
        bus: Bus,
        /// The level.
        level: f32,
        /// False while the slider is still being dragged: heard at once, recorded only
        /// when it settles.
        settled: bool,
    },
    /// Turn the patient's view so that "forward" is where they face now.
    Recentre,
    /// The patient now sits, reclines or lies: the words and choices move to follow.
    Posture(Posture),
    /// Change the painting: colour, brush, undo, clear (already confirmed), open one.
    Paint(crate::artwork::PaintAction),
    /// Record a questionnaire answered at the desk.
    DeskQuestionnaire {
        /// The patient's code.
        patient: String,
        /// The instrument's id.
        instrument: String,
        /// One answer per item, in order.
        answers: Vec<u32>,
        /// Seconds the form was open.
        secs: f64,
    },
    /// The therapist has seen the safety alert showing.
    AcknowledgeSafetyAlert,
    /// Open the Voice window on this session file, to record the clinic's voice.
    Voice(PathBuf),
    /// Open the Patients window.
    Patients,
    /// Turn practice mode on (sessions for the practice patient) or off.
    Practice(bool),
    /// Set the size of the panel's words, and keep it.
    TextSize(crate::config::TextSize),
    /// Put away the offer of the next session of the dosing day.
    DismissOffer,
}

/// The session action for a panel request, given where the session is. `None` for requests
/// that are not about the session's course (opening a file, recentring).
pub fn action_for(intent: &PanelIntent, state: SessionState) -> Option<SessionAction> {
    match intent {
        PanelIntent::Start { patient } => Some(SessionAction::Start {
            patient: patient.trim().to_owned(),
            record: None,
        }),
        PanelIntent::ResumeRecord { record, .. } => Some(SessionAction::ResumeRecord {
            path: record.clone(),
        }),
        PanelIntent::CloseUnfinished { record } => Some(SessionAction::CloseUnfinished {
            path: record.clone(),
        }),
        PanelIntent::PauseOrResume => match state {
            SessionState::Running => Some(SessionAction::Pause),
            SessionState::Paused => Some(SessionAction::Resume),
            _ => None,
        },
        PanelIntent::Next => Some(SessionAction::Next),
        PanelIntent::Back => Some(SessionAction::Back),
        PanelIntent::Calm if state == SessionState::Calm => Some(SessionAction::EndCalm),
        PanelIntent::Calm => Some(SessionAction::Calm),
        PanelIntent::End => Some(SessionAction::End),
        PanelIntent::Volume {
            bus,
            level,
            settled: true,
        } => Some(SessionAction::SetVolume {
            bus: *bus,
            level: level.clamp(0.0, 1.0),
        }),
        PanelIntent::Volume {
            bus,
            level,
            settled: false,
        } => Some(SessionAction::TryVolume {
            bus: *bus,
            level: level.clamp(0.0, 1.0),
        }),
        PanelIntent::Paint(action) => Some(SessionAction::Paint(action.clone())),
        PanelIntent::Posture(posture) => Some(SessionAction::SetPosture(*posture)),
        PanelIntent::DeskQuestionnaire {
            patient,
            instrument,
            answers,
            secs,
        } => Some(SessionAction::DeskQuestionnaire {
            patient: patient.trim().to_owned(),
            instrument: instrument.clone(),
            answers: answers.clone(),
            secs: *secs,
        }),
        PanelIntent::AcknowledgeSafetyAlert => Some(SessionAction::AcknowledgeSafetyAlert),
        PanelIntent::Open(_)
        | PanelIntent::Recentre
        | PanelIntent::Voice(_)
        | PanelIntent::Patients
        | PanelIntent::Practice(_)
        | PanelIntent::TextSize(_)
        | PanelIntent::DismissOffer => None,
    }
}

/// Turns panel requests into session actions (and file choices, and recentring).
pub fn plugin(app: &mut App) {
    app.add_message::<PanelIntent>()
        .add_message::<RecentreRequest>()
        .add_systems(Update, apply_intents.in_set(AppSystems::Input));
}

/// Sends each request on: session actions straight to the runtime, except those that need
/// another session file, which wait until it has loaded.
fn apply_intents(
    mut intents: MessageReader<PanelIntent>,
    runtime: Res<SessionRuntime>,
    assets: Option<Res<AssetServer>>,
    paths: Option<Res<Paths>>,
    mut active: Option<ResMut<ActiveScript>>,
    mut pending: Option<ResMut<PendingStart>>,
    mut actions: MessageWriter<SessionAction>,
    mut recentre: MessageWriter<RecentreRequest>,
) {
    for intent in intents.read() {
        let script = match intent {
            PanelIntent::Open(script) | PanelIntent::ResumeRecord { script, .. } => Some(script),
            _ => None,
        };
        if let Some(script) = script {
            if runtime.is_under_way() {
                info!("ignored: a session is under way; end it before opening another");
                continue;
            }
            if let (Some(assets), Some(paths), Some(active)) = (&assets, &paths, active.as_mut()) {
                active.0 = assets.load(paths.asset_path(script));
            }
        }
        if *intent == PanelIntent::Recentre {
            recentre.write(RecentreRequest);
        }
        let Some(action) = action_for(intent, runtime.state()) else {
            continue;
        };
        match (&mut pending, intent) {
            // Starting and resuming wait for the chosen file to be ready.
            (Some(pending), PanelIntent::Start { .. } | PanelIntent::ResumeRecord { .. }) => {
                pending.0 = Some(action);
            }
            _ => {
                actions.write(action);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pause_and_calm_toggle_with_the_session_state() {
        let pause = PanelIntent::PauseOrResume;
        assert_eq!(
            action_for(&pause, SessionState::Running),
            Some(SessionAction::Pause)
        );
        assert_eq!(
            action_for(&pause, SessionState::Paused),
            Some(SessionAction::Resume)
        );
        assert_eq!(action_for(&pause, SessionState::Idle), None);
        assert_eq!(
            action_for(&PanelIntent::Calm, SessionState::Paused),
            Some(SessionAction::Calm)
        );
        assert_eq!(
            action_for(&PanelIntent::Calm, SessionState::Calm),
            Some(SessionAction::EndCalm)
        );
    }

    #[test]
    fn volumes_stay_between_silence_and_the_clinic_level() {
        let loud = PanelIntent::Volume {
            bus: Bus::Narration,
            level: 1.7,
            settled: true,
        };
        assert_eq!(
            action_for(&loud, SessionState::Running),
            Some(SessionAction::SetVolume {
                bus: Bus::Narration,
                level: 1.0
            })
        );
    }

    #[test]
    fn patient_codes_lose_stray_spaces_and_files_are_not_session_actions() {
        assert_eq!(
            action_for(
                &PanelIntent::Start {
                    patient: " P-014 ".into()
                },
                SessionState::Idle
            ),
            Some(SessionAction::Start {
                patient: "P-014".into(),
                record: None
            })
        );
        assert_eq!(
            action_for(
                &PanelIntent::Open("a.session.ron".into()),
                SessionState::Idle
            ),
            None
        );
        assert_eq!(
            action_for(&PanelIntent::Recentre, SessionState::Running),
            None
        );
    }
}
