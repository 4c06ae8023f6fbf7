//! The registry's challenge answered: Basic with the credential, or a Bearer token from the
//! realm the challenge names (over HTTPS unless it is on this machine).

use super::*;

impl Client {
    /// The `Authorization` header for a challenge: Basic with the credential, or a Bearer
    /// token from the realm (with the credential, else anonymous).
    pub(super) fn authorize(
        &self,
        challenge: &str,
        image: &ImageRef,
        credential: Option<&Credential>,
    ) -> Result<String, Box<Verdict>> {
        let basic = credential.map(|c| {
            use base64::Engine;
            let pair = format!("{}:{}", c.username, c.password);
            format!(
                "Basic {}",
                base64::engine::general_purpose::STANDARD.encode(pair)
            )
        });
        let (scheme, params) = challenge.split_once(' ').unwrap_or((challenge, ""));
        if scheme.eq_ignore_ascii_case("basic") {
            return basic.ok_or_else(|| {
                boxed(
                    Status::AuthenticationFailure,
                    "the registry asks for credentials and none reach the pod".into(),
                )
            });
        }
        if !scheme.eq_ignore_ascii_case("bearer") {
            return Err(boxed(
                Status::Unknown,
                format!("the registry asks for `{scheme}` authentication"),
            ));
        }
        let param = |name: &str| challenge_param(params, name);
        let Some(realm) = param("realm") else {
            return Err(boxed(
                Status::Unknown,
                "a Bearer challenge without a realm".into(),
            ));
        };
        let realm_host = host_of(&realm);
        if !realm.starts_with("https://") && !is_loopback(&realm_host) {
            return Err(boxed(
                Status::Unverifiable,
                format!("the token realm {realm} is not HTTPS: credentials are not sent there"),
            ));
        }
        let scope = param("scope").unwrap_or_else(|| format!("repository:{}:pull", image.path()));
        let mut url = format!("{realm}?scope={}", encode_query(&scope));
        if let Some(service) = param("service") {
            url.push_str(&format!("&service={}", encode_query(&service)));
        }
        let answer = self
            .request("GET", &url, basic.as_deref())
            .map_err(|why| boxed(Status::RegistryUnavailable, why))?;
        match answer.status {
            200 => {}
            401 | 403 => {
                return Err(boxed(
                    Status::AuthenticationFailure,
                    match credential {
                        Some(_) => "the token service refused the credentials".into(),
                        None => "the token service refused an anonymous token".into(),
                    },
                ));
            }
            status => {
                return Err(boxed(
                    Status::RegistryUnavailable,
                    format!("the token service answered {status}"),
                ));
            }
        }
        let json: serde_json::Value = serde_json::from_slice(&answer.body)
            .map_err(|_| boxed(Status::Unknown, "the token answer is not JSON".into()))?;
        let token = json
            .get("token")
            .or_else(|| json.get("access_token"))
            .and_then(|t| t.as_str())
            .ok_or_else(|| boxed(Status::Unknown, "the token answer has no token".into()))?;
        Ok(format!("Bearer {token}"))
    }
}
