//! Per-address throttling of the sign-in endpoints (login, codes, first password, forgot and
//! reset password, re-authentication), so that one address cannot guess passwords across
//! many accounts. Counted in the database (`sign_in_throttle`, one atomic upsert per request,
//! a fixed one-minute window), so the limit holds for the whole deployment however many
//! instances share the database — not once per instance. Over the limit the answer is a 429
//! problem with `Retry-After`.

use std::{future::Future, net::IpAddr, pin::Pin};

use actix_web::{FromRequest, HttpRequest, dev::Payload, web};

use crate::{
    error::ApiError,
    proxy::TrustedProxies,
    services::limits::{self, Limit},
    state::AppState,
};

/// The deployment's sign-in limit per client address.
#[derive(Debug, Clone, Copy)]
pub struct AuthThrottle {
    limit: Limit,
}

impl AuthThrottle {
    /// Allows `per_minute` requests per client address per minute.
    pub fn new(per_minute: u32) -> AuthThrottle {
        AuthThrottle {
            limit: Limit::new(i32::try_from(per_minute.max(1)).unwrap_or(i32::MAX), 60),
        }
    }

    /// Counts a request from `ip`: `RateLimited` (with the seconds to wait) over the limit.
    pub async fn check(
        &self,
        db: &sea_orm::DatabaseConnection,
        ip: IpAddr,
    ) -> Result<(), ApiError> {
        limits::hit_sign_in(db, &format!("sign-in:{}", network_of(ip)), self.limit).await
    }
}

/// The key an address is counted under: an IPv6 address by its /64 (one household or customer
/// usually has a whole /64, so counting single addresses would give them 2^64 budgets).
fn network_of(address: IpAddr) -> IpAddr {
    // An IPv4 client of a dual-stack listener arrives as `::ffff:a.b.c.d`: count it as itself.
    match address.to_canonical() {
        IpAddr::V4(v4) => IpAddr::V4(v4),
        IpAddr::V6(v6) => {
            let [a, b, c, d, ..] = v6.segments();
            IpAddr::V6(std::net::Ipv6Addr::new(a, b, c, d, 0, 0, 0, 0))
        }
    }
}

/// Asking for this in a handler's signature throttles the handler per client address. It is
/// an extractor, so it runs for the operation the router chose — however the path was
/// spelled (`/api/auth/%6Cogin` reaches the login handler, and is counted there).
#[derive(Debug, Clone, Copy)]
pub struct SignInThrottle;

impl FromRequest for SignInThrottle {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<SignInThrottle, ApiError>>>>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        let throttle = request
            .app_data::<web::Data<AuthThrottle>>()
            .map(|t| *t.get_ref());
        let state = request.app_data::<web::Data<AppState>>().cloned();
        let address = TrustedProxies::address_of(request);
        Box::pin(async move {
            if let (Some(throttle), Some(state), Some(address)) = (throttle, state, address)
                && let Err(error) = throttle.check(&state.db, address).await
            {
                if matches!(error, ApiError::RateLimited { .. }) {
                    tracing::warn!(ip = %address, "sign-in requests throttled");
                }
                return Err(error);
            }
            Ok(SignInThrottle)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap_or(IpAddr::from([0, 0, 0, 0]))
    }

    #[test]
    fn an_ipv6_household_shares_one_budget() {
        assert_eq!(
            network_of(ip("2001:db8:1:2:aaaa::1")),
            network_of(ip("2001:db8:1:2:bbbb::9"))
        );
        assert_ne!(
            network_of(ip("2001:db8:1:2::1")),
            network_of(ip("2001:db8:1:3::1"))
        );
        assert_eq!(network_of(ip("192.0.2.7")), ip("192.0.2.7"));
        assert_eq!(network_of(ip("::ffff:192.0.2.7")), ip("192.0.2.7"));
        assert_ne!(
            network_of(ip("::ffff:192.0.2.7")),
            network_of(ip("::ffff:198.51.100.1"))
        );
    }
}
