//! Pull credentials as the kubelet resolves them: which Secrets reach a pod (its own
//! `imagePullSecrets`, else its ServiceAccount's), what registries they cover, and which of
//! their keys the kubelet's keyring would use for an image.

pub mod keyring;
mod resolve;
pub mod secret;

pub use keyring::RegistryKey;
pub use resolve::{CredentialSource, PodCredentials, Reference, ReferenceState};
pub use secret::SecretProblem;
