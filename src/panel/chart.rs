//! Small line charts for the panel, painted with egui: check-in answers (0–10) over session
//! time, or session by session across a course; and a questionnaire's totals across a
//! course on its whole scale, with its band lines.

use bevy_egui::egui;

use super::view::scaled;
use crate::report::outcomes::InstrumentCourse;

/// A total given with a safety alert is ringed in this colour (as in the printed report).
pub const ALERT: egui::Color32 = egui::Color32::from_rgb(222, 110, 88);
/// The cut-off line, where an instrument has one.
const CUTOFF: egui::Color32 = egui::Color32::from_rgb(214, 150, 80);

/// Calm, distinguishable line colours (one per check-in), matching the printed report.
pub const PALETTE: [egui::Color32; 6] = [
    egui::Color32::from_rgb(120, 165, 220),
    egui::Color32::from_rgb(230, 150, 115),
    egui::Color32::from_rgb(130, 200, 160),
    egui::Color32::from_rgb(190, 150, 215),
    egui::Color32::from_rgb(225, 200, 110),
    egui::Color32::from_rgb(170, 170, 170),
];

/// One line of a chart: its name and its points (x, answer 0–10).
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// What it is, e.g. "suds-before".
    pub name: String,
    /// The points, x ascending.
    pub points: Vec<(f64, u32)>,
}

/// A chart's painted frame and the plot area inside it, with the faint colours and type of
/// its labels and grid.
struct ChartFrame {
    painter: egui::Painter,
    frame: egui::Rect,
    plot: egui::Rect,
    faint: egui::Color32,
    grid: egui::Stroke,
    font: egui::FontId,
}

impl ChartFrame {
    /// A chart the panel's width and 120 points high (at the usual text size; its labels and
    /// the room they take grow with the text size).
    fn new(ui: &mut egui::Ui) -> Self {
        let font = egui::FontId::proportional(scaled(ui, 11.0));
        let (left, bottom) = (scaled(ui, 26.0), scaled(ui, 18.0));
        let (response, painter) = ui.allocate_painter(
            egui::vec2(ui.available_width(), scaled(ui, 120.0)),
            egui::Sense::hover(),
        );
        let frame = response.rect;
        painter.rect_filled(frame, 4.0, ui.visuals().extreme_bg_color);
        Self {
            painter,
            frame,
            plot: egui::Rect::from_min_max(
                frame.min + egui::vec2(left, 8.0),
                frame.max - egui::vec2(10.0, bottom),
            ),
            faint: ui.visuals().weak_text_color(),
            grid: egui::Stroke::new(1.0, ui.visuals().faint_bg_color),
            font,
        }
    }

    /// A grid line across the plot at height `y`, labelled `value` at the left.
    fn grid_line(&self, y: f32, value: u32) {
        self.painter.line_segment(
            [
                egui::pos2(self.plot.left(), y),
                egui::pos2(self.plot.right(), y),
            ],
            self.grid,
        );
        self.painter.text(
            egui::pos2(self.plot.left() - 6.0, y),
            egui::Align2::RIGHT_CENTER,
            value.to_string(),
            self.font.clone(),
            self.faint,
        );
    }

    /// A faint label on the frame's bottom edge at `x`.
    fn bottom_label(&self, x: f32, align: egui::Align2, words: impl ToString) {
        let at = egui::pos2(x, self.frame.bottom() - 2.0);
        self.painter
            .text(at, align, words, self.font.clone(), self.faint);
    }

    /// A line through `points` in `colour`, with a dot at each.
    fn dotted_line(&self, points: &[egui::Pos2], colour: egui::Color32) {
        if points.len() > 1 {
            self.painter.add(egui::Shape::line(
                points.to_vec(),
                egui::Stroke::new(2.0, colour),
            ));
        }
        for point in points {
            self.painter.circle_filled(*point, 3.5, colour);
        }
    }
}

/// Draws `series` over `x_range` with a 0–10 scale, an x-axis caption and a key.
pub fn line_chart(
    ui: &mut egui::Ui,
    series: &[Series],
    x_range: (f64, f64),
    x_caption: &str,
    x_label: impl Fn(f64) -> String,
) {
    let chart = ChartFrame::new(ui);
    let plot = chart.plot;
    let (x_min, x_max) = (x_range.0, x_range.1.max(x_range.0 + 1e-6));
    let to_screen = |x: f64, value: u32| {
        egui::pos2(
            egui::remap(
                x as f32,
                x_min as f32..=x_max as f32,
                plot.left()..=plot.right(),
            ),
            egui::remap(value as f32, 0.0..=10.0, plot.bottom()..=plot.top()),
        )
    };
    for value in [0, 5, 10] {
        chart.grid_line(to_screen(x_min, value).y, value);
    }
    for (x, align, words) in [
        (plot.left(), egui::Align2::LEFT_BOTTOM, x_label(x_min)),
        (plot.right(), egui::Align2::RIGHT_BOTTOM, x_label(x_max)),
        (
            plot.center().x,
            egui::Align2::CENTER_BOTTOM,
            x_caption.to_owned(),
        ),
    ] {
        chart.bottom_label(x, align, words);
    }
    for (line, colour) in series.iter().zip(PALETTE.iter().cycle()) {
        let points: Vec<egui::Pos2> = line
            .points
            .iter()
            .map(|&(x, value)| to_screen(x, value))
            .collect();
        chart.dotted_line(&points, *colour);
    }
    ui.horizontal_wrapped(|ui| {
        for (line, colour) in series.iter().zip(PALETTE.iter().cycle()) {
            let last = line.points.last().map(|&(_, value)| value);
            ui.colored_label(
                *colour,
                match last {
                    Some(value) => format!("— {}: {value}", line.name),
                    None => format!("— {}", line.name),
                },
            );
        }
    });
}

/// Draws one questionnaire's totals in date order on its whole scale (0 to its highest
/// total), with a dashed line at each severity band named at the right, the cut-off where
/// there is one, and a ring round a total given with a safety alert.
pub fn totals_chart(ui: &mut egui::Ui, course: &InstrumentCourse) {
    let chart = ChartFrame::new(ui);
    let plot = chart.plot;
    let top = course.max_total() as f32;
    let count = course.taken.len();
    let x_of = |index: usize| {
        if count < 2 {
            plot.center().x
        } else {
            // Inset, so the first and latest points sit clear of the frame.
            egui::remap(
                index as f32,
                0.0..=(count - 1) as f32,
                plot.left() + 6.0..=plot.right() - 6.0,
            )
        }
    };
    let y_of = |total: u32| egui::remap(total as f32, 0.0..=top, plot.bottom()..=plot.top());
    for value in [0, course.max_total()] {
        chart.grid_line(y_of(value), value);
    }
    for line in course.chart_lines() {
        let y = y_of(line.at);
        let (colour, words) = if line.cutoff {
            (CUTOFF, line.label.clone())
        } else {
            (chart.faint, format!("{} {}", line.label, line.at))
        };
        chart.painter.extend(egui::Shape::dashed_line(
            &[egui::pos2(plot.left(), y), egui::pos2(plot.right(), y)],
            egui::Stroke::new(1.0, colour.gamma_multiply(0.7)),
            5.0,
            4.0,
        ));
        // A cut-off on a band line is named below it, the band above.
        let (anchor, offset) = if line.cutoff {
            (egui::Align2::RIGHT_TOP, 1.0)
        } else {
            (egui::Align2::RIGHT_BOTTOM, -1.0)
        };
        chart.painter.text(
            egui::pos2(plot.right() - 2.0, y + offset),
            anchor,
            words,
            chart.font.clone(),
            colour,
        );
    }
    let dates = (
        course
            .taken
            .first()
            .map(|first| first.administration.date()),
        course.taken.last().map(|last| last.administration.date()),
    );
    if let (Some(first), Some(last)) = dates {
        chart.bottom_label(plot.left(), egui::Align2::LEFT_BOTTOM, first);
        if count > 1 {
            chart.bottom_label(plot.right(), egui::Align2::RIGHT_BOTTOM, last);
        }
    }
    let colour = PALETTE[0];
    let points: Vec<egui::Pos2> = course
        .taken
        .iter()
        .enumerate()
        .map(|(index, taken)| egui::pos2(x_of(index), y_of(taken.administration.total)))
        .collect();
    chart.dotted_line(&points, colour);
    for (point, taken) in points.into_iter().zip(&course.taken) {
        if taken.has_alert() {
            chart
                .painter
                .circle_stroke(point, 7.0, egui::Stroke::new(2.0, ALERT));
        }
    }
}
