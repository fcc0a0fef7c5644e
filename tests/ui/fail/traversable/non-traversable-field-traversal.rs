// B088: a plain field is read as a value future, which has no `volume`.
use pykka::{actor, Actor};

#[derive(Clone)]
pub struct Playback {
    pub volume: u8,
}

#[actor]
pub struct Player {
    pub playback: Playback,
}

impl Actor for Player { type Message = (); type Reply = (); }

#[actor]
impl Player {}

fn main() {
    let proxy = Player { playback: Playback { volume: 5 } }.start().proxy().unwrap();
    proxy.playback().volume();
}
