//! Which addresses `check --external` may contact: servers on the public internet, and
//! nothing else. A link in the content, or a redirect from a server anywhere, must not make the
//! checker (on an editor's laptop, or in CI beside a cloud's metadata service) knock on inside
//! doors, however the address is spelled.
//!
//! The decision is made on the address itself, as it is connected to: an IPv6 address that
//! carries an IPv4 one (mapped `::ffff:a.b.c.d`, NAT64 `64:ff9b::a.b.c.d`, 6to4, Teredo) is
//! judged by the IPv4 address it leads to; ranges that are no server on the internet
//! (documentation, benchmarking, reserved, unallocated IPv6) are closed too.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Why an address is never contacted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Closed {
    /// Loopback (`127.0.0.0/8`, `::1`), "this network" (`0.0.0.0/8`, `::`), and `localhost`.
    ThisMachine,
    /// `10/8`, `172.16/12`, `192.168/16`, the carriers' shared `100.64/10`, unique-local
    /// `fc00::/7`, site-local `fec0::/10`, and local-use NAT64 `64:ff9b:1::/48`.
    PrivateNetwork,
    /// `169.254/16` (where clouds serve their metadata) and `fe80::/10`.
    LinkLocal,
    /// `224/4`, `255.255.255.255` and `ff00::/8`.
    Multicast,
    /// Documentation, benchmarking, protocol and future ranges, and IPv6 outside `2000::/3`.
    Reserved,
}

impl Closed {
    /// "an address of this machine", as an address is described in a message.
    pub fn as_address(self) -> &'static str {
        match self {
            Closed::ThisMachine => "an address of this machine",
            Closed::PrivateNetwork => "an address on a private network",
            Closed::LinkLocal => "a link-local address (a cloud's metadata service is one)",
            Closed::Multicast => "a multicast or broadcast address",
            Closed::Reserved => "a reserved address, not a server's on the internet",
        }
    }
}

impl fmt::Display for Closed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_address())
    }
}

/// Why `ip` is never contacted, or `None` for a public address.
pub fn closed(ip: IpAddr) -> Option<Closed> {
    match ip {
        IpAddr::V4(ip) => closed_v4(ip),
        IpAddr::V6(ip) => closed_v6(ip),
    }
}

/// Whether a host name is `localhost` or under it (`x.localhost`), with or without the final
/// dot: names that are this machine by definition (RFC 6761), whatever a resolver says.
pub fn is_local_name(host: &str) -> bool {
    let name = host.strip_suffix('.').unwrap_or(host).to_ascii_lowercase();
    name == "localhost" || name.ends_with(".localhost")
}

/// The same address as IPv4 when it is an IPv4-mapped IPv6 one: what a socket connects to.
pub fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

fn closed_v4(ip: Ipv4Addr) -> Option<Closed> {
    use Closed::*;
    match ip.octets() {
        [0, ..] | [127, ..] => Some(ThisMachine),
        [10, ..] | [172, 16..=31, ..] | [192, 168, ..] | [100, 64..=127, ..] => {
            Some(PrivateNetwork)
        }
        [169, 254, ..] => Some(LinkLocal),
        [224..=239, ..] | [255, 255, 255, 255] => Some(Multicast),
        // Protocol assignments, the old 6to4 relay, documentation (TEST-NET-1 to 3),
        // benchmarking, and the reserved 240/4.
        [192, 0, 0, _]
        | [192, 88, 99, _]
        | [192, 0, 2, _]
        | [198, 51, 100, _]
        | [203, 0, 113, _]
        | [198, 18..=19, ..]
        | [240..=255, ..] => Some(Reserved),
        _ => None,
    }
}

fn closed_v6(ip: Ipv6Addr) -> Option<Closed> {
    use Closed::*;
    let s = ip.segments();
    let embedded = |high: u16, low: u16| Ipv4Addr::from((u32::from(high) << 16) | u32::from(low));
    // Embedding forms that no public server uses are closed whatever they carry; the message
    // names the carried address's kind when it has one.
    let deprecated = |v4: Ipv4Addr| Some(closed_v4(v4).unwrap_or(Reserved));
    match s {
        // IPv4-mapped: the socket connects over IPv4.
        [0, 0, 0, 0, 0, 0xffff, high, low] => closed_v4(embedded(high, low)),
        // `::`, `::1`, and IPv4-compatible `::a.b.c.d` (deprecated since 2006).
        [0, 0, 0, 0, 0, 0, 0, 0] | [0, 0, 0, 0, 0, 0, 0, 1] => Some(ThisMachine),
        [0, 0, 0, 0, 0, 0, high, low] => deprecated(embedded(high, low)),
        // IPv4-translated `::ffff:0:a.b.c.d` (SIIT), never a destination of its own.
        [0, 0, 0, 0, 0xffff, 0, high, low] => deprecated(embedded(high, low)),
        // NAT64's well-known prefix: a translator sends it on to the IPv4 address it carries
        // (DNS64 gives public IPv4-only servers such addresses on IPv6-only networks).
        [0x64, 0xff9b, 0, 0, 0, 0, high, low] => closed_v4(embedded(high, low)),
        [0x64, 0xff9b, 1, ..] => Some(PrivateNetwork),
        [first, ..] if first & 0xfe00 == 0xfc00 => Some(PrivateNetwork),
        [first, ..] if first & 0xffc0 == 0xfec0 => Some(PrivateNetwork),
        [first, ..] if first & 0xffc0 == 0xfe80 => Some(LinkLocal),
        [first, ..] if first & 0xff00 == 0xff00 => Some(Multicast),
        // Only 2000::/3 is allocated for servers on the internet.
        [first, ..] if first & 0xe000 != 0x2000 => Some(Reserved),
        // Teredo: the server's IPv4 address, then the client's, inverted.
        [0x2001, 0, server_high, server_low, _, _, high, low] => {
            closed_v4(embedded(server_high, server_low)).or(closed_v4(embedded(!high, !low)))
        }
        // The rest of the protocol assignments (2001::/23), documentation (2001:db8::/32,
        // 3fff::/20).
        [0x2001, second, ..] if second < 0x200 => Some(Reserved),
        [0x2001, 0xdb8, ..] => Some(Reserved),
        [0x3fff, second, ..] if second < 0x1000 => Some(Reserved),
        // 6to4: the IPv4 address of the site's own router.
        [0x2002, high, low, ..] => closed_v4(embedded(high, low)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Closed::*;

    fn kind(address: &str) -> Option<Closed> {
        closed(address.parse().unwrap_or_else(|_| panic!("{address}")))
    }

    #[test]
    fn this_machine_in_every_spelling() {
        for address in [
            "127.0.0.1",
            "127.255.255.254",
            "0.0.0.0",
            "0.1.2.3",
            "::1",
            "::",
            "::ffff:127.0.0.1",
            "::ffff:7f00:1",
            "::ffff:0.0.0.0",
            "::127.0.0.1",
            "::ffff:0:127.0.0.1",
            "64:ff9b::127.0.0.1",
            "64:ff9b::7f00:1",
            "2002:7f00:1::1",
        ] {
            assert_eq!(kind(address), Some(ThisMachine), "{address}");
        }
    }

    #[test]
    fn private_networks_in_every_spelling() {
        for address in [
            "10.0.0.1",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "100.64.0.1",
            "100.127.255.254",
            "::ffff:10.0.0.1",
            "::ffff:a00:1",
            "::ffff:100.64.0.1",
            "64:ff9b::10.0.0.1",
            "64:ff9b::192.168.0.1",
            "64:ff9b:1::1",
            "64:ff9b:1:ffff::8.8.8.8",
            "::10.0.0.1",
            "2002:c0a8:101::1",
            "fc00::1",
            "fd12:3456:789a::1",
            "fec0::1",
            "feff::1",
        ] {
            assert_eq!(kind(address), Some(PrivateNetwork), "{address}");
        }
    }

    #[test]
    fn link_local_and_metadata_addresses_in_every_spelling() {
        for address in [
            "169.254.169.254",
            "::ffff:169.254.169.254",
            "::ffff:a9fe:a9fe",
            "64:ff9b::a9fe:a9fe",
            "2002:a9fe:a9fe::",
            "fe80::1",
            "febf::1",
        ] {
            assert_eq!(kind(address), Some(LinkLocal), "{address}");
        }
    }

    #[test]
    fn multicast_broadcast_and_reserved_ranges_are_closed() {
        for (address, expected) in [
            ("224.0.0.1", Multicast),
            ("239.255.255.250", Multicast),
            ("255.255.255.255", Multicast),
            ("::ffff:255.255.255.255", Multicast),
            ("ff02::1", Multicast),
            ("ff05::1:3", Multicast),
            ("240.0.0.1", Reserved),
            ("254.1.2.3", Reserved),
            ("192.0.0.8", Reserved),
            ("192.0.2.1", Reserved),
            ("198.51.100.7", Reserved),
            ("203.0.113.9", Reserved),
            ("198.18.0.1", Reserved),
            ("198.19.255.255", Reserved),
            ("192.88.99.1", Reserved),
            ("::8.8.8.8", Reserved),
            ("::ffff:0:8.8.8.8", Reserved),
            ("100::1", Reserved),
            ("2001:db8::1", Reserved),
            ("2001:2::1", Reserved),
            ("2001:10::1", Reserved),
            ("3fff::1", Reserved),
            ("4000::1", Reserved),
            ("1::1", Reserved),
            ("64:ff9a::8.8.8.8", Reserved),
        ] {
            assert_eq!(kind(address), Some(expected), "{address}");
        }
    }

    #[test]
    fn teredo_is_judged_by_the_addresses_it_carries() {
        // Server 65.54.227.120, client 192.0.2.45 (documentation): closed.
        assert_eq!(kind("2001:0:4136:e378:8000:63bf:3fff:fdd2"), Some(Reserved));
        // Client 10.0.0.1, inverted: f5ff:fffe.
        assert_eq!(kind("2001:0:4136:e378::f5ff:fffe"), Some(PrivateNetwork));
        // Server 127.0.0.1.
        assert_eq!(kind("2001:0:7f00:1::f7f7:f7f7"), Some(ThisMachine));
        // Server 65.54.227.120, client 8.8.8.8 (inverted f7f7:f7f7): public.
        assert_eq!(kind("2001:0:4136:e378::f7f7:f7f7"), None);
    }

    #[test]
    fn public_addresses_are_open_in_every_spelling() {
        for address in [
            "8.8.8.8",
            "93.184.216.34",
            "1.1.1.1",
            "100.63.255.255",
            "100.128.0.1",
            "172.15.255.255",
            "172.32.0.1",
            "169.253.0.1",
            "192.0.1.1",
            "198.17.0.1",
            "198.20.0.1",
            "223.255.255.255",
            "::ffff:8.8.8.8",
            "64:ff9b::8.8.8.8",
            "64:ff9b::5db8:d822",
            "2002:808:808::1",
            "2606:4700:4700::1111",
            "2a00:1450:4001:82b::200e",
            "2001:4860:4860::8888",
            "3fff:1000::1",
        ] {
            assert_eq!(kind(address), None, "{address}");
        }
    }

    #[test]
    fn names_of_this_machine() {
        for name in [
            "localhost",
            "LOCALHOST",
            "localhost.",
            "x.localhost",
            "a.b.LocalHost.",
        ] {
            assert!(is_local_name(name), "{name}");
        }
        for name in [
            "localhost.example.org",
            "mylocalhost",
            "example.org",
            "localhost..",
        ] {
            assert!(!is_local_name(name), "{name}");
        }
    }

    #[test]
    fn mapped_addresses_are_the_ipv4_ones_they_carry() {
        let mapped: IpAddr = "::ffff:127.0.0.1".parse().unwrap();
        assert_eq!(canonical(mapped), "127.0.0.1".parse::<IpAddr>().unwrap());
        let nat64: IpAddr = "64:ff9b::8.8.8.8".parse().unwrap();
        assert_eq!(canonical(nat64), nat64);
    }
}
