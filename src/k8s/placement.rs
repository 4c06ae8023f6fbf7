//! Where a pod may be scheduled, and whether a DaemonSet runs on every node such a pod can land
//! on: the question behind "a pre-puller DaemonSet preloads this image".
//!
//! The scheduler places a pod only on nodes that match its `nodeSelector` **and** one of the
//! terms of its required node affinity (`requiredDuringSchedulingIgnoredDuringExecution`), and
//! whose taints it tolerates. The DaemonSet controller uses the same predicates for its pods
//! (`pkg/controller/daemon`, `NodeShouldRunDaemonPod` → `predicates`), adding tolerations for the
//! `node.kubernetes.io/*` condition taints. Nodes are not in the input, so "covers" is decided on
//! the constraints alone: every node that the pod's constraints admit must be admitted by the
//! DaemonSet's. What cannot be shown from the text counts as not covered.

/// A node-selector requirement (`matchExpressions`, or `matchFields` with a `field:` prefix on
/// the key). Labels of `nodeSelector` become `key In [value]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Requirement {
    pub key: String,
    pub operator: Operator,
    pub values: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operator {
    In,
    NotIn,
    Exists,
    DoesNotExist,
    Gt,
    Lt,
}

impl Operator {
    pub fn parse(value: &str) -> Option<Operator> {
        Some(match value {
            "In" => Operator::In,
            "NotIn" => Operator::NotIn,
            "Exists" => Operator::Exists,
            "DoesNotExist" => Operator::DoesNotExist,
            "Gt" => Operator::Gt,
            "Lt" => Operator::Lt,
            _ => return None,
        })
    }
}

/// A toleration; `operator` is `Equal` unless written `Exists`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Toleration {
    pub key: String,
    pub exists: bool,
    pub value: String,
    /// Empty: every effect.
    pub effect: String,
}

/// The scheduling constraints of a pod spec.
#[derive(Clone, Debug, Default)]
pub struct Placement {
    pub node_selector: Vec<(String, String)>,
    /// The required node-affinity terms, any of which admits a node; `None` when there are none
    /// (an empty list of terms matches no node, but the API server rejects it).
    pub affinity_terms: Option<Vec<Vec<Requirement>>>,
    pub tolerations: Vec<Toleration>,
    /// Whether a constraint was written in a form this model does not read (an unknown
    /// operator, a non-list value): such a DaemonSet is not counted as covering anything.
    pub unreadable: bool,
}

/// Taints the DaemonSet controller tolerates on its own (`AddOrUpdateDaemonPodTolerations`), so
/// a pod tolerating them lands on no node the DaemonSet avoids for that reason.
const DAEMONSET_TOLERATED: [&str; 7] = [
    "node.kubernetes.io/not-ready",
    "node.kubernetes.io/unreachable",
    "node.kubernetes.io/disk-pressure",
    "node.kubernetes.io/memory-pressure",
    "node.kubernetes.io/pid-pressure",
    "node.kubernetes.io/unschedulable",
    "node.kubernetes.io/network-unavailable",
];

impl Placement {
    /// Whether a DaemonSet placed by `self` runs on every node a pod placed by `pod` can run on.
    pub fn covers(&self, pod: &Placement) -> bool {
        if self.unreadable {
            return false;
        }
        // Each of the pod's alternatives (one per affinity term, or one without) must imply the
        // DaemonSet's node selector and one of its terms.
        let pod_terms: Vec<&[Requirement]> = match &pod.affinity_terms {
            Some(terms) => terms.iter().map(Vec::as_slice).collect(),
            None => vec![&[]],
        };
        let selector_facts = as_requirements(&pod.node_selector);
        let wanted_labels = as_requirements(&self.node_selector);
        let nodes_admitted = pod_terms.iter().all(|term| {
            let facts: Vec<&Requirement> = selector_facts.iter().chain(term.iter()).collect();
            let implied = |wanted: &Requirement| facts.iter().any(|fact| implies(fact, wanted));
            wanted_labels.iter().all(implied)
                && match &self.affinity_terms {
                    None => true,
                    Some(terms) => terms.iter().any(|t| t.iter().all(implied)),
                }
        });
        let taints_tolerated = pod
            .tolerations
            .iter()
            .filter(|t| !DAEMONSET_TOLERATED.contains(&t.key.as_str()))
            .all(|p| self.tolerations.iter().any(|d| tolerates_all_of(d, p)));
        nodes_admitted && taints_tolerated
    }

    /// The constraints in a short form for messages, e.g. `nodeSelector pool=gpu`.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if !self.node_selector.is_empty() {
            let labels: Vec<String> = self
                .node_selector
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            parts.push(format!("nodeSelector {}", labels.join(",")));
        }
        if self.affinity_terms.is_some() {
            parts.push("required node affinity".to_string());
        }
        if !self.tolerations.is_empty() {
            parts.push(format!("{} toleration(s)", self.tolerations.len()));
        }
        if parts.is_empty() {
            "no constraints".to_string()
        } else {
            parts.join(", ")
        }
    }
}

/// `nodeSelector` labels as the requirements they are: `key In [value]`.
fn as_requirements(labels: &[(String, String)]) -> Vec<Requirement> {
    labels
        .iter()
        .map(|(k, v)| Requirement {
            key: k.clone(),
            operator: Operator::In,
            values: vec![v.clone()],
        })
        .collect()
}

/// Whether every node satisfying `fact` satisfies `wanted` (for the same key). Decided on the
/// text: anything that would need node labels to decide counts as not implied.
fn implies(fact: &Requirement, wanted: &Requirement) -> bool {
    use Operator::*;
    if fact.key != wanted.key {
        return false;
    }
    if fact == wanted {
        return true;
    }
    let ints =
        |values: &[String]| -> Option<Vec<i64>> { values.iter().map(|v| v.parse().ok()).collect() };
    match (fact.operator, wanted.operator) {
        (In, In) => {
            !fact.values.is_empty() && fact.values.iter().all(|v| wanted.values.contains(v))
        }
        (In, NotIn) => fact.values.iter().all(|v| !wanted.values.contains(v)),
        (NotIn, NotIn) => wanted.values.iter().all(|v| fact.values.contains(v)),
        (DoesNotExist, NotIn) => true,
        (In | Gt | Lt, Exists) => fact.operator != In || !fact.values.is_empty(),
        (Gt, Gt) | (Lt, Lt) => match (ints(&fact.values), ints(&wanted.values)) {
            (Some(f), Some(w)) if f.len() == 1 && w.len() == 1 => {
                if fact.operator == Gt {
                    f[0] >= w[0]
                } else {
                    f[0] <= w[0]
                }
            }
            _ => false,
        },
        (In, Gt | Lt) => match (ints(&fact.values), ints(&wanted.values)) {
            (Some(f), Some(w)) if !f.is_empty() && w.len() == 1 => f.iter().all(|v| {
                if wanted.operator == Gt {
                    *v > w[0]
                } else {
                    *v < w[0]
                }
            }),
            _ => false,
        },
        _ => false,
    }
}

/// Whether toleration `d` tolerates every taint that `p` tolerates (`ToleratesTaint`).
fn tolerates_all_of(d: &Toleration, p: &Toleration) -> bool {
    let effect_ok = d.effect.is_empty() || d.effect == p.effect;
    let key_ok = if d.key.is_empty() {
        d.exists
    } else if p.key.is_empty() {
        false
    } else {
        d.key == p.key && (d.exists || (!p.exists && d.value == p.value))
    };
    effect_ok && key_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(key: &str, operator: Operator, values: &[&str]) -> Requirement {
        Requirement {
            key: key.into(),
            operator,
            values: values.iter().map(|v| v.to_string()).collect(),
        }
    }

    fn selector(labels: &[(&str, &str)]) -> Placement {
        Placement {
            node_selector: labels
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            ..Placement::default()
        }
    }

    fn toleration(key: &str, exists: bool, value: &str, effect: &str) -> Toleration {
        Toleration {
            key: key.into(),
            exists,
            value: value.into(),
            effect: effect.into(),
        }
    }

    #[test]
    fn node_selectors() {
        let everywhere = Placement::default();
        let gpu = selector(&[("pool", "gpu")]);
        assert!(everywhere.covers(&gpu));
        assert!(everywhere.covers(&everywhere));
        assert!(gpu.covers(&gpu));
        assert!(!gpu.covers(&everywhere));
        assert!(!gpu.covers(&selector(&[("pool", "cpu")])));
        assert!(gpu.covers(&selector(&[("pool", "gpu"), ("zone", "a")])));
    }

    /// The DaemonSet's required node affinity limits it as much as a nodeSelector
    /// (`nodeaffinity.GetRequiredNodeAffinity`: selector AND any term).
    #[test]
    fn required_node_affinity() {
        let ds = Placement {
            affinity_terms: Some(vec![vec![req("pool", Operator::In, &["gpu", "tpu"])]]),
            ..Placement::default()
        };
        assert!(!ds.covers(&Placement::default()));
        assert!(ds.covers(&selector(&[("pool", "gpu")])));
        assert!(!ds.covers(&selector(&[("pool", "cpu")])));
        let pod_in_both = Placement {
            affinity_terms: Some(vec![
                vec![req("pool", Operator::In, &["gpu"])],
                vec![req("pool", Operator::In, &["tpu"])],
            ]),
            ..Placement::default()
        };
        assert!(ds.covers(&pod_in_both));
        let pod_anywhere_else = Placement {
            affinity_terms: Some(vec![
                vec![req("pool", Operator::In, &["gpu"])],
                vec![req("zone", Operator::Exists, &[])],
            ]),
            ..Placement::default()
        };
        assert!(!ds.covers(&pod_anywhere_else));
        let not_spot = Placement {
            affinity_terms: Some(vec![vec![req("spot", Operator::NotIn, &["true"])]]),
            ..Placement::default()
        };
        assert!(not_spot.covers(&selector(&[("spot", "false")])));
        assert!(!not_spot.covers(&selector(&[("spot", "true")])));
        let exists = Placement {
            affinity_terms: Some(vec![vec![req("gpu", Operator::Exists, &[])]]),
            ..Placement::default()
        };
        assert!(exists.covers(&selector(&[("gpu", "a100")])));
        let big = Placement {
            affinity_terms: Some(vec![vec![req("cores", Operator::Gt, &["8"])]]),
            ..Placement::default()
        };
        assert!(big.covers(&selector(&[("cores", "16")])));
        assert!(!big.covers(&selector(&[("cores", "4")])));
    }

    /// A pod that tolerates a taint may land on nodes a DaemonSet without that toleration
    /// avoids (`v1helper.TolerationsTolerateTaint`).
    #[test]
    fn tolerations() {
        let plain = Placement::default();
        let gpu_pod = Placement {
            tolerations: vec![toleration("nvidia.com/gpu", true, "", "NoSchedule")],
            ..Placement::default()
        };
        assert!(!plain.covers(&gpu_pod));
        let tolerate_all = Placement {
            tolerations: vec![toleration("", true, "", "")],
            ..Placement::default()
        };
        assert!(tolerate_all.covers(&gpu_pod));
        let same_key_any_effect = Placement {
            tolerations: vec![toleration("nvidia.com/gpu", true, "", "")],
            ..Placement::default()
        };
        assert!(same_key_any_effect.covers(&gpu_pod));
        let equal = Placement {
            tolerations: vec![toleration("dedicated", false, "ci", "NoSchedule")],
            ..Placement::default()
        };
        let ci_pod = Placement {
            tolerations: vec![toleration("dedicated", false, "ci", "NoSchedule")],
            ..Placement::default()
        };
        assert!(equal.covers(&ci_pod));
        let other_value = Placement {
            tolerations: vec![toleration("dedicated", false, "db", "NoSchedule")],
            ..Placement::default()
        };
        assert!(!equal.covers(&other_value));
        // The DaemonSet controller adds these itself.
        let not_ready = Placement {
            tolerations: vec![toleration(
                "node.kubernetes.io/not-ready",
                true,
                "",
                "NoExecute",
            )],
            ..Placement::default()
        };
        assert!(plain.covers(&not_ready));
    }

    #[test]
    fn unreadable_constraints_cover_nothing() {
        let ds = Placement {
            unreadable: true,
            ..Placement::default()
        };
        assert!(!ds.covers(&Placement::default()));
    }
}
