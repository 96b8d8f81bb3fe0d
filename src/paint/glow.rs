//! The painting's glow, drawn small and laid over the view.
//!
//! Each stroke's halo is a faint band blended over whatever is behind it, and a painting
//! stacks many: drawn in the view itself, every one would be blended at full size at each of
//! the view's samples. Instead a camera beside each view draws the halos into a picture a
//! quarter of the view's width and height, unsampled, with each stroke's core there as a
//! clear shape that hides the halos behind it as the core does in the view. One quad over
//! the painting's part of the view lays the picture over the scene, smoothing its pixels'
//! steps. The halo is faint and soft, so the smaller picture shows the same glow, for a
//! sixteenth of the pixels, each blended once instead of at each of the view's samples.

use bevy::asset::uuid_handle;
use bevy::camera::visibility::RenderLayers;
use bevy::camera::{CameraUpdateSystems, RenderTarget};
use bevy::core_pipeline::tonemapping::{DebandDither, Tonemapping};
use bevy::image::ImageSampler;
use bevy::math::{Affine3A, BVec3};
use bevy::prelude::*;
use bevy::render::render_resource::{AsBindGroup, TextureFormat};
use bevy::shader::ShaderRef;
use bevy::transform::TransformSystems;

use crate::viewpoint::PatientCamera;
use crate::visuals::fade::Unveiled;

/// The render layer of the halos and of the cores as the glow sees them: drawn only by the
/// glow cameras.
pub const GLOW_LAYER: usize = 20;
/// The first of the views' own render layers: each view sees its glow's quad in its own.
const OVERLAY_LAYERS: usize = 21;
/// How many times smaller than its view, in width and in height, the glow is drawn.
const SHRINK: u32 = 4;
/// How far in front of the eye the quad that lays the glow over the view stands, metres:
/// beyond the near plane, nearer than the painting.
const OVERLAY_DISTANCE: f32 = 0.2;
/// How far the quad reaches past the painting's box on screen, in half-widths of the view:
/// room for the picture's smoothing, and for a headset view that turned a little after the
/// quad was placed.
const OVERLAY_MARGIN: f32 = 0.08;

/// The overlay's shader, held in the app's shaders under a fixed handle.
const OVERLAY_SHADER: Handle<Shader> = uuid_handle!("c7a1f0d2-4b6e-4d8a-9f13-2e5b7c9d0a64");

/// Draws the painting's glow small in each view that asks for it ([`GlowSlot`]), the
/// desktop view always.
pub fn plugin(app: &mut App) {
    app.add_plugins(MaterialPlugin::<GlowOverlay>::default());
    let shader = Shader::from_wgsl(
        include_str!("glow_overlay.wgsl"),
        "stillpoint/paint/glow_overlay.wgsl",
    );
    crate::visuals::unlit::add_shader(app, &OVERLAY_SHADER, shader, "the painting's glow");
    app.configure_sets(
        PostUpdate,
        FollowViews
            .before(CameraUpdateSystems)
            .before(TransformSystems::Propagate),
    )
    .add_systems(
        PostUpdate,
        (glow_in_the_desktop_view, attach_glow, follow_views)
            .chain()
            .in_set(FollowViews),
    );
}

/// The systems that keep each glow in step with its view. A view whose pose or projection
/// is set in `PostUpdate` (a headset's eye) is set before them.
#[derive(SystemSet, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FollowViews;

/// Asks for the painting's glow in this camera's view; the number is the view's own, one
/// per view.
#[derive(Component, Debug, Clone, Copy, PartialEq, Eq)]
pub struct GlowSlot(pub usize);

impl GlowSlot {
    /// The desktop view's.
    pub const DESKTOP: GlowSlot = GlowSlot(0);

    /// A headset eye's.
    pub fn eye(index: u32) -> GlowSlot {
        GlowSlot(1 + index as usize)
    }

    /// The render layer in which this view sees its glow's quad.
    pub fn overlay_layer(self) -> usize {
        OVERLAY_LAYERS + self.0
    }
}

/// A view's glow: the camera that draws it, its picture, and the quad that lays it over the
/// view.
#[derive(Component, Debug, Clone)]
pub struct PaintingGlow {
    /// The camera that draws the glow.
    pub camera: Entity,
    overlay: Entity,
    picture: Handle<Image>,
    material: Handle<GlowOverlay>,
}

/// Marks a camera that draws a view's glow.
#[derive(Component, Debug, Clone, Copy)]
pub struct GlowCamera;

/// Marks a stroke's halo, with the box it can be drawn in (least and greatest corners, in
/// the world).
#[derive(Component, Debug, Clone, Copy, PartialEq)]
pub struct HaloReach(pub Vec3, pub Vec3);

/// Lays a glow's picture over its view, each pixel from the same place in the picture.
#[derive(Asset, AsBindGroup, TypePath, Debug, Clone)]
pub struct GlowOverlay {
    /// The halos drawn over nothing, their colours weighted by their opacity.
    #[texture(0)]
    #[sampler(1)]
    picture: Handle<Image>,
}

impl Material for GlowOverlay {
    fn fragment_shader() -> ShaderRef {
        ShaderRef::Handle(OVERLAY_SHADER)
    }

    fn alpha_mode(&self) -> AlphaMode {
        AlphaMode::Premultiplied
    }

    fn enable_prepass() -> bool {
        false
    }

    fn enable_shadows() -> bool {
        false
    }
}

fn glow_in_the_desktop_view(views: Query<Entity, Added<PatientCamera>>, mut commands: Commands) {
    for view in &views {
        commands.entity(view).insert(GlowSlot::DESKTOP);
    }
}

/// Gives each view that asks for it a glow camera, its picture and the quad over the view.
fn attach_glow(
    views: Query<(Entity, &GlowSlot, Option<&RenderLayers>), Added<GlowSlot>>,
    mut images: ResMut<Assets<Image>>,
    mut meshes: ResMut<Assets<Mesh>>,
    mut materials: ResMut<Assets<GlowOverlay>>,
    mut commands: Commands,
) {
    for (view, slot, layers) in &views {
        // Sized to the view once it is known (see `follow_views`).
        let picture = images.add(new_picture(UVec2::ONE));
        let camera = commands
            .spawn((
                Name::new("Painting's glow camera"),
                GlowCamera,
                Unveiled,
                Camera3d::default(),
                Camera {
                    order: -1,
                    is_active: false,
                    clear_color: ClearColorConfig::Custom(Color::NONE),
                    ..default()
                },
                RenderTarget::from(picture.clone()),
                Msaa::Off,
                Tonemapping::None,
                DebandDither::Disabled,
                RenderLayers::layer(GLOW_LAYER),
                Transform::IDENTITY,
                ChildOf(view),
            ))
            .id();
        let material = materials.add(GlowOverlay {
            picture: picture.clone(),
        });
        let overlay = commands
            .spawn((
                Name::new("Painting's glow"),
                Mesh3d(meshes.add(Rectangle::new(1.0, 1.0))),
                MeshMaterial3d(material.clone()),
                RenderLayers::layer(slot.overlay_layer()),
                Transform::from_xyz(0.0, 0.0, -OVERLAY_DISTANCE),
                Visibility::Hidden,
                ChildOf(view),
            ))
            .id();
        let seen = layers.cloned().unwrap_or_default();
        commands.entity(view).insert((
            seen.with(slot.overlay_layer()),
            PaintingGlow {
                camera,
                overlay,
                picture,
                material,
            },
        ));
    }
}

/// Keeps each glow camera's picture the size of its view over [`SHRINK`] and its projection
/// the view's, draws it only while strokes are on show, and places the quad over the part of
/// the view the painting can cover.
fn follow_views(
    mut views: Query<
        (&Camera, &Projection, &GlobalTransform, &mut PaintingGlow),
        Without<GlowCamera>,
    >,
    mut cameras: Query<(&mut Camera, &mut Projection, &mut RenderTarget), With<GlowCamera>>,
    mut overlays: Query<(&mut Transform, &mut Visibility), Without<HaloReach>>,
    halos: Query<(&HaloReach, &InheritedVisibility)>,
    mut images: ResMut<Assets<Image>>,
    mut materials: ResMut<Assets<GlowOverlay>>,
) {
    let painting = halos
        .iter()
        .filter(|(_, visible)| visible.get())
        .map(|(reach, _)| (reach.0, reach.1))
        .reduce(|(least, most), (low, high)| (least.min(low), most.max(high)));
    for (view, projection, transform, mut glow) in &mut views {
        let Ok((mut camera, mut glow_projection, mut target)) = cameras.get_mut(glow.camera) else {
            continue;
        };
        let size = view.physical_viewport_size();
        let wanted = size.map(|size| ((size + UVec2::splat(SHRINK - 1)) / SHRINK).max(UVec2::ONE));
        if let Some(wanted) = wanted
            && images.get(&glow.picture).map(Image::size) != Some(wanted)
        {
            // A new picture rather than the old one resized, so that the camera and the
            // overlay both take it up at once.
            glow.picture = images.add(new_picture(wanted));
            *target = RenderTarget::from(glow.picture.clone());
            if let Some(mut material) = materials.get_mut(&glow.material) {
                material.picture = glow.picture.clone();
            }
        }
        let area = painting
            .filter(|_| view.is_active && size.is_some())
            .and_then(|(least, most)| {
                screen_area(
                    view.clip_from_view(),
                    transform.affine().inverse(),
                    least,
                    most,
                )
            });
        if camera.is_active != area.is_some() {
            camera.is_active = area.is_some();
            if let (true, Some(size), Some(picture)) = (camera.is_active, size, wanted) {
                info!(
                    "the painting's glow is drawn at {}×{} for a view of {}×{}",
                    picture.x, picture.y, size.x, size.y
                );
            }
        }
        if area.is_some() {
            *glow_projection = projection.clone();
        }
        if let Ok((mut overlay, mut visibility)) = overlays.get_mut(glow.overlay) {
            visibility.set_if_neq(if area.is_some() {
                Visibility::Inherited
            } else {
                Visibility::Hidden
            });
            if let Some(area) = area {
                let placed = overlay_transform(view.clip_from_view(), area);
                overlay.set_if_neq(placed);
            }
        }
    }
}

/// A picture for a glow to be drawn into, `size` pixels, read smoothly.
fn new_picture(size: UVec2) -> Image {
    let mut picture =
        Image::new_target_texture(size.x, size.y, TextureFormat::Rgba8UnormSrgb, None);
    picture.sampler = ImageSampler::linear();
    picture
}

/// The part of the view, as a rectangle in normalised device coordinates (−1 to 1, y up),
/// that the box `least..most` can cover, reaching [`OVERLAY_MARGIN`] past it; the whole view
/// when the box reaches beside or behind the eye, `None` when it is out of sight.
fn screen_area(
    clip_from_view: Mat4,
    view_from_world: Affine3A,
    least: Vec3,
    most: Vec3,
) -> Option<Rect> {
    let whole = Rect::new(-1.0, -1.0, 1.0, 1.0);
    let corners = (0..8).map(|corner| {
        let world = Vec3::select(
            BVec3::new(corner & 1 != 0, corner & 2 != 0, corner & 4 != 0),
            most,
            least,
        );
        view_from_world.transform_point3(world)
    });
    if corners.clone().all(|seen| seen.z >= 0.0) {
        // Wholly behind the eye.
        return None;
    }
    if corners.clone().any(|seen| seen.z > -OVERLAY_DISTANCE) {
        // Reaching beside or behind the eye: it may cover anywhere on screen.
        return Some(whole);
    }
    let area = corners.fold(Rect::EMPTY, |area, seen| {
        let clip = clip_from_view * seen.extend(1.0);
        area.union_point(clip.truncate().truncate() / clip.w)
    });
    let area = area.inflate(OVERLAY_MARGIN).intersect(whole);
    (!area.is_empty()).then_some(area)
}

/// Where the quad stands, as a child of its view, to cover `area` of it.
fn overlay_transform(clip_from_view: Mat4, area: Rect) -> Transform {
    let view_from_clip = clip_from_view.inverse();
    // A point of the screen, on the plane OVERLAY_DISTANCE in front of the eye.
    let at = |screen: Vec2| {
        let near = view_from_clip.project_point3(screen.extend(1.0));
        near * (OVERLAY_DISTANCE / -near.z)
    };
    let (low, high) = (at(area.min), at(area.max));
    Transform::from_translation(((low + high) / 2.0).with_z(-OVERLAY_DISTANCE))
        .with_scale((high - low).abs().with_z(1.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view_at(eye: Vec3, target: Vec3) -> (Mat4, Affine3A) {
        let mut projection = PerspectiveProjection {
            fov: 62f32.to_radians(),
            ..default()
        };
        bevy::camera::CameraProjection::update(&mut projection, 1280.0, 720.0);
        let clip_from_view = bevy::camera::CameraProjection::get_clip_from_view(&projection);
        let world_from_view = Transform::from_translation(eye).looking_at(target, Vec3::Y);
        (clip_from_view, world_from_view.compute_affine().inverse())
    }

    #[test]
    fn the_quad_covers_what_the_painting_covers_on_screen_and_no_more_than_its_margin() {
        let eye = Vec3::new(0.0, 1.2, 0.0);
        let (clip_from_view, view_from_world) = view_at(eye, Vec3::new(0.0, 1.1, -1.0));
        let (least, most) = (Vec3::new(-0.2, 0.9, -0.8), Vec3::new(0.1, 1.3, -0.5));
        let area =
            screen_area(clip_from_view, view_from_world, least, most).expect("the box is seen");
        // Every point of the box lands inside the area, and the area is no bigger than the
        // box's corners' rectangle and its margin.
        let mut corners = Rect::EMPTY;
        for x in [least.x, most.x] {
            for y in [least.y, most.y] {
                for z in [least.z, most.z] {
                    let clip = clip_from_view
                        * view_from_world
                            .transform_point3(Vec3::new(x, y, z))
                            .extend(1.0);
                    let point = clip.truncate().truncate() / clip.w;
                    assert!(area.contains(point), "{point} is outside {area:?}");
                    corners = corners.union_point(point);
                }
            }
        }
        let widest = corners
            .inflate(OVERLAY_MARGIN)
            .intersect(Rect::new(-1.0, -1.0, 1.0, 1.0));
        assert!((area.min - widest.min).abs().max_element() < 1e-5);
        assert!((area.max - widest.max).abs().max_element() < 1e-5);
        assert!(area.width() < 2.0 && area.height() < 2.0, "{area:?}");

        // The quad, where it stands in front of the eye, covers exactly that area.
        let quad = overlay_transform(clip_from_view, area);
        assert!((quad.translation.z + OVERLAY_DISTANCE).abs() < 1e-6);
        for (x, y) in [(-0.5, -0.5), (0.5, 0.5), (-0.5, 0.5), (0.5, -0.5)] {
            let corner = quad.transform_point(Vec3::new(x, y, 0.0));
            let clip = clip_from_view * corner.extend(1.0);
            let point = clip.truncate().truncate() / clip.w;
            let expected = Vec2::new(
                if x < 0.0 { area.min.x } else { area.max.x },
                if y < 0.0 { area.min.y } else { area.max.y },
            );
            assert!(
                (point - expected).length() < 1e-4,
                "{point} against {expected}"
            );
        }
    }

    #[test]
    fn a_painting_around_the_eye_takes_the_whole_view_and_one_behind_it_none() {
        let eye = Vec3::new(0.0, 1.2, 0.0);
        let (clip_from_view, view_from_world) = view_at(eye, Vec3::new(0.0, 1.2, -1.0));
        let around = screen_area(
            clip_from_view,
            view_from_world,
            eye - Vec3::splat(0.3),
            eye + Vec3::splat(0.3),
        );
        assert_eq!(around, Some(Rect::new(-1.0, -1.0, 1.0, 1.0)));
        let behind = screen_area(
            clip_from_view,
            view_from_world,
            Vec3::new(-0.2, 1.0, 1.0),
            Vec3::new(0.2, 1.4, 1.5),
        );
        assert_eq!(behind, None);
        let beside = screen_area(
            clip_from_view,
            view_from_world,
            Vec3::new(0.3, 1.0, -0.5),
            Vec3::new(0.6, 1.4, 0.5),
        );
        assert_eq!(beside, Some(Rect::new(-1.0, -1.0, 1.0, 1.0)));
        let aside = screen_area(
            clip_from_view,
            view_from_world,
            Vec3::new(5.0, 1.0, -2.0),
            Vec3::new(6.0, 1.4, -1.5),
        );
        assert_eq!(
            aside, None,
            "far off to the side, nothing to lay over the view"
        );
    }
}
