//! `GET /api/me`, changing the password, and the user's sessions.

use actix_web::{HttpResponse, delete, get, post, put, web};
use kring_shared::{
    auth::{
        ChangePasswordRequest, ContactDetailsRequest, ContactDetailsSaved, MobileCodeRequest,
        MobileVerification, ReauthenticateRequest, SessionSummary, TotpConfirmRequest, TotpEnabled,
        TotpSetup, TrustedDeviceSummary,
    },
    me::Me,
};
use utoipa_actix_web::service_config::ServiceConfig;
use uuid::Uuid;

use crate::openapi::responses::{
    CodeTooSoon, InvalidCode, NotFound, ReauthenticationFailed, ServerError, SignInThrottled,
    Unauthenticated,
};
use crate::{
    auth::AuthUser,
    error::ApiError,
    services::{self, security_log::ClientInfo, sessions, totp, verification},
    state::AppState,
    throttle::SignInThrottle,
};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(me)
        .service(change_password)
        .service(list_sessions)
        .service(end_session)
        .service(list_devices)
        .service(forget_device)
        .service(totp_setup)
        .service(totp_confirm)
        .service(totp_disable)
        .service(change_contact_details)
        .service(confirm_mobile)
        .service(resend_mobile_code);
}

/// Who am I: the signed-in user, their organisation, and each client they may open with their
/// permissions there.
#[utoipa::path(
    tag = "account",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The signed-in user", body = Me),
        Unauthenticated,
        ServerError,
    )
)]
#[get("/me")]
async fn me(state: web::Data<AppState>, auth: AuthUser) -> Result<web::Json<Me>, ApiError> {
    Ok(web::Json(services::me::me(&state.db, &auth.user).await?))
}

/// *Wachtwoord wijzigen*: change the password. Needs the current password; ends every other
/// session of the user (this one stays signed in).
///
/// Refused with 422: The current password is wrong (`reauthentication_failed`) or the new one breaks a rule (`validation_failed`).
#[utoipa::path(
    tag = "account",
    security(("bearer" = [])),
    request_body = ChangePasswordRequest,
    responses(
        (status = 204, description = "The password is changed"),
        Unauthenticated,
        ReauthenticationFailed,
        SignInThrottled,
        ServerError,
    )
)]
#[post("/me/password")]
async fn change_password(
    _throttle: SignInThrottle,
    state: web::Data<AppState>,
    origin: ClientInfo,
    auth: AuthUser,
    body: web::Json<ChangePasswordRequest>,
) -> Result<HttpResponse, ApiError> {
    services::auth::change_password(
        &state.db,
        &auth.user,
        auth.session_id,
        &body.current_password,
        &body.new_password,
        &origin,
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The user's active sessions (this one first), for *Profielinstellingen*.
#[utoipa::path(
    tag = "account",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Active sessions", body = Vec<SessionSummary>),
        Unauthenticated,
        ServerError,
    )
)]
#[get("/me/sessions")]
async fn list_sessions(
    state: web::Data<AppState>,
    auth: AuthUser,
) -> Result<web::Json<Vec<SessionSummary>>, ApiError> {
    Ok(web::Json(
        sessions::list(&state.db, &auth.user, auth.session_id).await?,
    ))
}

/// End one of the user's own sessions, e.g. on a lost phone. Its tokens stop working at once.
#[utoipa::path(
    tag = "account",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The session id")),
    responses(
        (status = 204, description = "The session has ended"),
        Unauthenticated,
        NotFound,
        ServerError,
    )
)]
#[delete("/me/sessions/{id}")]
async fn end_session(
    state: web::Data<AppState>,
    origin: ClientInfo,
    auth: AuthUser,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    sessions::end_own(&state.db, &auth.user, *id, &origin).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The devices the user chose to remember (logins there skip the SMS code).
#[utoipa::path(
    tag = "account",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Remembered devices", body = Vec<TrustedDeviceSummary>),
        Unauthenticated,
        ServerError,
    )
)]
#[get("/me/devices")]
async fn list_devices(
    state: web::Data<AppState>,
    auth: AuthUser,
) -> Result<web::Json<Vec<TrustedDeviceSummary>>, ApiError> {
    Ok(web::Json(
        verification::list_devices(&state.db, &auth.user, auth.session_id).await?,
    ))
}

/// Forget a remembered device: the next login there needs an SMS code again.
#[utoipa::path(
    tag = "account",
    security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "The device id")),
    responses(
        (status = 204, description = "The device is forgotten"),
        Unauthenticated,
        NotFound,
        ServerError,
    )
)]
#[delete("/me/devices/{id}")]
async fn forget_device(
    state: web::Data<AppState>,
    origin: ClientInfo,
    auth: AuthUser,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    verification::forget_device(&state.db, &auth.user, *id, &origin).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Start setting up the authenticator app: asks for the password again, returns a new secret
/// with its otpauth URI and QR code. Nothing changes for logins until it is confirmed.
///
/// Refused with 422: Wrong password (`reauthentication_failed`) or the app is already on (`validation_failed`).
#[utoipa::path(
    tag = "account",
    security(("bearer" = [])),
    request_body = ReauthenticateRequest,
    responses(
        (status = 200, description = "Scan this in the app", body = TotpSetup),
        Unauthenticated,
        ReauthenticationFailed,
        SignInThrottled,
        ServerError,
    )
)]
#[post("/me/totp/setup")]
async fn totp_setup(
    _throttle: SignInThrottle,
    state: web::Data<AppState>,
    origin: ClientInfo,
    auth: AuthUser,
    body: web::Json<ReauthenticateRequest>,
) -> Result<web::Json<TotpSetup>, ApiError> {
    Ok(web::Json(
        totp::setup(
            &state.db,
            &state.sealer,
            &auth.user,
            &body.current_password,
            &origin,
        )
        .await?,
    ))
}

/// Confirm the authenticator app with its current code. From now on logins on new devices ask
/// for the app's code instead of sending an SMS. Returns ten one-time recovery codes, shown
/// only this once.
///
/// Refused with 422: Wrong code (`invalid_code`) or no setup started (`validation_failed`).
#[utoipa::path(
    tag = "account",
    security(("bearer" = [])),
    request_body = TotpConfirmRequest,
    responses(
        (status = 200, description = "The app is on", body = TotpEnabled),
        Unauthenticated,
        InvalidCode,
        SignInThrottled,
        ServerError,
    )
)]
#[post("/me/totp/confirm")]
async fn totp_confirm(
    _throttle: SignInThrottle,
    state: web::Data<AppState>,
    origin: ClientInfo,
    auth: AuthUser,
    body: web::Json<TotpConfirmRequest>,
) -> Result<web::Json<TotpEnabled>, ApiError> {
    Ok(web::Json(
        totp::confirm(&state.db, &state.sealer, &auth.user, &body.code, &origin).await?,
    ))
}

/// Turn the authenticator app off (logins on new devices use the SMS code again). Asks for the
/// password again.
#[utoipa::path(
    tag = "account",
    security(("bearer" = [])),
    request_body = ReauthenticateRequest,
    responses(
        (status = 204, description = "The app is off"),
        Unauthenticated,
        ReauthenticationFailed,
        SignInThrottled,
        ServerError,
    )
)]
#[post("/me/totp/disable")]
async fn totp_disable(
    _throttle: SignInThrottle,
    state: web::Data<AppState>,
    origin: ClientInfo,
    auth: AuthUser,
    body: web::Json<ReauthenticateRequest>,
) -> Result<HttpResponse, ApiError> {
    totp::disable(&state.db, &auth.user, &body.current_password, &origin).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Change the e-mail address and mobile number (*Profielinstellingen*). Asks for the password
/// again. The mobile number may be typed the Dutch way (06-12345678) and is stored in E.164;
/// a fixed-line number is refused (`not_mobile`), since codes go by SMS. The e-mail address is
/// saved at once; a new mobile number is saved only after the code sent to it is confirmed
/// (`POST /api/me/contact/mobile/confirm`); until then login codes go to the old number.
///
/// Refused with 422: Wrong password (`reauthentication_failed`) or an invalid field (`validation_failed`: `email` invalid, `mobile` invalid or not_mobile).
#[utoipa::path(
    tag = "account",
    security(("bearer" = [])),
    request_body = ContactDetailsRequest,
    responses(
        (status = 200, description = "Saved; `mobile_verification` is set when a code went to a new mobile number", body = ContactDetailsSaved),
        Unauthenticated,
        ReauthenticationFailed,
        SignInThrottled,
        ServerError,
    )
)]
#[put("/me/contact")]
async fn change_contact_details(
    _throttle: SignInThrottle,
    state: web::Data<AppState>,
    origin: ClientInfo,
    auth: AuthUser,
    body: web::Json<ContactDetailsRequest>,
) -> Result<web::Json<ContactDetailsSaved>, ApiError> {
    let saved = services::auth::change_contact_details(
        &state.db,
        &state.sms,
        &auth.user,
        &body.current_password,
        &body.email,
        &body.mobile,
        &origin,
    )
    .await?;
    Ok(web::Json(saved))
}

/// Confirm a new mobile number with the code sent to it; the number is then saved.
#[utoipa::path(
    tag = "account",
    security(("bearer" = [])),
    request_body = MobileCodeRequest,
    responses(
        (status = 204, description = "The new mobile number is saved"),
        Unauthenticated,
        InvalidCode,
        SignInThrottled,
        ServerError,
    )
)]
#[post("/me/contact/mobile/confirm")]
async fn confirm_mobile(
    _throttle: SignInThrottle,
    state: web::Data<AppState>,
    origin: ClientInfo,
    auth: AuthUser,
    body: web::Json<MobileCodeRequest>,
) -> Result<HttpResponse, ApiError> {
    services::mobile_change::confirm(&state.db, &auth.user, &body.code, &origin).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Send the code for the new mobile number again (after a 30-second cooldown).
#[utoipa::path(
    tag = "account",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "A new code was sent", body = MobileVerification),
        Unauthenticated,
        InvalidCode,
        CodeTooSoon,
        ServerError,
    )
)]
#[post("/me/contact/mobile/resend")]
async fn resend_mobile_code(
    _throttle: SignInThrottle,
    state: web::Data<AppState>,
    origin: ClientInfo,
    auth: AuthUser,
) -> Result<web::Json<MobileVerification>, ApiError> {
    let verification =
        services::mobile_change::resend(&state.db, &state.sms, &auth.user, &origin).await?;
    Ok(web::Json(verification))
}
