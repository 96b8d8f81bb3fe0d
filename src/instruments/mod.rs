//! Validated clinical questionnaires (PHQ-9, GAD-7, PCL-5, and any a clinic adds) as data:
//! their items, answers and published scoring rules, read from `*.instrument.ron` files and
//! checked with `path:line:column` messages like sessions. Scoring, bands, PCL-5's two
//! screening results (the DSM-5 cluster rule and the cut-point), safety items and the course rules (reliable change, response,
//! remission) live here; taking a questionnaire and charting it build on this.

pub mod course;
pub mod library;
mod model;
mod parse;
mod score;

pub use course::{CourseChange, course_change};
pub use library::InstrumentSet;
pub use model::{Band, Cluster, Instrument, Item, Response, Safety};
pub use parse::parse_instrument;
pub use score::{ClusterScore, SafetyAlert, ScoreError, Scored, cluster_rule};
