//! A user crate under strict lints: the generated code must not trip any of them.
#![deny(missing_docs, warnings)]
#![deny(missing_debug_implementations)]
#![deny(unused_lifetimes, single_use_lifetimes)]
#![forbid(unsafe_code)]

use pykka::{actor, traversable, Actor, Context, Future};

/// The playback state of a player.
#[derive(Debug)]
#[traversable]
pub struct Playback {
    /// The volume, from 0 to 100.
    pub volume: u8,
}

#[traversable]
impl Playback {
    /// Starts playing and says so.
    pub fn play(&mut self) -> String {
        format!("playing at {}", self.volume)
    }
}

/// A music player.
#[derive(Debug)]
#[actor]
pub struct Player {
    /// The player's name.
    pub name: String,
    /// Its playback, reached through a nested proxy.
    #[traversable]
    pub playback: Playback,
    /// Not exposed through the proxy.
    plays: u32,
}

impl Actor for Player {
    type Message = ();
    type Reply = ();
}

#[actor]
impl Player {
    /// Counts a play and returns the new count.
    pub fn count_play(&mut self) -> u32 {
        self.plays += 1;
        self.plays
    }

    /// Resets the play count; never called here, which must not warn.
    pub fn reset_plays(&mut self) {
        self.plays = 0;
    }

    /// Returns a future of the name, read through the actor's own proxy.
    pub fn name_later(&self, ctx: &Context<Self>) -> Future<String> {
        ctx.proxy().name()
    }
}

/// A generic holder of one value.
#[derive(Debug)]
#[actor]
pub struct Holder<T>
where
    T: Clone + Send + std::fmt::Debug + 'static,
{
    /// The held value.
    pub value: T,
}

impl<T: Clone + Send + std::fmt::Debug + 'static> Actor for Holder<T> {
    type Message = ();
    type Reply = ();
}

#[actor]
impl<T> Holder<T>
where
    T: Clone + Send + std::fmt::Debug + 'static,
{
    /// Replaces the value and returns the old one.
    pub fn swap(&mut self, value: T) -> T {
        std::mem::replace(&mut self.value, value)
    }
}

/// An actor with neither `pub` fields nor `pub` methods.
#[derive(Debug)]
#[actor]
pub struct Idle;

impl Actor for Idle {
    type Message = ();
    type Reply = ();
}

#[actor]
impl Idle {}

fn main() {
    let player = Player { name: "hifi".into(), playback: Playback { volume: 3 }, plays: 0 };
    let proxy = player.start().proxy().unwrap();
    // B114: a method returns a future of its result.
    assert_eq!(proxy.count_play().get().unwrap(), 1);
    proxy.defer().count_play().unwrap();
    // B112: a field is read through the typed proxy.
    assert_eq!(proxy.name().get().unwrap(), "hifi");
    proxy.set_name("radio".into()).get().unwrap();
    assert_eq!(proxy.name_later().get().unwrap().get().unwrap(), "radio");
    // B113: a traversable field is reached through a nested proxy.
    proxy.playback().set_volume(7).get().unwrap();
    assert_eq!(proxy.playback().play().get().unwrap(), "playing at 7");
    // B115: the actor's own methods are reached through `actor_ref()`.
    assert!(proxy.actor_ref().stop());

    let holder = Holder { value: 1u32 }.start().proxy().unwrap();
    assert_eq!(holder.swap(2).get().unwrap(), 1);
    assert_eq!(holder.value().get().unwrap(), 2);
    assert!(holder.actor_ref().stop());

    let idle = Idle.start().proxy().unwrap();
    assert!(idle.actor_ref().stop());
}
