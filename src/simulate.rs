//! `stillpoint simulate`: a session run headless through the real runtime at full speed,
//! with simulated time and a scripted list of therapist actions.

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bevy::ecs::schedule::SingleThreadedExecutor;
use bevy::prelude::*;
use bevy::time::TimeUpdateStrategy;

use crate::audio::capture::{SoundIn, WavSource};
use crate::exercises::Status;
use crate::script::{Posture, SessionScript};
use crate::session::record::Bus;
use crate::session::{ReadyScript, SessionAction, SessionRuntime, SessionState};
use crate::voice::wav::MonoSound;
use crate::{AppSystems, LogicPlugin};

/// Actions to apply at given session times (seconds), soonest first.
#[derive(Resource, Debug, Default, Clone)]
pub struct ScriptedActions(pub VecDeque<(f64, SessionAction)>);

impl ScriptedActions {
    /// The actions, in time order.
    pub fn new(mut actions: Vec<(f64, SessionAction)>) -> Self {
        actions.sort_by(|a, b| a.0.total_cmp(&b.0));
        Self(actions.into())
    }
}

/// Steps that wait for a person with no time limit are continued after this many seconds.
#[derive(Resource, Debug, Clone, Copy)]
pub struct AutoContinueAfter(pub f64);

/// Plays the therapist's part in a simulation: scripted actions at their times, and
/// continuing waiting steps after a delay.
pub fn plugin(app: &mut App) {
    app.add_plugins(scripted_actions_plugin)
        .insert_resource(AutoContinueAfter(60.0))
        .add_systems(Update, continue_waiting_steps.in_set(AppSystems::Input));
}

/// Sends [`ScriptedActions`] into the runtime when the session clock reaches them (used by
/// `simulate` and by `run --action` for previews).
pub fn scripted_actions_plugin(app: &mut App) {
    app.init_resource::<ScriptedActions>()
        .add_systems(Update, send_due_actions.in_set(AppSystems::Input));
}

/// Sends the scripted actions whose time has come.
pub fn send_due_actions(
    mut scripted: ResMut<ScriptedActions>,
    runtime: Res<SessionRuntime>,
    mut actions: MessageWriter<SessionAction>,
) {
    // Times are session times: nothing is due before the session has started.
    if !runtime.is_under_way() {
        return;
    }
    let now = runtime.session_secs();
    // Frame times accumulate in whole nanoseconds; allow for their rounding.
    while scripted.0.front().is_some_and(|(at, _)| *at <= now + 1e-4) {
        if let Some((_, action)) = scripted.0.pop_front() {
            actions.write(action);
        }
    }
}

fn continue_waiting_steps(
    runtime: Res<SessionRuntime>,
    after: Res<AutoContinueAfter>,
    mut actions: MessageWriter<SessionAction>,
) {
    let holding = runtime
        .view()
        .is_some_and(|view| view.status == Status::Holding);
    if runtime.state() == SessionState::Running && holding && runtime.step_secs() >= after.0 {
        actions.write(SessionAction::AutoContinue);
    }
}

/// A brush moving smoothly through the paint step: flowing loops around the canvas centre,
/// in strokes of a few hundred points with a new colour each, until it has laid down its
/// points. It sends the same actions a controller does.
#[derive(Resource, Debug, Clone)]
pub struct SyntheticPaint {
    /// Points still to paint in this paint step.
    pub left: usize,
    /// Points to paint per paint step.
    pub total: usize,
    /// Brush samples per frame.
    pub per_frame: usize,
    /// Samples sent so far (the curve's parameter).
    samples: u64,
    /// The paint step being painted, and the canvas's points when the brush last moved.
    step: Option<(usize, usize)>,
    /// Samples sent last frame: the most points they can have added.
    sent: usize,
}

/// Samples in one synthetic stroke.
const SYNTHETIC_STROKE: u64 = 300;

impl SyntheticPaint {
    /// `total` points per paint step, spread over about eight simulated minutes at `hz`.
    pub fn new(total: usize, hz: f64) -> Self {
        let frames = (480.0 * hz).max(1.0);
        Self {
            left: total,
            total,
            per_frame: (total as f64 / frames).ceil().max(1.0) as usize,
            samples: 0,
            step: None,
            sent: 0,
        }
    }

    /// `total` points per paint step at `per_frame` brush samples a frame.
    pub fn at_rate(total: usize, per_frame: usize) -> Self {
        Self {
            left: total,
            total,
            per_frame: per_frame.max(1),
            samples: 0,
            step: None,
            sent: 0,
        }
    }

    /// Where the brush is at sample `n`: each stroke a small flower of loops (4–10 cm)
    /// around its own spot, the spots spread over the canvas like seeds in a sunflower,
    /// drifting gently in depth; samples about 5 mm apart.
    pub fn brush_at(n: u64) -> Vec3 {
        let stroke = n / SYNTHETIC_STROKE;
        let t = (n % SYNTHETIC_STROKE) as f32 * 0.07;
        let petals = 2.0 + (stroke % 4) as f32;
        let spot = Vec2::from_angle(stroke as f32 * 2.4) * (0.04 + 0.02 * (stroke % 9) as f32);
        let radius = 0.04 + 0.06 * (0.5 + 0.5 * (petals * t * 0.5).sin());
        let depth = 0.05 * (t * 0.37 + stroke as f32).sin();
        crate::artwork::model::CANVAS_CENTRE
            + Vec3::new(spot.x + radius * t.cos(), spot.y + radius * t.sin(), depth)
    }
}

/// Moves the synthetic brush while a paint step is running.
fn paint_synthetically(
    runtime: Res<SessionRuntime>,
    mut painter: ResMut<SyntheticPaint>,
    mut actions: MessageWriter<SessionAction>,
) {
    use crate::artwork::PaintAction;
    let Some(painting) = runtime.painting() else {
        return;
    };
    if runtime.state() != SessionState::Running {
        return;
    }
    let points = painting.canvas().point_count();
    match painter.step {
        Some((step, _)) if step == painting.step() => {}
        _ => {
            painter.left = painter.total;
            painter.step = Some((painting.step(), points));
        }
    }
    // Count what the canvas really kept of last frame's samples (an earlier painting
    // opening meanwhile is not the brush's work).
    if let Some((step, before)) = painter.step {
        let laid = points.saturating_sub(before).min(painter.sent);
        painter.left = painter.left.saturating_sub(laid);
        painter.step = Some((step, points));
    }
    painter.sent = 0;
    if painter.left == 0 {
        if painting.canvas().active().is_some() {
            actions.write(SessionAction::Paint(PaintAction::Release));
        }
        return;
    }
    for _ in 0..painter.per_frame.min(painter.left) {
        let n = painter.samples;
        painter.samples += 1;
        painter.sent += 1;
        let at = SyntheticPaint::brush_at(n);
        let pressure = 0.6 + 0.4 * (n as f32 * 0.05).sin().abs();
        let action = match n % SYNTHETIC_STROKE {
            0 => {
                let colours = painting.canvas().palette().len() as u64;
                actions.write(SessionAction::Paint(PaintAction::Colour(
                    (n / SYNTHETIC_STROKE % colours.max(1)) as usize,
                )));
                PaintAction::Press { at, pressure }
            }
            last if last == SYNTHETIC_STROKE - 1 => PaintAction::Release,
            _ => PaintAction::Drag { at, pressure },
        };
        actions.write(SessionAction::Paint(action));
    }
}

/// Every action `--action T=ACTION` takes, as the docs and the error message write them
/// (`N` a whole number, `BUS` a volume, `LEVEL` from 0 to 1, `NAME` a posture).
pub const ACTIONS: [&str; 15] = [
    "pause",
    "resume",
    "next",
    "back",
    "calm",
    "calm-end",
    "end",
    "answer:N",
    "item-back",
    "confirm",
    "acknowledge",
    "choose:N",
    "stop-recording",
    "volume:BUS:LEVEL",
    "posture:NAME",
];

/// Parses `T=ACTION`: T in seconds (`90`, `12.5`) or as a duration (`"3m"`); ACTION one of
/// pause, resume, next, back, calm, calm-end, end, answer:N (a check-in, or the questionnaire
/// item showing), item-back, confirm (send a questionnaire's answers), acknowledge (the first
/// safety alert waiting), choose:N (an intention's choice, or a voice note's board),
/// stop-recording (the patient is done speaking a voice note), volume:BUS:LEVEL,
/// posture:seated|reclined|lying.
pub fn parse_timed_action(text: &str) -> Result<(f64, SessionAction), String> {
    let (time, action) = text
        .split_once('=')
        .ok_or_else(|| format!("\"{text}\": write actions as TIME=ACTION, e.g. 30=pause"))?;
    let time = time.trim();
    let at = time
        .parse::<f64>()
        .ok()
        .filter(|secs| secs.is_finite() && *secs >= 0.0)
        .or_else(|| {
            crate::script::HumanDuration::parse(time)
                .ok()
                .map(|d| d.secs())
        })
        .ok_or_else(|| format!("\"{time}\" is not a time in seconds"))?;
    Ok((at, parse_action(action.trim())?))
}

/// A posture by its name, in any case.
fn parse_posture(name: &str) -> Result<Posture, String> {
    Posture::ALL
        .into_iter()
        .find(|posture| posture.label().eq_ignore_ascii_case(name))
        .ok_or_else(|| format!("\"{name}\" is not a posture: use seated, reclined or lying"))
}

fn parse_action(text: &str) -> Result<SessionAction, String> {
    let number = |value: &str| {
        value
            .parse::<u32>()
            .map_err(|_| format!("\"{value}\" in \"{text}\" is not a whole number"))
    };
    Ok(match text.split(':').collect::<Vec<_>>().as_slice() {
        ["pause"] => SessionAction::Pause,
        ["resume"] => SessionAction::Resume,
        ["next"] => SessionAction::Next,
        ["back"] => SessionAction::Back,
        ["calm"] => SessionAction::Calm,
        ["posture", name] => SessionAction::SetPosture(parse_posture(name)?),
        ["calm-end"] => SessionAction::EndCalm,
        ["end"] => SessionAction::End,
        ["answer", value] => SessionAction::Answer(number(value)?),
        ["item-back"] => SessionAction::AnswerBack,
        ["confirm"] => SessionAction::ConfirmAnswers,
        ["acknowledge"] => SessionAction::AcknowledgeSafetyAlert,
        ["choose", value] => SessionAction::Choose(number(value)?),
        ["stop-recording"] => SessionAction::StopRecording,
        ["volume", bus, level] => SessionAction::SetVolume {
            bus: match *bus {
                "master" => Bus::Master,
                "narration" => Bus::Narration,
                "soundscape" => Bus::Soundscape,
                "cues" => Bus::Cues,
                other => {
                    return Err(format!(
                        "\"{other}\" is not a volume: use master, narration, soundscape or cues"
                    ));
                }
            },
            level: level
                .parse()
                .map_err(|_| format!("\"{level}\" is not a level between 0 and 1"))?,
        },
        _ => {
            let (last, others) = ACTIONS.split_last().unwrap_or((&"", &[]));
            return Err(format!(
                "\"{text}\" is not an action: use {} or {last}",
                others.join(", ")
            ));
        }
    })
}

/// How to run a simulation.
#[derive(Debug, Clone)]
pub struct Simulation {
    /// The script.
    pub script: SessionScript,
    /// The patient code written in the record.
    pub patient: String,
    /// Therapist and patient actions at session times.
    pub actions: Vec<(f64, SessionAction)>,
    /// Simulated frames per second.
    pub hz: f64,
    /// The record file to write, or to continue when `resume` is set.
    pub record: PathBuf,
    /// Continue the unfinished record instead of starting a new one.
    pub resume: bool,
    /// Waiting steps continue after this many simulated seconds.
    pub auto_continue_secs: f64,
    /// Stroke points of smooth synthetic brush motion to paint in each paint step.
    pub synthetic_paint: usize,
    /// An earlier painting (artwork file or record) for paint steps to continue.
    pub artwork_from: Option<PathBuf>,
    /// The questionnaires the script's questionnaire steps use.
    pub instruments: crate::instruments::InstrumentSet,
    /// What the patient says into the microphone in voice-note steps (each recording hears
    /// it from its start); without it the simulation has no microphone.
    pub voice: Option<MonoSound>,
}

/// What a simulation did.
#[derive(Debug, Clone)]
pub struct SimulationOutcome {
    /// Frames simulated.
    pub frames: u64,
    /// Median wall time of one frame's update, microseconds.
    pub frame_us_p50: f64,
    /// 99th percentile of the same.
    pub frame_us_p99: f64,
    /// Where the runtime stopped.
    pub final_state: SessionState,
    /// Session time at the end.
    pub session_secs: f64,
}

/// Runs every schedule of `app` on the calling thread. The logic's few small systems are
/// far cheaper than handing them to worker threads each frame.
pub fn single_threaded(app: &mut App) {
    for (_, schedule) in app.world_mut().resource_mut::<Schedules>().iter_mut() {
        schedule.set_executor(SingleThreadedExecutor::new());
    }
}

/// Builds the headless app a simulation runs in.
pub fn headless_app(simulation: &Simulation, records_folder: PathBuf) -> App {
    headless_app_on(App::new(), simulation, records_folder)
}

/// Builds a simulation's headless app on `app`, which may already hold plugins of its own
/// (a test's window plugin, added first as the desktop app adds it).
pub fn headless_app_on(mut app: App, simulation: &Simulation, records_folder: PathBuf) -> App {
    app.add_plugins((MinimalPlugins, LogicPlugin { records_folder }, plugin))
        .insert_resource(TimeUpdateStrategy::ManualDuration(Duration::from_secs_f64(
            1.0 / simulation.hz,
        )))
        .insert_resource(ReadyScript(Some(Arc::new(simulation.script.clone()))))
        .insert_resource(AutoContinueAfter(simulation.auto_continue_secs))
        .insert_resource(simulation.instruments.clone());
    app.world_mut()
        .resource_mut::<Time<Virtual>>()
        .set_max_delta(Duration::from_secs(3600));
    app.insert_resource(ScriptedActions::new(simulation.actions.clone()));
    app.insert_resource(match &simulation.voice {
        Some(voice) => {
            SoundIn::from_source(WavSource::new("given with --voice-from", voice.clone()))
        }
        None => SoundIn::none(
            "No microphone in a simulation: give --voice-from FILE.wav for the patient's voice.",
        ),
    })
    .add_plugins(crate::audio::voice_note::plugin);
    if simulation.synthetic_paint > 0 {
        app.insert_resource(SyntheticPaint::new(
            simulation.synthetic_paint,
            simulation.hz,
        ))
        .add_systems(Update, paint_synthetically.in_set(AppSystems::Input));
    }
    if let Some(from) = &simulation.artwork_from {
        app.insert_resource(crate::session::painting::ArtworkToReopen(from.clone()));
    }
    let start = if simulation.resume {
        SessionAction::ResumeRecord {
            path: simulation.record.clone(),
        }
    } else {
        SessionAction::Start {
            patient: simulation.patient.clone(),
            record: Some(simulation.record.clone()),
        }
    };
    app.world_mut().write_message(start);
    single_threaded(&mut app);
    app
}

/// Runs the simulation until the session finishes (or cannot: then an error).
pub fn run(simulation: &Simulation) -> Result<SimulationOutcome, String> {
    if !(1.0..=10_000.0).contains(&simulation.hz) {
        return Err(format!("--hz {} is outside 1 to 10000", simulation.hz));
    }
    let folder = simulation
        .record
        .parent()
        .map(PathBuf::from)
        .unwrap_or_default();
    let mut app = headless_app(simulation, folder);
    let last_action = simulation
        .actions
        .iter()
        .map(|(at, _)| *at)
        .fold(0.0, f64::max);
    let steps = simulation.script.session.steps.len() as f64;
    let budget_secs = simulation.script.session.expected_secs() * 2.0
        + steps * simulation.auto_continue_secs
        + last_action
        + 600.0;
    let max_frames = (budget_secs * simulation.hz).ceil() as u64;
    let mut frame_nanos: Vec<u64> = Vec::new();
    loop {
        let started = Instant::now();
        app.update();
        frame_nanos.push(started.elapsed().as_nanos() as u64);
        let runtime = app.world().resource::<SessionRuntime>();
        if let Some(problem) = runtime.record_problem() {
            return Err(problem.to_owned());
        }
        match runtime.state() {
            SessionState::Finished => break,
            SessionState::Idle if frame_nanos.len() > 2 => {
                return Err("the session did not start (see the log above)".to_owned());
            }
            state if frame_nanos.len() as u64 >= max_frames => {
                return Err(format!(
                    "the session was still {state:?} at {:.0}s of session time; end it with an action such as {:.0}=end",
                    runtime.session_secs(),
                    runtime.session_secs()
                ));
            }
            _ => {}
        }
    }
    app.world_mut()
        .resource_mut::<SessionRuntime>()
        .wait_for_exports();
    let runtime = app.world().resource::<SessionRuntime>();
    let outcome = SimulationOutcome {
        frames: frame_nanos.len() as u64,
        frame_us_p50: percentile(&mut frame_nanos, 0.50) / 1000.0,
        frame_us_p99: percentile(&mut frame_nanos, 0.99) / 1000.0,
        final_state: runtime.state(),
        session_secs: runtime.session_secs(),
    };
    Ok(outcome)
}

/// The `fraction` percentile of `values` (sorted in place).
pub fn percentile(values: &mut [u64], fraction: f64) -> f64 {
    if values.is_empty() {
        return 0.0;
    }
    values.sort_unstable();
    let index = ((values.len() - 1) as f64 * fraction).round() as usize;
    values[index] as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_action_parses_with_an_example_value() {
        for action in ACTIONS {
            let example = action
                .replace(":NAME", ":reclined")
                .replace(":N", ":1")
                .replace("BUS:LEVEL", "master:0.5");
            assert!(
                parse_timed_action(&format!("1={example}")).is_ok(),
                "{action} as {example}"
            );
        }
        let refused = parse_timed_action("1=dance").expect_err("not an action");
        assert!(
            refused.ends_with("volume:BUS:LEVEL or posture:NAME"),
            "{refused}"
        );
    }

    #[test]
    fn actions_parse_as_documented() {
        assert_eq!(
            parse_timed_action("30=pause"),
            Ok((30.0, SessionAction::Pause))
        );
        assert_eq!(
            parse_timed_action("12.5=answer:4"),
            Ok((12.5, SessionAction::Answer(4)))
        );
        assert_eq!(
            parse_timed_action("3m=calm-end"),
            Ok((180.0, SessionAction::EndCalm))
        );
        assert_eq!(
            parse_timed_action("5=volume:cues:0.5"),
            Ok((
                5.0,
                SessionAction::SetVolume {
                    bus: Bus::Cues,
                    level: 0.5
                }
            ))
        );
        assert_eq!(
            parse_timed_action("1=posture:Lying"),
            Ok((1.0, SessionAction::SetPosture(Posture::Lying)))
        );
        for bad in [
            "pause",
            "x=pause",
            "3=posture:standing",
            "3=dance",
            "3=answer:many",
            "-1=pause",
            "3=volume:loud:1",
        ] {
            assert!(parse_timed_action(bad).is_err(), "{bad}");
        }
    }
}
