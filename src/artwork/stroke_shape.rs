//! A stroke's shape along its length, whatever draws it: how wide it is at each point (its
//! pressure, and the taper of its tips), and [`lean`], the points that shape it, which the
//! tube on screen and the export are built from.

use super::model::{Stroke, StrokePoint};

/// Points over which a stroke swells from a fine tip to full width (and narrows at its end).
pub const TAPER_POINTS: usize = 6;
/// How far a lean stroke's tube (on screen and in the export) may stray from the painted
/// one, metres: its centre line, and its radius.
pub const LEAN_TOLERANCE: f32 = 0.00075;
/// The most points one kept point may stand for, so that a long straight stroke costs
/// little to make lean.
const LEAN_REACH: usize = 32;
/// The narrowest a stroke gets at the lightest pressure, relative to its width.
pub const MIN_PRESSURE_WIDTH: f32 = 0.35;

/// The stroke with only the points that shape its tube: a point is dropped when the tube
/// drawn without it stays within [`LEAN_TOLERANCE`] of it, in position and in radius. The
/// tapered tips keep every point.
pub fn lean(stroke: &Stroke) -> Stroke {
    let points = &stroke.points;
    let keep_ends = TAPER_POINTS + 1;
    if points.len() <= 2 * keep_ends + 1 {
        return stroke.clone();
    }
    let mut kept = vec![false; points.len()];
    for index in (0..keep_ends).chain(points.len() - keep_ends..points.len()) {
        kept[index] = true;
    }
    // From each kept point, reach as far along the stroke as the tolerance allows (at most
    // LEAN_REACH points), keep that point, and go on from it.
    let error = |a: &StrokePoint, b: &StrokePoint, point: &StrokePoint| {
        let segment = b.at - a.at;
        let length_squared = segment.length_squared();
        let t = if length_squared > 0.0 {
            ((point.at - a.at).dot(segment) / length_squared).clamp(0.0, 1.0)
        } else {
            0.0
        };
        let away = point.at.distance(a.at + segment * t);
        let share = pressure_width(a.pressure)
            + (pressure_width(b.pressure) - pressure_width(a.pressure)) * t;
        let swell = stroke.width / 2.0 * (pressure_width(point.pressure) - share).abs();
        away.max(swell)
    };
    let last = points.len() - keep_ends;
    let mut anchor = keep_ends - 1;
    while anchor < last {
        let mut reach = anchor + 1;
        for candidate in anchor + 2..=(anchor + LEAN_REACH).min(last) {
            let fits = points[anchor + 1..candidate]
                .iter()
                .all(|point| error(&points[anchor], &points[candidate], point) <= LEAN_TOLERANCE);
            if !fits {
                break;
            }
            reach = candidate;
        }
        kept[reach] = true;
        anchor = reach;
    }
    Stroke {
        colour: stroke.colour,
        width: stroke.width,
        symmetry: stroke.symmetry,
        points: points
            .iter()
            .zip(&kept)
            .filter(|(_, kept)| **kept)
            .map(|(point, _)| *point)
            .collect(),
    }
}

/// A ring's width relative to the stroke's, for the pressure at its point (before the
/// taper of the tips).
pub fn pressure_width(pressure: f32) -> f32 {
    MIN_PRESSURE_WIDTH + (1.0 - MIN_PRESSURE_WIDTH) * pressure
}

/// 0 at a stroke's tip, rising smoothly to 1 over [`TAPER_POINTS`] points.
pub fn taper(points_from_tip: usize) -> f32 {
    let t = ((points_from_tip + 1) as f32 / TAPER_POINTS as f32).min(1.0);
    t * t * (3.0 - 2.0 * t)
}

#[cfg(test)]
mod tests {
    use bevy::math::Vec3;

    use super::*;
    use crate::artwork::model::{CANVAS_CENTRE, Rgb, Symmetry};

    #[test]
    fn a_lean_stroke_keeps_its_tips_and_stays_within_the_tolerance() {
        // A wavy line with pressure that swells: many points on gentle curves.
        let points: Vec<StrokePoint> = (0..400)
            .map(|i| {
                let t = i as f32 * 0.004;
                StrokePoint {
                    at: CANVAS_CENTRE
                        + Vec3::new(t, (t * 9.0).sin() * 0.03, (t * 4.0).cos() * 0.01),
                    pressure: 0.5 + 0.4 * (t * 3.0).sin(),
                }
            })
            .collect();
        let stroke = Stroke {
            colour: Rgb([143, 184, 222]),
            width: 0.02,
            symmetry: Symmetry::new(1),
            points,
        };
        let lean_stroke = lean(&stroke);
        let kept = lean_stroke.points.len();
        assert!(kept < stroke.points.len() / 3, "{kept} of 400 points kept");
        let tip = TAPER_POINTS + 1;
        assert_eq!(lean_stroke.points[..tip], stroke.points[..tip]);
        assert_eq!(
            lean_stroke.points[kept - tip..],
            stroke.points[stroke.points.len() - tip..]
        );
        // Every painted point lies within the tolerance of the lean line, in place and in
        // radius.
        for point in &stroke.points {
            let nearest = lean_stroke
                .points
                .windows(2)
                .map(|pair| {
                    let (a, b) = (pair[0], pair[1]);
                    let segment = b.at - a.at;
                    let t = ((point.at - a.at).dot(segment) / segment.length_squared().max(1e-12))
                        .clamp(0.0, 1.0);
                    let away = point.at.distance(a.at + segment * t);
                    let share = pressure_width(a.pressure)
                        + (pressure_width(b.pressure) - pressure_width(a.pressure)) * t;
                    (
                        away,
                        stroke.width / 2.0 * (pressure_width(point.pressure) - share).abs(),
                    )
                })
                .min_by(|x, y| x.0.total_cmp(&y.0))
                .expect("segments");
            assert!(nearest.0 <= LEAN_TOLERANCE + 1e-6, "{nearest:?}");
            assert!(nearest.1 <= LEAN_TOLERANCE + 1e-6, "{nearest:?}");
        }
        // A short stroke is all tips: kept whole.
        let short = Stroke {
            points: stroke.points[..10].to_vec(),
            ..stroke.clone()
        };
        assert_eq!(lean(&short), short);
    }
}
