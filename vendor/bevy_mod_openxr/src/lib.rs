#[cfg(not(target_family = "wasm"))]
mod openxr;
#[cfg(not(target_family = "wasm"))]
pub use openxr::*;
