//! The walk against `ignore`'s own, on generated trees with rules everywhere.

use std::path::Path;

use super::rules::strip_prefix;
use super::walk;
use crate::input::InputSource;
use crate::input::discover::{exclude_overrides, found_file, walk_with_ignore};

/// A small deterministic generator (xorshift), so that a failing tree can be made again
/// from its seed.
struct Dice(u64);

impl Dice {
    fn roll(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.roll(items.len())]
    }
}

const FILES: &[&str] = &[
    "a.yaml",
    "b.yml",
    "c.json",
    "d.YAML",
    "keep.json",
    "notes.txt",
    ".hidden.yaml",
    ".env.yaml",
    "Kustomization",
    "kustomization.yaml",
    "x y.yaml",
    "ünï.yaml",
];
const DIRS: &[&str] = &["d1", "sub", "build", "vendor", ".hid", "docs", "ok"];
const RULES: &[&str] = &[
    "*.json",
    "!keep.json",
    "/d1",
    "build/",
    "**/sub",
    "a.*",
    ".hid*",
    "!.hidden.yaml",
    "d1/*.yaml",
    "*",
    "!*/",
    "# a comment",
    "\\!x",
    "[ab].y*ml",
    "vendor",
    "!vendor/",
    "!vendor/ok/",
    "sub/**",
    "/a.yaml",
    "ok/a.yaml",
    "*.YAML",
    "!d.YAML",
    "",
    "docs/*",
    "!docs/b.yml",
    "**/ok/**/*.json",
    "[",
    "x\\ y.yaml",
    "ü*",
    "root/d1",
    "/root/a.yaml",
    "mid/root/*.json",
    "root/**/b.yml",
    "!root/sub/",
    "\\",
];
const EXCLUDES: &[&str] = &["*.json", "d1", "**/sub/**", "build/*.yaml", "!weird["];

fn write_rules(dice: &mut Dice, path: &Path) {
    let lines: Vec<&str> = (0..1 + dice.roll(4)).map(|_| dice.pick(RULES)).collect();
    std::fs::write(path, lines.join("\n")).unwrap();
}

/// A folder of files, folders and ignore files, `depth` levels deep at most.
fn fill(dice: &mut Dice, dir: &Path, depth: usize) {
    std::fs::create_dir_all(dir).unwrap();
    for _ in 0..dice.roll(5) {
        std::fs::write(dir.join(dice.pick(FILES)), "kind: Pod\n").unwrap();
    }
    match dice.roll(6) {
        0 => write_rules(dice, &dir.join(".gitignore")),
        1 => write_rules(dice, &dir.join(".ignore")),
        2 if !dir.join(".git").is_file() => {
            std::fs::create_dir_all(dir.join(".git/info")).unwrap();
            write_rules(dice, &dir.join(".git/info/exclude"));
        }
        _ => {}
    }
    if dice.roll(8) == 0 && !dir.join(".git").exists() {
        // A worktree: `.git` names the folder that has `commondir`.
        let real = dir.join(".real-git");
        std::fs::create_dir_all(real.join("common/info")).unwrap();
        std::fs::write(
            real.join("commondir"),
            real.join("common").to_str().unwrap(),
        )
        .unwrap();
        write_rules(dice, &real.join("common/info/exclude"));
        std::fs::write(dir.join(".git"), format!("gitdir: {}\n", real.display())).unwrap();
    }
    #[cfg(unix)]
    if dice.roll(6) == 0 {
        let target = dir.join(dice.pick(FILES));
        let _ = std::os::unix::fs::symlink(&target, dir.join("link.yaml"));
        let _ = std::os::unix::fs::symlink(dir, dir.join("loop"));
    }
    if depth > 0 {
        for _ in 0..dice.roll(4) {
            let sub = dir.join(dice.pick(DIRS));
            fill(dice, &sub, depth - 1);
        }
    }
}

fn names(files: Vec<InputSource>) -> Vec<String> {
    let mut names: Vec<String> = files.iter().map(|f| f.name().to_string()).collect();
    names.sort();
    names
}

/// This walk and `ignore`'s find the same files and the same problems in the trees of
/// `seeds`, each walked from a folder with rules in its ancestors too, with and without
/// excludes, on one thread and on a pool of two.
fn same_as_ignore(seeds: std::ops::Range<u64>, pool: Option<&rayon::ThreadPool>) {
    // How often the rules changed what was found, and how often an ancestor's bad glob
    // sent the walk to `ignore`: the trees must exercise both.
    let (mut ruled, mut unsupported, mut walks) = (0, 0, 0);
    for seed in seeds {
        let mut dice = Dice(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
        let temp = tempfile::tempdir().unwrap();
        let top = temp.path().join("top");
        fill(&mut dice, &top, 1);
        let root = top.join("mid/root");
        fill(&mut dice, &top.join("mid"), 0);
        fill(&mut dice, &root, 3);
        let excludes: Vec<String> = (0..dice.roll(3))
            .map(|_| dice.pick(EXCLUDES).to_string())
            .collect();
        let Ok(overrides) = exclude_overrides(&root, &excludes) else {
            continue;
        };
        // Also as a path relative to the current directory, up and down again.
        let cwd = std::env::current_dir().unwrap();
        let up = "../".repeat(cwd.components().count() - 1);
        let relative = Path::new(&up).join(root.strip_prefix("/").unwrap());
        let dotted = Path::new(".").join(&relative);
        for root in [
            root.clone(),
            root.join(""),
            root.join("./."),
            relative,
            dotted,
        ] {
            let run = || {
                let mine = walk(&root, &overrides, found_file).map(|w| {
                    let problems = w.problems.iter().map(|p| p.to_string()).collect();
                    (names(w.files), problems)
                });
                let (files, problems) = walk_with_ignore(&root, overrides.clone(), 1);
                let mut problems: Vec<String> = problems.into_iter().map(|p| p.1).collect();
                problems.sort();
                (mine, (names(files), problems))
            };
            let (mine, theirs) = match pool {
                Some(pool) => pool.install(run),
                None => run(),
            };
            walks += 1;
            unsupported += usize::from(mine.is_err());
            ruled += usize::from(theirs.0 != names(unruled(&root)));
            let mine = mine.unwrap_or_else(|_| theirs.clone());
            assert_eq!(
                mine,
                theirs,
                "seed {seed}, root {}, excludes {excludes:?}",
                root.display()
            );
        }
    }
    eprintln!("{walks} walks; the rules changed {ruled}; {unsupported} left to ignore's walker");
    assert!(ruled * 2 > walks, "rules changed {ruled} of {walks} walks");
    assert!(
        unsupported > 0 && unsupported * 3 < walks,
        "{unsupported} of {walks}"
    );
}

/// The inputs under `root` with hidden files skipped, and no rule at all.
fn unruled(root: &Path) -> Vec<InputSource> {
    let walk = ignore::WalkBuilder::new(root)
        .standard_filters(false)
        .hidden(true)
        .build();
    (walk.flatten())
        .filter(|e| e.depth() > 0)
        .filter_map(|e| {
            let kind = e.file_type()?;
            found_file(e.into_path(), kind)
        })
        .collect()
}

fn pool_of_two() -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap()
}

/// The quick loop's share: a hundred trees, on one thread and on a pool. It catches most
/// mistakes; some (two kinds of rule swapped, the ancestors' path join, a `./` root) show only
/// in the slow group's 300 trees, which CI runs.
#[test]
fn finds_what_ignore_finds() {
    same_as_ignore(0..50, None);
    same_as_ignore(1000..1050, Some(&pool_of_two()));
}

#[test]
#[ignore = "slow: 300 trees written and walked both ways (3-6 s); `cargo test -- --include-ignored` and .ci/run run it"]
fn finds_what_ignore_finds_in_many_trees() {
    same_as_ignore(0..150, None);
    same_as_ignore(1000..1150, Some(&pool_of_two()));
}

#[test]
fn strips_whole_names_only() {
    let strip = |prefix: &str, path: &str| {
        strip_prefix(prefix, Path::new(path)).map(|p| p.to_str().unwrap().to_string())
    };
    assert_eq!(strip("./", "./a/b").as_deref(), Some("a/b"));
    assert_eq!(strip("/foo", "/foo/bar").as_deref(), Some("/bar"));
    assert_eq!(strip("/foo", "/foobar"), None);
    assert_eq!(strip("/foo/", "/foo/bar").as_deref(), Some("bar"));
    assert_eq!(strip("/foo", "/foo").as_deref(), Some(""));
    assert_eq!(strip("a", "b"), None);
}
