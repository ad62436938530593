//! Where a request comes from (the client address behind trusted proxies, and the user
//! agent), as an extractor: handlers ask for it in their signature and pass it on, so services
//! and the logs they write never see an `HttpRequest`.

/// Where a request comes from.
#[derive(Debug, Clone, Default)]
pub struct ClientInfo {
    pub ip_address: Option<String>,
    pub user_agent: Option<String>,
}

impl ClientInfo {
    /// The client address (behind trusted proxies, see [`crate::proxy`]) and `User-Agent` of
    /// `request`.
    pub fn of(request: &actix_web::HttpRequest) -> ClientInfo {
        ClientInfo {
            ip_address: crate::proxy::TrustedProxies::address_of(request)
                .map(|address| address.to_string()),
            user_agent: request
                .headers()
                .get(actix_web::http::header::USER_AGENT)
                .and_then(|value| value.to_str().ok())
                .map(|agent| truncate(agent, 512)),
        }
    }
}

impl actix_web::FromRequest for ClientInfo {
    type Error = actix_web::Error;
    type Future = std::future::Ready<Result<ClientInfo, actix_web::Error>>;

    fn from_request(
        request: &actix_web::HttpRequest,
        _: &mut actix_web::dev::Payload,
    ) -> Self::Future {
        std::future::ready(Ok(ClientInfo::of(request)))
    }
}

fn truncate(value: &str, max_chars: usize) -> String {
    value.chars().take(max_chars).collect()
}
