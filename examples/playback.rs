//! Traversable attributes: reaching the methods and fields of an actor's field through a
//! nested proxy, as deep as the chain of traversable fields goes.
//!
//! Port of Pykka's manual, section 2.1.4 "Actor proxies", part "Traversable attributes on
//! proxies".
//!
//! ```text
//! cargo run -p examples --example playback
//! ```
//!
//! Python marks the attribute with `pykka.traversable(Playback())`; here the field carries
//! `#[traversable]`, and its type carries `#[pykka::traversable]` on its struct and `impl`
//! block. The manual's `Playback` has one method; the `Mixer` below it shows the nesting the
//! manual describes in words.

use pykka::{Actor, actor, traversable};

/// The actor, whose `playback` is reached through a nested proxy.
#[actor]
#[derive(Debug, Default)]
pub struct AnActor {
    /// Traversable: `proxy.playback()` is a proxy, not a future of the value.
    #[traversable]
    pub playback: Playback,
}

impl Actor for AnActor {
    type Message = ();
    type Reply = ();
}

#[actor]
impl AnActor {}

/// Plays music.
#[traversable]
#[derive(Debug, Default)]
pub struct Playback {
    /// Traversable too: `proxy.playback().mixer()` is a proxy.
    #[traversable]
    pub mixer: Mixer,
}

#[traversable]
impl Playback {
    /// Starts playing; returns true on success.
    pub fn play(&self) -> bool {
        true
    }
}

/// Controls the volume.
#[traversable]
#[derive(Debug, Default)]
pub struct Mixer {
    /// The volume, from 0 to 100.
    pub volume: u8,
}

#[traversable]
impl Mixer {
    /// Turns the volume up by `by`, at most to 100, and returns it.
    pub fn louder(&mut self, by: u8) -> u8 {
        self.volume = self.volume.saturating_add(by).min(100);
        self.volume
    }
}

fn main() -> pykka::Result<()> {
    let proxy = AnActor::default().start().proxy()?;

    let play_success = proxy.playback().play().get()?;
    println!("playback.play() => {play_success}");

    // Two levels down: a method, a field write and a field read.
    println!(
        "playback.mixer.louder(30) => {}",
        proxy.playback().mixer().louder(30).get()?
    );
    proxy.playback().mixer().set_volume(80).get()?;
    println!("playback.mixer.volume => {}", proxy.playback().mixer().volume().get()?);

    proxy.actor_ref().stop();
    Ok(())
}
