//! A round spot of light that fades softly to nothing at its edge: the texture of the
//! scene's drifting lights and of the breathing orb's halo.

use bevy::asset::RenderAssetUsages;
use bevy::image::Image;
use bevy::prelude::*;
use bevy::render::render_resource::{Extent3d, TextureDimension, TextureFormat};

/// Makes the soft light at start-up.
pub fn plugin(app: &mut App) {
    app.add_systems(Startup, make_soft_light);
}

/// A round spot of light that fades softly to nothing at its edge; motes, glints and
/// clouds and the orb's halo are all drawn with it.
#[derive(Resource, Debug, Clone)]
pub struct SoftLight(pub Handle<Image>);

/// The soft light's opacity at `r`, the distance from its centre over its half-width.
pub fn soft_light_alpha(r: f32) -> f32 {
    (1.0 - r * r).max(0.0).powi(2)
}

pub(super) fn make_soft_light(mut commands: Commands, mut images: ResMut<Assets<Image>>) {
    const SIDE: u32 = 64;
    let mut pixels = Vec::with_capacity((SIDE * SIDE * 4) as usize);
    for y in 0..SIDE {
        for x in 0..SIDE {
            let centre = (SIDE as f32 - 1.0) / 2.0;
            let r = Vec2::new(x as f32 - centre, y as f32 - centre).length() / centre;
            let fade = soft_light_alpha(r);
            pixels.extend([255, 255, 255, (255.0 * fade).round() as u8]);
        }
    }
    let image = Image::new(
        Extent3d {
            width: SIDE,
            height: SIDE,
            depth_or_array_layers: 1,
        },
        TextureDimension::D2,
        pixels,
        TextureFormat::Rgba8UnormSrgb,
        RenderAssetUsages::RENDER_WORLD,
    );
    commands.insert_resource(SoftLight(images.add(image)));
}
