//! What the remote page and Stillpoint say to each other over the live connection: the
//! session's state (one JSON snapshot, sent whenever it changes) and the therapist's
//! requests. The snapshot names the patient by code only.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use bevy::prelude::*;
use serde::{Deserialize, Serialize};

use super::pairing::{Device, Pairing};
use crate::session::record::Bus;

/// What the server's thread tells the app.
#[derive(Debug)]
pub enum FromServer {
    /// It listens: at this address, with this certificate.
    Listening {
        /// The address to open on a phone, e.g. `https://192.168.1.20:8443/`.
        url: String,
        /// The address and port it is bound to.
        bound: std::net::SocketAddr,
        /// The certificate's SHA-256 fingerprint.
        fingerprint: String,
    },
    /// It could not start, and why.
    Failed(String),
    /// A request from a paired device.
    Request(RemoteRequest),
    /// How pairing stands now.
    Pairing(PairingView),
}

/// What the app tells the server's thread.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ToServer {
    /// Make a new pairing code.
    NewCode,
    /// Forget this device at once, closing its live connections.
    Forget(u64),
    /// Stop serving.
    Stop,
}

/// Pairing as the panel shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PairingView {
    /// The code showing and when it stops working.
    pub code: Option<(String, Instant)>,
    /// Pairing is locked until then.
    pub locked_until: Option<Instant>,
    /// The paired devices.
    pub devices: Vec<Device>,
}

impl PairingView {
    /// The view of `pairing` at `now`.
    pub fn of(pairing: &Pairing, now: Instant) -> Self {
        Self {
            code: pairing
                .code(now)
                .map(|(code, left): (String, Duration)| (code, now + left)),
            locked_until: pairing.locked_for(now).map(|wait| now + wait),
            devices: pairing.devices().to_vec(),
        }
    }
}

/// A request from the remote page.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(tag = "do", rename_all = "snake_case", deny_unknown_fields)]
pub enum RemoteRequest {
    /// Calm on, or back from the safe place.
    Calm,
    /// Pause a running session, or resume a paused one.
    PauseOrResume,
    /// The next step.
    Next,
    /// The step before.
    Back,
    /// End the session (the page has asked first).
    End,
    /// A volume, 0..1; `settled` once the slider is let go (recorded), not while dragged.
    Volume {
        /// Which bus.
        bus: Bus,
        /// The level.
        level: f32,
        /// Let go: record it.
        settled: bool,
    },
    /// The therapist has seen the safety alert with this key (the first one waiting).
    AcknowledgeAlert {
        /// [`AlertShown::key`].
        alert: String,
    },
    /// Start the session with this id for this patient code.
    Start {
        /// [`SessionChoice::id`].
        session: String,
        /// The patient's code.
        patient: String,
    },
    /// Resume the unfinished record with this key.
    Resume {
        /// [`ResumeOffer::key`].
        record: String,
    },
}

/// The session's state as the remote shows it.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Snapshot {
    /// "idle", "running", "paused", "calm" or "finished".
    pub state: &'static str,
    /// The session under way (or just finished).
    pub session: Option<SessionShown>,
    /// The session the next Start runs (the one the panel shows), when none is under way.
    pub ready: Option<SessionChoice>,
    /// The patient's code (never a name), while a session is under way or finished.
    pub patient: Option<String>,
    /// How the patient rests: "Seated", "Reclined" or "Lying down".
    pub posture: String,
    /// What the sound is doing, in words.
    pub sound: String,
    /// False when there is no sound.
    pub sound_playing: bool,
    /// The volumes, 0..1.
    pub volumes: VolumesShown,
    /// Check-in answers of the session, in order.
    pub check_ins: Vec<CheckInShown>,
    /// Safety alerts waiting, oldest first: the first is the one to acknowledge.
    pub alerts: Vec<AlertShown>,
    /// Sessions that can be started, when none is under way.
    pub sessions: Vec<SessionChoice>,
    /// Unfinished records that can be resumed, when no session is under way.
    pub unfinished: Vec<ResumeOffer>,
    /// Why the record cannot be written now, if it cannot.
    pub record_problem: Option<String>,
}

/// The session under way.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct SessionShown {
    /// Its title.
    pub title: String,
    /// The step showing, from 1.
    pub step: usize,
    /// Steps in all.
    pub steps: usize,
    /// The step's kind, e.g. "breathing".
    pub step_kind: String,
    /// How far through the step, in whole percent.
    pub step_percent: u32,
    /// Expected minutes and seconds left, in whole seconds.
    pub remaining_secs: u64,
}

/// The mixer levels.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct VolumesShown {
    /// Everything.
    pub master: f32,
    /// The loudest the master may be (the clinic's cap).
    pub master_cap: f32,
    /// The voice.
    pub narration: f32,
    /// The soundscape.
    pub soundscape: f32,
    /// Breathing cues.
    pub cues: f32,
}

/// One check-in answer.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CheckInShown {
    /// The check-in's id from the script.
    pub id: String,
    /// 0–10, or none when it went unanswered.
    pub value: Option<u32>,
    /// Session minutes when it was answered.
    pub minute: u32,
}

/// A safety alert, with the words the panel shows.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AlertShown {
    /// What identifies it for an acknowledgement.
    pub key: String,
    /// The patient's code.
    pub patient: String,
    /// The questionnaire's short name, e.g. "PHQ-9".
    pub name: String,
    /// The item, from 1.
    pub item: u32,
    /// The item's words.
    pub item_text: String,
    /// The answer given.
    pub answer: u32,
    /// Its words.
    pub answer_label: String,
    /// What the patient changed it to since, if they did.
    pub revised_to: Option<String>,
    /// What the therapist is asked to do.
    pub message: String,
    /// When it was raised.
    pub raised_at: String,
}

/// A session that can be started.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SessionChoice {
    /// Its id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its phase, e.g. "Before dosing".
    pub phase: String,
    /// Its expected length, e.g. "18 min".
    pub length: String,
    /// Its file (not sent).
    #[serde(skip)]
    pub path: PathBuf,
}

/// An unfinished record the panel offers to resume.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ResumeOffer {
    /// What the remote names it by: the record's file name.
    pub key: String,
    /// The patient's code.
    pub patient: String,
    /// The session's id.
    pub session: String,
    /// The day it started.
    pub day: String,
    /// The step it stopped in, from 1.
    pub step: usize,
    /// The record (not sent).
    #[serde(skip)]
    pub record: PathBuf,
    /// Its session file (not sent).
    #[serde(skip)]
    pub script: PathBuf,
}

/// What the panel knows and the remote shows too: the library's sessions, the resume
/// offers and the check-in answers it read from the record. The panel keeps it up to date;
/// without a panel it stays empty.
#[derive(Resource, Clone, Debug, Default, PartialEq)]
pub struct PanelFacts {
    /// Sessions that can be started.
    pub sessions: Vec<SessionChoice>,
    /// Unfinished records that can be resumed.
    pub unfinished: Vec<ResumeOffer>,
    /// The session's check-in answers so far.
    pub check_ins: Vec<CheckInShown>,
}
