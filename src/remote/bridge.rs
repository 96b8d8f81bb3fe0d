//! The app's side of the remote: turning it on and off, the pairing the panel shows, the
//! state published to the pages each time it changes, and the pages' requests turned into
//! the same [`SessionAction`] messages the panel sends, marked as from the remote.

use std::sync::Arc;

use bevy::prelude::*;

use super::protocol::{
    AlertShown, FromServer, PairingView, PanelFacts, RemoteRequest, SessionChoice, SessionShown,
    Snapshot, ToServer, VolumesShown,
};
use super::server::{RunningServer, ServerSetup};
use crate::audio::AudioStatus;
use crate::config::{Paths, Settings};
use crate::script::duration::format_length;
use crate::session::questionnaire::{PendingAlert, SafetyAlerts};
use crate::session::{
    ActiveScript, PendingStart, ReadyScript, SessionAction, SessionRuntime, SessionState, Volumes,
};

/// What the therapist asks of the remote in the panel.
#[derive(Message, Debug, Clone, PartialEq, Eq)]
pub enum RemoteCommand {
    /// Start serving (and make a pairing code).
    TurnOn,
    /// Stop serving: every connection closes.
    TurnOff,
    /// Make a new pairing code.
    NewCode,
    /// Forget a paired device at once.
    Forget(u64),
}

/// Whether the remote serves, and where.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum RemoteStatus {
    /// Off.
    #[default]
    Off,
    /// Starting on its thread.
    Starting,
    /// Serving.
    On {
        /// The address a phone opens.
        url: String,
        /// The port it listens on.
        port: u16,
        /// The certificate's SHA-256 fingerprint.
        fingerprint: String,
    },
    /// It could not start, and why.
    Failed(String),
}

/// The remote as the panel shows it, and the app's side of its server.
#[derive(Resource, Debug, Default)]
pub struct Remote {
    server: Option<RunningServer>,
    status: RemoteStatus,
    pairing: PairingView,
    published: Option<Snapshot>,
}

impl Remote {
    /// Whether it serves, and where.
    pub fn status(&self) -> &RemoteStatus {
        &self.status
    }

    /// The pairing code, the lock and the paired devices.
    pub fn pairing(&self) -> &PairingView {
        &self.pairing
    }

    /// True while it is on or starting.
    pub fn is_on(&self) -> bool {
        self.server.is_some()
    }
}

/// Turns the remote on at start when the clinic's settings say so.
pub(super) fn turn_on_at_start(
    settings: Option<Res<Settings>>,
    mut commands: MessageWriter<RemoteCommand>,
) {
    if settings.is_some_and(|settings| settings.remote.on_at_start) {
        commands.write(RemoteCommand::TurnOn);
    }
}

/// Applies the panel's commands.
pub(super) fn apply_commands(
    mut commands: MessageReader<RemoteCommand>,
    mut remote: ResMut<Remote>,
    settings: Option<Res<Settings>>,
) {
    for command in commands.read() {
        match command {
            RemoteCommand::TurnOn if remote.server.is_none() => {
                let settings = settings.as_deref().cloned().unwrap_or_default();
                let setup = ServerSetup {
                    folder: settings.remote_folder(),
                    log: settings.data_root().join(super::clinic_log::LOG_FILE),
                    address: settings.remote.address,
                    port: settings.remote.port,
                };
                match RunningServer::start(setup) {
                    Ok(server) => {
                        let _ = server.to_server.send(ToServer::NewCode);
                        remote.server = Some(server);
                        remote.status = RemoteStatus::Starting;
                        remote.published = None;
                    }
                    Err(problem) => remote.status = RemoteStatus::Failed(problem),
                }
            }
            RemoteCommand::TurnOn => {}
            RemoteCommand::TurnOff => turn_off(&mut remote, RemoteStatus::Off),
            RemoteCommand::NewCode => remote.tell(ToServer::NewCode),
            RemoteCommand::Forget(id) => remote.tell(ToServer::Forget(*id)),
        }
    }
}

impl Remote {
    fn tell(&self, command: ToServer) {
        if let Some(server) = &self.server {
            let _ = server.to_server.send(command);
        }
    }
}

/// Stops the server off the frame: its thread is joined on a thread of its own.
fn turn_off(remote: &mut Remote, status: RemoteStatus) {
    remote.status = status;
    remote.pairing = PairingView::default();
    if let Some(server) = remote.server.take() {
        let _ = server.to_server.send(ToServer::Stop);
        let stopping = std::thread::Builder::new()
            .name("stillpoint-remote-stop".to_owned())
            .spawn(move || drop(server));
        if let Err(error) = stopping {
            error!("the remote's server could not be stopped cleanly: {error}");
        }
    }
}

/// What the pages and the app need to turn a request into session actions.
#[derive(bevy::ecs::system::SystemParam)]
pub(super) struct RequestContext<'w> {
    runtime: Res<'w, SessionRuntime>,
    alerts: Res<'w, SafetyAlerts>,
    facts: Res<'w, PanelFacts>,
    prepared: Res<'w, ReadyScript>,
    assets: Option<Res<'w, AssetServer>>,
    paths: Option<Res<'w, Paths>>,
    active: Option<ResMut<'w, ActiveScript>>,
    pending: Option<ResMut<'w, PendingStart>>,
}

/// Takes what the server says: where it listens, pairing, and the pages' requests, which
/// become session actions from the remote.
pub(super) fn hear_the_server(
    mut remote: ResMut<Remote>,
    mut context: RequestContext,
    mut actions: MessageWriter<SessionAction>,
) {
    let Some(server) = &remote.server else {
        return;
    };
    let heard: Vec<FromServer> = server.from_server.try_iter().collect();
    for message in heard {
        match message {
            FromServer::Listening {
                url,
                bound,
                fingerprint,
            } => {
                info!("the remote listens at {url} ({bound})");
                remote.status = RemoteStatus::On {
                    url,
                    port: bound.port(),
                    fingerprint,
                };
            }
            FromServer::Failed(problem) => {
                warn!("the remote is off: {problem}");
                turn_off(&mut remote, RemoteStatus::Failed(problem));
            }
            FromServer::Pairing(view) => remote.pairing = view,
            FromServer::Request(request) => {
                if let Some(action) = context.action_for(request) {
                    actions.write(SessionAction::FromRemote(Box::new(action)));
                }
            }
        }
    }
}

impl RequestContext<'_> {
    /// The session action for a request, given where the session is; `None` for one that
    /// makes no sense now (said in the log).
    fn action_for(&mut self, request: RemoteRequest) -> Option<SessionAction> {
        let state = self.runtime.state();
        let action = match request {
            RemoteRequest::Calm if state == SessionState::Calm => SessionAction::EndCalm,
            RemoteRequest::Calm => SessionAction::Calm,
            RemoteRequest::PauseOrResume => match state {
                SessionState::Running => SessionAction::Pause,
                SessionState::Paused => SessionAction::Resume,
                _ => return ignored("pause: no session is running"),
            },
            RemoteRequest::Next => SessionAction::Next,
            RemoteRequest::Back => SessionAction::Back,
            RemoteRequest::End => SessionAction::End,
            RemoteRequest::Volume {
                bus,
                level,
                settled,
            } => {
                let level = if level.is_finite() {
                    level.clamp(0.0, 1.0)
                } else {
                    return ignored("a volume that is not a number");
                };
                if settled {
                    SessionAction::SetVolume { bus, level }
                } else {
                    SessionAction::TryVolume { bus, level }
                }
            }
            RemoteRequest::AcknowledgeAlert { alert } => {
                // Only the alert the therapist saw: if the panel acknowledged it meanwhile,
                // the next one is not taken as seen.
                match self.alerts.0.first() {
                    Some(first) if alert_key(first) == alert => {
                        SessionAction::AcknowledgeSafetyAlert
                    }
                    _ => return ignored("an acknowledgement of an alert no longer first"),
                }
            }
            RemoteRequest::Start { session, patient } => {
                return self.start(&session, patient.trim());
            }
            RemoteRequest::Resume { record } => return self.resume(&record),
        };
        Some(action)
    }

    fn start(&mut self, session: &str, patient: &str) -> Option<SessionAction> {
        if self.runtime.is_under_way() {
            return ignored("start: a session is under way");
        }
        if let Err(problem) = crate::patient_code::check(patient) {
            return ignored(&format!("start: {problem}"));
        }
        let start = SessionAction::Start {
            patient: patient.to_owned(),
            record: None,
        };
        let ready = self
            .prepared
            .0
            .as_ref()
            .map(|script| script.session.id.as_str());
        if ready == Some(session) {
            return Some(start);
        }
        let Some(choice) = self
            .facts
            .sessions
            .iter()
            .find(|choice| choice.id == session)
        else {
            return ignored("start: no such session in the library");
        };
        let path = choice.path.clone();
        self.open_then(&path, start)
    }

    fn resume(&mut self, record: &str) -> Option<SessionAction> {
        if self.runtime.is_under_way() {
            return ignored("resume: a session is under way");
        }
        let Some(offer) = self
            .facts
            .unfinished
            .iter()
            .find(|offer| offer.key == record)
        else {
            return ignored("resume: the panel does not offer that record");
        };
        let (path, script) = (offer.record.clone(), offer.script.clone());
        self.open_then(&script, SessionAction::ResumeRecord { path })
    }

    /// Opens the session file `script`, then sends `action` (from the remote) once it is
    /// ready, as the panel does.
    fn open_then(
        &mut self,
        script: &std::path::Path,
        action: SessionAction,
    ) -> Option<SessionAction> {
        let (Some(assets), Some(paths), Some(active), Some(pending)) = (
            &self.assets,
            &self.paths,
            self.active.as_mut(),
            self.pending.as_mut(),
        ) else {
            return ignored("start: sessions cannot be opened here");
        };
        active.0 = assets.load(paths.asset_path(script));
        pending.0 = Some(SessionAction::FromRemote(Box::new(action)));
        None
    }
}

fn ignored(why: &str) -> Option<SessionAction> {
    info!("ignored a request from the remote: {why}");
    None
}

/// What identifies a safety alert between the app and the page.
pub fn alert_key(alert: &PendingAlert) -> String {
    format!(
        "{}|{}|{}|{}",
        alert.administration.as_deref().unwrap_or(""),
        alert.instrument,
        alert.item,
        alert.raised_at
    )
}

/// What the snapshot is made from.
#[derive(bevy::ecs::system::SystemParam)]
pub(super) struct SnapshotSources<'w> {
    runtime: Res<'w, SessionRuntime>,
    volumes: Res<'w, Volumes>,
    alerts: Res<'w, SafetyAlerts>,
    facts: Res<'w, PanelFacts>,
    prepared: Res<'w, ReadyScript>,
    settings: Option<Res<'w, Settings>>,
    audio: Option<Res<'w, AudioStatus>>,
}

/// Sends the state to the pages when it has changed (the clock in whole seconds).
pub(super) fn publish_state(mut remote: ResMut<Remote>, sources: SnapshotSources) {
    let Some(server) = &remote.server else {
        return;
    };
    let snapshot = sources.snapshot();
    if remote.published.as_ref() == Some(&snapshot) {
        return;
    }
    match serde_json::to_string(&snapshot) {
        Ok(json) => {
            server.snapshot.send_replace(Arc::from(json));
        }
        Err(error) => error!("the remote's state cannot be written: {error}"),
    }
    remote.published = Some(snapshot);
}

impl SnapshotSources<'_> {
    fn snapshot(&self) -> Snapshot {
        let runtime = &self.runtime;
        let state = runtime.state();
        let shows_session = runtime.is_under_way() || state == SessionState::Finished;
        let session = runtime
            .script()
            .filter(|_| shows_session)
            .map(|script| SessionShown {
                title: script.session.title.clone(),
                step: runtime.step_index() + 1,
                steps: script.session.steps.len(),
                step_kind: runtime
                    .step()
                    .map(|step| step.kind().to_owned())
                    .unwrap_or_default(),
                step_percent: runtime.view().map_or(0, |view| {
                    (view.progress.clamp(0.0, 1.0) * 100.0).round() as u32
                }),
                remaining_secs: runtime.remaining_secs().max(0.0).round() as u64,
            });
        let (sound, sound_playing) = match self.audio.as_deref() {
            Some(AudioStatus::Playing) => ("Playing on this computer's output".to_owned(), true),
            Some(AudioStatus::Silent(reason)) => (reason.clone(), false),
            None => ("No sound output".to_owned(), false),
        };
        let master_cap = self
            .settings
            .as_ref()
            .map_or(1.0, |settings| settings.audio.master_cap);
        let idle = !runtime.is_under_way();
        Snapshot {
            state: match state {
                SessionState::Idle => "idle",
                SessionState::Running => "running",
                SessionState::Paused => "paused",
                SessionState::Calm => "calm",
                SessionState::Finished => "finished",
            },
            session,
            ready: self
                .prepared
                .0
                .as_ref()
                .filter(|_| idle)
                .map(|script| SessionChoice {
                    id: script.session.id.clone(),
                    title: script.session.title.clone(),
                    phase: script.session.phase.label().to_owned(),
                    length: format_length(script.session.expected_secs()),
                    path: std::path::PathBuf::new(),
                }),
            patient: shows_session.then(|| runtime.patient().to_owned()),
            posture: runtime.posture().label().to_owned(),
            sound,
            sound_playing,
            volumes: VolumesShown {
                master: self.volumes.master,
                master_cap,
                narration: self.volumes.narration,
                soundscape: self.volumes.soundscape,
                cues: self.volumes.cues,
            },
            check_ins: if shows_session {
                self.facts.check_ins.clone()
            } else {
                Vec::new()
            },
            alerts: self.alerts.0.iter().map(alert_shown).collect(),
            sessions: if idle {
                self.facts.sessions.clone()
            } else {
                Vec::new()
            },
            unfinished: if idle {
                self.facts.unfinished.clone()
            } else {
                Vec::new()
            },
            record_problem: runtime.record_problem().map(str::to_owned),
        }
    }
}

fn alert_shown(alert: &PendingAlert) -> AlertShown {
    AlertShown {
        key: alert_key(alert),
        patient: alert.patient.clone(),
        name: alert.name.clone(),
        item: alert.item,
        item_text: alert.item_text.clone(),
        answer: alert.answer,
        answer_label: alert.answer_label.clone(),
        revised_to: alert.revised_to.clone(),
        message: alert.message.clone(),
        raised_at: alert.raised_at.clone(),
    }
}
