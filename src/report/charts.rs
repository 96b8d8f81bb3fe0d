//! The report's charts, drawn with plotters as SVG: check-in answers across the course,
//! sessions by phase, and each questionnaire's totals with its bands.

use std::collections::BTreeMap;
use std::fmt::Write;

use plotters::element::DashedPathElement;
use plotters::prelude::*;

use super::outcomes::InstrumentCourse;
use super::summary::SessionSummary;
use crate::script::Phase;

/// Calm, print-friendly colours for the chart lines (one per check-in).
const PALETTE: [RGBColor; 6] = [
    RGBColor(70, 110, 160),
    RGBColor(200, 120, 90),
    RGBColor(90, 150, 120),
    RGBColor(150, 110, 170),
    RGBColor(190, 160, 70),
    RGBColor(110, 110, 110),
];
const INK: RGBColor = RGBColor(60, 60, 70);
/// Grid lines: fine and major.
const GRID_LIGHT: RGBColor = RGBColor(235, 235, 240);
const GRID_BOLD: RGBColor = RGBColor(215, 215, 222);
const FONT: &str = "sans-serif";

/// A drawn chart.
#[derive(Clone, Debug, PartialEq)]
pub struct Chart {
    /// The SVG text.
    pub svg: String,
    /// What it shows, for screen readers and the report's caption.
    pub description: String,
}

/// The series of the course chart: for each check-in id, (session number from 1, value).
pub fn check_in_series(sessions: &[SessionSummary]) -> BTreeMap<String, Vec<(u32, u32)>> {
    let mut series: BTreeMap<String, Vec<(u32, u32)>> = BTreeMap::new();
    for (number, session) in (1u32..).zip(sessions) {
        let ids: std::collections::BTreeSet<&str> = session
            .answers
            .iter()
            .map(|answer| answer.id.as_str())
            .collect();
        for id in ids {
            if let Some(value) = session.answer(id) {
                series
                    .entry(id.to_owned())
                    .or_default()
                    .push((number, value));
            }
        }
    }
    series
}

fn draw_error<E: std::fmt::Debug>(error: E) -> String {
    format!("the chart could not be drawn: {error:?}")
}

/// Check-in answers (0–10) session by session, one line per check-in.
pub fn course_check_ins(sessions: &[SessionSummary]) -> Result<Chart, String> {
    let series = check_in_series(sessions);
    let count = sessions.len().max(1) as u32;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (760, 360)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_error)?;
        // The key sits beside the plot so it never hides a point.
        let (plot, key) = root.split_horizontally(590);
        let mut chart = ChartBuilder::on(&plot)
            .margin(16)
            .x_label_area_size(40)
            .y_label_area_size(44)
            .caption(
                "Check-in answers across the course",
                (FONT, 20).into_font().color(&INK),
            )
            .build_cartesian_2d(0.5f64..f64::from(count) + 0.5, 0f64..10.5)
            .map_err(draw_error)?;
        chart
            .configure_mesh()
            .x_labels(count.min(20) as usize)
            .x_label_formatter(&|x| format!("{}", x.round() as i64))
            .y_labels(6)
            .y_label_formatter(&|y| format!("{}", y.round() as i64))
            .x_desc("session")
            .y_desc("answer (0-10)")
            .light_line_style(GRID_LIGHT)
            .bold_line_style(GRID_BOLD)
            .axis_style(INK)
            .label_style((FONT, 13).into_font().color(&INK))
            .draw()
            .map_err(draw_error)?;
        for (index, (id, points)) in series.iter().enumerate() {
            let colour = PALETTE[index % PALETTE.len()];
            let points: Vec<(f64, f64)> = points
                .iter()
                .map(|&(x, y)| (f64::from(x), f64::from(y)))
                .collect();
            chart
                .draw_series(LineSeries::new(points.clone(), colour.stroke_width(2)))
                .map_err(draw_error)?;
            chart
                .draw_series(
                    points
                        .iter()
                        .map(|&point| Circle::new(point, 4, colour.filled())),
                )
                .map_err(draw_error)?;
            let y = 60 + 24 * index as i32;
            key.draw(&PathElement::new(
                vec![(8, y), (30, y)],
                colour.stroke_width(3),
            ))
            .map_err(draw_error)?;
            key.draw(&Text::new(
                id.clone(),
                (38, y - 7),
                (FONT, 13).into_font().color(&INK),
            ))
            .map_err(draw_error)?;
        }
        root.present().map_err(draw_error)?;
    }
    let description = if series.is_empty() {
        "No check-ins were answered in these sessions.".to_owned()
    } else {
        series
            .iter()
            .map(|(id, points)| {
                let values: Vec<String> =
                    points.iter().map(|(_, value)| value.to_string()).collect();
                format!("{id}: {}", values.join(", "))
            })
            .collect::<Vec<_>>()
            .join("; ")
    };
    Ok(Chart { svg, description })
}

/// How many sessions of each phase.
pub fn phase_counts(sessions: &[SessionSummary]) -> [(Phase, u32); 3] {
    let count = |phase| {
        sessions
            .iter()
            .filter(|session| session.phase == Some(phase))
            .count() as u32
    };
    [
        (Phase::BeforeDosing, count(Phase::BeforeDosing)),
        (Phase::DuringDosing, count(Phase::DuringDosing)),
        (Phase::Integration, count(Phase::Integration)),
    ]
}

/// Sessions by phase, as bars.
pub fn sessions_by_phase(sessions: &[SessionSummary]) -> Result<Chart, String> {
    let counts = phase_counts(sessions);
    let highest = counts
        .iter()
        .map(|(_, count)| *count)
        .max()
        .unwrap_or(0)
        .max(1);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (420, 300)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_error)?;
        let mut chart = ChartBuilder::on(&root)
            .margin(16)
            .x_label_area_size(36)
            .y_label_area_size(36)
            .caption("Sessions by phase", (FONT, 20).into_font().color(&INK))
            .build_cartesian_2d((0u32..2u32).into_segmented(), 0u32..highest + 1)
            .map_err(draw_error)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .y_labels((highest + 2).min(8) as usize)
            .x_label_formatter(&|x| match x {
                SegmentValue::CenterOf(index) => counts
                    .get(*index as usize)
                    .map(|(phase, _)| phase.label().to_owned())
                    .unwrap_or_default(),
                _ => String::new(),
            })
            .light_line_style(GRID_LIGHT)
            .bold_line_style(GRID_BOLD)
            .axis_style(INK)
            .label_style((FONT, 13).into_font().color(&INK))
            .draw()
            .map_err(draw_error)?;
        chart
            .draw_series(
                Histogram::vertical(&chart)
                    .margin(18)
                    .style(PALETTE[0].mix(0.75).filled())
                    .data((0u32..).zip(counts.iter().map(|(_, count)| *count))),
            )
            .map_err(draw_error)?;
        root.present().map_err(draw_error)?;
    }
    let description = counts
        .iter()
        .map(|(phase, count)| format!("{}: {count}", phase.label()))
        .collect::<Vec<_>>()
        .join(", ");
    Ok(Chart { svg, description })
}

/// Safety alerts are marked in this colour: warm and clear, not alarming.
const ALERT: RGBColor = RGBColor(178, 74, 52);
/// The cut-off line: the page's colour for what needs a look, not an alarm.
const CUTOFF: RGBColor = RGBColor(154, 90, 30);
/// Band lines: soft, dashed.
const BAND: RGBColor = RGBColor(150, 154, 170);

/// One instrument's totals in date order, on its whole scale (0 to its highest total), with
/// a dashed line at each severity band labelled with the band's name, the cut-off where
/// there is one, a ring round a total given with a safety alert and a square round one that
/// meets the cluster rule (PCL-5's DSM-5 rule).
pub fn questionnaire_totals(course: &InstrumentCourse) -> Result<Chart, String> {
    let top = f64::from(course.max_total());
    let count = course.taken.len();
    let dates: Vec<String> = course
        .taken
        .iter()
        .map(|taken| taken.administration.date().to_owned())
        .collect();
    let points: Vec<(f64, f64)> = course
        .taken
        .iter()
        .enumerate()
        .map(|(index, taken)| (index as f64 + 1.0, f64::from(taken.administration.total)))
        .collect();
    let lines = course.chart_lines();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (760, 340)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_error)?;
        // The band names sit beside the plot so they never hide a point.
        let (plot, _) = root.split_horizontally(600);
        let title = match &course.instrument {
            Some(instrument) => format!("{}: total 0-{}", course.name, instrument.max_total()),
            None => format!("{}: totals", course.name),
        };
        let mut chart = ChartBuilder::on(&plot)
            .margin(16)
            .x_label_area_size(40)
            .y_label_area_size(44)
            .caption(title, (FONT, 20).into_font().color(&INK))
            .build_cartesian_2d(0.5f64..count.max(1) as f64 + 0.5, 0f64..top)
            .map_err(draw_error)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(count.clamp(1, 7))
            .x_label_formatter(&|x| {
                // Only whole positions are administrations.
                if (x - x.round()).abs() > 1e-6 {
                    return String::new();
                }
                (x.round() as usize)
                    .checked_sub(1)
                    .and_then(|index| dates.get(index))
                    .cloned()
                    .unwrap_or_default()
            })
            .y_labels(6)
            .y_label_formatter(&|y| format!("{}", y.round() as i64))
            .x_desc("date taken")
            .y_desc("total")
            .light_line_style(WHITE)
            .bold_line_style(GRID_LIGHT)
            .axis_style(INK)
            .label_style((FONT, 13).into_font().color(&INK))
            .draw()
            .map_err(draw_error)?;
        let (left, right) = (0.5, count.max(1) as f64 + 0.5);
        // Labels at one total share a line: "Probable PTSD (33) · cut-off".
        let mut placed: Vec<(u32, String, bool)> = Vec::new();
        for line in &lines {
            match placed.iter_mut().find(|(at, _, _)| *at == line.at) {
                Some((_, label, cutoff)) => {
                    label.push_str(if line.cutoff { " · cut-off" } else { "" });
                    *cutoff |= line.cutoff;
                }
                None if line.cutoff => placed.push((line.at, line.label.clone(), true)),
                None => placed.push((line.at, format!("{} ({})", line.label, line.at), false)),
            }
        }
        placed.sort_by_key(|(at, _, _)| *at);
        let mut last_label_y = i32::MAX;
        for (at, label, cutoff) in &placed {
            let y = f64::from(*at);
            let (colour, width) = if *cutoff {
                (CUTOFF.mix(0.8), 2)
            } else {
                (BAND.mix(1.0), 1)
            };
            chart
                .draw_series(std::iter::once(DashedPathElement::new(
                    vec![(left, y), (right, y)],
                    6,
                    4,
                    colour.stroke_width(width),
                )))
                .map_err(draw_error)?;
            let (x, mut label_y) = chart.backend_coord(&(right, y));
            // Keep labels of close bands apart.
            label_y = label_y.min(last_label_y - 15);
            last_label_y = label_y;
            root.draw(&Text::new(
                label.clone(),
                (x + 8, label_y - 7),
                (FONT, 13)
                    .into_font()
                    .color(if *cutoff { &CUTOFF } else { &INK }),
            ))
            .map_err(draw_error)?;
        }
        let colour = PALETTE[0];
        chart
            .draw_series(LineSeries::new(points.clone(), colour.stroke_width(2)))
            .map_err(draw_error)?;
        chart
            .draw_series(
                points
                    .iter()
                    .map(|&point| Circle::new(point, 5, colour.filled())),
            )
            .map_err(draw_error)?;
        for (&(x, y), taken) in points.iter().zip(&course.taken) {
            let (px, py) = chart.backend_coord(&(x, y));
            root.draw(&Text::new(
                taken.administration.total.to_string(),
                (px - 4, py - 22),
                (FONT, 13).into_font().color(&INK),
            ))
            .map_err(draw_error)?;
            if taken.has_alert() {
                root.draw(&Circle::new((px, py), 9, ALERT.stroke_width(2)))
                    .map_err(draw_error)?;
            }
            // The cluster rule met: a square round the point (the cut-point is its line).
            if taken.administration.cluster_rule == Some(true) {
                root.draw(&Rectangle::new(
                    [(px - 12, py - 12), (px + 12, py + 12)],
                    CUTOFF.stroke_width(2),
                ))
                .map_err(draw_error)?;
            }
        }
        root.present().map_err(draw_error)?;
    }
    Ok(Chart {
        svg,
        description: totals_description(course),
    })
}

/// What a chart of totals shows, in words.
fn totals_description(course: &InstrumentCourse) -> String {
    let totals: Vec<String> = course
        .taken
        .iter()
        .map(|taken| {
            let administration = &taken.administration;
            let mut notes = vec![administration.band.clone()];
            notes.extend(super::outcomes::screening_in_words(administration));
            notes.extend(administration.alerts.iter().map(|alert| {
                let mut words = format!("safety alert on item {}", alert.item);
                if let Some(to) = alert.revised_to {
                    let _ = write!(words, ", answer {} changed to {to}", alert.answer);
                }
                if !alert.recorded {
                    words.push_str(", found from the answers with no alert line");
                }
                words
            }));
            format!(
                "{} {} ({})",
                administration.date(),
                administration.total,
                notes.join(", ")
            )
        })
        .collect();
    let lines: Vec<String> = course
        .chart_lines()
        .iter()
        .map(|line| {
            if line.cutoff {
                format!("the cut-off at {}", line.at)
            } else {
                format!("{} from {}", line.label, line.at)
            }
        })
        .collect();
    let mut text = format!(
        "{} totals in date order: {}.",
        course.name,
        totals.join("; ")
    );
    if !lines.is_empty() {
        let _ = write!(text, " Dashed lines: {}.", lines.join(", "));
    } else if course.instrument.is_none() {
        text.push_str(
            " The questionnaire's definition is not available here, so its bands are not drawn.",
        );
    }
    text
}
