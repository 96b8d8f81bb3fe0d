//! Session scripts: the RON format, parsing, validation, and loading them as Bevy assets
//! (hot-reloaded while a clinic edits them).

pub mod diagnostic;
pub mod duration;
pub mod library;
pub mod model;
pub mod outline;
pub mod parse;
pub mod unvoiced;
pub mod validate;
pub mod voice_note;

use bevy::asset::{AssetLoader, LoadContext, io::Reader};
use bevy::prelude::*;

pub use diagnostic::{Diagnostic, Severity};
pub use duration::HumanDuration;
pub use model::*;
pub use parse::parse_session;

/// A session file that parsed and passed validation: the [`Session`] it describes, which
/// exact file it was, and the problems that do not stop it from running. The command line
/// reads it with [`parse_session`]; the window loads it as an asset.
#[derive(Asset, TypePath, Clone, Debug)]
pub struct SessionScript {
    /// The session as written.
    pub session: Session,
    /// SHA-256 of the file's bytes, so records can name exactly which script ran.
    pub sha256: String,
    /// Problems that do not stop the session from running.
    pub warnings: Vec<Diagnostic>,
}

/// Loads `*.session.ron` files through the same parse-and-validate path as the command line.
#[derive(TypePath)]
pub struct SessionScriptLoader {
    /// What validation checks against.
    pub context: validate::Context,
}

/// A session file that failed to load; the text holds every problem, located.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file could not be read.
    #[error("cannot read the session file: {0}")]
    Io(#[from] std::io::Error),
    /// The file has problems.
    #[error("{0}")]
    Invalid(String),
}

impl AssetLoader for SessionScriptLoader {
    type Asset = SessionScript;
    type Settings = ();
    type Error = LoadError;

    async fn load(
        &self,
        reader: &mut dyn Reader,
        _settings: &(),
        load_context: &mut LoadContext<'_>,
    ) -> Result<SessionScript, LoadError> {
        let mut bytes = Vec::new();
        reader.read_to_end(&mut bytes).await?;
        let shown = load_context.path().to_string();
        match parse_session(&shown, &bytes, &self.context) {
            Ok(checked) => {
                for warning in &checked.warnings {
                    warn!("{warning}");
                }
                Ok(checked)
            }
            Err(problems) => {
                let source = String::from_utf8_lossy(&bytes);
                let text = problems
                    .iter()
                    .map(|problem| problem.render(&source, false))
                    .collect::<String>();
                Err(LoadError::Invalid(text))
            }
        }
    }

    fn extensions(&self) -> &[&str] {
        &[library::EXTENSION]
    }
}

/// Registers session scripts as assets.
pub struct ScriptPlugin {
    /// What validation checks against: the assets folder and the brightness ceiling.
    pub context: validate::Context,
}

impl Plugin for ScriptPlugin {
    fn build(&self, app: &mut App) {
        app.init_asset::<SessionScript>()
            .register_asset_loader(SessionScriptLoader {
                context: self.context.clone(),
            });
    }
}
