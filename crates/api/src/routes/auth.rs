//! Sign-in: login, the forced first password, refresh, logout and *Wachtwoord vergeten*.
//!
//! The refresh token travels only in the `kring_refresh` cookie: HttpOnly, SameSite=Strict,
//! Secure, limited to `/api/auth`, so scripts on the page never see it.

use actix_web::{
    HttpRequest, HttpResponse,
    cookie::{Cookie, SameSite, time::OffsetDateTime},
    get, post, web,
};
use kring_shared::auth::{
    FirstPasswordRequest, ForgotPasswordRequest, LoginRequest, LoginResponse, ResendCodeRequest,
    ResetLinkInfo, ResetPasswordRequest, SecondFactorMobileRequest, VerificationChallenge,
    VerifyCodeRequest,
};
use utoipa_actix_web::service_config::ServiceConfig;

use crate::openapi::responses::{
    AccountLocked, AttemptExpired, CodeTooSoon, InvalidCode, InvalidCredentials, NoRefreshToken,
    PasswordRefused, ResetLinkInvalid, ServerError, SignInThrottled, Unauthenticated,
    ValidationFailed,
};
use crate::{
    auth::AuthUser,
    error::ApiError,
    services::{
        auth::{self, LoginOutcome},
        security_log::ClientInfo,
        sessions::{self, IssuedTokens},
        verification,
    },
    state::AppState,
    throttle::SignInThrottle,
};

/// The refresh cookie's name.
pub const REFRESH_COOKIE: &str = "kring_refresh";
/// The trusted-device cookie's name.
pub const DEVICE_COOKIE: &str = "kring_device";
const REFRESH_PATH: &str = "/api/auth";

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(login)
        .service(verify)
        .service(resend_code)
        .service(second_factor_mobile)
        .service(first_password)
        .service(refresh)
        .service(logout)
        .service(forgot_password)
        .service(reset_link)
        .service(reset_password);
}

/// An HttpOnly, SameSite=Strict (and normally Secure) cookie on `/api/auth` only.
fn auth_cookie(
    state: &AppState,
    name: &'static str,
    value: String,
    expires: Option<chrono::DateTime<chrono::Utc>>,
) -> Cookie<'static> {
    let mut cookie = Cookie::build(name, value)
        .path(REFRESH_PATH)
        .http_only(true)
        .secure(state.config.cookie_secure)
        .same_site(SameSite::Strict)
        .finish();
    match expires {
        Some(at) => cookie.set_expires(
            OffsetDateTime::from_unix_timestamp(at.timestamp())
                .unwrap_or_else(|_| OffsetDateTime::now_utc()),
        ),
        None => cookie.make_removal(),
    }
    cookie
}

fn refresh_cookie(state: &AppState, tokens: &IssuedTokens) -> Option<Cookie<'static>> {
    let token = tokens.refresh_token.clone()?;
    Some(auth_cookie(
        state,
        REFRESH_COOKIE,
        token,
        Some(tokens.refresh_expires_at),
    ))
}

fn removal_cookie(state: &AppState) -> Cookie<'static> {
    auth_cookie(state, REFRESH_COOKIE, String::new(), None)
}

fn device_cookie(
    state: &AppState,
    token: &str,
    expires: chrono::DateTime<chrono::Utc>,
) -> Cookie<'static> {
    auth_cookie(state, DEVICE_COOKIE, token.to_owned(), Some(expires))
}

fn outcome_response(state: &AppState, outcome: LoginOutcome) -> HttpResponse {
    match outcome {
        LoginOutcome::Authenticated(tokens) => signed_in(state, tokens),
        LoginOutcome::PasswordChangeRequired(challenge) => {
            HttpResponse::Ok().json(LoginResponse::PasswordChangeRequired(challenge))
        }
        LoginOutcome::SecondFactorSetupRequired(challenge) => {
            HttpResponse::Ok().json(LoginResponse::SecondFactorSetupRequired(challenge))
        }
        LoginOutcome::VerificationRequired(challenge) => {
            HttpResponse::Ok().json(LoginResponse::VerificationRequired(challenge))
        }
    }
}

fn signed_in(state: &AppState, tokens: IssuedTokens) -> HttpResponse {
    let mut response = HttpResponse::Ok();
    if let Some(cookie) = refresh_cookie(state, &tokens) {
        response.cookie(cookie);
    }
    response.json(LoginResponse::Authenticated(tokens.access))
}

/// Log in with username and password.
///
/// Answers `authenticated` with an access token (and sets the refresh cookie), or
/// `password_change_required` when the password is temporary. A wrong username and a wrong
/// password get the same answer in about the same time — also when the account is blocked,
/// so the answer never confirms that an account exists. After the organisation's number of
/// wrong passwords in a row the account is blocked; only the right password then hears
/// `account_locked` (until a reset, or for 15 minutes doubling, as the organisation chose).
/// A temporary password past its lifetime answers `temporary_password_expired`.
///
/// Refused with 422: A field is empty or too long.
#[utoipa::path(
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in, or the next step", body = LoginResponse),
        InvalidCredentials,
        ValidationFailed,
        AccountLocked,
        SignInThrottled,
        ServerError,
    )
)]
#[post("/auth/login")]
async fn login(
    _throttle: SignInThrottle,
    state: web::Data<AppState>,
    request: HttpRequest,
    origin: ClientInfo,
    body: web::Json<LoginRequest>,
) -> Result<HttpResponse, ApiError> {
    let device = request.cookie(DEVICE_COOKIE);
    let outcome = auth::login(
        &state.db,
        &state.tokens,
        &state.sms,
        &body.username,
        &body.password,
        device.as_ref().map(|cookie| cookie.value()),
        &origin,
    )
    .await?;
    Ok(outcome_response(&state, outcome))
}

/// *Apparaat verificatie*: send the 6-digit code from the SMS. With `trust_device` the answer
/// sets the HttpOnly `kring_device` cookie, and logins from this browser skip the code for the
/// organisation's number of days. Answers `authenticated`, or `password_change_required` when
/// the password is temporary. Five wrong codes use the code up.
#[utoipa::path(
    tag = "auth",
    request_body = VerifyCodeRequest,
    responses(
        (status = 200, description = "Signed in, or the password step", body = LoginResponse),
        AttemptExpired,
        InvalidCode,
        AccountLocked,
        SignInThrottled,
        ServerError,
    )
)]
#[post("/auth/verify")]
async fn verify(
    _throttle: SignInThrottle,
    state: web::Data<AppState>,
    origin: ClientInfo,
    body: web::Json<VerifyCodeRequest>,
) -> Result<HttpResponse, ApiError> {
    let (outcome, device) = auth::verify_code(
        &state.db,
        &state.tokens,
        &state.sealer,
        &body.attempt_token,
        &body.code,
        body.trust_device,
        &origin,
    )
    .await?;
    let mut response = outcome_response(&state, outcome);
    if let Some((token, expires)) = device {
        let _ = response.add_cookie(&device_cookie(&state, &token, expires));
    }
    Ok(response)
}

/// "Geen code ontvangen?": send a new code (the old one stops working). Allowed 30 seconds
/// after the previous one (429 with `Retry-After` before that), at most 5 codes per login.
#[utoipa::path(
    tag = "auth",
    request_body = ResendCodeRequest,
    responses(
        (status = 200, description = "A new code was sent", body = VerificationChallenge),
        AttemptExpired,
        InvalidCode,
        CodeTooSoon,
        ServerError,
    )
)]
#[post("/auth/verify/resend")]
async fn resend_code(
    _throttle: SignInThrottle,
    state: web::Data<AppState>,
    origin: ClientInfo,
    body: web::Json<ResendCodeRequest>,
) -> Result<web::Json<VerificationChallenge>, ApiError> {
    Ok(web::Json(
        verification::resend(&state.db, &state.sms, &body.attempt_token, &origin).await?,
    ))
}

/// Set up the second factor during a login (`second_factor_setup_required`): the mobile number
/// that will receive the codes. A code goes to it at once; `POST /api/auth/verify` with that
/// code saves the number on the account and continues the login. A new number can be sent
/// after the resend cooldown.
///
/// Refused with 422: Not a mobile number of an allowed country (`validation_failed`: mobile required, invalid, not_mobile or country_not_allowed).
#[utoipa::path(
    tag = "auth",
    request_body = SecondFactorMobileRequest,
    responses(
        (status = 200, description = "A code was sent to the number", body = VerificationChallenge),
        AttemptExpired,
        ValidationFailed,
        CodeTooSoon,
        ServerError,
    )
)]
#[post("/auth/second-factor/mobile")]
async fn second_factor_mobile(
    _throttle: SignInThrottle,
    state: web::Data<AppState>,
    origin: ClientInfo,
    body: web::Json<SecondFactorMobileRequest>,
) -> Result<web::Json<VerificationChallenge>, ApiError> {
    Ok(web::Json(
        verification::choose_mobile(
            &state.db,
            &state.sms,
            &body.attempt_token,
            &body.mobile,
            &origin,
        )
        .await?,
    ))
}

/// Choose a new password (and, once, a username) to finish a login with a temporary password.
#[utoipa::path(
    tag = "auth",
    request_body = FirstPasswordRequest,
    responses(
        (status = 200, description = "Signed in (`authenticated`); the refresh cookie is set", body = LoginResponse),
        AttemptExpired,
        PasswordRefused,
        SignInThrottled,
        ServerError,
    )
)]
#[post("/auth/first-password")]
async fn first_password(
    _throttle: SignInThrottle,
    state: web::Data<AppState>,
    origin: ClientInfo,
    body: web::Json<FirstPasswordRequest>,
) -> Result<HttpResponse, ApiError> {
    let tokens = auth::first_password(
        &state.db,
        &state.tokens,
        &body.attempt_token,
        &body.new_password,
        body.username.as_deref(),
        &origin,
    )
    .await?;
    Ok(signed_in(&state, tokens))
}

/// Get a new access token with the refresh cookie. The cookie is replaced on every use; using
/// an old one again ends the session. Fails when the session has been idle too long or has
/// reached its absolute lifetime.
#[utoipa::path(
    tag = "auth",
    params(("kring_refresh" = String, Cookie, description = "The refresh token, set by login")),
    responses(
        (status = 200, description = "A new access token (`authenticated`); the cookie is replaced", body = LoginResponse),
        NoRefreshToken,
        ServerError,
    )
)]
#[post("/auth/refresh")]
async fn refresh(
    state: web::Data<AppState>,
    request: HttpRequest,
    origin: ClientInfo,
) -> HttpResponse {
    let Some(cookie) = request
        .cookie(REFRESH_COOKIE)
        .filter(|c| !c.value().is_empty())
    else {
        return unauthenticated(&state);
    };
    match sessions::refresh(&state.db, &state.tokens, cookie.value(), &origin).await {
        Ok(tokens) => signed_in(&state, tokens),
        Err(ApiError::Unauthenticated) => unauthenticated(&state),
        Err(error) => actix_web::ResponseError::error_response(&error),
    }
}

fn unauthenticated(state: &AppState) -> HttpResponse {
    let mut response = actix_web::ResponseError::error_response(&ApiError::Unauthenticated);
    let _ = response.add_cookie(&removal_cookie(state));
    response
}

/// Log out: ends the session on the server, so its access and refresh tokens stop working at
/// once, and removes the refresh cookie.
#[utoipa::path(
    tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 204, description = "The session has ended"),
        Unauthenticated,
        ServerError,
    )
)]
#[post("/auth/logout")]
async fn logout(
    state: web::Data<AppState>,
    origin: ClientInfo,
    auth: AuthUser,
) -> Result<HttpResponse, ApiError> {
    auth::logout(&state.db, auth.user.id, auth.session_id, &origin).await?;
    Ok(HttpResponse::NoContent()
        .cookie(removal_cookie(&state))
        .finish())
}

/// *Wachtwoord vergeten*: ask for a reset link by username and e-mail address. When both
/// belong to one account an e-mail with a single-use link is sent, valid for the
/// organisation's number of minutes. The answer is the same either way.
///
/// Refused with 422 (`validation_failed`): username required or too_long (over 64 characters); email required or invalid.
#[utoipa::path(
    tag = "auth",
    request_body = ForgotPasswordRequest,
    responses(
        (status = 202, description = "Accepted; a mail is sent when the details match"),
        ValidationFailed,
        SignInThrottled,
        ServerError,
    )
)]
#[post("/auth/forgot-password")]
async fn forgot_password(
    _throttle: SignInThrottle,
    state: web::Data<AppState>,
    origin: ClientInfo,
    body: web::Json<ForgotPasswordRequest>,
) -> Result<HttpResponse, ApiError> {
    auth::forgot_password(
        &state.db,
        &state.config.public_url(),
        &body.username,
        &body.email,
        &origin,
    )
    .await?;
    Ok(HttpResponse::Accepted().finish())
}

/// Whether a reset link can still be used, and the rules for the new password.
#[utoipa::path(
    tag = "auth",
    params(("token" = String, Path, description = "The token from the e-mail's link")),
    responses(
        (status = 200, description = "The link can be used", body = ResetLinkInfo),
        ResetLinkInvalid,
        ServerError,
    )
)]
#[get("/auth/password-reset/{token}")]
async fn reset_link(
    _throttle: SignInThrottle,
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<web::Json<ResetLinkInfo>, ApiError> {
    let (reset, _, organisation) = auth::reset_link(&state.db, &token).await?;
    let left = (reset.expires_at - chrono::Utc::now()).num_seconds().max(0);
    Ok(web::Json(ResetLinkInfo {
        password_policy: organisation.password_policy,
        expires_in: u32::try_from(left).unwrap_or(0),
    }))
}

/// *Wachtwoord herstellen*: set a new password with the token from the e-mail. Unblocks the
/// account and ends all its sessions; the link works once.
#[utoipa::path(
    tag = "auth",
    request_body = ResetPasswordRequest,
    responses(
        (status = 204, description = "The password is changed; log in with it"),
        ResetLinkInvalid,
        PasswordRefused,
        SignInThrottled,
        ServerError,
    )
)]
#[post("/auth/password-reset")]
async fn reset_password(
    _throttle: SignInThrottle,
    state: web::Data<AppState>,
    origin: ClientInfo,
    body: web::Json<ResetPasswordRequest>,
) -> Result<HttpResponse, ApiError> {
    auth::reset_password(&state.db, &body.token, &body.new_password, &origin).await?;
    Ok(HttpResponse::NoContent().finish())
}
