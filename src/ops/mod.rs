//! The operations (use cases) behind each command, implemented as methods of
//! [`crate::Client`]; each orchestrates the layers below.

pub mod generate;
pub mod init;
pub mod plural;
