//! The read-only reference for `bench/run.sh`: reads every `.yaml`, `.yml` and `.json` file under
//! a folder the way pullcheck reads a small file (open, statx, read to the end, close) on N
//! threads, and does nothing with the bytes. It prints the seconds the reads took, the walk
//! before them left out. How well this scales with threads — and with two processes at once —
//! bounds what pullcheck's own reading of a directory can.
//!
//! `cargo run --release --example read_only -- FOLDER THREADS [START]`: with START (seconds
//! since the Unix epoch) the reads wait for that moment, so that two processes read together.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(folder), Some(threads)) = (args.get(1), args.get(2).and_then(|t| t.parse().ok()))
    else {
        eprintln!("usage: read_only FOLDER THREADS [START]");
        std::process::exit(2);
    };
    let mut files = Vec::new();
    walk(Path::new(folder), &mut files);
    if let Some(start) = args.get(3).and_then(|s| s.parse::<f64>().ok()) {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        if let Some(wait) = Duration::from_secs_f64(start).checked_sub(now) {
            std::thread::sleep(wait);
        }
    }
    let next = AtomicUsize::new(0);
    let bytes = AtomicUsize::new(0);
    let started = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                while let Some(path) = files.get(next.fetch_add(1, Ordering::Relaxed)) {
                    bytes.fetch_add(read(path), Ordering::Relaxed);
                }
            });
        }
    });
    println!("{:.6}", started.elapsed().as_secs_f64());
    eprintln!("{} files, {} bytes", files.len(), bytes.into_inner());
}

fn read(path: &Path) -> usize {
    let Ok(mut file) = std::fs::File::open(path) else {
        return 0;
    };
    let len = file.metadata().map_or(0, |m| m.len() as usize);
    let mut buffer = Vec::with_capacity(len);
    // Through `take`, as pullcheck reads: std's `File::read_to_end` would ask the size again.
    (&mut file)
        .take(u64::MAX)
        .read_to_end(&mut buffer)
        .unwrap_or_default()
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        match entry.file_type() {
            Ok(t) if t.is_dir() => walk(&path, files),
            Ok(t) if t.is_file() => {
                let wanted = path
                    .extension()
                    .and_then(|e| e.to_str())
                    .is_some_and(|e| matches!(e, "yaml" | "yml" | "json"));
                if wanted {
                    files.push(path);
                }
            }
            _ => {}
        }
    }
}
