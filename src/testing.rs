//! Oracles and entry points for the tests, the fuzz targets and the benches, behind the
//! `testing` feature: not part of the library's interface.

/// The properties the fuzz targets check (see `fuzz/`).
pub use crate::fuzzing::{config, image_reference, kustomize as kustomize_tree, pipeline};
/// The walk of a folder and `ignore`'s, for their differential test on the corpus.
pub use crate::input::both_walks;
/// The fast path's schemas, which documents take them, and its checks against the full parse.
pub use crate::k8s::kinds::{IDENTITY, SCHEMAS, compare_extraction, fast_path_facts, partial};
/// The model of `kustomize build`, for its differential test.
pub use crate::kustomize::build::{Build, BuiltObject, objects_of};
/// An editor session with `pullcheck lsp`, driven by the fuzzer's bytes.
pub use crate::lsp::fuzzing::session as lsp_session;
pub use crate::yaml::{Keep, Partial};

/// Builds the kustomization root `dir` from disk with the model: the differential tests'
/// entry point, outside a run.
pub fn build_kustomization(dir: &std::path::Path) -> Result<Build, String> {
    use crate::kustomize::{build::Builder, tree};
    let files = tree::read_from_disk(dir)?;
    let tree = tree::Tree::new(&files);
    let root = tree
        .kustomization(dir)
        .ok_or_else(|| format!("{}: no kustomization file", dir.display()))?;
    Builder::new(&tree).build(root).map_err(|e| {
        let file = &files[e.at.file];
        let at = file.position(e.at.span.start);
        format!("{}:{}:{}: {}", file.name, at.line, at.column, e.message)
    })
}
/// kustomize's `images:` transformer, for its tests against `kubectl kustomize`.
pub use crate::kustomize::images::{
    ImageEntry, Placement, apply as apply_images, split as split_image,
};
/// SHA-256 as hex, for the tests that push images to a local registry.
pub use crate::sha256::hex as sha256_hex;
/// The YAML layer, for the parser's differential tests against go-yaml.
pub use crate::yaml::build::parse_piece;
pub use crate::yaml::skim::{compare_with_parser, gave_up_at, skim};
pub use crate::yaml::split::document_ranges;
pub use crate::yaml::{Document, NodeId, NodeKind, parse_stream};
