//! What every section of the panel shares: its colours, its state, and [`PanelView`], the
//! state it reads. The frame (`layout.rs`) and the sections all build on this.

use std::collections::HashMap;

use bevy::prelude::*;
use bevy_egui::egui;

use super::live::{Course, Library, LiveRecord};
use crate::audio::AudioStatus;
use crate::audio::capture::SoundIn;
use crate::config::{Paths, Settings, TextSize};
use crate::instruments::InstrumentSet;
use crate::posture::PlacementComfort;
use crate::session::questionnaire::SafetyAlerts;
use crate::session::unsaved::UnsavedRecords;
use crate::session::{ReadyScript, SessionRuntime, Volumes};
use crate::xr::XrStatus;

/// Calm's colour: a deep, soft teal, the panel's one strong colour.
pub(super) const CALM: egui::Color32 = egui::Color32::from_rgb(46, 120, 128);
pub(super) const CALM_ON: egui::Color32 = egui::Color32::from_rgb(150, 110, 60);
pub(super) const GOOD: egui::Color32 = egui::Color32::from_rgb(130, 200, 160);
pub(super) const WARN: egui::Color32 = egui::Color32::from_rgb(230, 170, 100);
pub(super) const BAD: egui::Color32 = egui::Color32::from_rgb(235, 120, 110);
/// Practice mode's colour: a soft violet, unlike every status colour, always with the word.
pub(super) const PRACTICE: egui::Color32 = egui::Color32::from_rgb(178, 150, 230);

/// The body text's size in points at the usual text size; the panel's other sizes are in
/// proportion to it.
pub(super) const BODY_POINTS: f32 = 15.0;

/// `points` at the usual text size, grown or shrunk with the text size the therapist chose:
/// for words drawn larger or smaller than their text style (the Calm and Start buttons, the
/// pairing code, the charts' labels).
pub(super) fn scaled(ui: &egui::Ui, points: f32) -> f32 {
    let body = ui
        .style()
        .text_styles
        .get(&egui::TextStyle::Body)
        .map_or(BODY_POINTS, |font| font.size);
    points * body / BODY_POINTS
}

/// Whether the panel shows, and what it is in the middle of.
#[derive(Resource, Debug, Clone, PartialEq)]
pub struct PanelState {
    /// False for a clean full-window mirror (Tab).
    pub visible: bool,
    /// The End confirmation is open.
    pub confirming_end: bool,
    /// The confirmation to clear the painting is open.
    pub confirming_clear: bool,
}

impl Default for PanelState {
    fn default() -> Self {
        Self {
            visible: true,
            confirming_end: false,
            confirming_clear: false,
        }
    }
}

/// The size of the panel's words now.
#[derive(Resource, Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PanelTextSize(pub TextSize);

/// Practice mode: sessions and desk questionnaires are for the practice patient, kept apart
/// from every real patient's records.
#[derive(Resource, Debug, Clone, Default, PartialEq, Eq)]
pub struct PracticeMode {
    /// True while practice mode is on.
    pub on: bool,
    /// The patient code typed before practice mode was turned on, given back after.
    pub(super) typed: String,
}

/// The next session of a dosing day, offered when its centering session ends.
#[derive(Resource, Debug, Clone, Default, PartialEq)]
pub struct DosingOffer(pub Option<NextSession>);

/// A session offered next, for the same patient.
#[derive(Debug, Clone, PartialEq)]
pub struct NextSession {
    /// The patient's code, as the session that ended recorded it.
    pub patient: String,
    /// The session file offered.
    pub path: std::path::PathBuf,
    /// Its title.
    pub title: String,
}

/// Preview pictures registered with egui, by file.
#[derive(Resource, Debug, Default)]
pub struct Previews(pub(super) HashMap<std::path::PathBuf, (Handle<Image>, egui::TextureId)>);

/// Everything the panel reads.
#[derive(bevy::ecs::system::SystemParam)]
pub struct PanelView<'w> {
    pub(super) runtime: Res<'w, SessionRuntime>,
    pub(super) prepared: Res<'w, ReadyScript>,
    pub(super) volumes: Res<'w, Volumes>,
    pub(super) library: Res<'w, Library>,
    pub(super) live: Res<'w, LiveRecord>,
    pub(super) course: Res<'w, Course>,
    pub(super) audio: Option<Res<'w, AudioStatus>>,
    pub(super) sound_in: Option<Res<'w, SoundIn>>,
    pub(super) xr: Option<Res<'w, XrStatus>>,
    pub(super) comfort: Option<Res<'w, PlacementComfort>>,
    pub(super) images: Res<'w, Assets<Image>>,
    pub(super) assets: Res<'w, AssetServer>,
    pub(super) paths: Res<'w, Paths>,
    pub(super) settings: Option<Res<'w, Settings>>,
    pub(super) instruments: Res<'w, InstrumentSet>,
    pub(super) alerts: Res<'w, SafetyAlerts>,
    pub(super) unsaved: Res<'w, UnsavedRecords>,
    pub(super) time: Res<'w, Time<Real>>,
    pub(super) text_size: Res<'w, PanelTextSize>,
    pub(super) practice: Res<'w, PracticeMode>,
    pub(super) offer: Res<'w, DosingOffer>,
}
