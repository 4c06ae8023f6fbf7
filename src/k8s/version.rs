//! Kubernetes releases, for behaviour that changed between them.

/// A Kubernetes minor release, e.g. `1.35`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct KubernetesVersion {
    pub major: u32,
    pub minor: u32,
}

impl KubernetesVersion {
    /// The newest release when this pullcheck was written (1.37, August 2026).
    pub const CURRENT: KubernetesVersion = KubernetesVersion {
        major: 1,
        minor: 37,
    };

    /// KEP-2535 (`KubeletEnsureSecretPulledImages`) is beta and on by default from here: the
    /// kubelet checks a pod's credentials before it reuses an image pulled with a Secret.
    pub const ENSURE_SECRET_PULLED_IMAGES: KubernetesVersion = KubernetesVersion {
        major: 1,
        minor: 35,
    };

    /// Reads `1.34`, `v1.34` or `1.34.2` (the patch is ignored).
    pub fn parse(text: &str) -> Result<KubernetesVersion, String> {
        let invalid =
            || format!("invalid Kubernetes version `{text}`: expected MAJOR.MINOR, e.g. 1.34");
        let digits = text.trim().strip_prefix('v').unwrap_or(text.trim());
        let mut parts = digits.split('.');
        let mut number = || -> Result<u32, String> {
            parts
                .next()
                .filter(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
                .and_then(|p| p.parse().ok())
                .ok_or_else(invalid)
        };
        let version = KubernetesVersion {
            major: number()?,
            minor: number()?,
        };
        match parts.next() {
            None => Ok(version),
            Some(patch) if !patch.is_empty() && patch.bytes().all(|b| b.is_ascii_digit()) => {
                if parts.next().is_some() {
                    Err(invalid())
                } else {
                    Ok(version)
                }
            }
            Some(_) => Err(invalid()),
        }
    }

    /// Whether the kubelet verifies credentials before reusing an image pulled with a Secret.
    pub fn verifies_pulled_images(self) -> bool {
        self >= Self::ENSURE_SECRET_PULLED_IMAGES
    }
}

impl std::fmt::Display for KubernetesVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kubernetes_versions() {
        let v = |major, minor| KubernetesVersion { major, minor };
        assert_eq!(KubernetesVersion::parse("1.34"), Ok(v(1, 34)));
        assert_eq!(KubernetesVersion::parse("v1.35"), Ok(v(1, 35)));
        assert_eq!(KubernetesVersion::parse("1.33.4"), Ok(v(1, 33)));
        for bad in ["", "1", "1.", "1.x", "one.two", "1.2.3.4", "1.2.", "-1.2"] {
            assert!(KubernetesVersion::parse(bad).is_err(), "{bad}");
        }
        assert!(!v(1, 34).verifies_pulled_images());
        assert!(v(1, 35).verifies_pulled_images());
        assert!(KubernetesVersion::CURRENT.verifies_pulled_images());
    }
}
