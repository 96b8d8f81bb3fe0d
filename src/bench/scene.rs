//! What a scene asks the graphics card to draw, counted from the scene itself: the meshes
//! under the scene's root that the camera sees this frame, the draw calls they make once
//! Bevy has batched them, and their triangles (as the render world holds each mesh, since
//! the scene's meshes keep no copy in the main world). The render benchmark prints the
//! counts with its figures, and [`SCENE_BUDGET`] is what every scene must stay within.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use bevy::asset::UntypedAssetId;
use bevy::ecs::system::SystemParam;
use bevy::mesh::PrimitiveTopology;
use bevy::prelude::*;
use bevy::render::mesh::{RenderMesh, RenderMeshBufferInfo};
use bevy::render::render_asset::RenderAssets;
use bevy::render::{Render, RenderApp, RenderSystems};

use crate::environment::ShownEnvironment;
use crate::environment::material::SceneMaterial;
use crate::visuals::Unlit;

/// How much a scene may draw. A headset draws every frame twice, once for each eye, in 8 to
/// 14 ms: a scene is a few dozen instanced draws (trees, grass and stones drawn as one mesh
/// each, or many copies of one mesh), and its triangles leave most of a standalone
/// headset's frame (some hundreds of thousands of triangles for both eyes) to everything
/// else. The frame time budget, at most three times a bare frame, is measured by
/// `tools/bench-ratios.sh --scenes`.
pub const SCENE_BUDGET: SceneCount = SceneCount {
    meshes: 400,
    draws: 40,
    triangles: 150_000,
};

/// What a scene draws in one view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SceneCount {
    /// Mesh entities drawn.
    pub meshes: usize,
    /// Draw calls: meshes that share both their mesh and their material are drawn together,
    /// as copies of one mesh in a single instanced call.
    pub draws: usize,
    /// Triangles drawn, each copy counted.
    pub triangles: usize,
}

impl SceneCount {
    /// What of this count passes `budget`, in words; empty when it is within.
    pub fn over(&self, budget: &SceneCount) -> Vec<String> {
        [
            ("meshes", self.meshes, budget.meshes),
            ("draw calls", self.draws, budget.draws),
            ("triangles", self.triangles, budget.triangles),
        ]
        .into_iter()
        .filter(|(_, count, most)| count > most)
        .map(|(what, count, most)| format!("{count} {what}, over the budget of {most}"))
        .collect()
    }

    /// The benchmark's words for it: `scene_meshes=… scene_draws=… scene_triangles=…`.
    pub fn figures(&self) -> String {
        format!(
            "scene_meshes={} scene_draws={} scene_triangles={}",
            self.meshes, self.draws, self.triangles
        )
    }
}

/// The triangles drawn from `corners` vertices (or indices) of `topology`; lines and points
/// draw none.
pub fn triangles(topology: PrimitiveTopology, corners: usize) -> usize {
    match topology {
        PrimitiveTopology::TriangleList => corners / 3,
        PrimitiveTopology::TriangleStrip => corners.saturating_sub(2),
        PrimitiveTopology::PointList
        | PrimitiveTopology::LineList
        | PrimitiveTopology::LineStrip => 0,
    }
}

/// The triangles of each mesh the render world holds, shared with the main world.
#[derive(Resource, Debug, Clone, Default)]
pub struct MeshTriangles(Arc<Mutex<HashMap<AssetId<Mesh>, usize>>>);

/// Keeps [`MeshTriangles`] up to date from the render world, for [`SceneCounter`].
pub fn plugin(app: &mut App) {
    let triangles = MeshTriangles::default();
    if let Some(render_app) = app.get_sub_app_mut(RenderApp) {
        render_app
            .insert_resource(triangles.clone())
            .add_systems(Render, count_triangles.in_set(RenderSystems::Cleanup));
    }
    app.insert_resource(triangles);
}

/// Counts the triangles of every mesh the render world has prepared.
fn count_triangles(meshes: Option<Res<RenderAssets<RenderMesh>>>, shared: Res<MeshTriangles>) {
    let (Some(meshes), Ok(mut counted)) = (meshes, shared.0.lock()) else {
        return;
    };
    counted.clear();
    counted.extend(meshes.iter().map(|(id, mesh)| {
        let corners = match mesh.buffer_info {
            RenderMeshBufferInfo::Indexed { count, .. } => count,
            RenderMeshBufferInfo::NonIndexed => mesh.vertex_count,
        };
        (id, triangles(mesh.primitive_topology(), corners as usize))
    }));
}

/// Reads the scene on screen: its root (named after the scene shown) and every mesh under it.
#[derive(SystemParam)]
pub struct SceneCounter<'w, 's> {
    shown: Option<Res<'w, ShownEnvironment>>,
    roots: Query<'w, 's, (Entity, &'static Name), Without<ChildOf>>,
    children: Query<'w, 's, &'static Children>,
    drawn: Query<
        'w,
        's,
        (
            &'static Mesh3d,
            &'static ViewVisibility,
            Option<&'static MeshMaterial3d<SceneMaterial>>,
            Option<&'static MeshMaterial3d<Unlit>>,
            Option<&'static MeshMaterial3d<StandardMaterial>>,
        ),
    >,
    triangles: Option<Res<'w, MeshTriangles>>,
}

impl SceneCounter<'_, '_> {
    /// The scene shown now, and what it draws in the views this frame; `None` before a
    /// scene is shown.
    pub fn count(&self) -> Option<(String, SceneCount)> {
        let id = self.shown.as_ref()?.0.clone()?;
        let root_name = format!("Scene {id}");
        let (root, _) = self
            .roots
            .iter()
            .find(|(_, name)| name.as_str() == root_name)?;
        let triangles = self.triangles.as_ref()?.0.lock().ok()?;
        let mut count = SceneCount::default();
        let mut batches: HashSet<(UntypedAssetId, Option<UntypedAssetId>)> = HashSet::new();
        for entity in self.children.iter_descendants(root) {
            let Ok((mesh, visible, vertex_coloured, unlit, standard)) = self.drawn.get(entity)
            else {
                continue;
            };
            if !visible.get() {
                continue;
            }
            count.meshes += 1;
            count.triangles += triangles.get(&mesh.0.id()).copied().unwrap_or_default();
            // A material of a kind not known here is counted as a draw of its own.
            let material = vertex_coloured
                .map(|material| material.0.id().untyped())
                .or_else(|| unlit.map(|material| material.0.id().untyped()))
                .or_else(|| standard.map(|material| material.0.id().untyped()));
            if material.is_none() || batches.insert((mesh.0.id().untyped(), material)) {
                count.draws += 1;
            }
        }
        Some((id, count))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn triangles_are_counted_from_corners_by_topology() {
        assert_eq!(triangles(PrimitiveTopology::TriangleList, 36), 12);
        assert_eq!(triangles(PrimitiveTopology::TriangleStrip, 6), 4);
        assert_eq!(triangles(PrimitiveTopology::TriangleStrip, 1), 0);
        assert_eq!(triangles(PrimitiveTopology::PointList, 6), 0);
        assert_eq!(triangles(PrimitiveTopology::LineList, 6), 0);
    }

    #[test]
    fn a_count_names_what_passes_the_budget() {
        let within = SceneCount {
            meshes: 20,
            draws: 12,
            triangles: 40_000,
        };
        assert!(within.over(&SCENE_BUDGET).is_empty());
        let heavy = SceneCount {
            draws: 41,
            triangles: 150_001,
            ..within
        };
        assert_eq!(
            heavy.over(&SCENE_BUDGET),
            [
                "41 draw calls, over the budget of 40",
                "150001 triangles, over the budget of 150000"
            ]
        );
        assert_eq!(
            within.figures(),
            "scene_meshes=20 scene_draws=12 scene_triangles=40000"
        );
    }
}
