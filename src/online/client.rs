//! Asking one registry about one image, as a container runtime would before a pull: the
//! distribution API's manifest endpoint (`HEAD`, a `GET` only to read an error code or an
//! index), with the registry's challenge followed (Basic, or a Bearer token from its realm).
//! Credentials go only to the registry whose key matched them and to its token realm over
//! HTTPS (loopback excepted); redirects are not followed with them.

use std::time::Duration;

use ureq::Agent;

use super::wire::*;

mod auth;
use super::{OnlineSettings, Status, Verdict};
use crate::credentials::secret::Credential;
use crate::image::ImageRef;

/// Every manifest type a runtime accepts (distribution-spec, OCI image-spec, Docker schema 2).
const ACCEPT: &str = "application/vnd.oci.image.index.v1+json, \
                      application/vnd.oci.image.manifest.v1+json, \
                      application/vnd.docker.distribution.manifest.list.v2+json, \
                      application/vnd.docker.distribution.manifest.v2+json";

pub struct Client {
    agent: Agent,
    insecure: Vec<String>,
    /// Hosts that may be asked over plain HTTP and did not answer over HTTPS: asked over HTTP
    /// from then on (as Docker treats `localhost` registries).
    plain: std::sync::Mutex<std::collections::HashSet<String>>,
    /// Hosts that gave no answer (DNS, connection, TLS), and why: not asked again in this run,
    /// so that a run without a network ends in the time of one attempt per host.
    down: std::sync::Mutex<std::collections::HashMap<String, String>>,
}

impl Client {
    pub fn new(settings: &OnlineSettings) -> Result<Client, String> {
        let mut tls = ureq::tls::TlsConfig::builder();
        if settings.ca_files.is_empty() {
            tls = tls.root_certs(ureq::tls::RootCerts::PlatformVerifier);
        } else {
            let mut certs = Vec::new();
            for path in &settings.ca_files {
                let pem = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
                for item in ureq::tls::parse_pem(&pem) {
                    if let Ok(ureq::tls::PemItem::Certificate(cert)) = item {
                        certs.push(cert.to_owned());
                    }
                }
            }
            tls = tls.root_certs(ureq::tls::RootCerts::new_with_certs(&certs));
        }
        let timeout = Some(settings.timeout);
        let config = Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_global(timeout)
            .timeout_connect(Some(settings.timeout.min(Duration::from_secs(5))))
            .proxy(ureq::Proxy::try_from_env())
            .user_agent(format!("pullcheck/{}", env!("CARGO_PKG_VERSION")))
            .tls_config(tls.build())
            .build();
        Ok(Client {
            agent: config.into(),
            insecure: settings.insecure.clone(),
            plain: Default::default(),
            down: Default::default(),
        })
    }

    /// Where the registry of an image is served: HTTPS, unless it is a host that may be asked
    /// over plain HTTP (loopback, `--insecure-registry`) and did not answer over HTTPS.
    pub(super) fn base(&self, image: &ImageRef) -> String {
        let domain = image.domain();
        let host = if domain == "docker.io" {
            "registry-1.docker.io"
        } else {
            domain
        };
        let plain = self
            .plain
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .contains(host);
        format!("{}://{host}", if plain { "http" } else { "https" })
    }

    /// Whether a host may be asked over plain HTTP.
    pub(super) fn may_be_plain(&self, host: &str) -> bool {
        is_loopback(host) || self.insecure.iter().any(|h| h == host)
    }

    /// What the registry says of `reference` (a tag or digest) of `image`, asked with
    /// `credential` (anonymously when `None`).
    pub fn manifest(
        &self,
        image: &ImageRef,
        reference: &str,
        credential: Option<&Credential>,
        platforms: &[String],
    ) -> Verdict {
        let base = self.base(image);
        let url = format!("{base}/v2/{}/manifests/{reference}", image.path());
        let mut auth: Option<String> = None;
        let mut answer = match self.request("HEAD", &url, None) {
            Ok(a) => a,
            Err(why) => return verdict(Status::RegistryUnavailable, why),
        };
        if answer.status == 429 || answer.status >= 500 {
            // One more try after a short wait (a 429's `Retry-After`, else a second): a CI run
            // must not wait long, and nothing else is tried twice.
            let wait = match answer.status {
                429 => answer.retry_after,
                _ => Some(1),
            };
            match wait.filter(|s| *s <= 5) {
                Some(seconds) => {
                    std::thread::sleep(Duration::from_secs(seconds));
                    answer = match self.request("HEAD", &url, None) {
                        Ok(a) => a,
                        Err(why) => return verdict(Status::RegistryUnavailable, why),
                    };
                }
                None if answer.status == 429 => return rate_limited(&answer),
                None => {}
            }
        }
        if answer.status == 401 {
            let challenge = answer.challenge.clone().unwrap_or_default();
            auth = match self.authorize(&challenge, image, credential) {
                Ok(auth) => Some(auth),
                Err(verdict) => return *verdict,
            };
            answer = match self.request("HEAD", &url, auth.as_deref()) {
                Ok(a) => a,
                Err(why) => return verdict(Status::RegistryUnavailable, why),
            };
        }
        match answer.status {
            200 => self.available(&url, answer, auth.as_deref(), platforms),
            // Docker Hub gives a token for any repository, then refuses the manifest of one
            // that does not exist exactly as that of a private one (`insufficient_scope`).
            401 if image.domain() == "docker.io" && auth.is_some() => verdict(
                Status::AuthorizationFailure,
                "the repository does not exist or is not authorised (Docker Hub does not say \
                 which)"
                    .into(),
            ),
            401 => match credential {
                Some(_) => verdict(
                    Status::AuthenticationFailure,
                    "the registry refused the credentials".into(),
                ),
                None => verdict(
                    Status::AuthenticationFailure,
                    "the registry asks for credentials and none reach the pod".into(),
                ),
            },
            403 => verdict(
                Status::AuthorizationFailure,
                "the registry denied access (403)".into(),
            ),
            404 => {
                // HEAD has no body: GET once for the error code.
                let code = self
                    .request("GET", &url, auth.as_deref())
                    .ok()
                    .and_then(|a| error_code(&a.body))
                    .unwrap_or_else(|| "MANIFEST_UNKNOWN".into());
                let what = if code == "NAME_UNKNOWN" {
                    "the repository does not exist"
                } else {
                    "the tag or digest does not exist"
                };
                verdict(Status::Absent, format!("{what} ({code})"))
            }
            429 => rate_limited(&answer),
            status if status >= 500 => verdict(
                Status::RegistryUnavailable,
                format!("the registry answered {status}"),
            ),
            status => verdict(Status::Unknown, format!("the registry answered {status}")),
        }
    }

    /// A manifest that exists: its digest, and whether an index covers the platforms.
    fn available(
        &self,
        url: &str,
        answer: Answer,
        auth: Option<&str>,
        platforms: &[String],
    ) -> Verdict {
        let index = answer.content_type.contains("index") || answer.content_type.contains("list");
        let mut result = verdict(Status::Available, String::new());
        result.digest = answer.digest.clone();
        if !index && result.digest.is_some() {
            return result;
        }
        // An index (to read its platforms), or a registry that sent no digest: GET the body.
        let body = match self.request("GET", url, auth) {
            Ok(a) if a.status == 200 => a,
            Ok(a) => {
                return verdict(
                    Status::Unknown,
                    format!("HEAD found the manifest, GET answered {}", a.status),
                );
            }
            Err(why) => return verdict(Status::RegistryUnavailable, why),
        };
        if result.digest.is_none() {
            result.digest = Some(format!("sha256:{}", crate::sha256::hex(&body.body)));
        }
        if index {
            result.platforms = index_platforms(&body.body);
            let missing: Vec<&String> = platforms
                .iter()
                .filter(|p| !result.platforms.iter().any(|have| covers(have, p)))
                .collect();
            if let Some(first) = missing.first() {
                result.status = Status::PlatformMissing;
                result.detail = format!(
                    "the index has no manifest for {first} (it has {})",
                    result.platforms.join(", ")
                );
            }
        }
        result
    }

    /// One request; `Err` when no answer came (DNS, TCP, TLS, timeout), saying why. A host
    /// that may be plain and fails over HTTPS is asked again over HTTP. Redirects are followed
    /// (three at most), without `Authorization` once they leave the host.
    fn request(&self, method: &str, url: &str, auth: Option<&str>) -> Result<Answer, String> {
        let mut url = url.to_string();
        let mut auth = auth.map(str::to_string);
        for _ in 0..4 {
            let answer = match self.send(method, &url, auth.as_deref()) {
                Ok(answer) => answer,
                Err(why) => {
                    let host = host_of(&url);
                    let Some(rest) = url.strip_prefix("https://") else {
                        return Err(why);
                    };
                    // A certificate that does not verify is an answer over TLS: not a reason
                    // to try plain HTTP.
                    if !self.may_be_plain(&host) || why.contains("certificate") {
                        return Err(why);
                    }
                    self.plain
                        .lock()
                        .unwrap_or_else(|p| p.into_inner())
                        .insert(host);
                    url = format!("http://{rest}");
                    self.send(method, &url, auth.as_deref())?
                }
            };
            match (answer.status, &answer.location) {
                (301 | 302 | 303 | 307 | 308, Some(location)) => {
                    let next = resolve(&url, location);
                    if host_of(&next) != host_of(&url) || !same_scheme_or_upgrade(&url, &next) {
                        auth = None;
                    }
                    url = next;
                }
                _ => return Ok(answer),
            }
        }
        Err("the registry redirected too often".into())
    }

    fn send(&self, method: &str, url: &str, auth: Option<&str>) -> Result<Answer, String> {
        let host = format!("{}{}", &url[..url.find("://").unwrap_or(0)], host_of(url));
        if let Some(why) = self
            .down
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&host)
        {
            return Err(why.clone());
        }
        let sent = self.send_once(method, url, auth);
        if let Err(why) = &sent {
            self.down
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .insert(host, why.clone());
        }
        sent
    }

    fn send_once(&self, method: &str, url: &str, auth: Option<&str>) -> Result<Answer, String> {
        let result = match method {
            "HEAD" => {
                let mut request = self.agent.head(url).header("Accept", ACCEPT);
                if let Some(auth) = auth {
                    request = request.header("Authorization", auth);
                }
                request.call()
            }
            _ => {
                let mut request = self.agent.get(url).header("Accept", ACCEPT);
                if let Some(auth) = auth {
                    request = request.header("Authorization", auth);
                }
                request.call()
            }
        };
        let response = result.map_err(|e| describe_error(&e))?;
        Ok(answer(response))
    }
}

fn boxed(status: Status, detail: String) -> Box<Verdict> {
    Box::new(verdict(status, detail))
}

fn verdict(status: Status, detail: String) -> Verdict {
    Verdict {
        status,
        detail,
        digest: None,
        platforms: Vec::new(),
        credential: String::new(),
        tag_digest: None,
    }
}

fn rate_limited(answer: &Answer) -> Verdict {
    verdict(
        Status::RateLimited,
        match answer.retry_after {
            Some(s) => format!("the registry limits pulls (429, retry after {s} s)"),
            None => "the registry limits pulls (429)".into(),
        },
    )
}
