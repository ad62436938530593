//! Authentication: password hashing, access tokens and the `AuthUser` extractor. Device
//! verification and refresh tokens plug in here: login creates a `Session` and the token
//! names it, so a second factor only has to delay issuing the token.

pub mod common_passwords;
pub mod extractor;
pub mod integrator;
pub mod keys;
pub mod password;
pub mod seal;
pub mod secret;
pub mod token;

pub use extractor::AuthUser;
pub use integrator::Integrator;
pub use token::TokenService;
