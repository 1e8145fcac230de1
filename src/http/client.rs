//! Who is on the other end: the client address behind trusted reverse proxies.
//!
//! Behind a proxy every connection comes from the proxy, so limits and logs need the address
//! the proxy reports. Those headers are only believed when the connection comes from a proxy
//! the operator named (`--trusted-proxy CIDR`); anyone else could write them. The chain is read
//! from the right (the hop nearest to us) leftwards, skipping addresses that are themselves
//! trusted proxies; the first other address is the client. `Forwarded` (RFC 7239) is read
//! when present, `X-Forwarded-For` otherwise. A hop that cannot be read (`unknown`, an
//! obfuscated name, garbage) ends the walk at the last address that could be.

use std::net::IpAddr;

use axum::http::HeaderMap;
use ipnet::IpNet;

fn trusted(ip: IpAddr, proxies: &[IpNet]) -> bool {
    let ip = ip.to_canonical();
    proxies.iter().any(|net| net.contains(&ip))
}

/// The unit a client's rate is counted per: an IPv4 address, or an IPv6 address's /64 network.
///
/// One IPv6 host is normally given a whole /64 and may use any address in it, so counting per
/// address would let it pick a fresh budget (and a fresh entry in the limiter) per request.
pub fn rate_key(ip: IpAddr) -> IpAddr {
    match ip.to_canonical() {
        IpAddr::V6(v6) => {
            let bits = u128::from(v6) & !(u128::MAX >> 64);
            IpAddr::V6(std::net::Ipv6Addr::from(bits))
        }
        v4 => v4,
    }
}

/// The client's address: the peer itself unless it is a trusted proxy.
pub fn client_addr(peer: IpAddr, headers: &HeaderMap, proxies: &[IpNet]) -> IpAddr {
    if proxies.is_empty() || !trusted(peer, proxies) {
        return peer;
    }
    let forwarded: Vec<Option<IpAddr>> = if headers.contains_key("forwarded") {
        headers
            .get_all("forwarded")
            .iter()
            .flat_map(|v| v.to_str().unwrap_or("\u{0}").split(','))
            .map(forwarded_for)
            .collect()
    } else {
        headers
            .get_all("x-forwarded-for")
            .iter()
            .flat_map(|v| v.to_str().unwrap_or("\u{0}").split(','))
            .map(|s| parse_node(s.trim()))
            .collect()
    };
    let mut client = peer;
    for hop in forwarded.iter().rev() {
        match hop {
            Some(ip) => {
                client = *ip;
                if !trusted(*ip, proxies) {
                    break;
                }
            }
            None => break,
        }
    }
    client
}

/// The `for=` of one `Forwarded` element (`for=192.0.2.60;proto=http;by=203.0.113.43`).
fn forwarded_for(element: &str) -> Option<IpAddr> {
    element.split(';').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("for")
            .then(|| parse_node(v.trim().trim_matches('"')))
            .flatten()
    })
}

/// An address as proxies write it: `192.0.2.1`, `192.0.2.1:4711`, `[2001:db8::1]:4711`,
/// `2001:db8::1`.
fn parse_node(s: &str) -> Option<IpAddr> {
    if let Ok(ip) = s.parse::<IpAddr>() {
        return Some(ip.to_canonical());
    }
    if let Some(rest) = s.strip_prefix('[') {
        let (ip, _) = rest.split_once(']')?;
        return ip.parse::<IpAddr>().ok().map(|ip| ip.to_canonical());
    }
    let (ip, port) = s.rsplit_once(':')?;
    port.parse::<u16>().ok()?;
    ip.parse::<std::net::Ipv4Addr>().ok().map(IpAddr::V4)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, v.parse().unwrap());
        }
        h
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn nets(list: &[&str]) -> Vec<IpNet> {
        list.iter().map(|n| n.parse().unwrap()).collect()
    }

    #[test]
    fn ipv6_clients_are_counted_per_64_and_ipv4_per_address() {
        let a = rate_key(ip("2001:db8:1:2:aaaa:bbbb:cccc:dddd"));
        let b = rate_key(ip("2001:db8:1:2::1"));
        let other = rate_key(ip("2001:db8:1:3::1"));
        assert_eq!(a, b);
        assert_eq!(a, ip("2001:db8:1:2::"));
        assert_ne!(a, other);
        assert_eq!(rate_key(ip("192.0.2.7")), ip("192.0.2.7"));
        assert_ne!(rate_key(ip("192.0.2.7")), rate_key(ip("192.0.2.8")));
        // An IPv4-mapped address is its IPv4 address, not a /64 shared by all of IPv4.
        assert_eq!(rate_key(ip("::ffff:192.0.2.7")), ip("192.0.2.7"));
    }

    #[test]
    fn headers_from_an_untrusted_peer_are_ignored() {
        let h = headers(&[("x-forwarded-for", "1.2.3.4")]);
        assert_eq!(
            client_addr(ip("10.9.9.9"), &h, &nets(&["10.0.0.1/32"])),
            ip("10.9.9.9")
        );
        assert_eq!(client_addr(ip("10.9.9.9"), &h, &[]), ip("10.9.9.9"));
    }

    #[test]
    fn the_right_most_untrusted_address_is_the_client() {
        let proxies = nets(&["10.0.0.0/24"]);
        // The client wrote a spoofed address itself; the proxy appended the real one.
        let h = headers(&[("x-forwarded-for", "6.6.6.6, 203.0.113.7, 10.0.0.5")]);
        assert_eq!(client_addr(ip("10.0.0.1"), &h, &proxies), ip("203.0.113.7"));
        // Several header lines form one list.
        let h = headers(&[
            ("x-forwarded-for", "6.6.6.6"),
            ("x-forwarded-for", "203.0.113.8"),
        ]);
        assert_eq!(client_addr(ip("10.0.0.1"), &h, &proxies), ip("203.0.113.8"));
        // Only proxies in the chain: the left-most is as far as we can see.
        let h = headers(&[("x-forwarded-for", "10.0.0.7, 10.0.0.5")]);
        assert_eq!(client_addr(ip("10.0.0.1"), &h, &proxies), ip("10.0.0.7"));
        // No header: the proxy itself.
        assert_eq!(
            client_addr(ip("10.0.0.1"), &HeaderMap::new(), &proxies),
            ip("10.0.0.1")
        );
    }

    #[test]
    fn rfc_7239_forwarded_wins_and_reads_ports_quotes_and_ipv6() {
        let proxies = nets(&["10.0.0.0/8", "::1/128"]);
        let h = headers(&[
            (
                "forwarded",
                "for=192.0.2.60;proto=http;by=203.0.113.43, for=\"[2001:db8:cafe::17]:4711\"",
            ),
            ("x-forwarded-for", "6.6.6.6"),
        ]);
        assert_eq!(
            client_addr(ip("10.0.0.1"), &h, &proxies),
            ip("2001:db8:cafe::17")
        );
        let h = headers(&[("forwarded", "for=198.51.100.17:8080, for=10.1.2.3")]);
        assert_eq!(client_addr(ip("::1"), &h, &proxies), ip("198.51.100.17"));
        // An IPv4 peer seen as an IPv6-mapped address is still the trusted proxy.
        let h = headers(&[("x-forwarded-for", "198.51.100.9")]);
        assert_eq!(
            client_addr(ip("::ffff:10.0.0.1"), &h, &proxies),
            ip("198.51.100.9")
        );
    }

    #[test]
    fn an_unreadable_hop_ends_the_walk() {
        let proxies = nets(&["10.0.0.0/8"]);
        let h = headers(&[("forwarded", "for=6.6.6.6, for=unknown, for=10.0.0.9")]);
        assert_eq!(client_addr(ip("10.0.0.1"), &h, &proxies), ip("10.0.0.9"));
        let h = headers(&[("x-forwarded-for", "6.6.6.6, garbage")]);
        assert_eq!(client_addr(ip("10.0.0.1"), &h, &proxies), ip("10.0.0.1"));
    }
}
