// The calm scenes: each vertex's colour, exactly, with no lighting, moved by the scene's
// slow motion. A vertex carries how much the breeze, the waves and the twinkle move it
// (`motion.xyz`) and where in their cycles it is (`motion.w`); the material carries each
// motion's size and period; Bevy's clock (`globals.time`) drives them all. The same
// formulas are in src/environment/motion.rs, where the comfort guard measures them.

#import bevy_pbr::{
    mesh_functions,
    mesh_view_bindings::globals,
    view_transformations::position_world_to_clip,
}

struct SceneMotion {
    // amplitude (m), period (s)
    sway: vec4<f32>,
    // height (m), wash (m), period (s), shimmer
    waves: vec4<f32>,
    // depth, period (s)
    twinkle: vec4<f32>,
};

@group(#{MATERIAL_BIND_GROUP}) @binding(0) var<uniform> motion: SceneMotion;

struct SceneVertex {
    @builtin(instance_index) instance_index: u32,
    @location(0) position: vec3<f32>,
    @location(5) colour: vec4<f32>,
    @location(8) weights: vec4<f32>,
};

struct Shaded {
    @builtin(position) clip: vec4<f32>,
    @location(0) colour: vec4<f32>,
};

const TAU: f32 = 6.2831853;

// The angle of a cycle of `period` seconds, from the fraction done (exact after an hour).
fn cycle(period: f32, phase: f32) -> f32 {
    return TAU * fract(globals.time / period) + phase;
}

@vertex
fn vertex(vertex: SceneVertex) -> Shaded {
    var position = vertex.position;
    let phase = vertex.weights.w;

    // The breeze.
    let lean = cycle(motion.sway.y, phase);
    let gust = cycle(2.0 * motion.sway.y, 1.3 * phase);
    let reach = vertex.weights.x * motion.sway.x;
    position.x += reach * (0.7 * sin(lean) + 0.3 * sin(gust));
    position.z += reach * 0.4 * sin(lean + 1.1);

    // The waves: up and down, and washing towards the patient.
    let swell = vertex.weights.y * sin(cycle(motion.waves.z, phase));
    position.y += swell * motion.waves.x;
    let across = length(position.xz);
    if across > 0.01 {
        let inward = position.xz / across * swell * motion.waves.y;
        position.x -= inward.x;
        position.z -= inward.y;
    }
    var light = 1.0 + motion.waves.w * swell;

    // The twinkle.
    let dim = 0.5 + 0.5 * sin(cycle(motion.twinkle.y, phase));
    light *= 1.0 - vertex.weights.z * motion.twinkle.x * dim;

    let world_from_local = mesh_functions::get_world_from_local(vertex.instance_index);
    var shaded: Shaded;
    shaded.clip = position_world_to_clip((world_from_local * vec4(position, 1.0)).xyz);
    shaded.colour = vec4(vertex.colour.rgb * light, vertex.colour.a);
    return shaded;
}

@fragment
fn fragment(shaded: Shaded) -> @location(0) vec4<f32> {
    return shaded.colour;
}
