//! Traversable fields: nested proxies reaching into an actor's fields, as deep as the chain
//! of `#[traversable]` fields goes.
//!
//! Covers B089, B090, B095 and B100 of `shared/reference/pykka-behaviors.md` (B088 and
//! B112-B115 are compile-fail cases in `tests/ui`; B091 is dropped: Rust has no `__slots__`).

use std::time::Duration;

use pykka::{Actor, ActorRegistry, Context, actor, traversable};

const TIMEOUT: Duration = Duration::from_secs(10);

/// The manual's Playback, reachable from the player's proxy.
#[traversable]
#[derive(Clone, Debug, PartialEq)]
pub struct Playback {
    /// Is it playing?
    pub playing: bool,
    /// A nested traversable: the mixer.
    #[traversable]
    pub mixer: Mixer,
}

/// Volume control, two levels down.
#[traversable]
#[derive(Clone, Debug, PartialEq)]
pub struct Mixer {
    /// The volume.
    pub volume: u8,
}

#[traversable]
impl Playback {
    /// Starts playing; returns the thread it ran on.
    pub fn play(&mut self) -> String {
        self.playing = true;
        std::thread::current().name().unwrap_or_default().to_string()
    }
}

#[traversable]
impl Mixer {
    /// Turns it up by `by`, returning the new volume.
    pub fn louder(&mut self, by: u8) -> u8 {
        self.volume += by;
        self.volume
    }
}

/// The actor owning the traversables.
#[actor]
pub struct Player {
    /// Marked: exposed as a nested proxy, not a value.
    #[traversable]
    pub playback: Playback,
}

impl Actor for Player {
    type Message = ();
    type Reply = ();
    // b089 checks the thread's name: the thread runtime's, whatever PYKKA_RUNTIME says.
    const RUNTIME: pykka::Runtime = pykka::Runtime::Thread;
}

#[actor]
impl Player {
    /// B090: a method returning a traversable type yields its value, not a proxy.
    pub fn snapshot(&self) -> Playback {
        self.playback.clone()
    }

    /// A method on the actor that reaches its own traversable through the self-proxy.
    pub fn volume_later(&self, ctx: &Context<Self>) -> pykka::Future<u8> {
        ctx.proxy().playback().mixer().volume()
    }
}

fn player(registry: &ActorRegistry) -> PlayerProxy {
    Player {
        playback: Playback {
            playing: false,
            mixer: Mixer { volume: 1 },
        },
    }
    .start_in(registry)
    .proxy()
    .unwrap()
}

#[test]
fn b089_traversable_methods_and_fields_run_on_the_actor_thread() {
    let registry = ActorRegistry::new();
    let proxy = player(&registry);
    let thread = proxy.playback().play().get_timeout(TIMEOUT).unwrap();
    assert!(thread.starts_with("Player-"), "{thread}");
    assert!(proxy.playback().playing().get_timeout(TIMEOUT).unwrap());
    proxy.playback().set_playing(false).get_timeout(TIMEOUT).unwrap();
    assert!(!proxy.playback().playing().get_timeout(TIMEOUT).unwrap());
    registry.stop_all();
}

#[test]
fn nested_traversables_go_as_deep_as_the_chain() {
    let registry = ActorRegistry::new();
    let proxy = player(&registry);
    assert_eq!(proxy.playback().mixer().louder(2).get_timeout(TIMEOUT).unwrap(), 3);
    proxy.playback().mixer().defer().louder(4).unwrap();
    proxy.playback().mixer().defer().set_volume(10).unwrap();
    assert_eq!(proxy.playback().mixer().volume().get_timeout(TIMEOUT).unwrap(), 10);
    assert_eq!(
        proxy
            .volume_later()
            .get_timeout(TIMEOUT)
            .unwrap()
            .get_timeout(TIMEOUT)
            .unwrap(),
        10
    );
    registry.stop_all();
}

#[test]
fn b090_a_method_returning_a_traversable_type_returns_its_value() {
    let registry = ActorRegistry::new();
    let proxy = player(&registry);
    let snapshot = proxy.snapshot().get_timeout(TIMEOUT).unwrap();
    assert_eq!(
        snapshot,
        Playback {
            playing: false,
            mixer: Mixer { volume: 1 }
        }
    );
    registry.stop_all();
}

#[test]
fn b095_b100_nested_proxies_carry_their_path() {
    let registry = ActorRegistry::new();
    let proxy = player(&registry);
    let mixer = proxy.playback().mixer();
    assert_eq!(mixer.attr_path(), ["playback", "mixer"]);
    assert_eq!(mixer, proxy.playback().mixer());
    assert_ne!(proxy.playback().attr_path(), proxy.attr_path()); // B095
    let debug = format!("{mixer:?}");
    assert!(debug.contains("attr_path=(\"playback\",\"mixer\",)"), "{debug}"); // B100
    assert!(debug.contains(proxy.actor_ref().urn()), "{debug}");
    assert!(mixer.to_string().contains("attr_path=playback.mixer"), "{mixer}");
    assert_eq!(mixer.actor_ref(), proxy.actor_ref());
    registry.stop_all();
}

#[test]
fn nested_calls_on_a_dead_actor_fail_with_actor_dead() {
    let registry = ActorRegistry::new();
    let proxy = player(&registry);
    let mixer = proxy.playback().mixer();
    proxy.actor_ref().stop();
    assert!(mixer.louder(1).get_timeout(TIMEOUT).unwrap_err().is_actor_dead());
    assert!(mixer.defer().louder(1).unwrap_err().is_actor_dead());
}
