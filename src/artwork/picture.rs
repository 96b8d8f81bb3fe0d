//! A painting's picture for the therapist's notes and the report, rendered in software
//! (no GPU), and its thumbnails.
//!
//! Seen from the patient's side (the patient sits at the origin looking toward
//! −Z), turned 20° to the right and looking 10° down onto the centre of the painting's
//! bounding box, so depth shows; framed so the whole painting, all copies, fills the square
//! less a 12% margin on each side. Each stroke segment lays a soft gaussian line of its
//! colour, as wide as the tube's core (width × pressure, tapered tips, in perspective), into
//! an HDR buffer; two blurs of that light add a close glow and a wide faint halo; nearer
//! light is a little brighter. A dense painting is exposed down part way so it glows rather
//! than glares. The light is tone-mapped (`1 − e^−x`, partly keeping hue, so overlaps glow
//! instead of clipping) over a deep blue-grey gradient with a gentle vignette, then
//! sRGB-encoded with a faint dither against banding in the dark.

use std::f32::consts::{PI, SQRT_2, TAU};
use std::io::Cursor;

use bevy::color::Srgba;
use bevy::math::Vec3;
use image::{ImageError, ImageFormat, RgbaImage};

use super::model::{Artwork, Stroke, srgb_to_linear};
use super::save::ArtworkPaths;
use super::stroke_shape::{MIN_PRESSURE_WIDTH, taper};

/// How far the viewpoint turns to the side, and looks down.
const YAW: f32 = 20.0 * PI / 180.0;
/// See [`YAW`].
const PITCH: f32 = 10.0 * PI / 180.0;
/// Half the widest field of view the painting is fitted into (tangent), for the perspective.
const HALF_FOV_TAN: f32 = 0.364; // tan 20°
/// The margin around the painting, as a share of the picture's side.
const MARGIN: f32 = 0.12;
/// The smallest painting extent the picture is zoomed to, metres.
const MIN_EXTENT: f32 = 0.15;
/// The core's gaussian sigma relative to the tube's projected radius.
const CORE_SIGMA: f32 = 0.7;
/// The finest a line is drawn, pixels (thinner lines are drawn this wide, fainter).
const MIN_SIGMA_PX: f32 = 0.7;
/// The widest a line is drawn, as a share of the picture's side.
const MAX_SIGMA_SHARE: f32 = 0.012;
/// Peak brightness of a line's core.
const CORE_LIGHT: f32 = 1.1;
/// The close glow: blur radius (share of the side) and strength.
const GLOW: (f32, f32) = (0.006, 0.9);
/// The wide halo: blur radius (share of the side) and strength.
const HALO: (f32, f32) = (0.035, 0.7);
/// The brightness (97th percentile of lit pixels) above which the exposure is lowered:
/// a little more than a lone line's.
const EXPOSURE_LINES: f32 = 1.7;
/// How far the exposure follows a brighter painting down (1: all the way).
const EXPOSURE_FOLLOW: f32 = 0.75;
/// The most the wide halo adds anywhere (before tone mapping).
const MAX_HAZE: f32 = 0.3;
/// Brightness of the nearest light and of the farthest.
const DEPTH_CUE: (f32, f32) = (1.12, 0.8);
/// How much bright light turns white (per-channel tone mapping) rather than keeping its hue.
const WHITENING: f32 = 0.4;
/// The background at the top and at the bottom, sRGB.
const BACKGROUND: ([u8; 3], [u8; 3]) = ([0x14, 0x1a, 0x24], [0x0b, 0x0f, 0x16]);
/// How much the vignette darkens the corners.
const VIGNETTE: f32 = 0.35;

/// The snapshot's camera: a turned view with a lens shift that centres the painting.
#[derive(Clone, Copy, Debug)]
struct View {
    target: Vec3,
    right: Vec3,
    up: Vec3,
    /// Toward the camera.
    back: Vec3,
    distance: f32,
    /// Pixels per unit of view-plane tangent.
    scale: f32,
    /// The view-plane tangent drawn at the picture's centre.
    shift: [f32; 2],
    half: f32,
    /// The nearest and farthest depth of any point, metres.
    depths: (f32, f32),
}

/// Every point of every sound stroke, in every symmetry copy.
fn each_point(artwork: &Artwork, mut visit: impl FnMut(Vec3)) {
    for stroke in artwork.strokes.iter().filter(|stroke| stroke.is_sound()) {
        for copy in 0..stroke.symmetry.folds() {
            for point in &stroke.points {
                visit(stroke.symmetry.place(copy, point.at));
            }
        }
    }
}

impl View {
    /// The view fitting `artwork` into a `size`-pixel square, or `None` with nothing to see.
    fn new(artwork: &Artwork, size: u32) -> Option<Self> {
        let mut bounds: Option<(Vec3, Vec3)> = None;
        each_point(artwork, |at| {
            bounds = Some(bounds.map_or((at, at), |(min, max)| (min.min(at), max.max(at))));
        });
        let (min, max) = bounds?;
        let target = (min + max) / 2.0;
        let back = Vec3::new(
            YAW.sin() * PITCH.cos(),
            PITCH.sin(),
            YAW.cos() * PITCH.cos(),
        );
        let right = Vec3::Y.cross(back).try_normalize().unwrap_or(Vec3::X);
        let up = back.cross(right);
        let mut view = Self {
            target,
            right,
            up,
            back,
            distance: 0.0,
            scale: 1.0,
            shift: [0.0, 0.0],
            half: size as f32 / 2.0,
            depths: (0.0, 0.0),
        };
        // Far enough that the painting fits a 40° view, never nearer than 0.4 m.
        let mut distance: f32 = 0.4;
        each_point(artwork, |at| {
            let (x, y, along) = view.local(at);
            distance = distance
                .max(along + 0.1)
                .max(along + x.abs().max(y.abs()) / HALF_FOV_TAN);
        });
        view.distance = distance;
        // Then zoomed and shifted so its projection fills the square less the margin.
        let (mut low, mut high) = ([f32::MAX; 2], [f32::MIN; 2]);
        let mut depths = (f32::MAX, f32::MIN);
        each_point(artwork, |at| {
            let (x, y, along) = view.local(at);
            let depth = distance - along;
            for (axis, value) in [x / depth, y / depth].into_iter().enumerate() {
                low[axis] = low[axis].min(value);
                high[axis] = high[axis].max(value);
            }
            depths = (depths.0.min(depth), depths.1.max(depth));
        });
        let extent = (high[0] - low[0])
            .max(high[1] - low[1])
            .max(MIN_EXTENT / distance);
        view.scale = size as f32 * (1.0 - 2.0 * MARGIN) / extent;
        view.shift = [(low[0] + high[0]) / 2.0, (low[1] + high[1]) / 2.0];
        view.depths = depths;
        Some(view)
    }

    /// `at` in view axes around the target: right, up, toward the camera.
    fn local(&self, at: Vec3) -> (f32, f32, f32) {
        let relative = at - self.target;
        (
            relative.dot(self.right),
            relative.dot(self.up),
            relative.dot(self.back),
        )
    }

    /// Where `at` lands in the picture (pixels, y down) and its depth, if in front.
    fn project(&self, at: Vec3) -> Option<([f32; 2], f32)> {
        let (x, y, along) = self.local(at);
        let depth = self.distance - along;
        (depth > 1e-3).then(|| {
            let u = x / depth - self.shift[0];
            let v = y / depth - self.shift[1];
            (
                [self.half + u * self.scale, self.half - v * self.scale],
                depth,
            )
        })
    }

    /// Brightness for light at `depth`: nearer is a little brighter.
    fn depth_cue(&self, depth: f32) -> f32 {
        let (near, far) = self.depths;
        let t = if far - near > 1e-4 {
            ((depth - near) / (far - near)).clamp(0.0, 1.0)
        } else {
            0.5
        };
        DEPTH_CUE.0 + (DEPTH_CUE.1 - DEPTH_CUE.0) * t
    }
}

/// A point of a stroke as seen: pixels, gaussian sigma in pixels, light (linear RGB).
#[derive(Clone, Copy, Debug)]
struct Seen {
    at: [f32; 2],
    sigma: f32,
    light: [f32; 3],
}

/// An HDR light buffer and what splatting into it needs.
struct LightBuffer {
    size: usize,
    light: Vec<[f32; 3]>,
    /// Scratch: a splat's column weights.
    columns: Vec<f32>,
}

impl LightBuffer {
    fn new(size: usize) -> Self {
        Self {
            size,
            light: vec![[0.0; 3]; size * size],
            columns: Vec::new(),
        }
    }

    /// Adds a round gaussian of `sigma` pixels at `at`, peaking at `light`.
    fn splat(&mut self, at: [f32; 2], sigma: f32, light: [f32; 3]) {
        let reach = sigma * 3.0;
        let limit = self.size as f32;
        let inside = |c: f32| c.is_finite() && c + reach >= 0.0 && c - reach < limit;
        if !(inside(at[0]) && inside(at[1]) && reach > 0.0) {
            return;
        }
        // Float-to-int casts saturate; the ranges stay inside the buffer.
        let x0 = (at[0] - reach).max(0.0) as usize;
        let x1 = ((at[0] + reach) as usize).min(self.size - 1);
        let y0 = (at[1] - reach).max(0.0) as usize;
        let y1 = ((at[1] + reach) as usize).min(self.size - 1);
        // The gaussian is separable: one weight per column, one per row.
        let falloff = -1.0 / (2.0 * sigma * sigma);
        self.columns.clear();
        self.columns.extend((x0..=x1).map(|x| {
            let dx = x as f32 + 0.5 - at[0];
            (dx * dx * falloff).exp()
        }));
        for y in y0..=y1 {
            let dy = y as f32 + 0.5 - at[1];
            let row_weight = (dy * dy * falloff).exp();
            let row_light = light.map(|c| c * row_weight);
            let Some(row) = self.light.get_mut(y * self.size + x0..=y * self.size + x1) else {
                return;
            };
            for (pixel, weight) in row.iter_mut().zip(&self.columns) {
                pixel[0] += row_light[0] * weight;
                pixel[1] += row_light[1] * weight;
                pixel[2] += row_light[2] * weight;
            }
        }
    }

    /// Lays a soft line from `from` to `to`; `carry` is how far (pixels) into the segment
    /// the next splat falls, and comes back for the next segment, so splats stay evenly
    /// spaced along the stroke and joints are not brighter.
    fn line(&mut self, from: Seen, to: Seen, carry: &mut f32) {
        let delta = [to.at[0] - from.at[0], to.at[1] - from.at[1]];
        let length = (delta[0] * delta[0] + delta[1] * delta[1]).sqrt();
        let reach = 3.0 * from.sigma.max(to.sigma);
        let limit = self.size as f32;
        let outside = |a: f32, b: f32| (a.max(b) + reach < 0.0) || (a.min(b) - reach >= limit);
        if !length.is_finite() || outside(from.at[0], to.at[0]) || outside(from.at[1], to.at[1]) {
            *carry = 0.0;
            return;
        }
        let mut along = *carry;
        while along < length {
            let t = along / length;
            let sigma = from.sigma + (to.sigma - from.sigma) * t;
            // Gaussians 1.5 sigma apart sum to a line even to 0.03%; the weight makes its
            // peak brightness the point's light whatever the width.
            let step = (1.5 * sigma).clamp(0.5, 8.0);
            let weight = step / (sigma * TAU.sqrt());
            let light =
                [0, 1, 2].map(|c| (from.light[c] + (to.light[c] - from.light[c]) * t) * weight);
            let at = [from.at[0] + delta[0] * t, from.at[1] + delta[1] * t];
            self.splat(at, sigma, light);
            along += step;
        }
        *carry = along - length;
    }

    /// Draws every segment of `stroke` in every copy.
    fn stroke(&mut self, view: &View, stroke: &Stroke, seen: &mut Vec<Option<Seen>>) {
        let colour = stroke.colour.linear();
        let count = stroke.points.len();
        let max_sigma = (self.size as f32 * MAX_SIGMA_SHARE).max(MIN_SIGMA_PX);
        for copy in 0..stroke.symmetry.folds() {
            seen.clear();
            seen.extend(stroke.points.iter().enumerate().map(|(number, point)| {
                let (at, depth) = view.project(stroke.symmetry.place(copy, point.at))?;
                let pressure = point.pressure.clamp(0.0, 1.0);
                let radius = stroke.width.abs() / 2.0
                    * (MIN_PRESSURE_WIDTH + (1.0 - MIN_PRESSURE_WIDTH) * pressure)
                    * taper(number)
                    * taper(count - 1 - number);
                let sigma = radius * view.scale / depth * CORE_SIGMA;
                let fainter = (sigma / MIN_SIGMA_PX).min(1.0);
                let brightness = CORE_LIGHT * view.depth_cue(depth) * fainter;
                Some(Seen {
                    at,
                    sigma: sigma.clamp(MIN_SIGMA_PX, max_sigma),
                    light: colour.map(|c| c * brightness),
                })
            }));
            let mut carry = 0.0;
            for pair in seen.windows(2) {
                if let [Some(from), Some(to)] = pair {
                    self.line(*from, *to, &mut carry);
                } else {
                    carry = 0.0;
                }
            }
        }
    }
}

/// Box sizes (odd) whose three passes approximate a gaussian of `sigma`.
fn boxes_for(sigma: f32) -> [usize; 3] {
    let n = 3.0;
    let ideal = (12.0 * sigma * sigma / n + 1.0).sqrt();
    let mut lower = ideal.floor() as i64;
    if lower % 2 == 0 {
        lower -= 1;
    }
    let lower = lower.max(1);
    let l = lower as f32;
    let m = ((12.0 * sigma * sigma - n * l * l - 4.0 * n * l - 3.0 * n) / (-4.0 * l - 4.0)).round()
        as i64;
    [0, 1, 2].map(|pass| {
        if pass < m {
            lower as usize
        } else {
            lower as usize + 2
        }
    })
}

/// `image` (`size`×`size`) blurred by about a gaussian of `sigma` pixels.
fn blur(image: &[[f32; 3]], size: usize, sigma: f32) -> Vec<[f32; 3]> {
    let mut a = image.to_vec();
    let mut b = vec![[0.0; 3]; a.len()];
    for width in boxes_for(sigma) {
        let radius = width / 2;
        let inverse = 1.0 / width as f32;
        // Along rows.
        for (from, to) in a.chunks_exact(size).zip(b.chunks_exact_mut(size)) {
            let mut sum = [0.0_f32; 3];
            for value in from.iter().take(radius) {
                add(&mut sum, value, 1.0);
            }
            for (x, out) in to.iter_mut().enumerate() {
                if let Some(value) = from.get(x + radius) {
                    add(&mut sum, value, 1.0);
                }
                *out = sum.map(|s| s * inverse);
                if let Some(value) = x.checked_sub(radius).and_then(|gone| from.get(gone)) {
                    add(&mut sum, value, -1.0);
                }
            }
        }
        // Along columns, a whole row of sums at a time.
        let mut sums = vec![[0.0_f32; 3]; size];
        for row in b.chunks_exact(size).take(radius) {
            for (sum, value) in sums.iter_mut().zip(row) {
                add(sum, value, 1.0);
            }
        }
        for y in 0..size {
            if let Some(row) = b.get((y + radius) * size..(y + radius + 1) * size) {
                for (sum, value) in sums.iter_mut().zip(row) {
                    add(sum, value, 1.0);
                }
            }
            if let Some(out) = a.get_mut(y * size..(y + 1) * size) {
                for (out, sum) in out.iter_mut().zip(&sums) {
                    *out = sum.map(|s| s * inverse);
                }
            }
            if let Some(row) = y
                .checked_sub(radius)
                .and_then(|gone| b.get(gone * size..(gone + 1) * size))
            {
                for (sum, value) in sums.iter_mut().zip(row) {
                    add(sum, value, -1.0);
                }
            }
        }
    }
    a
}

fn add(sum: &mut [f32; 3], value: &[f32; 3], sign: f32) {
    for channel in 0..3 {
        sum[channel] += sign * value[channel];
    }
}

/// The calm background at pixel (`x`, `y`), linear RGB.
fn background(x: usize, y: usize, size: usize) -> [f32; 3] {
    let side = size.max(2) as f32 - 1.0;
    let t = y as f32 / side;
    let (top, bottom) = (
        BACKGROUND.0.map(srgb_to_linear),
        BACKGROUND.1.map(srgb_to_linear),
    );
    let dx = x as f32 / side * 2.0 - 1.0;
    let dy = t * 2.0 - 1.0;
    let edge = ((dx * dx + dy * dy).sqrt() / SQRT_2).clamp(0.0, 1.0);
    let vignette = 1.0 - VIGNETTE * edge * edge * (3.0 - 2.0 * edge);
    [0, 1, 2].map(|c| (top[c] + (bottom[c] - top[c]) * t) * vignette)
}

/// HDR light to 0–1: `1 − e^−x`, partly per channel (bright overlaps glow toward white)
/// and partly on the brightest channel keeping the hue (colours stay rich).
fn tone_map(light: [f32; 3]) -> [f32; 3] {
    let peak = light[0].max(light[1]).max(light[2]);
    let keep_hue = if peak > 1e-6 {
        (1.0 - (-peak).exp()) / peak
    } else {
        1.0
    };
    light.map(|c| {
        let per_channel = 1.0 - (-c).exp();
        WHITENING * per_channel + (1.0 - WHITENING) * c * keep_hue
    })
}

/// A small hash of a pixel's place, in [0, 1), for dithering.
fn noise(x: usize, y: usize) -> f32 {
    let mut h = (x as u32).wrapping_mul(0x9E37_79B1) ^ (y as u32).wrapping_mul(0x85EB_CA77);
    h ^= h >> 15;
    h = h.wrapping_mul(0x2C1B_3C6D);
    h ^= h >> 12;
    (h >> 8) as f32 / (1 << 24) as f32
}

/// The painting's light as seen from `view` in a `side`-pixel square, linear HDR, exposed.
fn light(artwork: &Artwork, view: &View, side: usize) -> Vec<[f32; 3]> {
    let mut buffer = LightBuffer::new(side);
    let mut seen = Vec::new();
    for stroke in artwork.strokes.iter().filter(|stroke| stroke.is_sound()) {
        buffer.stroke(view, stroke, &mut seen);
    }
    let glow = blur(&buffer.light, side, GLOW.0 * side as f32);
    let halo = blur(&buffer.light, side, HALO.0 * side as f32);
    let mut total = buffer.light;
    for (pixel, glow) in total.iter_mut().zip(&glow) {
        for c in 0..3 {
            pixel[c] += GLOW.1 * glow[c];
        }
    }
    let brightest = |image: &[[f32; 3]], share: f32| {
        percentile(image.iter().map(|p| p[0].max(p[1]).max(p[2])), share)
    };
    // A dense painting would glare white: bring its brightest lines down toward a lone
    // line's brightness (only part way, so single lines stay visible), and keep the wide
    // halo a faint haze however much light piles up.
    let exposure = brightest(&total, 0.97).map_or(1.0, |lines| {
        (EXPOSURE_LINES / lines).min(1.0).powf(EXPOSURE_FOLLOW)
    });
    let haze = brightest(&halo, 0.995).map_or(HALO.1, |haze| {
        HALO.1
            .min(MAX_HAZE / (haze * exposure).max(f32::MIN_POSITIVE))
    });
    for (pixel, halo) in total.iter_mut().zip(&halo) {
        for c in 0..3 {
            pixel[c] = exposure * (pixel[c] + haze * halo[c]);
        }
    }
    total
}

/// The value that `share` of the lit values (above a faint threshold) are below, roughly
/// (within 5%), or `None` when nothing is lit.
fn percentile(values: impl Iterator<Item = f32>, share: f32) -> Option<f32> {
    const LOWEST: f32 = 0.01;
    const BINS: usize = 256;
    // Bins of 1/16 octave from LOWEST up.
    let mut counts = [0_usize; BINS];
    let mut lit = 0;
    for value in values {
        if value > LOWEST {
            let bin = ((value / LOWEST).log2() * 16.0) as usize;
            counts[bin.min(BINS - 1)] += 1;
            lit += 1;
        }
    }
    if lit == 0 {
        return None;
    }
    let wanted = (lit as f32 * share.clamp(0.0, 1.0)) as usize;
    let mut below = 0;
    for (bin, count) in counts.iter().enumerate() {
        below += count;
        if below > wanted {
            return Some(LOWEST * ((bin + 1) as f32 / 16.0).exp2());
        }
    }
    Some(LOWEST * (BINS as f32 / 16.0).exp2())
}

/// The biggest picture [`snapshot`] draws; larger sizes are drawn at this size.
pub const MAX_SNAPSHOT_SIZE: u32 = 4096;

/// The painting as softly glowing light on a dark calm background, `size`×`size` pixels
/// (at most [`MAX_SNAPSHOT_SIZE`]), seen from the patient's side, turned and from a little
/// above so depth shows (module docs). An empty painting gives the background alone.
pub fn snapshot(artwork: &Artwork, size: u32) -> RgbaImage {
    let size = size.min(MAX_SNAPSHOT_SIZE);
    let side = size as usize;
    let mut image = RgbaImage::new(size, size);
    if side == 0 {
        return image;
    }
    let light = View::new(artwork, size).map(|view| light(artwork, &view, side));
    for (number, pixel) in image.chunks_exact_mut(4).enumerate() {
        let (x, y) = (number % side, number / side);
        let ground = background(x, y, side);
        let added = light
            .as_ref()
            .and_then(|light| light.get(number))
            .copied()
            .unwrap_or([0.0; 3]);
        let dither = (noise(x, y) - 0.5) / 255.0;
        let mapped = tone_map([0, 1, 2].map(|c| ground[c] + added[c].max(0.0)));
        for c in 0..3 {
            let encoded = Srgba::gamma_function_inverse(mapped[c]) + dither;
            pixel[c] = (encoded * 255.0 + 0.5).clamp(0.0, 255.0) as u8;
        }
        pixel[3] = 255;
    }
    image
}

/// [`snapshot`], encoded as PNG.
pub fn snapshot_png(artwork: &Artwork, size: u32) -> Result<Vec<u8>, ImageError> {
    let mut bytes = Cursor::new(Vec::new());
    snapshot(artwork, size).write_to(&mut bytes, ImageFormat::Png)?;
    Ok(bytes.into_inner())
}

/// A picture of the painting at `paths` fitting a `size`-pixel square: its exported PNG made
/// small, or, when the step ended before the export was written, one rendered from the
/// artwork file. `None` when neither can be read.
pub fn thumbnail(paths: &ArtworkPaths, size: u32) -> Option<RgbaImage> {
    let full = match image::open(&paths.png) {
        Ok(picture) => picture.into_rgba8(),
        Err(_) => {
            let artwork = super::save::load(&paths.artwork).ok()?.artwork();
            snapshot(&artwork, size)
        }
    };
    Some(image::imageops::thumbnail(&full, size, size))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::artwork::model::CANVAS_CENTRE;
    use crate::artwork::test_paintings::{arc, painting, stroke};

    fn brightness(image: &RgbaImage, at: [f32; 2], reach: i64) -> [u8; 3] {
        let mut best = [0_u8; 3];
        for dy in -reach..=reach {
            for dx in -reach..=reach {
                let x = (at[0] as i64 + dx).clamp(0, image.width() as i64 - 1) as u32;
                let y = (at[1] as i64 + dy).clamp(0, image.height() as i64 - 1) as u32;
                let p = image.get_pixel(x, y).0;
                if p[..3].iter().map(|&c| u32::from(c)).sum::<u32>()
                    > best.iter().map(|&c| u32::from(c)).sum::<u32>()
                {
                    best = [p[0], p[1], p[2]];
                }
            }
        }
        best
    }

    #[test]
    fn the_snapshot_shows_the_strokes_as_light_in_their_colour() {
        let artwork = Artwork {
            strokes: vec![stroke([143, 184, 222], 1, arc(200, 0.25, 0.0, 0.0))],
        };
        let size = 256;
        let image = snapshot(&artwork, size);
        assert_eq!(image.dimensions(), (size, size));
        let view = View::new(&artwork, size).expect("something to see");
        let middle = artwork.strokes[0].points[100].at;
        let (at, _) = view.project(middle).expect("in front");
        assert!((0.0..size as f32).contains(&at[0]) && (0.0..size as f32).contains(&at[1]));
        let [r, g, b] = brightness(&image, at, 1);
        assert!(
            b > 120 && b > r + 20 && g > r,
            "a blue glow at the stroke: {r} {g} {b}"
        );
        let empty = snapshot(&Artwork::default(), size);
        for corner in [(0, 0), (size - 1, 0), (0, size - 1), (size - 1, size - 1)] {
            let lit = image.get_pixel(corner.0, corner.1).0;
            let dark = empty.get_pixel(corner.0, corner.1).0;
            for c in 0..3 {
                assert!(
                    lit[c] < 40 && lit[c].abs_diff(dark[c]) <= 3,
                    "{lit:?} vs {dark:?}"
                );
            }
        }
        // The background is a gentle top-to-bottom gradient, nothing more.
        let top = empty.get_pixel(size / 2, 2).0;
        let bottom = empty.get_pixel(size / 2, size - 3).0;
        assert!(top[2] > bottom[2] && top[2] < 45, "{top:?} {bottom:?}");
        assert!(
            empty
                .pixels()
                .all(|p| p.0[0] < 30 && p.0[1] < 35 && p.0[2] < 45)
        );
    }

    #[test]
    fn six_fold_symmetry_lights_six_places_around_the_centre() {
        // A short radial dash, repeated six times around the centre.
        let dash: Vec<Vec3> = (0..30)
            .map(|i| CANVAS_CENTRE + Vec3::new(0.15 + i as f32 * 0.004, 0.0, 0.0))
            .collect();
        let artwork = Artwork {
            strokes: vec![stroke([242, 198, 160], 6, dash)],
        };
        let size = 256;
        let image = snapshot(&artwork, size);
        let view = View::new(&artwork, size).expect("something to see");
        let samples = 360;
        let lit: Vec<bool> = (0..samples)
            .map(|step| {
                let a = TAU * step as f32 / samples as f32;
                let at = CANVAS_CENTRE + Vec3::new(a.cos(), a.sin(), 0.0) * 0.21;
                let (pixel, _) = view.project(at).expect("in front");
                let [r, g, b] = brightness(&image, pixel, 0);
                u32::from(r) + u32::from(g) + u32::from(b) > 300
            })
            .collect();
        let rises = (0..samples)
            .filter(|&i| lit[i] && !lit[(i + samples - 1) % samples])
            .count();
        assert_eq!(rises, 6, "{lit:?}");
    }

    #[test]
    fn a_dense_painting_glows_without_washing_out() {
        // Sixty loops of light on top of one another.
        let artwork = Artwork {
            strokes: (0..60)
                .map(|n| {
                    let radius = 0.1 + 0.2 * (n as f32 * 0.37).sin().abs();
                    let colours = [[143, 184, 222], [242, 198, 160], [143, 214, 192]];
                    stroke(colours[n % 3], 1, arc(320, radius, n as f32, 0.0))
                })
                .collect(),
        };
        let image = snapshot(&artwork, 256);
        let white = image
            .pixels()
            .filter(|p| p.0[..3].iter().all(|&c| c > 220))
            .count();
        let lit = image.pixels().filter(|p| p.0[2] > 100).count();
        let all = image.pixels().count();
        assert!(lit > all / 6, "the painting shows: {lit} of {all}");
        assert!(white < all / 8, "{white} of {all} pixels are white");
    }

    #[test]
    fn the_png_decodes_at_the_size_asked() {
        let bytes = snapshot_png(&painting(), 96).expect("encodes");
        let image = image::load_from_memory(&bytes).expect("decodes");
        assert_eq!((image.width(), image.height()), (96, 96));
        let empty = snapshot_png(&Artwork::default(), 17).expect("encodes");
        let image = image::load_from_memory(&empty).expect("decodes");
        assert_eq!((image.width(), image.height()), (17, 17));
        assert_eq!(snapshot(&painting(), 0).dimensions(), (0, 0));
    }
}
