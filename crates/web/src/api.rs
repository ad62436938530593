//! The one HTTP client of the SPA. Adds the bearer token, sends JSON, and decodes every
//! non-2xx body into the shared `Problem` so pages can show a translated message.
//!
//! The access token lives only in memory. The refresh token is an HttpOnly cookie the page
//! cannot read: `Anonymous::resume` trades it for a new access token after a reload, and an
//! expired access token is renewed the same way once, transparently, before a call fails.

use std::sync::{Arc, Mutex};

use gloo_net::http::{Request, Response};
use kring_shared::{
    ErrorCode, Permission, Problem,
    admin::{
        AdminClientSummary, AdminUserSummary, CareRole, CareTeamRoleRequest, CareWorkerSummary,
        DischargeRequest, NewCareWorkerRequest, NewClientPortalRequest, OrganisationSettings,
        OutboxMailSummary, PrimaryContactRequest,
    },
    agenda::{
        AgendaItem, AgendaPage, AppointmentInput, CalendarFeedCreated, CalendarFeedStatus,
        ChangeScope, ConflictReport, ReminderSetting,
    },
    audit::AuditLogPage,
    auth::{
        AccessToken, ChangePasswordRequest, ContactDetailsRequest, ContactDetailsSaved,
        FirstPasswordRequest, ForgotPasswordRequest, LoginRequest, LoginResponse,
        MobileCodeRequest, MobileVerification, PasswordChangeChallenge, ReauthenticateRequest,
        ResendCodeRequest, ResetLinkInfo, ResetPasswordRequest, SecondFactorChallenge,
        SecondFactorMobileRequest, SessionSummary, TotpConfirmRequest, TotpEnabled, TotpSetup,
        TrustedDeviceSummary, VerificationChallenge, VerifyCodeRequest,
    },
    contacts::{
        ContactLookup, ContactLookupRequest, ContactRow, InvitationSent, NewContactRequest,
        Notifications, PermissionsRequest, PermissionsSaved,
    },
    details::{ClientDetails, ClientNotificationSetting, SharingSetting},
    dossier::{
        CarePlans, DossierEntry, DossierGroups, DossierKind, EventTicket, NewNoteRequest,
        TimelinePage,
    },
    export::{DownloadLink, ExportList, ExportRequest, ExportStatus, ViewLogPage, YearMonth},
    home::HomeView,
    integration::{NewServiceAccountRequest, ServiceAccountCreated, ServiceAccountSummary},
    me::Me,
    messages::{
        Absence, AnswerInput as MessageReply, Attachment, Conversation, ConversationPage, InboxBox,
        Message, MessageMailSetting, NewConversation, RecipientOptions, UnreadCount,
    },
    pinboard::{Emoji, Photo, PinboardPage, Post, PostInput, Reply, ReplyInput},
};
use serde::{Serialize, de::DeserializeOwned};
use uuid::Uuid;

/// An action whose outcome goes to `done` when it arrives. Pages use this instead of an effect
/// that watches `Action::value` and copies it into signals: the handling runs once, where the
/// request ends. `done` may run after its page has closed, so it only sets signals.
pub fn action<I, O, Fut>(
    run: impl Fn(I) -> Fut + 'static,
    done: impl Fn(O) + 'static,
) -> leptos::prelude::Action<I, ()>
where
    I: Clone + 'static,
    O: 'static,
    Fut: std::future::Future<Output = O> + 'static,
{
    let done = std::rc::Rc::new(done);
    leptos::prelude::Action::new_local(move |input: &I| {
        let (work, done) = (run(input.clone()), done.clone());
        async move { done(work.await) }
    })
}

/// Why a call failed.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiFailure {
    /// The server answered with a problem.
    Problem(Problem),
    /// The server could not be reached or answered something unreadable.
    Network,
}

impl ApiFailure {
    /// The stable error code, if the server gave one.
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            ApiFailure::Problem(problem) => Some(problem.code),
            ApiFailure::Network => None,
        }
    }

    /// The field errors of a `validation_failed` problem, as (field, code).
    pub fn field_errors(&self) -> Vec<(String, String)> {
        match self {
            ApiFailure::Problem(problem) => problem
                .errors
                .iter()
                .map(|error| (error.field.clone(), error.code.clone()))
                .collect(),
            ApiFailure::Network => Vec::new(),
        }
    }

    /// What a request meets once the session could not be renewed.
    fn session_ended() -> ApiFailure {
        ApiFailure::Problem(Problem::new(ErrorCode::AuthenticationRequired, None))
    }

    /// The catalog key of the message to show.
    pub fn message_key(&self) -> &'static str {
        match self.code() {
            None => "error.network",
            Some(ErrorCode::InvalidCredentials) => "error.invalid_credentials",
            Some(ErrorCode::AuthenticationRequired) => "error.authentication_required",
            Some(ErrorCode::AccountLocked) => "error.account_locked",
            Some(ErrorCode::LoginAttemptExpired) => "error.login_attempt_expired",
            Some(ErrorCode::TemporaryPasswordExpired) => "error.temporary_password_expired",
            Some(ErrorCode::InvalidCode) => "error.invalid_code",
            Some(ErrorCode::ResetLinkInvalid) => "error.reset_link_invalid",
            Some(ErrorCode::ReauthenticationFailed) => "error.current_password_wrong",
            Some(ErrorCode::ValidationFailed) => "error.validation_failed",
            Some(ErrorCode::PermissionDenied) => "error.permission_denied",
            Some(ErrorCode::RateLimited) => "error.rate_limited",
            Some(ErrorCode::LastAdministrator) => "error.last_administrator",
            Some(ErrorCode::AlreadyContact) => "error.already_contact",
            Some(ErrorCode::AlreadyExists) => "error.already_exists",
            Some(ErrorCode::PrimaryContactProtected) => "error.primary_contact_protected",
            Some(ErrorCode::ServiceUnavailable) => "error.service_unavailable",
            Some(ErrorCode::NotFound) => "error.not_found",
            Some(ErrorCode::PayloadTooLarge) => "error.payload_too_large",
            Some(ErrorCode::UnsupportedMediaType) => "error.unsupported_media_type",
            Some(ErrorCode::InternalError) => "error.server",
            Some(_) => "error.generic",
        }
    }
}

/// The result of a correct username and password.
#[derive(Debug, Clone, PartialEq)]
pub enum LoginStep {
    /// Signed in.
    SignedIn(Authenticated),
    /// A new password is needed first.
    NewPasswordNeeded(PasswordChangeChallenge),
    /// The SMS code is needed first.
    CodeNeeded(VerificationChallenge),
    /// The account has no second factor: a mobile number is set up first.
    SecondFactorNeeded(SecondFactorChallenge),
}

fn step_of(response: LoginResponse) -> LoginStep {
    match response {
        LoginResponse::Authenticated(token) => LoginStep::SignedIn(Authenticated::new(token)),
        LoginResponse::PasswordChangeRequired(challenge) => LoginStep::NewPasswordNeeded(challenge),
        LoginResponse::VerificationRequired(challenge) => LoginStep::CodeNeeded(challenge),
        LoginResponse::SecondFactorSetupRequired(challenge) => {
            LoginStep::SecondFactorNeeded(challenge)
        }
    }
}

/// A client without a session.
pub struct Anonymous;

impl Anonymous {
    /// `POST /api/auth/login`.
    pub async fn login(&self, username: &str, password: &str) -> Result<LoginStep, ApiFailure> {
        let body = LoginRequest {
            username: username.to_owned(),
            password: password.to_owned(),
        };
        let response: LoginResponse = post_json("/api/auth/login", &body).await?;
        Ok(step_of(response))
    }

    /// `POST /api/auth/verify`.
    pub async fn verify(&self, request: &VerifyCodeRequest) -> Result<LoginStep, ApiFailure> {
        let response: LoginResponse = post_json("/api/auth/verify", request).await?;
        Ok(step_of(response))
    }

    /// `POST /api/auth/verify/resend`.
    pub async fn resend_code(
        &self,
        attempt_token: &str,
    ) -> Result<VerificationChallenge, ApiFailure> {
        let body = ResendCodeRequest {
            attempt_token: attempt_token.to_owned(),
        };
        post_json("/api/auth/verify/resend", &body).await
    }

    /// `POST /api/auth/second-factor/mobile`: the number that will receive the codes.
    pub async fn choose_mobile(
        &self,
        attempt_token: &str,
        mobile: &str,
    ) -> Result<VerificationChallenge, ApiFailure> {
        let body = SecondFactorMobileRequest {
            attempt_token: attempt_token.to_owned(),
            mobile: mobile.to_owned(),
        };
        post_json("/api/auth/second-factor/mobile", &body).await
    }

    /// `POST /api/auth/first-password`.
    pub async fn first_password(
        &self,
        request: &FirstPasswordRequest,
    ) -> Result<Authenticated, ApiFailure> {
        match post_json("/api/auth/first-password", request).await? {
            LoginResponse::Authenticated(token) => Ok(Authenticated::new(token)),
            _ => Err(ApiFailure::Network),
        }
    }

    /// Resumes the session of the refresh cookie, if there is one.
    pub async fn resume(&self) -> Result<Authenticated, ApiFailure> {
        Ok(Authenticated::new(refresh().await?))
    }

    /// `POST /api/auth/forgot-password`.
    pub async fn forgot_password(&self, username: &str, email: &str) -> Result<(), ApiFailure> {
        let body = ForgotPasswordRequest {
            username: username.to_owned(),
            email: email.to_owned(),
        };
        post_json::<_, ()>("/api/auth/forgot-password", &body).await
    }

    /// `GET /api/auth/password-reset/{token}`.
    pub async fn reset_link(&self, token: &str) -> Result<ResetLinkInfo, ApiFailure> {
        let url = format!(
            "/api/auth/password-reset/{}",
            js_sys::encode_uri_component(token)
        );
        parse(&text_of(send_once(Verb::Get, &url, Body::Empty, None).await?).await?)
    }

    /// `POST /api/auth/password-reset`.
    pub async fn reset_password(&self, token: &str, new_password: &str) -> Result<(), ApiFailure> {
        let body = ResetPasswordRequest {
            token: token.to_owned(),
            new_password: new_password.to_owned(),
        };
        post_json::<_, ()>("/api/auth/password-reset", &body).await
    }
}

/// A client with an access token (shared by its clones, so a renewal reaches them all).
#[derive(Debug, Clone)]
pub struct Authenticated {
    token: Arc<Mutex<TokenState>>,
    /// Held while the token is being renewed, so that there is one renewal at a time.
    renewal: Arc<futures::lock::Mutex<()>>,
}

#[derive(Debug, Default)]
struct TokenState {
    access: String,
    /// How many renewals this token has had: a request that met a 401 renews only when no
    /// renewal happened since it was sent (two tokens made in the same second can be equal, so
    /// the token itself cannot tell).
    generation: u64,
    /// The refresh cookie was refused: the session is over, nothing is retried.
    ended: bool,
}

impl PartialEq for Authenticated {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.token, &other.token)
    }
}

impl Authenticated {
    fn new(token: AccessToken) -> Authenticated {
        Authenticated {
            token: Arc::new(Mutex::new(TokenState {
                access: token.access_token,
                generation: 0,
                ended: false,
            })),
            renewal: Arc::default(),
        }
    }

    /// `GET /api/me`.
    pub async fn me(&self) -> Result<Me, ApiFailure> {
        self.get("/api/me").await
    }

    /// `GET /api/clients/{id}/home`.
    pub async fn home(&self, client_id: Uuid) -> Result<HomeView, ApiFailure> {
        self.get(&format!("/api/clients/{client_id}/home")).await
    }

    /// `GET /api/clients/{id}/dossier/timeline`: a page, optionally of one kind, after a
    /// cursor or before a moment (RFC 3339).
    pub async fn timeline(
        &self,
        client_id: Uuid,
        kind: Option<DossierKind>,
        cursor: Option<&str>,
        before: Option<&str>,
    ) -> Result<TimelinePage, ApiFailure> {
        let mut url = format!("/api/clients/{client_id}/dossier/timeline?limit=20");
        if let Some(kind) = kind {
            url.push_str(&format!("&kind={}", kind.as_str()));
        }
        if let Some(cursor) = cursor {
            url.push_str(&format!("&cursor={}", js_sys::encode_uri_component(cursor)));
        }
        if let Some(before) = before {
            url.push_str(&format!("&before={}", js_sys::encode_uri_component(before)));
        }
        self.get(&url).await
    }

    /// `GET /api/clients/{id}/dossier/entries/{entry_id}`.
    pub async fn dossier_entry(
        &self,
        client_id: Uuid,
        entry_id: Uuid,
    ) -> Result<DossierEntry, ApiFailure> {
        self.get(&format!(
            "/api/clients/{client_id}/dossier/entries/{entry_id}"
        ))
        .await
    }

    /// `GET /api/clients/{id}/dossier/groups`.
    pub async fn dossier_groups(&self, client_id: Uuid) -> Result<DossierGroups, ApiFailure> {
        self.get(&format!("/api/clients/{client_id}/dossier/groups"))
            .await
    }

    /// `GET /api/clients/{id}/dossier/care-plans`.
    pub async fn care_plans(&self, client_id: Uuid) -> Result<CarePlans, ApiFailure> {
        self.get(&format!("/api/clients/{client_id}/dossier/care-plans"))
            .await
    }

    /// `POST /api/clients/{id}/dossier/notes`.
    pub async fn write_note(
        &self,
        client_id: Uuid,
        text: &str,
    ) -> Result<DossierEntry, ApiFailure> {
        let body = NewNoteRequest {
            text: text.to_owned(),
        };
        self.post_for(&format!("/api/clients/{client_id}/dossier/notes"), &body)
            .await
    }

    /// `GET /api/clients/{id}/agenda`: the days `from` up to `to` (ISO dates), after a cursor.
    pub async fn agenda(
        &self,
        client_id: Uuid,
        from: chrono::NaiveDate,
        to: chrono::NaiveDate,
        cursor: Option<&str>,
    ) -> Result<AgendaPage, ApiFailure> {
        let mut url = format!("/api/clients/{client_id}/agenda?from={from}&to={to}&limit=200");
        if let Some(cursor) = cursor {
            url.push_str(&format!("&cursor={}", js_sys::encode_uri_component(cursor)));
        }
        self.get(&url).await
    }

    /// The path of one own appointment, with the occurrence and scope of a series.
    fn appointment_url(
        client_id: Uuid,
        id: Uuid,
        occurrence: Option<chrono::DateTime<chrono::Utc>>,
        scope: ChangeScope,
    ) -> String {
        let scope = match scope {
            ChangeScope::This => "this",
            ChangeScope::Following => "following",
            ChangeScope::All => "all",
        };
        let mut url = format!("/api/clients/{client_id}/agenda/appointments/{id}?scope={scope}");
        if let Some(at) = occurrence {
            url.push_str(&format!(
                "&occurrence={}",
                js_sys::encode_uri_component(&at.to_rfc3339())
            ));
        }
        url
    }

    /// `GET /api/clients/{id}/agenda/appointments/{appointment_id}`.
    pub async fn appointment(
        &self,
        client_id: Uuid,
        id: Uuid,
        occurrence: Option<chrono::DateTime<chrono::Utc>>,
    ) -> Result<AgendaItem, ApiFailure> {
        self.get(&Self::appointment_url(
            client_id,
            id,
            occurrence,
            ChangeScope::All,
        ))
        .await
    }

    /// `POST /api/clients/{id}/agenda/appointments`.
    pub async fn add_appointment(
        &self,
        client_id: Uuid,
        input: &AppointmentInput,
    ) -> Result<AgendaItem, ApiFailure> {
        self.post_for(
            &format!("/api/clients/{client_id}/agenda/appointments"),
            input,
        )
        .await
    }

    /// `PUT /api/clients/{id}/agenda/appointments/{appointment_id}`.
    pub async fn change_appointment(
        &self,
        client_id: Uuid,
        id: Uuid,
        occurrence: Option<chrono::DateTime<chrono::Utc>>,
        scope: ChangeScope,
        input: &AppointmentInput,
    ) -> Result<AgendaItem, ApiFailure> {
        let url = Self::appointment_url(client_id, id, occurrence, scope);
        self.json_for(Verb::Put, &url, input).await
    }

    /// `DELETE /api/clients/{id}/agenda/appointments/{appointment_id}`.
    pub async fn delete_appointment(
        &self,
        client_id: Uuid,
        id: Uuid,
        occurrence: Option<chrono::DateTime<chrono::Utc>>,
        scope: ChangeScope,
    ) -> Result<(), ApiFailure> {
        let url = Self::appointment_url(client_id, id, occurrence, scope);
        self.send_empty(Verb::Delete, &url).await
    }

    /// `POST /api/clients/{id}/agenda/conflicts`.
    pub async fn agenda_conflicts(
        &self,
        client_id: Uuid,
        input: &AppointmentInput,
    ) -> Result<ConflictReport, ApiFailure> {
        self.post_for(&format!("/api/clients/{client_id}/agenda/conflicts"), input)
            .await
    }

    /// `GET /api/me/calendar-feed`.
    pub async fn calendar_feed(&self) -> Result<CalendarFeedStatus, ApiFailure> {
        self.get("/api/me/calendar-feed").await
    }

    /// `POST /api/me/calendar-feed`: a new subscription address.
    pub async fn create_calendar_feed(&self) -> Result<CalendarFeedCreated, ApiFailure> {
        self.post_for("/api/me/calendar-feed", &()).await
    }

    /// `DELETE /api/me/calendar-feed`.
    pub async fn revoke_calendar_feed(&self) -> Result<(), ApiFailure> {
        self.send_empty(Verb::Delete, "/api/me/calendar-feed").await
    }

    /// `GET /api/me/agenda-reminders`.
    pub async fn agenda_reminders(&self) -> Result<ReminderSetting, ApiFailure> {
        self.get("/api/me/agenda-reminders").await
    }

    /// `PUT /api/me/agenda-reminders`.
    pub async fn set_agenda_reminders(&self, enabled: bool) -> Result<ReminderSetting, ApiFailure> {
        self.json_for(
            Verb::Put,
            "/api/me/agenda-reminders",
            &ReminderSetting { enabled },
        )
        .await
    }

    /// `GET /api/clients/{id}/details`: every tab of *Gegevens*.
    pub async fn client_details(&self, client_id: Uuid) -> Result<ClientDetails, ApiFailure> {
        self.get(&format!("/api/clients/{client_id}/details")).await
    }

    /// `GET /api/clients/{id}/pinboard`: `limit` posts, newest first, after a cursor.
    pub async fn pinboard(
        &self,
        client_id: Uuid,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<PinboardPage, ApiFailure> {
        let mut url = format!("/api/clients/{client_id}/pinboard?limit={limit}");
        if let Some(cursor) = cursor {
            url.push_str(&format!("&cursor={}", js_sys::encode_uri_component(cursor)));
        }
        self.get(&url).await
    }

    /// `POST /api/clients/{id}/pinboard`.
    pub async fn add_post(&self, client_id: Uuid, input: &PostInput) -> Result<Post, ApiFailure> {
        self.post_for(&format!("/api/clients/{client_id}/pinboard"), input)
            .await
    }

    /// `DELETE /api/clients/{id}/pinboard/{post_id}`.
    pub async fn delete_post(&self, client_id: Uuid, post_id: Uuid) -> Result<(), ApiFailure> {
        let url = format!("/api/clients/{client_id}/pinboard/{post_id}");
        self.send_empty(Verb::Delete, &url).await
    }

    /// `POST /api/clients/{id}/pinboard/{post_id}/replies`.
    pub async fn add_reply(
        &self,
        client_id: Uuid,
        post_id: Uuid,
        text: &str,
    ) -> Result<Reply, ApiFailure> {
        let body = ReplyInput {
            text: text.to_owned(),
        };
        self.post_for(
            &format!("/api/clients/{client_id}/pinboard/{post_id}/replies"),
            &body,
        )
        .await
    }

    /// `DELETE /api/clients/{id}/pinboard/{post_id}/replies/{reply_id}`.
    pub async fn delete_reply(
        &self,
        client_id: Uuid,
        post_id: Uuid,
        reply_id: Uuid,
    ) -> Result<(), ApiFailure> {
        let url = format!("/api/clients/{client_id}/pinboard/{post_id}/replies/{reply_id}");
        self.send_empty(Verb::Delete, &url).await
    }

    /// `PUT` (give) or `DELETE` (take back) `/api/clients/{id}/pinboard/{post_id}/emoji/{emoji}`;
    /// answers the post as it is now.
    pub async fn set_emoji(
        &self,
        client_id: Uuid,
        post_id: Uuid,
        emoji: Emoji,
        give: bool,
    ) -> Result<Post, ApiFailure> {
        let name: &'static str = emoji.into();
        let url = format!("/api/clients/{client_id}/pinboard/{post_id}/emoji/{name}");
        let verb = if give { Verb::Put } else { Verb::Delete };
        parse(&self.send(verb, &url, Body::Empty).await?)
    }

    /// `POST /api/clients/{id}/media`: one photo file, sent as it is.
    pub async fn upload_photo(
        &self,
        client_id: Uuid,
        file: &web_sys::Blob,
    ) -> Result<Photo, ApiFailure> {
        let url = format!("/api/clients/{client_id}/media");
        parse(&self.send(Verb::Post, &url, Body::File(file)).await?)
    }

    /// `DELETE /api/media/{id}`: an uploaded photo that is not posted (*Weghalen*).
    pub async fn delete_photo(&self, photo_id: Uuid) -> Result<(), ApiFailure> {
        self.send_empty(Verb::Delete, &format!("/api/media/{photo_id}"))
            .await
    }

    /// A stored photo (`GET /api/media/{id}/{size}`, or a client's `photo_url`) as a blob for
    /// an object URL: an `<img src>` cannot send the bearer token. Only the API's own
    /// addresses: the token never goes anywhere else.
    pub async fn photo(&self, url: &str) -> Result<web_sys::Blob, ApiFailure> {
        if !url.starts_with("/api/") {
            return Err(ApiFailure::Network);
        }
        self.blob(url).await
    }

    /// `GET /api/clients/{id}/exports`: the user's own exports of this client.
    pub async fn exports(&self, client_id: Uuid) -> Result<ExportList, ApiFailure> {
        self.get(&format!("/api/clients/{client_id}/exports")).await
    }

    /// `POST /api/clients/{id}/exports`: starts an export of the months `from` through `until`.
    pub async fn start_export(
        &self,
        client_id: Uuid,
        request: &ExportRequest,
    ) -> Result<ExportStatus, ApiFailure> {
        self.post_for(&format!("/api/clients/{client_id}/exports"), request)
            .await
    }

    /// `GET /api/clients/{id}/exports/{export_id}`: how far an export is.
    pub async fn export_status(
        &self,
        client_id: Uuid,
        export_id: Uuid,
    ) -> Result<ExportStatus, ApiFailure> {
        self.get(&format!("/api/clients/{client_id}/exports/{export_id}"))
            .await
    }

    /// `POST /api/clients/{id}/exports/{export_id}/link`: a one-time address of a ready file.
    pub async fn export_link(
        &self,
        client_id: Uuid,
        export_id: Uuid,
    ) -> Result<DownloadLink, ApiFailure> {
        let url = format!("/api/clients/{client_id}/exports/{export_id}/link");
        parse(&self.send(Verb::Post, &url, Body::Empty).await?)
    }

    /// `GET /api/clients/{id}/access-log`: a page of *Wie heeft mijn dossier bekeken*, of one
    /// month and one person when chosen, after a cursor.
    pub async fn access_log(
        &self,
        client_id: Uuid,
        month: Option<YearMonth>,
        person: Option<Uuid>,
        cursor: Option<&str>,
    ) -> Result<ViewLogPage, ApiFailure> {
        let mut url = access_log_url(client_id, "", month, person);
        push_query(&mut url, "cursor", cursor);
        self.get(&url).await
    }

    /// `GET /api/clients/{id}/access-log/csv`: the same lines as a CSV file.
    pub async fn access_log_csv(
        &self,
        client_id: Uuid,
        month: Option<YearMonth>,
        person: Option<Uuid>,
    ) -> Result<web_sys::Blob, ApiFailure> {
        self.blob(&access_log_url(client_id, "/csv", month, person))
            .await
    }

    /// `GET /api/me/data`: everything Kring holds about the signed-in user, as a JSON file.
    pub async fn my_data(&self) -> Result<web_sys::Blob, ApiFailure> {
        self.blob("/api/me/data").await
    }

    /// A signed-in `GET` whose body is a file.
    async fn blob(&self, url: &str) -> Result<web_sys::Blob, ApiFailure> {
        let response: web_sys::Response = self.respond(Verb::Get, url, Body::Empty).await?.into();
        let blob = response.blob().map_err(|_| ApiFailure::Network)?;
        wasm_bindgen_futures::JsFuture::from(blob)
            .await
            .map(wasm_bindgen::JsCast::unchecked_into)
            .map_err(|_| ApiFailure::Network)
    }

    /// `PUT /api/me/sharing`.
    pub async fn set_sharing(&self, share: bool) -> Result<SharingSetting, ApiFailure> {
        let body = SharingSetting {
            share_contact_details: share,
        };
        self.json_for(Verb::Put, "/api/me/sharing", &body).await
    }

    /// `PUT /api/me/clients/{id}/notifications`.
    pub async fn set_client_notifications(
        &self,
        client_id: Uuid,
        pinboard: bool,
    ) -> Result<ClientNotificationSetting, ApiFailure> {
        self.json_for(
            Verb::Put,
            &format!("/api/me/clients/{client_id}/notifications"),
            &ClientNotificationSetting { pinboard },
        )
        .await
    }

    /// `GET /api/clients/{id}/messages/recipients`.
    pub async fn message_recipients(
        &self,
        client_id: Uuid,
    ) -> Result<RecipientOptions, ApiFailure> {
        self.get(&format!("/api/clients/{client_id}/messages/recipients"))
            .await
    }

    /// `GET /api/clients/{id}/conversations`: a page, newest first; `archived` lists the
    /// viewer's archive instead, `search` finds subject and text.
    pub async fn conversations(
        &self,
        client_id: Uuid,
        archived: bool,
        search: &str,
        cursor: Option<&str>,
    ) -> Result<ConversationPage, ApiFailure> {
        let mut url = format!("/api/clients/{client_id}/conversations?archived={archived}");
        push_query(
            &mut url,
            "q",
            Some(search).filter(|text| !text.trim().is_empty()),
        );
        push_query(&mut url, "cursor", cursor);
        self.get(&url).await
    }

    /// `GET /api/care/inbox`: a care worker's own inbox or the team inbox, over every client.
    pub async fn care_inbox(
        &self,
        inbox: InboxBox,
        archived: bool,
        search: &str,
        cursor: Option<&str>,
    ) -> Result<ConversationPage, ApiFailure> {
        let name: &'static str = inbox.into();
        let mut url = format!("/api/care/inbox?box={name}&archived={archived}");
        push_query(
            &mut url,
            "q",
            Some(search).filter(|text| !text.trim().is_empty()),
        );
        push_query(&mut url, "cursor", cursor);
        self.get(&url).await
    }

    /// `GET /api/clients/{id}/conversations/{conversation_id}` (marks it read); `before` pages
    /// back to earlier messages.
    pub async fn conversation(
        &self,
        client_id: Uuid,
        conversation_id: Uuid,
        before: Option<&str>,
    ) -> Result<Conversation, ApiFailure> {
        let mut url = format!("/api/clients/{client_id}/conversations/{conversation_id}?");
        push_query(&mut url, "before", before);
        self.get(&url).await
    }

    /// `POST /api/clients/{id}/conversations`: *Nieuw bericht*.
    pub async fn start_conversation(
        &self,
        client_id: Uuid,
        input: &NewConversation,
    ) -> Result<Conversation, ApiFailure> {
        self.post_for(&format!("/api/clients/{client_id}/conversations"), input)
            .await
    }

    /// `POST /api/clients/{id}/conversations/{conversation_id}/messages`: an answer.
    pub async fn reply_to_conversation(
        &self,
        client_id: Uuid,
        conversation_id: Uuid,
        input: &MessageReply,
    ) -> Result<Message, ApiFailure> {
        self.post_for(
            &format!("/api/clients/{client_id}/conversations/{conversation_id}/messages"),
            input,
        )
        .await
    }

    /// `PUT` (archive) or `DELETE` (back to the inbox)
    /// `/api/clients/{id}/conversations/{conversation_id}/archive`.
    pub async fn archive_conversation(
        &self,
        client_id: Uuid,
        conversation_id: Uuid,
        archive: bool,
    ) -> Result<(), ApiFailure> {
        let url = format!("/api/clients/{client_id}/conversations/{conversation_id}/archive");
        let verb = if archive { Verb::Put } else { Verb::Delete };
        self.send_empty(verb, &url).await
    }

    /// `POST /api/clients/{id}/messages/attachments?name=…`: one photo or PDF, sent as it is.
    pub async fn upload_attachment(
        &self,
        client_id: Uuid,
        name: &str,
        file: &web_sys::Blob,
    ) -> Result<Attachment, ApiFailure> {
        let url = format!(
            "/api/clients/{client_id}/messages/attachments?name={}",
            js_sys::encode_uri_component(name)
        );
        parse(&self.send(Verb::Post, &url, Body::File(file)).await?)
    }

    /// `DELETE /api/media/{id}`: an uploaded attachment that is not sent (*Weghalen*).
    pub async fn delete_attachment(&self, attachment_id: Uuid) -> Result<(), ApiFailure> {
        self.send_empty(Verb::Delete, &format!("/api/media/{attachment_id}"))
            .await
    }

    /// `GET /api/me/messages/unread`: unread messages over every client.
    pub async fn unread_messages(&self) -> Result<UnreadCount, ApiFailure> {
        self.get("/api/me/messages/unread").await
    }

    /// `GET /api/me/message-mail`.
    pub async fn message_mail(&self) -> Result<MessageMailSetting, ApiFailure> {
        self.get("/api/me/message-mail").await
    }

    /// `PUT /api/me/message-mail`.
    pub async fn set_message_mail(&self, enabled: bool) -> Result<MessageMailSetting, ApiFailure> {
        self.json_for(
            Verb::Put,
            "/api/me/message-mail",
            &MessageMailSetting { enabled },
        )
        .await
    }

    /// `GET /api/me/absence`: the care worker's absence, if one is set.
    pub async fn absence(&self) -> Result<Option<Absence>, ApiFailure> {
        self.get("/api/me/absence").await
    }

    /// `PUT /api/me/absence`.
    pub async fn set_absence(&self, absence: &Absence) -> Result<Absence, ApiFailure> {
        self.json_for(Verb::Put, "/api/me/absence", absence).await
    }

    /// `DELETE /api/me/absence`: back at work.
    pub async fn end_absence(&self) -> Result<(), ApiFailure> {
        self.send_empty(Verb::Delete, "/api/me/absence").await
    }

    /// `POST /api/clients/{id}/events/ticket`.
    pub async fn event_ticket(&self, client_id: Uuid) -> Result<EventTicket, ApiFailure> {
        self.post_for(&format!("/api/clients/{client_id}/events/ticket"), &())
            .await
    }

    /// `GET /api/admin/service-accounts`.
    pub async fn service_accounts(&self) -> Result<Vec<ServiceAccountSummary>, ApiFailure> {
        self.get("/api/admin/service-accounts").await
    }

    /// `POST /api/admin/service-accounts`.
    pub async fn create_service_account(
        &self,
        request: &NewServiceAccountRequest,
    ) -> Result<ServiceAccountCreated, ApiFailure> {
        self.post_for("/api/admin/service-accounts", request).await
    }

    /// `POST /api/admin/service-accounts/{id}/revoke`.
    pub async fn revoke_service_account(
        &self,
        id: Uuid,
    ) -> Result<ServiceAccountSummary, ApiFailure> {
        self.post_for(&format!("/api/admin/service-accounts/{id}/revoke"), &())
            .await
    }

    /// `GET /api/admin/users?q=`.
    pub async fn admin_users(&self, search: &str) -> Result<Vec<AdminUserSummary>, ApiFailure> {
        let query = String::from(js_sys::encode_uri_component(search.trim()));
        self.get(&format!("/api/admin/users?q={query}")).await
    }

    /// `POST /api/admin/users/{id}/temporary-password`.
    pub async fn send_temporary_password(&self, id: Uuid) -> Result<(), ApiFailure> {
        let url = format!("/api/admin/users/{id}/temporary-password");
        self.send_empty(Verb::Post, &url).await
    }

    /// `GET /api/admin/clients`.
    pub async fn admin_clients(&self) -> Result<Vec<AdminClientSummary>, ApiFailure> {
        self.get("/api/admin/clients").await
    }

    /// `GET /api/admin/mail-outbox`.
    pub async fn undelivered_mail(&self) -> Result<Vec<OutboxMailSummary>, ApiFailure> {
        self.get("/api/admin/mail-outbox").await
    }

    /// `POST /api/admin/mail-outbox/{id}/retry`.
    pub async fn retry_mail(&self, id: Uuid) -> Result<(), ApiFailure> {
        let url = format!("/api/admin/mail-outbox/{id}/retry");
        self.send_empty(Verb::Post, &url).await
    }

    /// `GET /api/admin/audit-log`, optionally for one client.
    pub async fn audit_log(&self, client_id: Option<Uuid>) -> Result<AuditLogPage, ApiFailure> {
        match client_id {
            Some(id) => {
                self.get(&format!("/api/admin/audit-log?client_id={id}"))
                    .await
            }
            None => self.get("/api/admin/audit-log").await,
        }
    }

    /// `GET /api/clients/{id}/network-changes`.
    pub async fn network_changes(&self, client_id: Uuid) -> Result<AuditLogPage, ApiFailure> {
        self.get(&format!("/api/clients/{client_id}/network-changes"))
            .await
    }

    /// `POST /api/admin/clients`.
    pub async fn create_client_portal(
        &self,
        request: &NewClientPortalRequest,
    ) -> Result<AdminClientSummary, ApiFailure> {
        self.post_for("/api/admin/clients", request).await
    }

    /// `GET /api/admin/clients/{id}/contacts`.
    pub async fn admin_client_contacts(
        &self,
        client_id: Uuid,
    ) -> Result<Vec<ContactRow>, ApiFailure> {
        self.get(&format!("/api/admin/clients/{client_id}/contacts"))
            .await
    }

    /// `PUT /api/admin/clients/{id}/primary-contact`.
    pub async fn set_primary_contact(
        &self,
        client_id: Uuid,
        contact_id: Uuid,
    ) -> Result<AdminClientSummary, ApiFailure> {
        self.json_for(
            Verb::Put,
            &format!("/api/admin/clients/{client_id}/primary-contact"),
            &PrimaryContactRequest { contact_id },
        )
        .await
    }

    /// `PUT /api/admin/clients/{id}/discharge`.
    pub async fn discharge(
        &self,
        client_id: Uuid,
        discharged_on: Option<chrono::NaiveDate>,
    ) -> Result<AdminClientSummary, ApiFailure> {
        self.json_for(
            Verb::Put,
            &format!("/api/admin/clients/{client_id}/discharge"),
            &DischargeRequest { discharged_on },
        )
        .await
    }

    /// `GET /api/admin/care-workers`.
    pub async fn care_workers(&self) -> Result<Vec<CareWorkerSummary>, ApiFailure> {
        self.get("/api/admin/care-workers").await
    }

    /// `POST /api/admin/care-workers`.
    pub async fn create_care_worker(
        &self,
        request: &NewCareWorkerRequest,
    ) -> Result<CareWorkerSummary, ApiFailure> {
        self.post_for("/api/admin/care-workers", request).await
    }

    /// `PUT /api/admin/clients/{id}/care-team/{worker}`.
    pub async fn set_care_team_member(
        &self,
        client_id: Uuid,
        care_worker_id: Uuid,
        care_role: CareRole,
    ) -> Result<(), ApiFailure> {
        let url = format!("/api/admin/clients/{client_id}/care-team/{care_worker_id}");
        let body = CareTeamRoleRequest { care_role };
        self.send_json_empty(Verb::Put, &url, &body).await
    }

    /// `DELETE /api/admin/clients/{id}/care-team/{worker}`.
    pub async fn remove_care_team_member(
        &self,
        client_id: Uuid,
        care_worker_id: Uuid,
    ) -> Result<(), ApiFailure> {
        let url = format!("/api/admin/clients/{client_id}/care-team/{care_worker_id}");
        self.send_empty(Verb::Delete, &url).await
    }

    /// `GET /api/admin/organisation`.
    pub async fn organisation_settings(&self) -> Result<OrganisationSettings, ApiFailure> {
        self.get("/api/admin/organisation").await
    }

    /// `PUT /api/admin/organisation`.
    pub async fn save_organisation_settings(
        &self,
        settings: &OrganisationSettings,
    ) -> Result<OrganisationSettings, ApiFailure> {
        self.json_for(Verb::Put, "/api/admin/organisation", settings)
            .await
    }

    /// `GET /api/clients/{id}/contacts`.
    pub async fn contacts(&self, client_id: Uuid) -> Result<Vec<ContactRow>, ApiFailure> {
        self.get(&format!("/api/clients/{client_id}/contacts"))
            .await
    }

    /// `POST /api/clients/{id}/contact-lookup`.
    pub async fn lookup_contact(
        &self,
        client_id: Uuid,
        email: &str,
    ) -> Result<ContactLookup, ApiFailure> {
        let body = ContactLookupRequest {
            email: email.to_owned(),
        };
        self.post_for(&format!("/api/clients/{client_id}/contact-lookup"), &body)
            .await
    }

    /// `POST /api/clients/{id}/contacts`.
    pub async fn add_contact(
        &self,
        client_id: Uuid,
        request: &NewContactRequest,
    ) -> Result<ContactRow, ApiFailure> {
        self.post_for(&format!("/api/clients/{client_id}/contacts"), request)
            .await
    }

    /// `PUT /api/clients/{id}/contacts/{contact}/permissions`.
    pub async fn set_permissions(
        &self,
        client_id: Uuid,
        contact_id: Uuid,
        permissions: Vec<Permission>,
    ) -> Result<PermissionsSaved, ApiFailure> {
        let body = PermissionsRequest { permissions };
        self.json_for(
            Verb::Put,
            &format!("/api/clients/{client_id}/contacts/{contact_id}/permissions"),
            &body,
        )
        .await
    }

    /// `POST /api/clients/{id}/contacts/{contact}/invitation`.
    pub async fn send_invitation(
        &self,
        client_id: Uuid,
        contact_id: Uuid,
    ) -> Result<InvitationSent, ApiFailure> {
        self.post_for(
            &format!("/api/clients/{client_id}/contacts/{contact_id}/invitation"),
            &serde_json::json!({}),
        )
        .await
    }

    /// `DELETE /api/clients/{id}/contacts/{contact}`.
    pub async fn remove_contact(
        &self,
        client_id: Uuid,
        contact_id: Uuid,
    ) -> Result<(), ApiFailure> {
        let url = format!("/api/clients/{client_id}/contacts/{contact_id}");
        self.send_empty(Verb::Delete, &url).await
    }

    /// `GET /api/me/notifications`.
    pub async fn notifications(&self) -> Result<Notifications, ApiFailure> {
        self.get("/api/me/notifications").await
    }

    /// `POST /api/me/notifications/{id}/read`.
    pub async fn mark_read(&self, id: Uuid) -> Result<(), ApiFailure> {
        let url = format!("/api/me/notifications/{id}/read");
        self.send_empty(Verb::Post, &url).await
    }

    /// `POST /api/me/invitations/{contact}/accept` or `/decline`.
    pub async fn answer_invitation(
        &self,
        contact_id: Uuid,
        accept: bool,
    ) -> Result<(), ApiFailure> {
        let answer = if accept { "accept" } else { "decline" };
        let url = format!("/api/me/invitations/{contact_id}/{answer}");
        self.send_empty(Verb::Post, &url).await
    }

    /// `GET /api/me/sessions`.
    pub async fn sessions(&self) -> Result<Vec<SessionSummary>, ApiFailure> {
        self.get("/api/me/sessions").await
    }

    /// `DELETE /api/me/sessions/{id}`.
    pub async fn end_session(&self, id: Uuid) -> Result<(), ApiFailure> {
        let url = format!("/api/me/sessions/{id}");
        self.send_empty(Verb::Delete, &url).await
    }

    /// `GET /api/me/devices`.
    pub async fn devices(&self) -> Result<Vec<TrustedDeviceSummary>, ApiFailure> {
        self.get("/api/me/devices").await
    }

    /// `DELETE /api/me/devices/{id}`.
    pub async fn forget_device(&self, id: Uuid) -> Result<(), ApiFailure> {
        let url = format!("/api/me/devices/{id}");
        self.send_empty(Verb::Delete, &url).await
    }

    /// `PUT /api/me/contact`.
    pub async fn change_contact_details(
        &self,
        request: &ContactDetailsRequest,
    ) -> Result<ContactDetailsSaved, ApiFailure> {
        self.json_for(Verb::Put, "/api/me/contact", request).await
    }

    /// `POST /api/me/contact/mobile/confirm`.
    pub async fn confirm_mobile(&self, code: &str) -> Result<(), ApiFailure> {
        let body = MobileCodeRequest {
            code: code.to_owned(),
        };
        self.send_json_empty(Verb::Post, "/api/me/contact/mobile/confirm", &body)
            .await
    }

    /// `POST /api/me/contact/mobile/resend`.
    pub async fn resend_mobile_code(&self) -> Result<MobileVerification, ApiFailure> {
        self.post_for("/api/me/contact/mobile/resend", &serde_json::json!({}))
            .await
    }

    /// `POST /api/me/totp/setup`.
    pub async fn totp_setup(&self, current_password: &str) -> Result<TotpSetup, ApiFailure> {
        let body = ReauthenticateRequest {
            current_password: current_password.to_owned(),
        };
        self.post_for("/api/me/totp/setup", &body).await
    }

    /// `POST /api/me/totp/confirm`.
    pub async fn totp_confirm(&self, code: &str) -> Result<TotpEnabled, ApiFailure> {
        let body = TotpConfirmRequest {
            code: code.to_owned(),
        };
        self.post_for("/api/me/totp/confirm", &body).await
    }

    /// `POST /api/me/totp/disable`.
    pub async fn totp_disable(&self, current_password: &str) -> Result<(), ApiFailure> {
        let body = ReauthenticateRequest {
            current_password: current_password.to_owned(),
        };
        self.send_json_empty(Verb::Post, "/api/me/totp/disable", &body)
            .await
    }

    /// `POST /api/me/password`.
    pub async fn change_password(&self, current: &str, new: &str) -> Result<(), ApiFailure> {
        let body = ChangePasswordRequest {
            current_password: current.to_owned(),
            new_password: new.to_owned(),
        };
        self.send_json_empty(Verb::Post, "/api/me/password", &body)
            .await
    }

    /// `POST /api/auth/logout`: ends this session on the server.
    pub async fn logout(&self) -> Result<(), ApiFailure> {
        self.send_empty(Verb::Post, "/api/auth/logout").await
    }

    /// Renews the tokens now, which also tells the server the user is active.
    pub async fn keep_alive(&self) -> Result<(), ApiFailure> {
        self.renew(self.current_token().1).await
    }

    /// The access token and its generation.
    fn current_token(&self) -> (String, u64) {
        self.token
            .lock()
            .map(|state| (state.access.clone(), state.generation))
            .unwrap_or_default()
    }

    /// Renews the access token with the refresh cookie, once for everyone: requests that all
    /// met a 401 with the token of generation `stale` wait for one renewal and then use its
    /// token (a second refresh with the same cookie would look like a stolen one to the server,
    /// which then ends the session). A failed renewal fails every waiting request at once.
    async fn renew(&self, stale: u64) -> Result<(), ApiFailure> {
        let _one_at_a_time = self.renewal.lock().await;
        let (generation, ended) = self
            .token
            .lock()
            .map(|state| (state.generation, state.ended))
            .unwrap_or_default();
        if ended {
            return Err(ApiFailure::session_ended());
        }
        if generation != stale {
            return Ok(());
        }
        let renewed = refresh().await;
        if let Ok(mut state) = self.token.lock() {
            match &renewed {
                Ok(fresh) => {
                    state.access = fresh.access_token.clone();
                    state.generation += 1;
                }
                Err(_) => state.ended = true,
            }
        }
        renewed.map(|_| ())
    }

    /// The one way a signed-in request goes out: with the bearer token; on a 401 the token is
    /// renewed (see `renew`) and the request sent once more. Answers a 2xx response.
    async fn respond(&self, verb: Verb, url: &str, body: Body<'_>) -> Result<Response, ApiFailure> {
        let (token, generation) = self.current_token();
        match send_once(verb, url, body, Some(&token)).await {
            Err(failure) if failure.code() == Some(ErrorCode::AuthenticationRequired) => {
                self.renew(generation).await?;
                send_once(verb, url, body, Some(&self.current_token().0)).await
            }
            other => other,
        }
    }

    /// Sends a signed-in request and answers the body of a 2xx.
    async fn send(&self, verb: Verb, url: &str, body: Body<'_>) -> Result<String, ApiFailure> {
        text_of(self.respond(verb, url, body).await?).await
    }

    async fn get<T: DeserializeOwned>(&self, url: &str) -> Result<T, ApiFailure> {
        parse(&self.send(Verb::Get, url, Body::Empty).await?)
    }

    async fn post_for<B: Serialize, T: DeserializeOwned>(
        &self,
        url: &str,
        body: &B,
    ) -> Result<T, ApiFailure> {
        self.json_for(Verb::Post, url, body).await
    }

    async fn json_for<B: Serialize, T: DeserializeOwned>(
        &self,
        verb: Verb,
        url: &str,
        body: &B,
    ) -> Result<T, ApiFailure> {
        parse(&self.send(verb, url, Body::Json(&to_json(body)?)).await?)
    }

    async fn send_empty(&self, verb: Verb, url: &str) -> Result<(), ApiFailure> {
        self.send(verb, url, Body::Empty).await.map(|_| ())
    }

    async fn send_json_empty<B: Serialize>(
        &self,
        verb: Verb,
        url: &str,
        body: &B,
    ) -> Result<(), ApiFailure> {
        self.send(verb, url, Body::Json(&to_json(body)?))
            .await
            .map(|_| ())
    }
}

/// The methods the API uses.
#[derive(Debug, Clone, Copy)]
enum Verb {
    Get,
    Post,
    Put,
    Delete,
}

/// What a request carries.
#[derive(Debug, Clone, Copy)]
enum Body<'a> {
    Empty,
    /// A JSON document.
    Json(&'a str),
    /// A file as it is (a photo): the browser sends it from disk and names its type, so it is
    /// never copied into the wasm memory.
    File(&'a web_sys::Blob),
}

/// Sends one request and answers a 2xx response; a problem as what it says, anything else
/// (no connection, an answer that is not a problem) as `Network`. Not generic, so the wasm
/// holds it once.
async fn send_once(
    verb: Verb,
    url: &str,
    body: Body<'_>,
    token: Option<&str>,
) -> Result<Response, ApiFailure> {
    let mut builder = match verb {
        Verb::Get => Request::get(url),
        Verb::Post => Request::post(url),
        Verb::Put => Request::put(url),
        Verb::Delete => Request::delete(url),
    };
    if let Some(token) = token {
        builder = builder.header("Authorization", &format!("Bearer {token}"));
    }
    let request = match body {
        Body::Json(body) => builder
            .header("Content-Type", "application/json")
            .body(body.to_owned()),
        Body::File(file) => builder.body(wasm_bindgen::JsValue::from(file.clone())),
        Body::Empty => builder.build(),
    }
    .map_err(|_| ApiFailure::Network)?;
    let response = request.send().await.map_err(|_| ApiFailure::Network)?;
    if response.ok() {
        Ok(response)
    } else {
        Err(problem_of(response).await)
    }
}

/// Whether Kring's server answers at all (`/healthz`): tells a lost connection from a file
/// that is gone because Kring was updated while the page was open.
pub async fn server_reachable() -> bool {
    send_once(Verb::Get, "/healthz", Body::Empty, None)
        .await
        .is_ok()
}

/// The body of a 2xx response as text.
async fn text_of(response: Response) -> Result<String, ApiFailure> {
    response.text().await.map_err(|_| ApiFailure::Network)
}

/// Reads a 2xx body; an empty one (204) reads as `null`.
fn parse<T: DeserializeOwned>(text: &str) -> Result<T, ApiFailure> {
    let text = if text.trim().is_empty() { "null" } else { text };
    serde_json::from_str(text).map_err(|_| ApiFailure::Network)
}

fn to_json<B: Serialize>(body: &B) -> Result<String, ApiFailure> {
    serde_json::to_string(body).map_err(|_| ApiFailure::Network)
}

async fn refresh() -> Result<AccessToken, ApiFailure> {
    let response = send_once(Verb::Post, "/api/auth/refresh", Body::Empty, None).await?;
    match parse(&text_of(response).await?)? {
        LoginResponse::Authenticated(token) => Ok(token),
        _ => Err(ApiFailure::Network),
    }
}

async fn post_json<B: Serialize, T: DeserializeOwned>(
    url: &str,
    body: &B,
) -> Result<T, ApiFailure> {
    let response = send_once(Verb::Post, url, Body::Json(&to_json(body)?), None).await?;
    parse(&text_of(response).await?)
}

async fn problem_of(response: Response) -> ApiFailure {
    match response.json::<Problem>().await {
        Ok(problem) => ApiFailure::Problem(problem),
        Err(_) => ApiFailure::Network,
    }
}

/// The access-log address under `client_id` (`suffix` "" or "/csv") with the chosen filters.
fn access_log_url(
    client_id: Uuid,
    suffix: &str,
    month: Option<YearMonth>,
    person: Option<Uuid>,
) -> String {
    let mut url = format!("/api/clients/{client_id}/access-log{suffix}");
    push_query(
        &mut url,
        "month",
        month.map(|month| month.to_string()).as_deref(),
    );
    push_query(
        &mut url,
        "person",
        person.map(|id| id.to_string()).as_deref(),
    );
    url
}

/// Appends `name=value` (encoded) to `url` when there is a value.
fn push_query(url: &mut String, name: &str, value: Option<&str>) {
    if let Some(value) = value {
        if !url.ends_with('?') {
            url.push(if url.contains('?') { '&' } else { '?' });
        }
        url.push_str(name);
        url.push('=');
        url.push_str(&String::from(js_sys::encode_uri_component(value)));
    }
}
