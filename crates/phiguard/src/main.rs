//! The `phiguard` command.
fn main() {}
