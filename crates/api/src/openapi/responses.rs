//! Every error answer of the API, each written once. A handler lists the ones it can give in
//! its `#[utoipa::path(responses(...))]`; what an answer means for that one operation (which
//! fields a 422 names) is said in the handler's doc comment, which becomes its description:
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

/// One `IntoResponses` type per answer: its status, its description naming the stable error
/// code, and optionally an example body.
macro_rules! problem_responses {
    ($(
        $(#[doc = $doc:tt])*
        $name:ident = $status:tt, $description:tt $(, example = { $($example:tt)* })?;
    )*) => {$(
        $(#[doc = $doc])*
        #[derive(IntoResponses)]
        #[response(
            status = $status,
            description = $description,
            content_type = "application/problem+json"
            $(, example = $($example)*)?
        )]
        pub struct $name(#[allow(dead_code)] Problem);
    )*

    /// Every description above: the OpenAPI test holds each error answer of the document to
    /// one of them.
    pub const DESCRIPTIONS: &[&str] = &[$($description),*];
    };
}

problem_responses! {
    // ------------------------------------------------------------------ 401
    /// 401 for a user's operation.
    Unauthenticated = 401, "No valid access token (`authentication_required`)";
    /// 401 for an integration's operation.
    NoApiKey = 401, "No valid API key (`authentication_required`)";
    /// 401 from the password step.
    InvalidCredentials = 401,
        "Wrong username or password (`invalid_credentials`), or a temporary password past its lifetime (`temporary_password_expired`)",
        example = { json!({"type": "https://kring.nl/problems/invalid_credentials", "title": "Invalid username or password", "status": 401, "detail": "The username or password is not correct. Too many wrong passwords block the account; 'forgot password' then gives access again.", "code": "invalid_credentials"}) };
    /// 401 from the steps after the password.
    AttemptExpired = 401,
        "The sign-in attempt is unknown, expired, done or out of codes, or (adding a number) the account already has a second factor (`login_attempt_expired`)";
    /// 401 from a refresh.
    NoRefreshToken = 401, "No valid refresh token (`authentication_required`); the cookie is removed";
    /// 401 for the event stream.
    StreamTicketInvalid = 401,
        "The ticket is unknown, used, expired or for another client (`authentication_required`)";

    // ------------------------------------------------------------------ 403
    /// 403 for Beheer.
    NotOrganisationAdmin = 403, "Not an organisation administrator (`permission_denied`)";
    /// 403 for Gebruikersbeheer.
    NotPortalAdministrator = 403, "Not a portal administrator of this client (`permission_denied`)";
    /// 403 for a client's portal.
    NotInNetwork = 403,
        "The user is not in this client's network, or access ended (`permission_denied`)",
        example = { json!({"type": "https://kring.nl/problems/permission_denied", "title": "Permission denied", "status": 403, "detail": "You have no access to this client's portal.", "code": "permission_denied"}) };
    /// 403 for the dossier.
    NoDossierAccess = 403,
        "The user has no access to this client, or no Dossier permission, or the organisation switched the dossier off (`permission_denied`)";
    /// 403 for reading the agenda.
    NoAgendaAccess = 403,
        "The user has no Afspraken permission for this client and is not in its care team, or the organisation switched the agenda off (`permission_denied`)";
    /// 403 for planning in the agenda.
    AgendaChangeRefused = 403,
        "No Afspraken permission or the agenda is switched off; or this user may not add appointments here (organisation setting) or change this one (only its maker and portal administrators) (`permission_denied`)";
    /// 403 for Gegevens and the pinboard.
    NoDetailsAccess = 403,
        "The user has no Gegevens permission for this client, is a care worker (the pinboard is for the network), or the organisation switched Gegevens off (`permission_denied`)";
    /// 403 for deleting on the pinboard.
    PinboardDeleteRefused = 403,
        "No Gegevens permission, a care worker, Gegevens switched off, or neither the writer nor a portal administrator (`permission_denied`)";
    /// 413 for a photo upload.
    PhotoTooLarge = 413, "The photo is larger than the configured size, 15 MB by default (`payload_too_large`)";
    /// 415 for a photo upload.
    NotAPhoto = 415, "Not a JPEG, PNG or WebP photo, whatever its `Content-Type` says (`unsupported_media_type`)";
    /// 404 for a photo.
    NoSuchPhoto = 404, "No such photo, or the user may not see it (`not_found`)";
    /// 403 for reading and answering messages.
    NoMessagesAccess = 403,
        "The user has no Berichten permission for this client and is not in its care team, or the organisation switched Berichten off; answering a conversation with care also needs the organisation's leave to write to care (`permission_denied`)";
    /// 403 for starting a conversation.
    ConversationRefused = 403,
        "No Berichten permission, Berichten switched off, or a care worker (care workers answer; they do not start conversations) (`permission_denied`)";
    /// 403 for the care worker's inbox and absence.
    NotCareWorker = 403, "Only care workers have an inbox and an absence (`permission_denied`)";
    /// 413 for an attachment upload.
    AttachmentTooLarge = 413, "The file is larger than the configured size, 15 MB by default (`payload_too_large`)";
    /// 415 for an attachment upload.
    NotAnAttachment = 415, "Not a PDF or a JPEG, PNG or WebP photo, whatever its `Content-Type` says (`unsupported_media_type`)";
    /// 404 for a conversation.
    NoSuchConversation = 404,
        "No such client, or no such conversation for this user: it belongs to another client, or the user is not in it (`not_found`)";
    /// 429 for sending messages.
    MessageLimit = 429,
        "Over 60 messages by this user this hour (`rate_limited`, with `Retry-After`)";
    /// 403 for an API key without `messages:write`.
    NeedsMessagesWrite = 403, "The key lacks the `messages:write` scope (`permission_denied`)";
    /// 403 for *Download* and *Wie heeft mijn dossier bekeken*.
    NotClientOrAdministrator = 403,
        "The user is neither the client nor a portal administrator (the Instellingen permission) of this client, or access ended after discharge (`permission_denied`)";
    /// 404 for an export.
    NoSuchExport = 404,
        "No such client, or no such export of this user for this client (`not_found`)";
    /// 409 for a download link.
    ExportNotReady = 409,
        "The export is still being written, failed, or its file was removed after the organisation's period (`export_not_ready`)";
    /// 429 for a new export.
    ExportRunning = 429,
        "An export of this user is still queued or running, or they started 20 today; wait until it is done (`rate_limited`, with `Retry-After`)";
    /// 429 for `$everything` and the access-log CSV.
    DataLimit = 429,
        "Over 30 bundles or CSV files by this user this hour (`rate_limited`, with `Retry-After`)";
    /// 404 for a download.
    DownloadLinkInvalid = 404,
        "The download link is unknown, used or older than a minute, or the file was removed (`not_found`)";
    /// 403 for an API key without `clients:write`.
    NeedsClientsWrite = 403, "The key lacks the `clients:write` scope (`permission_denied`)";
    /// 403 for an API key without `dossier:write`.
    NeedsDossierWrite = 403, "The key lacks the `dossier:write` scope (`permission_denied`)";
    /// 403 for an API key without `feed:read`.
    NeedsFeedRead = 403, "The key lacks the `feed:read` scope (`permission_denied`)";

    // ------------------------------------------------------------------ 404
    /// 404 for a client id.
    NoSuchClient = 404, "No such client (`not_found`)";
    /// 404 for a client and contact id.
    NoSuchContact = 404, "No such client or contact (`not_found`)";
    /// 404 for any other id in the path: the object does not exist, belongs to another
    /// organisation, client or user, or was retracted.
    NotFound = 404,
        "No such object for this caller: it does not exist, belongs to another organisation, client or user, or was retracted (`not_found`)";

    // ------------------------------------------------------------------ 409
    /// 409 when a change would leave a client without a portal administrator or remove the
    /// primary contact.
    ContactProtected = 409,
        "The primary contact cannot be removed (`primary_contact_protected`), and a client keeps at least one portal administrator (`last_administrator`)";
    /// 409 when the person is already in the network.
    AlreadyContact = 409, "Already a contact of this client (`already_contact`)";

    // ------------------------------------------------------------------ 410
    /// 410 for a reset link.
    ResetLinkInvalid = 410, "The reset link is unknown, expired or used (`reset_link_invalid`)";

    // ------------------------------------------------------------------ 422
    /// 422 for fields; the operation's description names the fields and codes.
    ValidationFailed = 422,
        "One or more fields are invalid (`validation_failed`); `errors` names each field and its code, as listed in the operation's description",
        example = { json!({"type": "https://kring.nl/problems/validation_failed", "title": "Validation failed", "status": 422, "detail": "One or more fields are invalid.", "code": "validation_failed", "errors": [{"field": "mobile", "code": "not_mobile"}]}) };
    /// 422 for a new password.
    PasswordRefused = 422,
        "The new password breaks a rule (`validation_failed`: `too_short`, `needs_uppercase`, `needs_digit`, `too_common`, `recently_used` …); on a first login also a taken username",
        example = { json!({"type": "https://kring.nl/problems/validation_failed", "title": "Validation failed", "status": 422, "detail": "One or more fields are invalid.", "code": "validation_failed", "errors": [{"field": "new_password", "code": "needs_digit"}]}) };
    /// 422 for a verification code.
    InvalidCode = 422,
        "The code is wrong, expired or used up, no code is waiting, or the account uses the authenticator app so no SMS is sent (`invalid_code`)",
        example = { json!({"type": "https://kring.nl/problems/invalid_code", "title": "Invalid verification code", "status": 422, "detail": "The code is not correct; 4 tries left.", "code": "invalid_code"}) };
    /// 422 when the password asked again is wrong.
    ReauthenticationFailed = 422,
        "The current password is wrong (`reauthentication_failed`), or a field is invalid (`validation_failed`, see the operation's description)";
    /// 422 for a feed cursor or page size.
    InvalidCursor = 422,
        "The cursor is not one (`invalid_cursor`) or lies beyond the feed (`beyond_feed`), or `limit` is not between 1 and 500 (`out_of_range`)";

    // ------------------------------------------------------------------ 423
    /// 423 for a blocked account.
    AccountLocked = 423,
        "The account is blocked after too many wrong passwords or codes (`account_locked`)",
        example = { json!({"type": "https://kring.nl/problems/account_locked", "title": "Account blocked", "status": 423, "detail": "The account is blocked after too many wrong passwords or codes. Choose a new password with 'forgot password' to unblock it at once.", "code": "account_locked"}) };

    // ------------------------------------------------------------------ 429
    /// 429 from the sign-in throttle.
    SignInThrottled = 429,
        "Too many sign-in attempts from this address or for this user (`rate_limited`, with `Retry-After`)";
    /// 429 when a code is asked again too soon.
    CodeTooSoon = 429,
        "Too soon after the last code, or too many sign-in attempts from this address (`rate_limited`, with `Retry-After`)";
    /// 429 from an administrator's hourly limits.
    AdministratorLimit = 429,
        "Too many look-ups or invitations by this administrator this hour (`rate_limited`, with `Retry-After`); adding a new person counts as a look-up, since the answer tells whether the e-mail address is in use";

    /// 429 for photo uploads.
    UploadLimit = 429,
        "Over 120 uploads by this user this hour, or 8 uploads under way on the server (`rate_limited`, with `Retry-After`)";

    // ------------------------------------------------------------------ 5xx
    /// 500.
    ServerError = 500, "Server error (`internal_error`); nothing of the request was stored";
    /// 503 from the readiness probe.
    ServiceUnavailable = 503, "The database does not answer (`service_unavailable`)";
}
