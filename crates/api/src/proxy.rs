//! The client's address behind a reverse proxy. Only when the TCP peer is one of the
//! configured trusted proxies (`KRING_TRUSTED_PROXIES`) is `X-Forwarded-For` read, from the
//! right: the right-most entry that is not itself a trusted proxy is the client. `Forwarded`
//! and anything a client sends directly are never trusted (actix's `realip_remote_addr`
//! trusts the first entry from anyone, so it is not used).

use std::net::IpAddr;

use actix_web::{HttpRequest, http::header::HeaderName, web};
use anyhow::Context;
use ipnet::IpNet;

/// The proxies whose `X-Forwarded-For` is believed.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    /// Parses addresses (`10.0.0.5`) and networks (`10.0.0.0/8`).
    pub fn parse(items: &[String]) -> anyhow::Result<TrustedProxies> {
        items
            .iter()
            .map(|item| {
                item.parse::<IpNet>()
                    .or_else(|_| item.parse::<IpAddr>().map(IpNet::from))
                    .with_context(|| {
                        format!("KRING_TRUSTED_PROXIES: `{item}` is no address or network")
                    })
            })
            .collect::<anyhow::Result<Vec<_>>>()
            .map(TrustedProxies)
    }

    fn trusts(&self, address: IpAddr) -> bool {
        // A dual-stack listener sees an IPv4 proxy as `::ffff:a.b.c.d`.
        let address = address.to_canonical();
        self.0.iter().any(|net| net.contains(&address))
    }

    /// The client address of a request that came from `peer` with these `X-Forwarded-For`
    /// values (in header order).
    pub fn client_address<'a>(
        &self,
        peer: IpAddr,
        forwarded_for: impl DoubleEndedIterator<Item = &'a str>,
    ) -> IpAddr {
        if !self.trusts(peer) {
            return peer;
        }
        let mut client = peer;
        for entry in forwarded_for.rev() {
            let Ok(address) = entry.trim().parse::<IpAddr>() else {
                // Garbage from beyond the last trusted hop: that hop is all we know.
                return client;
            };
            client = address;
            if !self.trusts(address) {
                return address;
            }
        }
        client
    }

    /// The client address of `request`, or `None` without a peer (in unit tests).
    pub fn address_of(request: &HttpRequest) -> Option<IpAddr> {
        let peer = request.peer_addr()?.ip();
        let Some(trusted) = request.app_data::<web::Data<TrustedProxies>>() else {
            return Some(peer);
        };
        let entries: Vec<&str> = request
            .headers()
            .get_all(HeaderName::from_static("x-forwarded-for"))
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .collect();
        Some(trusted.client_address(peer, entries.into_iter()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn proxies(items: &[&str]) -> TrustedProxies {
        TrustedProxies::parse(
            &items
                .iter()
                .map(|item| (*item).to_owned())
                .collect::<Vec<_>>(),
        )
        .unwrap()
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn without_trusted_proxies_the_peer_is_the_client() {
        let none = TrustedProxies::default();
        assert_eq!(
            none.client_address(ip("127.0.0.1"), ["203.0.113.9"].into_iter()),
            ip("127.0.0.1")
        );
    }

    #[test]
    fn the_right_most_untrusted_entry_is_the_client() {
        let trusted = proxies(&["10.0.0.0/8", "127.0.0.1"]);
        // A client-sent first entry (a lie) is skipped: it is left of the real client.
        let chain = ["6.6.6.6", "203.0.113.9", "10.1.2.3"];
        assert_eq!(
            trusted.client_address(ip("127.0.0.1"), chain.into_iter()),
            ip("203.0.113.9")
        );
    }

    #[test]
    fn an_untrusted_peer_cannot_choose_its_address() {
        let trusted = proxies(&["10.0.0.0/8"]);
        assert_eq!(
            trusted.client_address(ip("198.51.100.7"), ["1.2.3.4"].into_iter()),
            ip("198.51.100.7")
        );
    }

    #[test]
    fn garbage_stops_at_the_last_trusted_hop() {
        let trusted = proxies(&["127.0.0.1"]);
        assert_eq!(
            trusted.client_address(ip("127.0.0.1"), ["nonsense"].into_iter()),
            ip("127.0.0.1")
        );
        assert!(TrustedProxies::parse(&["not an address".to_owned()]).is_err());
    }
}
