//! Small line charts for the panel, painted with egui: check-in answers (0–10) over session
//! time, or session by session across a course.

use bevy_egui::egui;

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

/// Draws `series` over `x_range` with a 0–10 scale, an x-axis caption and a key.
pub fn line_chart(
    ui: &mut egui::Ui,
    series: &[Series],
    x_range: (f64, f64),
    x_caption: &str,
    x_label: impl Fn(f64) -> String,
) {
    let height = 120.0;
    let (response, painter) = ui.allocate_painter(
        egui::vec2(ui.available_width(), height),
        egui::Sense::hover(),
    );
    let frame = response.rect;
    painter.rect_filled(frame, 4.0, ui.visuals().extreme_bg_color);
    let plot = egui::Rect::from_min_max(
        frame.min + egui::vec2(26.0, 8.0),
        frame.max - egui::vec2(10.0, 18.0),
    );
    let faint = ui.visuals().weak_text_color();
    let grid = egui::Stroke::new(1.0, ui.visuals().faint_bg_color);
    let font = egui::FontId::proportional(11.0);
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
        let y = to_screen(x_min, value).y;
        painter.line_segment(
            [egui::pos2(plot.left(), y), egui::pos2(plot.right(), y)],
            grid,
        );
        painter.text(
            egui::pos2(plot.left() - 6.0, y),
            egui::Align2::RIGHT_CENTER,
            value.to_string(),
            font.clone(),
            faint,
        );
    }
    let bottom = frame.bottom() - 2.0;
    for (x, align, words) in [
        (plot.left(), egui::Align2::LEFT_BOTTOM, x_label(x_min)),
        (plot.right(), egui::Align2::RIGHT_BOTTOM, x_label(x_max)),
        (
            plot.center().x,
            egui::Align2::CENTER_BOTTOM,
            x_caption.to_owned(),
        ),
    ] {
        painter.text(egui::pos2(x, bottom), align, words, font.clone(), faint);
    }
    for (line, colour) in series.iter().zip(PALETTE.iter().cycle()) {
        let points: Vec<egui::Pos2> = line
            .points
            .iter()
            .map(|&(x, value)| to_screen(x, value))
            .collect();
        if points.len() > 1 {
            painter.add(egui::Shape::line(
                points.clone(),
                egui::Stroke::new(2.0, *colour),
            ));
        }
        for point in points {
            painter.circle_filled(point, 3.5, *colour);
        }
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
