//! Per-address throttling of the sign-in endpoints (login, codes, first password, forgot and
//! reset password, re-authentication), so that one address cannot guess passwords across
//! many accounts. Built on the
//! `governor` crate's keyed GCRA limiter; over the limit the answer is a 429 problem with
//! `Retry-After`.

use std::{net::IpAddr, num::NonZeroU32, sync::Arc};

use std::future::{Ready, ready};

use actix_web::{FromRequest, HttpRequest, dev::Payload, web};
use governor::{
    DefaultKeyedRateLimiter, Quota, RateLimiter,
    clock::{Clock, DefaultClock},
};

use crate::{error::ApiError, proxy::TrustedProxies};

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

/// The key an address is counted under: an IPv6 address by its /64 (one household or customer
/// usually has a whole /64, so counting single addresses would give them 2^64 budgets).
fn network_of(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V4(_) => address,
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
    type Future = Ready<Result<SignInThrottle, ApiError>>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        let verdict = match (
            request.app_data::<web::Data<AuthThrottle>>(),
            TrustedProxies::address_of(request),
        ) {
            (Some(throttle), Some(address)) => match throttle.check(network_of(address)) {
                Some(wait) => {
                    tracing::warn!(ip = %address, "sign-in requests throttled");
                    Err(ApiError::RateLimited { retry_after: wait })
                }
                None => Ok(SignInThrottle),
            },
            _ => Ok(SignInThrottle),
        };
        ready(verdict)
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
    }
}
