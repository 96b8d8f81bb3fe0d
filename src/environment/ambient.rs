//! The slow life of a scene: motes of light drifting in the air, glints shimmering on the
//! water, clouds crossing the sky. Every motion is slow and every change of light gradual;
//! the rates come from the scene's preset, which the comfort guard checks
//! (`comfort::preset_animations`).

use std::f32::consts::TAU;

use bevy::prelude::*;

use super::builder::direction;
use super::elements::Ambient;
use crate::AppSystems;
use crate::viewpoint::EYE_HEIGHT;
use crate::visuals::Unlit;
use crate::visuals::glow::SoftLight;

/// Moves the ambient lights of the scene on screen.
pub fn plugin(app: &mut App) {
    app.add_systems(Update, drift.in_set(AppSystems::Present));
}

/// How one ambient light moves: its resting place and its slow paths around it.
#[derive(Component, Debug, Clone, Copy)]
pub struct Drift {
    kind: DriftKind,
    /// Where it rests.
    home: Vec3,
    /// Its size at rest: width and height, metres.
    size: Vec2,
    /// A phase offset so that no two lights move together, radians.
    phase: f32,
    /// Seconds per swell (motes), shimmer (glints) or unused (clouds).
    pulse_secs: f32,
    /// Seconds per wander around home (motes, glints); degrees per second (clouds).
    pace: f32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DriftKind {
    Mote,
    Glint,
    Cloud,
}

/// A repeatable pseudo-random number in 0..1 for light `index` and purpose `salt`.
fn noise(index: u32, salt: u32) -> f32 {
    let mut x = index
        .wrapping_mul(0x9E37_79B9)
        .wrapping_add(salt.wrapping_mul(0x85EB_CA6B));
    x ^= x >> 16;
    x = x.wrapping_mul(0x7FEB_352D);
    x ^= x >> 15;
    x = x.wrapping_mul(0x846C_A68B);
    x ^= x >> 16;
    x as f32 / u32::MAX as f32
}

/// The ambient lights of a scene, at rest; `glow_azimuth` is where the sun or moon sits.
pub fn ambient_lights(ambient: &Ambient, glow_azimuth: f32) -> Vec<(Drift, Color, f32)> {
    let mut lights = Vec::new();
    if let Some(motes) = ambient.motes {
        for index in 0..motes.count {
            // Around the patient but clear of the caption and pacer straight ahead.
            let side = if index % 2 == 0 { 1.0 } else { -1.0 };
            let azimuth = side * (0.45 + 1.3 * noise(index, 1));
            let distance = 2.5 + 8.0 * noise(index, 2);
            let height = 0.3 + 2.6 * noise(index, 3);
            let home = direction(azimuth, 0.0) * distance + Vec3::Y * height;
            let drift = Drift {
                kind: DriftKind::Mote,
                home,
                size: Vec2::splat(motes.size * (0.6 + 0.8 * noise(index, 4))),
                phase: TAU * noise(index, 5),
                pulse_secs: motes.pulse_secs * (1.0 + 0.5 * noise(index, 6)),
                pace: 24.0 + 24.0 * noise(index, 7),
            };
            lights.push((drift, motes.colour, 0.85));
        }
    }
    if let Some(glints) = ambient.glints {
        for index in 0..glints.count {
            // Along the path of reflected light towards the glow.
            let distance = 18.0 + 110.0 * noise(index, 11).powi(2);
            let azimuth = glow_azimuth + 0.16 * (noise(index, 12) - 0.5);
            let home = direction(azimuth, 0.0) * distance + Vec3::Y * 0.02;
            let width = distance * (0.05 + 0.05 * noise(index, 13));
            let drift = Drift {
                kind: DriftKind::Glint,
                home,
                size: Vec2::new(width, width * 0.06),
                phase: TAU * noise(index, 14),
                pulse_secs: glints.shimmer_secs * (1.0 + 0.6 * noise(index, 15)),
                pace: 30.0 + 30.0 * noise(index, 16),
            };
            lights.push((drift, glints.colour, 0.5));
        }
    }
    if let Some(clouds) = ambient.clouds {
        for index in 0..clouds.count {
            let azimuth = TAU * (index as f32 + 0.6 * noise(index, 21)) / clouds.count as f32;
            let elevation = 0.08 + 0.22 * noise(index, 22);
            let home = direction(azimuth, elevation) * 380.0;
            let width = 70.0 + 70.0 * noise(index, 23);
            // Each cloud is a few overlapping soft puffs.
            for puff in 0..3u32 {
                let offset = (puff as f32 - 1.0) * width * 0.3;
                let drift = Drift {
                    kind: DriftKind::Cloud,
                    home: home + Vec3::Y * (6.0 * noise(index * 3 + puff, 24)),
                    size: Vec2::new(width * (0.55 + 0.2 * noise(puff, 25)), width * 0.16),
                    phase: offset / 380.0,
                    pulse_secs: f32::INFINITY,
                    pace: clouds.degrees_per_minute / 60.0,
                };
                lights.push((drift, clouds.colour, 0.22));
            }
        }
    }
    lights
}

impl Drift {
    /// Where the light is and how large, `secs` into the scene.
    pub fn at(&self, secs: f32) -> (Vec3, Vec2) {
        match self.kind {
            DriftKind::Mote => {
                let wander = TAU * secs / self.pace;
                let offset = Vec3::new(
                    0.6 * (wander + self.phase).sin(),
                    0.35 * (0.7 * wander + 2.0 * self.phase).sin(),
                    0.6 * (0.8 * wander + 3.0 * self.phase).cos(),
                );
                let swell = 0.5 - 0.5 * (TAU * secs / self.pulse_secs + self.phase).cos();
                (self.home + offset, self.size * (0.3 + 0.7 * swell))
            }
            DriftKind::Glint => {
                let sway = 0.4 * (TAU * secs / self.pace + self.phase).sin();
                let shimmer = 0.5 - 0.5 * (TAU * secs / self.pulse_secs + self.phase).cos();
                let size = Vec2::new(self.size.x * (0.35 + 0.65 * shimmer), self.size.y);
                (self.home + Vec3::X * sway, size)
            }
            DriftKind::Cloud => {
                let turn = Quat::from_rotation_y(-(self.pace * secs).to_radians() - self.phase);
                (turn * self.home, self.size)
            }
        }
    }
}

/// Spawns the ambient lights of `ambient` under `scene`.
pub fn spawn_ambient(
    scene: &mut ChildSpawnerCommands,
    ambient: &Ambient,
    glow_azimuth: f32,
    soft: &SoftLight,
    meshes: &mut Assets<Mesh>,
    materials: &mut Assets<Unlit>,
) {
    let quad = meshes.add(Rectangle::new(1.0, 1.0));
    let mut material_for = |colour: Color, opacity: f32| {
        materials.add(
            Unlit::blended(colour.with_alpha(opacity))
                .with_picture(soft.0.clone())
                .double_sided(),
        )
    };
    let mut last: Option<(Color, Handle<Unlit>)> = None;
    for (drift, colour, opacity) in ambient_lights(ambient, glow_azimuth) {
        let material = match &last {
            Some((shared, handle)) if *shared == colour.with_alpha(opacity) => handle.clone(),
            _ => {
                let handle = material_for(colour, opacity);
                last = Some((colour.with_alpha(opacity), handle.clone()));
                handle
            }
        };
        let (position, size) = drift.at(0.0);
        scene.spawn((
            Name::new("Ambient light"),
            drift,
            Mesh3d(quad.clone()),
            MeshMaterial3d(material),
            facing_the_patient(position, size),
        ));
    }
}

/// A quad at `position` of `size`, turned towards the patient's eyes.
fn facing_the_patient(position: Vec3, size: Vec2) -> Transform {
    let eye = Vec3::Y * EYE_HEIGHT;
    let towards = (eye - position).with_y(0.0);
    let rotation = if towards.length_squared() > 1e-6 {
        Transform::default().looking_to(-towards, Vec3::Y).rotation
    } else {
        Quat::IDENTITY
    };
    Transform::from_translation(position)
        .with_rotation(rotation)
        .with_scale(size.extend(1.0))
}

fn drift(time: Res<Time>, mut lights: Query<(&Drift, &mut Transform)>) {
    let secs = time.elapsed_secs_wrapped();
    for (drift, mut transform) in &mut lights {
        let (position, size) = drift.at(secs);
        *transform = facing_the_patient(position, size);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog;
    use crate::environment::looks::look;

    #[test]
    fn every_light_moves_slowly_and_smoothly() {
        for preset in catalog::ENVIRONMENTS {
            let look = look(preset.id);
            let lights = ambient_lights(&look.ambient, look.sky.glow_direction.0);
            assert!(!lights.is_empty(), "{} is still", preset.id);
            for (drift, _, _) in &lights {
                let frame = 1.0 / 90.0;
                let mut before = drift.at(0.0);
                for step in 1..(90 * 60) {
                    let now = drift.at(step as f32 * frame);
                    let speed = now.0.distance(before.0) / frame;
                    let limit = match drift.kind {
                        DriftKind::Cloud => 0.1,
                        _ => 0.4,
                    };
                    assert!(speed < limit, "{:?} moves {speed} m/s", drift.kind);
                    // Size changes by well under a tenth of itself a frame: no popping.
                    let growth = (now.1 - before.1).abs().max_element() / drift.size.max_element();
                    assert!(growth < 0.01, "{:?} grows {growth} a frame", drift.kind);
                    before = now;
                }
            }
        }
    }

    #[test]
    fn motes_stay_clear_of_the_caption_and_the_pacer() {
        let look = look("forest-clearing");
        for (drift, _, _) in ambient_lights(&look.ambient, 0.0) {
            if drift.kind == DriftKind::Mote {
                let (position, _) = drift.at(0.0);
                let azimuth = position.x.atan2(-position.z).abs();
                assert!(azimuth > 0.2, "a mote drifts in front of the caption");
            }
        }
    }
}
