//! The one error type that crosses the IPC boundary, tagged by `kind` so the UI can match on it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::session::EndReason;

/// Every failure a command can report. Serialised as `{"kind": "...", ...fields}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "kind")]
pub enum AppError {
    /// Input was rejected; `field` names the input (`idle_minutes`, `email`, ...).
    #[error("{message}")]
    Validation { field: String, message: String },
    /// Wrong email or wrong password: deliberately the same message for both.
    #[error("The email or password is not right.")]
    InvalidCredentials,
    /// Too many failed sign-ins for this address.
    #[error("Too many failed sign-ins. Try again after {until}.")]
    LockedOut { until: DateTime<Utc> },
    /// No valid access token (missing, malformed, forged, expired).
    #[error("Please sign in.")]
    Unauthenticated,
    /// The session behind the token has ended; `reason` says why.
    #[error("Your session has ended ({reason}).")]
    SessionEnded { reason: EndReason },
    /// The caller is signed in but not allowed to do this.
    #[error("{message}")]
    Forbidden { message: String },
    /// The request conflicts with stored state (e.g. the email is taken, already set up).
    #[error("{message}")]
    Conflict {
        field: Option<String>,
        message: String,
    },
    /// Something failed inside Tenure; the details are in the log.
    #[error("Something went wrong inside Tenure: {message}")]
    Internal { message: String },
}

impl AppError {
    pub fn validation(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Validation {
            field: field.into(),
            message: message.into(),
        }
    }

    pub fn forbidden_owner_only() -> Self {
        Self::Forbidden {
            message: "Only the account owner can do this.".into(),
        }
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Self::Internal {
            message: message.into(),
        }
    }
}
