//! A real OCI registry for the `--online` tests: Debian's `docker-registry` (the CNCF
//! distribution registry 2.8), started on 127.0.0.1 with a configuration of the test's own and
//! stopped when dropped; images are pushed to it through its HTTP API. Also a small server of
//! the test's own for what the registry never does (token service, 429, redirects).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::Engine;

/// How the registry checks who pulls.
pub enum Auth {
    /// htpasswd (bcrypt) with one user.
    Password(&'static str, &'static str),
    /// `silly` token auth: any request with an `Authorization` header passes; the challenge
    /// sends clients to this realm.
    Token(String),
}

pub struct Registry {
    child: Child,
    pub addr: String,
    /// `http`, or `https` for a registry started with a certificate.
    scheme: &'static str,
    _dir: tempfile::TempDir,
    basic: Option<String>,
}

/// Whether the registry binary is here; in CI it must be (`.ci/run` installs it).
pub fn available() -> bool {
    let found = Command::new("docker-registry")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI needs docker-registry and apache2-utils (.ci/run installs them)"
        );
        eprintln!("skipped: no docker-registry binary (apt-get install docker-registry)");
    }
    found
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

impl Registry {
    pub fn start(auth: Auth) -> Registry {
        Registry::start_with(auth, None)
    }

    /// A registry serving HTTPS with `certificate` and `key` (PEM files).
    pub fn start_with(auth: Auth, tls: Option<(&Path, &Path)>) -> Registry {
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let addr = format!("127.0.0.1:{port}");
        let root = dir.path().join("data");
        let (auth_config, basic) = match &auth {
            Auth::Password(user, password) => {
                let line = Command::new("htpasswd")
                    .args(["-Bbn", user, password])
                    .output()
                    .expect("htpasswd (apache2-utils) runs");
                std::fs::write(dir.path().join("htpasswd"), line.stdout).unwrap();
                (
                    format!(
                        "auth:\n  htpasswd:\n    realm: test\n    path: {}\n",
                        dir.path().join("htpasswd").display()
                    ),
                    basic_header(user, password),
                )
            }
            // Pushing needs any `Authorization` under silly auth.
            Auth::Token(realm) => (
                format!("auth:\n  silly:\n    realm: {realm}\n    service: test-registry\n"),
                "Bearer push".to_string(),
            ),
        };
        let basic = Some(basic);
        let tls_config = tls.map_or(String::new(), |(certificate, key)| {
            format!(
                "  tls:\n    certificate: {}\n    key: {}\n",
                certificate.display(),
                key.display()
            )
        });
        let config = format!(
            "version: 0.1\nlog: {{level: error}}\nstorage:\n  filesystem: {{rootdirectory: {}}}\n  delete: {{enabled: true}}\nhttp:\n  addr: {addr}\n{tls_config}{auth_config}",
            root.display()
        );
        let config_path = dir.path().join("config.yml");
        std::fs::write(&config_path, config).unwrap();
        let child = Command::new("docker-registry")
            .arg("serve")
            .arg(&config_path)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("docker-registry starts");
        let registry = Registry {
            child,
            addr,
            scheme: if tls.is_some() { "https" } else { "http" },
            _dir: dir,
            basic,
        };
        let deadline = Instant::now() + Duration::from_secs(10);
        while TcpStream::connect(&registry.addr).is_err() {
            assert!(Instant::now() < deadline, "the registry did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        registry
    }

    /// The test's own client, to push: it does not check the certificate of its own registry.
    fn agent() -> ureq::Agent {
        let tls = ureq::tls::TlsConfig::builder()
            .disable_verification(true)
            .build();
        ureq::Agent::config_builder()
            .http_status_as_error(false)
            .tls_config(tls)
            .build()
            .into()
    }

    /// Uploads a blob; returns its digest.
    pub fn push_blob(&self, repo: &str, bytes: &[u8]) -> String {
        let digest = format!("sha256:{}", pullcheck::testing::sha256_hex(bytes));
        let agent = Self::agent();
        let mut start = agent.post(format!(
            "{}://{}/v2/{repo}/blobs/uploads/",
            self.scheme, self.addr
        ));
        if let Some(auth) = &self.basic {
            start = start.header("Authorization", auth);
        }
        let response = start.send_empty().unwrap();
        assert_eq!(response.status().as_u16(), 202, "blob upload starts");
        let location = response.headers()["location"].to_str().unwrap().to_string();
        let location = if location.starts_with("http") {
            location
        } else {
            format!("{}://{}{location}", self.scheme, self.addr)
        };
        let separator = if location.contains('?') { '&' } else { '?' };
        let mut put = agent
            .put(format!("{location}{separator}digest={digest}"))
            .header("Content-Type", "application/octet-stream");
        if let Some(auth) = &self.basic {
            put = put.header("Authorization", auth);
        }
        let done = put.send(bytes).unwrap();
        assert_eq!(done.status().as_u16(), 201, "blob upload ends");
        digest
    }

    /// Puts a manifest under `reference`; returns its digest.
    pub fn push_manifest(
        &self,
        repo: &str,
        reference: &str,
        media_type: &str,
        body: &str,
    ) -> String {
        let mut put = Self::agent()
            .put(format!(
                "{}://{}/v2/{repo}/manifests/{reference}",
                self.scheme, self.addr
            ))
            .header("Content-Type", media_type);
        if let Some(auth) = &self.basic {
            put = put.header("Authorization", auth);
        }
        let mut response = put.send(body.as_bytes()).unwrap();
        let status = response.status().as_u16();
        let answer = response.body_mut().read_to_string().unwrap_or_default();
        assert_eq!(status, 201, "manifest {repo}:{reference}: {answer}");
        format!("sha256:{}", pullcheck::testing::sha256_hex(body.as_bytes()))
    }

    /// Pushes a single-platform image; returns its manifest and digest.
    pub fn push_image(&self, repo: &str, tag: &str, arch: &str) -> (String, String) {
        let config = format!(
            "{{\"architecture\":\"{arch}\",\"os\":\"linux\",\"created\":\"{tag}\",\"rootfs\":{{\"type\":\"layers\",\"diff_ids\":[]}}}}"
        );
        let config_digest = self.push_blob(repo, config.as_bytes());
        let manifest = format!(
            "{{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"{config_digest}\",\"size\":{}}},\"layers\":[]}}",
            config.len()
        );
        let digest = self.push_manifest(
            repo,
            tag,
            "application/vnd.oci.image.manifest.v1+json",
            &manifest,
        );
        (manifest, digest)
    }

    /// Pushes an index of one image per architecture.
    pub fn push_index(&self, repo: &str, tag: &str, archs: &[&str]) -> String {
        let entries: Vec<String> = archs
            .iter()
            .map(|arch| {
                let (manifest, digest) = self.push_image(repo, &format!("{tag}-{arch}"), arch);
                format!(
                    "{{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"{digest}\",\"size\":{},\"platform\":{{\"architecture\":\"{arch}\",\"os\":\"linux\"}}}}",
                    manifest.len()
                )
            })
            .collect();
        let index = format!(
            "{{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[{}]}}",
            entries.join(",")
        );
        self.push_manifest(repo, tag, "application/vnd.oci.image.index.v1+json", &index)
    }
}

impl Drop for Registry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn basic_header(user: &str, password: &str) -> String {
    let pair = format!("{user}:{password}");
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(pair)
    )
}

/// One request as the small server saw it.
#[derive(Clone, Debug)]
pub struct Seen {
    pub method: String,
    pub path: String,
    pub authorization: Option<String>,
}

/// A server of the test's own on 127.0.0.1: each request is answered by `answer` with a status,
/// headers and a body. Runs until the test ends (its thread dies with the process).
pub struct Fake {
    pub addr: String,
    pub seen: Arc<Mutex<Vec<Seen>>>,
}

type Reply = (u16, Vec<(String, String)>, String);

impl Fake {
    pub fn start(answer: impl Fn(&Seen, usize) -> Reply + Send + 'static) -> Fake {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
        let log = Arc::clone(&seen);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let Some(request) = read_request(&stream) else {
                    continue;
                };
                let count = {
                    let mut log = log.lock().unwrap();
                    log.push(request.clone());
                    log.len()
                };
                let (status, headers, body) = answer(&request, count);
                let mut stream = stream;
                let mut head = format!(
                    "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n",
                    body.len()
                );
                for (name, value) in headers {
                    head.push_str(&format!("{name}: {value}\r\n"));
                }
                head.push_str("\r\n");
                let _ = stream.write_all(head.as_bytes());
                if request.method != "HEAD" {
                    let _ = stream.write_all(body.as_bytes());
                }
            }
        });
        Fake { addr, seen }
    }
}

fn read_request(stream: &TcpStream) -> Option<Seen> {
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_string();
    let path = parts.next()?.to_string();
    let mut authorization = None;
    let mut length = 0usize;
    loop {
        let mut header = String::new();
        reader.read_line(&mut header).ok()?;
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            if name.eq_ignore_ascii_case("authorization") {
                authorization = Some(value.trim().to_string());
            }
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().unwrap_or(0);
            }
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some(Seen {
        method,
        path,
        authorization,
    })
}

/// A certificate authority and a certificate it signed for 127.0.0.1, made with `openssl` in
/// `dir`: `(ca.pem, server.pem, server.key)`.
pub fn certificates(dir: &Path) -> (std::path::PathBuf, std::path::PathBuf, std::path::PathBuf) {
    let run = |args: &[&str]| {
        let out = Command::new("openssl")
            .args(args)
            .current_dir(dir)
            .output()
            .expect("openssl runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    run(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "2",
        "-subj",
        "/CN=pullcheck test CA",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
    ]);
    run(&[
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/CN=127.0.0.1",
        "-keyout",
        "server.key",
        "-out",
        "server.csr",
    ]);
    std::fs::write(dir.join("san.ext"), "subjectAltName=IP:127.0.0.1\n").unwrap();
    run(&[
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "2",
        "-extfile",
        "san.ext",
        "-out",
        "server.pem",
    ]);
    (
        dir.join("ca.pem"),
        dir.join("server.pem"),
        dir.join("server.key"),
    )
}
