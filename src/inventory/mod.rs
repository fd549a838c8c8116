//! The deployment inventory (rule R9 in docs/rules.md#r9): its model, the line-and-column
//! validator, and the writer of `inventory.conf`.

pub mod model;
pub mod render;
pub mod validate;
pub mod yaml;

pub use model::{diff, Changes, Inventory};
pub use render::render;
pub use validate::{render_problems, validate, Problem};

#[cfg(test)]
mod tests;
