//! The client's address behind reverse proxies. `X-Forwarded-For` and `Forwarded` are written
//! by whoever sends the request, so they are believed only when the TCP peer is one of
//! `TRUSTED_PROXIES`, and only as far back as the chain of trusted hops goes: the address
//! used is the nearest hop that is not itself a trusted proxy.

use std::net::IpAddr;

use actix_web::HttpRequest;
use actix_web::http::header;

/// A network in CIDR notation (`10.0.0.0/8`, `::1/128`; a bare address is a /32 or /128).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Network {
    base: IpAddr,
    prefix: u8,
}

impl Network {
    /// Parses `addr[/prefix]`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let (addr, prefix) = match text.split_once('/') {
            Some((addr, prefix)) => (addr, Some(prefix)),
            None => (text, None),
        };
        let base: IpAddr = addr
            .parse()
            .map_err(|_| format!("`{text}` is not an IP address or CIDR network"))?;
        let max = if base.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => max,
            Some(p) => p
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= max)
                .ok_or_else(|| format!("`{text}`: the prefix length must be 0..={max}"))?,
        };
        Ok(Self { base, prefix })
    }

    /// Whether `ip` lies in this network (IPv4-mapped IPv6 addresses count as IPv4).
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        match (self.base, ip) {
            (IpAddr::V4(base), IpAddr::V4(ip)) => same_prefix(
                u128::from(base.to_bits()),
                u128::from(ip.to_bits()),
                self.prefix,
                32,
            ),
            (IpAddr::V6(base), IpAddr::V6(ip)) => {
                same_prefix(base.to_bits(), ip.to_bits(), self.prefix, 128)
            }
            _ => false,
        }
    }
}

fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

fn same_prefix(a: u128, b: u128, prefix: u8, width: u8) -> bool {
    let shift = u32::from(width - prefix);
    shift >= 128 || (a >> shift) == (b >> shift)
}

/// `TRUSTED_PROXIES`: the peers whose forwarding headers are believed. Empty trusts none.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<Network>);

impl TrustedProxies {
    /// Parses a comma-separated list of networks.
    pub fn parse(list: &str) -> Result<Self, String> {
        list.split(',')
            .filter(|s| !s.trim().is_empty())
            .map(Network::parse)
            .collect::<Result<Vec<_>, _>>()
            .map(Self)
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|n| n.contains(ip))
    }

    /// The client address of a request from `peer` carrying these headers.
    pub fn resolve(
        &self,
        peer: IpAddr,
        forwarded: Option<&str>,
        x_forwarded_for: Option<&str>,
    ) -> IpAddr {
        let peer = canonical(peer);
        if !self.trusts(peer) {
            return peer;
        }
        let hops: Vec<&str> = match (forwarded, x_forwarded_for) {
            (Some(forwarded), _) => forwarded_for(forwarded),
            (None, Some(xff)) => xff.split(',').map(str::trim).collect(),
            (None, None) => Vec::new(),
        };
        let mut client = peer;
        for hop in hops.iter().rev() {
            if !self.trusts(client) {
                break;
            }
            match parse_hop(hop) {
                Some(ip) => client = canonical(ip),
                None => break,
            }
        }
        client
    }
}

/// The `for=` values of a `Forwarded` header, in order.
fn forwarded_for(header: &str) -> Vec<&str> {
    header
        .split(',')
        .filter_map(|element| {
            element.split(';').find_map(|pair| {
                let (name, value) = pair.split_once('=')?;
                name.trim()
                    .eq_ignore_ascii_case("for")
                    .then(|| value.trim().trim_matches('"'))
            })
        })
        .collect()
}

/// An address from a hop: `1.2.3.4`, `1.2.3.4:5678`, `[::1]`, `[::1]:5678` or `::1`.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    if let Ok(ip) = hop.parse() {
        return Some(ip);
    }
    if let Some(rest) = hop.strip_prefix('[') {
        return rest.split_once(']')?.0.parse().ok();
    }
    hop.rsplit_once(':')?.0.parse().ok()
}

/// The client address of `req` under `trusted` (the TCP peer when nothing is trusted).
pub fn client_ip(req: &HttpRequest, trusted: Option<&TrustedProxies>) -> Option<IpAddr> {
    let peer = req.peer_addr()?.ip();
    let Some(trusted) = trusted else {
        return Some(canonical(peer));
    };
    let text = |name| req.headers().get(name).and_then(|v| v.to_str().ok());
    Some(trusted.resolve(
        peer,
        text(header::FORWARDED),
        text(header::HeaderName::from_static("x-forwarded-for")),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn networks_match_by_prefix() {
        let net = Network::parse("10.1.0.0/16").unwrap();
        assert!(net.contains(ip("10.1.200.3")));
        assert!(!net.contains(ip("10.2.0.1")));
        assert!(net.contains(ip("::ffff:10.1.0.9")), "IPv4-mapped");
        assert!(Network::parse("0.0.0.0/0").unwrap().contains(ip("8.8.8.8")));
        assert!(Network::parse("::1").unwrap().contains(ip("::1")));
        assert!(Network::parse("10.0.0.0/33").is_err());
        assert!(Network::parse("nonsense").is_err());
    }

    #[test]
    fn headers_count_only_from_trusted_peers() {
        let none = TrustedProxies::default();
        assert_eq!(
            none.resolve(ip("127.0.0.1"), None, Some("203.0.113.7")),
            ip("127.0.0.1")
        );
        let local = TrustedProxies::parse("127.0.0.1/32, 10.0.0.0/8").unwrap();
        assert_eq!(
            local.resolve(ip("127.0.0.1"), None, Some("203.0.113.7")),
            ip("203.0.113.7")
        );
        assert_eq!(
            local.resolve(ip("198.51.100.1"), None, Some("203.0.113.7")),
            ip("198.51.100.1"),
            "an untrusted peer's header is ignored"
        );
    }

    #[test]
    fn the_nearest_untrusted_hop_is_the_client() {
        let local = TrustedProxies::parse("127.0.0.1,10.0.0.0/8").unwrap();
        assert_eq!(
            local.resolve(ip("127.0.0.1"), None, Some("1.1.1.1, 2.2.2.2, 10.0.0.5")),
            ip("2.2.2.2"),
            "a spoofed leftmost entry is not believed"
        );
        assert_eq!(
            local.resolve(ip("127.0.0.1"), None, Some("garbage, 10.0.0.5")),
            ip("10.0.0.5")
        );
        assert_eq!(
            local.resolve(
                ip("127.0.0.1"),
                Some(r#"for=192.0.2.60;proto=http, for="[2001:db8::1]:4711""#),
                Some("9.9.9.9")
            ),
            ip("2001:db8::1"),
            "Forwarded wins over X-Forwarded-For"
        );
    }
}
