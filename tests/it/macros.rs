//! What `#[actor]` generates for the inputs that once panicked the macro, were rejected, or
//! confused it: `Self` in signatures, arguments named like generated locals, a user type named
//! `Context`, an impl block naming its type by path, forwarded `#[cfg]`/`#[deprecated]`/
//! `#[allow]`, and the `#[proxy(rename)]`/`#[proxy(skip)]` helper attribute.
//!
//! The compile-time halves (what is rejected, and why) are the ui cases in `tests/ui`.

use pykka::{Actor, ActorRegistry, Dispatch, actor};

use crate::support::DEFAULT_TIMEOUT;

mod audio {
    use pykka::{Actor, actor};

    /// A mixer whose `#[actor]` impl block is outside its module.
    #[actor]
    #[derive(Clone)]
    pub struct Mixer {
        pub level: u8,
        /// Exposed as `gain()` / `set_gain()`.
        #[proxy(rename = "gain")]
        pub volume: u8,
        /// Exposed by no accessor, so the `set_limit` method below may take its setter's name.
        #[proxy(skip)]
        pub limit: u8,
        #[cfg(not(test))]
        pub configured_out: NoSuchType,
        #[deprecated = "use `level`"]
        pub old_level: u8,
    }

    impl Actor for Mixer {
        type Message = ();
        type Reply = ();
    }
}

/// A user type named like pykka's context: an ordinary argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Context(pub u8);

#[actor]
impl audio::Mixer {
    /// `Self` in an argument and in the result: the concrete type in generated code.
    pub fn louder_of(&self, other: Self) -> Self {
        if other.level > self.level {
            other
        } else {
            Clone::clone(self)
        }
    }

    pub fn levels(&self, others: Vec<Self>) -> Vec<u8> {
        others.iter().map(|m| m.level).chain([self.level]).collect()
    }

    /// Arguments named like the generated code's locals.
    pub fn sum(&self, __pykka_reply: u8, __pykka_future: u8, __pykka_target: u8, reply_to: u8) -> u8 {
        __pykka_reply + __pykka_future + __pykka_target + reply_to
    }

    pub fn with_context(&self, own: Context, shared: &'static Context, ctx: &pykka::Context<Self>) -> String {
        format!("{} {} {}", own.0, shared.0, ctx.actor_ref().is_alive())
    }

    pub fn set_limit(&mut self, limit: u8) {
        self.limit = limit.min(100);
    }

    pub fn limit(&self) -> u8 {
        self.limit
    }

    /// Renamed: as `clone` it would shadow the proxy's `Clone::clone`.
    #[proxy(rename = "copy")]
    pub fn clone(&self) -> u8 {
        self.level
    }

    /// Kept off the proxy: it borrows.
    #[proxy(skip)]
    pub fn describe(&self, prefix: &str) -> String {
        format!("{prefix}{}", self.level)
    }

    #[cfg(not(test))]
    pub fn configured_out(&self, _x: NoSuchType) {}

    #[cfg(test)]
    pub fn configured_in(&self) -> u8 {
        self.level
    }

    #[deprecated = "use `configured_in`"]
    pub fn old(&self) -> u8 {
        self.level
    }
}

fn mixer(level: u8) -> audio::Mixer {
    #[allow(deprecated, reason = "the test builds the deprecated field")]
    audio::Mixer {
        level,
        volume: 0,
        limit: 0,
        old_level: level,
    }
}

#[test]
fn self_in_a_signature_means_the_actor_type() {
    let registry = ActorRegistry::new();
    let proxy = mixer(3).start_in(&registry).proxy().unwrap();
    let louder = proxy.louder_of(mixer(7)).get_timeout(DEFAULT_TIMEOUT).unwrap();
    assert_eq!(louder.level, 7);
    let levels = proxy
        .levels(vec![mixer(1), mixer(2)])
        .get_timeout(DEFAULT_TIMEOUT)
        .unwrap();
    assert_eq!(levels, [1, 2, 3]);
    registry.stop_all();
}

#[test]
fn arguments_named_like_generated_locals_reach_the_method() {
    let registry = ActorRegistry::new();
    let proxy = mixer(0).start_in(&registry).proxy().unwrap();
    assert_eq!(proxy.sum(1, 2, 4, 8).get_timeout(DEFAULT_TIMEOUT).unwrap(), 15);
    proxy.defer().sum(1, 2, 4, 8).unwrap();
    registry.stop_all();
}

#[test]
fn only_pykkas_context_is_filled_in_by_the_runtime() {
    static SHARED: Context = Context(2);
    let registry = ActorRegistry::new();
    let proxy = mixer(0).start_in(&registry).proxy().unwrap();
    let reply = proxy
        .with_context(Context(1), &SHARED)
        .get_timeout(DEFAULT_TIMEOUT)
        .unwrap();
    assert_eq!(reply, "1 2 true");
    registry.stop_all();
}

#[test]
fn renamed_field_accessors_read_and_write_the_field() {
    let registry = ActorRegistry::new();
    let proxy = mixer(0).start_in(&registry).proxy().unwrap();
    proxy.set_gain(40).get_timeout(DEFAULT_TIMEOUT).unwrap();
    proxy.defer().set_gain(41).unwrap();
    assert_eq!(proxy.gain().get_timeout(DEFAULT_TIMEOUT).unwrap(), 41);
    let message = audio::MixerMessage::GetGain {
        reply: pykka::Reply::tell(),
    };
    assert_eq!(message.label(), "volume", "logs and paths keep the field's own name");
    registry.stop_all();
}

#[test]
fn a_skipped_field_leaves_its_accessor_names_to_methods() {
    let registry = ActorRegistry::new();
    let proxy = mixer(0).start_in(&registry).proxy().unwrap();
    proxy.set_limit(250).get_timeout(DEFAULT_TIMEOUT).unwrap();
    assert_eq!(
        proxy.limit().get_timeout(DEFAULT_TIMEOUT).unwrap(),
        100,
        "the method clamps; no setter bypassed it"
    );
    registry.stop_all();
}

#[test]
fn a_renamed_method_keeps_the_proxys_clone() {
    let registry = ActorRegistry::new();
    let proxy = mixer(5).start_in(&registry).proxy().unwrap();
    let twin = proxy.clone();
    assert_eq!(twin, proxy, "`clone()` clones the proxy");
    assert_eq!(proxy.copy().get_timeout(DEFAULT_TIMEOUT).unwrap(), 5);
    assert_eq!(
        MixerCall::Copy {
            reply: pykka::Reply::tell()
        }
        .label(),
        "copy"
    );
    registry.stop_all();
}

#[test]
fn forwarded_cfg_and_deprecated_keep_items_callable() {
    let registry = ActorRegistry::new();
    let proxy = mixer(6).start_in(&registry).proxy().unwrap();
    assert_eq!(proxy.configured_in().get_timeout(DEFAULT_TIMEOUT).unwrap(), 6);
    #[allow(deprecated, reason = "the deprecation is forwarded to the proxy")]
    let old = (
        proxy.old().get_timeout(DEFAULT_TIMEOUT).unwrap(),
        proxy.old_level().get_timeout(DEFAULT_TIMEOUT).unwrap(),
    );
    assert_eq!(old, (6, 6));
    registry.stop_all();
}

#[test]
fn a_skipped_method_is_still_the_actors_own() {
    assert_eq!(mixer(4).describe("level "), "level 4");
}
