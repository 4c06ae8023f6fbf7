use super::declare_rule;

declare_rule! {
    /// ## What it finds
    ///
    /// A mistake in `.pullcheck.yaml` (or the file named with `--config`): YAML that does not
    /// parse, an unknown key, a value of the wrong type, an unknown rule name, a level other
    /// than `error`, `warning`, `info` or `off`, a pattern that does not compile. Each is
    /// reported at its line and column.
    ///
    /// ## Why it matters
    ///
    /// A configuration that is half understood would lint with settings the user did not ask
    /// for, so pullcheck lints nothing: it prints every mistake on standard error and exits
    /// with status 2.
    ///
    /// ## How to fix it
    ///
    /// Fix the key or value at the position shown. `pullcheck init` writes a commented
    /// example, and the README's configuration section lists every key.
    /// `pullcheck fix` does not edit configuration files: what a mistaken key meant is yours to
    /// say.
    ///
    pub struct ConfigError {
        name: "config",
        severity: Error,
        enabled_by_default: true,
        always_reported: true,
        summary: "the configuration file has a mistake; nothing is linted",
    }
}
