//! Phase timings for profiling a run: with `PULLCHECK_TIMINGS` set, each phase's end is written
//! to standard error as milliseconds since the first mark. Off (one environment lookup) otherwise.

use std::sync::OnceLock;
use std::time::Instant;

static START: OnceLock<Option<Instant>> = OnceLock::new();

/// Notes the end of a phase.
pub fn mark(phase: &str) {
    let start = START.get_or_init(|| std::env::var_os("PULLCHECK_TIMINGS").map(|_| Instant::now()));
    if let Some(start) = start {
        eprintln!(
            "pullcheck: timings: {:>8.2} ms {phase}",
            start.elapsed().as_secs_f64() * 1000.0
        );
    }
}
