//! The client's choices that need no registry: which scheme a host is asked over.

use super::OnlineSettings;
use super::client::Client;
use crate::image::ImageRef;

/// HTTPS for every registry; plain HTTP only for loopback and `--insecure-registry` hosts,
/// and only after HTTPS failed there.
#[test]
fn plain_http_only_where_allowed() {
    let settings = OnlineSettings {
        insecure: vec!["mirror.corp:5000".into()],
        ..OnlineSettings::default()
    };
    let client = Client::new(&settings).unwrap();
    let image = |r: &str| ImageRef::parse(r).unwrap();
    assert_eq!(
        client.base(&image("registry.corp/app:1")),
        "https://registry.corp"
    );
    assert_eq!(client.base(&image("nginx")), "https://registry-1.docker.io");
    assert_eq!(
        client.base(&image("127.0.0.1:5000/app")),
        "https://127.0.0.1:5000"
    );
    assert!(!client.may_be_plain("registry.corp"));
    assert!(client.may_be_plain("mirror.corp:5000") && client.may_be_plain("localhost:5000"));
}
