#![deny(missing_docs)]
#![forbid(unsafe_code)]
//! scratch
use pykka::{actor, traversable, Actor, Context};

/// Playback.
#[traversable]
pub struct Playback {
    /// Volume.
    pub volume: u8,
    /// Inner.
    #[traversable]
    pub inner: Inner,
}

/// Inner
#[traversable]
pub struct Inner {
    /// depth
    pub depth: u32,
}

#[traversable]
impl Inner {
    /// Deeper.
    pub fn deeper(&mut self) -> u32 { self.depth += 1; self.depth }
}

#[traversable]
impl Playback {
    /// Plays.
    pub fn play(&mut self) -> String { format!("playing at {}", self.volume) }
}

/// Player.
#[actor]
pub struct Player {
    /// The playback.
    #[traversable]
    pub playback: Playback,
    /// Name.
    pub name: String,
}

impl Actor for Player { type Message = (); type Reply = (); }

#[actor]
impl Player {
    /// Self-proxy.
    pub fn later(&self, ctx: &Context<Self>) -> pykka::Future<String> {
        ctx.proxy().name()
    }
}

/// Generic pair.
#[actor]
pub struct Pair<T: Clone + Send + std::fmt::Debug + 'static> {
    /// Left.
    pub left: T,
}
impl<T: Clone + Send + std::fmt::Debug + 'static> Actor for Pair<T> { type Message = (); type Reply = (); }
#[actor]
impl<T: Clone + Send + std::fmt::Debug + 'static> Pair<T> {
    /// Swap.
    pub fn swap(&mut self, v: T) -> T { std::mem::replace(&mut self.left, v) }
}

fn main() {
    let p = Player { playback: Playback { volume: 3, inner: Inner { depth: 0 } }, name: "x".into() }.start().proxy().unwrap();
    assert_eq!(p.playback().play().get().unwrap(), "playing at 3");
    p.playback().set_volume(7).get().unwrap();
    assert_eq!(p.playback().volume().get().unwrap(), 7);
    assert_eq!(p.playback().inner().deeper().get().unwrap(), 1);
    assert_eq!(p.playback().inner().depth().get().unwrap(), 1);
    println!("{:?} {}", p.playback().inner(), p);
    assert_eq!(p.later().get().unwrap().get().unwrap(), "x");
    let q = Pair { left: 1u32 }.start().proxy().unwrap();
    assert_eq!(q.swap(2).get().unwrap(), 1);
    assert_eq!(q.left().get().unwrap(), 2);
    p.actor_ref().stop(); q.actor_ref().stop();
}
