//! Asking servers about URLs: HEAD first (GET when HEAD is refused), redirects followed one
//! by one so that permanent ones can be reported, a few requests at a time to each server,
//! and only ever to public addresses ([`super::resolver`]).

use super::Settings;
use super::resolver::{Gate, PublicResolver, Refusal};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::io::ErrorKind;
use std::net::IpAddr;
use std::sync::{Condvar, Mutex};
use ureq::Agent;
use ureq::config::Config;
use ureq::http::StatusCode;
use ureq::unversioned::transport::{DefaultConnector, NextTimeout};
use url::Url;

/// Redirects followed before a URL is reported as redirecting too often.
pub const MOST_REDIRECTS: usize = 10;

/// What checking one URL found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The server answered with the page. `moved` is where the link's permanent redirects
    /// (301, 308) lead, when it has any.
    Fine { moved: Option<String> },
    /// The link does not lead to a page.
    Broken(Broken),
    /// The server would not say (429 Too Many Requests): not an error, and not cached.
    Unknown { status: u16 },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Broken {
    /// An error status; `at` is the URL that answered it, when redirects led elsewhere.
    Status {
        code: u16,
        at: Option<String>,
    },
    Timeout,
    Refused {
        host: String,
    },
    HostNotFound {
        host: String,
    },
    TooManyRedirects,
    /// A redirect to something that is not an `http(s)` URL.
    BadRedirect {
        location: String,
    },
    /// A host that is not public (this machine, a private network…), which is never
    /// contacted; `redirect` is where a redirect led when the link itself is public.
    NotPublic {
        refusal: Refusal,
        redirect: Option<String>,
    },
    /// The https connection could not be made secure (a bad or expired certificate, say).
    Insecure {
        reason: String,
    },
    /// The URL as written cannot be parsed.
    Invalid {
        reason: String,
    },
    /// Anything else: TLS, a malformed answer, a connection cut.
    Failed {
        reason: String,
    },
}

/// Checks every URL, at most `settings.workers` at a time and `settings.per_host` at a
/// time to each server (a server asked about many links at once may refuse, or slow down for
/// everyone). Each URL is checked once.
pub fn check_all(urls: Vec<String>, settings: &Settings) -> Vec<(String, Outcome)> {
    let gate = Gate::new(settings.open_loopback_ports.clone());
    let resolver = PublicResolver::new(gate.clone());
    let agent = Agent::with_parts(config(settings), DefaultConnector::new(), resolver.clone());
    let servers = servers(&urls, &resolver, agent.config(), settings);
    let client = Client { agent, gate };
    let queue = Queue::new(urls, &servers, settings.per_host);
    let workers = settings.workers.clamp(1, queue.len().max(1));
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                while let Some((server, url)) = queue.next() {
                    // A check that panics must still free its server's slot, or the workers
                    // waiting for that server would wait for ever.
                    let checked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        check(&client, &url, LINK_TIME * settings.timeout)
                    }));
                    let outcome = checked.unwrap_or_else(|_| {
                        Outcome::Broken(Broken::Failed {
                            reason: "the checker failed on this address".into(),
                        })
                    });
                    queue.done(&server, url, outcome);
                }
            });
        }
    });
    queue.into_results()
}

fn config(settings: &Settings) -> Config {
    Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(settings.timeout))
        .user_agent(concat!(
            "centerview/",
            env!("CARGO_PKG_VERSION"),
            " (link check)"
        ))
        .build()
}

/// What every check uses: the agent, whose resolver refuses closed addresses, and the gate
/// that judges a URL by its spelling first.
struct Client {
    agent: Agent,
    gate: Gate,
}

/// The server of each URL's host, for the per-server limit: hosts that resolve to a common
/// address are one server however they are spelled (`127.0.0.1`, `localhost`,
/// `[::ffff:127.0.0.1]`). A host that is not looked up here (not found, or reached through a
/// proxy) is a server of its own. Hosts are looked up `settings.workers` at a time, and the
/// answers are kept for the requests.
fn servers(
    urls: &[String],
    resolver: &PublicResolver,
    config: &Config,
    settings: &Settings,
) -> HashMap<String, String> {
    let mut hosts: BTreeMap<String, Url> = BTreeMap::new();
    for url in urls.iter().filter_map(|u| Url::parse(u).ok()) {
        hosts.entry(host_key(&url)).or_insert(url);
    }
    let hosts: Vec<(String, Url)> = hosts.into_iter().collect();
    let timeout = NextTimeout {
        after: settings.timeout.into(),
        reason: ureq::Timeout::Resolve,
        ..NextTimeout::default()
    };
    let look_up = |(_, url): &(String, Url)| resolver.addresses(url, config, timeout);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(settings.workers.clamp(1, hosts.len().max(1)))
        .build();
    let addresses: Vec<Vec<IpAddr>> = match pool {
        Ok(pool) => pool.install(|| hosts.par_iter().map(look_up).collect()),
        Err(_) => hosts.iter().map(look_up).collect(),
    };
    let roots = shared_addresses(&addresses);
    (hosts.iter().zip(roots))
        .map(|((host, _), root)| (host.clone(), hosts[root].0.clone()))
        .collect()
}

/// For each host (by its addresses), the first host it shares an address with, directly or
/// through others (a union-find).
fn shared_addresses(addresses: &[Vec<IpAddr>]) -> Vec<usize> {
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    let mut parent: Vec<usize> = (0..addresses.len()).collect();
    let mut first_with: HashMap<IpAddr, usize> = HashMap::new();
    for (host, found) in addresses.iter().enumerate() {
        for ip in found {
            let other = *first_with.entry(*ip).or_insert(host);
            let (a, b) = (root(&mut parent, other), root(&mut parent, host));
            parent[a.max(b)] = a.min(b);
        }
    }
    (0..addresses.len())
        .map(|host| root(&mut parent, host))
        .collect()
}

/// The URLs waiting, by server, and how many checks of each server are under way.
struct Queue {
    state: Mutex<QueueState>,
    changed: Condvar,
    per_host: usize,
}

#[derive(Default)]
struct QueueState {
    waiting: BTreeMap<String, Vec<String>>,
    busy: HashMap<String, usize>,
    results: Vec<(String, Outcome)>,
}

impl Queue {
    fn new(urls: Vec<String>, servers: &HashMap<String, String>, per_host: usize) -> Queue {
        let mut state = QueueState::default();
        for url in urls.into_iter().rev() {
            let host = Url::parse(&url).map(|u| host_key(&u)).unwrap_or_default();
            let server = servers.get(&host).cloned().unwrap_or(host);
            state.waiting.entry(server).or_default().push(url);
        }
        Queue {
            state: Mutex::new(state),
            changed: Condvar::new(),
            per_host: per_host.max(1),
        }
    }

    fn len(&self) -> usize {
        let state = self.state.lock().expect("link queue");
        state.waiting.values().map(Vec::len).sum()
    }

    /// The next URL whose server has a free slot, waiting for one to free up; `None` when
    /// every URL has been handed out.
    fn next(&self) -> Option<(String, String)> {
        let mut state = self.state.lock().expect("link queue");
        loop {
            state.waiting.retain(|_, urls| !urls.is_empty());
            if state.waiting.is_empty() {
                return None;
            }
            let busy = &state.busy;
            let free = (state.waiting.keys())
                .find(|host| busy.get(*host).copied().unwrap_or(0) < self.per_host)
                .cloned();
            if let Some(host) = free {
                let url = state.waiting.get_mut(&host)?.pop()?;
                *state.busy.entry(host.clone()).or_default() += 1;
                return Some((host, url));
            }
            state = self.changed.wait(state).expect("link queue");
        }
    }

    fn done(&self, host: &str, url: String, outcome: Outcome) {
        let mut state = self.state.lock().expect("link queue");
        if let Some(n) = state.busy.get_mut(host) {
            *n -= 1;
        }
        state.results.push((url, outcome));
        self.changed.notify_all();
    }

    fn into_results(self) -> Vec<(String, Outcome)> {
        self.state.into_inner().expect("link queue").results
    }
}

/// A URL's host as the per-server limit first knows it (its name or address, whatever the
/// port).
fn host_key(url: &Url) -> String {
    url.host_str().unwrap_or_default().to_string()
}

/// Checks one URL: HEAD, then GET if HEAD was answered with an error or failed oddly (many
/// servers refuse HEAD with 405 or 501, or mishandle it), with redirects followed.
/// How many request timeouts one link may take in all (its HEAD, GET and redirects): a
/// server answering every hop slowly cannot hold a worker for eleven timeouts twice over.
const LINK_TIME: u32 = 3;

/// Checks one URL, within `budget` for all its requests.
fn check(client: &Client, url: &str, budget: std::time::Duration) -> Outcome {
    let deadline = std::time::Instant::now() + budget;
    let start = match Url::parse(url) {
        Ok(u) if matches!(u.scheme(), "http" | "https") => u,
        Ok(u) => {
            return Outcome::Broken(Broken::Invalid {
                reason: format!("`{}:` is not a web address", u.scheme()),
            });
        }
        Err(e) => {
            return Outcome::Broken(Broken::Invalid {
                reason: e.to_string(),
            });
        }
    };
    let head = follow(client, true, &start, deadline);
    let retry = match &head {
        Ok(answer) => answer.status >= 400,
        Err(broken) => matches!(broken, Broken::Failed { .. }),
    };
    let answer = if retry {
        follow(client, false, &start, deadline)
    } else {
        head
    };
    match answer {
        Ok(Answer { status: 429, .. }) => Outcome::Unknown { status: 429 },
        Ok(Answer { status, at, .. }) if status >= 400 => {
            let at = (at != start).then(|| at.to_string());
            Outcome::Broken(Broken::Status { code: status, at })
        }
        Ok(Answer { moved, .. }) => Outcome::Fine {
            moved: moved.map(|u| u.to_string()),
        },
        Err(broken) => Outcome::Broken(broken),
    }
}

/// A final answer: its status, the URL that gave it, and where the leading permanent
/// redirects led.
struct Answer {
    status: u16,
    at: Url,
    moved: Option<Url>,
}

/// Sends a HEAD (or GET) request and follows redirects, one request at a time, never to a
/// host that is not public.
fn follow(
    client: &Client,
    head: bool,
    start: &Url,
    deadline: std::time::Instant,
) -> Result<Answer, Broken> {
    let mut url = start.clone();
    let mut moved = None;
    let mut permanent = true;
    for _ in 0..=MOST_REDIRECTS {
        if std::time::Instant::now() >= deadline {
            return Err(Broken::Timeout);
        }
        let not_public = |refusal| Broken::NotPublic {
            refusal,
            redirect: (url != *start).then(|| url.to_string()),
        };
        if let Some(refusal) = client.gate.by_spelling(&url) {
            return Err(not_public(refusal));
        }
        let response = match send(&client.agent, head, &url) {
            Err(Sent::Refused(refusal)) => return Err(not_public(refusal)),
            Err(Sent::Broken(broken)) => return Err(broken),
            Ok(response) => response,
        };
        let status = response.status();
        let location = response
            .headers()
            .get(ureq::http::header::LOCATION)
            .map(|l| String::from_utf8_lossy(l.as_bytes()).into_owned());
        // The body is not read: dropping the response closes the connection.
        drop(response);
        let Some(location) = location.filter(|_| status.is_redirection()) else {
            return Ok(Answer {
                status: status.as_u16(),
                at: url,
                moved,
            });
        };
        let next = match url.join(&location) {
            Ok(next) if matches!(next.scheme(), "http" | "https") => next,
            _ => return Err(Broken::BadRedirect { location }),
        };
        permanent &= matches!(
            status,
            StatusCode::MOVED_PERMANENTLY | StatusCode::PERMANENT_REDIRECT
        );
        if permanent {
            moved = Some(next.clone());
        }
        url = next;
    }
    Err(Broken::TooManyRedirects)
}

/// Why a request got no answer: its host is not contacted, or something broke.
enum Sent {
    Refused(Refusal),
    Broken(Broken),
}

fn send(agent: &Agent, head: bool, url: &Url) -> Result<ureq::http::Response<ureq::Body>, Sent> {
    let result = if head {
        agent.head(url.as_str()).call()
    } else {
        agent.get(url.as_str()).call()
    };
    result.map_err(|e| match Refusal::in_error(&e) {
        Some(refusal) => Sent::Refused(refusal.clone()),
        None => Sent::Broken(broken(e, url)),
    })
}

fn broken(error: ureq::Error, url: &Url) -> Broken {
    let host = match url.port_or_known_default() {
        Some(port) => format!("{}:{port}", url.host_str().unwrap_or("")),
        None => url.host_str().unwrap_or("").to_string(),
    };
    match error {
        ureq::Error::Timeout(_) => Broken::Timeout,
        e if super::resolver::is_not_found(&e) => Broken::HostNotFound {
            host: url.host_str().unwrap_or("").to_string(),
        },
        ureq::Error::Io(e) if e.kind() == ErrorKind::ConnectionRefused => Broken::Refused { host },
        ureq::Error::Io(e) if e.kind() == ErrorKind::TimedOut => Broken::Timeout,
        ureq::Error::ConnectionFailed => Broken::Refused { host },
        ureq::Error::Tls(_) | ureq::Error::Rustls(_) => Broken::Insecure {
            reason: error.to_string(),
        },
        // rustls reports what it dislikes in the handshake as invalid data.
        ureq::Error::Io(e) if url.scheme() == "https" && e.kind() == ErrorKind::InvalidData => {
            Broken::Insecure {
                reason: e.to_string(),
            }
        }
        other => Broken::Failed {
            reason: other.to_string(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_the_resolver_cannot_find_is_an_unknown_host() {
        let url = Url::parse("http://old.example.invalid/page").unwrap();
        for message in [
            "failed to lookup address information: Name or service not known",
            "failed to lookup address information: Temporary failure in name resolution",
        ] {
            let error = ureq::Error::Io(std::io::Error::other(message));
            assert_eq!(
                broken(error, &url),
                Broken::HostNotFound {
                    host: "old.example.invalid".into()
                }
            );
        }
        let other = ureq::Error::Io(std::io::Error::other("something else"));
        assert!(matches!(broken(other, &url), Broken::Failed { .. }));
    }

    #[test]
    fn hosts_sharing_an_address_are_one_server() {
        let ip = |text: &str| text.parse::<IpAddr>().unwrap();
        let hosts = [
            vec![ip("127.0.0.1")],            // 127.0.0.1
            vec![ip("93.184.216.34")],        // example.org
            vec![ip("::1"), ip("127.0.0.1")], // localhost
            vec![],                           // not found
            vec![ip("10.0.0.1"), ip("::1")],  // through localhost's ::1
            vec![ip("93.184.216.34")],        // www.example.org
        ];
        assert_eq!(shared_addresses(&hosts), [0, 1, 0, 3, 0, 1]);
    }
}
