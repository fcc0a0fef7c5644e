//! [`ActorId`]: an actor's type name and URN, as shown in logs and errors.

use std::fmt;
use std::sync::Arc;

/// The identity of an actor: its type name and its URN (`urn:uuid:<v4 uuid>`).
///
/// Cheap to clone. Displays as `Calculator (urn:uuid:…)`, the form used by errors, logs and
/// [`ActorRef`](crate::ActorRef)'s `Display`. Two ids are equal when their URNs are.
#[derive(Clone)]
pub struct ActorId {
    inner: Arc<IdInner>,
}

struct IdInner {
    name: &'static str,
    /// The UUID of the URN, as a number: what ids are compared by.
    key: u128,
    /// `urn:uuid:` and the UUID's 36 characters, in the same allocation (ASCII).
    urn: [u8; uuid::fmt::Urn::LENGTH],
}

impl ActorId {
    pub(crate) fn new(name: &'static str) -> Self {
        let uuid = uuid::Builder::from_random_bytes(random_bytes()).into_uuid();
        let mut urn = [0; uuid::fmt::Urn::LENGTH];
        uuid.urn().encode_lower(&mut urn);
        ActorId {
            inner: Arc::new(IdInner {
                name,
                key: uuid.as_u128(),
                urn,
            }),
        }
    }

    /// The URN's UUID as a number: equal for equal ids, cheap to compare and hash.
    pub(crate) fn key(&self) -> u128 {
        self.inner.key
    }

    /// Returns the actor's type name, e.g. `"Calculator"`.
    pub fn name(&self) -> &'static str {
        self.inner.name
    }

    /// Returns the actor's URN, e.g. `"urn:uuid:0f1e…"`.
    pub fn urn(&self) -> &str {
        std::str::from_utf8(&self.inner.urn).unwrap_or("urn:uuid:?")
    }
}

/// 16 random bytes for a version 4 UUID, from two SplitMix64 streams per thread, both seeded
/// once from the operating system's randomness (uuid's `new_v4` asks the operating system
/// every time: a system call per actor start). Ids need to be unique, not secret. Within a
/// thread the pairs never repeat (SplitMix64's output is a bijection of its counter, whose
/// period is 2^64); two threads collide only if their two seeds differ by the same amount, a
/// 2^-64 chance per pair of threads.
fn random_bytes() -> [u8; 16] {
    use std::cell::Cell;
    thread_local! {
        static STATE: Cell<(u64, u64)> = Cell::new({
            let seed = uuid::Uuid::new_v4().as_u128();
            (seed as u64, (seed >> 64) as u64)
        });
    }
    let (a, b) = STATE.with(|state| {
        let (a, b) = state.get();
        let (a, b) = (a.wrapping_add(GOLDEN), b.wrapping_add(GOLDEN));
        state.set((a, b));
        (mix(a), mix(b))
    });
    ((u128::from(a) << 64) | u128::from(b)).to_le_bytes()
}

/// SplitMix64's increment (Steele, Lea and Flood, 2014).
const GOLDEN: u64 = 0x9e37_79b9_7f4a_7c15;

/// SplitMix64's output function.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A hasher for keys that are random already: an actor's key (its UUID's bits, which
/// [`ActorId`] hashes), a `TypeId`. Folding the bits is enough for a hash table, and the
/// default SipHash cost a start and a stop of a pooled actor about a tenth of their
/// instructions (the registry, the debug table and the type name cache each hash the key).
/// The keys are made by this crate (or the compiler), never chosen by a peer, so there is no
/// flooding to defend against. Anything else is hashed with FNV-1a.
#[derive(Clone, Copy, Debug)]
pub(crate) struct KeyHasher(u64);

impl Default for KeyHasher {
    fn default() -> Self {
        KeyHasher(FNV_OFFSET)
    }
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x100_0000_01b3;

impl std::hash::Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(FNV_PRIME);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 ^= n;
    }

    fn write_u128(&mut self, n: u128) {
        self.0 ^= (n as u64) ^ ((n >> 64) as u64);
    }
}

/// A hash map keyed by random keys ([`KeyHasher`]).
pub(crate) type KeyMap<K, V> = std::collections::HashMap<K, V, std::hash::BuildHasherDefault<KeyHasher>>;

impl PartialEq for ActorId {
    fn eq(&self, other: &Self) -> bool {
        // Equal keys are equal URNs: the URN is made from the key.
        Arc::ptr_eq(&self.inner, &other.inner) || self.inner.key == other.inner.key
    }
}

impl Eq for ActorId {}

impl std::hash::Hash for ActorId {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        // The URN's UUID, not its text: the same identity, hashed without reading 45 bytes.
        self.inner.key.hash(state);
    }
}

impl fmt::Display for ActorId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.inner.name, self.urn())
    }
}

impl fmt::Debug for ActorId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// Returns the short name of a type: the last path segment of `type_name`, generics kept.
///
/// `my_crate::calc::Calculator` becomes `Calculator`; `a::Wrapper<b::Inner>` becomes
/// `Wrapper<Inner>`.
pub(crate) fn short_type_name(full: &'static str) -> &'static str {
    // Fast path for the common non-generic case: no allocation.
    if !full.contains('<') {
        return full.rsplit("::").next().unwrap_or(full);
    }
    let mut out = String::new();
    let mut segment = String::new();
    for ch in full.chars() {
        match ch {
            '<' | '>' | ',' | ' ' | '(' | ')' | '[' | ']' | ';' | '&' => {
                out.push_str(segment.rsplit("::").next().unwrap_or(&segment));
                segment.clear();
                out.push(ch);
            }
            _ => segment.push(ch),
        }
    }
    out.push_str(segment.rsplit("::").next().unwrap_or(&segment));
    // Leaked once per generic actor type (names are cached per type by the caller).
    Box::leak(out.into_boxed_str())
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::ActorId;

    /// Ids from the per-thread generator are version 4 UUID URNs, distinct across threads.
    #[test]
    fn ids_are_distinct_v4_urns_across_threads() {
        let threads: Vec<_> = (0..4)
            .map(|_| std::thread::spawn(|| (0..25_000).map(|_| ActorId::new("Probe")).collect::<Vec<_>>()))
            .collect();
        let mut seen = HashSet::new();
        for thread in threads {
            for id in thread.join().unwrap() {
                let uuid = uuid::Uuid::parse_str(id.urn().strip_prefix("urn:uuid:").unwrap()).unwrap();
                assert_eq!(uuid.get_version_num(), 4, "{}", id.urn());
                assert_eq!(uuid.as_u128(), id.key());
                assert!(seen.insert(id.key()), "a repeated id: {}", id.urn());
            }
        }
        assert_eq!(seen.len(), 100_000);
    }
}
