//! sea-orm entities, one per table of the core schema.

pub mod care_team_member;
pub mod client;
pub mod client_contact;
pub mod organisation;
pub mod session;
pub mod user;
