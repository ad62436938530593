//! The error answers many operations share, each written once. A handler lists them in its
//! `#[utoipa::path(responses(...))]` next to the answers only it gives:
//!
//! ```text
//! responses(
//!     (status = 200, description = "The contacts", body = [ContactRow]),
//!     Unauthenticated, NotPortalAdministrator, NoSuchClient, ServerError,
//! )
//! ```
//!
//! 400 (`malformed_request`), 415 and the 409 `already_exists` of every write are added to
//! every operation that can give them by [`super::CommonProblems`]; they are not listed here.

use kring_shared::Problem;
use utoipa::IntoResponses;

/// 401 for a user's operation.
#[derive(IntoResponses)]
#[response(
    status = 401,
    description = "No valid access token (`authentication_required`)",
    content_type = "application/problem+json"
)]
pub struct Unauthenticated(#[allow(dead_code)] Problem);

/// 401 for an integration's operation.
#[derive(IntoResponses)]
#[response(
    status = 401,
    description = "No valid API key (`authentication_required`)",
    content_type = "application/problem+json"
)]
pub struct NoApiKey(#[allow(dead_code)] Problem);

/// 403 for Beheer.
#[derive(IntoResponses)]
#[response(
    status = 403,
    description = "Not an organisation administrator (`permission_denied`)",
    content_type = "application/problem+json"
)]
pub struct NotOrganisationAdmin(#[allow(dead_code)] Problem);

/// 403 for Gebruikersbeheer.
#[derive(IntoResponses)]
#[response(
    status = 403,
    description = "Not a portal administrator of this client (`permission_denied`)",
    content_type = "application/problem+json"
)]
pub struct NotPortalAdministrator(#[allow(dead_code)] Problem);

/// 403 for the dossier.
#[derive(IntoResponses)]
#[response(
    status = 403,
    description = "The user has no access to this client, or no Dossier permission, or the organisation switched the dossier off (`permission_denied`)",
    content_type = "application/problem+json"
)]
pub struct NoDossierAccess(#[allow(dead_code)] Problem);

/// 403 for an API key without `clients:write`.
#[derive(IntoResponses)]
#[response(
    status = 403,
    description = "The key lacks the `clients:write` scope (`permission_denied`)",
    content_type = "application/problem+json"
)]
pub struct NeedsClientsWrite(#[allow(dead_code)] Problem);

/// 403 for an API key without `dossier:write`.
#[derive(IntoResponses)]
#[response(
    status = 403,
    description = "The key lacks the `dossier:write` scope (`permission_denied`)",
    content_type = "application/problem+json"
)]
pub struct NeedsDossierWrite(#[allow(dead_code)] Problem);

/// 403 for an API key without `feed:read`.
#[derive(IntoResponses)]
#[response(
    status = 403,
    description = "The key lacks the `feed:read` scope (`permission_denied`)",
    content_type = "application/problem+json"
)]
pub struct NeedsFeedRead(#[allow(dead_code)] Problem);

/// 404 for a client id.
#[derive(IntoResponses)]
#[response(
    status = 404,
    description = "No such client (`not_found`)",
    content_type = "application/problem+json"
)]
pub struct NoSuchClient(#[allow(dead_code)] Problem);

/// 404 for a client and contact id.
#[derive(IntoResponses)]
#[response(
    status = 404,
    description = "No such client or contact (`not_found`)",
    content_type = "application/problem+json"
)]
pub struct NoSuchContact(#[allow(dead_code)] Problem);

/// 429 from the sign-in throttle.
#[derive(IntoResponses)]
#[response(
    status = 429,
    description = "Too many sign-in attempts from this address or for this user (`rate_limited`, with `Retry-After`)",
    content_type = "application/problem+json"
)]
pub struct SignInThrottled(#[allow(dead_code)] Problem);

/// 500.
#[derive(IntoResponses)]
#[response(
    status = 500,
    description = "Server error (`internal_error`)",
    content_type = "application/problem+json"
)]
pub struct ServerError(#[allow(dead_code)] Problem);
