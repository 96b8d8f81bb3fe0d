// A stroke of light on screen. Each vertex sits on its stroke's centre line, with the
// stroke's direction in place of a normal, its signed distance across the stroke in `uv.x`
// and the radius of the tube its band stands for in `uv.y`; here it moves across the
// stroke in the direction that faces this eye. Two triangles per segment then look like a
// tube from wherever the stroke is seen. The material widens the band, sets its opacity and
// can leave its middle out: the same band is the stroke's core, and (wider, faint, around
// the core) its halo.

#import bevy_pbr::{
    mesh_functions,
    mesh_view_bindings::view,
    view_transformations::position_world_to_clip,
}

struct BandLook {
    widened: f32,
    opacity: f32,
    hollow: f32,
};

@group(#{MATERIAL_BIND_GROUP}) @binding(0) var<uniform> look: BandLook;

struct StrokeVertex {
    @builtin(instance_index) instance_index: u32,
    @location(0) centre: vec3<f32>,
    @location(1) along: vec3<f32>,
    @location(2) across: vec2<f32>,
    @location(5) colour: vec4<f32>,
};

struct Band {
    @builtin(position) clip: vec4<f32>,
    @location(0) colour: vec4<f32>,
    // Where across the band: -1 and 1 at its sides.
    @location(1) side: f32,
};

@vertex
fn vertex(vertex: StrokeVertex) -> Band {
    let world_from_local = mesh_functions::get_world_from_local(vertex.instance_index);
    let centre = (world_from_local * vec4(vertex.centre, 1.0)).xyz;
    let along = (world_from_local * vec4(vertex.along, 0.0)).xyz;
    var side = cross(along, view.world_position - centre);
    if dot(side, side) < 1e-14 {
        // Seen end-on: any direction across the stroke will do.
        side = cross(along, vec3(0.0, 1.0, 0.0));
        if dot(side, side) < 1e-14 {
            side = cross(along, vec3(1.0, 0.0, 0.0));
        }
    }
    let scale = length(world_from_local[0].xyz);
    // A tube's near side stands out from its centre line by up to its radius (π/4 of it on
    // average across its width): the band stands as far towards the eye, so that it hides,
    // and is hidden by, the strokes around it as the tube would.
    let towards_eye = normalize(view.world_position - centre);
    let across = vertex.across * scale * look.widened;
    var band: Band;
    band.clip = position_world_to_clip(
        centre + normalize(side) * across.x + towards_eye * across.y * 0.7853982
    );
    band.colour = vec4(vertex.colour.rgb, vertex.colour.a * look.opacity);
    band.side = sign(vertex.across.x);
    return band;
}

@fragment
fn fragment(band: Band) -> @location(0) vec4<f32> {
    // Clear in the middle left out (no discard: a shader without it keeps the rasteriser's
    // early depth test for the opaque core).
    return band.colour * vec4(1.0, 1.0, 1.0, step(look.hollow, abs(band.side)));
}
