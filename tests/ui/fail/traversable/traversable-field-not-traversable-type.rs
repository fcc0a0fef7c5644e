use pykka::{actor, Actor};

pub struct Playback;

#[actor]
pub struct Player {
    #[traversable]
    pub playback: Playback,
}

impl Actor for Player { type Message = (); type Reply = (); }

#[actor]
impl Player {}

fn main() {}
