#![deny(deprecated)]

use pykka::{actor, Actor};

#[actor]
pub struct Player {
    #[deprecated = "use `level`"]
    pub volume: u8,
}

impl Actor for Player { type Message = (); type Reply = (); }

#[actor]
impl Player {
    #[deprecated = "use `play`"]
    pub fn start_playing(&self) {}
}

fn main() {
    #[allow(deprecated)]
    let player = Player { volume: 1 };
    let proxy = player.start().proxy().unwrap();
    let _ = proxy.start_playing();
    let _ = proxy.defer().start_playing();
    let _ = proxy.volume();
}
