// Lays a view's glow picture over the view: each pixel takes the picture's light around the
// same place in the view. The picture is smaller than the view; four samples a little apart,
// each already a blend of four of its pixels, smooth its pixels' steps into a soft edge.
// The picture holds the halos blended over nothing, so its colours are already weighted by
// their opacity (the material blends it as premultiplied).

#import bevy_pbr::{
    forward_io::VertexOutput,
    mesh_view_bindings::view,
}

@group(#{MATERIAL_BIND_GROUP}) @binding(0) var picture: texture_2d<f32>;
@group(#{MATERIAL_BIND_GROUP}) @binding(1) var picture_sampler: sampler;

/// How far apart the four samples are, in the picture's pixels.
const SPREAD: f32 = 0.75;

@fragment
fn fragment(mesh: VertexOutput) -> @location(0) vec4<f32> {
    let at = (mesh.position.xy - view.viewport.xy) / view.viewport.zw;
    let step = SPREAD / vec2<f32>(textureDimensions(picture));
    return 0.25 * (
        textureSample(picture, picture_sampler, at + vec2(-step.x, -step.y))
        + textureSample(picture, picture_sampler, at + vec2(step.x, -step.y))
        + textureSample(picture, picture_sampler, at + vec2(-step.x, step.y))
        + textureSample(picture, picture_sampler, at + vec2(step.x, step.y))
    );
}
