//! Keyboard shortcuts on the desktop: each key becomes a session action.
//!
//! | key | action |
//! | --- | --- |
//! | Space | pause / resume (while a voice note records: the patient is done speaking) |
//! | → / ← | next / previous step |
//! | C | Calm on / off |
//! | Ctrl+E | end the session: opens the panel's question first (see `mirror`) |
//! | 0–9, T | check-in answer (T = 10) |
//! | 1–6 | intention choice, while choices show (a voice note's choices too) |
//! | − / = | master volume down / up a step (never above the clinic's cap) |
//! | B | breathing cues off / back on |
//! | 1–9 | paint colour, while painting |
//! | E | eraser / brush, while painting |
//! | [ / ] | thinner / wider brush, while painting |
//! | Ctrl+Z / Ctrl+Y | undo / redo, while painting |
//!
//! Keys typed into the panel (the patient code) are not shortcuts.

use bevy::prelude::*;

use crate::AppSystems;
use crate::artwork::{Canvas, PaintAction, Tool};
use crate::config::Settings;
use crate::exercises::Detail;
use crate::exercises::questionnaire::Page;
use crate::exercises::voice_note::NotePhase;
use crate::session::record::Bus;
use crate::session::{SessionAction, SessionRuntime, SessionState, Volumes};

/// How much one press of − or = moves the master volume.
const VOLUME_STEP: f32 = 0.1;

/// Turns key presses into session actions.
pub fn plugin(app: &mut App) {
    app.init_resource::<TypingInPanel>().add_systems(
        Update,
        keys_to_actions
            .in_set(AppSystems::Input)
            .run_if(|typing: Res<TypingInPanel>| !typing.0),
    );
}

/// True while the therapist is typing in the panel (or answering a question there), so
/// their keys are not taken as shortcuts.
#[derive(Resource, Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct TypingInPanel(pub bool);

const DIGITS: [KeyCode; 10] = [
    KeyCode::Digit0,
    KeyCode::Digit1,
    KeyCode::Digit2,
    KeyCode::Digit3,
    KeyCode::Digit4,
    KeyCode::Digit5,
    KeyCode::Digit6,
    KeyCode::Digit7,
    KeyCode::Digit8,
    KeyCode::Digit9,
];

/// Where the sound is, for the volume keys: the current volumes and the cue level that B
/// turns the cues back on to.
#[derive(Clone, Copy, Debug)]
pub struct SoundLevels<'a> {
    /// The volumes now.
    pub volumes: &'a Volumes,
    /// The clinic's cue level.
    pub cues_on: f32,
    /// The loudest the master may be set (the clinic's cap).
    pub master_cap: f32,
}

/// The action for a key pressed now, given where the session is. With Ctrl held no key is a
/// session shortcut (Ctrl+E asks in the panel; Ctrl+C is not Calm).
pub fn action_for_key(
    key: KeyCode,
    ctrl: bool,
    state: SessionState,
    detail: Option<&Detail>,
    sound: SoundLevels,
) -> Option<SessionAction> {
    if ctrl {
        return None;
    }
    let volume = |bus, level: f32| {
        Some(SessionAction::SetVolume {
            bus,
            level: level.clamp(0.0, 1.0),
        })
    };
    let digit = DIGITS
        .iter()
        .position(|&digit| digit == key)
        .map(|value| value as u32);
    match (key, state) {
        // While a voice note records, the space bar says the patient is done speaking.
        (KeyCode::Space, SessionState::Running)
            if matches!(
                detail,
                Some(Detail::VoiceNote {
                    phase: NotePhase::Recording,
                    ..
                })
            ) =>
        {
            Some(SessionAction::StopRecording)
        }
        (KeyCode::Space, SessionState::Running) => Some(SessionAction::Pause),
        (KeyCode::Space, SessionState::Paused) => Some(SessionAction::Resume),
        (KeyCode::ArrowRight, _) => Some(SessionAction::Next),
        (KeyCode::ArrowLeft, _) => Some(SessionAction::Back),
        (KeyCode::KeyC, SessionState::Calm) => Some(SessionAction::EndCalm),
        (KeyCode::KeyC, _) => Some(SessionAction::Calm),
        (KeyCode::Minus, _) => volume(Bus::Master, sound.volumes.master - VOLUME_STEP),
        (KeyCode::Equal, _) => volume(
            Bus::Master,
            (sound.volumes.master + VOLUME_STEP).min(sound.master_cap),
        ),
        (KeyCode::KeyB, _) if sound.volumes.cues > 0.0 => volume(Bus::Cues, 0.0),
        (KeyCode::KeyB, _) => volume(Bus::Cues, sound.cues_on.max(VOLUME_STEP)),
        (KeyCode::KeyT, _) if matches!(detail, Some(Detail::CheckIn { .. })) => {
            Some(SessionAction::Answer(10))
        }
        (KeyCode::Backspace, _) if matches!(detail, Some(Detail::Questionnaire { .. })) => {
            Some(SessionAction::AnswerBack)
        }
        (KeyCode::Enter, _)
            if matches!(
                detail,
                Some(Detail::Questionnaire {
                    page: Page::Confirm,
                    ..
                })
            ) =>
        {
            Some(SessionAction::ConfirmAnswers)
        }
        _ => match (detail, digit) {
            (Some(Detail::CheckIn { .. }), Some(value)) => Some(SessionAction::Answer(value)),
            // The first answer card is 1, as the cards are read from the top.
            (
                Some(Detail::Questionnaire {
                    page: Page::Item, ..
                }),
                Some(card),
            ) if card >= 1 => Some(SessionAction::Answer(card - 1)),
            (Some(Detail::Choices { .. }), Some(choice)) if choice >= 1 => {
                Some(SessionAction::Choose(choice - 1))
            }
            (Some(Detail::VoiceNote { choices, .. }), Some(choice))
                if choice >= 1 && (choice as usize) <= choices.len() =>
            {
                Some(SessionAction::Choose(choice - 1))
            }
            _ => None,
        },
    }
}

/// The painting action for a key pressed while `canvas` is being painted.
pub fn paint_action_for_key(key: KeyCode, ctrl: bool, canvas: &Canvas) -> Option<PaintAction> {
    let digit = DIGITS.iter().position(|&digit| digit == key);
    match key {
        KeyCode::KeyZ if ctrl => Some(PaintAction::Undo),
        KeyCode::KeyY if ctrl => Some(PaintAction::Redo),
        KeyCode::KeyE if !ctrl => Some(PaintAction::Tool(match canvas.tool() {
            Tool::Brush => Tool::Eraser,
            Tool::Eraser => Tool::Brush,
        })),
        KeyCode::BracketLeft => Some(PaintAction::Widen(false)),
        KeyCode::BracketRight => Some(PaintAction::Widen(true)),
        _ => digit
            .filter(|&digit| (1..=canvas.palette().len()).contains(&digit))
            .map(|digit| PaintAction::Colour(digit - 1)),
    }
}

fn keys_to_actions(
    keys: Res<ButtonInput<KeyCode>>,
    runtime: Res<SessionRuntime>,
    volumes: Res<Volumes>,
    settings: Option<Res<Settings>>,
    mut actions: MessageWriter<SessionAction>,
) {
    let ctrl = keys.any_pressed([KeyCode::ControlLeft, KeyCode::ControlRight]);
    let detail = runtime.view().map(|view| &view.detail);
    let sound = SoundLevels {
        volumes: &volumes,
        cues_on: settings
            .as_ref()
            .map_or(1.0, |settings| settings.audio.cues),
        master_cap: settings.map_or(1.0, |settings| settings.audio.master_cap),
    };
    let canvas = runtime
        .painting()
        .filter(|_| runtime.state() == SessionState::Running)
        .map(|painting| painting.canvas());
    for &key in keys.get_just_pressed() {
        if let Some(paint) = canvas.and_then(|canvas| paint_action_for_key(key, ctrl, canvas)) {
            actions.write(SessionAction::Paint(paint));
        } else if let Some(action) = action_for_key(key, ctrl, runtime.state(), detail, sound) {
            actions.write(action);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_map_to_the_expected_actions() {
        let check_in = Detail::CheckIn {
            low: String::new(),
            high: String::new(),
            answer: None,
        };
        let running = SessionState::Running;
        let volumes = Volumes::default();
        let sound = SoundLevels {
            volumes: &volumes,
            cues_on: 0.6,
            master_cap: 0.9,
        };
        let action_for_key =
            |key, ctrl, state, detail| action_for_key(key, ctrl, state, detail, sound);
        assert_eq!(
            action_for_key(KeyCode::Space, false, running, None),
            Some(SessionAction::Pause)
        );
        assert_eq!(
            action_for_key(KeyCode::Space, false, SessionState::Paused, None),
            Some(SessionAction::Resume)
        );
        assert_eq!(
            action_for_key(KeyCode::KeyC, false, running, None),
            Some(SessionAction::Calm)
        );
        assert_eq!(
            action_for_key(KeyCode::KeyC, false, SessionState::Calm, None),
            Some(SessionAction::EndCalm)
        );
        assert_eq!(action_for_key(KeyCode::KeyE, false, running, None), None);
        assert_eq!(
            action_for_key(KeyCode::KeyE, true, running, None),
            None,
            "Ctrl+E asks in the panel first; it never ends a session at once"
        );
        assert_eq!(
            action_for_key(KeyCode::Digit0, false, running, Some(&check_in)),
            Some(SessionAction::Answer(0))
        );
        assert_eq!(
            action_for_key(KeyCode::KeyT, false, running, Some(&check_in)),
            Some(SessionAction::Answer(10))
        );
        let choices = Detail::Choices {
            choices: vec!["a".into(), "b".into()],
            chosen: None,
        };
        assert_eq!(
            action_for_key(KeyCode::Digit2, false, running, Some(&choices)),
            Some(SessionAction::Choose(1))
        );
        assert_eq!(action_for_key(KeyCode::Digit4, false, running, None), None);
        let note = |phase, choices: &[&str]| Detail::VoiceNote {
            phase,
            choices: choices.iter().map(|&choice| choice.to_owned()).collect(),
            seconds: 0.0,
        };
        let recording = note(NotePhase::Recording, &["Done"]);
        assert_eq!(
            action_for_key(KeyCode::Space, false, running, Some(&recording)),
            Some(SessionAction::StopRecording),
            "while a voice note records, the space bar ends it rather than pausing"
        );
        let review = note(NotePhase::Review, &["Keep it", "Listen back"]);
        assert_eq!(
            action_for_key(KeyCode::Space, false, running, Some(&review)),
            Some(SessionAction::Pause)
        );
        assert_eq!(
            action_for_key(KeyCode::Digit2, false, running, Some(&review)),
            Some(SessionAction::Choose(1))
        );
        assert_eq!(
            action_for_key(KeyCode::Digit3, false, running, Some(&review)),
            None
        );
    }

    #[test]
    fn painting_keys_choose_colours_tools_and_undo() {
        use crate::artwork::model::Symmetry;
        let canvas = Canvas::new(Vec::new(), Symmetry::NONE);
        let key = |key, ctrl| paint_action_for_key(key, ctrl, &canvas);
        assert_eq!(key(KeyCode::KeyZ, true), Some(PaintAction::Undo));
        assert_eq!(key(KeyCode::KeyY, true), Some(PaintAction::Redo));
        assert_eq!(key(KeyCode::KeyZ, false), None);
        assert_eq!(
            key(KeyCode::KeyE, false),
            Some(PaintAction::Tool(Tool::Eraser))
        );
        assert_eq!(
            key(KeyCode::KeyE, true),
            None,
            "Ctrl+E still ends the session"
        );
        assert_eq!(key(KeyCode::Digit3, false), Some(PaintAction::Colour(2)));
        assert_eq!(key(KeyCode::Digit0, false), None);
        assert_eq!(
            key(KeyCode::Digit9, false),
            None,
            "the calm palette has 7 colours"
        );
        assert_eq!(
            key(KeyCode::BracketRight, false),
            Some(PaintAction::Widen(true))
        );
        assert_eq!(
            key(KeyCode::BracketLeft, false),
            Some(PaintAction::Widen(false))
        );
        assert_eq!(key(KeyCode::Space, false), None, "Space still pauses");
    }

    #[test]
    fn volume_keys_step_the_master_and_toggle_the_cues() {
        let mut volumes = Volumes {
            master: 0.85,
            ..Volumes::default()
        };
        let press = |key, volumes: &Volumes| {
            let sound = SoundLevels {
                volumes,
                cues_on: 0.6,
                master_cap: 0.9,
            };
            action_for_key(key, false, SessionState::Running, None, sound)
        };
        let set = |bus, level| Some(SessionAction::SetVolume { bus, level });
        assert_eq!(
            press(KeyCode::Equal, &volumes),
            set(Bus::Master, 0.9),
            "= stops at the clinic's cap"
        );
        let Some(SessionAction::SetVolume {
            bus: Bus::Master,
            level,
        }) = press(KeyCode::Minus, &volumes)
        else {
            panic!("minus sets the master volume");
        };
        assert!((level - 0.75).abs() < 1e-6, "{level}");
        assert_eq!(press(KeyCode::KeyB, &volumes), set(Bus::Cues, 0.0));
        volumes.cues = 0.0;
        assert_eq!(press(KeyCode::KeyB, &volumes), set(Bus::Cues, 0.6));
    }
}
