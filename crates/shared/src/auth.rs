//! Login request and response bodies.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::password::PasswordPolicy;

/// Username and password, as typed on the *Inloggen* page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(example = json!({
    "username": "marieke",
    "password": "Kring-Demo-2026"
})))]
pub struct LoginRequest {
    /// The username chosen at first login (not case sensitive).
    #[cfg_attr(
        feature = "server",
        schema(min_length = 1, max_length = 64, pattern = "\\S")
    )]
    pub username: String,
    /// The password; up to 128 characters, never truncated.
    #[cfg_attr(feature = "server", schema(min_length = 1, max_length = 128))]
    pub password: String,
}

/// The outcome of a successful login. Tagged by `status` so that later steps (device
/// verification, a forced password change) can be added as new variants without breaking
/// clients that check the tag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum LoginResponse {
    /// The user is signed in; send the access token as `Authorization: Bearer …`. The
    /// response also sets the HttpOnly refresh cookie.
    Authenticated(AccessToken),
    /// The password was right but is temporary (first login, or one an administrator sent):
    /// choose a new one with `POST /api/auth/first-password`.
    PasswordChangeRequired(PasswordChangeChallenge),
    /// The password was right but this device is unknown: a 6-digit code was sent by SMS;
    /// send it to `POST /api/auth/verify`.
    VerificationRequired(VerificationChallenge),
    /// The password was right but the account has no second factor yet: send a mobile number
    /// to `POST /api/auth/second-factor/mobile`, then the code sent to it to
    /// `POST /api/auth/verify`. Nothing else opens before that.
    SecondFactorSetupRequired(SecondFactorChallenge),
}

/// What the step "set up a second factor" of a login needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(example = json!({
    "attempt_token": "n3Q9yq1s7b0oVbX2kqg3xw4Zl0r8c1mH5tPzJdQe6Uo",
    "expires_in": 900
})))]
pub struct SecondFactorChallenge {
    /// Identifies this login attempt in the next steps; single use, short-lived.
    pub attempt_token: String,
    /// Seconds the attempt stays open.
    pub expires_in: u32,
}

/// `POST /api/auth/second-factor/mobile`: the mobile number that will receive the codes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(example = json!({
    "attempt_token": "n3Q9yq1s7b0oVbX2kqg3xw4Zl0r8c1mH5tPzJdQe6Uo",
    "mobile": "06-12345678"
})))]
pub struct SecondFactorMobileRequest {
    pub attempt_token: String,
    /// As typed (06-…, +31 6 …, 0031 6 …); saved in E.164 once its code is entered.
    pub mobile: String,
}

/// What the *Apparaat verificatie* step of a login needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(example = json!({
    "attempt_token": "n3Q9yq1s7b0oVbX2kqg3xw4Zl0r8c1mH5tPzJdQe6Uo",
    "channel": "sms",
    "phone_hint": "•• ••• •• 01",
    "code_expires_in": 600,
    "resend_after": 30,
    "trusted_device_days": 7
})))]
pub struct VerificationChallenge {
    /// Identifies this login attempt in the next step; single use, short-lived.
    pub attempt_token: String,
    /// Where the code comes from.
    #[serde(default)]
    pub channel: VerificationChannel,
    /// The last two digits of the mobile number the code went to.
    pub phone_hint: String,
    /// Seconds the code stays valid.
    pub code_expires_in: u32,
    /// Seconds before "Geen code ontvangen?" may send a new code.
    pub resend_after: u32,
    /// Days a device stays trusted when the user asks for it.
    pub trusted_device_days: u32,
}

/// `POST /api/auth/verify`: the code from the SMS.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(example = json!({
    "attempt_token": "n3Q9yq1s7b0oVbX2kqg3xw4Zl0r8c1mH5tPzJdQe6Uo",
    "code": "042917",
    "trust_device": true
})))]
pub struct VerifyCodeRequest {
    /// From the `verification_required` login answer.
    pub attempt_token: String,
    /// The 6 digits (spaces are ignored).
    pub code: String,
    /// Remember this device for the organisation's number of days.
    #[serde(default)]
    pub trust_device: bool,
}

/// `POST /api/auth/verify/resend`: "Geen code ontvangen?".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ResendCodeRequest {
    /// From the `verification_required` login answer.
    pub attempt_token: String,
}

/// What the *Wachtwoord wijzigen* step of a login needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(example = json!({
    "attempt_token": "n3Q9yq1s7b0oVbX2kqg3xw4Zl0r8c1mH5tPzJdQe6Uo",
    "may_choose_username": true,
    "username": "a.jansen",
    "password_policy": "composition",
    "expires_in": 900
})))]
pub struct PasswordChangeChallenge {
    /// Identifies this login attempt in the next step; single use, short-lived.
    pub attempt_token: String,
    /// Whether the user may still choose a username (only once).
    pub may_choose_username: bool,
    /// The current username, as a suggestion.
    pub username: String,
    /// The rules the new password must meet.
    pub password_policy: PasswordPolicy,
    /// Seconds left to complete this step.
    pub expires_in: u32,
}

/// `POST /api/auth/first-password`: the new password (and, once, a username) that replaces a
/// temporary one during login.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(example = json!({
    "attempt_token": "n3Q9yq1s7b0oVbX2kqg3xw4Zl0r8c1mH5tPzJdQe6Uo",
    "new_password": "Zonnebloem-2026",
    "username": "anouk"
})))]
pub struct FirstPasswordRequest {
    /// From the `password_change_required` login answer.
    pub attempt_token: String,
    /// The new password.
    pub new_password: String,
    /// A username of 3–64 letters, digits, dots, dashes or underscores; only when
    /// `may_choose_username` was true. Leave out to keep the current one.
    #[serde(default)]
    pub username: Option<String>,
}

/// `POST /api/me/password`: change the password while signed in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(example = json!({
    "current_password": "Kring-Demo-2026",
    "new_password": "Zonnebloem-2026"
})))]
pub struct ChangePasswordRequest {
    /// The password now in use.
    pub current_password: String,
    /// The new password.
    pub new_password: String,
}

/// `POST /api/auth/forgot-password`: ask for a reset link. The answer is the same whether or
/// not the username and e-mail belong together.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(example = json!({
    "username": "marieke",
    "email": "marieke@demo.kring.nl"
})))]
pub struct ForgotPasswordRequest {
    /// The username.
    #[cfg_attr(
        feature = "server",
        schema(min_length = 1, max_length = 64, pattern = "\\S")
    )]
    pub username: String,
    /// The e-mail address of the account.
    #[cfg_attr(feature = "server", schema(format = Email, max_length = 254))]
    pub email: String,
}

/// The answer to a reset request: always the same.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ForgotPasswordAccepted {
    /// Minutes the link in the e-mail stays valid, when one was sent.
    pub link_valid_minutes: u32,
}

/// `GET /api/auth/password-reset/{token}`: whether a reset link can still be used, and the
/// rules for the new password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ResetLinkInfo {
    /// The rules the new password must meet.
    pub password_policy: PasswordPolicy,
    /// Seconds until the link expires.
    pub expires_in: u32,
}

/// `POST /api/auth/password-reset`: set a new password with the token from the e-mail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(example = json!({
    "token": "b2xJ4cFqk8Zr1u0eW6yT3nV9aP5sD7gH2jK4lM6oQ8s",
    "new_password": "Zonnebloem-2026"
})))]
pub struct ResetPasswordRequest {
    /// The token from the link.
    pub token: String,
    /// The new password.
    pub new_password: String,
}

/// One signed-in session of the user, for *Profielinstellingen*.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct SessionSummary {
    /// The session id.
    pub id: Uuid,
    /// When the user logged in.
    pub created_at: DateTime<Utc>,
    /// The last activity.
    pub last_seen_at: DateTime<Utc>,
    /// The browser, as it named itself.
    pub user_agent: Option<String>,
    /// The IP address the login came from.
    pub ip_address: Option<String>,
    /// Whether this is the session making the request.
    pub current: bool,
}

/// A short-lived signed access token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(example = json!({
    "access_token": "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIuLi4ifQ.c2lnbmF0dXJl",
    "token_type": "Bearer",
    "expires_in": 900
})))]
pub struct AccessToken {
    /// The JWT to send as a bearer token.
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until the token expires.
    pub expires_in: u32,
}

/// A device the user chose to remember, so logins there skip the SMS code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct TrustedDeviceSummary {
    /// The device id.
    pub id: Uuid,
    /// The browser, as it named itself when it was verified.
    pub label: String,
    /// When it was verified.
    pub created_at: DateTime<Utc>,
    /// The last login that skipped the code thanks to it.
    pub last_used_at: DateTime<Utc>,
    /// When it must be verified again.
    pub expires_at: DateTime<Utc>,
    /// Whether the current session was opened on it.
    pub current: bool,
}

/// `POST /api/me/totp/setup` and `/api/me/totp/disable`: the password, asked again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ReauthenticateRequest {
    /// The password now in use.
    pub current_password: String,
}

/// A started enrolment of the authenticator app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(example = json!({
    "secret": "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP",
    "otpauth_uri": "otpauth://totp/Zorggroep%20De%20Linde:marieke?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Zorggroep%20De%20Linde",
    "qr_code": "data:image/svg+xml;base64,PHN2Zy8+"
})))]
pub struct TotpSetup {
    /// The secret in base32, to type in when scanning is not possible.
    pub secret: String,
    /// The otpauth URI the QR code holds.
    pub otpauth_uri: String,
    /// The QR code as an SVG data URI.
    pub qr_code: String,
}

/// `POST /api/me/totp/confirm`: the first code from the app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct TotpConfirmRequest {
    /// The 6 digits the app shows now.
    pub code: String,
}

/// The app is on; the recovery codes are shown this once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct TotpEnabled {
    /// Ten one-time codes for when the phone with the app is lost.
    pub recovery_codes: Vec<String>,
}

/// How the verification code reaches the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum VerificationChannel {
    /// A text message to the mobile number.
    #[default]
    Sms,
    /// The authenticator app (or a recovery code).
    Totp,
}

/// `PUT /api/me/contact`: new contact details, with the password asked again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(example = json!({
    "current_password": "Kring-Demo-2026",
    "email": "marieke.devries@example.nl",
    "mobile": "06-12345678"
})))]
pub struct ContactDetailsRequest {
    /// The password now in use.
    pub current_password: String,
    /// The e-mail address (for reset links and invitations).
    pub email: String,
    /// The mobile number for SMS codes, as typed (06-…, +31 6 …, 0031 6 …).
    pub mobile: String,
}

/// The answer to `PUT /api/me/contact`. The e-mail address is saved at once; a new mobile
/// number is only saved after the code sent to it is confirmed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(example = json!({
    "mobile_verification": {"phone_hint": "•• ••• •• 99", "code_expires_in": 600, "resend_after": 30}
})))]
pub struct ContactDetailsSaved {
    /// Present when the mobile number changed: a code was sent to the new number and must be
    /// confirmed with `POST /api/me/contact/mobile/confirm`.
    pub mobile_verification: Option<MobileVerification>,
}

/// A code sent to a new mobile number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct MobileVerification {
    /// The last two digits of the new number, to recognise it.
    pub phone_hint: String,
    /// Seconds the code stays valid.
    pub code_expires_in: u32,
    /// Seconds before a new code can be asked.
    pub resend_after: u32,
}

/// `POST /api/me/contact/mobile/confirm`: the code from the SMS sent to the new number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "server", schema(example = json!({"code": "123456"})))]
pub struct MobileCodeRequest {
    /// The six digits from the text message.
    pub code: String,
}
