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
    urn: String,
}

impl ActorId {
    pub(crate) fn new(name: &'static str) -> Self {
        let uuid = uuid::Uuid::new_v4();
        let urn = format!("urn:uuid:{uuid}");
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
        &self.inner.urn
    }
}

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
        write!(f, "{} ({})", self.inner.name, self.inner.urn)
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
