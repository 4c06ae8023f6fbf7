//! A fast hash for the keys a run makes itself — normalised paths looked up by the thousand.
//! std's SipHash resists keys chosen to collide, and hashing the corpus' 3,800 paths into a
//! map with it was most of a serial 1.5 ms. The keys put in these maps are the paths of the
//! run's own files (manifest text is only looked up), a collision costs time, not a wrong
//! answer, and the hash is seeded per process as std's is, so that names made to collide
//! in one run do not in the next.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

pub type Map<K, V> = HashMap<K, V, BuildHasherDefault<Fast>>;
pub type Set<K> = HashSet<K, BuildHasherDefault<Fast>>;

/// rustc's Fx word mixing over 8 bytes at a time, finished by a full avalanche (hashbrown
/// takes buckets from the low bits, which the multiply alone leaves weak).
#[derive(Clone, Copy)]
pub struct Fast(u64);

impl Default for Fast {
    fn default() -> Self {
        static SEED: std::sync::LazyLock<u64> = std::sync::LazyLock::new(|| {
            use std::hash::BuildHasher;
            std::collections::hash_map::RandomState::new().hash_one(0_u64)
        });
        Fast(*SEED)
    }
}

impl Fast {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for Fast {
    fn write(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        for word in &mut words {
            let mut w = [0; 8];
            w.copy_from_slice(word);
            self.add(u64::from_le_bytes(w));
        }
        let rest = words.remainder();
        let mut w = [0; 8];
        w[..rest.len()].copy_from_slice(rest);
        // The length too: `a` and `a\0` differ.
        self.add(u64::from_le_bytes(w) ^ ((bytes.len() as u64) << 56));
    }

    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }

    fn finish(&self) -> u64 {
        // MurmurHash3's fmix64.
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        h ^ (h >> 33)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::BuildHasher;

    #[test]
    fn paths_differing_anywhere_spread_over_the_low_bits() {
        // Names alike but for one byte, at every place in the last word and before it: the
        // buckets of a 4,096-slot table they fall in are nearly all different.
        let hasher = BuildHasherDefault::<Fast>::default();
        let mut buckets = HashSet::new();
        let mut names = 0;
        for place in 0..24 {
            for byte in b'a'..=b'z' {
                let mut name = b"corpus/kustomize/overlays/file-x.yaml".to_vec();
                let at = name.len() - 1 - place;
                name[at] = byte;
                buckets.insert(hasher.hash_one(&name) & 4095);
                names += 1;
            }
        }
        // Random hashes would fall in about 93% as many slots as there are names.
        assert!(
            buckets.len() * 100 >= names * 80,
            "{} of {names}",
            buckets.len()
        );
        assert_ne!(
            hasher.hash_one(b"a".as_slice()),
            hasher.hash_one(b"a\0".as_slice())
        );
    }
}
