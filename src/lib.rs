//! pullcheck: a linter for the image-distribution mistakes in Kubernetes manifests.
//!
//! The pipeline, in the order a run goes through it: [`input`] finds and reads files, `parse`
//! turns them into YAML trees (`yaml`) and extracts pod specs, ServiceAccounts and Secrets
//! (`k8s`), `index` relates them (which credentials reach which pod), `engine` runs the
//! [`rules`] on them, `suppress` applies the suppressions, and [`output`] prints the
//! [`diagnostic`]s of the [`run`]. [`lint`] is the whole pipeline in one call; [`plan`] is the
//! `images` listing, [`helm`] maps findings back into a chart, [`fix`] edits files, and [`lsp`]
//! serves it all to an editor.
//!
//! The public modules are what the `pullcheck` binary drives. The stages themselves are
//! private; the tests reach their oracles through `testing` (the `testing` feature).

// The run and its configuration.
pub mod config;
pub mod lint;
pub mod run;
pub mod settings;

// The stages, in pipeline order.
pub mod input;
pub mod source;
mod yaml;
mod parse;
mod k8s;
mod image;
mod credentials;
mod index;
mod kustomize;
mod registry_class;
mod glob;
pub mod online;
pub mod rules;
mod engine;
mod suppress;
pub mod diagnostic;
pub mod output;

// What else the binary offers.
pub mod fix;
pub mod helm;
pub mod plan;
pub mod definitions;
pub mod lsp;

// Shared machinery.
pub mod parallel;
mod hash;
mod sha256;
pub mod timings;

#[cfg(feature = "testing")]
mod fuzzing;
#[cfg(feature = "testing")]
pub mod testing;
