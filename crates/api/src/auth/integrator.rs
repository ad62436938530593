//! `Integrator`: an integration endpoint asks for one in its signature. The request must carry
//! a live service-account key as `Authorization: Bearer kring_…`; a handler then checks the
//! scope it needs.

use std::{future::Future, pin::Pin};

use actix_web::{FromRequest, HttpRequest, dev::Payload, web};
use kring_shared::integration::Scope;
use sea_orm::EntityTrait;

use crate::{
    auth::extractor::bearer_token,
    entities::{organisation, service_account},
    error::ApiError,
    services::service_accounts,
    state::AppState,
};

/// The service account behind a request, with its organisation.
#[derive(Debug, Clone)]
pub struct Integrator {
    pub account: service_account::Model,
    pub organisation: organisation::Model,
}

impl Integrator {
    /// Fails with 403 unless the key has `scope`.
    pub fn require(&self, scope: Scope) -> Result<(), ApiError> {
        if service_accounts::scopes_of(&self.account).contains(&scope) {
            Ok(())
        } else {
            Err(ApiError::Forbidden(format!(
                "This API key does not have the `{}` scope.",
                scope.as_str()
            )))
        }
    }
}

impl FromRequest for Integrator {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Integrator, ApiError>>>>;

    fn from_request(request: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        let state = request.app_data::<web::Data<AppState>>().cloned();
        let key = bearer_token(request);
        Box::pin(async move {
            let state = state.ok_or_else(|| anyhow::anyhow!("AppState missing"))?;
            let key = key.ok_or(ApiError::Unauthenticated)?;
            let account = service_accounts::authenticate(&state.db, &key)
                .await?
                .ok_or(ApiError::Unauthenticated)?;
            let organisation = organisation::Entity::find_by_id(account.organisation_id)
                .one(&state.db)
                .await?
                .ok_or(ApiError::Unauthenticated)?;
            Ok(Integrator {
                account,
                organisation,
            })
        })
    }
}
