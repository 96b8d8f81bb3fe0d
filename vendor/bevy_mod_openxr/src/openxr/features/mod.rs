pub mod handtracking;
#[cfg(feature = "fb_passthrough")]
pub mod fb_passthrough;
pub mod overlay;
