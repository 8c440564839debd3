//! The checker's resolver: it looks each host up once, and refuses to hand ureq any address
//! that is not public ([`super::address`]). ureq connects to exactly the addresses its resolver
//! returns, so the decision is made on the address connected to, with no second lookup in
//! between for a name to change its answer in (DNS rebinding).
//!
//! Through a proxy, the proxy looks names up, not the checker: then only the URL's spelling
//! can be judged (an address written as numbers, `localhost`), which [`Gate::by_spelling`]
//! does before every request, and the proxy's own rules decide the rest. The proxy itself,
//! chosen by whoever set `HTTPS_PROXY`, is contacted wherever it is.

use super::address::{self, Closed};
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use ureq::config::Config;
use ureq::http::Uri;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::NextTimeout;
use url::Url;

/// Which addresses may be contacted: the public ones, and for the test suite's own servers
/// the loopback addresses on the ports it names.
#[derive(Debug, Clone, Default)]
pub struct Gate {
    open_loopback_ports: Vec<u16>,
}

/// A host that is not contacted: its name or address as the URL gives it, the address it
/// resolved to when that is not the same, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub host: String,
    pub address: Option<IpAddr>,
    pub why: Closed,
}

impl Gate {
    /// The gate for the checker; `open_loopback_ports` is empty except in the test suite.
    pub fn new(open_loopback_ports: Vec<u16>) -> Gate {
        Gate {
            open_loopback_ports,
        }
    }

    /// Why a URL's host is not contacted, judged by how it is written: an address closed to
    /// the checker, or a name of this machine.
    pub fn by_spelling(&self, url: &Url) -> Option<Refusal> {
        let port = url.port_or_known_default().unwrap_or(0);
        let (host, why) = match url.host()? {
            url::Host::Domain(name) => {
                let open = self.open_loopback_ports.contains(&port);
                let local = address::is_local_name(name) && !open;
                (name.to_string(), local.then_some(Closed::ThisMachine)?)
            }
            url::Host::Ipv4(ip) => (
                ip.to_string(),
                self.why_closed(SocketAddr::new(ip.into(), port))?,
            ),
            url::Host::Ipv6(ip) => (
                ip.to_string(),
                self.why_closed(SocketAddr::new(ip.into(), port))?,
            ),
        };
        Some(Refusal {
            host,
            address: None,
            why,
        })
    }

    /// Why an address is not contacted, if it is not.
    fn why_closed(&self, to: SocketAddr) -> Option<Closed> {
        let why = address::closed(to.ip())?;
        let open = address::canonical(to.ip()).is_loopback()
            && self.open_loopback_ports.contains(&to.port());
        (!open).then_some(why)
    }

    /// The first of a host's addresses that is not contacted, as a refusal; `host` as a URI
    /// gives it: a name, an IPv4 address, or an IPv6 one in brackets.
    fn by_address(&self, host: &str, addresses: &[SocketAddr]) -> Option<Refusal> {
        let host = host.trim_start_matches('[').trim_end_matches(']');
        addresses.iter().find_map(|to| {
            let why = self.why_closed(*to)?;
            Some(Refusal {
                host: host.into(),
                address: Some(to.ip()).filter(|ip| host.parse() != Ok(*ip)),
                why,
            })
        })
    }
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.address {
            Some(ip) => write!(f, "`{}` is at `{ip}`, {}", self.host, self.why),
            None if address::is_local_name(&self.host) => {
                write!(f, "`{}` is a name of this machine", self.host)
            }
            None => write!(f, "`{}` is {}", self.host, self.why),
        }
    }
}

impl std::error::Error for Refusal {}

impl Refusal {
    /// The refusal an error from ureq carries, if it is one.
    pub fn in_error(error: &ureq::Error) -> Option<&Refusal> {
        match error {
            ureq::Error::Io(e) => e.get_ref()?.downcast_ref::<Refusal>(),
            _ => None,
        }
    }
}

impl From<Refusal> for ureq::Error {
    fn from(refusal: Refusal) -> ureq::Error {
        let kind = std::io::ErrorKind::PermissionDenied;
        ureq::Error::Io(std::io::Error::new(kind, refusal))
    }
}

/// A host's lookup, kept for the rest of the check: its addresses, or `None` for a name that
/// does not exist.
type Found = Option<ResolvedSocketAddrs>;

/// ureq's resolver for the checker (see the module's documentation). Clones share what was
/// looked up.
#[derive(Debug, Clone)]
pub struct PublicResolver {
    gate: Gate,
    found: Arc<Mutex<HashMap<String, Found>>>,
}

impl PublicResolver {
    pub fn new(gate: Gate) -> PublicResolver {
        PublicResolver {
            gate,
            found: Arc::default(),
        }
    }

    /// A host's addresses (an IPv4-mapped one as its IPv4 address), when the checker looks
    /// the host up itself (not through a proxy) and finds it.
    pub fn addresses(&self, url: &Url, config: &Config, timeout: NextTimeout) -> Vec<IpAddr> {
        let Ok(uri) = url.as_str().parse::<Uri>() else {
            return Vec::new();
        };
        if config.proxy().is_some_and(|p| !p.is_no_proxy(&uri)) {
            return Vec::new();
        }
        match self.look_up(&uri, config, timeout) {
            Ok(found) => found.iter().map(|a| address::canonical(a.ip())).collect(),
            Err(_) => Vec::new(),
        }
    }

    /// The host's addresses on the URI's port, from the system's resolver the first time the
    /// host is asked about.
    fn look_up(
        &self,
        uri: &Uri,
        config: &Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let host = uri.host().unwrap_or_default().to_ascii_lowercase();
        let known = self.found.lock().expect("lookups").get(&host).cloned();
        let mut addresses = match known {
            Some(Some(addresses)) => addresses,
            Some(None) => return Err(ureq::Error::HostNotFound),
            None => self.ask_system(host, uri, config, timeout)?,
        };
        let port = uri.port_u16().unwrap_or(match uri.scheme_str() {
            Some("https") => 443,
            _ => 80,
        });
        for address in addresses.iter_mut() {
            address.set_port(port);
        }
        Ok(addresses)
    }

    fn ask_system(
        &self,
        host: String,
        uri: &Uri,
        config: &Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let answer = DefaultResolver::default().resolve(uri, config, timeout);
        let found: Found = match &answer {
            Ok(addresses) => Some(addresses.clone()),
            Err(e) if is_not_found(e) => None,
            // A timeout may go better next time.
            Err(_) => return answer,
        };
        self.found.lock().expect("lookups").insert(host, found);
        answer
    }
}

/// Whether the system's resolver said the name does not exist. The standard library reports
/// that as an I/O error of no stable kind; only its message says so.
pub fn is_not_found(error: &ureq::Error) -> bool {
    match error {
        ureq::Error::HostNotFound => true,
        ureq::Error::Io(e) => e
            .to_string()
            .contains("failed to lookup address information"),
        _ => false,
    }
}

/// Whether `uri` is the proxy's own address, which the checker is told to use.
fn is_proxy(uri: &Uri, config: &Config) -> bool {
    config.proxy().is_some_and(|proxy| {
        let host = uri.host().unwrap_or_default();
        host.eq_ignore_ascii_case(proxy.host()) && uri.port_u16().is_none_or(|p| p == proxy.port())
    })
}

impl Resolver for PublicResolver {
    fn resolve(
        &self,
        uri: &Uri,
        config: &Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let addresses = self.look_up(uri, config, timeout)?;
        if is_proxy(uri, config) {
            return Ok(addresses);
        }
        let host = uri.host().unwrap_or_default();
        match self.gate.by_address(host, &addresses) {
            Some(refusal) => Err(refusal.into()),
            None => Ok(addresses),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn socket(text: &str) -> SocketAddr {
        text.parse().unwrap()
    }

    #[test]
    fn a_name_is_refused_when_any_of_its_addresses_is_closed() {
        let gate = Gate::default();
        let public = [
            socket("93.184.216.34:443"),
            socket("[2606:2800:220:1::]:443"),
        ];
        assert_eq!(gate.by_address("example.org", &public), None);
        let mixed = [public[0], socket("[::ffff:169.254.169.254]:443")];
        let refusal = gate.by_address("rebind.example", &mixed).unwrap();
        assert_eq!(refusal.why, Closed::LinkLocal);
        assert_eq!(
            refusal.to_string(),
            "`rebind.example` is at `::ffff:169.254.169.254`, a link-local address (a cloud's metadata service is one)"
        );
        let loopback = [socket("127.0.1.1:80")];
        let refusal = gate.by_address("vm", &loopback).unwrap();
        assert_eq!(
            refusal.to_string(),
            "`vm` is at `127.0.1.1`, an address of this machine"
        );
        // An address is not said twice.
        let refusal = gate.by_address("[::1]", &[socket("[::1]:80")]).unwrap();
        assert_eq!(refusal.to_string(), "`::1` is an address of this machine");
    }

    #[test]
    fn urls_are_judged_by_their_spelling_before_any_lookup() {
        let gate = Gate::default();
        let refused = |url: &str| gate.by_spelling(&Url::parse(url).unwrap());
        for (url, said) in [
            (
                "http://127.0.0.1:8080/",
                "`127.0.0.1` is an address of this machine",
            ),
            (
                "http://2130706433/",
                "`127.0.0.1` is an address of this machine",
            ),
            (
                "http://0x7f.1/",
                "`127.0.0.1` is an address of this machine",
            ),
            (
                "http://[::ffff:127.0.0.1]/",
                "`::ffff:127.0.0.1` is an address of this machine",
            ),
            (
                "http://localhost./",
                "`localhost.` is a name of this machine",
            ),
            (
                "http://x.LOCALHOST/",
                "`x.localhost` is a name of this machine",
            ),
            (
                "http://[fd00::1]/",
                "`fd00::1` is an address on a private network",
            ),
            (
                "http://100.64.1.1/",
                "`100.64.1.1` is an address on a private network",
            ),
        ] {
            let refusal = refused(url).unwrap_or_else(|| panic!("{url} was let through"));
            assert_eq!(refusal.to_string(), said, "{url}");
        }
        assert_eq!(refused("https://example.org/"), None);
        assert_eq!(refused("http://93.184.216.34/"), None);
    }

    #[test]
    fn the_test_ports_open_loopback_on_those_ports_only() {
        let gate = Gate::new(vec![4000]);
        let refused = |url: &str| gate.by_spelling(&Url::parse(url).unwrap()).is_some();
        assert!(!refused("http://127.0.0.1:4000/"));
        assert!(!refused("http://[::ffff:127.0.0.1]:4000/"));
        assert!(!refused("http://localhost:4000/"));
        assert!(refused("http://127.0.0.1:4001/"));
        assert!(refused("http://x.localhost/"));
        // Not this machine: the other closed addresses stay closed on that port too.
        assert!(refused("http://10.0.0.1:4000/"));
        assert!(refused("http://169.254.169.254:4000/"));
        assert!(refused("http://0.0.0.0:4000/"));
        assert!(refused("http://[64:ff9b::127.0.0.1]:4000/"));
        assert!(gate.by_address("h", &[socket("[::1]:4000")]).is_none());
        assert!(gate.by_address("h", &[socket("[::1]:4001")]).is_some());
    }

    #[test]
    fn a_refusal_travels_inside_a_ureq_error() {
        let refusal = Refusal {
            host: "x".into(),
            address: None,
            why: Closed::Reserved,
        };
        let error: ureq::Error = refusal.clone().into();
        assert_eq!(Refusal::in_error(&error), Some(&refusal));
        assert_eq!(Refusal::in_error(&ureq::Error::HostNotFound), None);
    }
}
