//! Sessions run only to be seen, heard or tried (a picture of a moment, a benchmark, the
//! audio export, a simulation without a record file): their record goes into a temporary
//! folder that is removed afterwards.

use std::path::{Path, PathBuf};

use bevy::prelude::*;

use super::SessionAction;

/// The patient code of sessions started only to take a picture, measure or export sound.
pub const PREVIEW_PATIENT: &str = "PREVIEW-1";

/// A record file in a temporary folder, removed (with the folder) when this is dropped.
#[derive(Resource, Debug)]
pub struct ThrowawayRecord {
    #[expect(
        dead_code,
        reason = "held so the folder lives as long as the record is used"
    )]
    folder: tempfile::TempDir,
    path: PathBuf,
}

impl ThrowawayRecord {
    /// A new temporary folder holding (once written) the record `file_name`.
    pub fn new(file_name: &str) -> Result<Self, String> {
        let folder = tempfile::tempdir()
            .map_err(|error| format!("cannot make a temporary folder: {error}"))?;
        let path = folder.path().join(file_name);
        Ok(Self { folder, path })
    }

    /// Where the record is written.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Starts a session for [`PREVIEW_PATIENT`] recorded here.
    pub fn preview_start(&self) -> SessionAction {
        SessionAction::Start {
            patient: PREVIEW_PATIENT.to_owned(),
            record: Some(self.path.clone()),
        }
    }
}
