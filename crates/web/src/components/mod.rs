//! Small reusable pieces of the interface.

pub mod avatar;
pub mod info_bar;
pub mod language_switch;
pub mod new_password;
pub mod shell;
