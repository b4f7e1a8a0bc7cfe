//! The operations (use cases) behind each command, implemented as methods of
//! [`crate::Client`]; each orchestrates the layers below.

mod cluster_class;
pub mod delete;
pub mod generate;
pub mod init;
mod management;
pub mod plural;
pub mod upgrade;
