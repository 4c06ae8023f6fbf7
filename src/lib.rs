//! pullcheck: a linter for the image-distribution mistakes in Kubernetes manifests.
//!
//! The pipeline, one module per layer: [`input`] finds and reads files, [`yaml`] parses them
//! with positions, [`k8s`] finds pod specs and ServiceAccounts, [`rules`] judge them, [`lint`]
//! ties these together, and [`output`] prints the [`diagnostic`]s.

pub mod allocator;
pub mod cli;
pub mod config;
pub mod credentials;
pub mod diagnostic;
pub mod engine;
pub mod fuzzing;
pub mod glob;
pub mod helm;
pub mod image;
pub mod index;
pub mod input;
pub mod k8s;
pub mod kustomize;
pub mod lint;
pub mod output;
pub mod parallel;
pub mod parse;
pub mod plan;
pub mod registry_class;
pub mod rules;
pub mod run;
pub mod settings;
pub mod source;
pub mod suppress;
pub mod timings;
pub mod yaml;
