//! Custom hooks: the session context, the backend's events, refresh on activity, a ticking
//! clock for display, a brief confirmation flag, and owner-only page data.

mod use_activity_refresh;
mod use_backend_events;
mod use_flash;
mod use_now;
mod use_owner_load;
mod use_session;

pub use use_activity_refresh::use_activity_refresh;
pub use use_backend_events::use_backend_events;
pub use use_flash::use_flash;
pub use use_now::use_now;
pub use use_owner_load::{use_owner_load, OwnerLoad};
pub use use_session::{use_session, use_session_root};
