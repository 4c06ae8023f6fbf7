//! Asking the registries: every pull once, a bounded number at a time overall and per
//! registry, the answers of earlier runs taken from the cache.

use std::collections::HashMap;
use std::sync::Mutex;

use super::*;

/// The answers kept from earlier runs, and every other pull asked.
pub(super) fn ask_with_cache(
    client: &client::Client,
    pulls: &[Pull],
    settings: &OnlineSettings,
) -> Vec<Verdict> {
    let Some(path) = &settings.cache else {
        return ask_all(client, pulls, settings.concurrency);
    };
    let mut cache = cache::Cache::open(path, settings.cache_ttl);
    let kept: Vec<Option<Verdict>> = pulls.iter().map(|p| cache.get(&p.key())).collect();
    let missing: Vec<Pull> = (pulls.iter().zip(&kept))
        .filter(|(_, k)| k.is_none())
        .map(|(p, _)| p.clone())
        .collect();
    let mut asked = ask_all(client, &missing, settings.concurrency).into_iter();
    let mut missing = missing.iter();
    let verdicts: Vec<Verdict> = kept
        .into_iter()
        .map(|k| match k {
            Some(verdict) => verdict,
            None => {
                let verdict = asked.next().unwrap_or_else(|| unknown("not asked"));
                if let Some(pull) = missing.next() {
                    let by_digest = pull.image.digest().is_some() && pull.image.tag().is_none();
                    cache.put(&pull.key(), &verdict, by_digest);
                }
                verdict
            }
        })
        .collect();
    cache.save();
    verdicts
}

fn unknown(why: &str) -> Verdict {
    Verdict {
        status: Status::Unknown,
        detail: why.into(),
        digest: None,
        platforms: Vec::new(),
        credential: String::new(),
        tag_digest: None,
    }
}

/// Requests at a time to one registry, whatever the overall concurrency: a registry is not
/// hammered by one run.
const PER_REGISTRY: usize = 4;

/// How many requests each registry has in flight, bounded.
struct Slots {
    busy: Mutex<HashMap<String, usize>>,
    freed: std::sync::Condvar,
    limit: usize,
}

impl Slots {
    fn new(limit: usize) -> Slots {
        Slots {
            busy: Mutex::default(),
            freed: std::sync::Condvar::new(),
            limit: limit.max(1),
        }
    }

    fn acquire(&self, registry: &str) {
        let mut busy = self.busy.lock().unwrap_or_else(|p| p.into_inner());
        while busy.get(registry).copied().unwrap_or(0) >= self.limit {
            busy = self.freed.wait(busy).unwrap_or_else(|p| p.into_inner());
        }
        *busy.entry(registry.to_string()).or_default() += 1;
    }

    fn release(&self, registry: &str) {
        let mut busy = self.busy.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = busy.get_mut(registry) {
            *n = n.saturating_sub(1);
        }
        self.freed.notify_all();
    }
}

/// Asks every pull, `concurrency` at a time, at most [`PER_REGISTRY`] to one registry.
fn ask_all(client: &client::Client, pulls: &[Pull], concurrency: usize) -> Vec<Verdict> {
    let next = Mutex::new(0usize);
    let results: Mutex<Vec<Option<Verdict>>> = Mutex::new(vec![None; pulls.len()]);
    let workers = concurrency.clamp(1, 64).min(pulls.len().max(1));
    let slots = Slots::new(PER_REGISTRY.min(workers));
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    let i = {
                        let mut next = next.lock().unwrap_or_else(|p| p.into_inner());
                        let i = *next;
                        *next += 1;
                        i
                    };
                    let Some(pull) = pulls.get(i) else {
                        break;
                    };
                    let registry = pull.image.domain().to_string();
                    slots.acquire(&registry);
                    let verdict = ask(client, pull);
                    slots.release(&registry);
                    results.lock().unwrap_or_else(|p| p.into_inner())[i] = Some(verdict);
                }
            });
        }
    });
    results
        .into_inner()
        .unwrap_or_else(|p| p.into_inner())
        .into_iter()
        .map(|v| {
            v.unwrap_or_else(|| Verdict {
                status: Status::Unknown,
                detail: "not asked".into(),
                digest: None,
                platforms: Vec::new(),
                credential: String::new(),
                tag_digest: None,
            })
        })
        .collect()
}

/// One pull: each credential in order until the registry answers about the image; the
/// kubelet never falls back to anonymous once a credential matched.
fn ask(client: &client::Client, pull: &Pull) -> Verdict {
    if let Some(why) = &pull.unverifiable {
        return Verdict {
            status: Status::Unverifiable,
            detail: why.clone(),
            digest: None,
            platforms: Vec::new(),
            credential: "none".into(),
            tag_digest: None,
        };
    }
    let reference = pull
        .image
        .digest()
        .or(pull.image.tag())
        .unwrap_or("latest")
        .to_string();
    let mut last = None;
    for source in &pull.sources {
        let mut verdict = client.manifest(
            &pull.image,
            &reference,
            source.credential.as_ref(),
            &pull.platforms,
        );
        verdict.credential = source.label.clone();
        if verdict.status.is_answer() {
            if let (Some(tag), Some(_)) = (pull.image.tag(), pull.image.digest())
                && verdict.status == Status::Available
            {
                let by_tag = client.manifest(&pull.image, tag, source.credential.as_ref(), &[]);
                verdict.tag_digest = by_tag.digest;
            }
            return verdict;
        }
        last = Some(verdict);
    }
    last.unwrap_or_else(|| Verdict {
        status: Status::Unknown,
        detail: "no credential to try".into(),
        digest: None,
        platforms: Vec::new(),
        credential: String::new(),
        tag_digest: None,
    })
}
