//! kustomize's `images:` transformer against `kubectl kustomize` (kustomize v5.5.0, bundled
//! with the kubectl on these machines): each case is built by kubectl in a scratch folder and
//! every container's image compared with what pullcheck's model computes. The oracle found
//! what the documentation does not say: `tagSuffix` is applied twice at the standard container
//! paths, image volumes are not rewritten, only `sha256` digests match, and an entry whose
//! name is not a valid expression crashes kubectl.

mod common;

use std::path::Path;

use common::*;
use pullcheck::testing::{ImageEntry, Placement, apply_images};

fn kubectl() -> bool {
    let found = std::process::Command::new("kubectl")
        .args(["version", "--client"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI needs kubectl (with kustomize)"
        );
        eprintln!("skipped: no kubectl to build kustomizations with");
    }
    found
}

/// The pod every case rewrites: container name, image, and where the image sits.
const CONTAINERS: &[(&str, &str, Placement)] = &[
    ("a", "nginx:1.25", Placement::FieldSpec),
    ("b", "nginx@sha256:aaaa", Placement::FieldSpec),
    ("c", "nginx:1.25@sha256:aaaa", Placement::FieldSpec),
    ("d", "docker.io/library/nginx:1.25", Placement::FieldSpec),
    ("e", "nginx-exporter:1", Placement::FieldSpec),
    ("f", "localhost:5000/nginx:1", Placement::FieldSpec),
    ("g", "nginx@sha512:bbbb", Placement::FieldSpec),
    ("h", "myXregistry/app:1", Placement::FieldSpec),
    ("i", "nginx", Placement::FieldSpec),
    ("x", "nginx:1", Placement::Elsewhere),
    ("t", "nginx:1", Placement::ContainersField),
];

fn manifests() -> String {
    let item = |(name, image, _): &(&str, &str, Placement)| {
        format!("    - {{name: {name}, image: \"{image}\"}}\n")
    };
    let pod: String = CONTAINERS[..8].iter().map(item).collect();
    let init = item(&CONTAINERS[8]);
    let ephemeral = item(&CONTAINERS[9]);
    let deep = format!("  {}", item(&CONTAINERS[10]));
    format!(
        "apiVersion: v1\nkind: Pod\nmetadata: {{name: p}}\nspec:\n  containers:\n{pod}  initContainers:\n{init}  ephemeralContainers:\n{ephemeral}---\napiVersion: example.com/v1\nkind: Thing\nmetadata: {{name: t}}\nspec:\n  deep:\n    containers:\n{deep}"
    )
}

/// The images kubectl builds, by container name.
fn built(dir: &Path, images: &str) -> Result<Vec<(String, String)>, String> {
    write(dir, "resources.yaml", &manifests());
    write(
        dir,
        "kustomization.yaml",
        &format!("resources: [resources.yaml]\nimages:\n{images}"),
    );
    let out = std::process::Command::new("kubectl")
        .args(["kustomize", "."])
        .current_dir(dir)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr)
            .lines()
            .next()
            .unwrap_or("")
            .to_string());
    }
    // kubectl writes each container as `- image: …` then `name: …`.
    let mut found = Vec::new();
    let mut image = None;
    for line in text.lines() {
        let line = line.trim().trim_start_matches("- ");
        if let Some(value) = line.strip_prefix("image: ") {
            image = Some(value.trim_matches(['"', '\'']).to_string());
        } else if let Some(name) = line.strip_prefix("name: ")
            && let Some(image) = image.take()
        {
            found.push((name.to_string(), image));
        }
    }
    Ok(found)
}

#[test]
fn images_rewrite_as_kubectl_kustomize_does() {
    if !kubectl() {
        return;
    }
    let entry = |name: &str| ImageEntry {
        name: name.into(),
        ..ImageEntry::default()
    };
    let cases: Vec<(&str, Vec<ImageEntry>)> = vec![
        (
            "  - {name: nginx, newTag: \"2\"}\n",
            vec![ImageEntry {
                new_tag: Some("2".into()),
                ..entry("nginx")
            }],
        ),
        (
            "  - {name: nginx, digest: \"sha256:cccc\"}\n",
            vec![ImageEntry {
                digest: Some("sha256:cccc".into()),
                ..entry("nginx")
            }],
        ),
        (
            "  - {name: nginx, newTag: \"2\", digest: \"sha256:cccc\"}\n",
            vec![ImageEntry {
                new_tag: Some("2".into()),
                digest: Some("sha256:cccc".into()),
                ..entry("nginx")
            }],
        ),
        (
            "  - {name: nginx, newName: mirror/nginx}\n",
            vec![ImageEntry {
                new_name: Some("mirror/nginx".into()),
                ..entry("nginx")
            }],
        ),
        (
            "  - {name: nginx, tagSuffix: \"-x\"}\n",
            vec![ImageEntry {
                tag_suffix: Some("-x".into()),
                ..entry("nginx")
            }],
        ),
        (
            "  - {name: my.registry/app, newTag: \"9\"}\n",
            vec![ImageEntry {
                new_tag: Some("9".into()),
                ..entry("my.registry/app")
            }],
        ),
        (
            "  - {name: nginx, newTag: \"2\"}\n  - {name: nginx, tagSuffix: \"-y\"}\n",
            vec![
                ImageEntry {
                    new_tag: Some("2".into()),
                    ..entry("nginx")
                },
                ImageEntry {
                    tag_suffix: Some("-y".into()),
                    ..entry("nginx")
                },
            ],
        ),
        (
            "  - {name: nginx, newName: localhost:5000/nginx}\n  - {name: localhost:5000/nginx, newTag: \"3\"}\n",
            vec![
                ImageEntry {
                    new_name: Some("localhost:5000/nginx".into()),
                    ..entry("nginx")
                },
                ImageEntry {
                    new_tag: Some("3".into()),
                    ..entry("localhost:5000/nginx")
                },
            ],
        ),
    ];
    let mut wrong = Vec::new();
    for (yaml, entries) in &cases {
        let dir = tempfile::tempdir().unwrap();
        let kubectl = built(dir.path(), yaml).unwrap();
        for (name, image, placement) in CONTAINERS {
            let ours = apply_images(entries, image, *placement).unwrap();
            let theirs = kubectl
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, i)| i.as_str());
            if theirs != Some(ours.as_str()) {
                wrong.push(format!(
                    "{}{name}: {image} -> kubectl {theirs:?}, pullcheck {ours}",
                    yaml.trim()
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
    // A name that is not a valid expression: kubectl crashes; the model refuses it.
    let dir = tempfile::tempdir().unwrap();
    assert!(built(dir.path(), "  - {name: \"app[\", newTag: x}\n").is_err());
    assert!(apply_images(&[entry("app[")], "app[:1", Placement::FieldSpec).is_err());
}
