//! The session tests' harness: the session runtime in a headless app under manual time, on a
//! bundled session or on steps written in the test, with its record.

use super::project_path;
use bevy::prelude::*;
use bevy::time::TimeUpdateStrategy;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use stillpoint::LogicPlugin;
use stillpoint::exercises::Detail;
use stillpoint::exercises::breathing::BreathPhase;
use stillpoint::script::Session;
use stillpoint::script::SessionScript;
use stillpoint::script::library::check_file;
use stillpoint::script::parse::parse_ron;
use stillpoint::script::validate::Context;
use stillpoint::session::record::{Event, EventKind, ReadRecord};
use stillpoint::session::{ReadyScript, SessionAction, SessionRuntime, SessionState};

/// One frame of simulated time.
pub const FRAME: Duration = Duration::from_millis(100);

pub struct Harness {
    pub app: App,
    pub record: PathBuf,
    pub _dir: tempfile::TempDir,
}

impl Harness {
    pub fn new(session: Session) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let record = dir.path().join("P-001/record.jsonl");
        let mut app = App::new();
        app.add_plugins((
            MinimalPlugins,
            LogicPlugin {
                records_folder: dir.path().to_path_buf(),
            },
        ))
        .insert_resource(TimeUpdateStrategy::ManualDuration(FRAME))
        .insert_resource(ReadyScript(Some(Arc::new(SessionScript {
            session,
            sha256: "0".repeat(64),
            warnings: Vec::new(),
        }))));
        stillpoint::simulate::single_threaded(&mut app);
        Self {
            app,
            record,
            _dir: dir,
        }
    }

    pub fn bundled(id: &str) -> Self {
        let path = project_path(&format!("assets/sessions/{id}.session.ron"));
        let checked = check_file(&path, &Context::default())
            .outcome
            .expect("bundled session is valid");
        Self::new(checked.session)
    }

    pub fn start(&mut self) {
        let record = Some(self.record.clone());
        self.act(SessionAction::Start {
            patient: "P-001".into(),
            record,
        });
    }

    /// Sends an action; it takes effect in the next frame.
    pub fn act(&mut self, action: SessionAction) {
        self.app.world_mut().write_message(action);
        self.app.update();
    }

    pub fn runtime(&self) -> &SessionRuntime {
        self.app.world().resource::<SessionRuntime>()
    }

    /// Runs frames until the session clock reaches `t` seconds.
    pub fn run_until(&mut self, t: f64) {
        while self.runtime().session_secs() < t - 1e-9 {
            assert_ne!(
                self.runtime().state(),
                SessionState::Finished,
                "finished before {t}"
            );
            self.app.update();
        }
    }

    /// Runs frames until the session finishes, answering nothing.
    pub fn run_to_end(&mut self) {
        for _ in 0..200_000 {
            if self.runtime().state() == SessionState::Finished {
                return;
            }
            if self
                .runtime()
                .view()
                .is_some_and(|view| view.remaining.is_none())
            {
                self.act(SessionAction::Next);
            } else {
                self.app.update();
            }
        }
        panic!("the session did not finish");
    }

    pub fn events(&self) -> Vec<Event> {
        let record = ReadRecord::read(&self.record).expect("record readable");
        assert!(record.damaged_lines.is_empty());
        record.events
    }

    pub fn event_kinds(&self) -> Vec<EventKind> {
        self.events().into_iter().map(|event| event.kind).collect()
    }

    pub fn breath(&self) -> (BreathPhase, f32) {
        match self.runtime().view().map(|view| &view.detail) {
            Some(Detail::Breath(breath)) => (breath.phase, breath.phase_progress),
            other => panic!("not breathing: {other:?}"),
        }
    }
}

pub fn session(steps: &str) -> Session {
    let text = format!(
        r#"Session(id: "test", title: "Test", phase: BeforeDosing, environment: "dusk-lake",
           soundscape: "silence", steps: [{steps}])"#
    );
    parse_ron("test.session.ron", &text).expect("test session parses")
}

pub fn entered_steps(events: &[EventKind]) -> Vec<usize> {
    events
        .iter()
        .filter_map(|kind| match kind {
            EventKind::StepEntered { step, .. } => Some(*step),
            _ => None,
        })
        .collect()
}
