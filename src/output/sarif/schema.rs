//! The parts of SARIF 2.1.0 pullcheck writes, as types. Fields are declared in the order of
//! their JSON names, so the output keeps the sorted key order it has always had.

use serde::Serialize;

#[derive(Serialize)]
pub struct Tool<'a> {
    pub driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Driver<'a> {
    pub information_uri: &'a str,
    pub name: &'a str,
    pub rules: Vec<ReportingDescriptor<'a>>,
    pub version: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportingDescriptor<'a> {
    pub default_configuration: Configuration,
    pub full_description: Text,
    pub help: Help,
    pub id: &'a str,
    pub name: &'a str,
    pub short_description: Text<&'a str>,
}

#[derive(Serialize)]
pub struct Configuration {
    pub enabled: bool,
    pub level: &'static str,
}

#[derive(Serialize)]
pub struct Help {
    pub markdown: String,
    pub text: String,
}

/// A `message` or a description: `{"text": …}`.
#[derive(Serialize)]
pub struct Text<T = String> {
    pub text: T,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SarifResult<'a> {
    pub level: &'static str,
    pub locations: [Location<'a>; 1],
    pub message: Text,
    pub partial_fingerprints: Fingerprints,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub properties: Option<ResultProperties<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related_locations: Vec<Location<'a>>,
    pub rule_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule_index: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppressions: Option<[Suppression<'a>; 1]>,
}

#[derive(Serialize)]
pub struct Fingerprints {
    #[serde(rename = "pullcheck/v1")]
    pub v1: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ResultProperties<'a> {
    pub helm_source: &'a str,
}

/// A result's location or a related one (those have an `id` and a `message`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Location<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<Text<&'a str>>,
    pub physical_location: PhysicalLocation,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PhysicalLocation {
    pub artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<Region>,
}

#[derive(Serialize)]
pub struct ArtifactLocation {
    pub uri: String,
}

/// Lines and columns are 1-based; the end is written only for a result's own location.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Region {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_column: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_line: Option<usize>,
    pub start_column: usize,
    pub start_line: usize,
}

#[derive(Serialize)]
pub struct Suppression<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub justification: Option<&'a str>,
    pub kind: &'static str,
}

#[derive(Serialize)]
pub struct RunProperties<'a> {
    pub configuration: Option<&'a str>,
}
