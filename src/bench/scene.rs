//! What a scene asks the graphics card to draw, counted from the scene itself: the meshes
//! under the scene's root that the camera sees this frame, the draw calls they make once
//! Bevy has batched them, and their triangles. The render benchmark prints the counts with
//! its figures, and [`SCENE_BUDGET`] is what every scene must stay within.

use std::collections::HashSet;

use bevy::asset::UntypedAssetId;
use bevy::ecs::system::SystemParam;
use bevy::mesh::{Mesh, PrimitiveTopology};
use bevy::prelude::*;

use crate::environment::{ShownEnvironment, VertexColours};
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

/// The triangles one copy of `mesh` draws (lines and points draw none).
pub fn triangles(mesh: &Mesh) -> usize {
    let corners = mesh
        .indices()
        .map_or_else(|| mesh.count_vertices(), |indices| indices.len());
    match mesh.primitive_topology() {
        PrimitiveTopology::TriangleList => corners / 3,
        PrimitiveTopology::TriangleStrip => corners.saturating_sub(2),
        PrimitiveTopology::PointList
        | PrimitiveTopology::LineList
        | PrimitiveTopology::LineStrip => 0,
    }
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
            Option<&'static MeshMaterial3d<VertexColours>>,
            Option<&'static MeshMaterial3d<Unlit>>,
            Option<&'static MeshMaterial3d<StandardMaterial>>,
        ),
    >,
    meshes: Res<'w, Assets<Mesh>>,
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
            count.triangles += self.meshes.get(&mesh.0).map_or(0, triangles);
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
    use bevy::asset::RenderAssetUsages;
    use bevy::mesh::Indices;

    #[test]
    fn triangles_are_counted_from_indices_or_corners() {
        assert_eq!(triangles(&Mesh::from(Cuboid::new(1.0, 1.0, 1.0))), 12);
        let mut strip = Mesh::new(
            PrimitiveTopology::TriangleStrip,
            RenderAssetUsages::default(),
        );
        strip.insert_attribute(Mesh::ATTRIBUTE_POSITION, vec![[0.0f32; 3]; 6]);
        assert_eq!(triangles(&strip), 4);
        let mut points = Mesh::new(PrimitiveTopology::PointList, RenderAssetUsages::default());
        points.insert_attribute(Mesh::ATTRIBUTE_POSITION, vec![[0.0f32; 3]; 6]);
        points.insert_indices(Indices::U16(vec![0, 1, 2]));
        assert_eq!(triangles(&points), 0);
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
