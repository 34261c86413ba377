//! Reusable pieces of the screens: the signed-in layout and its expiry notice, the modal
//! dialog, form fields, links, redirects, relative times, icons.

pub mod auth_card;
pub mod expiry_notice;
pub mod field;
pub mod icons;
pub mod layout;
pub mod loading;
pub mod modal;
pub mod nav_link;
pub mod person_fields;
pub mod redirect;
pub mod relative_time;
