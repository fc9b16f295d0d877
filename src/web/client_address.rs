//! Which address a request comes from, for throttling and the audit log.
//!
//! The socket's peer is the only address nobody can make up. Behind a load balancer or reverse
//! proxy that peer is the proxy, so the client's address is read from the proxy's
//! `X-Forwarded-For` (or `X-Real-IP`) header, but only when the peer is one of
//! `app.trusted_proxies`; from anyone else those headers are ignored, because a client can send
//! any value it likes. Rocket's own `ip_header` is turned off (see `config::figment`) so that
//! nothing else trusts the header.
//!
//! `X-Forwarded-For` lists one address per hop, each proxy appending the address it received
//! from. Hops to the left of the first proxy we do not trust were written by the client, so the
//! client is the rightmost address that is not a trusted proxy.

use std::net::IpAddr;

use ipnet::IpNet;

/// The client's address given the socket `peer`, the forwarding headers and the trusted
/// proxies; `None` only when there is no peer (requests made in-process).
pub fn client_address(
    peer: Option<IpAddr>,
    forwarded_for: Option<&str>,
    real_ip: Option<&str>,
    trusted: &[IpNet],
) -> Option<IpAddr> {
    let peer = peer.map(|ip| ip.to_canonical())?;
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return Some(peer);
    }
    if let Some(list) = forwarded_for {
        let mut client = peer;
        for hop in list.rsplit(',') {
            // An unreadable hop ends the chain we can vouch for: keep the last good one.
            let Ok(ip) = hop.trim().parse::<IpAddr>().map(|ip| ip.to_canonical()) else {
                break;
            };
            client = ip;
            if !is_trusted(&ip) {
                break;
            }
        }
        return Some(client);
    }
    real_ip
        .and_then(|value| value.trim().parse::<IpAddr>().ok())
        .map(|ip| ip.to_canonical())
        .or(Some(peer))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> Option<IpAddr> {
        text.parse().ok()
    }

    fn nets(list: &[&str]) -> Vec<IpNet> {
        list.iter().filter_map(|n| n.parse().ok()).collect()
    }

    #[test]
    fn headers_from_an_untrusted_peer_are_ignored() {
        let got = client_address(
            ip("203.0.113.9"),
            Some("198.51.100.1"),
            Some("198.51.100.2"),
            &nets(&["10.0.0.0/8"]),
        );
        assert_eq!(got, ip("203.0.113.9"));
        assert_eq!(
            client_address(ip("203.0.113.9"), Some("1.2.3.4"), None, &[]),
            ip("203.0.113.9")
        );
    }

    #[test]
    fn from_a_trusted_proxy_the_rightmost_untrusted_hop_is_the_client() {
        let trusted = nets(&["10.0.0.0/8"]);
        // The client claimed 1.1.1.1; the proxy appended the real 198.51.100.7.
        let got = client_address(
            ip("10.0.0.5"),
            Some("1.1.1.1, 198.51.100.7, 10.0.0.9"),
            None,
            &trusted,
        );
        assert_eq!(got, ip("198.51.100.7"));
    }

    #[test]
    fn a_bad_hop_stops_the_chain_and_x_real_ip_is_the_fallback() {
        let trusted = nets(&["10.0.0.0/8"]);
        assert_eq!(
            client_address(ip("10.0.0.5"), Some("junk, 10.0.0.9"), None, &trusted),
            ip("10.0.0.9")
        );
        assert_eq!(
            client_address(ip("10.0.0.5"), None, Some("198.51.100.3"), &trusted),
            ip("198.51.100.3")
        );
        assert_eq!(
            client_address(ip("10.0.0.5"), None, Some("nonsense"), &trusted),
            ip("10.0.0.5")
        );
    }

    #[test]
    fn ipv4_mapped_ipv6_peers_match_ipv4_ranges() {
        let got = client_address(
            ip("::ffff:10.0.0.5"),
            Some("198.51.100.7"),
            None,
            &nets(&["10.0.0.0/8"]),
        );
        assert_eq!(got, ip("198.51.100.7"));
    }
}
