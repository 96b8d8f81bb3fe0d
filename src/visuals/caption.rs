//! The caption: large, high-contrast words on a soft panel about two metres ahead, fixed in
//! the world (never following the gaze). The words are laid out by Bevy's UI into a texture
//! that the panel shows. A new caption fades out the old one and fades in; counts that tick
//! within a step change in place, so nothing ever flickers.

use bevy::prelude::*;

use crate::AppSystems;
use crate::exercises::Detail;
use crate::script::Step;
use crate::session::{SessionRuntime, SessionState};
use crate::visuals::Unlit;

/// Where the caption panel stands: a little above eye level, two metres ahead.
pub const PANEL_POSITION: Vec3 = Vec3::new(0.0, 1.62, -2.0);
/// The panel's size in metres.
pub const PANEL_SIZE: Vec2 = Vec2::new(1.6, 0.5);
/// The texture the words are drawn into, pixels (same aspect as the panel).
const TEXTURE_SIZE: UVec2 = UVec2::new(1280, 400);
/// The caption typeface (DejaVu Sans; see assets/LICENSES.md).
pub const FONT: &str = "fonts/DejaVuSans.ttf";
/// The words' colour: a warm white, high in contrast on the dark panel.
pub const TEXT: Color = Color::srgb(0.96, 0.94, 0.9);
/// The panel behind the words: dark enough that they stand out at least 4.5:1 (WCAG AA) over
/// the brightest sky of any scene, and still a veil through which the scene shows.
const PANEL_BACKING: Color = Color::srgba(0.08, 0.08, 0.12, 0.8);
/// Seconds for a caption to fade out, and the next to fade in.
pub const CAPTION_FADE_SECS: f32 = 0.6;

/// The words showing, and the words waiting to replace them.
#[derive(Resource, Debug, Default)]
struct CaptionState {
    /// What identifies the caption's content (the step, and the prompt within it).
    shown_key: Option<(usize, usize)>,
    /// 0 (hidden) to 1 (fully shown).
    opacity: f32,
}

#[derive(Component)]
struct CaptionPanel(Handle<Unlit>);

#[derive(Component)]
struct CaptionText;

/// Shows the current step's words.
pub fn plugin(app: &mut App) {
    app.init_resource::<CaptionState>()
        .add_systems(Startup, spawn_caption)
        .add_systems(Update, show_caption.in_set(AppSystems::Present));
}

fn spawn_caption(
    mut commands: Commands,
    assets: Res<AssetServer>,
    mut images: ResMut<Assets<Image>>,
    mut meshes: ResMut<Assets<Mesh>>,
    mut materials: ResMut<Assets<Unlit>>,
) {
    let panel = super::WorldPanel {
        name: "Caption",
        order: -1,
        texture_size: TEXTURE_SIZE,
        size: PANEL_SIZE,
        position: PANEL_POSITION,
    }
    .spawn(&mut commands, &mut images, &mut meshes, &mut materials);
    commands
        .entity(panel.quad)
        .insert(CaptionPanel(panel.material));
    commands
        .spawn((
            Name::new("Caption layout"),
            UiTargetCamera(panel.camera),
            Node {
                width: Val::Percent(100.0),
                height: Val::Percent(100.0),
                justify_content: JustifyContent::Center,
                align_items: AlignItems::Center,
                padding: UiRect::axes(Val::Px(48.0), Val::Px(24.0)),
                border_radius: BorderRadius::all(Val::Px(48.0)),
                ..default()
            },
            BackgroundColor(PANEL_BACKING),
        ))
        .with_child((
            CaptionText,
            Text::new(""),
            TextFont {
                font: assets.load(FONT).into(),
                ..TextFont::from_font_size(50.0)
            },
            TextColor(TEXT),
            TextLayout::justify(Justify::Center),
        ));
}

/// The words for the current moment, and what identifies them (so a change of words within
/// the same key, such as a breath count, does not fade).
pub fn caption_for(runtime: &SessionRuntime) -> Option<((usize, usize), String)> {
    if runtime.state() == SessionState::Calm {
        return None;
    }
    let view = runtime.view()?;
    let step = runtime.step_index();
    let (sub, text) = match (&view.detail, runtime.step()) {
        (Detail::Breath(breath), _) => {
            let count = breath.phase_remaining.ceil().max(1.0) as u32;
            let cue = format!("{}   {count}", breath.phase.word());
            match breath.cycle {
                0 if !view.caption.is_empty() => (0, format!("{}\n{cue}", view.caption)),
                _ => (1, cue),
            }
        }
        (Detail::Prompt { index, .. } | Detail::Region { index, .. }, _) => {
            (*index, view.caption.clone())
        }
        (Detail::CheckIn { low, high, answer }, _) => match answer {
            Some(_) => (1, "Thank you.".to_owned()),
            None => (0, format!("{}\n0 is {low}, 10 is {high}", view.caption)),
        },
        // The choices themselves are on the board below (`visuals::board`).
        (
            Detail::Choices {
                chosen: Some(_), ..
            },
            _,
        ) => (1, "Thank you.".to_owned()),
        // Each item fades in as its own words; the confirming and thanks pages after them.
        (Detail::Questionnaire { item, page, .. }, _) => {
            let after = match page {
                crate::exercises::questionnaire::Page::Sent => 1,
                _ => 0,
            };
            (item + after, view.caption.clone())
        }
        (Detail::Closing { fade }, _) if *fade >= 1.0 => return None,
        (_, Some(Step::Rest(_))) if runtime.step_secs() > 20.0 => return None,
        _ => (0, view.caption.clone()),
    };
    (!text.trim().is_empty()).then_some(((step, sub), text))
}

/// The caption's type size: smaller for the longest words (a questionnaire's longer items),
/// so that they still fit the panel.
fn font_size_for(words: &str) -> f32 {
    match words.chars().count() {
        0..=110 => 50.0,
        111..=160 => 42.0,
        _ => 34.0,
    }
}

fn show_caption(
    time: Res<Time<Real>>,
    runtime: Res<SessionRuntime>,
    mut state: ResMut<CaptionState>,
    mut texts: Query<(&mut Text, &mut TextFont), With<CaptionText>>,
    mut panels: Query<(&CaptionPanel, &mut Visibility)>,
    mut materials: ResMut<Assets<Unlit>>,
) {
    let wanted = caption_for(&runtime);
    let change = time.delta_secs() / CAPTION_FADE_SECS;
    let wanted_key = wanted.as_ref().map(|(key, _)| *key);
    if wanted_key == state.shown_key && wanted.is_some() {
        // The same caption: fade in, and let counts tick in place.
        state.opacity = crate::easing::approach(state.opacity, 1.0, change);
        if let Some((_, words)) = &wanted {
            for (mut text, _) in &mut texts {
                if text.0 != *words {
                    text.0.clone_from(words);
                }
            }
        }
    } else if state.opacity > 0.0 {
        // Something else to show (or nothing): fade the old words out first.
        state.opacity = crate::easing::approach(state.opacity, 0.0, change);
    } else {
        state.shown_key = wanted_key;
        if let Some((_, words)) = &wanted {
            for (mut text, mut font) in &mut texts {
                text.0.clone_from(words);
                font.font_size = FontSize::Px(font_size_for(words));
            }
        }
    }
    for (panel, visibility) in &mut panels {
        super::show_faded(state.opacity, visibility, &mut materials, &panel.0);
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::session::{SessionAction, Volumes, test_runtime as runtime};

    #[test]
    fn breath_counts_change_in_place_and_calm_hides_the_caption() {
        let (mut runtime, _dir) = runtime(
            r#"Breathing(pattern: Box(side: "4s"), cycles: 2, caption: "Follow the light."),
               CheckIn(id: "suds", scale: Suds)"#,
        );
        runtime.tick(Duration::from_millis(500));
        let (first_key, first) = caption_for(&runtime).unwrap();
        assert_eq!(first, "Follow the light.\nin   4");
        runtime.tick(Duration::from_secs(2));
        let (key, text) = caption_for(&runtime).unwrap();
        assert_eq!(
            (key, text.as_str()),
            (first_key, "Follow the light.\nin   2")
        );
        // After the first breath only the cue remains: a new caption, which fades.
        runtime.tick(Duration::from_secs(16));
        let (later_key, later) = caption_for(&runtime).unwrap();
        assert_ne!(later_key, first_key);
        assert_eq!(later, "in   2");
        let mut volumes = Volumes::default();
        runtime.apply(&SessionAction::Calm, &mut volumes);
        assert_eq!(caption_for(&runtime), None);
        runtime.apply(&SessionAction::EndCalm, &mut volumes);
        runtime.tick(Duration::from_secs(14));
        let (_, question) = caption_for(&runtime).unwrap();
        assert!(question.starts_with("How much distress"), "{question}");
        runtime.apply(&SessionAction::Answer(3), &mut volumes);
        assert_eq!(
            caption_for(&runtime).map(|(_, text)| text).as_deref(),
            Some("Thank you.")
        );
    }
}
