//! Per-IP throttling of the sign-in endpoints (login, first password, forgot and reset
//! password), so that one address cannot guess passwords across many accounts. Built on the
//! `governor` crate's keyed GCRA limiter; over the limit the answer is a 429 problem with
//! `Retry-After`.

use std::{net::IpAddr, num::NonZeroU32, sync::Arc};

use actix_web::{
    body::{EitherBody, MessageBody},
    dev::{ServiceRequest, ServiceResponse},
    http::Method,
    middleware::Next,
    web,
};
use governor::{
    DefaultKeyedRateLimiter, Quota, RateLimiter,
    clock::{Clock, DefaultClock},
};

use crate::error::ApiError;

/// The shared limiter.
#[derive(Clone)]
pub struct AuthThrottle {
    limiter: Arc<DefaultKeyedRateLimiter<IpAddr>>,
}

impl AuthThrottle {
    /// Allows `per_minute` requests per IP address per minute (bursts up to the same number).
    pub fn new(per_minute: u32) -> AuthThrottle {
        let per_minute = NonZeroU32::new(per_minute.max(1)).unwrap_or(NonZeroU32::MIN);
        AuthThrottle {
            limiter: Arc::new(RateLimiter::keyed(Quota::per_minute(per_minute))),
        }
    }

    /// Seconds to wait when `ip` is over the limit now, `None` when the request may pass.
    pub fn check(&self, ip: IpAddr) -> Option<u64> {
        match self.limiter.check_key(&ip) {
            Ok(()) => None,
            Err(not_until) => Some(
                not_until
                    .wait_time_from(DefaultClock::default().now())
                    .as_secs()
                    + 1,
            ),
        }
    }

    /// Forgets addresses that are back under their limit (keeps memory bounded).
    pub fn clean(&self) {
        self.limiter.retain_recent();
    }
}

fn is_throttled(method: &Method, path: &str) -> bool {
    method == Method::POST
        && matches!(
            path,
            "/api/auth/login"
                | "/api/auth/verify"
                | "/api/auth/verify/resend"
                | "/api/auth/first-password"
                | "/api/auth/forgot-password"
                | "/api/auth/password-reset"
        )
}

/// The middleware.
pub async fn throttle(
    request: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    if is_throttled(request.method(), request.path())
        && let Some(throttle) = request.app_data::<web::Data<AuthThrottle>>()
        && let Some(ip) = request.peer_addr().map(|addr| addr.ip())
        && let Some(wait) = throttle.check(ip)
    {
        tracing::warn!(ip = %ip, "sign-in requests throttled");
        let response =
            actix_web::ResponseError::error_response(&ApiError::RateLimited { retry_after: wait });
        return Ok(request.into_response(response).map_into_right_body());
    }
    Ok(next.call(request).await?.map_into_left_body())
}
