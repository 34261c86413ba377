//! Credentials: password hashing, access tokens (JWT), refresh tokens.

pub mod password;
pub mod refresh;
pub mod tokens;
