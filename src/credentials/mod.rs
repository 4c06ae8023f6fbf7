//! Pull credentials as the kubelet reads them: what registries a Secret covers, and which of
//! its keys the kubelet's keyring would use for an image. Which Secrets reach a pod is the
//! index's question ([`crate::index::PodCredentials`]).

pub mod keyring;
pub mod secret;
pub mod values;

pub use keyring::RegistryKey;
pub use secret::SecretProblem;
