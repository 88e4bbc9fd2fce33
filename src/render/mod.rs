//! Output formats. Rendering only: nothing here decides anything.

pub mod batch;
pub mod handbook;
pub mod report;
